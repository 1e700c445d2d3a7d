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
export const HAN_WEIGHT = 3

/** Kana are syllables: lighter than kanji. Uncalibrated (no Japanese pairs in the corpus). */
export const KANA_WEIGHT = 1.3

const HAN = /\p{Script=Han}/u
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u

/** Length of a text in units: Han characters weigh {@link HAN_WEIGHT}, kana {@link KANA_WEIGHT}, other letters and digits 1. */
export function lengthUnits(text: string): number {
  let units = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    // ASCII first: most text of either side is ASCII or Han, and per-character Unicode
    // property regexes are slow.
    if (code < 0x80) {
      if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) units += 1
      continue
    }
    if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff)) {
      units += HAN_WEIGHT
      continue
    }
    if (code >= 0x3040 && code <= 0x30ff) {
      units += KANA_WEIGHT
      continue
    }
    const point = text.codePointAt(i)!
    if (point > 0xffff) i++
    const kind = point <= 0xffff ? (KINDS[point] ||= kindOf(point)) : kindOf(point)
    if (kind === HAN_KIND) units += HAN_WEIGHT
    else if (kind === KANA_KIND) units += KANA_WEIGHT
    else if (kind === LETTER_KIND) units += 1
  }
  return units
}

const OTHER_KIND = 1
const LETTER_KIND = 2
const HAN_KIND = 3
const KANA_KIND = 4

/** What a code point weighs, by its script and category (the regexes are slow per character). */
function kindOf(point: number): number {
  const char = String.fromCodePoint(point)
  return HAN.test(char) ? HAN_KIND : KANA.test(char) ? KANA_KIND : LETTER_OR_DIGIT.test(char) ? LETTER_KIND : OTHER_KIND
}

// The kind of each BMP code point met so far (0: not yet looked up): CJK punctuation,
// accented letters and full-width forms are looked up once per process, not per character.
const KINDS = new Uint8Array(0x10000)

/** Where the target/source length ratio of real translations falls, and how far out is alarming. */
export interface RatioCalibration {
  /** Median ratio (target units / source units). */
  median: number
  /** Below `warn.min` or above `warn.max` is unusual: a warning. */
  warn: { min: number; max: number }
  /** Below `error.min` or above `error.max` is far outside anything real: an error. */
  error: { min: number; max: number }
  /** A single paragraph below this ratio of its source lost content: half the lowest paragraph ratio observed. */
  paragraphFloor: number
  /**
   * Sentences a paragraph may gain in translation unremarked (splitting long sentences),
   * unless the article's own translation keeps its sentences (see `compareAnchors`).
   */
  sentenceSlack: number
  /** What the numbers come from. */
  basis: string
}

/**
 * Length ratios (units) by writing direction, measured on the real-pair corpus in
 * `tests/fixtures/real-pairs` (README there: repositories, commits, licences): 12
 * human-translated pairs from the Astro, Apache APISIX, Apache Dubbo and Apache
 * ShardingSphere documentation, sections of at least 40 units, paragraphs paired by
 * `alignBlocks`. `warn` is the observed range widened by a quarter at each end (the
 * corpus is small; its extremes are not the world's); `error` is half the lowest and
 * twice the highest observed section ratio; `paragraphFloor` half the lowest paragraph ratio.
 *
 * Observed with HAN_WEIGHT 3 (`tests/check-real-pairs.test.ts` re-measures and fails
 * when the corpus leaves these bounds):
 * - en→zh: 24 sections 0.68–1.37 (median 1.04); 51 paragraphs 0.49–1.53.
 * - en→zh keeps the sentences of 50 of 51 paragraphs (the other lost one: a real omission).
 * - zh→en: 9 sections 0.86–1.24 (median 1.06); 30 paragraphs 0.64–1.48; 24 paragraphs
 *   keep their sentences, 9 gain one, 4 gain two, none loses one. The Soundtrack
 *   reference translation (cn→en, not in the corpus) falls at 1.10–1.26 (paragraphs 0.99–1.36).
 */
export const LENGTH_CALIBRATION: Record<'cjkToLatin' | 'latinToCjk' | 'sameFamily', RatioCalibration> = {
  cjkToLatin: { median: 1.06, warn: { min: 0.69, max: 1.55 }, error: { min: 0.43, max: 2.48 }, paragraphFloor: 0.32, sentenceSlack: 2, basis: 'corpus zh→en: 9 sections, 30 paragraphs' },
  latinToCjk: { median: 1.04, warn: { min: 0.54, max: 1.71 }, error: { min: 0.34, max: 2.74 }, paragraphFloor: 0.25, sentenceSlack: 0, basis: 'corpus en→zh: 24 sections, 51 paragraphs' },
  // Not measured here: European languages run up to a third longer or shorter than English; widened.
  sameFamily: { median: 1, warn: { min: 0.6, max: 1.7 }, error: { min: 0.3, max: 3.4 }, paragraphFloor: 0.25, sentenceSlack: 1, basis: 'uncalibrated' },
}

/** The calibration of a language pair (Japanese uses the Han rows: kana are weighed apart). */
export function ratioCalibration(source: LocaleInfo, target: LocaleInfo): RatioCalibration {
  const cjk = (locale: LocaleInfo) => locale.script === 'Hans' || locale.script === 'Jpan'
  if (cjk(source) === cjk(target)) return LENGTH_CALIBRATION.sameFamily
  return cjk(source) ? LENGTH_CALIBRATION.cjkToLatin : LENGTH_CALIBRATION.latinToCjk
}
