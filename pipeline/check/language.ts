/**
 * What the checks know about a language pair: whether a text left equal to its source
 * was not translated, and how much longer or shorter a faithful translation runs.
 */
import type { LocaleInfo } from '../article/locales.ts'
import type { LengthRatio } from './options.ts'
import { codePoints, normalizeSpace } from './strings.ts'
import { ratioCalibration } from './units.ts'

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
 * The target/source length ratio a faithful translation of one section falls in, in
 * length units (see `lengthUnits`): the calibrated warning range of the language pair
 * and its median (`LENGTH_CALIBRATION`, measured on real translations).
 */
export function expectedLengthRatio(source: LocaleInfo, target: LocaleInfo): LengthRatio & { median: number } {
  const calibration = ratioCalibration(source, target)
  return { ...calibration.warn, median: calibration.median }
}

const SCRIPT_OF: Record<LocaleInfo['script'], RegExp> = {
  Hans: /\p{Script=Han}/u,
  Jpan: /[\p{Script=Hiragana}\p{Script=Katakana}]/u,
  Latn: /\p{Script=Latin}/u,
  Cyrl: /\p{Script=Cyrillic}/u,
}

/**
 * True when a text has letters of its own language's script that the other language's
 * script has no use for: Han in a Chinese text read against English (`社区大于代码`),
 * never Latin in English against German.
 */
export function ownScriptOnly(text: string, own: LocaleInfo, other: LocaleInfo): boolean {
  if (own.script === other.script || (own.script === 'Jpan' && other.script === 'Hans')) return false
  const mine = SCRIPT_OF[own.script]
  for (const char of text) if (mine.test(char) && !SCRIPT_OF[other.script].test(char)) return true
  return false
}

/**
 * True when `target` reads as a translation of `source` (a comment or string in code, a
 * frontmatter value): the source is in its language's script and the target no longer
 * is, or the target is in its own; between two languages of one script, both are
 * phrases (two words or more) and differ.
 */
export function textTranslated(source: string, target: string, from: LocaleInfo, to: LocaleInfo): boolean {
  if (source === target || from.code === to.code) return false
  if (from.script !== to.script) {
    return (ownScriptOnly(source, from, to) && !ownScriptOnly(target, from, to)) || ownScriptOnly(target, to, from)
  }
  const phrase = (text: string) => /\p{L}{2,}\s+\p{L}{2,}/u.test(text)
  return phrase(source) && phrase(target)
}

// Frequent short words that tell Latin-script languages apart (a handful each is plenty
// for a paragraph or more).
const STOPWORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'is', 'in', 'that', 'it', 'with', 'for', 'as', 'was', 'on', 'are', 'this', 'by', 'be', 'from', 'or', 'which'],
  de: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'mit', 'von', 'sich', 'den', 'ein', 'eine', 'auch', 'auf', 'für', 'dem', 'des', 'wird', 'sind', 'im'],
  fr: ['le', 'la', 'les', 'et', 'des', 'est', 'une', 'du', 'dans', 'que', 'pour', 'qui', 'pas', 'sur', 'au', 'avec', 'sont', 'par', 'ce', 'aux'],
  es: ['el', 'la', 'los', 'las', 'y', 'que', 'del', 'en', 'un', 'una', 'por', 'con', 'para', 'es', 'se', 'su', 'al', 'como', 'más', 'pero'],
  it: ['il', 'la', 'di', 'che', 'e', 'per', 'un', 'una', 'del', 'della', 'sono', 'con', 'non', 'gli', 'nel', 'alla', 'anche', 'come', 'è', 'dei'],
  pt: ['o', 'a', 'os', 'as', 'de', 'que', 'do', 'da', 'em', 'um', 'uma', 'para', 'com', 'não', 'dos', 'das', 'por', 'mais', 'se', 'é'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'dat', 'op', 'te', 'zijn', 'met', 'voor', 'niet', 'ook', 'aan', 'door', 'wordt', 'als', 'bij', 'naar'],
  sv: ['och', 'att', 'det', 'som', 'en', 'är', 'av', 'för', 'med', 'till', 'den', 'inte', 'om', 'ett', 'har', 'på', 'var', 'de', 'men', 'från'],
  da: ['og', 'at', 'det', 'som', 'en', 'er', 'af', 'for', 'med', 'til', 'den', 'ikke', 'om', 'et', 'har', 'på', 'var', 'de', 'men', 'fra'],
  fi: ['ja', 'on', 'ei', 'että', 'se', 'oli', 'kun', 'hän', 'mutta', 'tai', 'niin', 'ovat', 'myös', 'kuin', 'sen', 'joka', 'jos', 'vain', 'nyt', 'ole'],
}

/** Each stop word with the languages that use it (one lookup per word of a text). */
const LANGUAGES_OF_STOPWORD = new Map<string, string[]>()
for (const [code, list] of Object.entries(STOPWORDS)) {
  for (const word of list) LANGUAGES_OF_STOPWORD.set(word, [...(LANGUAGES_OF_STOPWORD.get(word) ?? []), code])
}

