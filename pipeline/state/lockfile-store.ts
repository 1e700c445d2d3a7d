/**
 * Reading and updating the lockfile on disk. Every update is a read-modify-write under
 * a run lock (`<lockfile>.lock`) with an atomic write, so a `translate` and an
 * `approve` finishing at the same moment never lose each other's changes or leave a
 * half-written lockfile.
 */
import { emptyLockfile, parseLockfile, serializeLockfile, type Lockfile } from './lockfile.ts'
import { readTextFileIfExists, removeStaleTemps, writeFileAtomic } from './files.ts'
import { withLock } from './run-lock.ts'

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

/** Applies lockfile changes of one run, many at a time. */
export interface LockfileWriter {
  /** Queues a change; resolves once it is on disk. */
  update(mutate: (lock: Lockfile) => void): Promise<void>
}

/**
 * A writer that coalesces: changes queued while a write is under way go into the next
 * single read-modify-write. A run finishing hundreds of articles then takes the lock a
 * few times instead of once per article, and never waits behind itself.
 */
export function createLockfileWriter(path: string): LockfileWriter {
  let queued: { mutate: (lock: Lockfile) => void; resolve: () => void; reject: (error: unknown) => void }[] = []
  let running: Promise<void> | undefined
  const drain = async (): Promise<void> => {
    while (queued.length > 0) {
      const batch = queued
      queued = []
      try {
        await updateLockfile(path, (lock) => {
          for (const change of batch) change.mutate(lock)
        })
        for (const change of batch) change.resolve()
      } catch (error) {
        for (const change of batch) change.reject(error)
      }
    }
    running = undefined
  }
  return {
    update(mutate) {
      const done = new Promise<void>((resolve, reject) => queued.push({ mutate, resolve, reject }))
      running ??= drain()
      return done
    },
  }
}
