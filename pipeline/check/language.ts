/**
 * What the checks know about a language pair: whether a text left equal to its source
 * was not translated, and how much longer or shorter a faithful translation runs.
 */
import { isCjk, type LocaleInfo } from '../article/locales.ts'
import type { LengthRatio } from './options.ts'
import { codePoints, normalizeSpace } from './strings.ts'

const LETTER = /\p{L}/u
const SCRIPT_LETTERS: Record<LocaleInfo['script'], RegExp> = {
  Hans: /\p{Script=Han}/u,
  Jpan: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
  Latn: /\p{Script=Latin}/u,
  Cyrl: /\p{Script=Cyrillic}/u,
}

/**
 * True when a target text equal to its source looks like it was not translated: the
 * languages differ, and the text has a letter of the source's script that the target's
 * script has no use for (Han in English), or is longer than 20 characters. Names,
 * numbers and short shared words ("Soundtrack" in English and German) pass.
 */
export function looksUntranslated(source: string, target: string, sourceLocale: LocaleInfo, targetLocale: LocaleInfo): boolean {
  if (sourceLocale.code === targetLocale.code) return false
  const a = normalizeSpace(source)
  if (a === '' || a !== normalizeSpace(target) || !LETTER.test(a)) return false
  const sourceScript = SCRIPT_LETTERS[sourceLocale.script]
  const targetScript = SCRIPT_LETTERS[targetLocale.script]
  for (const char of a) {
    if (sourceScript.test(char) && !targetScript.test(char)) return true
  }
  return codePoints(a) > 20
}

/**
 * The target/source character ratio a faithful translation of one section falls in,
 * calibrated on Chinese→English articles (median 3.8, range 2.8–4.6). Other Latin or
 * Cyrillic targets from Chinese get a wider 2.5–5.2; the reverse directions the inverse;
 * languages of the same writing family 0.6–1.7. Japanese carries kana, so its text is
 * longer than Chinese: Japanese→Latin uses an uncalibrated 1.6–4.0.
 */
export function expectedLengthRatio(source: LocaleInfo, target: LocaleInfo): LengthRatio & { median: number } {
  const sourceCjk = isCjk(source)
  const targetCjk = isCjk(target)
  if (sourceCjk === targetCjk) return { min: 0.6, max: 1.7, median: 1 }
  const cjk = sourceCjk ? source : target
  const other = sourceCjk ? target : source
  const forward =
    cjk.script === 'Jpan' ? { min: 1.6, max: 4.0, median: 2.7 } : other.code === 'en' ? { min: 2.8, max: 4.6, median: 3.8 } : { min: 2.5, max: 5.2, median: 3.8 }
  return sourceCjk ? forward : { min: 1 / forward.max, max: 1 / forward.min, median: 1 / forward.median }
}
