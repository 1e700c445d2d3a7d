/**
 * A local stand-in for an OpenAI-compatible server, so the real `openai` client can be
 * tested against every fault we care about (rate limits, 5xx, hangs, cut-off bodies)
 * without a network or an API key. One reply shape per fault.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { createFakeBatchApi, type FakeBatchApi } from './fake-batch.ts'

/** The parts of a chat completion request the fake looks at; the rest is kept as sent. */
export interface ChatRequestBody {
  model?: string
  messages?: Array<{ role: string; content: unknown }>
  [key: string]: unknown
}

/** A normal answer: a `chat.completion` whose only choice says `content`. */
export interface ContentReply {
  content: string
  /** @default 'stop' */
  finishReason?: string
  /** Reported usage; missing counts are estimated as characters / 4. */
  usage?: { prompt_tokens?: number; completion_tokens?: number }
  /** Wait this long before answering; overrides the server's `latencyMs`. */
  delayMs?: number
}

/** An HTTP error answer. */
export interface StatusReply {
  status: number
  /** Sent as the `retry-after` header (seconds, or an HTTP date). */
  retryAfter?: string | number
  /** Extra response headers, e.g. `retry-after-ms`. */
  headers?: Record<string, string>
  /** JSON body; defaults to an OpenAI-style `{ error: { message, type } }`. */
  body?: unknown
  delayMs?: number
}

/** A 200 answer with exactly this JSON body, for malformed-completion cases. */
export interface JsonReply {
  json: unknown
  delayMs?: number
}

/** Never answer; the request ends only when the client gives up or the server closes. */
export interface HangReply {
  hang: true
}

/** Send the headers and half of a JSON body, then cut the connection. */
export interface TruncateReply {
  truncateBody: true
}

/** Send the headers and half of a JSON body, then keep the connection open without a word more. */
export interface StallReply {
  stallBody: true
}

/** What the fake server does with one request. */
export type Reply = ContentReply | StatusReply | JsonReply | HangReply | TruncateReply | StallReply

/** Decides the reply to a request; `index` counts requests since start or `reset()`, from 0. */
export type Handler = (body: ChatRequestBody, index: number) => Reply | Promise<Reply>

/** One request as the server saw it. */
export interface RecordedRequest {
  index: number
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** Parsed JSON body (undefined when it was not JSON). */
  body: ChatRequestBody | undefined
  /** `performance.now()` when the request arrived; compare with other requests only. */
  time: number
}

/** Options of {@link startFakeOpenAi}. */
export interface FakeOpenAiOptions {
  /** @default echo the last user message */
  handler?: Handler
  /** Delay before every reply that does not set its own `delayMs`. @default 0 */
  latencyMs?: number
}

/** A running fake server. */
export interface FakeOpenAi {
  /** Base URL for the client, e.g. `http://127.0.0.1:PORT/v1`. */
  baseURL: string
  requests: RecordedRequest[]
  /** Requests received whose response has not ended yet. */
  readonly inFlight: number
  /** Highest `inFlight` seen since start or `reset()`. */
  readonly maxInFlight: number
  setHandler(handler: Handler): void
  /** The Files and Batches endpoints (see fake-batch.ts): their batches, files and switches. */
  batch: FakeBatchApi
  /** Forgets recorded requests and counters, and restores the handler given at start. */
  reset(): void
  /** Stops the server, destroying open (hanging) connections first. */
  close(): Promise<void>
}

/** The default handler: answers with the content of the last user message. */
export const echo: Handler = (body) => {
  const users = (body.messages ?? []).filter((message) => message.role === 'user')
  const last = users[users.length - 1]
  return { content: typeof last?.content === 'string' ? last.content : '' }
}

/** A handler that returns `replies` in order, repeating the last one forever. */
export function sequence(...replies: Reply[]): Handler {
  if (replies.length === 0) throw new TypeError('Expected at least one reply, got none')
  let next = 0
  return () => {
    const reply = replies[Math.min(next, replies.length - 1)] as Reply
    next++
    return reply
  }
}

