/**
 * Reading and updating the lockfile on disk: a small index (`l10n.lock.yaml`, `version: 2`)
 * and one record file per article × locale in the folder it names (`l10n.lock/`). A read
 * opens only the records asked for; an update rewrites only the records it changes.
 *
 * Every update is a read-modify-write of those records under a run lock
 * (`<lockfile>.lock`) with atomic writes, so a `translate` and an `approve` finishing at
 * the same moment never lose each other's changes or leave a half-written record.
 *
 * A single-file lockfile (`version: 1`, every record in one YAML file) is read as before
 * and split into records on the first update (`migrate`); records already in the folder
 * are newer than the file's and win. An update with `migrate: false` (a sharded sync)
 * writes only its own records into the folder and leaves the file alone, so that the
 * shards' changes never overlap.
 */
import { readdir } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import {
  defaultRecordsFolder,
  emptyLockfile,
  isLockIndex,
  parseLockfile,
  parseLockIndex,
  parseLockRecord,
  recordPath,
  serializeLockIndex,
  serializeLockRecord,
  type Lockfile,
  type LockTranslation,
} from './lockfile.ts'
import { readTextFileIfExists, removeStaleTemps, removeStaleTempsUnder, writeFileAtomic } from './files.ts'
import { isMissing } from './records.ts'
import { withLock } from './run-lock.ts'

/** How a lockfile is laid out on disk right now. */
type Layout =
  /** An index, or nothing yet (a new lockfile is written in this layout). */
  | { kind: 'records'; folder: string; indexed: boolean }
  /** A whole lockfile in one file; records in `folder` (from sharded runs) override it. */
  | { kind: 'single'; lock: Lockfile; folder: string }

async function readLayout(path: string): Promise<Layout> {
  const text = await readTextFileIfExists(path)
  const base = dirname(path)
  if (text === undefined) return { kind: 'records', folder: join(base, defaultRecordsFolder(path)), indexed: false }
  if (isLockIndex(text)) return { kind: 'records', folder: resolve(base, parseLockIndex(text, path).records), indexed: true }
  return { kind: 'single', lock: parseLockfile(text, path), folder: join(base, defaultRecordsFolder(path)) }
}

/** Line (1-based) of a top-level key in a record's text, for an error about its value. */
function lineOfKey(text: string, key: string): number {
  const at = new RegExp(`^${key}:`, 'm').exec(text)
  return at ? text.slice(0, at.index).split('\n').length : 1
}

/** A record read back: its entry and the text it was read from (to skip writing it unchanged). */
interface ReadRecord {
  entry: LockTranslation
  text: string
}

/** Reads the record of `source` × `locale` from `folder`; E_LOCKFILE when it names another pair. */
async function readRecordFile(folder: string, source: string, locale: string): Promise<ReadRecord | undefined> {
  const file = join(folder, recordPath(source, locale))
  const text = await readTextFileIfExists(file)
  if (text === undefined) return undefined
  const record = parseLockRecord(text, file)
  if (record.source !== source || record.locale !== locale) throw misplaced(file, text, record.source, record.locale, folder)
  return { entry: record.entry, text }
}

function misplaced(file: string, text: string, source: string, locale: string, folder: string): L10nError {
  const field = /^source:/m.test(text) ? 'source' : 'locale'
  return new L10nError('E_LOCKFILE', {
    file,
    line: lineOfKey(text, field),
    column: 1,
    params: { detail: message('lockfile:record-misplaced', { source, locale, expected: join(folder, recordPath(source, locale)) }) },
  })
}

/** Read access to the lock records of one lockfile, each read at most once. */
export interface LockRecords {
  /** The record of one article (its lockfile key) × locale, or undefined when there is none. */
  get(source: string, locale: string): Promise<LockTranslation | undefined>
}

/**
 * Opens a lockfile for reading records one at a time: a status or a run over a few
 * articles of a big site reads those articles' records, not the whole site's. Each record
 * is read once and kept; with `keep: false`, a record is kept only while it is being read
 * (a run reads each pair's record once, as the pair comes up).
 */
export function openLockRecords(path: string, options: { keep?: boolean } = {}): LockRecords {
  let layout: Promise<Layout> | undefined
  const read = new Map<string, Promise<LockTranslation | undefined>>()
  const keep = options.keep !== false
  return {
    get(source, locale) {
      const key = `${source}\u0000${locale}`
      let record = read.get(key)
      if (!record) {
        const reading = (async () => {
          const current = await (layout ??= readLayout(path))
          const own = await readRecordFile(current.folder, source, locale)
          if (own) return own.entry
          return current.kind === 'single' ? current.lock.articles[source]?.[locale] : undefined
        })()
        record = reading
        read.set(key, reading)
        // Not kept: only reads under way are shared, so a run over a whole site holds the
        // records of the pairs in flight, not every record it has read.
        if (!keep) void reading.finally(() => read.get(key) === reading && read.delete(key)).catch(() => {})
      }
      return record
    },
  }
}

/** Every record file under `folder` (paths relative to it, `/`-separated); none when it does not exist. */
async function recordFiles(folder: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(folder, { recursive: true, withFileTypes: true })
  } catch (error) {
    if (isMissing(error)) return []
    throw new L10nError('E_IO', { file: folder, cause: error, params: { detail: (error as Error).message } })
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort()
}

