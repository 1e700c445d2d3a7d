import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isL10nError } from '../pipeline/shared/errors.ts'
import {
  backoffDelay,
  createOpenAiClient,
  parseRetryAfter,
  ProviderError,
  resolveLlmOptions,
  type ClientDeps,
  type LlmOptions,
} from '../pipeline/translate/llm.ts'
import { createManualClock, settle } from './helpers/clock.ts'
import { sequence, startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai.ts'
import { waitFor } from './helpers/wait.ts'

let server: FakeOpenAi

beforeAll(async () => {
  server = await startFakeOpenAi()
})
afterAll(async () => {
  await server.close()
})
afterEach(() => {
  server.reset()
})

/** Recorded sleeps; resolves at once so backoff never slows the tests. */
function fastSleep(): { sleeps: number[]; deps: ClientDeps } {
  const sleeps: number[] = []
  return { sleeps, deps: { sleep: async (ms) => void sleeps.push(ms), random: () => 0 } }
}

function client(overrides: Partial<LlmOptions> = {}, deps: ClientDeps = fastSleep().deps) {
  const options = resolveLlmOptions({ baseURL: server.baseURL, timeoutMs: 5_000, ...overrides }, {})
  return createOpenAiClient(options, deps)
}

const hello = [{ role: 'user' as const, content: 'Hallo Welt' }]

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(ProviderError)
  return error as ProviderError
}

describe('resolveLlmOptions', () => {
  it('uses documented defaults', () => {
    expect(resolveLlmOptions({}, {})).toEqual({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      maxOutputTokens: 4096,
      timeoutMs: 120_000,
      maxRetries: 3,
      maxRetryAfterMs: 60_000,
      baseURL: undefined,
      apiKey: undefined,
    })
  })

  it('reads the environment, flags win, empty values count as unset', () => {
    const env = {
      L10N_MODEL: 'llama3',
      L10N_TEMPERATURE: '0',
      L10N_MAX_OUTPUT_TOKENS: '1000',
      L10N_TIMEOUT_MS: '',
      L10N_MAX_RETRIES: '0',
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      OPENAI_API_KEY: '',
    }
    const options = resolveLlmOptions({ model: 'qwen', maxRetries: 5 }, env)
    expect(options).toMatchObject({
      model: 'qwen',
      temperature: 0,
      maxOutputTokens: 1000,
      timeoutMs: 120_000,
      maxRetries: 5,
      baseURL: 'http://localhost:11434/v1',
      apiKey: 'sk-no-key',
    })
  })

  it('names the variable and the bad value', () => {
    expect(() => resolveLlmOptions({}, { L10N_TIMEOUT_MS: '2 minutes' })).toThrow(/L10N_TIMEOUT_MS.*"2 minutes"/)
    expect(() => resolveLlmOptions({}, { L10N_TEMPERATURE: '3' })).toThrow(/L10N_TEMPERATURE.*0 to 2.*"3"/)
    expect(() => resolveLlmOptions({ maxRetries: -1 }, {})).toThrow(/maxRetries.*"-1"/)
    try {
      resolveLlmOptions({}, { L10N_MAX_RETRIES: '1.5' })
    } catch (error) {
      expect(isL10nError(error, 'E_CONFIG')).toBe(true)
    }
  })

  it('refuses to build a client without any key or endpoint', () => {
    expect(() => createOpenAiClient(resolveLlmOptions({}, {}))).toThrow(/OPENAI_API_KEY/)
  })
})

describe('retry helpers', () => {
  it('backs off exponentially with at most 25% jitter, capped', () => {
    expect(backoffDelay(1, () => 0)).toBe(500)
    expect(backoffDelay(2, () => 0)).toBe(1000)
    expect(backoffDelay(3, () => 0.999)).toBeGreaterThanOrEqual(1500)
    expect(backoffDelay(20, () => 0)).toBe(8000)
  })

  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250)
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2000)
    const now = Date.parse('2025-01-01T00:00:00Z')
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30_000)
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})