/** Starts a fake OpenAI-compatible server on 127.0.0.1 and a free port. */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const initialHandler = options.handler ?? echo
  const latencyMs = options.latencyMs ?? 0
  let handler = initialHandler
  let index = 0
  let inFlight = 0
  let maxInFlight = 0
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const batchRoutes = createFakeBatchApi({ handler: () => handler, nextIndex: () => index++, send: (res, status, body) => sendJson(res, status, body), completion })

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve()
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  const server = createServer((req, res) => {
    const time = performance.now()
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    let ended = false
    // 'close' fires both after a normal finish and when the client aborts, exactly once.
    res.on('close', () => {
      if (ended) return
      ended = true
      inFlight--
    })
    void respond(req, res, time).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: { message: String(error), type: 'fake' } })
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function respond(req: IncomingMessage, res: ServerResponse, time: number): Promise<void> {
    const raw = await readBody(req)
    let body: ChatRequestBody | undefined
    try {
      body = JSON.parse(raw) as ChatRequestBody
    } catch {
      body = undefined
    }
    const callIndex = index++
    requests.push({ index: callIndex, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, time })

    if (await batchRoutes.handle(req, res, Buffer.from(raw, 'utf8'))) return
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } })
    }
    if (!body) return sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } })

    const reply = await handler(body, callIndex)
    if ('hang' in reply) return
    if ('truncateBody' in reply || 'stallBody' in reply) {
      const full = JSON.stringify(completion(body, { content: 'this answer is cut off in the middle' }))
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(full) })
      const half = full.slice(0, Math.floor(full.length / 2))
      if ('truncateBody' in reply) res.write(half, () => res.destroy())
      else res.write(half)
      return
    }
    await wait(reply.delayMs ?? latencyMs)
    if (res.destroyed) return
    if ('status' in reply) {
      const headers: Record<string, string> = { ...reply.headers }
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter)
      const errorBody = reply.body ?? { error: { message: `fake error ${reply.status}`, type: 'fake_error', code: null } }
      return sendJson(res, reply.status, errorBody, headers)
    }
    if ('json' in reply) return sendJson(res, 200, reply.json)
    return sendJson(res, 200, completion(body, reply))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    setHandler(next) {
      handler = next
    },
    batch: batchRoutes.api,
    reset() {
      requests.length = 0
      index = 0
      maxInFlight = inFlight
      handler = initialHandler
      batchRoutes.api.reset()
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      // Hanging requests keep their sockets open forever; server.close() alone would wait for them.
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4))
}

function completion(body: ChatRequestBody, reply: ContentReply): Record<string, unknown> {
  const promptText = (body.messages ?? []).map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n')
  const promptTokens = reply.usage?.prompt_tokens ?? estimateTokens(promptText)
  const completionTokens = reply.usage?.completion_tokens ?? estimateTokens(reply.content)
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2, 10)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'fake-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, refusal: null },
        logprobs: null,
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  }
}

// ── Fault switches: wrap a handler (usually the reference translator) ────────────

/** Every request answered with `status` (401 or 403: a refused key). */
export function refuseAll(status = 401): Handler {
  return () => ({ status, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } })
}

/**
 * Replaces the `occurrence`-th (from 1) appearance of `name` in every answer of `inner`
 * that has at least `atLeast` of them by `replacement`: a name dropped at one of its
 * occurrences (the drop-name fault). `times` limits how many answers are changed.
 */
export function dropName(inner: Handler, name: string, replacement: string, options: { occurrence?: number; atLeast?: number; times?: number } = {}): Handler {
  const occurrence = options.occurrence ?? 1
  let left = options.times ?? Infinity
  return async (body, index) => {
    const reply = await inner(body, index)
    if (!('content' in reply) || left <= 0) return reply
    const parts = reply.content.split(name)
    if (parts.length - 1 < Math.max(occurrence, options.atLeast ?? 1)) return reply
    left--
    const content = parts.slice(0, occurrence).join(name) + replacement + parts.slice(occurrence).join(name)
    return { ...reply, content }
  }
}

/** Answers matching `when` get `content` instead (e.g. an obeyed injection); others go to `inner`. */
export function replaceAnswer(inner: Handler, when: (body: ChatRequestBody, index: number) => boolean, content: string | ((answer: string) => string)): Handler {
  return async (body, index) => {
    const reply = await inner(body, index)
    if (!('content' in reply) || !when(body, index)) return reply
    return { ...reply, content: typeof content === 'string' ? content : content(reply.content) }
  }
}
