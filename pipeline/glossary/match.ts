/**
 * Finding glossary terms in a source text and checking their locked forms in a
 * translation. Pure: no I/O.
 *
 * Both sides are compared on a normalized copy of the text (see {@link normalize}),
 * so a line break inside a name (`约翰·\n威廉姆斯`, `John\nWilliams`), an interpunct
 * variant (`约翰・威廉姆斯`, `约翰.威廉姆斯`), Markdown emphasis inside a name
 * (`**John\nWilliams**`) or a typographic apostrophe (`Schindler’s List`) does not hide
 * a term. Offsets reported by {@link findTerms} are offsets into the original text.
 */
import type { Glossary, GlossaryEntry } from './model.ts'
import { lockedForm, siteLocaleCode } from './model.ts'
import { contentHash } from '../shared/hash.ts'
import { BoundedCache } from '../shared/bounded-cache.ts'
import type { LocaleInfo } from '../article/locales.ts'
import { inflectedPattern, inflectionFor, type InflectionRule } from './inflect.ts'

// ── Normalization ────────────────────────────────────────────────────────────

/** Letters, digits and combining marks of space-separated scripts (Latin, Cyrillic, Greek ...). */
const WORD = /[\p{L}\p{N}\p{M}]/u

/**
 * True for Chinese, Japanese and Korean characters and their punctuation, which are
 * written without spaces between words. A range test: this runs on every character.
 */
function isCjkCode(code: number): boolean {
  return (
    (code >= 0x2e80 && code <= 0x9fff) || // radicals, CJK punctuation, kana, Han
    (code >= 0xac00 && code <= 0xd7af) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) || // compatibility ideographs
    (code >= 0xfe30 && code <= 0xfe4f) || // CJK compatibility forms
    (code >= 0xff00 && code <= 0xffef) || // full-width and half-width forms
    (code >= 0x20000 && code <= 0x3ffff) // Han extensions
  )
}

function isHanCode(code: number): boolean {
  return (
    (code >= 0x3400 && code <= 0x9fff) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x20000 && code <= 0x3ffff) ||
    code === 0x3007 // 〇
  )
}

/** True for a character written without spaces around it (CJK, or the name interpunct). */
function isTightCode(code: number): boolean {
  return code === 0xb7 || isCjkCode(code)
}

/** True for a letter or digit of a space-separated script: needs word boundaries. */
export function isWordChar(char: string | undefined): boolean {
  if (char === undefined || char === '') return false
  const code = char.codePointAt(0)!
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
  return !isCjkCode(code) && WORD.test(char)
}

/** A normalized copy of a text and, per UTF-16 unit of the copy, where it came from. */
export interface NormalizedText {
  text: string
  /** Offset in the original of the unit at each position of `text`. */
  starts: Int32Array
  /** Offset in the original just past the character at each position of `text`. */
  ends: Int32Array
}

const SPACE = -1
const DROP = -2
const DOT = -3
const INTERPUNCT = 0xb7

/**
 * What a code point becomes: itself, another code point, {@link SPACE} (whitespace),
 * {@link DROP} (emphasis markers, invisible characters) or {@link DOT} (a full stop
 * that is an interpunct between two Han characters).
 */
function classify(code: number): number {
  if (code < 0x80) {
    if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return SPACE
    if (code === 0x2a || code === 0x5f) return DROP // Markdown emphasis * and _
    if (code === 0x2e) return DOT
    return code
  }
  if (code >= 0x4e00 && code <= 0x9fff) return code // Han: the common case in source articles
  switch (code) {
    // Middle dots between the parts of a transcribed name.
    case 0xb7: case 0x30fb: case 0x2022: case 0x2027: case 0xff65: case 0x2219: case 0x22c5: case 0x16eb:
      return INTERPUNCT
    case 0xff0e: // full-width full stop
      return DOT
    // Typographic apostrophes.
    case 0x2019: case 0x2018: case 0x2bc: case 0xff07:
      return 0x27
    // Hyphens and dashes.
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
      return 0x2d
    // Zero-width space and joiners, word joiner, soft hyphen, BOM.
    case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xad: case 0xfeff:
      return DROP
    default:
      return isUnicodeSpace(code) ? SPACE : code
  }
}

