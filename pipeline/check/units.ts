/**
 * Length that is fair to mixed Han/Latin text, and the length ratios real translations
 * fall in, per language pair.
 *
 * Code points are unfair across scripts: a Han character carries about as much as a
 * short English word, while Latin names, product names and numbers ("Apache
 * ShardingSphere", "2018") are written the same in both languages. Counting both alike
 * makes the ratio of a Chinese paragraph full of names look nothing like one without.
 * Here a Han (or kana) character weighs {@link HAN_WEIGHT} units and every other letter
 * or digit one; spaces and punctuation weigh nothing. Shared names then weigh the same
 * on both sides, and the ratio of a faithful translation sits near one in either
 * direction whatever the mix.
 */
import type { LocaleInfo } from '../article/locales.ts'

/**
 * Units of one Han character. 2.6 letters of English for one character of Chinese is
 * the median of the real-pair corpus below (`tests/fixtures/real-pairs`, zh→en and
 * en→zh sections taken together), so the median ratio of both directions is close to 1.
 */
export const HAN_WEIGHT = 2.6

/** Kana are syllables: lighter than kanji. Uncalibrated (no Japanese pairs in the corpus). */
export const KANA_WEIGHT = 1.3

const HAN = /\p{Script=Han}/u
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u

/** Length of a text in units: Han characters weigh {@link HAN_WEIGHT}, kana {@link KANA_WEIGHT}, other letters and digits 1. */
export function lengthUnits(text: string): number {
  let units = 0
  for (const char of text) {
    if (HAN.test(char)) units += HAN_WEIGHT
    else if (KANA.test(char)) units += KANA_WEIGHT
    else if (LETTER_OR_DIGIT.test(char)) units += 1
  }
  return units
}

/** Where the target/source length ratio of real translations falls, and how far out is alarming. */
export interface RatioCalibration {
  /** Median ratio (target units / source units). */
  median: number
  /** Below `warn.min` or above `warn.max` is unusual: a warning. */
  warn: { min: number; max: number }
  /** Below `error.min` or above `error.max` is far outside anything real: an error. */
  error: { min: number; max: number }
  /** What the numbers come from. */
  basis: string
}

/**
 * Section length ratios (units) by writing direction, measured on the real-pair corpus
 * in `tests/fixtures/real-pairs` (README there: repositories, commits, licences):
 * 12 human-translated pairs from the Astro, Apache APISIX, Dubbo and ShardingSphere
 * documentation, sections of at least 40 units. `warn` is the observed range widened by
 * a quarter on each side (the corpus is small, its extremes are not the world's);
 * `error` is half the lowest and twice the highest observed ratio.
 *
 * Observed (see `tests/check-real-pairs.test.ts`, which re-measures and fails when the
 * corpus drifts outside these bounds): Han→Latin 24 sections, ratio 0.78–1.28, median
 * 0.93; Latin→Han 33 sections, 0.64–1.34, median 0.91. The Soundtrack reference
 * (cn→en, 11 sections) falls at 0.87–1.11.
 */
export const LENGTH_CALIBRATION: Record<'cjkToLatin' | 'latinToCjk' | 'sameFamily', RatioCalibration> = {
  cjkToLatin: { median: 0.93, warn: { min: 0.6, max: 1.6 }, error: { min: 0.39, max: 2.56 }, basis: 'corpus zh→en, 24 sections' },
  latinToCjk: { median: 0.91, warn: { min: 0.5, max: 1.7 }, error: { min: 0.32, max: 2.68 }, basis: 'corpus en→zh, 33 sections' },
  // Not measured here: the usual expansion of European languages against English (±30%), widened.
  sameFamily: { median: 1, warn: { min: 0.6, max: 1.7 }, error: { min: 0.3, max: 3.4 }, basis: 'uncalibrated' },
}

/** The calibration of a language pair (Japanese uses the Han rows: kana are weighed apart). */
export function ratioCalibration(source: LocaleInfo, target: LocaleInfo): RatioCalibration {
  const cjk = (locale: LocaleInfo) => locale.script === 'Hans' || locale.script === 'Jpan'
  if (cjk(source) === cjk(target)) return LENGTH_CALIBRATION.sameFamily
  return cjk(source) ? LENGTH_CALIBRATION.cjkToLatin : LENGTH_CALIBRATION.latinToCjk
}
