/**
 * A failed batch line carries its HTTP status. A client error that the same request would
 * get again (400 and the like) fails the request at once, with that status, instead of being
 * submitted two more nights: so the judge, on a server that refuses `response_format`, asks
 * again without it — as it does in realtime — and its findings equal a realtime run's. A
 * server error or a rate limit is submitted again as before.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { useFakeOpenAi } from './helpers/setup.ts'
import { captureMain } from './helpers/cli.ts'
import { lockTextWithoutTimes } from './helpers/lock.ts'
import { openBatchStore } from '../pipeline/state/batch-store.ts'
import { createBatchClient, isBatchPending, isFinalStatus, requestIdOf } from '../pipeline/translate/batch-client.ts'
import { chatRequestBody, type CompleteRequest } from '../pipeline/translate/llm.ts'
import { generateTree, treeConfig } from '../scripts/generate-tree.ts'
import type { ChatRequestBody, Reply } from './helpers/fake-openai.ts'
import { firstPairFlagged, isJudgeRequest } from './helpers/judge-requests.ts'
import { isFrontmatterRequest, referenceReply } from './helpers/reference-translator.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

const LOCALES = ['en']
const ARTICLES = 2
// Reset before every test: no batches, files or handler of another test.
const fake = useFakeOpenAi({ handler: referenceReply })
const roots: string[] = []
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true })
})

function makeTree(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'l10n-batch-status-'))
  roots.push(dir)
  generateTree(dir, { articles: ARTICLES, sectionsPerArticle: 1, example: SHORT_EXAMPLE.tree })
  writeFileSync(join(dir, 'l10n.config.yaml'), config)
  return dir
}

async function sync(dir: string, args: string[] = []) {
  const run = await captureMain(['sync', '--config', join(dir, 'l10n.config.yaml'), '--model', 'gpt-4o-mini', ...args], { env: { OPENAI_BASE_URL: fake.server.baseURL, L10N_LANG: 'en' } })
  return { ...run, output: run.stdout + run.stderr }
}

/** Every line submitted so far, in submission order. */
const submittedLines = () =>
  [...fake.server.batch.batches.values()].flatMap((batch) =>
    fake.server.batch.files
      .get(batch.input_file_id)!
      .content.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { custom_id: string; body: ChatRequestBody }),
  )

const reportOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'reports/l10n.json'), 'utf8'))

/** A server whose judge model does not know `response_format` (400), with a judge that finds one mistranslation per request. */
function refusingResponseFormat(body: ChatRequestBody): Reply {
  if (!isJudgeRequest(body)) return referenceReply(body)
  if ((body as { response_format?: unknown }).response_format) return { status: 400, body: { error: { message: "Unknown parameter: 'response_format'.", type: 'invalid_request_error' } } }
  return { content: firstPairFlagged(body) }
}