/** Non-ASCII white space (what `\s` matches beyond ASCII), ideographic space included. */
function isUnicodeSpace(code: number): boolean {
  return (
    code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000
  )
}

const utf16 = new TextDecoder('utf-16le')

/**
 * Normalizes a text for term matching:
 * - whitespace runs (line breaks included) become one space between two
 *   space-separated words and disappear next to CJK characters or an interpunct;
 * - interpunct variants become `·`; `.` and `．` between two Han characters too;
 * - typographic apostrophes become `'`, dash variants `-`;
 * - Markdown emphasis markers (`*`, `_`) and invisible characters are dropped.
 */
export function normalize(input: string): NormalizedText {
  const length = input.length
  const units = new Uint16Array(length + 1)
  const starts = new Int32Array(length + 1)
  const ends = new Int32Array(length + 1)
  let size = 0
  let previous = -1 // last emitted code point, -1 before the first
  let pendingSpace = -1 // offset of a whitespace run not yet emitted, or -1

  let index = 0
  while (index < length) {
    let code = input.charCodeAt(index)
    let width = 1
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
      const low = input.charCodeAt(index + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000
        width = 2
      }
    }
    const next = index + width
    let out = classify(code)
    if (out === DOT) out = isHanCode(previous) && isHanCode(nextVisibleCode(input, next)) ? INTERPUNCT : code
    if (out === SPACE) {
      if (pendingSpace < 0) pendingSpace = index
    } else if (out !== DROP) {
      if (pendingSpace >= 0) {
        if (previous >= 0 && !isTightCode(previous) && !isTightCode(out)) {
          units[size] = 0x20
          starts[size] = pendingSpace
          ends[size] = pendingSpace + 1
          size++
        }
        pendingSpace = -1
      }
      if (out > 0xffff) {
        units[size] = input.charCodeAt(index)
        units[size + 1] = input.charCodeAt(index + 1)
        starts[size] = starts[size + 1] = index
        ends[size] = ends[size + 1] = next
        size += 2
      } else {
        units[size] = out
        starts[size] = index
        ends[size] = next
        size++
      }
      previous = out
    }
    index = next
  }
  return { text: utf16.decode(units.subarray(0, size)), starts: starts.subarray(0, size), ends: ends.subarray(0, size) }
}

/** The code point of the next character after `from` that is not whitespace or dropped. */
function nextVisibleCode(input: string, from: number): number {
  let index = from
  while (index < input.length) {
    const code = input.codePointAt(index)!
    const kind = classify(code)
    if (kind !== SPACE && kind !== DROP) return code
    index += code > 0xffff ? 2 : 1
  }
  return -1
}

/** The normalized form of a term or target form, as used for matching and comparing. */
export function normalizeTerm(term: string): string {
  // The same few hundred glossary forms are normalized for every section of every check.
  return TERM_FORMS.get(term, normalizeAsTerm)
}

/** {@link normalizeTerm} without its cache of glossary forms: for a text that is no form (a paragraph). */
export function normalizeAsTerm(text: string): string {
  return normalize(text.normalize('NFC').trim()).text
}

const TERM_FORMS_KEPT = 20_000
const TERM_FORMS = new BoundedCache<string, string>(TERM_FORMS_KEPT)

// ── Finding source terms ─────────────────────────────────────────────────────

/** One occurrence of a glossary term in a text. */
export interface TermMatch {
  entry: GlossaryEntry
  /** Offsets into the original text; `text.slice(start, end) === matched`. */
  start: number
  end: number
  matched: string
}

interface TrieNode {
  /** Children by UTF-16 code unit of the normalized term. */
  next: Map<number, TrieNode>
  /** Set when a term ends here. */
  terminal?: { entry: GlossaryEntry; startsWord: boolean; endsWord: boolean }
}

/** Characters that may open / close a title written as such (for `marked` entries). */
const OPEN_MARKS = new Set(['《', '〈', '「', '『', '“', '‘', '"', "'", '*', '_', '【', '〔'])
const CLOSE_MARKS = new Set(['》', '〉', '」', '』', '”', '’', '"', "'", '*', '_', '】', '〕'])

const matchers = new WeakMap<Glossary, TrieNode>()

