/**
 * store: two small content-addressed stores under the state folder.
 * - texts: every source and translated section text the lockfile names by hash, so a
 *   reviewer can see what a section was before it changed.
 * - memory: approved translations by source section hash and target locale, reused for
 *   identical sections in other articles (and seeded from existing translations).
 */
import { readFile } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { contentHash } from '../shared/hash.ts'
import { writeFileAtomic } from './files.ts'

/** Texts by content hash. */
export interface TextStore {
  put(text: string, hash?: string): Promise<string>
  get(hash: string | undefined): Promise<string | undefined>
}

/** Opens the text store in `dir` (files are written on demand). */
export function openTextStore(dir: string): TextStore {
  const pathOf = (hash: string) => join(dir, hash.slice(0, 2), `${hash}.md`)
  return {
    async put(text, hash = contentHash(text)) {
      if (!existsSync(pathOf(hash))) await writeFileAtomic(pathOf(hash), text)
      return hash
    },
    async get(hash) {
      if (!hash) return undefined
      try {
        return await readFile(pathOf(hash), 'utf8')
      } catch {
        return undefined
      }
    },
  }
}

/** Approved translations by (target locale, source section hash). */
export interface TranslationMemory {
  /** Synchronous so planning stays a pure function of its inputs. */
  lookup(locale: string, sourceHash: string): string | undefined
  remember(locale: string, sourceHash: string, translation: string): Promise<void>
}

/** Opens the memory in `dir`. */
export function openMemory(dir: string): TranslationMemory {
  const pathOf = (locale: string, hash: string) => join(dir, locale, hash.slice(0, 2), `${hash}.md`)
  return {
    lookup(locale, sourceHash) {
      const path = pathOf(locale, sourceHash)
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined
    },
    async remember(locale, sourceHash, translation) {
      await writeFileAtomic(pathOf(locale, sourceHash), translation)
    },
  }
}
