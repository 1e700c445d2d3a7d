/**
 * The judge (`check --judge`, `judge:` for translate): aligned paragraph pairs sent to a
 * model with a rubric, its JSON read back into findings with places, cached per pair,
 * bounded by the budget. Against the fake server, through the real `openai` client.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isJudgeRequest, judgeItemsOf } from './helpers/judge-requests.ts'
import type { ChatRequestBody, Reply } from './helpers/fake-openai.ts'
import { referenceReply } from './helpers/reference-translator.ts'
import { useFakeOpenAi, useWorkspace } from './helpers/setup.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'
import { parse } from '../pipeline/article/parse.ts'
import { judgePairs } from '../pipeline/check/judge-pairs.ts'
import { judgeBatches, readJudgeAnswer } from '../pipeline/translate/judge.ts'

const SOURCE = 'examples/cn/soundtrack.md'
const reference = readFileSync('examples/en/soundtrack.md', 'utf8')
const FLIPPED = 'a soundtrack is made simply for listening'
const flipped = reference.replace('a soundtrack is not made simply for listening', FLIPPED)
// The short example (tests/fixtures/short/) for what the judge does with its answers (cache,
// retries, budget, unreadable answers): a fraction of the long pair's parsing, checking and
// requests per run. The long one stays where its length matters: the alignment of a whole
// article (the first test, the pure pairing).
const SHORT_SOURCE = SHORT_EXAMPLE.source
const shortReference = readFileSync(SHORT_EXAMPLE.reference, 'utf8')
/** The short pair with its meaning flipped ("not only heightens" → "never heightens"), its structure intact. */
const SHORT_FLIPPED = "it never heightens the audience's experience"
const shortFlipped = shortReference.replace("it not only heightens the audience's experience", SHORT_FLIPPED)

/** A careful reviewer: flags the flipped negation (of either example), nothing else. */
function verdicts(body: ChatRequestBody): string {
  return JSON.stringify({
    pairs: judgeItemsOf(body).map((item) => ({
      id: item.id,
      issues: item.target.includes(FLIPPED)
        ? [{ category: 'mistranslation', source: 'Soundtrack并非单纯用于聆听', target: FLIPPED, explanation: 'The source says a soundtrack is NOT made simply for listening.' }]
        : item.target.includes(SHORT_FLIPPED)
          ? [{ category: 'mistranslation', source: '不仅增强观众体验', target: SHORT_FLIPPED, explanation: 'The source says it heightens the experience.' }]
          : [],
    })),
  })
}

const judgeReply = (body: ChatRequestBody): Reply => (isJudgeRequest(body) ? { content: verdicts(body) } : referenceReply(body))

const fake = useFakeOpenAi({ handler: judgeReply })
const workspace = useWorkspace(SHORT_EXAMPLE.source)
const env = () => fake.env({ L10N_MAX_RETRIES: '2', L10N_TIMEOUT_MS: '5000' })

function target(text: string): string {
  const path = workspace.ws.path('en.md')
  writeFileSync(path, text)
  return path
}
function config(text: string): string {
  const path = workspace.ws.path('l10n.config.yaml')
  writeFileSync(path, text)
  return path
}
/** `l10n check SOURCE TARGET --judge` with the workspace's state folder; the short example's source unless `source` is given. */
const judge = (file: string, extra: string[] = [], source: string = SHORT_SOURCE) =>
  workspace.ws.run(['check', source, file, '--judge', '--format', 'json', '--state-dir', workspace.ws.path('.l10n'), ...extra], { env: env() })
const findingsOf = (stdout: string) => JSON.parse(stdout).findings as { ruleId: string; severity: string; section?: number; sourcePosition?: { line: number; column: number }; targetPosition?: { line: number; column: number }; actual?: string; values?: Record<string, unknown> }[]
const judged = (stdout: string) => findingsOf(stdout).filter((finding) => finding.ruleId.startsWith('judge/'))
/** Line and column (UTF-16, from 1) of `needle` in `text`. */
function placeOf(text: string, needle: string): { line: number; column: number } {
  const index = text.indexOf(needle)
  const before = text.slice(0, index)
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') }
}