/** One trie over the normalized source terms and aliases of all entries, built once per glossary. */
function matcherFor(glossary: Glossary): TrieNode {
  const cached = matchers.get(glossary)
  if (cached) return cached
  const root: TrieNode = { next: new Map() }
  for (const entry of glossary.entries) {
    for (const term of [entry.source, ...entry.aliases]) {
      const key = normalizeTerm(term)
      if (key === '') continue
      let node = root
      for (let k = 0; k < key.length; k++) {
        const unit = key.charCodeAt(k)
        let child = node.next.get(unit)
        if (!child) {
          child = { next: new Map() }
          node.next.set(unit, child)
        }
        node = child
      }
      // Duplicates are rejected when the glossary is parsed; keep the first anyway.
      node.terminal ??= {
        entry,
        startsWord: isWordChar(String.fromCodePoint(key.codePointAt(0)!)),
        endsWord: isWordChar(lastChar(key)),
      }
    }
  }
  matchers.set(glossary, root)
  return root
}

/**
 * Where the last code point of a non-empty text starts: one unit before its end, two for a
 * surrogate pair (a lone surrogate counts as one), without splitting the whole text.
 */
export function lastCodePointStart(text: string): number {
  const length = text.length
  const low = text.charCodeAt(length - 1)
  if (low >= 0xdc00 && low <= 0xdfff && length >= 2) {
    const high = text.charCodeAt(length - 2)
    if (high >= 0xd800 && high <= 0xdbff) return length - 2
  }
  return length - 1
}

/** The last character (code point) of a text, as `Array.from(text).at(-1)` gives it. */
function lastChar(text: string): string {
  return text.length === 0 ? '' : text.slice(lastCodePointStart(text))
}

function charBefore(text: string, offset: number): string | undefined {
  if (offset <= 0) return undefined
  const code = text.codePointAt(offset - 1)!
  // A low surrogate: step back over the whole pair.
  if (code >= 0xdc00 && code <= 0xdfff && offset >= 2) return String.fromCodePoint(text.codePointAt(offset - 2)!)
  return String.fromCodePoint(code)
}

function charAt(text: string, offset: number): string | undefined {
  if (offset >= text.length) return undefined
  return String.fromCodePoint(text.codePointAt(offset)!)
}

/**
 * All occurrences of the glossary's source terms and aliases in `text`, leftmost
 * first, longest first at the same place (`指环王三部曲` wins over `指环王`), never
 * overlapping. Latin-script terms match whole words only; `marked` entries only
 * when written as a title (`《…》`, `「…」`, `“…”`, `*…*`).
 */
export function findTerms(text: string, glossary: Glossary): TermMatch[] {
  // One section is searched by the alignment, the lock verification and the consistency
  // check, once per target locale: remember the last few hundred texts per glossary.
  let memo = FOUND.get(glossary)
  if (!memo) FOUND.set(glossary, (memo = new BoundedCache(FOUND_PER_GLOSSARY)))
  return memo.get(text, (key) => searchTerms(key, glossary)).map((match) => ({ ...match }))
}

const FOUND = new WeakMap<Glossary, BoundedCache<string, TermMatch[]>>()
const FOUND_PER_GLOSSARY = 512

function searchTerms(text: string, glossary: Glossary): TermMatch[] {
  const root = matcherFor(glossary)
  if (root.next.size === 0) return []
  const norm = normalize(text)
  const n = norm.text
  const matches: TermMatch[] = []
  let i = 0
  while (i < n.length) {
    let node = root.next.get(n.charCodeAt(i))
    if (!node) {
      i++
      continue
    }
    // Walk as far as the trie goes, remembering every term that ends on the way.
    const candidates: { end: number; terminal: NonNullable<TrieNode['terminal']> }[] = []
    let j = i
    while (node) {
      j++
      if (node.terminal) candidates.push({ end: j, terminal: node.terminal })
      if (j >= n.length) break
      node = node.next.get(n.charCodeAt(j))
    }
    let taken = false
    for (let c = candidates.length - 1; c >= 0; c--) {
      const { end, terminal } = candidates[c]!
      if (terminal.startsWord && isWordChar(charBefore(n, i))) continue
      if (terminal.endsWord && isWordChar(charAt(n, end))) continue
      const start = norm.starts[i]!
      const stop = norm.ends[end - 1]!
      if (terminal.entry.marked && !isMarked(text, start, stop)) continue
      matches.push({ entry: terminal.entry, start, end: stop, matched: text.slice(start, stop) })
      i = end
      taken = true
      break
    }
    if (!taken) i++
  }
  return matches
}

