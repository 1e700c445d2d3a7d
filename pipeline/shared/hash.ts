import { createHash } from 'node:crypto'

/** Short content hash (sha256, 16 hex chars) used to identify sections, chunks and prompts. */
export function contentHash(...parts: string[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part).update('\u0000')
  return hash.digest('hex').slice(0, 16)
}
