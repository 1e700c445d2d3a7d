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

/** Tokens of `text` in the o200k encoding (GPT-4o family); other models differ by a few percent. */
export function countTokens(text: string): number {
  return text === '' ? 0 : encoder()(text).length
}
