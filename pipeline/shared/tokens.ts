/**
 * GPT token counts, with the tokenizer loaded on first use. `gpt-tokenizer` takes over a
 * second to import (its o200k table), and most runs never count a token (`help`, `check`,
 * `status`, a char-sized split), so nothing pays for it up front. It is loaded through
 * `require` (the package ships a CommonJS build beside its ESM one) so counting stays
 * synchronous for every caller, and exact: the same encoder as a static import.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { PACKAGE_ROOT } from './package-root.ts'

type Encode = (text: string) => readonly number[]

let encode: Encode | undefined

/**
 * Pieces whose merges the tokenizer remembers. Its default (100,000) fills as a site-wide
 * run tokenizes ever new text (each section's words); the pieces that repeat (prompt
 * wording, glossary lines) stay within a few thousand.
 */
export const TOKEN_MERGE_CACHE = 5_000

/**
 * The tokenizer's merge table as JSON, written by `npm run build` from the installed
 * `gpt-tokenizer` with its version. The package's own table is a 2.4 MB JavaScript array
 * literal: compiling it left ~18 MB of native memory (the parser's) that the process never
 * gave back, a fixed part of every sync's peak RSS; `JSON.parse` builds the same table
 * without it. Used only when it is there and made from the installed version.
 */
export const TOKENIZER_RANKS = join(PACKAGE_ROOT, 'dist', 'data', 'o200k_base.json')

/** The parts of a gpt-tokenizer encoding used here. */
export interface Tokenizer {
  encode: Encode
  setMergeCacheSize: (size: number) => void
}

/** The o200k encoding built from {@link TOKENIZER_RANKS}, or undefined when that file is missing, stale or not a table. */
export function fromRanksFile(require: NodeJS.Require = createRequire(import.meta.url)): Tokenizer | undefined {
  let ranks: unknown
  try {
    const file = JSON.parse(readFileSync(TOKENIZER_RANKS, 'utf8')) as { version?: unknown; ranks?: unknown }
    if (file.version !== (require('gpt-tokenizer/package.json') as { version: string }).version) return undefined
    ranks = file.ranks
  } catch {
    return undefined
  }
  if (!Array.isArray(ranks) || !ranks.every((rank) => typeof rank === 'string' || (Array.isArray(rank) && rank.every((byte) => Number.isInteger(byte))))) return undefined
  const { GptEncoding } = require('gpt-tokenizer/GptEncoding') as { GptEncoding: { getEncodingApi: (name: string, ranks: () => unknown[]) => Tokenizer } }
  return GptEncoding.getEncodingApi('o200k_base', () => ranks as unknown[])
}

/** The tokenizer's `encode`, loaded once. */
function encoder(): Encode {
  if (!encode) {
    const require = createRequire(import.meta.url)
    const tokenizer = fromRanksFile(require) ?? (require('gpt-tokenizer') as Tokenizer)
    tokenizer.setMergeCacheSize(TOKEN_MERGE_CACHE)
    encode = tokenizer.encode
  }
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
