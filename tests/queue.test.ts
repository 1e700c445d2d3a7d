import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isL10nError } from '../pipeline/shared/errors.ts'
import { createOpenAiClient, resolveLlmOptions, type ChatClient } from '../pipeline/translate/llm.ts'
import { createScheduler, type Scheduler, type ScheduledTask } from '../pipeline/translate/queue.ts'
import { sleep } from '../pipeline/shared/clock.ts'
import type { ManualClock } from './helpers/clock.ts'
import { createManualClock, settle } from './helpers/clock.ts'
import { startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai.ts'
import { waitFor } from './helpers/wait.ts'

let server: FakeOpenAi
let llm: ChatClient

beforeAll(async () => {
  server = await startFakeOpenAi({ latencyMs: 60 })
  llm = createOpenAiClient(resolveLlmOptions({ baseURL: server.baseURL, maxRetries: 0, timeoutMs: 10_000 }, {}))
})
afterAll(async () => {
  await server.close()
})
afterEach(() => {
  server.reset()
})

/** A task that makes one real call to the fake server and reports its token usage. */
function call(content: string, estimatedTokens = 10): ScheduledTask<string> {
  return {
    estimatedTokens,
    run: async (signal) => {
      const result = await llm.complete({ messages: [{ role: 'user', content }], signal })
      return { value: result.text, usedTokens: result.usage.promptTokens + result.usage.completionTokens }
    },
  }
}

/** Most events of `times` that fall in any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0; i < sorted.length; i++) {
    let count = 0
    for (let j = i; j < sorted.length && (sorted[j] as number) - (sorted[i] as number) < windowMs; j++) count++
    most = Math.max(most, count)
  }
  return most
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error,
  )
}

describe('createScheduler', () => {
  it('validates its options', () => {
    expect(() => createScheduler({ concurrency: 0 })).toThrow(/`concurrency`.*`0`/)
    expect(() => createScheduler({ concurrency: 1, requestsPerInterval: 1.5 })).toThrow(TypeError)
    expect(() => createScheduler({ concurrency: 1, tokensPerInterval: -1 })).toThrow(/tokensPerInterval/)
  })

  it('never runs more than `concurrency` requests at once', async () => {
    const scheduler = createScheduler({ concurrency: 3 })
    const inputs = Array.from({ length: 12 }, (_, i) => `text ${i}`)
    const results = await Promise.all(inputs.map((input) => scheduler.schedule(call(input))))
    expect(results).toEqual(inputs)
    expect(server.requests).toHaveLength(12)
    expect(server.maxInFlight).toBe(3)
    expect(scheduler.stats).toMatchObject({ started: 12, finished: 12, failed: 0, maxConcurrent: 3 })
    expect(scheduler.stats.tokensUsed).toBeGreaterThan(0)
  })

  it('starts at most `requestsPerInterval` requests in any interval', async () => {
    const intervalMs = 300
    const clock = createManualClock(0)
    const scheduler = createScheduler({ concurrency: 10, requestsPerInterval: 2, intervalMs, clock })
    const starts: number[] = []
    const task = (id: number): ScheduledTask<number> => ({
      estimatedTokens: 10,
      run: async () => (starts.push(clock.now()), { value: id, usedTokens: 10 }),
    })
    const all = Promise.all(Array.from({ length: 6 }, (_, i) => scheduler.schedule(task(i))))
    await settle()
    expect(starts).toEqual([0, 0])
    await clock.advance(intervalMs - 1)
    expect(starts).toEqual([0, 0])
    await clock.advance(1)
    expect(starts).toEqual([0, 0, 300, 300])
    await clock.advance(intervalMs)
    expect(await all).toEqual([0, 1, 2, 3, 4, 5])
    expect(starts).toEqual([0, 0, 300, 300, 600, 600])
    expect(maxInWindow(starts, intervalMs)).toBeLessThanOrEqual(2)
    expect(scheduler.stats.started).toBe(6)
  })

  it('is a sliding window: no burst across a window boundary', async () => {
    const clock = createManualClock(0)
    const scheduler = createScheduler({ concurrency: 10, requestsPerInterval: 2, intervalMs: 100, clock })
    const starts: number[] = []
    const task = (): ScheduledTask<void> => ({ estimatedTokens: 1, run: async () => (starts.push(clock.now()), { value: undefined, usedTokens: 1 }) })
    await scheduler.schedule(task())
    await clock.advance(90)
    const later = Promise.all([task(), task(), task()].map((next) => scheduler.schedule(next)))
    await settle()
    // One start at 0 leaves room for one at 90; the next waits until the start at 0 is 100 ms old.
    expect(starts).toEqual([0, 90])
    await clock.advance(10)
    expect(starts).toEqual([0, 90, 100])
    await clock.advance(90)
    await later
    expect(starts).toEqual([0, 90, 100, 190])
  })

  it('keeps estimated tokens within `tokensPerInterval` in any interval', async () => {
    const intervalMs = 300
    const clock = createManualClock(0)
    const starts: number[] = []
    const scheduler = createScheduler({ concurrency: 10, tokensPerInterval: 100, intervalMs, clock })
    const task = (): ScheduledTask<void> => ({
      estimatedTokens: 40,
      run: async () => {
        starts.push(clock.now())
        return { value: undefined, usedTokens: 40 }
      },
    })
    const all = Promise.all(Array.from({ length: 6 }, () => scheduler.schedule(task())))
    await settle()
    // 40 + 40 fit in 100, a third does not: two starts per window (each wake-up 1 ms late).
    expect(starts).toEqual([0, 0])
    await clock.advance(intervalMs)
    expect(starts).toEqual([0, 0])
    await clock.advance(1)
    expect(starts).toEqual([0, 0, 301, 301])
    await clock.advance(intervalMs + 1)
    await all
    expect(starts).toEqual([0, 0, 301, 301, 602, 602])
    expect(maxInWindow(starts, intervalMs)).toBeLessThanOrEqual(2)
    expect(scheduler.stats.tokensUsed).toBe(240)
  })

  it('frees the window when a task used fewer tokens than estimated', async () => {
    // Time never moves here: if corrections were ignored, tasks 2 and 3 would wait 10 s for the window.
    const clock = createManualClock(0)
    const scheduler = createScheduler({ concurrency: 1, tokensPerInterval: 100, intervalMs: 10_000, clock })
    const order: number[] = []
    const task = (id: number): ScheduledTask<number> => ({
      estimatedTokens: 60,
      run: async () => {
        order.push(id)
        return { value: id, usedTokens: 10 }
      },
    })
    let outcome: number[] | undefined
    void Promise.all([1, 2, 3].map((id) => scheduler.schedule(task(id)))).then((values) => (outcome = values))
    for (let turn = 0; turn < 20 && !outcome; turn++) await settle()
    expect(outcome).toEqual([1, 2, 3])
    expect(order).toEqual([1, 2, 3])
    expect(clock.now()).toBe(0)
  })

  it('holds tasks back while the window is full', async () => {
    const clock = createManualClock(0)
    const scheduler = createScheduler({ concurrency: 5, tokensPerInterval: 100, intervalMs: 10_000, clock })
    let started = 0
    const task = (): ScheduledTask<void> => ({
      estimatedTokens: 60,
      run: async () => {
        started++
        return { value: undefined, usedTokens: 60 }
      },
    })
    const first = scheduler.schedule(task())
    const second = scheduler.schedule(task())
    await first
    await clock.advance(9_999)
    expect(started).toBe(1)
    scheduler.stop()
    expect(isL10nError(await rejection(second), 'E_INTERRUPTED')).toBe(true)
  })

  it('runs a task larger than the whole budget alone instead of deadlocking', async () => {
    const clock = createManualClock(0)
    const scheduler = createScheduler({ concurrency: 2, tokensPerInterval: 100, intervalMs: 200, clock })
    const done: string[] = []
    const big: ScheduledTask<string> = { estimatedTokens: 500, run: async () => (done.push('big'), { value: 'big', usedTokens: 480 }) }
    const small: ScheduledTask<string> = { estimatedTokens: 10, run: async () => (done.push('small'), { value: 'small', usedTokens: 10 }) }
    const both = Promise.all([scheduler.schedule(big), scheduler.schedule(small)])
    await settle()
    // The big one ran in the empty window; the small one waits until it has left the window.
    expect(done).toEqual(['big'])
    await clock.advance(201)
    expect(await both).toEqual(['big', 'small'])
  })

  describe('windows as the server sees them', () => {
    /**
     * Tasks that reach the fake server `delays[i]` ms (on the manual clock) after the
     * scheduler lets them start, as a busy event loop delays real requests. Returns the
     * clock times the server saw each request arrive, with the tokens each counted.
     */
    async function arrivalsOf(scheduler: Scheduler, clock: ManualClock, delays: number[], tokens = 10): Promise<Array<{ at: number; tokens: number }>> {
      const arrivals: Array<{ at: number; tokens: number }> = []
      server.setHandler((body) => {
        arrivals.push({ at: clock.now(), tokens })
        return { content: String(body.messages?.at(-1)?.content ?? ''), usage: { prompt_tokens: tokens, completion_tokens: 0 } }
      })
      let done = false
      const all = Promise.all(
        delays.map((delay, i) =>
          scheduler.schedule({
            estimatedTokens: tokens,
            run: async (signal) => {
              await sleep(delay, signal, clock)
              const result = await llm.complete({ messages: [{ role: 'user', content: `late ${i}` }], signal })
              return { value: result.text, usedTokens: result.usage.promptTokens + result.usage.completionTokens }
            },
          }),
        ),
      ).finally(() => (done = true))
      // Time moves only while nothing is on the wire: every request that arrived has finished.
      for (;;) {
        await waitFor(() => done || (server.requests.length === scheduler.stats.finished && clock.pending().length > 0), 'the run to wait on the clock')
        if (done) break
        await clock.next()
      }
      await all
      return arrivals.sort((a, b) => a.at - b.at)
    }

    /** Most tokens the server saw arrive in any window of `windowMs`. */
    function maxTokensInWindow(arrivals: Array<{ at: number; tokens: number }>, windowMs: number): number {
      let most = 0
      for (const first of arrivals) {
        most = Math.max(most, arrivals.filter((other) => other.at >= first.at && other.at - first.at < windowMs).reduce((sum, other) => sum + other.tokens, 0))
      }
      return most
    }

    it('holds the request limit at the server when requests reach the wire late', async () => {
      const clock = createManualClock(0)
      const scheduler = createScheduler({ concurrency: 10, requestsPerInterval: 2, intervalMs: 300, clock })
      // The first request reaches the server 100 ms after its start. Stamped at the start,
      // both places would free at 300 and two more would arrive within 300 ms of it.
      const arrivals = await arrivalsOf(scheduler, clock, [100, 0, 0, 0])
      expect(arrivals.map((arrival) => arrival.at)).toEqual([0, 100, 300, 400])
      expect(maxInWindow(arrivals.map((arrival) => arrival.at), 300)).toBe(2)
    })

    it('holds the token limit at the server when requests reach the wire late', async () => {
      const clock = createManualClock(0)
      const scheduler = createScheduler({ concurrency: 10, tokensPerInterval: 100, intervalMs: 300, clock })
      const arrivals = await arrivalsOf(scheduler, clock, [100, 0, 0, 0], 50)
      expect(arrivals).toHaveLength(4)
      expect(maxTokensInWindow(arrivals, 300)).toBe(100)
    })

    it('counts a retry as a request of its own', async () => {
      const clock = createManualClock(0)
      const scheduler = createScheduler({ concurrency: 10, requestsPerInterval: 2, intervalMs: 300, clock })
      const starts: number[] = []
      const task = (retries: number): ScheduledTask<void> => ({
        estimatedTokens: 1,
        run: async (_signal, control) => {
          starts.push(clock.now())
          for (let i = 0; i < retries; i++) control.retried()
          return { value: undefined, usedTokens: 1 }
        },
      })
      await scheduler.schedule(task(1))
      const all = Promise.all([task(0), task(0)].map((next) => scheduler.schedule(next)))
      await settle()
      // The first task sent two requests: the window is full until they are 300 ms old.
      expect(starts).toEqual([0])
      await clock.advance(299)
      expect(starts).toEqual([0])
      await clock.advance(1)
      await all
      expect(starts).toEqual([0, 300, 300])
    })
  })

  it('stop() aborts running requests and rejects waiting ones', async () => {
    server.setHandler(() => ({ hang: true }))
    const scheduler = createScheduler({ concurrency: 2 })
    const tasks = Array.from({ length: 5 }, (_, i) => scheduler.schedule(call(`h${i}`)))
    await waitFor(() => server.inFlight === 2, 'two requests in flight')
    scheduler.stop()
    const errors = await Promise.all(tasks.map(rejection))
    for (const error of errors) expect(isL10nError(error, 'E_INTERRUPTED')).toBe(true)
    await scheduler.onIdle()
    // The two hanging requests were really cancelled, and the three waiting ones never sent.
    await waitFor(() => server.inFlight === 0, 'no request in flight')
    expect(server.requests).toHaveLength(2)
    await waitFor(() => scheduler.stats.failed === 2, 'two failed tasks')
    expect(scheduler.stats).toMatchObject({ started: 2, finished: 0 })
    expect(scheduler.stopped).toBe(true)
    expect(isL10nError(await rejection(scheduler.schedule(call('late'))), 'E_INTERRUPTED')).toBe(true)
  })

  it('stops when the outer signal aborts', async () => {
    server.setHandler(() => ({ hang: true }))
    const controller = new AbortController()
    const scheduler = createScheduler({ concurrency: 1, signal: controller.signal })
    const running = scheduler.schedule(call('a'))
    const waiting = scheduler.schedule(call('b'))
    await waitFor(() => server.inFlight === 1, 'one request in flight')
    controller.abort()
    expect(isL10nError(await rejection(running), 'E_INTERRUPTED')).toBe(true)
    expect(isL10nError(await rejection(waiting), 'E_INTERRUPTED')).toBe(true)
    await waitFor(() => server.inFlight === 0, 'no request in flight')
  })

  it('onIdle() waits for tasks still waiting for tokens', async () => {
    const clock = createManualClock(0)
    const scheduler = createScheduler({ concurrency: 4, tokensPerInterval: 50, intervalMs: 150, clock })
    const done: number[] = []
    for (const id of [1, 2, 3]) {
      void scheduler.schedule({ estimatedTokens: 40, run: async () => (done.push(id), { value: id, usedTokens: 40 }) })
    }
    let idle = false
    const whenIdle = scheduler.onIdle().then(() => (idle = true))
    await settle()
    expect([done, idle]).toEqual([[1], false])
    await clock.advance(151)
    expect([done, idle]).toEqual([[1, 2], false])
    await clock.advance(151)
    await whenIdle
    expect(done).toEqual([1, 2, 3])
  })

  it('counts failures and passes errors through', async () => {
    const scheduler = createScheduler({ concurrency: 1 })
    const boom = new Error('boom')
    const error = await rejection(scheduler.schedule({ estimatedTokens: 1, run: async () => Promise.reject(boom) }))
    expect(error).toBe(boom)
    expect(scheduler.stats).toMatchObject({ started: 1, finished: 0, failed: 1 })
  })
})
