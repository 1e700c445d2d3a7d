import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isL10nError, type L10nError } from '../pipeline/shared/errors.ts'
import { acquireLock, withLock } from '../pipeline/state/run-lock.ts'
import { createManualClock, type ManualClock } from './helpers/clock.ts'
import { waitFor } from './helpers/wait.ts'

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

/** A promise and whether it has settled yet. */
function settled<T>(promise: Promise<T>): { promise: Promise<T>; readonly done: boolean } {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  return {
    promise,
    get done() {
      return done
    },
  }
}

/** Waits until the acquire is pausing between attempts (or has settled), then ends the pause. */
async function nextPoll(clock: ManualClock, waiting: { readonly done: boolean }): Promise<void> {
  await waitFor(() => waiting.done || clock.pending().length > 0, 'the acquire to pause or settle')
  if (!waiting.done) await clock.next()
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

  it('waits up to waitMs for the holder to release, looking again every pollMs', async () => {
    const clock = createManualClock()
    const first = await acquireLock(lock)
    const waiting = settled(acquireLock(lock, { waitMs: 5_000, pollMs: 20, clock }))
    await nextPoll(clock, waiting)
    await nextPoll(clock, waiting)
    expect(waiting.done).toBe(false)
    await first()
    await nextPoll(clock, waiting)
    const second = await waiting.promise
    expect(clock.delays).toEqual([20, 20, 20])
    await second()
  })

  it('gives up after waitMs', async () => {
    const clock = createManualClock()
    const start = clock.now()
    const first = await acquireLock(lock)
    const waiting = settled(acquireLock(lock, { waitMs: 120, pollMs: 50, clock }))
    while (!waiting.done) await nextPoll(clock, waiting)
    await lockedError(waiting.promise)
    // Two full polls, then the rest of the wait, then one last look.
    expect(clock.delays).toEqual([50, 50, 20])
    expect(clock.now() - start).toBe(120)
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
    // Each child says "ready" once loaded, acquires when told "go", and the winner keeps
    // the lock until told "release", so every loser sees it held whatever the timing. The
    // children run the compiled module (dist/, rebuilt by the test run when a source is
    // newer: tests/helpers/fresh-build.ts) in plain node, as the command does.
    const script = `
      const { acquireLock } = await import(${JSON.stringify(new URL('../dist/state/run-lock.js', import.meta.url).href)})
      const { createInterface } = await import('node:readline')
      const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
      process.stdout.write('ready\\n')
      await lines.next()
      try {
        const release = await acquireLock(${JSON.stringify(lock)})
        process.stdout.write('won\\n')
        await lines.next()
        await release()
      } catch (error) {
        process.stdout.write((error.code ?? String(error)) + '\\n')
      }
      process.exit(0)
    `
    const children = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] })
      // A loser exits without reading on; writing to it then is not this test's business.
      child.stdin!.on('error', () => {})
      const said: string[] = []
      let buffer = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        const lines = buffer.split('\n')
        buffer = lines.pop()!
        said.push(...lines)
      })
      return { child, said, exited: once(child, 'exit') }
    })
    try {
      await waitFor(() => children.every(({ said }) => said.includes('ready')), 'every child to load', 60_000)
      for (const { child } of children) child.stdin!.write('go\n')
      await waitFor(() => children.every(({ said }) => said.length === 2), 'every child to try', 60_000)
      const outcomes = children.map(({ said }) => said[1])
      expect(outcomes.sort()).toEqual(['E_LOCKED', 'E_LOCKED', 'E_LOCKED', 'won'])
      // Losers have exited already; only the winner still reads.
      children.find(({ said }) => said[1] === 'won')!.child.stdin!.end('release\n')
      await Promise.all(children.map(({ exited }) => exited))
      expect(await readdir(dir)).toEqual([])
    } finally {
      for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
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