/** True when the original text wraps `start..end` in title marks or emphasis. */
function isMarked(text: string, start: number, end: number): boolean {
  const before = charBefore(text, start)
  const after = charAt(text, end)
  return before !== undefined && after !== undefined && OPEN_MARKS.has(before) && CLOSE_MARKS.has(after)
}

/** The distinct entries found in `text`, in order of first occurrence. */
export function entriesIn(text: string, glossary: Glossary): GlossaryEntry[] {
  const seen = new Set<GlossaryEntry>()
  for (const match of findTerms(text, glossary)) seen.add(match.entry)
  return [...seen]
}

// ── Counting target forms ────────────────────────────────────────────────────

// countForm is called once per entry on the same translated section: keep the last
// normalization instead of redoing it for every form.
let lastInput: string | undefined
let lastNormalized = ''

function normalizedText(text: string): string {
  if (text !== lastInput) {
    lastNormalized = normalize(text).text
    lastInput = text
  }
  return lastNormalized
}

/**
 * Non-overlapping spans (in the normalized text) where `form` occurs as a whole; with an
 * inflection rule, its inflected forms count too (Beethovens for Beethoven).
 */
function formSpans(normalized: string, form: string, rule?: InflectionRule): [number, number][] {
  const needle = normalizeTerm(form)
  if (needle === '') return []
  if (rule) return [...normalized.matchAll(inflectedPattern(needle, rule))].map((match) => [match.index, match.index + match[0].length])
  const startsWord = isWordChar(String.fromCodePoint(needle.codePointAt(0)!))
  const endsWord = isWordChar(lastChar(needle))
  const spans: [number, number][] = []
  let from = 0
  for (;;) {
    const at = normalized.indexOf(needle, from)
    if (at < 0) break
    const end = at + needle.length
    const boundedStart = !startsWord || !isWordChar(charBefore(normalized, at))
    const boundedEnd = !endsWord || !isWordChar(charAt(normalized, end))
    if (boundedStart && boundedEnd) {
      spans.push([at, end])
      from = end
    } else {
      from = at + 1
    }
  }
  return spans
}

/**
 * How often a target form occurs in a translation. Case-sensitive; insensitive to
 * line breaks and repeated spaces inside the form, to Markdown emphasis markers
 * (`*Star Wars*`, `**John\nWilliams**`) and to `'` vs `’`. Forms that start or end
 * with a Latin-script letter or digit match whole words only ("Frozen" is not in
 * "Unfrozen"); CJK forms match anywhere.
 */
export function countForm(text: string, form: string, rule?: InflectionRule): number {
  return formSpans(normalizedText(text), form, rule).length
}

/** The inflection rule the glossary (or the shipped defaults) give a target locale. */
export function glossaryInflection(glossary: Glossary | undefined, targetLocale: string): InflectionRule | undefined {
  return inflectionFor(glossary?.inflection, siteLocaleCode(targetLocale))
}

// ── Verifying a translation ──────────────────────────────────────────────────

/** A glossary problem in a translated section. */
export type TermProblem =
  | {
      /** The locked form (or a short form of the entry) appears nowhere. */
      kind: 'missing'
      entry: GlossaryEntry
      /** The locked form that should appear. */
      expected: string
      /** Occurrences of the term in the source section (aliases included). */
      sourceCount: number
      /** Occurrences of the locked form in the translation (0 when reported). */
      targetCount: number
    }
  | {
      /** The entry is rendered fewer times than the source names it: dropped somewhere. */
      kind: 'too-few'
      entry: GlossaryEntry
      expected: string
      sourceCount: number
      /** Occurrences of the locked form and the entry's short forms for the locale. */
      targetCount: number
    }
  | {
      kind: 'wrong-form'
      entry: GlossaryEntry
      /** The known-wrong form found, or a near miss of the locked form (`Vangelys`). */
      form: string
      /** How often it occurs (outside occurrences of the locked form). */
      count: number
      expected: string
      /** True when the form is a near miss (small edit distance), not a listed wrong form. */
      nearMiss?: boolean
    }

