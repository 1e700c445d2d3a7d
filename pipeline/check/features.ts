/**
 * `featuresOf`: what the rules read of a text block beyond the fields its profile walk
 * fills in (its sentences, its Latin anchor words, whether it may hold CJK, its prose as
 * glossary matching normalizes it), each computed on first use and kept with the block.
 * The paragraph alignment, the sentence rules, the text rules, the marked-term rule and
 * the article-wide duplicate-sentence search read the same blocks: each of these is
 * computed once per block and check, not once per rule that needs it.
 */
import { normalizeAsTerm } from '../glossary/match.ts'
import { PLACEHOLDER, type TextBlock } from './profile.ts'
import { sentences } from './sentences.ts'
import { mayHoldCjk } from './strings.ts'

/** What the rules read of one block (see {@link featuresOf}). */
export interface BlockFeatures {
  /** The sentences of its prose, inline code and the like read as the word `code` (as `sentences` cuts them). */
  readonly sentences: readonly string[]
  /**
   * The Latin words and names of the prose (lower case, once each, in order of first
   * occurrence): what survives translation between scripts. Only the alignment reads them.
   */
  readonly anchors: readonly string[]
  /** {@link BlockFeatures.anchors} as a set (built with the list, for lookups against another block's words). */
  readonly anchorSet: ReadonlySet<string>
  /**
   * True when the prose has at least `count` distinct anchor words. Reads the prose only as
   * far as it must: an English paragraph's words are many, and a Chinese partner's few.
   */
  hasAnchorCount(count: number): boolean
  /** True when `word` (lower case) is one of {@link BlockFeatures.anchors}, reading the prose only as far as it must. */
  hasAnchor(word: string): boolean
  /** False when the prose has no Han, kana or full-width punctuation (see `mayHoldCjk`). */
  readonly mayHoldCjk: boolean
  /** The prose as glossary matching compares it (`normalizeTerm`). */
  readonly normalized: string
}

class Features implements BlockFeatures {
  readonly #block: TextBlock
  #sentences: string[] | undefined
  // The anchor words found so far, and where the scan of the prose goes on (its length once done).
  readonly #anchorSet = new Set<string>()
  #anchorScan = 0
  #anchors: string[] | undefined
  #lower: string | undefined
  #mayHoldCjk: boolean | undefined
  #normalized: string | undefined

  constructor(block: TextBlock) {
    this.#block = block
  }

  get sentences(): readonly string[] {
    return (this.#sentences ??= sentences(this.#block.prose.replaceAll(PLACEHOLDER, 'code')))
  }

  get anchorSet(): ReadonlySet<string> {
    const prose = this.#block.prose
    this.#anchorScan = scanLatinWords(prose, this.#anchorScan, this.#anchorSet, () => false)
    return this.#anchorSet
  }

  hasAnchorCount(count: number): boolean {
    const set = this.#anchorSet
    if (set.size < count) this.#anchorScan = scanLatinWords(this.#block.prose, this.#anchorScan, set, () => set.size >= count)
    return set.size >= count
  }

  hasAnchor(word: string): boolean {
    if (this.#anchorSet.has(word)) return true
    const prose = this.#block.prose
    if (this.#anchorScan >= prose.length) return false
    // Where the lower-cased prose holds the word, is a Latin word of the prose there? Offsets
    // of the lower-cased prose are the prose's unless lower-casing changed its length (`İ`).
    const lower = (this.#lower ??= prose.toLowerCase())
    if (lower.length !== prose.length) return this.anchorSet.has(word)
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
      if (isLatinWordAt(prose, at, word.length)) return true
    }
    return false
  }

  get anchors(): readonly string[] {
    return (this.#anchors ??= [...this.anchorSet])
  }

  get mayHoldCjk(): boolean {
    return (this.#mayHoldCjk ??= mayHoldCjk(this.#block.prose))
  }

  get normalized(): string {
    // Not through the shared cache of glossary forms: a paragraph is no form.
    return (this.#normalized ??= normalizeAsTerm(this.#block.prose))
  }
}

const FEATURES = new WeakMap<TextBlock, Features>()

/** The features of a block, computed field by field on first use and kept while the block lives. */
export function featuresOf(block: TextBlock): BlockFeatures {
  let features = FEATURES.get(block)
  if (!features) FEATURES.set(block, (features = new Features(block)))
  return features
}

// Latin words of two or more letters (names, product names, terms), digits allowed inside.
// That is the matches of /[A-Za-z][A-Za-z0-9]*(?:[.+#-][A-Za-z0-9]+)*/g, found by `latinWords`.

const isAsciiLetter = (code: number) => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
const isAsciiUpper = (code: number) => code >= 0x41 && code <= 0x5a
const isAsciiAlphanumeric = (code: number) => isAsciiLetter(code) || (code >= 0x30 && code <= 0x39)
const isJoiner = (code: number) => code === 0x2e || code === 0x2b || code === 0x23 || code === 0x2d // . + # -

// Characters a Latin word may hold: a word never spans any other.
const isWordCharacter = (code: number) => isAsciiAlphanumeric(code) || isJoiner(code)

/** Where the Latin word that starts at `start` (an ASCII letter) ends. */
function latinWordEnd(text: string, start: number): number {
  const length = text.length
  let end = start + 1
  while (end < length && isAsciiAlphanumeric(text.charCodeAt(end))) end++
  while (end + 1 < length && isJoiner(text.charCodeAt(end)) && isAsciiAlphanumeric(text.charCodeAt(end + 1))) {
    end += 2
    while (end < length && isAsciiAlphanumeric(text.charCodeAt(end))) end++
  }
  return end
}

/**
 * True when {@link scanLatinWords} reads a word of `length` characters at `at`. The scan
 * starts again after the last character before `at` that no word holds: nothing before it
 * changes where the words after it start.
 */
function isLatinWordAt(text: string, at: number, length: number): boolean {
  let i = at
  while (i > 0 && isWordCharacter(text.charCodeAt(i - 1))) i--
  while (i < at) i = isAsciiLetter(text.charCodeAt(i)) ? latinWordEnd(text, i) : i + 1
  return i === at && isAsciiLetter(text.charCodeAt(at)) && latinWordEnd(text, at) === at + length
}

/**
 * Adds the distinct Latin words (the pattern above) of two or more characters, lower case,
 * to `words` in order of first occurrence (a set keeps insertion order), scanning `text`
 * from `from` until `enough(word)` says so after a newly added word, or to its end; returns
 * where the scan stopped (the end of the last word read), so a later call goes on from
 * there. A scan by character codes: an English paragraph is almost all such words, and the
 * regex's match objects were most of the cost. A word without capitals is taken as it is:
 * lower-casing a slice of a text with typographic quotes (a two-byte string) is the slow
 * path of `toLowerCase`.
 */
function scanLatinWords(text: string, from: number, words: Set<string>, enough: (added: string) => boolean): number {
  const length = text.length
  let i = from
  while (i < length) {
    if (!isAsciiLetter(text.charCodeAt(i))) {
      i++
      continue
    }
    const end = latinWordEnd(text, i)
    if (end - i >= 2) {
      let upper = false
      for (let k = i; k < end && !upper; k++) upper = isAsciiUpper(text.charCodeAt(k))
      const word = upper ? text.slice(i, end).toLowerCase() : text.slice(i, end)
      if (!words.has(word)) {
        words.add(word)
        if (enough(word)) return end
      }
    }
    i = end
  }
  return length
}