describe('l10n check --judge', () => {
  it('reports a flipped negation the structure check misses, at the flipped words of the aligned pair', async () => {
    const file = target(flipped)
    const structure = await workspace.ws.run(['check', SOURCE, file, '--format', 'json'], { env: env() })
    expect(structure.code).toBe(0)
    expect(findingsOf(structure.stdout)).toEqual([])
    expect(fake.server.requests).toHaveLength(0)

    const run = await judge(file, [], SOURCE)
    expect(run.code).toBe(1)
    const found = judged(run.stdout)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ ruleId: 'judge/mistranslation', severity: 'error', section: 2, actual: FLIPPED, targetPosition: placeOf(flipped, FLIPPED), sourcePosition: placeOf(readFileSync(SOURCE, 'utf8'), 'Soundtrack并非单纯用于聆听') })
    expect(run.stderr).toMatch(/Judge \(gpt-4o-mini\): \d+ text pairs, 0 from the cache, \d+ requests?/)
    // The pair sent beside the flipped paragraph is its own source paragraph (aligned, not by index).
    const items = fake.server.requests.flatMap((request) => judgeItemsOf(request.body!))
    const pair = items.find((item) => item.target.includes(FLIPPED))!
    expect(pair.source).toContain('Soundtrack并非单纯用于聆听')
    // JSON is asked for where the server supports it, at temperature 0.
    expect(fake.server.requests[0]!.body).toMatchObject({ response_format: { type: 'json_object' }, temperature: 0 })
  })

  it('finds nothing in a clean pair, and a rerun answers every pair from the cache (0 requests)', async () => {
    const file = target(shortReference)
    // Small requests: the short pair's pairs go out in several of them.
    const small = ['--config', config('judge: { requestTokens: 500 }\n')]
    const first = await judge(file, small)
    expect(first.code).toBe(0)
    expect(judged(first.stdout)).toEqual([])
    const sent = fake.server.requests.length
    expect(sent).toBeGreaterThan(1)
    fake.server.reset()
    const again = await judge(file, small)
    expect(again.code).toBe(0)
    expect(fake.server.requests).toHaveLength(0)
    const pairs = Number(/(\d+) text pairs, (\d+) from the cache/.exec(again.stderr)?.[1])
    expect(again.stderr).toContain(`${pairs} text pairs, ${pairs} from the cache, 0 requests`)
    // One edited paragraph is one pair judged again: one request.
    fake.server.reset()
    const edited = await judge(target(shortFlipped), small)
    expect(fake.server.requests).toHaveLength(1)
    expect(judgeItemsOf(fake.server.requests[0]!.body!)).toHaveLength(1)
    expect(judged(edited.stdout).map((finding) => finding.ruleId)).toEqual(['judge/mistranslation'])
  })

  it('reads a fenced answer with chatter around it', async () => {
    fake.server.setHandler((body) => ({ content: `Sure! Here is my review:\n\n\`\`\`json\n${verdicts(body)}\n\`\`\`\n\nLet me know if you need more.` }))
    const run = await judge(target(shortFlipped))
    expect(judged(run.stdout).map((finding) => finding.ruleId)).toEqual(['judge/mistranslation'])
  })

  it('turns a malformed answer into one warning, caches nothing, and asks again next time', async () => {
    fake.server.setHandler(() => ({ content: 'The translation looks faithful to me overall.' }))
    const run = await judge(target(shortFlipped))
    expect(run.code).toBe(0)
    const found = judged(run.stdout)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ ruleId: 'judge/unreadable', severity: 'warning' })
    // Every pair of the article, none judged.
    const pairs = judgePairs(parse(readFileSync(SHORT_SOURCE, 'utf8'), SHORT_SOURCE), parse(shortFlipped, 'en.md')).pairs
    expect(pairs.length).toBeGreaterThan(5)
    expect(found[0]!.values?.count).toBe(pairs.length)
    const sent = fake.server.requests.length
    fake.server.reset()
    fake.server.setHandler((body) => ({ content: verdicts(body) }))
    const again = await judge(target(shortFlipped))
    expect(fake.server.requests).toHaveLength(sent)
    expect(judged(again.stdout).map((finding) => finding.ruleId)).toEqual(['judge/mistranslation'])
  })

  it('rejects an answer that skips a pair or has the wrong shape (zod), and one cut off at the token limit', async () => {
    expect(readJudgeAnswer('{"pairs": [{"id": "1", "issues": []}]}', ['1', '2'])).toMatchObject({ ok: false })
    expect(readJudgeAnswer('{"pairs": [{"id": 1, "issues": [{"category": "tone"}]}]}', ['1'])).toMatchObject({ ok: false })
    expect(readJudgeAnswer('{"pairs": [{"id": 1, "issues": [{"category": "Omission", "source": "x"}]}]}', ['1'])).toMatchObject({ ok: true })
    fake.server.setHandler((body) => ({ content: verdicts(body).slice(0, 40), finishReason: 'length' }))
    const file = target(shortFlipped)
    const small = ['--config', config('judge: { requestTokens: 500 }\n')]
    const run = await judge(file, ['--format', 'human', ...small])
    expect(run.stdout).toMatch(/judge\/unreadable/)
    expect(run.stdout).toMatch(/cut off at the token limit; they were not judged and nothing was cached/)
    fake.server.reset()
    await judge(file, small)
    // Nothing was cached: the same requests again.
    expect(fake.server.requests.length).toBeGreaterThan(1)
  })

  it('retries a 500 and then uses the answer', async () => {
    writeFileSync(workspace.ws.path('l10n.config.yaml'), 'judge: { requestTokens: 100000 }\n')
    let calls = 0
    fake.server.setHandler((body) => (calls++ === 0 ? { status: 500 } : { content: verdicts(body) }))
    const run = await judge(target(shortFlipped), ['--config', workspace.ws.path('l10n.config.yaml')])
    expect(fake.server.requests).toHaveLength(2)
    expect(run.code).toBe(1)
    expect(judged(run.stdout).map((finding) => finding.ruleId)).toEqual(['judge/mistranslation'])
    expect(run.stderr).toContain('2 requests')
  })

  it('stops at --max-requests with a warning and exit code 3; --dry-run shows the estimate and sends nothing', async () => {
    const file = target(shortFlipped)
    const cfg = config('judge: { requestTokens: 500 }\n')
    const plan = await judge(file, ['--config', cfg, '--dry-run'])
    expect(fake.server.requests).toHaveLength(0)
    const planned = /Judge plan \(gpt-4o-mini\): (\d+) text pairs, 0 from the cache; (\d+) requests, about (\d+) tokens, cost \$(\d+\.\d+)/.exec(plan.stderr)
    expect(planned, plan.stderr).not.toBeNull()
    expect(Number(planned![2])).toBeGreaterThan(3)
    expect(plan.code).toBe(0)
    const run = await judge(file, ['--config', cfg, '--max-requests', '2'])
    expect(run.code).toBe(3)
    expect(fake.server.requests).toHaveLength(2)
    const stop = judged(run.stdout).find((finding) => finding.ruleId === 'judge/not-judged')
    expect(stop).toMatchObject({ severity: 'warning', values: { limit: 'maxRequests' } })
    expect(Number(stop!.values!.count)).toBeGreaterThan(0)
  })

  it('falls back to a plain request when the server refuses response_format', async () => {
    fake.server.setHandler((body) => (body.response_format ? { status: 400, body: { error: { message: "unknown field 'response_format'", type: 'invalid_request_error' } } } : { content: verdicts(body) }))
    // Several requests (small ones), one at a time, so "the next one" is well defined.
    const run = await judge(target(shortFlipped), ['--config', config('concurrency: 1\njudge: { requestTokens: 500 }\n')])
    expect(judged(run.stdout).map((finding) => finding.ruleId)).toEqual(['judge/mistranslation'])
    // Refused once, then never asked again in the run.
    expect(fake.server.requests.filter((request) => request.body?.response_format)).toHaveLength(1)
    expect(fake.server.requests.length).toBeGreaterThan(2)
  })

  it('exits 77 with the provider error on 401 (as translate does), and asks for an endpoint without one', async () => {
    fake.server.setHandler(() => ({ status: 401 }))
    const run = await judge(target(shortFlipped))
    expect(run.code).toBe(77)
    expect(run.stderr).toMatch(/401|key|auth/i)
    const offline = await workspace.ws.run(['check', SHORT_SOURCE, target(shortFlipped), '--judge'], { env: {} })
    expect(offline.code).toBe(2)
    expect(offline.stderr).toMatch(/the judge needs a model: set OPENAI_API_KEY/)
    const stray = await workspace.ws.run(['check', SHORT_SOURCE, target(shortFlipped), '--max-requests', '3'], { env: {} })
    expect(stray.code).toBe(2)
    expect(stray.stderr).toMatch(/--max-requests belongs to the judge: add --judge/)
  })
})

