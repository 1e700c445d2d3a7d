import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isL10nError } from '../pipeline/shared/errors.ts'
import { createOpenAiClient, resolveLlmOptions, type ChatClient } from '../pipeline/translate/llm.ts'
import { createScheduler, type ScheduledTask } from '../pipeline/translate/queue.ts'
import { startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai.ts'

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
    const scheduler = createScheduler({ concurrency: 10, requestsPerInterval: 2, intervalMs })
    await Promise.all(Array.from({ length: 6 }, (_, i) => scheduler.schedule(call(`r${i}`))))
    const times = server.requests.map((request) => request.time)
    expect(times).toHaveLength(6)
    // The server sees each start a little after the scheduler; allow it some slack.
    expect(maxInWindow(times, intervalMs - 60)).toBeLessThanOrEqual(2)
    expect(scheduler.stats.started).toBe(6)
  })

  it('keeps estimated tokens within `tokensPerInterval` in any interval', async () => {
    const intervalMs = 300
    const starts: number[] = []
    const scheduler = createScheduler({ concurrency: 10, tokensPerInterval: 100, intervalMs })
    const task = (): ScheduledTask<void> => ({
      estimatedTokens: 40,
      run: async () => {
        starts.push(performance.now())
        await new Promise((resolve) => setTimeout(resolve, 10))
        return { value: undefined, usedTokens: 40 }
      },
    })
    await Promise.all(Array.from({ length: 6 }, () => scheduler.schedule(task())))
    expect(starts).toHaveLength(6)
    // 40 + 40 fit in 100, a third does not: at most two starts per window.
    expect(maxInWindow(starts, intervalMs - 20)).toBeLessThanOrEqual(2)
    expect(scheduler.stats.tokensUsed).toBe(240)
  })

  it('frees the window when a task used fewer tokens than estimated', async () => {
    // A 10 s window would stall the test if corrections were ignored.
    const scheduler = createScheduler({ concurrency: 1, tokensPerInterval: 100, intervalMs: 10_000 })
    const order: number[] = []
    const task = (id: number): ScheduledTask<number> => ({
      estimatedTokens: 60,
      run: async () => {
        order.push(id)
        return { value: id, usedTokens: 10 }
      },
    })
    const all = Promise.all([1, 2, 3].map((id) => scheduler.schedule(task(id))))
    const outcome = await Promise.race([all, new Promise((resolve) => setTimeout(() => resolve('stalled'), 3_000))])
    expect(outcome).toEqual([1, 2, 3])
    expect(order).toEqual([1, 2, 3])
  })

  it('holds tasks back while the window is full', async () => {
    const scheduler = createScheduler({ concurrency: 5, tokensPerInterval: 100, intervalMs: 10_000 })
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
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(started).toBe(1)
    scheduler.stop()
    expect(isL10nError(await rejection(second), 'E_INTERRUPTED')).toBe(true)
  })

  it('runs a task larger than the whole budget alone instead of deadlocking', async () => {
    const scheduler = createScheduler({ concurrency: 2, tokensPerInterval: 100, intervalMs: 200 })
    const big: ScheduledTask<string> = { estimatedTokens: 500, run: async () => ({ value: 'big', usedTokens: 480 }) }
    const small: ScheduledTask<string> = { estimatedTokens: 10, run: async () => ({ value: 'small', usedTokens: 10 }) }
    expect(await Promise.all([scheduler.schedule(big), scheduler.schedule(small)])).toEqual(['big', 'small'])
  })

  it('stop() aborts running requests and rejects waiting ones', async () => {
    server.setHandler(() => ({ hang: true }))
    const scheduler = createScheduler({ concurrency: 2 })
    const tasks = Array.from({ length: 5 }, (_, i) => scheduler.schedule(call(`h${i}`)))
    await waitFor(() => server.inFlight === 2)
    scheduler.stop()
    const errors = await Promise.all(tasks.map(rejection))
    for (const error of errors) expect(isL10nError(error, 'E_INTERRUPTED')).toBe(true)
    await scheduler.onIdle()
    // The two hanging requests were really cancelled, and the three waiting ones never sent.
    await waitFor(() => server.inFlight === 0)
    expect(server.requests).toHaveLength(2)
    await waitFor(() => scheduler.stats.failed === 2)
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
    await waitFor(() => server.inFlight === 1)
    controller.abort()
    expect(isL10nError(await rejection(running), 'E_INTERRUPTED')).toBe(true)
    expect(isL10nError(await rejection(waiting), 'E_INTERRUPTED')).toBe(true)
    await waitFor(() => server.inFlight === 0)
  })

  it('onIdle() waits for tasks still waiting for tokens', async () => {
    const scheduler = createScheduler({ concurrency: 4, tokensPerInterval: 50, intervalMs: 150 })
    const done: number[] = []
    for (const id of [1, 2, 3]) {
      void scheduler.schedule({ estimatedTokens: 40, run: async () => (done.push(id), { value: id, usedTokens: 40 }) })
    }
    await scheduler.onIdle()
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

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
