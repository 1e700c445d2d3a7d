/**
 * store: two small content-addressed stores under the state folder.
 * - texts: every source and translated section text the lockfile names by hash, so a
 *   reviewer can see what a section was before it changed.
 * - memory: approved translations by source section hash and target locale, reused for
 *   identical sections in other articles (and seeded from existing translations).
 * A record read back is checked (see `records.ts`): a damaged one is a miss.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { contentHash } from '../shared/hash.ts'
import { checkJson } from '../shared/validation.ts'
import { writeFileAtomic } from './files.ts'
import { checkText, isMissing, readRecordBytes, unreadable, usable, type OnDamaged } from './records.ts'

/** Options of {@link openTextStore} and {@link openMemory}. */
export interface StoreOptions {
  /** Told about each damaged record (which is then a miss), unless a call names its own. */
  onDamaged?: OnDamaged
}

/** Texts by content hash. */
export interface TextStore {
  put(text: string, hash?: string): Promise<string>
  /** The text stored under `hash`; undefined when there is none or it is damaged. */
  get(hash: string | undefined, onDamaged?: OnDamaged): Promise<string | undefined>
  /**
   * Frontmatter strings stored under `hash` as `[id, text]` pairs in their order; stored
   * as a JSON object `{id: text}` (`[[id, text]]` is read too). Undefined when there are
   * none or the record is damaged.
   */
  getValues(hash: string | undefined, onDamaged?: OnDamaged): Promise<[string, string][] | undefined>
}

const valuesRecordSchema = z.union([z.array(z.tuple([z.string(), z.string()])), z.record(z.string(), z.string()).transform((values) => Object.entries(values))])

/** Opens the text store in `dir` (files are written on demand). */
export function openTextStore(dir: string, options: StoreOptions = {}): TextStore {
  const pathOf = (hash: string) => join(dir, hash.slice(0, 2), `${hash}.md`)
  const get = async (hash: string | undefined, onDamaged = options.onDamaged): Promise<string | undefined> => {
    if (!hash) return undefined
    const path = pathOf(hash)
    const bytes = await readRecordBytes(path, onDamaged)
    return bytes && usable(checkText(bytes), path, onDamaged)
  }
  return {
    async put(text, hash = contentHash(text)) {
      if (!existsSync(pathOf(hash))) await writeFileAtomic(pathOf(hash), text, pathOf(hash), { durable: false })
      return hash
    },
    get,
    async getValues(hash, onDamaged = options.onDamaged) {
      const text = await get(hash, onDamaged)
      return text === undefined ? undefined : usable(checkJson(valuesRecordSchema, text), pathOf(hash!), onDamaged)
    },
  }
}

/** Approved translations by (target locale, source section hash). */
export interface TranslationMemory {
  /** Synchronous so planning stays a pure function of its inputs. Undefined when there is none or it is damaged. */
  lookup(locale: string, sourceHash: string, onDamaged?: OnDamaged): string | undefined
  remember(locale: string, sourceHash: string, translation: string): Promise<void>
}

/** Opens the memory in `dir`. */
export function openMemory(dir: string, options: StoreOptions = {}): TranslationMemory {
  const pathOf = (locale: string, hash: string) => join(dir, locale, hash.slice(0, 2), `${hash}.md`)
  return {
    lookup(locale, sourceHash, onDamaged = options.onDamaged) {
      const path = pathOf(locale, sourceHash)
      let bytes: Uint8Array
      try {
        bytes = readFileSync(path)
      } catch (error) {
        if (!isMissing(error)) onDamaged?.({ file: path, detail: unreadable(error) })
        return undefined
      }
      return usable(checkText(bytes), path, onDamaged)
    },
    async remember(locale, sourceHash, translation) {
      await writeFileAtomic(pathOf(locale, sourceHash), translation)
    },
  }
}
