/**
 * memo: what a command worked out from files, kept under the state folder with the
 * stamps of those files (`.l10n/status/`), so that the next run skips the work while the
 * files are unchanged. A stamp is a file's size, times and inode with the hash of its
 * content: a stat that matches a stamp taken well after the file's last change is
 * trusted without reading the file; any other is checked against the content hash, so an
 * edit that keeps the size and falls within the file system's time granularity is still
 * seen. A damaged memo record is a miss (see `records.ts`).
 */
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { contentHash } from '../shared/hash.ts'
import { writeFileAtomic } from './files.ts'
import { checkJsonRecord, isMissing, readRecordBytes, usable, type OnDamaged } from './records.ts'

/**
 * How long after a file's last change (mtime or ctime) a stamp must have been taken for
 * its stat to be trusted: coarser than any file system's timestamp granularity (FAT: 2 s),
 * so that an edit in the same tick as the stamp cannot go unseen (git's "racy clean").
 */
export const RACY_MS = 3_000

/** A file as it was when stamped. */
export interface FileStamp {
  size: number
  mtimeMs: number
  ctimeMs: number
  ino: number
  /** sha256 of the bytes, hex. */
  hash: string
  /** When the stamp was taken (ms since the epoch, before the file was looked at). */
  stampedAt: number
}

export const fileStampSchema = z.object({
  size: z.int().min(0),
  mtimeMs: z.number(),
  ctimeMs: z.number(),
  ino: z.number(),
  hash: z.string().min(1),
  stampedAt: z.number(),
}) satisfies z.ZodType<FileStamp>

/** A stamp and whether the file had to be read for it. */
export interface Stamped {
  stamp: FileStamp
  read: boolean
  /** The bytes hashed, when the file was read: a caller that needs the content too does not read it again. */
  bytes?: Buffer
}

/**
 * The stamp of `path` now, or undefined when there is no such file. With `known` (the
 * stamp taken last time), an unchanged stat taken over {@link RACY_MS} after the file's
 * last change keeps its hash without reading the file; otherwise the content is hashed.
 */
export async function stampFile(path: string, known?: FileStamp, now: () => number = Date.now): Promise<Stamped | undefined> {
  const stampedAt = now()
  let info
  try {
    info = await stat(path)
  } catch (error) {
    if (isMissing(error)) return undefined
    throw error
  }
  if (!info.isFile()) return undefined
  const same = known !== undefined && known.size === info.size && known.mtimeMs === info.mtimeMs && known.ctimeMs === info.ctimeMs && known.ino === info.ino
  if (same && known.stampedAt - Math.max(info.mtimeMs, info.ctimeMs) > RACY_MS) return { stamp: known, read: false }
  // A file changed between the stat and the read has a newer stat than the one stored: the next run reads it again.
  const bytes = await readFile(path)
  const hash = createHash('sha256').update(bytes).digest('hex')
  return { stamp: { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino, hash, stampedAt }, read: true, bytes }
}

/** Memo records of one kind, one JSON file per key. */
export interface Memo<T> {
  get(key: string): Promise<T | undefined>
  put(key: string, value: T): Promise<void>
}

/** Opens memo records in `dir`, each checked against `schema` when read back. */
export function openMemo<S extends z.ZodType>(dir: string, schema: S, onDamaged?: OnDamaged): Memo<z.output<S>> {
  const pathOf = (key: string) => {
    const name = contentHash(key)
    return join(dir, name.slice(0, 2), `${name}.json`)
  }
  return {
    async get(key) {
      const path = pathOf(key)
      const bytes = await readRecordBytes(path, onDamaged)
      return bytes && usable(checkJsonRecord(schema, bytes), path, onDamaged)
    },
    async put(key, value) {
      // Made again when lost: no flush to disk.
      await writeFileAtomic(pathOf(key), JSON.stringify(value) + '\n', pathOf(key), { durable: false })
    },
  }
}
