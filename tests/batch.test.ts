/**
 * `sync --batch`: the same requests as a realtime sync, submitted through the Batch API of
 * the fake server and collected later. Drafts and lock records must equal a realtime run's;
 * no work is submitted twice across failures at any step; failed, expired and repaired
 * lines come back in follow-up batches.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { captureMain } from './helpers/cli.ts'
import { lockText, lockTextWithoutTimes } from './helpers/lock.ts'
import { chunkLines } from '../pipeline/run/batch.ts'
import { openBatchStore } from '../pipeline/state/batch-store.ts'
import { createBatchClient, isBatchPending, requestIdOf, type BatchLine } from '../pipeline/translate/batch-client.ts'
import { chatRequestBody } from '../pipeline/translate/llm.ts'
import { priceFor } from '../pipeline/translate/cost.ts'
import { generateTree, treeConfig } from '../scripts/generate-tree.ts'
import { startFakeOpenAi, type ChatRequestBody, type FakeOpenAi, type Reply } from './helpers/fake-openai.ts'
import { isFrontmatterRequest, referenceReply } from './helpers/reference-translator.ts'
import { firstPairFlagged, isJudgeRequest } from './helpers/judge-requests.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

/** The main case runs a 20-article tree; the fault cases a small one. */
const BIG = 20
const ARTICLES = 4
const SECTIONS = 1
const LOCALES = ['en', 'de']
/** One request per section and one for the frontmatter, per article × locale. */
const linesOf = (articles: number) => articles * LOCALES.length * (SECTIONS + 1)
const LINES = linesOf(ARTICLES)

let server: FakeOpenAi
let realtimeRoot: string
let root: string
const chat = () => server.requests.filter((request) => request.url.startsWith('/v1/chat/completions'))

function makeTree(articles = ARTICLES): string {
  const dir = mkdtempSync(join(tmpdir(), 'l10n-batch-'))
  generateTree(dir, { articles, sectionsPerArticle: SECTIONS, example: SHORT_EXAMPLE.tree })
  writeFileSync(join(dir, 'l10n.config.yaml'), treeConfig(LOCALES))
  return dir
}

async function sync(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const run = await cli(['sync', '--config', join(dir, 'l10n.config.yaml'), '--model', 'gpt-4o-mini', ...args], env)
  return { ...run, output: run.stdout + run.stderr }
}

async function cli(args: string[], env: Record<string, string> = {}) {
  return captureMain(args, { env: { OPENAI_BASE_URL: server.baseURL, L10N_LANG: 'en', ...env } })
}

/** Every draft of a tree, by path relative to it. */
function drafts(dir: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const locale of LOCALES) {
    const folder = join(dir, `src/content/knowledge-${locale}`)
    if (!existsSync(folder)) continue
    for (const name of readdirSync(folder)) result[`${locale}/${name}`] = readFileSync(join(folder, name), 'utf8')
  }
  return result
}