/**
 * Checks a translated section against the glossary, per entry found in the source
 * section that has a form for `targetLocale`:
 * - `missing`: neither the locked form nor a short form of the entry appears;
 * - `too-few`: they appear fewer times than the source names the entry (source term
 *   and aliases counted): a name dropped at one of its occurrences. A short form
 *   (`short:` in the glossary, e.g. the surname alone) counts for the entry;
 * - `wrong-form`: a known-wrong form appears, or a near miss of a Latin-script locked
 *   form (one edit for 5–9 letters, two from 10: `Vangelys`, `Ennio Moricone`).
 * A wrong form that is part of the locked form ("Lord of the Ring" in "The Lord of the
 * Rings") is not counted where the locked form stands.
 */
export function verifyTerms(
  sourceText: string,
  translatedText: string,
  glossary: Glossary,
  targetLocale: string,
  renderings: TermRenderings = termRenderings(sourceText, translatedText, glossary, targetLocale),
): TermProblem[] {
  const problems: TermProblem[] = []
  for (const { entry, sourceCount, expected, lockedSpans, shortSpans, wrongSpans } of renderings.entries) {
    const targetCount = lockedSpans.length + shortSpans.length
    if (targetCount === 0) problems.push({ kind: 'missing', entry, expected, sourceCount, targetCount: 0 })
    else if (targetCount < sourceCount) problems.push({ kind: 'too-few', entry, expected, sourceCount, targetCount })
    for (const { form, spans } of wrongSpans) {
      const count = spans.filter((span) => !within(span, lockedSpans)).length
      if (count > 0) problems.push({ kind: 'wrong-form', entry, form, count, expected })
    }
    for (const [form, count] of nearMisses(renderings.normalized, expected, glossary, targetLocale, [...lockedSpans, ...shortSpans])) {
      if (wrongSpans.some((listed) => normalizeTerm(listed.form) === form)) continue
      problems.push({ kind: 'wrong-form', entry, form, count, expected, nearMiss: true })
    }
  }
  return problems
}

/** How a translation renders one glossary entry its source names (see {@link termRenderings}). */
export interface TermRendering {
  entry: GlossaryEntry
  /** Offset of the entry's first occurrence in the source text. */
  sourceStart: number
  /** Occurrences of the entry in the source (source term and aliases). */
  sourceCount: number
  /** The locked form for the target locale. */
  expected: string
  /** Spans (in the normalized translation) of the locked form, inflected forms included, and of the entry's short forms (see `renderingSpans`). */
  lockedSpans: [number, number][]
  shortSpans: [number, number][]
  /** Each known-wrong form of the entry for the locale, with all its spans. */
  wrongSpans: { form: string; spans: [number, number][] }[]
}

/** The renderings of a section pair, and the normalized translation their spans index. */
export interface TermRenderings {
  normalized: string
  /** In order of first occurrence in the source; entries without a locked form for the locale are left out. */
  entries: TermRendering[]
}

/**
 * Where a translation renders each glossary entry its source names: one search of the
 * source and one set of form searches of the translation, read by both the lock
 * verification ({@link verifyTerms}) and the article-wide consistency of the check.
 */
export function termRenderings(sourceText: string, translatedText: string, glossary: Glossary, targetLocale: string): TermRenderings {
  const found = new Map<GlossaryEntry, { start: number; count: number }>()
  for (const match of findTerms(sourceText, glossary)) {
    const seen = found.get(match.entry)
    if (seen) seen.count++
    else found.set(match.entry, { start: match.start, count: 1 })
  }
  if (found.size === 0) return { normalized: '', entries: [] }
  const normalized = normalizedText(translatedText)
  const rule = glossaryInflection(glossary, targetLocale)
  const entries: TermRendering[] = []
  for (const [entry, { start, count }] of found) {
    const expected = lockedForm(entry, targetLocale)
    if (expected === undefined) continue
    const wrongSpans = wrongForms(entry, targetLocale).map((form) => ({ form, spans: formSpans(normalized, form) }))
    const { lockedSpans, shortSpans } = renderingSpans(normalized, entry, expected, targetLocale, rule, wrongSpans.flatMap((wrong) => wrong.spans))
    entries.push({ entry, sourceStart: start, sourceCount: count, expected, lockedSpans, shortSpans, wrongSpans })
  }
  return { normalized, entries }
}

