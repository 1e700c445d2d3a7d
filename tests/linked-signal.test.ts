import { getEventListeners } from 'node:events'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { linkedSignal } from '../pipeline/shared/signals.ts'
import { createOpenAiClient, resolveLlmOptions } from '../pipeline/translate/llm.ts'
import { startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai.ts'

/** V8's full collection, from a fresh context after --expose-gc (as pipeline/run/heap.ts takes it). */
function fullCollection(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

/**
 * How many of `refs` still point to something after full collections in later turns (a
 * WeakRef holds its target until the turn ends). V8 may keep the very last object of a
 * loop alive a while longer (an inline cache), hence "at most one or two" in the tests.
 */
async function survivors(refs: readonly WeakRef<object>[]): Promise<number> {
  const gc = fullCollection()
  let alive = refs.length
  for (let round = 0; round < 5 && alive > 1; round++) {
    await new Promise((resolve) => setImmediate(resolve))
    gc()
    alive = refs.filter((ref) => ref.deref() !== undefined).length
  }
  return alive
}

describe('linkedSignal: one signal following several for one request (issue 15: memory bounded by the work in flight)', () => {
  it("aborts with the first source's reason, at once when a source has aborted already; undefined sources are skipped", () => {
    const first = new AbortController()
    const second = new AbortController()
    const linked = linkedSignal([first.signal, undefined, second.signal])
    expect(linked.signal.aborted).toBe(false)
    second.abort('second')
    expect(linked.signal.aborted).toBe(true)
    expect(linked.signal.reason).toBe('second')
    first.abort('first')
    expect(linked.signal.reason).toBe('second')

    const done = new AbortController()
    done.abort('gone')
    const late = linkedSignal([new AbortController().signal, done.signal])
    expect(late.signal.aborted).toBe(true)
    expect(late.signal.reason).toBe('gone')
  })

  it('release leaves no listener on the sources, and a released signal no longer follows them', () => {
    const run = new AbortController()
    const links = Array.from({ length: 5 }, () => linkedSignal([run.signal]))
    for (const link of links) link.release()
    links[0]!.release()
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0)
    run.abort('stop')
    expect(links.every((link) => !link.signal.aborted)).toBe(true)
  })

  it("a source followed by many requests at once holds one listener (no MaxListenersExceededWarning), and aborts every follower still held", () => {
    const run = new AbortController()
    const links = Array.from({ length: 40 }, () => linkedSignal([run.signal, new AbortController().signal]))
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1)
    for (const link of links.slice(0, 20)) link.release()
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1)
    run.abort('stop')
    expect(links.slice(0, 20).some((link) => link.signal.aborted)).toBe(false)
    expect(links.slice(20).every((link) => link.signal.aborted && link.signal.reason === 'stop')).toBe(true)
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0)
    // A new run signal, followed after the first aborted, works the same.
    const next = new AbortController()
    const late = linkedSignal([next.signal])
    expect(getEventListeners(next.signal, 'abort')).toHaveLength(1)
    late.release()
    expect(getEventListeners(next.signal, 'abort')).toHaveLength(0)
  })

  it('a released signal is freed although a listener stays on it, as the openai package leaves one on every request', async () => {
    const run = new AbortController()
    const refs: WeakRef<object>[] = []
    for (let request = 0; request < 40; request++) {
      const link = linkedSignal([run.signal, new AbortController().signal])
      // What the SDK does with the signal of each request: a listener it never removes.
      link.signal.addEventListener('abort', () => {}, { once: true })
      refs.push(new WeakRef(link.signal))
      link.release()
    }
    // With AbortSignal.any([run, request]) in its place, all 40 stay.
    expect(await survivors(refs)).toBeLessThanOrEqual(2)
    expect(run.signal.aborted).toBe(false)
  })
})

describe('the LLM client holds nothing of a request once it is answered (issue 15)', () => {
  let server: FakeOpenAi
  beforeAll(async () => {
    server = await startFakeOpenAi()
  })
  afterAll(() => server.close())

  it("every signal that got an abort listener during the requests is freed afterwards, with the run's signal still live", async () => {
    const client = createOpenAiClient(resolveLlmOptions({ baseURL: server.baseURL, timeoutMs: 5_000 }, { OPENAI_API_KEY: 'sk-test' }))
    const run = new AbortController()
    const refs: WeakRef<object>[] = []
    const spy = vi.spyOn(EventTarget.prototype, 'addEventListener')
    try {
      for (let request = 0; request < 12; request++) {
        const answer = await client.complete({ messages: [{ role: 'user', content: `hello ${request}` }], signal: run.signal })
        expect(answer.text).toBe(`hello ${request}`)
      }
      for (const call of spy.mock.calls) {
        const target = spy.mock.contexts[spy.mock.calls.indexOf(call)]
        if (call[0] === 'abort' && target instanceof AbortSignal && target !== run.signal) refs.push(new WeakRef(target))
      }
    } finally {
      spy.mockRestore()
    }
    expect(refs.length).toBeGreaterThanOrEqual(12)
    // With AbortSignal.any as each attempt's signal, every request's stayed (Node keeps it for the SDK's listener).
    expect(await survivors(refs)).toBeLessThanOrEqual(2)
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0)
  })

  it('sixteen requests in flight on one run signal raise no MaxListenersExceededWarning', async () => {
    const client = createOpenAiClient(resolveLlmOptions({ baseURL: server.baseURL, timeoutMs: 5_000 }, { OPENAI_API_KEY: 'sk-test' }))
    const run = new AbortController()
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    try {
      const answers = await Promise.all(Array.from({ length: 16 }, (_, request) => client.complete({ messages: [{ role: 'user', content: `hi ${request}` }], signal: run.signal })))
      expect(answers.map((answer) => answer.text)).toEqual(Array.from({ length: 16 }, (_, request) => `hi ${request}`))
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((name) => name === 'MaxListenersExceededWarning')).toEqual([])
  })
})
