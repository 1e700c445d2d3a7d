/**
 * The Files and Batches endpoints of the fake OpenAI server: `POST /v1/files` (multipart),
 * `GET /v1/files/{id}/content`, `POST /v1/batches`, `GET /v1/batches[/{id}]`,
 * `POST /v1/batches/{id}/cancel`. A batch moves validating → in_progress → its outcome as
 * it is polled; its lines are answered by the server's chat handler when it finishes, so
 * every chat fault (dropped name, truncation, fences, HTTP errors) can happen inside a batch.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ChatRequestBody, ContentReply, Handler, Reply } from './fake-openai.ts'

/** How a batch ends. `expired` and `cancelled` answer only the first half of their lines. */
export type BatchOutcome = 'completed' | 'failed' | 'expired' | 'cancelled'

/** A batch as the fake keeps it. */
export interface FakeBatch {
  id: string
  status: string
  input_file_id: string
  output_file_id: string | null
  error_file_id: string | null
  metadata: Record<string, string>
  request_counts: { total: number; completed: number; failed: number }
  /** Polls (GET) seen so far. */
  polls: number
  outcome: BatchOutcome
  created_at: number
}

/** Control over the fake's batches, for tests. */
export interface FakeBatchApi {
  files: Map<string, { content: string; purpose: string }>
  batches: Map<string, FakeBatch>
  /** Outcome of batches created from now on. @default 'completed' */
  outcome: BatchOutcome
  /** Polls a batch takes to finish. @default 2 (validating, in_progress, then the outcome) */
  pollsToFinish: number
  /** Answer 404 on every Files/Batches route, like a server without a Batch API. */
  unsupported: boolean
  /**
   * Fail the next N creates with a 500: `before` fails before creating anything (a run killed
   * after its upload), `after` creates the batch and then fails (a run killed before it
   * could record the batch it created).
   */
  failCreate: { when: 'before' | 'after'; times: number } | undefined
  /** Counts of calls by route, e.g. `create` and `upload`. */
  calls: { upload: number; create: number; retrieve: number; list: number; cancel: number; content: number }
  /** Forgets every file, batch and count, and restores the default switches. */
  reset(): void
}

type Send = (res: ServerResponse, status: number, body: unknown) => void
type Completion = (body: ChatRequestBody, reply: ContentReply) => Record<string, unknown>

