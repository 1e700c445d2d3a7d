/**
 * Sentences of a paragraph, in either writing system: `。！？` end a Chinese or Japanese
 * sentence wherever they stand; `. ! ?` end a Latin one when a space (or the end)
 * follows and the word before is no abbreviation (`e.g.`, `vs.`, `Dr.`), so `3.5`,
 * `Next.js` and `U.S. law` stay one sentence.
 */

// Abbreviations a period follows inside a sentence (lower case, without the period).
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'vs', 'approx', 'dr', 'mr', 'mrs', 'ms', 'prof', 'vol', 'fig', 'jr', 'sr', 'inc', 'ltd', 'z.b', 'u.a', 'd.h', 'bzw', 'usw', 'ggf', 'mio', 'mrd', 'p.ex',
])

const CJK_END = /[。！？!?]+[”’」』）)]*/gu
const LATIN_END = /([.!?…]+)(["'”’)\]⟧»]*)(?=\s|$|[*_⟦\ufffc])/gu
const HAS_WORD = /[\p{L}\p{N}]/u

const LETTER = /^\p{L}$/u
// Per BMP code unit: 0 not looked up yet, 1 a letter, 2 not.
const LETTERS = new Uint8Array(0x10000)

/**
 * The letters and dots that end `text` (what `/([\p{L}.]+)$/u` captures, or '' when it
 * does not match), by a scan backwards from the end: the regex, anchored at the end,
 * was tried from every position of the text before each full stop.
 */
function trailingWord(text: string): string {
  let start = text.length
  while (start > 0) {
    const code = text.charCodeAt(start - 1)
    if (code === 0x2e) {
      start--
      continue
    }
    if (code >= 0xdc00 && code <= 0xdfff && start >= 2) {
      const high = text.charCodeAt(start - 2)
      if (high >= 0xd800 && high <= 0xdbff) {
        if (!LETTER.test(text.slice(start - 2, start))) break
        start -= 2
        continue
      }
    }
    let kind = LETTERS[code]!
    if (kind === 0) kind = LETTERS[code] = LETTER.test(String.fromCharCode(code)) ? 1 : 2
    if (kind !== 1) break
    start--
  }
  return text.slice(start)
}

/** The sentences of a text (trimmed, each with a letter or digit), in order. */
export function sentences(text: string): string[] {
  const cuts: number[] = []
  for (const match of text.matchAll(CJK_END)) {
    // A Latin `!`/`?` inside Chinese text ends a sentence too; inside Latin text LATIN_END decides.
    if ((match[0].startsWith('!') || match[0].startsWith('?')) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text.slice(Math.max(0, match.index - 1), match.index))) continue
    cuts.push(match.index + match[0].length)
  }
  for (const match of text.matchAll(LATIN_END)) {
    // Only the end of the text before matters (a regex anchored at `$` over all of it is quadratic).
    const before = text.slice(Math.max(0, match.index - 24), match.index)
    const word = trailingWord(before).toLowerCase()
    if (match[1] === '.' && (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || /(?:^|\.)\p{L}\.\p{L}$/u.test(word))) continue
    if (match[1] === '.' && /\d$/.test(before) && /^\s*\d/.test(text.slice(match.index + 1))) continue
    cuts.push(match.index + match[0].length)
  }
  cuts.sort((a, b) => a - b)
  const result: string[] = []
  let start = 0
  for (const cut of [...cuts, text.length]) {
    if (cut <= start) continue
    const piece = text.slice(start, cut).trim()
    if (HAS_WORD.test(piece)) result.push(piece)
    else if (result.length > 0 && piece !== '') result[result.length - 1] += piece
    start = cut
  }
  return result
}
