/**
 * runlock: one run at a time. Two overlapping scheduled runs, or a `translate` and an
 * `approve` that write the same lockfile, would each read the old state and the last
 * writer would silently drop the other's work. A lock file created with O_EXCL makes the
 * second run wait or fail instead. A run that crashed leaves its file behind; such a lock
 * is stale (dead pid on this host, or not refreshed for `staleMs`) and is taken over.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { link, mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { sleep, systemClock, type Clock } from '../shared/clock.ts'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { checkJson } from '../shared/validation.ts'

/** What a lock file contains (JSON). */
export interface LockInfo {
  pid: number
  /** `os.hostname()` of the holder: a pid only means something on its own host. */
  host: string
  /** ISO time the lock was taken. */
  startedAt: string
  /** Free text naming the holder, e.g. `l10n translate`. */
  owner: string | undefined
  /** Random id of this acquisition, so a release never removes someone else's lock. */
  token?: string
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** Written into the lock, shown to whoever is blocked. @default undefined */
  owner?: string
  /**
   * A lock not refreshed for this long is stale even if its pid seems alive (pids are
   * reused; other hosts cannot be asked). The holder refreshes its file's mtime every
   * `staleMs / 3`, so a live run never goes stale however long it takes. Minimum 1.
   * @default 21600000 (6 h)
   */
  staleMs?: number
  /** How long to wait for a held lock before failing, minimum 0. @default 0 */
  waitMs?: number
  /** Pause between attempts while waiting, minimum 1. @default 100 */
  pollMs?: number
  /**
   * Times the waiting (`waitMs`, `pollMs`) and the age of a lock file (now minus its
   * mtime); tests pass a hand-driven one. The refresh of a held lock stays on real time.
   * @default systemClock
   */
  clock?: Clock
}

/** Removes the lock if it is still ours; safe to call more than once. */
export type Release = () => Promise<void>

/** Default of {@link LockOptions.staleMs}. */
export const DEFAULT_STALE_MS = 6 * 60 * 60 * 1000

/**
 * A lock file with no readable content is normally one whose creator is between
 * `open` and `write`; only after this long do we believe the creator died in between.
 */
const UNREADABLE_GRACE_MS = 5_000

function checkNumber(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new TypeError(`Expected \`${name}\` to be a finite number >= ${min}, got \`${String(value)}\` (${typeof value})`)
  }
  return value
}

function ioError(path: string, cause: unknown): L10nError {
  return new L10nError('E_IO', {
    file: path,
    cause,
    params: { detail: message('config:lock/io', { lock: path, message: (cause as Error).message }) },
  })
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code

/** True unless `pid` certainly does not exist on this host. */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errno(error) !== 'ESRCH'
  }
}

const lockInfoSchema = z
  .object({
    pid: z.int(),
    host: z.string(),
    startedAt: z.string(),
    // JSON leaves an undefined owner out.
    owner: z.string().optional(),
    token: z.string().optional(),
  })
  .transform(({ owner, ...info }): LockInfo => ({ ...info, owner }))

/** The holder a lock file names; undefined when it is unreadable (see {@link isStale}). */
function parseInfo(text: string): LockInfo | undefined {
  // Unreadable (half-written, damaged): handled by the caller like a lock without a known holder.
  const checked = checkJson(lockInfoSchema, text)
  return checked.ok ? checked.value : undefined
}

/** The current lock file as seen once: its bytes, inode and age. */
interface Observed {
  text: string
  ino: number
  ageMs: number
  info: LockInfo | undefined
}

async function observe(path: string, clock: Clock): Promise<Observed | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)])
    return { text, ino: info.ino, ageMs: clock.now() - info.mtimeMs, info: parseInfo(text) }
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined
    throw error
  }
}

function isStale(lock: Observed, staleMs: number): boolean {
  if (!lock.info) return lock.ageMs > Math.min(staleMs, UNREADABLE_GRACE_MS)
  if (lock.ageMs > staleMs) return true
  return lock.info.host === hostname() && !pidAlive(lock.info.pid)
}

/**
 * Moves a stale lock out of the way, so that of several processes racing for it only
 * one succeeds and nobody removes the fresh lock the winner then creates.
 *
 * Takeovers are serialized by a guard file (`<lock>.takeover`, O_EXCL): under it we check
 * that the lock is still the very file we judged stale (same inode and bytes) before
 * renaming it aside. Without the guard, a process that judged the old file stale could
 * rename away the winner's new lock. A guard left by a crash is removed after a grace
 * period. As a last line, the renamed file is checked once more and put back (with
 * `link`, which never overwrites) if it is not the stale one.
 */
