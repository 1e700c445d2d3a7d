/**
 * Numbers in a text and their spellings in the other language, so `text/numbers` can
 * tell a dropped number from one written differently (1,000 = 1.000, 60年代 = 1960s).
 */

/** A number in a text, with the spellings it may take in the other language. */
export interface NumberToken {
  /** As written. */
  text: string
  /** Canonical digit strings that count as the same number (`60年代` → 60, 1960, 2060). */
  keys: string[]
  offset: number
  /**
   * A number written as a word (`two`, `July`, `decade`, `两`): it may stand for a
   * number of the other side, but is never required to have a counterpart itself.
   */
  word?: boolean
}

// Number words that translators write for digits: English cardinals, months and
// `decade`/`dozen`; Chinese numerals one to ten and 两. Matched as whole words.
const ENGLISH_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30,
  forty: 40, fifty: 50, hundred: 100, thousand: 1000, decade: 10, decades: 10, dozen: 12, first: 1, second: 2, third: 3,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  twice: 2, single: 1, both: 2,
}
const HAN_WORD = /[一二三四五六七八九十两]/g
// Any character HAN_DECADE, HAN_CENTURY or HAN_WORD needs.
const HAN_NUMERAL = /[一二三四五六七八九十两]/
// The number words by length and first letter: a word run is compared only with these.
const ENGLISH_BY_SHAPE = new Map<number, string[]>()
for (const word of Object.keys(ENGLISH_WORDS)) {
  const shape = word.length * 128 + word.charCodeAt(0)
  ENGLISH_BY_SHAPE.set(shape, [...(ENGLISH_BY_SHAPE.get(shape) ?? []), word])
}

