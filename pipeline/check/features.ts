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
  /** False when the prose has no Han, kana or full-width punctuation (see `mayHoldCjk`). */
  readonly mayHoldCjk: boolean
  /** The prose as glossary matching compares it (`normalizeTerm`). */
  readonly normalized: string
}

class Features implements BlockFeatures {
  readonly #block: TextBlock
  #sentences: string[] | undefined
  #anchorSet: Set<string> | undefined
  #anchors: string[] | undefined
  #mayHoldCjk: boolean | undefined
  #normalized: string | undefined

  constructor(block: TextBlock) {
    this.#block = block
  }

  get sentences(): readonly string[] {
    return (this.#sentences ??= sentences(this.#block.prose.replaceAll(PLACEHOLDER, 'code')))
  }

  get anchorSet(): ReadonlySet<string> {
    return (this.#anchorSet ??= latinWords(this.#block.prose))
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

/**
 * The distinct Latin words (the pattern above) of two or more characters, lower case, in
 * order of first occurrence (a set keeps insertion order): a scan by character codes (an
 * English paragraph is almost all such words; the regex's match objects were most of the
 * cost). A word without capitals is taken as it is: lower-casing a slice of a text with
 * typographic quotes (a two-byte string) is the slow path of `toLowerCase`.
 */
function latinWords(text: string): Set<string> {
  const set = new Set<string>()
  const length = text.length
  let i = 0
  while (i < length) {
    if (!isAsciiLetter(text.charCodeAt(i))) {
      i++
      continue
    }
    let end = i + 1
    while (end < length && isAsciiAlphanumeric(text.charCodeAt(end))) end++
    while (end + 1 < length && isJoiner(text.charCodeAt(end)) && isAsciiAlphanumeric(text.charCodeAt(end + 1))) {
      end += 2
      while (end < length && isAsciiAlphanumeric(text.charCodeAt(end))) end++
    }
    if (end - i >= 2) {
      let upper = false
      for (let k = i; k < end && !upper; k++) upper = isAsciiUpper(text.charCodeAt(k))
      set.add(upper ? text.slice(i, end).toLowerCase() : text.slice(i, end))
    }
    i = end
  }
  return set
}
