/**
 * Reading and updating the lockfile on disk. Every update is a read-modify-write under
 * a run lock (`<lockfile>.lock`) with an atomic write, so a `translate` and an
 * `approve` finishing at the same moment never lose each other's changes or leave a
 * half-written lockfile.
 */
import { emptyLockfile, parseLockfile, serializeLockfile, type Lockfile } from './lockfile.ts'
import { readTextFileIfExists, removeStaleTemps, writeFileAtomic } from './io.ts'
import { withLock } from './runlock.ts'

/** Reads the lockfile, or an empty one when it does not exist yet. */
export async function readLockfile(path: string): Promise<Lockfile> {
  const text = await readTextFileIfExists(path)
  return text === undefined ? emptyLockfile() : parseLockfile(text, path)
}

/** Applies `mutate` to the current lockfile under the lock and writes it atomically. */
export async function updateLockfile(path: string, mutate: (lock: Lockfile) => void | Promise<void>): Promise<Lockfile> {
  return withLock(`${path}.lock`, { waitMs: 30_000, pollMs: 20, owner: 'l10n lockfile update' }, async () => {
    await removeStaleTemps(path)
    const lock = await readLockfile(path)
    await mutate(lock)
    const text = serializeLockfile(lock)
    const current = await readTextFileIfExists(path)
    if (current !== text) await writeFileAtomic(path, text)
    return lock
  })
}