/** Creates the routes; `handle` returns false for a URL that is not one of them. */
export function createFakeBatchApi(deps: { handler: () => Handler; nextIndex: () => number; send: Send; completion: Completion }) {
  const api: FakeBatchApi = {
    files: new Map(),
    batches: new Map(),
    outcome: 'completed',
    pollsToFinish: 2,
    unsupported: false,
    failCreate: undefined,
    calls: { upload: 0, create: 0, retrieve: 0, list: 0, cancel: 0, content: 0 },
    reset() {
      api.files.clear()
      api.batches.clear()
      api.outcome = 'completed'
      api.pollsToFinish = 2
      api.unsupported = false
      api.failCreate = undefined
      api.calls = { upload: 0, create: 0, retrieve: 0, list: 0, cancel: 0, content: 0 }
    },
  }
  let nextId = 1
  const id = (prefix: string) => `${prefix}-fake-${nextId++}`

  async function finish(batch: FakeBatch, outcome: BatchOutcome): Promise<void> {
    const input = api.files.get(batch.input_file_id)?.content ?? ''
    const lines = input.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as { custom_id: string; body: ChatRequestBody })
    const answered = outcome === 'completed' ? lines : outcome === 'failed' ? [] : lines.slice(0, Math.floor(lines.length / 2))
    const output: string[] = []
    const errors: string[] = []
    for (const line of answered) {
      const reply: Reply = await deps.handler()(line.body, deps.nextIndex())
      if ('content' in reply) {
        output.push(JSON.stringify({ id: id('resp'), custom_id: line.custom_id, response: { status_code: 200, request_id: id('req'), body: deps.completion(line.body, reply) }, error: null }))
      } else if ('status' in reply) {
        errors.push(JSON.stringify({ id: id('resp'), custom_id: line.custom_id, response: { status_code: reply.status, body: reply.body ?? { error: { message: `fake error ${reply.status}` } } }, error: null }))
      } else {
        errors.push(JSON.stringify({ id: id('resp'), custom_id: line.custom_id, response: null, error: { code: 'server_error', message: 'the fake cannot send this reply inside a batch' } }))
      }
    }
    if (output.length > 0) {
      batch.output_file_id = id('file')
      api.files.set(batch.output_file_id, { content: output.join('\n') + '\n', purpose: 'batch_output' })
    }
    if (errors.length > 0) {
      batch.error_file_id = id('file')
      api.files.set(batch.error_file_id, { content: errors.join('\n') + '\n', purpose: 'batch_output' })
    }
    batch.request_counts = { total: lines.length, completed: output.length, failed: errors.length }
    batch.status = outcome
  }

  async function poll(batch: FakeBatch): Promise<void> {
    if (['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) return
    batch.polls++
    if (batch.status === 'cancelling') return finish(batch, 'cancelled')
    if (batch.polls >= api.pollsToFinish) return finish(batch, batch.outcome)
    batch.status = 'in_progress'
  }

  function multipartFile(req: IncomingMessage, raw: Buffer): { content: string; purpose: string } | undefined {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers['content-type'] ?? '')
    if (!boundary) return undefined
    const marker = `--${boundary[1] ?? boundary[2]}`
    const parts = raw.toString('utf8').split(marker)
    let content: string | undefined
    let purpose = ''
    for (const part of parts) {
      const split = part.indexOf('\r\n\r\n')
      if (split < 0) continue
      const head = part.slice(0, split)
      const value = part.slice(split + 4).replace(/\r\n$/, '')
      if (/name="file"/.test(head)) content = value
      else if (/name="purpose"/.test(head)) purpose = value.trim()
    }
    return content === undefined ? undefined : { content, purpose }
  }

  /** Answers one request if it is a Files/Batches route. */
  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://fake')
    const path = url.pathname
    if (!path.startsWith('/v1/files') && !path.startsWith('/v1/batches')) return false
    if (api.unsupported) {
      deps.send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } })
      return true
    }
    const method = req.method ?? 'GET'
    let match: RegExpExecArray | null
    if (method === 'POST' && path === '/v1/files') {
      api.calls.upload++
      const file = multipartFile(req, raw)
      if (!file) return deps.send(res, 400, { error: { message: 'no file part' } }), true
      const fileId = id('file')
      api.files.set(fileId, file)
      deps.send(res, 200, { id: fileId, object: 'file', bytes: Buffer.byteLength(file.content), created_at: Math.floor(Date.now() / 1000), filename: 'input.jsonl', purpose: file.purpose, status: 'processed' })
    } else if (method === 'GET' && (match = /^\/v1\/files\/([^/]+)\/content$/.exec(path))) {
      api.calls.content++
      const file = api.files.get(match[1]!)
      if (!file) return deps.send(res, 404, { error: { message: 'no such file' } }), true
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(file.content) })
      res.end(file.content)
    } else if (method === 'POST' && path === '/v1/batches') {
      api.calls.create++
      const fail = api.failCreate && api.failCreate.times > 0 ? api.failCreate : undefined
      if (fail) fail.times--
      if (fail?.when === 'before') return deps.send(res, 500, { error: { message: 'fake: died before creating the batch' } }), true
      const body = JSON.parse(raw.toString('utf8') || '{}') as { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: Record<string, string> }
      if (!body.input_file_id || !api.files.has(body.input_file_id)) return deps.send(res, 400, { error: { message: 'unknown input_file_id' } }), true
      if (body.endpoint !== '/v1/chat/completions' || body.completion_window !== '24h') return deps.send(res, 400, { error: { message: 'bad endpoint or window' } }), true
      const batch: FakeBatch = {
        id: id('batch'),
        status: 'validating',
        input_file_id: body.input_file_id,
        output_file_id: null,
        error_file_id: null,
        metadata: body.metadata ?? {},
        request_counts: { total: 0, completed: 0, failed: 0 },
        polls: 0,
        outcome: api.outcome,
        created_at: Math.floor(Date.now() / 1000),
      }
      api.batches.set(batch.id, batch)
      if (fail?.when === 'after') return deps.send(res, 500, { error: { message: 'fake: created the batch, then died' } }), true
      deps.send(res, 200, view(batch))
    } else if (method === 'GET' && path === '/v1/batches') {
      api.calls.list++
      deps.send(res, 200, { object: 'list', data: [...api.batches.values()].reverse().map(view), has_more: false })
    } else if (method === 'GET' && (match = /^\/v1\/batches\/([^/]+)$/.exec(path))) {
      api.calls.retrieve++
      const batch = api.batches.get(match[1]!)
      if (!batch) return deps.send(res, 404, { error: { message: 'no such batch' } }), true
      await poll(batch)
      deps.send(res, 200, view(batch))
    } else if (method === 'POST' && (match = /^\/v1\/batches\/([^/]+)\/cancel$/.exec(path))) {
      api.calls.cancel++
      const batch = api.batches.get(match[1]!)
      if (!batch) return deps.send(res, 404, { error: { message: 'no such batch' } }), true
      if (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) batch.status = 'cancelling'
      deps.send(res, 200, view(batch))
    } else {
      deps.send(res, 404, { error: { message: `no route ${method} ${path}` } })
    }
    return true
  }

  return { api, handle }
}

function view(batch: FakeBatch): Record<string, unknown> {
  return {
    id: batch.id,
    object: 'batch',
    endpoint: '/v1/chat/completions',
    errors: batch.status === 'failed' ? { object: 'list', data: [{ code: 'invalid_file', message: 'the fake failed this batch' }] } : null,
    input_file_id: batch.input_file_id,
    completion_window: '24h',
    status: batch.status,
    output_file_id: batch.output_file_id,
    error_file_id: batch.error_file_id,
    created_at: batch.created_at,
    request_counts: batch.request_counts,
    metadata: batch.metadata,
  }
}