describe('judge pairs and batches (pure)', () => {
  it('pairs paragraphs by the check alignment: a split paragraph is one pair, later pairs stay matched', () => {
    const source = parse(readFileSync(SOURCE, 'utf8'), SOURCE)
    const split = reference.replace('. Unlike other kinds of music, a soundtrack', '.\n\nUnlike other kinds of music, a soundtrack')
    const targetArticle = parse(split, 'en.md')
    const { pairs } = judgePairs(source, targetArticle)
    const joined = pairs.find((pair) => pair.kind === '1-2')!
    expect(joined.target).toContain('\n\nUnlike other kinds of music')
    const next = pairs[pairs.indexOf(joined) + 1]!
    // The paragraph after the split is still paired with its own source paragraph.
    expect(next.source.slice(0, 12)).toBe(readFileSync(SOURCE, 'utf8').split('\n')[58]!.slice(0, 12))
    const batches = judgeBatches(pairs.map((pair) => ({ pair, entries: [] })), 2000)
    expect(batches.flat()).toHaveLength(pairs.length)
    expect(batches.length).toBeGreaterThan(5)
  })
})

describe('judge pairs beyond paragraphs (pure)', () => {
  const zh = ['---', 'locale: cn', '---', '', '## 作曲家', '', '约翰·威廉斯写了很多配乐。', '', '- 第一首曲子很安静', '- 第二首曲子很响亮', '', '| 年份 | 作品 |', '| --- | --- |', '| 1977 | 星球大战 |', '', '1. 第一', '2. 第二', '3. 第三', ''].join('\n')
  const en = ['---', 'locale: en', '---', '', '## Composers', '', 'John Williams wrote many scores.', '', '- The first piece is quiet', '- The second piece is not loud', '', '| Year | Work |', '| --- | --- |', '| 1977 | Star Wars |', '', '1. First', '2. Second', ''].join('\n')

  it('pairs the heading, each list item and each table row in source order, with their places', () => {
    const { pairs } = judgePairs(parse(zh, 'zh.md'), parse(en, 'en.md'))
    expect(pairs.map((pair) => [pair.unit, pair.source, pair.target])).toEqual([
      ['heading', '## 作曲家', '## Composers'],
      ['paragraph', '约翰·威廉斯写了很多配乐。', 'John Williams wrote many scores.'],
      ['list-item', '- 第一首曲子很安静', '- The first piece is quiet'],
      ['list-item', '- 第二首曲子很响亮', '- The second piece is not loud'],
      ['table-row', '| 年份 | 作品 |', '| Year | Work |'],
      ['table-row', '| 1977 | 星球大战 |', '| 1977 | Star Wars |'],
      // The numbered list has 3 items against 2: a structure finding, nothing for a judge to pair.
    ])
    const item = pairs.find((pair) => pair.target.includes('not loud'))!
    expect(item.sourcePosition).toMatchObject({ line: 10, column: 1 })
    expect(item.targetPosition).toMatchObject({ line: 10, column: 1 })
    expect(en.slice(item.targetOffset, item.targetOffset + item.target.length)).toBe(item.target)
  })

  it('sends a list item to the judge and places its finding at the item', async () => {
    const source = workspace.ws.path('zh.md')
    const target = workspace.ws.path('en.md')
    writeFileSync(source, zh)
    writeFileSync(target, en)
    fake.server.setHandler((body) => ({
      content: JSON.stringify({
        pairs: judgeItemsOf(body).map((pair) => ({
          id: pair.id,
          issues: pair.target.includes('not loud') ? [{ category: 'mistranslation', source: '很响亮', target: 'not loud', explanation: 'The source says loud.' }] : [],
        })),
      }),
    }))
    const run = await workspace.ws.run(['check', source, target, '--judge', '--format', 'json'], { env: env() })
    const findings = (JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; targetPosition?: { line: number; column: number } }> }).findings
    const judged = findings.filter((finding) => finding.ruleId.startsWith('judge/'))
    expect(judged).toHaveLength(1)
    expect(judged[0]).toMatchObject({ ruleId: 'judge/mistranslation', targetPosition: { line: 10, column: 23 } })
  })
})

