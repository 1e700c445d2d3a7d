/**
 * pseudo: a deterministic pseudo-localization for offline runs. Every piece of Markdown
 * stays where it is; each text run that would be translated is wrapped in ⟦ ⟧ and its
 * Han characters become Latin pseudo-words (about 3.5 letters a character, close to the
 * zh→en length ratio), so a person can see what a translator would receive and the
 * structure check has something realistic to compare. Locked glossary names are put in
 * their target form, as a real translation must.
 */
import type { Nodes, Text } from 'mdast'
import { visitParents } from 'unist-util-visit-parents'
import { splice, type Replacement } from '../article/assemble.ts'
import { parseMarkdown } from '../article/markdown.ts'

/** A span of the text to replace by a fixed form (a locked glossary name). */
export interface LockedSpan {
  start: number
  end: number
  form: string
}

const HAN = /\p{Script=Han}/u
const CJK_TEXT = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u
const CONSONANTS = 'bdfghjklmnprstvz'
const VOWELS = 'aeiou'
const FINALS = ['', 'n', 'r', 'l', 's']

// Full-width punctuation → ASCII, with whether a space follows it.
const PUNCTUATION: Record<string, [string, boolean]> = {
  '，': [',', true], '。': ['.', true], '、': [',', true], '：': [':', true], '；': [';', true],
  '！': ['!', true], '？': ['?', true], '“': ['"', false], '”': ['"', true], '‘': ["'", false],
  '’': ["'", true], '《': ['“', false], '》': ['”', true], '（': ['(', false], '）': [')', true],
  '【': ['[', false], '】': [']', true], '·': [' ', false], '…': ['...', true], '—': ['-', false],
}

const NUMERAL = '〇一二三四五六七八九'

/**
 * Chinese decade and century words written in digits (三十年代 → 1930s, 五六十年代 →
 * 1950s–60s, 二十世纪 → 20th century), so the pseudo draft keeps the source's numbers
 * as a translation must.
 */
export function numberSpans(text: string): LockedSpan[] {
  const spans: LockedSpan[] = []
  for (const match of text.matchAll(/(?:上个?世纪)?([一二三四五六七八九])([一二三四五六七八九])?十年代/gu)) {
    const first = NUMERAL.indexOf(match[1]!)
    const second = match[2] ? NUMERAL.indexOf(match[2]) : undefined
    spans.push({ start: match.index, end: match.index + match[0].length, form: second === undefined ? `19${first}0s` : `19${first}0s–19${second}0s` })
  }
  for (const match of text.matchAll(/([一二])十(一)?世纪/gu)) {
    const century = NUMERAL.indexOf(match[1]!) * 10 + (match[2] ? 1 : 0)
    spans.push({ start: match.index, end: match.index + match[0].length, form: `${century}th century` })
  }
  return spans
}

function syllable(char: string): string {
  const code = char.codePointAt(0)!
  return CONSONANTS[code % CONSONANTS.length]! + VOWELS[(code >> 4) % VOWELS.length]! + FINALS[(code >> 7) % FINALS.length]!
}

// Latin letters → look-alikes with accents: the classic pseudo-localization for Latin sources.
const ACCENTED: Record<string, string> = {
  a: 'á', b: 'ƀ', c: 'ç', d: 'ð', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'í', j: 'ĵ', k: 'ķ', l: 'ļ', m: 'ɱ',
  n: 'ñ', o: 'ó', p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'ú', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Á', B: 'Ɓ', C: 'Ç', D: 'Ð', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Í', J: 'Ĵ', K: 'Ķ', L: 'Ļ', M: 'Ṁ',
  N: 'Ñ', O: 'Ó', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Ú', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
}

/** Options of the pseudo-localization. */
export interface PseudoOptions {
  /**
   * Also disguise Latin letters (á, ƀ, ç…): for sources written in Latin script, where
   * Han characters are not what marks translatable text. @default false
   */
  accentLatin?: boolean
}