/** True when `span` lies inside one of `spans`. */
function within([start, end]: [number, number], spans: readonly [number, number][]): boolean {
  return spans.some(([a, b]) => start >= a && end <= b)
}

/**
 * Where a translation (normalized) renders an entry: its locked form `expected` and
 * the entry's short forms for the locale, inflected forms included (Beethovens,
 * Hisaishis). A short form inside the locked form or inside a wrong form (`Williams` in
 * `Johnny Williams`; `wrongSpans`: the spans of the entry's wrong forms) is no rendering of its own.
 */
function renderingSpans(
  normalized: string,
  entry: GlossaryEntry,
  expected: string,
  locale: string,
  rule: InflectionRule | undefined,
  wrongSpans: readonly [number, number][],
): { lockedSpans: [number, number][]; shortSpans: [number, number][] } {
  const lockedSpans = formSpans(normalized, expected, rule)
  const shortSpans = shortForms(entry, locale).flatMap((form) => formSpans(normalized, form, rule).filter((span) => !within(span, lockedSpans) && !within(span, wrongSpans)))
  return { lockedSpans, shortSpans }
}

function shortForms(entry: GlossaryEntry, locale: string): string[] {
  return entry.short?.[siteLocaleCode(locale)] ?? []
}

/** Edits allowed for a near miss of a form of `letters` letters: none below 5. */
function nearMissDistance(letters: number): number {
  return letters < 5 ? 0 : letters < 10 ? 1 : 2
}

const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu

/**
 * Near misses of a Latin-script locked form in a normalized translation: runs of as
 * many words as the form that differ from it by a few edits (case counts), outside the
 * spans of accepted forms, and not themselves a form of any glossary entry.
 */
function nearMisses(normalized: string, expected: string, glossary: Glossary, locale: string, accepted: readonly [number, number][]): Map<string, number> {
  const found = new Map<string, number>()
  const shape = nearMissShape(expected)
  if (!shape) return found
  const { form, max, formWords, lowerWords } = shape
  const { starts, ends, byInitial } = wordsOf(normalized)
  const count = starts.length
  const known = knownForms(glossary, locale)
  const span = formWords.length - 1
  // Cheap filter: the first letters agree (case-insensitively) or the last word's do. The
  // runs passing it are looked up by initial, in text order, instead of trying every word.
  const byFirst = byInitial.get(formWords[0]![0]!.toLowerCase()) ?? []
  const byLast = byInitial.get(formWords[span]![0]!.toLowerCase()) ?? []
  let p = 0
  let q = 0
  while (p < byFirst.length || q < byLast.length) {
    const fromFirst = p < byFirst.length ? byFirst[p]! : Number.POSITIVE_INFINITY
    const fromLast = q < byLast.length ? byLast[q]! - span : Number.POSITIVE_INFINITY
    const i = Math.min(fromFirst, fromLast)
    if (fromFirst === i) p++
    if (fromLast === i) q++
    if (i < 0 || i + formWords.length > count) continue
    const start = starts[i]!
    const end = ends[i + span]!
    // The text is normalized (single spaces): a run whose length differs by more than the
    // allowed edits cannot be a near miss.
    if (Math.abs(end - start - form.length) > max) continue
    if (accepted.some(([a, b]) => start < b && end > a)) continue
    // Short words (articles, prepositions: `du` for `Le` in French) change with grammar, not by misspelling.
    let grammar = false
    for (let k = 0; k <= span && !grammar; k++) {
      const wordLength = ends[i + k]! - starts[i + k]!
      grammar = (wordLength <= 3 || formWords[k]!.length <= 3) && !equalsLowerCase(normalized, starts[i + k]!, ends[i + k]!, lowerWords[k]!)
    }
    if (grammar) continue
    // Compared in place: most runs that get this far are no near miss, and are not cut out of the text.
    if (!withinEditsAt(normalized, start, end, form, max)) continue
    const candidate = normalized.slice(start, end)
    if (candidate === form || known.has(candidate)) continue
    found.set(candidate, (found.get(candidate) ?? 0) + 1)
  }
  return found
}