const isWordCode = (code: number) => (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f

/**
 * English number words (whole words, any case), as `\b(one|two|…)\b` with the `i` flag
 * matches them: a run of `[A-Za-z0-9_]` that is one of the words. A scan by character
 * codes: on English prose that regex was the slowest part of the number search.
 */
function englishNumberWords(text: string, offset: number, tokens: NumberToken[]): void {
  const length = text.length
  let i = 0
  while (i < length) {
    if (!isWordCode(text.charCodeAt(i))) {
      i++
      continue
    }
    let end = i + 1
    while (end < length && isWordCode(text.charCodeAt(end))) end++
    // `| 0x20` lower-cases an ASCII letter and leaves digits as they are (`_` matches no letter).
    const candidates = ENGLISH_BY_SHAPE.get((end - i) * 128 + (text.charCodeAt(i) | 0x20))
    if (candidates) {
      for (const candidate of candidates) {
        let same = true
        for (let k = 1; k < candidate.length && same; k++) same = (text.charCodeAt(i + k) | 0x20) === candidate.charCodeAt(k)
        if (same) {
          tokens.push({ text: text.slice(i, end), keys: [String(ENGLISH_WORDS[candidate])], offset: offset + i, word: true })
          break
        }
      }
    }
    i = end
  }
}


const FULL_WIDTH_DIGIT = /[\uff10-\uff19]/g
// Chinese decades in digits: 60年代, 60-70年代 (both decades).
const DECADE = /(?<!\d)(\d{2})(?:\s*[-–—~～至到]\s*(\d{2}))?\s*年代/g
// Decades and centuries in Chinese numerals: 三十年代, 五六十年代 (the 50s and 60s), 二十世纪.
const HAN_DIGITS = '〇一二三四五六七八九'
const HAN_DECADE = /([一二三四五六七八九]{1,2})十年代/g
const HAN_CENTURY = /(?<![一二三四五六七八九十〇])([一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])世纪/g
// Group separators: comma, dot, no-break and thin spaces before exactly three digits.
const NUMBER = /\d+(?:[,.\u00a0\u202f\u2009]\d{3}(?!\d))*(?:[.,]\d+)?/g

/** 1–99 written in Chinese numerals (十九, 二十, 二十一). */
function hanNumber(text: string): number {
  const ten = text.indexOf('十')
  if (ten === -1) return HAN_DIGITS.indexOf(text)
  const tens = ten === 0 ? 1 : HAN_DIGITS.indexOf(text[0]!)
  const ones = ten === text.length - 1 ? 0 : HAN_DIGITS.indexOf(text[ten + 1]!)
  return tens * 10 + ones
}

function canonicalNumber(text: string): string {
  return text.replace(/\D/g, '').replace(/^0+(?=\d)/, '')
}

/**
 * Numbers in a text. Separators are dropped (1,000 = 1.000 = 1000, and 3.5 = 3,5), full-width
 * digits count as digits, and a Chinese decade (`60年代`, `六十年代`, each of `五六十年代`)
 * matches 60, 1960 or 2060 (`1960s`); a century in numerals (`二十世纪`) matches 20 (`20th`).
 * Other numbers written in Chinese numerals (三个, 一部) are words, not numbers.
 */
export function extractNumbers(value: string, offset = 0): NumberToken[] {
  // Most text nodes hold no digit and no Han numeral: each pattern below only runs when
  // the text has what it needs (the patterns were a tenth of a whole check).
  const fullWidth = /[\uff10-\uff19]/.test(value)
  const text = fullWidth ? value.replace(FULL_WIDTH_DIGIT, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xff10 + 48)) : value
  const digits = fullWidth || /\d/.test(text)
  const hanNumerals = HAN_NUMERAL.test(text)
  const tokens: NumberToken[] = []
  if (hanNumerals) for (const match of text.matchAll(HAN_DECADE)) {
    for (const digit of match[1]!) {
      const decade = `${HAN_DIGITS.indexOf(digit)}0`
      tokens.push({ text: match[0], keys: [decade, `19${decade}`, `20${decade}`], offset: offset + match.index })
    }
  }
  if (hanNumerals) for (const match of text.matchAll(HAN_CENTURY)) {
    tokens.push({ text: match[0], keys: [String(hanNumber(match[1]!))], offset: offset + match.index })
  }
  let masked = text
  if (digits) for (const match of text.matchAll(DECADE)) {
    for (const decade of [match[1], match[2]]) {
      if (decade === undefined) continue
      const key = canonicalNumber(decade)
      tokens.push({ text: match[0], keys: [key, `19${decade}`, `20${decade}`], offset: offset + match.index })
    }
    masked = masked.slice(0, match.index) + ' '.repeat(match[0].length) + masked.slice(match.index + match[0].length)
  }
  if (digits) for (const match of masked.matchAll(NUMBER)) {
    tokens.push({ text: match[0], keys: [canonicalNumber(match[0])], offset: offset + match.index })
  }
  englishNumberWords(text, offset, tokens)
  if (hanNumerals) for (const match of text.matchAll(HAN_WORD)) {
    const value = match[0] === '两' ? 2 : hanNumber(match[0])
    tokens.push({ text: match[0], keys: [String(value)], offset: offset + match.index, word: true })
  }
  return tokens.sort((a, b) => a.offset - b.offset)
}

/** Source tokens without a counterpart in the target (each target token used once). */
export function missingNumbers(source: readonly NumberToken[], target: readonly NumberToken[]): NumberToken[] {
  const byKey = new Map<string, number[]>()
  target.forEach((token, index) => {
    for (const key of token.keys) {
      const list = byKey.get(key)
      if (list) list.push(index)
      else byKey.set(key, [index])
    }
  })
  const used = new Set<number>()
  const missing: NumberToken[] = []
  // Exact numbers first: a decade (60, 1960 or 2060) must not take the only plain 80 ("CS-80").
  const ordered = source.filter((token) => !token.word).sort((a, b) => a.keys.length - b.keys.length)
  for (const token of ordered) {
    let found = false
    for (const key of token.keys) {
      const candidates = byKey.get(key)
      const free = candidates?.find((index) => !used.has(index))
      if (free !== undefined) {
        used.add(free)
        found = true
        break
      }
    }
    if (!found) missing.push(token)
  }
  return missing.sort((a, b) => a.offset - b.offset)
}