async function removeStale(path: string, stale: Observed, clock: Clock): Promise<void> {
  const guard = `${path}.takeover`
  try {
    await (await open(guard, 'wx')).close()
  } catch (error) {
    if (errno(error) !== 'EEXIST') throw error
    const info = await stat(guard).catch(() => undefined)
    if (info && clock.now() - info.mtimeMs > UNREADABLE_GRACE_MS) await unlink(guard).catch(() => {})
    // Someone else is taking over right now; look again shortly.
    await sleep(5, undefined, clock)
    return
  }
  try {
    const current = await observe(path, clock)
    if (!current || current.ino !== stale.ino || current.text !== stale.text) return
    const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
    try {
      await rename(path, aside)
    } catch (error) {
      if (errno(error) === 'ENOENT') return
      throw error
    }
    try {
      const moved = await observe(aside, clock)
      if (moved && (moved.ino !== stale.ino || moved.text !== stale.text)) {
        await link(aside, path).catch((error: unknown) => {
          if (errno(error) !== 'EEXIST') throw error
        })
      }
    } finally {
      await unlink(aside).catch(() => {})
    }
  } finally {
    await unlink(guard).catch(() => {})
  }
}

async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  let handle
  try {
    handle = await open(path, 'wx')
  } catch (error) {
    if (errno(error) === 'EEXIST') return false
    throw error
  }
  try {
    await handle.writeFile(JSON.stringify(info) + '\n', 'utf8')
    await handle.close()
  } catch (error) {
    // An empty lock would block everyone for the grace period; leave nothing behind.
    await handle.close().catch(() => {})
    await unlink(path).catch(() => {})
    throw error
  }
  return true
}

/**
 * Takes the lock at `path` or throws `E_LOCKED` naming the holder's pid (`?` when the
 * file is unreadable) after waiting up to `waitMs`. Stale locks are taken over. The same
 * process acquiring twice is blocked like any other: the lock is not reentrant.
 * Other file-system failures are `E_IO`.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<Release> {
  const staleMs = checkNumber('staleMs', options.staleMs ?? DEFAULT_STALE_MS, 1)
  const waitMs = checkNumber('waitMs', options.waitMs ?? 0, 0)
  const pollMs = checkNumber('pollMs', options.pollMs ?? 100, 1)
  const clock = options.clock ?? systemClock
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    owner: options.owner,
    token: randomBytes(8).toString('hex'),
  }
  const deadline = clock.now() + waitMs
  try {
    await mkdir(dirname(path), { recursive: true })
    for (;;) {
      if (await tryCreate(path, info)) break
      const current = await observe(path, clock)
      if (current === undefined) continue // Released between our open and our read.
      if (isStale(current, staleMs)) {
        await removeStale(path, current, clock)
        continue
      }
      const remaining = deadline - clock.now()
      if (remaining <= 0) {
        throw new L10nError('E_LOCKED', {
          params: {
            lock: path,
            pid: current.info?.pid ?? '?',
            host: current.info?.host,
            owner: current.info?.owner,
            startedAt: current.info?.startedAt,
          },
        })
      }
      await sleep(Math.min(pollMs, remaining), undefined, clock)
    }
  } catch (error) {
    if (error instanceof L10nError) throw error
    throw ioError(path, error)
  }
  return holdLock(path, info, staleMs)
}

/** Keeps the lock fresh while held and returns its release function. */
function holdLock(path: string, info: LockInfo, staleMs: number): Release {
  const refresh = setInterval(() => {
    const now = new Date()
    utimes(path, now, now).catch(() => {})
  }, Math.max(1, Math.floor(staleMs / 3)))
  // The refresh must never be what keeps a finished process alive.
  refresh.unref()
  let released: Promise<void> | undefined
  return () => {
    released ??= (async () => {
      clearInterval(refresh)
      const current = await observe(path, systemClock).catch(() => undefined)
      // Ours only if the token matches: after a takeover the file belongs to someone else.
      if (current?.info?.token !== info.token) return
      await unlink(path).catch((error: unknown) => {
        if (errno(error) !== 'ENOENT') throw ioError(path, error)
      })
    })()
    return released
  }
}

/** Runs `fn` while holding the lock at `path`; the lock is released however `fn` ends. */
export async function withLock<T>(path: string, options: LockOptions, fn: () => Promise<T> | T): Promise<T> {
  const release = await acquireLock(path, options)
  try {
    return await fn()
  } finally {
    await release()
  }
}