describe('translate with judge: true', () => {
  it('adds the judge findings to the run report, counted in its requests', async () => {
    // The reference translator gives the reference; this reviewer calls one of its pairs an omission.
    fake.server.setHandler((body) => {
      if (!isJudgeRequest(body)) return referenceReply(body)
      return {
        content: JSON.stringify({
          pairs: judgeItemsOf(body).map((item) => ({
            id: item.id,
            issues: item.target.includes("not only heightens the audience's experience") ? [{ category: 'omission', source: '', target: '', explanation: 'A clause is missing.' }] : [],
          })),
        }),
      }
    })
    const cfg = config('judge: true\n')
    const run = await workspace.ws.run(['translate', workspace.ws.source, '--to', 'en', '--config', cfg, '--report', workspace.ws.path('report.json')], { env: env() })
    expect(run.stderr).toMatch(/every draft is also judged by gpt-4o-mini/)
    const report = JSON.parse(readFileSync(workspace.ws.path('report.json'), 'utf8'))
    const article = report.run.articles[0]
    const omission = article.findings.find((finding: { ruleId: string }) => finding.ruleId === 'judge/omission')
    expect(omission).toMatchObject({ severity: 'error', section: 0 })
    const written = readFileSync(workspace.ws.path('examples/en/soundtrack.md'), 'utf8')
    expect(written).toBe(shortReference)
    expect(omission.targetPosition.line).toBe(placeOf(written, 'A **soundtrack** refers to').line)
    expect(run.code).toBe(1)
    const judgeRequests = fake.server.requests.filter((request) => isJudgeRequest(request.body!)).length
    expect(judgeRequests).toBeGreaterThan(0)
    expect(article.requests).toBe(fake.server.requests.length)
  })

  it('--dry-run estimates the judge of the drafts to write, high rather than low, and nothing once they are written', async () => {
    fake.server.setHandler(judgeReply)
    // Small requests: the short example's drafts are judged in several, so the estimate is a count worth comparing.
    const cfg = config('judge: { requestTokens: 500 }\n')
    const dry = await workspace.ws.run(['translate', workspace.ws.source, '--to', 'en', '--config', cfg, '--dry-run', '--format', 'json'], { env: env() })
    expect(dry.code).toBe(0)
    expect(fake.server.requests).toHaveLength(0)
    const line = /Judge \(gpt-4o-mini, judge: in the config\): the new drafts add about (\d+) requests, (\d+) tokens, cost \$\d/.exec(dry.stderr)
    expect(line, dry.stderr).not.toBeNull()
    const judge = JSON.parse(dry.stdout).plan.totals.judge
    expect(judge).toMatchObject({ model: 'gpt-4o-mini', requests: Number(line![1]), priceKnown: true })
    expect(judge.promptTokens + judge.completionTokens).toBe(Number(line![2]))

    const run = await workspace.ws.run(['translate', workspace.ws.source, '--to', 'en', '--config', cfg], { env: env() })
    expect(run.code).toBe(0)
    const judged = fake.server.requests.filter((request) => isJudgeRequest(request.body!))
    expect(judged.length).toBeGreaterThan(0)
    expect(judge.requests).toBeGreaterThanOrEqual(judged.length)
    expect(judge.requests).toBeLessThanOrEqual(2 * judged.length)

    const again = await workspace.ws.run(['translate', workspace.ws.source, '--to', 'en', '--config', cfg, '--dry-run', '--format', 'json'], { env: env() })
    expect(again.stderr).not.toMatch(/Judge \(/)
    expect(JSON.parse(again.stdout).plan.totals.judge).toMatchObject({ requests: 0 })
  })
})