describe('createOpenAiClient against the fake server', () => {
  it('returns the answer, finish reason, usage and model', async () => {
    server.setHandler(() => ({ content: 'Hello world', usage: { prompt_tokens: 12, completion_tokens: 3 } }))
    const result = await client({ model: 'test-model', temperature: 0.1, maxOutputTokens: 77 }).complete({ messages: hello })
    expect(result).toEqual({
      text: 'Hello world',
      finishReason: 'stop',
      usage: { promptTokens: 12, completionTokens: 3 },
      model: 'test-model',
      attempts: 1,
    })
    const [request] = server.requests
    expect(request?.body).toMatchObject({ model: 'test-model', temperature: 0.1, max_tokens: 77, messages: hello })
    expect(request?.headers.authorization).toBe('Bearer sk-no-key')
  })

  it('lets a call override maxOutputTokens', async () => {
    await client().complete({ messages: hello, maxOutputTokens: 9 })
    expect(server.requests[0]?.body?.max_tokens).toBe(9)
  })

  it('retries a 429 after the retry-after the server asked for', async () => {
    server.setHandler(sequence({ status: 429, retryAfter: 1 }, { content: 'ok' }))
    const { sleeps, deps } = fastSleep()
    const result = await client({}, deps).complete({ messages: hello })
    expect(result.text).toBe('ok')
    expect(result.attempts).toBe(2)
    expect(sleeps).toEqual([1000])
    expect(server.requests).toHaveLength(2)
  })

  it('honours retry-after-ms', async () => {
    server.setHandler(sequence({ status: 429, headers: { 'retry-after-ms': '40' } }, { content: 'ok' }))
    const { sleeps, deps } = fastSleep()
    await client({}, deps).complete({ messages: hello })
    expect(sleeps).toEqual([40])
  })

  it('fails fast when retry-after is longer than maxRetryAfterMs', async () => {
    server.setHandler(() => ({ status: 429, retryAfter: 3600 }))
    const { sleeps, deps } = fastSleep()
    const error = await failure(client({}, deps).complete({ messages: hello }))
    expect(error.kind).toBe('rate-limited')
    expect(error.status).toBe(429)
    expect(error.retryAfterMs).toBe(3_600_000)
    expect(error.code).toBe('E_PROVIDER')
    expect(error.message).toMatch(/3600 s/)
    expect(sleeps).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('retries a 500 and then succeeds, with backoff', async () => {
    server.setHandler(sequence({ status: 500 }, { status: 503 }, { content: 'finally' }))
    const { sleeps, deps } = fastSleep()
    const result = await client({}, deps).complete({ messages: hello })
    expect(result).toMatchObject({ text: 'finally', attempts: 3 })
    expect(sleeps).toEqual([500, 1000])
  })

  it('gives up after maxRetries + 1 attempts of 500', async () => {
    server.setHandler(() => ({ status: 500 }))
    const retries: number[] = []
    const { deps } = fastSleep()
    const error = await failure(
      client({ maxRetries: 2 }, { ...deps, onRetry: (info) => retries.push(info.attempt) }).complete({ messages: hello }),
    )
    expect(error).toMatchObject({ kind: 'server', status: 500, attempts: 3 })
    expect(server.requests).toHaveLength(3)
    expect(retries).toEqual([1, 2])
  })

  it('does not retry 401, 400 or 404', async () => {
    for (const [status, kind] of [
      [401, 'auth'],
      [400, 'bad-request'],
      [404, 'bad-request'],
    ] as const) {
      server.reset()
      server.setHandler(() => ({ status }))
      const error = await failure(client().complete({ messages: hello }))
      expect(error).toMatchObject({ kind, status, attempts: 1 })
      expect(server.requests).toHaveLength(1)
    }
  })

  it('ends a hanging request at timeoutMs without retrying it', async () => {
    server.setHandler(() => ({ hang: true }))
    const clock = createManualClock()
    let outcome: ProviderError | undefined
    void failure(client({ timeoutMs: 200 }, { ...fastSleep().deps, clock }).complete({ messages: hello })).then((error) => (outcome = error))
    await waitFor(() => server.requests.length === 1, 'the request')
    expect(clock.pending()).toEqual([{ at: clock.now() + 200, ms: 200 }])
    await clock.advance(199)
    expect(outcome).toBeUndefined()
    await clock.advance(1)
    await waitFor(() => outcome !== undefined, 'the timeout')
    expect(outcome!.kind).toBe('timeout')
    expect(outcome!.attempts).toBe(1)
    expect(clock.pending()).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('cancels the attempt timer once the answer is in', async () => {
    const clock = createManualClock()
    expect((await client({}, { ...fastSleep().deps, clock }).complete({ messages: hello })).text).toBe('Hallo Welt')
    expect(clock.delays).toEqual([5_000])
    expect(clock.pending()).toEqual([])
  })

  it('ends a hang on the real clock too (no clock injected)', async () => {
    server.setHandler(() => ({ hang: true }))
    const error = await failure(client({ timeoutMs: 200 }).complete({ messages: hello }))
    expect(error).toMatchObject({ kind: 'timeout', attempts: 1 })
  })

  it('ends at timeoutMs when the headers arrive but the body stalls', async () => {
    // The SDK's own timeout stops once headers arrive; the per-attempt signal covers the body.
    server.setHandler(() => ({ stallBody: true }))
    const error = await failure(client({ timeoutMs: 200 }).complete({ messages: hello }))
    expect(error.kind).toBe('timeout')
  })

  it('aborts a hanging request when the caller aborts', async () => {
    server.setHandler(() => ({ hang: true }))
    const controller = new AbortController()
    // The attempt's timeout is on a clock that never moves: only the abort can end the call.
    const pending = client({ timeoutMs: 20_000 }, { ...fastSleep().deps, clock: createManualClock() }).complete({ messages: hello, signal: controller.signal })
    await waitFor(() => server.requests.length === 1, 'the request')
    controller.abort()
    const error = await failure(pending)
    expect(error.kind).toBe('aborted')
    // The aborted request must also be gone on the server side.
    await waitFor(() => server.inFlight === 0, 'the server to see the abort')
  })

  it('aborts during a backoff wait, with the built-in sleep', async () => {
    server.setHandler(() => ({ status: 503, retryAfter: 30 }))
    const controller = new AbortController()
    // No sleep injected: the client's own sleep waits on a clock that never moves.
    const clock = createManualClock()
    const pending = client({ timeoutMs: 20_000 }, { clock }).complete({ messages: hello, signal: controller.signal })
    await waitFor(() => clock.pending().some((timer) => timer.ms === 30_000), 'the 30 s wait')
    controller.abort()
    const error = await failure(pending)
    expect(error.kind).toBe('aborted')
    expect(server.requests).toHaveLength(1)
    await settle()
    expect(clock.pending()).toEqual([])
  })

  it('aborts during a backoff wait even when the injected sleep ignores the signal', async () => {
    server.setHandler(() => ({ status: 500 }))
    const controller = new AbortController()
    const deps: ClientDeps = { sleep: () => new Promise(() => {}) }
    const pending = client({}, deps).complete({ messages: hello, signal: controller.signal })
    await waitFor(() => server.requests.length === 1, 'the request')
    controller.abort()
    expect((await failure(pending)).kind).toBe('aborted')
  })

  it('does not send anything when the signal is already aborted', async () => {
    const error = await failure(client().complete({ messages: hello, signal: AbortSignal.abort() }))
    expect(error).toMatchObject({ kind: 'aborted', attempts: 0 })
    expect(server.requests).toHaveLength(0)
  })

  it('retries a body cut off mid-way', async () => {
    server.setHandler(sequence({ truncateBody: true }, { content: 'whole' }))
    const result = await client().complete({ messages: hello })
    expect(result).toMatchObject({ text: 'whole', attempts: 2 })
  })

  it('reports network failure after retries when the body is always cut off', async () => {
    server.setHandler(() => ({ truncateBody: true }))
    const error = await failure(client({ maxRetries: 1 }).complete({ messages: hello }))
    expect(error).toMatchObject({ kind: 'network', attempts: 2 })
  })

  it('returns finish_reason length as a result, not an error', async () => {
    server.setHandler(() => ({ content: 'Half a transl', finishReason: 'length' }))
    const result = await client().complete({ messages: hello })
    expect(result).toMatchObject({ text: 'Half a transl', finishReason: 'length' })
  })

  it('treats an answer without choices as a bad response, without retrying', async () => {
    server.setHandler(() => ({ json: { id: 'x', object: 'chat.completion', model: 'm', choices: [] } }))
    const error = await failure(client().complete({ messages: hello }))
    expect(error).toMatchObject({ kind: 'bad-response', attempts: 1 })
    expect(error.message).toMatch(/no choices/)
  })

  it('reports a refused connection as a network error after retries', async () => {
    const gone = await startFakeOpenAi()
    const baseURL = gone.baseURL
    await gone.close()
    const options = resolveLlmOptions({ baseURL, maxRetries: 1, timeoutMs: 5_000 }, {})
    const error = await failure(createOpenAiClient(options, fastSleep().deps).complete({ messages: hello }))
    expect(error).toMatchObject({ kind: 'network', attempts: 2 })
  })
})