// A long text is judged on evenly spread windows: as telling as the whole, and a whole
// article's letters were most of the article check's time.
const SAMPLE_WINDOWS = 8
const SAMPLE_WINDOW = 2_000

function sampleOf(text: string): string {
  if (text.length <= SAMPLE_WINDOWS * SAMPLE_WINDOW) return text
  const step = Math.floor(text.length / SAMPLE_WINDOWS)
  const windows: string[] = []
  for (let k = 0; k < SAMPLE_WINDOWS; k++) windows.push(text.slice(k * step, k * step + SAMPLE_WINDOW))
  return windows.join('\n')
}

const HAN_LETTER = /^\p{Script=Han}$/u
const KANA_LETTER = /^[\p{Script=Hiragana}\p{Script=Katakana}]$/u
const LATIN_LETTER = /^\p{Script=Latin}$/u
const CYRILLIC_LETTER = /^\p{Script=Cyrillic}$/u

// What detectLanguage counts a code point as.
const OTHER = 1
const HAN_SCRIPT = 2
const KANA_SCRIPT = 3
const LATIN_SCRIPT = 4
const CYRILLIC_SCRIPT = 5

function scriptOf(char: string): number {
  return HAN_LETTER.test(char) ? HAN_SCRIPT : KANA_LETTER.test(char) ? KANA_SCRIPT : LATIN_LETTER.test(char) ? LATIN_SCRIPT : CYRILLIC_LETTER.test(char) ? CYRILLIC_SCRIPT : OTHER
}

// The script of each BMP code point met so far (0: not looked up yet).
const BMP_SCRIPTS = new Uint8Array(0x10000)

/**
 * Code points of Han, kana, Latin and Cyrillic script in a text, as four global matches
 * of `\p{Script=…}` would count them, in one scan: a script is looked up by regex once
 * per code point value, not once per character (and not four times over the text).
 */
function scriptCounts(text: string): { han: number; kana: number; latin: number; cyrillic: number } {
  const counts = [0, 0, 0, 0, 0, 0]
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    let script: number
    if (code < 0x80) script = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ? LATIN_SCRIPT : OTHER
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      script = scriptOf(text.slice(i, i + 2))
      i++
    } else script = BMP_SCRIPTS[code] ||= scriptOf(String.fromCharCode(code))
    counts[script]!++
  }
  return { han: counts[HAN_SCRIPT]!, kana: counts[KANA_SCRIPT]!, latin: counts[LATIN_SCRIPT]!, cyrillic: counts[CYRILLIC_SCRIPT]! }
}

/**
 * The language a text is written in, as a site code, with how sure the guess is (0–1),
 * or undefined for too little text. Scripts settle Chinese, Japanese and Cyrillic
 * (Ukrainian by its own letters); Latin-script languages are told apart by their most
 * frequent short words.
 */
export function detectLanguage(whole: string): { code: string; confidence: number } | undefined {
  const text = sampleOf(whole)
  const { han, kana, latin, cyrillic } = scriptCounts(text)
  const letters = han + kana + latin + cyrillic
  if (letters < 40) return undefined
  if (kana > 0.1 * (han + kana) && kana >= 10) return { code: 'jp', confidence: 0.9 }
  if (han * 2.6 > latin) return { code: 'cn', confidence: Math.min(1, (han * 2.6) / letters) }
  if (cyrillic > latin) return { code: /[іїєґ]/iu.test(text) ? 'uk' : 'ru', confidence: 0.9 }
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? []
  if (words.length < 20) return undefined
  const hits = new Map<string, number>()
  for (const word of words) for (const code of LANGUAGES_OF_STOPWORD.get(word) ?? []) hits.set(code, (hits.get(code) ?? 0) + 1)
  const scores = Object.keys(STOPWORDS).map((code) => ({ code, hits: hits.get(code) ?? 0 }))
  scores.sort((a, b) => b.hits - a.hits)
  const [best, second] = scores
  // Function words make up a third or more of any real prose; a few chance hits in text that
  // has almost none (pseudo-localized drafts, lists of names) say nothing about its language.
  if (!best || best.hits < 3 || best.hits < words.length * 0.08) return undefined
  return { code: best.code, confidence: (best.hits - (second?.hits ?? 0)) / best.hits }
}

/**
 * The language `text` reads as, as a site code, when that is not `target`'s; undefined
 * when it reads as `target`'s language or the guess of {@link detectLanguage} is unsure
 * (too little text, confidence below 0.3). Han in Japanese text is Japanese.
 */
export function otherLanguage(text: string, target: LocaleInfo): string | undefined {
  const detected = detectLanguage(text)
  if (!detected || detected.confidence < 0.3 || detected.code === target.code) return undefined
  if (detected.code === 'cn' && target.script === 'Jpan') return undefined
  return detected.code
}