describe('failed batch lines by status', { timeout: 180_000 }, () => {
  it("a judge on a server that refuses response_format asks again without it at once, and its findings equal a realtime run's", async () => {
    const config = treeConfig(LOCALES, 'judge: { model: gpt-4.1-mini }\n')
    const realtime = makeTree(config)
    const batched = makeTree(config)
    fake.server.setHandler(refusingResponseFormat)
    const reference = await sync(realtime)
    expect(reference.code, reference.output).toBe(1)
    expect(JSON.stringify(reportOf(realtime))).not.toContain('judge/failed')

    fake.server.reset()
    fake.server.setHandler(refusingResponseFormat)
    fake.server.batch.pollsToFinish = 1
    // Night 1 submits the translations; night 2 collects them and submits the reviews.
    expect((await sync(batched, ['--batch'])).code).toBe(0)
    expect((await sync(batched, ['--batch'])).code).toBe(0)
    const judged = () => submittedLines().filter((line) => isJudgeRequest(line.body))
    expect(judged().length).toBeGreaterThan(0)
    expect(judged().every((line) => 'response_format' in line.body)).toBe(true)
    // Night 3: every review line failed with 400. Each is asked again without
    // response_format in a follow-up batch of the same run — not the same line again.
    const third = await sync(batched, ['--batch'])
    expect(third.code, third.output).toBe(0)
    const withJson = judged().filter((line) => 'response_format' in line.body)
    const withoutJson = judged().filter((line) => !('response_format' in line.body))
    expect(withoutJson).toHaveLength(withJson.length)
    expect(new Set(judged().map((line) => line.custom_id)).size).toBe(judged().length)
    // Night 4: the reviews come back; the drafts, findings and lock records are the realtime run's.
    const fourth = await sync(batched, ['--batch'])
    expect(fourth.code, fourth.output).toBe(1)
    expect(JSON.stringify(reportOf(batched))).not.toContain('judge/failed')
    expect(lockTextWithoutTimes(batched)).toEqual(lockTextWithoutTimes(realtime))
    for (const name of ['article-0001', 'article-0002']) {
      const path = `src/content/knowledge-en/${name}.md`
      expect(readFileSync(join(batched, path), 'utf8')).toEqual(readFileSync(join(realtime, path), 'utf8'))
    }
  })

  it('fails a request at once on a final client error, and submits it again after a server error or a rate limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l10n-batch-status-'))
    roots.push(dir)
    const store = openBatchStore(join(dir, 'state'))
    const llm = { model: 'gpt-4o-mini', temperature: 0.2, maxOutputTokens: 100, baseURL: 'http://127.0.0.1:9/v1' }
    const ask = (text: string): CompleteRequest => ({ messages: [{ role: 'user', content: text }], estimate: { promptTokens: 5, completionTokens: 5 } })
    const idOf = (text: string) => requestIdOf(chatRequestBody(llm, ask(text)))
    const failures = {
      [idOf('refused')]: { count: 1, error: 'Unknown parameter', status: 400 },
      [idOf('too big')]: { count: 1, error: 'Request too large', status: 413 },
      [idOf('server')]: { count: 1, error: 'HTTP 500', status: 500 },
      [idOf('limited')]: { count: 2, error: 'HTTP 429', status: 429 },
      [idOf('unknown')]: { count: 1, error: 'no status' },
    }
    const client = createBatchClient({ llm, store, state: { version: 1, submissions: [], failures } })
    await expect(client.complete(ask('refused'))).rejects.toMatchObject({ code: 'E_PROVIDER', kind: 'bad-request', status: 400 })
    await expect(client.complete(ask('too big'))).rejects.toMatchObject({ code: 'E_PROVIDER', kind: 'bad-request', status: 413 })
    for (const text of ['server', 'limited', 'unknown']) await expect(client.complete(ask(text))).rejects.toSatisfy((error: unknown) => isBatchPending(error) && !error.submitted)
    expect([...client.outbox.keys()].sort()).toEqual([idOf('server'), idOf('limited'), idOf('unknown')].sort())
    expect([400, 404, 413, 422].every(isFinalStatus)).toBe(true)
    expect([undefined, 200, 408, 409, 429, 500, 503].some(isFinalStatus)).toBe(false)
  })

  it('records the status of a failed line in the batch state and fails a refused section at once, not on the third night', async () => {
    // The first section translation the batch reaches is refused (400); everything else answers.
    let refused = 0
    fake.server.setHandler((body) => {
      if (!isFrontmatterRequest(body) && refused === 0) {
        refused++
        return { status: 400, body: { error: { message: 'This model cannot do that.', type: 'invalid_request_error' } } }
      }
      return referenceReply(body)
    })
    fake.server.batch.pollsToFinish = 1
    const dir = makeTree(treeConfig(LOCALES))
    expect((await sync(dir, ['--batch'])).code).toBe(0)
    const collect = await sync(dir, ['--batch'])
    const state = JSON.parse(readFileSync(join(dir, '.l10n/batch/state.json'), 'utf8'))
    const failed = Object.values(state.failures) as { status?: number; count: number }[]
    expect(failed, collect.output).toEqual([expect.objectContaining({ count: 1, status: 400 })])
    // Not submitted again: the run fails it like a realtime 400, and the other article is written.
    expect(fake.server.batch.batches.size).toBe(1)
    expect(collect.code, collect.output).not.toBe(0)
    expect(collect.output).toContain('This model cannot do that.')
    const written = ['article-0001', 'article-0002'].filter((name) => existsSync(join(dir, `src/content/knowledge-en/${name}.md`)))
    expect(written).toHaveLength(1)
  })
})
