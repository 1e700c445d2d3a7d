/**
 * The lockfile as tests read it back: every record of either layout (a `version: 1`
 * single file, or the index and its record files), synchronously, validated by the
 * same parsers the tool uses.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { defaultRecordsFolder, emptyLockfile, isLockIndex, parseLockfile, parseLockIndex, parseLockRecord, serializeLockfile, serializeLockRecord, type Lockfile } from '../../pipeline/state/lockfile.ts'

/** Every record of the lockfile at `path` (an empty lockfile when there is none). */
export function readLockSync(path: string): Lockfile {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined
  const single = text !== undefined && !isLockIndex(text)
  const lock = single ? parseLockfile(text, path) : emptyLockfile()
  const folder = text !== undefined && !single ? resolve(dirname(path), parseLockIndex(text, path).records) : join(dirname(path), defaultRecordsFolder(path))
  if (!existsSync(folder)) return lock
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.yaml')) continue
    const file = join(entry.parentPath, entry.name)
    const record = parseLockRecord(readFileSync(file, 'utf8'), file)
    lock.articles[record.source] = { ...lock.articles[record.source], [record.locale]: record.entry }
  }
  return lock
}

/** The whole lockfile as one text (the `version: 1` serialization), to compare two trees' records. */
export function lockText(path: string): string {
  return serializeLockfile(readLockSync(path))
}

/** The lockfile of a tree (`<dir>/l10n.lock.yaml`) as one text without what differs between any two runs: the times. */
export function lockTextWithoutTimes(dir: string): string {
  return lockText(join(dir, 'l10n.lock.yaml')).replace(/^(\s*(?:translatedAt|approvedAt|updatedAt|createdAt):).*$/gm, '$1 <time>')
}

/** The lock record files of a tree (`<dir>/l10n.lock/**.yaml`). */
export function lockRecordFiles(dir: string): string[] {
  const folder = join(dir, 'l10n.lock')
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => join(folder, name))
}

/** Rewrites a tree's lock records as an older l10n wrote them, without their seals: a status then parses what no memo gives. */
export function unsealLockRecords(dir: string): void {
  for (const file of lockRecordFiles(dir)) {
    const record = parseLockRecord(readFileSync(file, 'utf8'), file)
    delete record.entry.seal
    writeFileSync(file, serializeLockRecord(record))
  }
}