/** Pseudo-translates one plain text run (no Markdown in it). */
export function pseudoText(text: string, locked: readonly LockedSpan[] = [], options: PseudoOptions = {}): string {
  let out = ''
  // Whether `out` ends in white space, kept as it grows: asking the string itself
  // (`/\s$/`, or its last character) flattens it every time, quadratic on a long run.
  let endsInSpace = false
  let spaceWanted = false
  let hanInWord = 0
  const append = (piece: string) => {
    if (piece === '') return
    out += piece
    endsInSpace = /\s/.test(piece[piece.length - 1]!)
  }
  const emit = (piece: string, spaceBefore: boolean) => {
    if ((spaceWanted || spaceBefore) && out !== '' && !endsInSpace && !/^[\s,.;:!?)\]”"']/.test(piece)) append(' ')
    append(piece)
    spaceWanted = false
  }
  const sorted = [...locked].sort((a, b) => a.start - b.start)
  let index = 0
  while (index < text.length) {
    const lock = sorted.find((span) => span.start === index)
    if (lock) {
      emit(lock.form, true)
      spaceWanted = true
      hanInWord = 0
      index = lock.end
      continue
    }
    const char = String.fromCodePoint(text.codePointAt(index)!)
    index += char.length
    if (HAN.test(char)) {
      // Two characters make one pseudo-word, as many Chinese words are two characters long.
      if (hanInWord === 0) emit(syllable(char), true)
      else append(syllable(char))
      hanInWord = (hanInWord + 1) % 2
      if (hanInWord === 0) spaceWanted = true
      continue
    }
    hanInWord = 0
    const mapped = PUNCTUATION[char]
    if (mapped) {
      emit(mapped[0], false)
      spaceWanted = mapped[1]
      continue
    }
    if (/\s/.test(char)) {
      append(char)
      spaceWanted = false
      continue
    }
    emit(options.accentLatin ? (ACCENTED[char] ?? char) : char, false)
  }
  return out
}

/**
 * Text that is also an address: the label of a `[label][]` / `[label]` reference (it
 * must keep matching its definition) and an autolink (`<https://…>`, bare URLs).
 */
function isLabel(node: Nodes, markdown: string): boolean {
  if ((node.type === 'linkReference' || node.type === 'imageReference') && node.referenceType !== 'full') return true
  if (node.type !== 'link') return false
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  const source = start === undefined || end === undefined ? '' : markdown.slice(start, end)
  return !source.startsWith('[')
}

/**
 * Pseudo-localizes a Markdown fragment: each text node's source slice is transformed in
 * place, so every marker, URL, code span and line break stays byte-identical.
 * `findLocked` returns glossary spans of the whole fragment: some names only count
 * inside emphasis (`*金刚*`), so they must be found with the markers still there.
 */
export function pseudoLocalize(markdown: string, findLocked: (text: string) => LockedSpan[] = () => [], options: PseudoOptions = {}): string {
  const names = findLocked(markdown)
  // Glossary names win where a number word overlaps one.
  const locked = [...names, ...numberSpans(markdown).filter((span) => !names.some((name) => span.start < name.end && name.start < span.end))]
  const replacements: Replacement[] = []
  const tree = parseMarkdown(markdown)
  visitParents(tree, 'text', (node: Text, ancestors) => {
    const start = node.position?.start.offset
    const end = node.position?.end.offset
    if (start === undefined || end === undefined) return
    if (ancestors.some((ancestor) => isLabel(ancestor, markdown))) return
    const slice = markdown.slice(start, end)
    // Full-width punctuation alone (a 、 between two titles) is translatable text too.
    if (!(options.accentLatin ? /\p{L}/u : CJK_TEXT).test(slice)) return
    const core = /^(\s*)([\s\S]*?)(\s*)$/.exec(slice)!
    const coreStart = start + core[1]!.length
    const coreEnd = coreStart + core[2]!.length
    const spans = locked
      .filter((span) => span.start >= coreStart && span.end <= coreEnd)
      .map((span) => ({ ...span, start: span.start - coreStart, end: span.end - coreStart }))
    replacements.push({ start, end, text: `${core[1]}⟦${pseudoText(core[2]!, spans, options)}⟧${core[3]}` })
  })
  // Alt text and titles are read by people too (and checked for leftover Chinese).
  const pseudoAttribute = (raw: string) => pseudoText(raw, [], options)
  visitParents(tree, (node: Nodes) => {
    const start = node.position?.start.offset
    const end = node.position?.end.offset
    if (start === undefined || end === undefined) return
    const slice = markdown.slice(start, end)
    if (node.type === 'image') {
      const alt = /^!\[((?:\\.|[^\]\\])*)\]/.exec(slice)
      if (alt && CJK_TEXT.test(alt[1]!)) replacements.push({ start: start + 2, end: start + 2 + alt[1]!.length, text: pseudoAttribute(alt[1]!) })
    }
    if ((node.type === 'image' || node.type === 'link' || node.type === 'definition') && node.title && CJK_TEXT.test(node.title)) {
      const at = slice.lastIndexOf(node.title)
      if (at > 0) replacements.push({ start: start + at, end: start + at + node.title.length, text: pseudoAttribute(node.title) })
    }
  })
  return splice(markdown, replacements)
}
