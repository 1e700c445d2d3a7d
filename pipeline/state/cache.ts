/**
 * cache: content-addressed store of accepted translations under `.l10n/cache/`. The key
 * covers everything that shapes an answer (source text, locales, model, prompt hash,
 * glossary entries used), so any change misses and an unchanged rerun costs nothing.
 * Only accepted answers are stored: never a truncated, failed or invalid one.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { contentHash } from '../shared/hash.ts'
import { writeFileAtomic } from './files.ts'

/** What makes two requests interchangeable. */
export interface CacheKeyParts {
  kind: 'section' | 'frontmatter'
  source: string
  sourceLocale: string
  targetLocale: string
  model: string
  promptHash: string
  /** Hashes of the glossary entries sent with the request (order does not matter). */
  entryHashes: readonly string[]
}

/** One stored answer. */
export interface CacheRecord {
  text: string
  model: string
  promptHash: string
  createdAt: string
  promptTokens: number
  completionTokens: number
}

/** The cache key of a request. */
export function cacheKey(parts: CacheKeyParts): string {
  return contentHash(parts.kind, parts.source, parts.sourceLocale, parts.targetLocale, parts.model, parts.promptHash, ...[...parts.entryHashes].sort())
}

/** A cache in a folder; `enabled: false` makes every lookup miss and every store a no-op. */
export interface TranslationCache {
  get(key: string): Promise<CacheRecord | undefined>
  set(key: string, record: CacheRecord): Promise<void>
}

/** Opens the cache folder (created lazily on the first store). */
export function openCache(dir: string, enabled = true): TranslationCache {
  const pathOf = (key: string) => join(dir, key.slice(0, 2), `${key}.json`)
  return {
    async get(key) {
      if (!enabled) return undefined
      try {
        const record = JSON.parse(await readFile(pathOf(key), 'utf8')) as CacheRecord
        return typeof record.text === 'string' ? record : undefined
      } catch {
        // Missing or damaged entries are misses: the answer is requested again.
        return undefined
      }
    },
    async set(key, record) {
      if (!enabled) return
      await writeFileAtomic(pathOf(key), JSON.stringify(record, null, 2) + '\n')
    },
  }
}
