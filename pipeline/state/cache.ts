/**
 * cache: content-addressed store of accepted translations under `.l10n/cache/`. The key
 * covers everything that shapes an answer (source text, locales, model, prompt hash,
 * glossary entries used), so any change misses and an unchanged rerun costs nothing.
 * Only accepted answers are stored: never a truncated, failed or invalid one. A record
 * read back is checked (see `records.ts`): a damaged one is a miss, asked for again.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { contentHash } from '../shared/hash.ts'
import { checkJson } from '../shared/validation.ts'
import { writeFileAtomic } from './files.ts'
import { checkJsonRecord, readRecordBytes, usable, type OnDamaged } from './records.ts'

/** What makes two requests interchangeable. */
export interface CacheKeyParts {
  kind: 'section' | 'frontmatter' | 'glossary' | 'judge'
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

const tokens = z.int().min(0)
const cacheRecordSchema = z.object({
  text: z.string(),
  model: z.string(),
  promptHash: z.string(),
  createdAt: z.string(),
  promptTokens: tokens,
  completionTokens: tokens,
}) satisfies z.ZodType<CacheRecord>

/** What a `frontmatter` record's text holds: the translated strings by id. */
const cachedValuesSchema = z.record(z.string(), z.string())

/** The translated strings of a `frontmatter` record; undefined (a miss) when its text is not a JSON object of strings. */
export function cachedValues(record: CacheRecord): Record<string, string> | undefined {
  const checked = checkJson(cachedValuesSchema, record.text)
  return checked.ok ? checked.value : undefined
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

/** Options of {@link openCache}. */
export interface CacheOptions {
  /** Told about each damaged record (which is then a miss). */
  onDamaged?: OnDamaged
}

/** Opens the cache folder (created lazily on the first store). */
export function openCache(dir: string, enabled = true, options: CacheOptions = {}): TranslationCache {
  const pathOf = (key: string) => join(dir, key.slice(0, 2), `${key}.json`)
  return {
    async get(key) {
      if (!enabled) return undefined
      const path = pathOf(key)
      const bytes = await readRecordBytes(path, options.onDamaged)
      // Missing or damaged entries are misses: the answer is requested again.
      return bytes && usable(checkJsonRecord(cacheRecordSchema, bytes), path, options.onDamaged)
    },
    async set(key, record) {
      if (!enabled) return
      await writeFileAtomic(pathOf(key), JSON.stringify(record, null, 2) + '\n', pathOf(key), { durable: false })
    },
  }
}
