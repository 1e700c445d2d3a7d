import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isL10nError, type L10nError } from '../pipeline/shared/errors.ts'
import { acquireLock, withLock } from '../pipeline/state/run-lock.ts'

let dir: string
let lock: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l10n-runlock-'))
  lock = join(dir, 'run.lock')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function lockedError(promise: Promise<unknown>): Promise<L10nError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!isL10nError(error, 'E_LOCKED')) throw new Error(`expected E_LOCKED, got ${String(error)}`)
  return error
}

/** A pid that does not exist on this host (999999 unless that one happens to be alive). */
function deadPid(): number {
  for (let pid = 999_999; ; pid--) {
    try {
      process.kill(pid, 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid
    }
  }
}

function lockJson(pid: number, host = hostname()): string {
  return JSON.stringify({ pid, host, startedAt: new Date().toISOString(), owner: 'test' })
}

describe('acquireLock', () => {
  it('writes pid, host, start time and owner, and removes the file on release', async () => {
    const release = await acquireLock(lock, { owner: 'l10n translate' })
    const info = JSON.parse(await readFile(lock, 'utf8'))
    expect(info).toMatchObject({ pid: process.pid, host: hostname(), owner: 'l10n translate' })
    expect(Date.parse(info.startedAt)).toBeGreaterThan(Date.now() - 60_000)
    await release()
    await release() // a second release is harmless
    expect(await readdir(dir)).toEqual([])
  })

  it('fails a second acquire with E_LOCKED naming the lock and the pid', async () => {
    const release = await acquireLock(lock)
    const error = await lockedError(acquireLock(lock))
    expect(error.params).toMatchObject({ lock, pid: process.pid, host: hostname() })
    expect(error.message).toBe(`another run holds the lock ${lock} (pid ${process.pid})`)
    await release()
    const again = await acquireLock(lock)
    await again()
  })

  it('takes over a stale lock left by a dead pid', async () => {
    await writeFile(lock, lockJson(deadPid()))
    const release = await acquireLock(lock, { owner: 'new' })
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid, owner: 'new' })
    await release()
    // The stale file was renamed aside and then removed: nothing is left over.
    expect(await readdir(dir)).toEqual([])
  })

  it('takes over a lock not refreshed for staleMs even when its pid is alive', async () => {
    await writeFile(lock, lockJson(process.pid))
    const old = new Date(Date.now() - 60_000)
    await utimes(lock, old, old)
    await lockedError(acquireLock(lock))
    const release = await acquireLock(lock, { staleMs: 30_000 })
    await release()
  })

  it('keeps a lock of another host whose age is below staleMs (its pid cannot be checked)', async () => {
    await writeFile(lock, lockJson(deadPid(), 'some-other-host'))
    const error = await lockedError(acquireLock(lock))
    expect(error.params.host).toBe('some-other-host')
  })

  it('treats an empty lock file as held while young (its creator may be writing) and stale when old', async () => {
    await writeFile(lock, '')
    expect((await lockedError(acquireLock(lock))).params.pid).toBe('?')
    const old = new Date(Date.now() - 60_000)
    await utimes(lock, old, old)
    const release = await acquireLock(lock)
    await release()
  })

  it('waits up to waitMs for the holder to release', async () => {
    const first = await acquireLock(lock)
    setTimeout(() => void first(), 150)
    const started = Date.now()
    const second = await acquireLock(lock, { waitMs: 5_000, pollMs: 20 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(100)
    await second()
  })

  it('gives up after waitMs', async () => {
    const first = await acquireLock(lock)
    const started = Date.now()
    await lockedError(acquireLock(lock, { waitMs: 120, pollMs: 30 }))
    expect(Date.now() - started).toBeGreaterThanOrEqual(100)
    await first()
  })

  it('lets exactly one of ten concurrent acquires win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => acquireLock(lock)))
    const won = results.filter((result) => result.status === 'fulfilled')
    expect(won).toHaveLength(1)
    for (const result of results) {
      if (result.status === 'rejected') expect(isL10nError(result.reason, 'E_LOCKED')).toBe(true)
    }
    await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value()
  })

  it('lets exactly one of ten concurrent acquires take over the same stale lock', async () => {
    await writeFile(lock, lockJson(deadPid()))
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => acquireLock(lock)))
    const won = results.filter((result) => result.status === 'fulfilled')
    expect(won).toHaveLength(1)
    await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value()
    expect(await readdir(dir)).toEqual([])
  })

  it('lets exactly one of several processes take over the same stale lock', async () => {
    await writeFile(lock, lockJson(deadPid()))
    // All children start acquiring at the same moment; the winner holds on long enough
    // that nobody can win after it released.
    const startAt = Date.now() + 1_500
    const script = `
      const { acquireLock } = await import(${JSON.stringify(new URL('../pipeline/state/run-lock.ts', import.meta.url).href)})
      await new Promise((resolve) => setTimeout(resolve, ${startAt} - Date.now()))
      try {
        const release = await acquireLock(${JSON.stringify(lock)})
        process.stdout.write('won')
        await new Promise((resolve) => setTimeout(resolve, 1500))
        await release()
      } catch (error) {
        process.stdout.write(error.code ?? String(error))
      }
    `
    const outputs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
        let output = ''
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
        await once(child, 'exit')
        return output
      }),
    )
    expect(outputs.sort()).toEqual(['E_LOCKED', 'E_LOCKED', 'E_LOCKED', 'won'])
    expect(await readdir(dir)).toEqual([])
  })

  it('never removes a lock that is no longer ours', async () => {
    const release = await acquireLock(lock)
    const theirs = lockJson(process.pid)
    await writeFile(lock, theirs) // as if someone had taken it over
    await release()
    expect(await readFile(lock, 'utf8')).toBe(theirs)
  })

  it('is blocked by a child process holding the lock, and takes it over once the child is killed', async () => {
    // The child takes the lock the way acquireLock does: O_EXCL create, JSON with its pid.
    const script = `
      const fs = require('node:fs'), os = require('node:os')
      fs.writeFileSync(process.argv[1], JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), owner: 'child' }), { flag: 'wx' })
      process.stdout.write('ready\\n')
      setInterval(() => {}, 1000)
    `
    const child: ChildProcess = spawn(process.execPath, ['-e', script, lock], { stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      await once(child.stdout!, 'data')
      const error = await lockedError(acquireLock(lock))
      expect(error.params).toMatchObject({ pid: child.pid, owner: 'child' })
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited // reaped: its pid no longer answers signal 0
      const release = await acquireLock(lock)
      expect(JSON.parse(await readFile(lock, 'utf8')).pid).toBe(process.pid)
      await release()
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  })

  it('rejects bad options as programmer errors', async () => {
    await expect(acquireLock(lock, { waitMs: -1 })).rejects.toThrow(TypeError)
    await expect(acquireLock(lock, { staleMs: 0 })).rejects.toThrow(/staleMs/)
  })

  it('fails with E_IO when the lock cannot be created', async () => {
    await writeFile(join(dir, 'file'), '')
    const error = await acquireLock(join(dir, 'file', 'run.lock')).then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(isL10nError(error, 'E_IO')).toBe(true)
  })
})

describe('withLock', () => {
  it('holds the lock while fn runs and releases it however fn ends', async () => {
    const value = await withLock(lock, {}, async () => {
      await lockedError(acquireLock(lock))
      return 42
    })
    expect(value).toBe(42)
    await expect(withLock(lock, {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await readdir(dir)).toEqual([])
  })
})