/** Reads the whole lockfile, in either layout, or an empty one when it does not exist yet. */
export async function readLockfile(path: string): Promise<Lockfile> {
  const layout = await readLayout(path)
  const lock = layout.kind === 'single' ? layout.lock : emptyLockfile()
  for (const name of await recordFiles(layout.folder)) {
    const file = join(layout.folder, name)
    const text = (await readTextFileIfExists(file)) ?? ''
    const record = parseLockRecord(text, file)
    // Each pair has exactly one place, so a record found elsewhere was moved by hand.
    if (recordPath(record.source, record.locale) !== name) throw misplaced(file, text, record.source, record.locale, layout.folder)
    lock.articles[record.source] = { ...lock.articles[record.source], [record.locale]: record.entry }
  }
  return lock
}

/** One change of one record: `mutate` gets the current record and returns the new one (undefined: leave it). */
export interface LockChange {
  source: string
  locale: string
  mutate: (entry: LockTranslation | undefined) => LockTranslation | undefined
}

/** Options of {@link updateLockRecords}. */
export interface LockUpdateOptions {
  /**
   * Split a single-file lockfile into records now (and write the index). `false` in a
   * sharded run: it writes only its own records, beside the file. @default true
   */
  migrate?: boolean
  /**
   * Also remove the temp files that killed writers left in the records folder (a walk of
   * the whole folder, so a run does it once, not on every update). @default false
   */
  sweepRecords?: boolean
}

/**
 * Splits a single-file lockfile into record files, then replaces it by the index. Records
 * first, index last: a run killed halfway leaves the single file in place, read as before,
 * and the next update does it again. Records already in the folder are kept (newer).
 */
async function migrate(path: string, layout: Extract<Layout, { kind: 'single' }>): Promise<void> {
  const present = new Set(await recordFiles(layout.folder))
  for (const [source, locales] of Object.entries(layout.lock.articles)) {
    for (const [locale, entry] of Object.entries(locales)) {
      const name = recordPath(source, locale)
      if (!present.has(name)) await writeFileAtomic(join(layout.folder, name), serializeLockRecord({ source, locale, entry }), path)
    }
  }
  await writeIndex(path, layout.folder)
}

async function writeIndex(path: string, folder: string): Promise<void> {
  await writeFileAtomic(path, serializeLockIndex({ version: 2, records: relative(dirname(path), folder).split(sep).join('/') }))
}

/**
 * Applies `changes` under the lock, in order (a later change of the same record sees the
 * earlier one's result), and writes each changed record once, atomically. Records no
 * change names are neither read nor written.
 */
export async function updateLockRecords(path: string, changes: readonly LockChange[], options: LockUpdateOptions = {}): Promise<void> {
  await withLock(`${path}.lock`, { waitMs: 30_000, pollMs: 20, owner: 'l10n lockfile update' }, async () => {
    await removeStaleTemps(path)
    const layout = await readLayout(path)
    // A record's temp lies beside the record, deep in the folder, not beside the index.
    if (options.sweepRecords) await removeStaleTempsUnder(layout.folder)
    const splitNow = options.migrate !== false
    if (layout.kind === 'single' && splitNow) await migrate(path, layout)
    else if (layout.kind === 'records' && !layout.indexed) await writeIndex(path, layout.folder)
    // A single file that stays (a sharded run) still holds the records not yet in the folder.
    const fallback = layout.kind === 'single' && !splitNow ? layout.lock : undefined
    const pending = new Map<string, { source: string; locale: string; before: string | undefined; entry: LockTranslation | undefined }>()
    for (const change of changes) {
      const key = `${change.source}\u0000${change.locale}`
      let current = pending.get(key)
      if (!current) {
        const own = await readRecordFile(layout.folder, change.source, change.locale)
        const entry = own?.entry ?? fallback?.articles[change.source]?.[change.locale]
        current = { source: change.source, locale: change.locale, before: own?.text, entry: entry && structuredClone(entry) }
        pending.set(key, current)
      }
      const next = change.mutate(current.entry)
      if (next !== undefined) current.entry = next
    }
    for (const { source, locale, before, entry } of pending.values()) {
      if (entry === undefined) continue
      const text = serializeLockRecord({ source, locale, entry })
      if (text !== before) await writeFileAtomic(join(layout.folder, recordPath(source, locale)), text)
    }
  })
}

/** {@link updateLockRecords} of one record (a reviewer's command: it also sweeps the records folder's stale temps). */
export async function updateLockRecord(path: string, source: string, locale: string, mutate: LockChange['mutate']): Promise<void> {
  await updateLockRecords(path, [{ source, locale, mutate }], { sweepRecords: true })
}

/** Applies lockfile changes of one run, many at a time. */
export interface LockfileWriter {
  /** Queues a change; resolves once it is on disk. */
  update(change: LockChange): Promise<void>
}

/**
 * A writer that coalesces: changes queued while a write is under way go into the next
 * single update. A run finishing hundreds of articles then takes the lock a few times
 * instead of once per article, never waits behind itself, and writes only the records of
 * the articles that finished.
 */
export function createLockfileWriter(path: string, options: LockUpdateOptions = {}): LockfileWriter {
  let queued: { change: LockChange; resolve: () => void; reject: (error: unknown) => void }[] = []
  let running: Promise<void> | undefined
  // The records folder is swept of killed writers' temps once per writer (once per run).
  let swept = false
  const drain = async (): Promise<void> => {
    while (queued.length > 0) {
      const batch = queued
      queued = []
      try {
        await updateLockRecords(
          path,
          batch.map((item) => item.change),
          { ...options, sweepRecords: !swept },
        )
        swept = true
        for (const item of batch) item.resolve()
      } catch (error) {
        for (const item of batch) item.reject(error)
      }
    }
    running = undefined
  }
  return {
    update(change) {
      const done = new Promise<void>((resolve, reject) => queued.push({ change, resolve, reject }))
      running ??= drain()
      return done
    },
  }
}
