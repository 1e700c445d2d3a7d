/**
 * GPT token counts, with the tokenizer loaded on first use. `gpt-tokenizer` takes over a
 * second to import (its o200k table), and most runs never count a token (`help`, `check`,
 * `status`, a char-sized split), so nothing pays for it up front. It is loaded through
 * `require` (the package ships a CommonJS build beside its ESM one) so counting stays
 * synchronous for every caller, and exact: the same encoder as a static import.
 */
import { createRequire } from 'node:module'

type Encode = (text: string) => readonly number[]

let encode: Encode | undefined

/** The tokenizer's `encode`, loaded once. */
function encoder(): Encode {
  encode ??= (createRequire(import.meta.url)('gpt-tokenizer') as { encode: Encode }).encode
  return encode
}

/** Longest piece handed to the tokenizer at once, in UTF-16 units. */
export const TOKENIZE_PIECE = 2048
/** How far back from a piece's end a whitespace or punctuation boundary is looked for. */
const BOUNDARY_WINDOW = 256
const BOUNDARY = /[\s\p{P}]/u

/**
 * Tokens of `text` in the o200k encoding (GPT-4o family); other models differ by a few
 * percent. Linear in the length: the tokenizer's merge step is quadratic in the length
 * of a run without spaces or punctuation (a 120 KB line took 13 s), so the text is
 * tokenized in pieces of at most {@link TOKENIZE_PIECE} units, cut after whitespace or
 * punctuation where there is some. Cutting inside such a run changes the count by at
 * most a token or two per piece.
 */
export function countTokens(text: string): number {
  if (text === '') return 0
  const encode = encoder()
  if (text.length <= TOKENIZE_PIECE) return encode(text).length
  let total = 0
  let start = 0
  while (start < text.length) {
    let end = Math.min(start + TOKENIZE_PIECE, text.length)
    if (end < text.length) {
      let cut = end
      while (cut > end - BOUNDARY_WINDOW && !BOUNDARY.test(text[cut - 1]!)) cut--
      end = cut > end - BOUNDARY_WINDOW ? cut : end
      // Never between the halves of a surrogate pair.
      const code = text.charCodeAt(end - 1)
      if (code >= 0xd800 && code <= 0xdbff) end--
    }
    total += encode(text.slice(start, end)).length
    start = end
  }
  return total
}