/**
 * True when `text.slice(start, end).toLowerCase() === lower`, compared unit by unit for
 * ASCII (no slice, no `toLowerCase` of a two-byte string: this runs for every short word
 * a near-miss candidate holds); anything else is compared the long way.
 */
function equalsLowerCase(text: string, start: number, end: number, lower: string): boolean {
  let k = 0
  for (let at = start; at < end; at++, k++) {
    const code = text.charCodeAt(at)
    if (code >= 0x80 || k >= lower.length || lower.charCodeAt(k) >= 0x80) return text.slice(start, end).toLowerCase() === lower
    if ((code >= 0x41 && code <= 0x5a ? code + 0x20 : code) !== lower.charCodeAt(k)) return false
  }
  return k === lower.length
}

let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)]

/**
 * True when `a` and `b` are at most `max` edits apart, as `editDistance` (shared/edit-distance.ts) counts them
 * (optimal string alignment). Only the band of cells within `max` of the diagonal is
 * computed: a cell outside it is already more than `max`, and distances only grow along
 * an alignment. Near misses compare a form with thousands of word runs per check.
 */
export function withinEdits(a: string, b: string, max: number): boolean {
  return withinEditsAt(a, 0, a.length, b, max)
}

/** {@link withinEdits} for `text.slice(start, end)` as `a`, read in place. */
function withinEditsAt(text: string, start: number, end: number, b: string, max: number): boolean {
  const n = end - start
  const m = b.length
  if (Math.abs(n - m) > max) return false
  const far = max + 1
  if (rows[0].length <= m) rows = [new Int32Array(m + 1), new Int32Array(m + 1), new Int32Array(m + 1)]
  let [before, previous, current] = rows
  for (let j = 0; j <= m; j++) previous[j] = j <= max ? j : far
  for (let i = 1; i <= n; i++) {
    const low = Math.max(1, i - max)
    const high = Math.min(m, i + max)
    current[0] = i <= max ? i : far
    if (low > 1) current[low - 1] = far
    let best = low === 1 ? current[0] : far
    const char = text.charCodeAt(start + i - 1)
    for (let j = low; j <= high; j++) {
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (char === b.charCodeAt(j - 1) ? 0 : 1))
      if (i > 1 && j > 1 && char === b.charCodeAt(j - 2) && text.charCodeAt(start + i - 2) === b.charCodeAt(j - 1)) value = Math.min(value, before[j - 2]! + 1)
      if (value > far) value = far
      current[j] = value
      if (value < best) best = value
    }
    if (high < m) current[high + 1] = far
    if (best > max) return false
    ;[before, previous, current] = [previous, current, before]
  }
  return previous[m]! <= max
}