beforeAll(async () => {
  server = await startFakeOpenAi({ handler: referenceReply })
  // The reference: a realtime sync of the same tree.
  realtimeRoot = makeTree()
  const run = await sync(realtimeRoot)
  expect(run.code, run.output).toBe(0)
}, 180_000)
afterAll(async () => {
  await server.close()
  rmSync(realtimeRoot, { recursive: true, force: true })
})
beforeEach(() => {
  server.reset()
  root = makeTree()
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

// Whole syncs of a 20-article tree, several per test: slow on a busy 2-core machine.
describe('l10n sync --batch', { timeout: 180_000 }, () => {
  it('submits every request as one batch, collects it on a later run and writes the drafts a realtime run writes', async () => {
    const big = makeTree(BIG)
    const bigRealtime = makeTree(BIG)
    try {
      expect((await sync(bigRealtime)).code).toBe(0)
      server.reset()
      const LINES = linesOf(BIG)
      const root = big
      const submit = await sync(root, ['--batch'])
      expect(submit.code, submit.output).toBe(0)
      expect(chat()).toHaveLength(0)
      expect(server.batch.calls).toMatchObject({ upload: 1, create: 1 })
      const [batch] = [...server.batch.batches.values()]
      const input = server.batch.files.get(batch!.input_file_id)!.content.trim().split('\n').map((line) => JSON.parse(line))
      expect(input).toHaveLength(LINES)
      expect(input[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini' } })
      expect(new Set(input.map((line) => line.custom_id)).size).toBe(LINES)
      expect(submit.stdout).toMatch(new RegExp(`Batch: submitted ${LINES} requests in 1 batch\\(es\\), estimated (?:cost )?\\$0\\.\\d+ at the batch price`))
      expect(submit.stdout).toContain(`${LINES} requests are waiting for batches`)
      expect(Object.keys(drafts(root))).toEqual([])

      // Still running on the second run: it collects nothing and submits nothing again.
      const early = await sync(root, ['--batch'])
      expect(early.code, early.output).toBe(0)
      expect(server.batch.calls.create).toBe(1)
      expect(Object.keys(drafts(root))).toEqual([])

      const collect = await sync(root, ['--batch'])
      expect(collect.code, collect.output).toBe(0)
      expect(collect.stderr).toContain(`Batch: collected 1 finished batch (${LINES} answers, 0 failed lines)`)
      expect(server.batch.calls.create).toBe(1)
      expect(chat()).toHaveLength(0)
      expect(Object.keys(drafts(root))).toHaveLength(BIG * LOCALES.length)
      expect(drafts(root)).toEqual(drafts(bigRealtime))
      expect(lockTextWithoutTimes(root)).toEqual(lockTextWithoutTimes(bigRealtime))

      // The report prices the answers at the batch price: half of gpt-4o-mini's list price.
      const report = JSON.parse(readFileSync(join(root, 'reports/l10n.json'), 'utf8'))
      const { promptTokens, completionTokens } = report.run.totals
      const price = priceFor('gpt-4o-mini', {}, { batch: true })
      expect(price).toMatchObject({ input: 0.075, output: 0.3 })
      expect(report.cost.usd).toBeCloseTo((promptTokens * 0.075 + completionTokens * 0.3) / 1e6, 10)
      expect(report.batch.collected.answers).toBe(LINES)

      // Nothing left: a last run asks nobody anything.
      server.reset()
      const idle = await sync(root, ['--batch'])
      expect(idle.code).toBe(0)
      expect(server.requests.filter((request) => request.method === 'POST')).toHaveLength(0)
    } finally {
      rmSync(big, { recursive: true, force: true })
      rmSync(bigRealtime, { recursive: true, force: true })
    }
  })

  it('--wait polls until the batch is answered, in one invocation', async () => {
    const run = await sync(root, ['--batch', '--wait'], { L10N_BATCH_POLL_MS: '5' })
    expect(run.code, run.output).toBe(0)
    expect(run.stderr).toMatch(/Batch: 1 batch\(es\) still running; next look in 0 s/)
    expect(drafts(root)).toEqual(drafts(realtimeRoot))
    expect(chat()).toHaveLength(0)
  })

  it('a run that died after uploading (before creating the batch) is finished by the next, with one batch', async () => {
    server.batch.failCreate = { when: 'before', times: 1 }
    const died = await sync(root, ['--batch'])
    expect(died.code).not.toBe(0)
    expect(server.batch.batches.size).toBe(0)
    const state = await openBatchStore(join(root, '.l10n')).readState()
    expect(state.submissions.map((submission) => submission.state)).toEqual(['uploaded'])

    const next = await sync(root, ['--batch'])
    expect(next.code, next.output).toBe(0)
    expect(server.batch.calls.upload).toBe(1)
    expect(server.batch.batches.size).toBe(1)
    await sync(root, ['--batch', '--wait'], { L10N_BATCH_POLL_MS: '5' })
    expect(server.batch.batches.size).toBe(1)
    expect(drafts(root)).toEqual(drafts(realtimeRoot))
  })

  it('a run that died after creating the batch (before recording it) never submits it again', async () => {
    server.batch.failCreate = { when: 'after', times: 1 }
    const died = await sync(root, ['--batch'])
    expect(died.code).not.toBe(0)
    expect(server.batch.batches.size).toBe(1)

    const next = await sync(root, ['--batch', '--wait'], { L10N_BATCH_POLL_MS: '5' })
    expect(next.code, next.output).toBe(0)
    expect(server.batch.batches.size).toBe(1)
    expect(server.batch.calls.create).toBe(1)
    expect(drafts(root)).toEqual(drafts(realtimeRoot))
  })

  it('a lost batch state (a CI cache that missed) does not pay twice: the same requests find their batch on the server', async () => {
    const first = await sync(root, ['--batch'])
    expect(first.code, first.output).toBe(0)
    expect(server.batch.calls.create).toBe(1)
    rmSync(join(root, '.l10n'), { recursive: true, force: true })

    const next = await sync(root, ['--batch', '--wait'], { L10N_BATCH_POLL_MS: '5' })
    expect(next.code, next.output).toBe(0)
    expect(server.batch.calls.create).toBe(1)
    expect(server.batch.batches.size).toBe(1)
    expect(chat()).toHaveLength(0)
    expect(drafts(root)).toEqual(drafts(realtimeRoot))
  })

  it('failed lines and an expired batch are submitted again in a follow-up batch; nothing is lost', async () => {
    server.batch.outcome = 'expired'
    // The first 3 lines the batch answers fail, whatever they ask for (section or
    // frontmatter): the lines' order in a batch follows their ids, not the articles.
    let failures = 3
    server.setHandler((body: ChatRequestBody): Reply => {
      if (failures > 0) {
        failures--
        return { status: 500 }
      }
      return referenceReply(body)
    })
    await sync(root, ['--batch'])
    server.batch.outcome = 'completed'
    const run = await sync(root, ['--batch', '--wait'], { L10N_BATCH_POLL_MS: '5' })
    expect(run.code, run.output).toBe(0)
    // The expired batch answered half its lines (3 of them as errors); the rest went in a second batch.
    expect(server.batch.batches.size).toBe(2)
    const [first, second] = [...server.batch.batches.values()]
    expect(first!.status).toBe('expired')
    expect(first!.request_counts).toEqual({ total: LINES, completed: LINES / 2 - 3, failed: 3 })
    expect(second!.request_counts.total).toBe(LINES / 2 + 3)
    expect(drafts(root)).toEqual(drafts(realtimeRoot))
    expect(chat()).toHaveLength(0)
  })

  it('an answer that needs a repair is repaired by a follow-up batch, or realtime with --repair realtime', async () => {
    const fenced = (body: ChatRequestBody): Reply => {
      const reply = referenceReply(body)
      // Every first section answer loses its glossary names' locks: the repair asks again.
      const repair = (body.messages ?? []).some((message) => message.role === 'assistant')
      if (isFrontmatterRequest(body) || repair || !('content' in reply)) return reply
      return { content: reply.content.replaceAll('Joe Hisaishi', 'the composer') }
    }
    server.setHandler(fenced)
    const run = await sync(root, ['--batch', '--wait'], { L10N_BATCH_POLL_MS: '5' })
    expect(run.code, run.output).toBe(0)
    const repaired = [...server.batch.batches.values()]
    expect(repaired.length).toBeGreaterThanOrEqual(2)
    expect(drafts(root)).toEqual(drafts(realtimeRoot))

    // The same through realtime repairs: the first answers come in a batch, repairs as chat calls.
    const other = makeTree()
    try {
      server.reset()
      server.setHandler(fenced)
      const mixed = await sync(other, ['--batch', '--wait', '--repair', 'realtime'], { L10N_BATCH_POLL_MS: '5' })
      expect(mixed.code, mixed.output).toBe(0)
      expect(server.batch.batches.size).toBe(1)
      expect(chat().length).toBeGreaterThan(0)
      expect(chat().every((request) => (request.body?.messages ?? []).some((message) => message.role === 'assistant'))).toBe(true)
      expect(drafts(other)).toEqual(drafts(realtimeRoot))
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('batch status lists the submission; batch cancel cancels it, and the next run resubmits what it did not answer', async () => {
    await sync(root, ['--batch'])
    const status = await cli(['batch', 'status', '--config', join(root, 'l10n.config.yaml')])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(new RegExp(`batch-fake-\\d+  validating  ${LINES} requests`))
    expect(status.stdout).toContain('1 submission(s): 1 running, 0 collected; 0 answers stored')
    const json = JSON.parse((await cli(['batch', 'status', '--config', join(root, 'l10n.config.yaml'), '--format', 'json'])).stdout)
    expect(json.submissions).toHaveLength(1)
    // l10n status names the sections waiting in it: one section and the frontmatter per pair.
    const waiting = await cli(['status', join(root, 'src/content/knowledge-cn'), '--config', join(root, 'l10n.config.yaml')])
    expect(waiting.stdout.match(/2 sections are waiting in a Batch API batch/g)).toHaveLength(ARTICLES * LOCALES.length)
    const waitingJson = JSON.parse((await cli(['status', join(root, 'src/content/knowledge-cn'), '--config', join(root, 'l10n.config.yaml'), '--format', 'json'])).stdout)
    expect(waitingJson.statuses.map((status: { batchWaiting: number }) => status.batchWaiting)).toEqual(Array(ARTICLES * LOCALES.length).fill(2))

    const cancel = await cli(['batch', 'cancel', '--config', join(root, 'l10n.config.yaml')])
    expect(cancel.stdout).toContain('Asked to cancel 1 batch.')
    const run = await sync(root, ['--batch', '--wait'], { L10N_BATCH_POLL_MS: '5' })
    expect(run.code, run.output).toBe(0)
    const [first, second] = [...server.batch.batches.values()]
    expect(first!.status).toBe('cancelled')
    expect(second!.request_counts.total).toBe(LINES / 2)
    expect(drafts(root)).toEqual(drafts(realtimeRoot))
  })

  it('a server without a Batch API gets a clear message suggesting realtime mode', async () => {
    server.batch.unsupported = true
    const run = await sync(root, ['--batch'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/has no Batch API \(HTTP 404 on the Files\/Batches endpoints\); run `l10n sync` without --batch/)
  })

  it('a damaged batch state is an error naming the file, and it is left as it is', async () => {
    await sync(root, ['--batch'])
    const path = join(root, '.l10n/batch/state.json')
    writeFileSync(path, '{"version": 1, "submissions": [{"id": 5}]}')
    const run = await sync(root, ['--batch'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`${relative(process.cwd(), path)}`.split('/').pop()!)
    expect(run.stderr).toMatch(/the batch state cannot be read: field submissions\.0\.id/)
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "submissions": [{"id": 5}]}')
  })

  it('`mode: batch` in the config is --batch; --wait without it is a usage error', async () => {
    const plain = await sync(root, ['--wait'])
    expect(plain.code).toBe(2)
    expect(plain.stderr).toContain('--wait only applies with --batch')
    writeFileSync(join(root, 'l10n.config.yaml'), treeConfig(LOCALES, 'mode: batch'))
    const run = await sync(root)
    expect(run.code, run.output).toBe(0)
    expect(server.batch.calls.create).toBe(1)
    expect(chat()).toHaveLength(0)
  })

  it('--max-cost limits what is submitted, priced at the batch price', async () => {
    const dry = await sync(root, ['--dry-run'])
    const realtimeEstimate = Number(/estimate \d+ requests, \d+ tokens, cost \$(\d+\.\d+)/.exec(dry.stdout)![1])
    // Enough for about 80% of the work at the batch price, and for 40% of it at the realtime price.
    const maxCost = realtimeEstimate * 0.4
    const run = await sync(root, ['--batch', '--max-cost', String(maxCost)])
    expect(run.code, run.output).toBe(3)
    const [batch] = [...server.batch.batches.values()]
    const submitted = server.batch.files.get(batch!.input_file_id)!.content.trim().split('\n').length
    expect(submitted).toBeGreaterThan(LINES * 0.5)
    expect(submitted).toBeLessThan(LINES)
    const estimate = JSON.parse(readFileSync(join(root, 'reports/l10n.json'), 'utf8')).batch.submitted.estimate.usd
    expect(estimate).toBeLessThanOrEqual(maxCost)
    // The terminal says what went out too, not only the report.
    expect(run.output).toMatch(new RegExp(`Batch: submitted ${submitted} requests in 1 batch`))
  })
})

describe('l10n sync --batch with the judge (judge: in the config)', { timeout: 180_000 }, () => {
  it("puts the judge's requests in the batches with its own model; each draft waits for its review and equals a realtime run's", async () => {
    const JUDGE = 'judge: { model: gpt-4.1-mini }\n'
    const makeJudged = () => {
      const dir = makeTree()
      writeFileSync(join(dir, 'l10n.config.yaml'), treeConfig(LOCALES, JUDGE))
      return dir
    }
    const realtime = makeJudged()
    const batched = makeJudged()
    try {
      server.setHandler((body) => (isJudgeRequest(body) ? { content: firstPairFlagged(body) } : referenceReply(body)))
      server.batch.pollsToFinish = 1
      // Exit code 1: the judge's findings are errors.
      const reference = await sync(realtime)
      expect(reference.code, reference.output).toBe(1)
      const judgedRealtime = chat().filter((request) => isJudgeRequest(request.body as ChatRequestBody)).length
      expect(judgedRealtime).toBeGreaterThan(0)
      // The judge's findings reach the lock records: a run without them would differ.
      expect(lockText(join(realtime, 'l10n.lock.yaml'))).toMatch(/errors: [1-9]/)
      // The judge's tokens are priced at its own model, the translations' at theirs.
      const realtimeReport = JSON.parse(readFileSync(join(realtime, 'reports/l10n.json'), 'utf8'))
      const { judge, totals } = realtimeReport.run
      expect(judge).toMatchObject({ model: 'gpt-4.1-mini', requests: judgedRealtime })
      expect(realtimeReport.cost.usd).toBeCloseTo(((totals.promptTokens - judge.promptTokens) * 0.15 + (totals.completionTokens - judge.completionTokens) * 0.6 + judge.promptTokens * 0.4 + judge.completionTokens * 1.6) / 1e6, 10)
      server.reset()
      server.setHandler((body) => (isJudgeRequest(body) ? { content: firstPairFlagged(body) } : referenceReply(body)))
      server.batch.pollsToFinish = 1
      const inputOf = (index: number) => {
        const batch = [...server.batch.batches.values()][index]!
        return server.batch.files.get(batch.input_file_id)!.content.trim().split('\n').map((line) => JSON.parse(line) as { body: ChatRequestBody })
      }

      // Night 1: the translations only; the judge has no draft to read yet.
      const first = await sync(batched, ['--batch'])
      expect(first.code, first.output).toBe(0)
      expect(inputOf(0)).toHaveLength(LINES)
      expect(inputOf(0).some((line) => isJudgeRequest(line.body))).toBe(false)

      // Night 2: the translations come back and pass; the judge's requests go into a batch of
      // their own, with its model, temperature 0 and JSON asked for. No draft is written yet.
      const second = await sync(batched, ['--batch'])
      expect(second.code, second.output).toBe(0)
      expect(server.batch.batches.size).toBe(2)
      const judgeLines = inputOf(1)
      expect(judgeLines).toHaveLength(judgedRealtime)
      for (const line of judgeLines) {
        expect(isJudgeRequest(line.body)).toBe(true)
        expect(line.body).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0, response_format: { type: 'json_object' } })
      }
      expect(Object.keys(drafts(batched))).toEqual([])
      const status = await cli(['status', join(batched, 'src/content/knowledge-cn'), '--config', join(batched, 'l10n.config.yaml')])
      expect(status.stdout, status.stdout + status.stderr).toContain("the judge's review of the draft is waiting in a Batch API batch")
      const statusJson = JSON.parse((await cli(['status', join(batched, 'src/content/knowledge-cn'), '--config', join(batched, 'l10n.config.yaml'), '--format', 'json'])).stdout)
      expect(statusJson.statuses.every((entry: { judgeWaiting: boolean }) => entry.judgeWaiting)).toBe(true)

      // Night 3: the reviews come back; the drafts and lock records are the realtime run's.
      const third = await sync(batched, ['--batch'])
      expect(third.code, third.output).toBe(1)
      expect(server.batch.batches.size).toBe(2)
      expect(chat()).toHaveLength(0)
      expect(drafts(batched)).toEqual(drafts(realtime))
      expect(lockTextWithoutTimes(batched)).toEqual(lockTextWithoutTimes(realtime))
      const after = JSON.parse((await cli(['status', join(batched, 'src/content/knowledge-cn'), '--config', join(batched, 'l10n.config.yaml'), '--format', 'json'])).stdout)
      expect(after.statuses.some((entry: { judgeWaiting: boolean }) => entry.judgeWaiting)).toBe(false)

      // Every request was submitted once.
      const ids = [0, 1].flatMap((index) => [...server.batch.batches.values()][index]!.input_file_id)
      const all = ids.flatMap((id) => server.batch.files.get(id)!.content.trim().split('\n').map((line) => (JSON.parse(line) as { custom_id: string }).custom_id))
      expect(new Set(all).size).toBe(all.length)
    } finally {
      rmSync(realtime, { recursive: true, force: true })
      rmSync(batched, { recursive: true, force: true })
    }
  })
})

describe('batch pieces', () => {
  const line = (n: number, size = 10): BatchLine => ({ requestId: `l10n-${n}`, body: { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(size) }], temperature: 0 }, estimate: { promptTokens: 1, completionTokens: 1 } })

  it('cuts lines into files at the request and byte limits, in order', () => {
    const lines = Array.from({ length: 7 }, (_, i) => line(i))
    expect(chunkLines(lines, { maxRequests: 3, maxBytes: 1e9 }).map((chunk) => chunk.length)).toEqual([3, 3, 1])
    const size = Buffer.byteLength(JSON.stringify({ custom_id: 'l10n-0', method: 'POST', url: '/v1/chat/completions', body: line(0).body })) + 1
    expect(chunkLines(lines, { maxRequests: 100, maxBytes: size * 2 }).map((chunk) => chunk.length)).toEqual([2, 2, 2, 1])
    // A line larger than the limit still goes, alone.
    expect(chunkLines([line(0, 500), line(1)], { maxRequests: 100, maxBytes: 50 }).map((chunk) => chunk.length)).toEqual([1, 1])
  })

  it('the client answers from stored answers, waits on submitted requests and queues the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l10n-batch-client-'))
    try {
      const store = openBatchStore(dir)
      const llm = { model: 'gpt-4o-mini', temperature: 0.2, maxOutputTokens: 100, baseURL: 'http://127.0.0.1:1/v1' }
      const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] })
      const answeredId = requestIdOf(chatRequestBody(llm, ask('answered')))
      const waitingId = requestIdOf(chatRequestBody(llm, ask('waiting')))
      await store.writeAnswer({ requestId: answeredId, batchId: 'b1', text: 'done', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 4 }, model: 'gpt-4o-mini' })
      const state = { version: 1 as const, submissions: [{ id: 's', state: 'submitted' as const, batchId: 'b2', requestIds: [waitingId], labels: {}, bytes: 1, estimate: { promptTokens: 0, completionTokens: 0, usd: 0, known: true }, createdAt: '', updatedAt: '' }], failures: {} }
      const client = createBatchClient({ llm, store, state })
      await expect(client.complete(ask('answered'))).resolves.toMatchObject({ text: 'done', prepaid: true, usage: { promptTokens: 3, completionTokens: 4 } })
      await expect(client.complete(ask('waiting'))).rejects.toSatisfy((error: unknown) => isBatchPending(error) && error.submitted)
      await expect(client.complete(ask('new'))).rejects.toSatisfy((error: unknown) => isBatchPending(error) && !error.submitted)
      expect([...client.outbox.keys()]).toEqual([requestIdOf(chatRequestBody(llm, ask('new')))])
      expect([...client.waiting.keys()]).toEqual([waitingId])

      // A damaged stored answer is a miss, asked again.
      writeFileSync(join(dir, 'batch/answers', `${answeredId}.json`), '{"text": 5}')
      const again = createBatchClient({ llm, store, state })
      await expect(again.complete(ask('answered'))).rejects.toSatisfy(isBatchPending)

      // After three failed lines the request fails like a realtime one.
      const failing = createBatchClient({ llm, store, state: { ...state, failures: { [requestIdOf(chatRequestBody(llm, ask('bad')))]: { count: 3, error: 'invalid request' } } } })
      await expect(failing.complete(ask('bad'))).rejects.toMatchObject({ code: 'E_PROVIDER', kind: 'bad-request' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