/** What a near-miss search for a locked form needs, or undefined when the form has none (see {@link nearMisses}). */
function nearMissShape(expected: string): NearMissShape | undefined {
  return NEAR_MISS_SHAPES.get(expected, () => {
    const form = normalizeTerm(expected)
    const letters = form.replace(/[^\p{L}\p{N}]/gu, '').length
    const max = nearMissDistance(letters)
    const formWords = form.match(WORD_RUN) ?? []
    return max === 0 || formWords.length === 0 || !/^[\p{Script=Latin}\p{N}\s'.&:-]+$/u.test(form) ? undefined : { form, max, formWords, lowerWords: formWords.map((word) => word.toLowerCase()) }
  })
}

interface NearMissShape {
  /** The normalized locked form. */
  form: string
  /** Edits allowed. */
  max: number
  formWords: string[]
  lowerWords: string[]
}

const NEAR_MISS_SHAPES = new BoundedCache<string, NearMissShape | undefined>(TERM_FORMS_KEPT)

interface Words {
  /** Where each word run starts and ends in the normalized text. */
  starts: Int32Array
  ends: Int32Array
  /** Indices of the words by their first UTF-16 unit, lower-cased. */
  byInitial: Map<string, number[]>
}

// Every entry of a section looks for its near misses in the same translation: split it
// into words once, not once per entry.
let lastWordsInput: string | undefined
let lastWords: Words = { starts: new Int32Array(0), ends: new Int32Array(0), byInitial: new Map() }

/** The runs of {@link WORD_RUN} in a normalized text, found by a scan of character codes. */
function wordsOf(normalized: string): Words {
  if (normalized === lastWordsInput) return lastWords
  const length = normalized.length
  const starts: number[] = []
  const ends: number[] = []
  const byInitial = new Map<string, number[]>()
  let i = 0
  while (i < length) {
    // ASCII inline (most of an English text), the rest through the lookup.
    const code = normalized.charCodeAt(i)
    let width = code < 0x80 ? ASCII_WORD_UNIT[code]! : wordUnitWidth(normalized, i)
    if (width === 0) {
      i++
      continue
    }
    const start = i
    while (width > 0) {
      i += width
      if (i >= length) break
      const next = normalized.charCodeAt(i)
      width = next < 0x80 ? ASCII_WORD_UNIT[next]! : wordUnitWidth(normalized, i)
    }
    const first = normalized.charCodeAt(start)
    const key = first >= 0x41 && first <= 0x5a ? String.fromCharCode(first + 0x20) : first < 0x80 ? normalized[start]! : normalized[start]!.toLowerCase()
    const list = byInitial.get(key)
    if (list) list.push(starts.length)
    else byInitial.set(key, [starts.length])
    starts.push(start)
    ends.push(i)
  }
  lastWords = { starts: Int32Array.from(starts), ends: Int32Array.from(ends), byInitial }
  lastWordsInput = normalized
  return lastWords
}

// Per ASCII unit: 1 for a letter or digit (what `wordUnitWidth` gives it), else 0.
const ASCII_WORD_UNIT = Uint8Array.from({ length: 0x80 }, (_, code) => ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ? 1 : 0))

// Per BMP code unit: 0 not looked up yet, 1 a letter, digit or mark, 2 not.
const WORD_UNITS = new Uint8Array(0x10000)
const WORD_CODE_POINT = /^[\p{L}\p{N}\p{M}]$/u

/** UTF-16 units of the word character at `at` (1, or 2 for an astral one), or 0 when it is no letter, digit or mark. */
function wordUnitWidth(text: string, at: number): number {
  const code = text.charCodeAt(at)
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ? 1 : 0
  if (code >= 0xd800 && code <= 0xdbff && at + 1 < text.length) {
    const low = text.charCodeAt(at + 1)
    if (low >= 0xdc00 && low <= 0xdfff) return WORD_CODE_POINT.test(text.slice(at, at + 2)) ? 2 : 0
  }
  let kind = WORD_UNITS[code]!
  if (kind === 0) kind = WORD_UNITS[code] = WORD_CODE_POINT.test(String.fromCharCode(code)) ? 1 : 2
  return kind === 1 ? 1 : 0
}

const knownFormCache = new WeakMap<Glossary, Map<string, Set<string>>>()

/** Every normalized locked, short and source form of a glossary for a locale. */
function knownForms(glossary: Glossary, locale: string): Set<string> {
  let byLocale = knownFormCache.get(glossary)
  if (!byLocale) knownFormCache.set(glossary, (byLocale = new Map()))
  let known = byLocale.get(locale)
  if (!known) {
    known = new Set()
    for (const entry of glossary.entries) {
      const locked = lockedForm(entry, locale)
      for (const form of [entry.source, ...entry.aliases, ...(locked ? [locked] : []), ...shortForms(entry, locale)]) known.add(normalizeTerm(form))
    }
    byLocale.set(locale, known)
  }
  return known
}

function wrongForms(entry: GlossaryEntry, locale: string): string[] {
  return entry.wrong[siteLocaleCode(locale)] ?? []
}

/** Glossary hash of a section for a target: the locked forms of the entries it contains. */
export function sectionGlossaryHash(text: string, glossary: Glossary | undefined, target: LocaleInfo): string {
  if (!glossary) return contentHash('no-glossary')
  return contentHash(...entriesIn(text, glossary).map((entry) => `${entry.source}\u0001${lockedForm(entry, target.code) ?? ''}\u0001${(entry.wrong[target.code] ?? []).join('\u0002')}`))
}
