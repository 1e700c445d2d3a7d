import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { captureMain } from './helpers/cli.ts'
import { parseShard, shardOf, shareOfLimit } from '../pipeline/run/shard.ts'
import { generateTree, treeConfig } from '../scripts/generate-tree.ts'
import { lockText, readLockSync } from './helpers/lock.ts'
import { referenceReply } from './helpers/reference-translator.ts'
import { useFakeOpenAi } from './helpers/setup.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

// The test: 4 shards of a 40-article tree against one unsharded run.
const ARTICLES = 40
const SHARDS = 4
const LOCALES = ['en', 'de']

const fake = useFakeOpenAi({ handler: referenceReply })
let base: string
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'l10n-shard-'))
  generateTree(join(base, 'tree'), { articles: ARTICLES, sectionsPerArticle: 1, example: SHORT_EXAMPLE.tree })
  writeFileSync(join(base, 'tree/l10n.config.yaml'), treeConfig(LOCALES))
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

/** A fresh checkout of the tree, as each runner of a CI matrix has. */
function checkout(name: string): string {
  const dir = join(base, name)
  cpSync(join(base, 'tree'), dir, { recursive: true })
  return dir
}
async function cli(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return { ...(await captureMain(args, { env: fake.env({ L10N_LANG: 'en', ...env }) })), dir }
}
const sync = (dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => cli(dir, ['sync', '--config', join(dir, 'l10n.config.yaml'), ...args], env)
/** Every file a run left in the repository (not the local state folder), with its text. */
function committed(dir: string): Map<string, string> {
  const files = new Map<string, string>()
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/')
    if (!entry.isFile() || path.startsWith('.l10n/') || path.startsWith('reports/')) continue
    files.set(path, readFileSync(join(dir, path), 'utf8'))
  }
  return files
}
const sources = () => readdirSync(join(base, 'tree/src/content/knowledge-cn')).map((name) => `src/content/knowledge-cn/${name}`)

describe('sync --shard i/n', () => {
  it('4 shards of a 40-article tree together produce exactly the drafts and lock records of one run, without touching the same file', async () => {
    const before = committed(join(base, 'tree'))
    // Each runner checks the repository out at the same path (as CI runners do), runs, and
    // leaves its changes (its pull request) and its report; the next starts afresh.
    const runner = async (args: string[]) => {
      const dir = checkout('runner')
      const run = await sync(dir, args)
      expect(run.code, run.stdout + run.stderr).toBe(0)
      const files = committed(dir)
      const report = join(base, `report-${args.join('').replace(/\W/g, '') || 'whole'}.json`)
      cpSync(join(dir, 'reports/l10n.json'), report)
      rmSync(dir, { recursive: true })
      return { run, files, report, changed: [...files].filter(([path, text]) => before.get(path) !== text) }
    }
    const whole = await runner([])
    const shards = []
    for (let index = 1; index <= SHARDS; index++) shards.push(await runner(['--shard', `${index}/${SHARDS}`]))
    const changes = shards.map((shard) => shard.changed)
    const owner = new Map<string, number>()
    changes.forEach((changed, shard) => {
      for (const [path] of changed) {
        // The index is the same text in every shard (a new file added identically merges cleanly).
        if (path === 'l10n.lock.yaml') continue
        expect(owner.get(path), `${path} is changed by shards ${owner.get(path)} and ${shard}`).toBeUndefined()
        owner.set(path, shard)
      }
    })
    const indexes = new Set(changes.flatMap((changed) => changed.filter(([path]) => path === 'l10n.lock.yaml').map(([, text]) => text)))
    expect(indexes.size).toBe(1)
    // Every shard took some articles, and together all of them, each once.
    const taken = shards.map(({ run }) => Number(/Shard \d\/4: (\d+) of 40 articles/.exec(run.stderr + run.stdout)![1]))
    expect(taken.every((count) => count > 0)).toBe(true)
    expect(taken.reduce((a, b) => a + b, 0)).toBe(ARTICLES)

    // The shards' changes merged: the same drafts and lock records as the unsharded run, byte for byte.
    const merged = new Map(before)
    for (const changed of changes) for (const [path, text] of changed) merged.set(path, text)
    const reference = whole.files
    expect([...merged.keys()].sort()).toEqual([...reference.keys()].sort())
    for (const [path, text] of reference) expect(merged.get(path), path).toBe(text)
    expect(reference.has('l10n.lock.yaml')).toBe(true)
    expect([...reference.keys()].filter((path) => path.startsWith('l10n.lock/'))).toHaveLength(ARTICLES * LOCALES.length)

    // The shards' reports joined: the report of the unsharded run.
    const reports = shards.map((shard) => shard.report)
    const out = join(base, 'merged.json')
    const joined = await cli(base, ['report', 'merge', ...reports, '--report-json', out, '--report-md', join(base, 'merged.md')])
    expect(joined.code, joined.stdout + joined.stderr).toBe(0)
    expect(joined.stdout).toMatch(/Merged 4 reports: 80 article × locale pairs, 80 written, 0 failed, \d+ requests/)
    const report = JSON.parse(readFileSync(out, 'utf8'))
    const single = JSON.parse(readFileSync(whole.report, 'utf8'))
    const pairs = (items: { source: string; locale: string; status?: string; state?: string; requests: number }[]) => items.map((item) => [item.source, item.locale, item.status ?? item.state, item.requests])
    expect(report.schemaVersion).toBe(1)
    expect(pairs(report.plan.items)).toEqual(pairs(single.plan.items))
    expect(pairs(report.articles)).toEqual(pairs(single.articles))
    expect(pairs(report.run.articles)).toEqual(pairs(single.run.articles))
    expect(report.run.totals).toEqual(single.run.totals)
    expect({ ...report.plan.totals, usd: 0 }).toEqual({ ...single.plan.totals, usd: 0 })
    expect(report.plan.totals.usd).toBeCloseTo(single.plan.totals.usd, 10)
    expect(report.cost.usd).toBeCloseTo(single.cost.usd, 10)
    expect(report.exitCode).toBe(single.exitCode)
    expect(report.merged.map((entry: { shard: { index: number } }) => entry.shard.index)).toEqual([1, 2, 3, 4])
    expect(readFileSync(join(base, 'merged.md'), 'utf8')).toContain(`| **Total** |`)

    // A merge of fewer shards says which are missing; one shard twice is refused.
    const partial = await cli(base, ['report', 'merge', reports[0]!, reports[2]!])
    expect(partial.stderr).toContain('no report of shard 2/4, 4/4')
    const twice = await cli(base, ['report', 'merge', reports[0]!, reports[0]!])
    expect(twice.code).toBe(2)
    expect(twice.stderr).toContain('shard 1/4 is given twice')
  }, 600_000)

  it('a shard runs with 1/n of the rate limits, and refuses a bad --shard', async () => {
    const dir = checkout('limits')
    const plan = await sync(dir, ['--shard', '2/4', '--rpm', '100', '--tpm', '40002', '--concurrency', '8', '--dry-run', '--format', 'json'])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stderr).toMatch(/Shard 2\/4: \d+ of 40 articles; rate limits for this shard: concurrency 2, rpm 25, tpm 10000/)
    const report = JSON.parse(plan.stdout)
    expect(report.shard).toMatchObject({ index: 2, count: 4, of: 40, limits: { concurrency: 2, requestsPerMinute: 25, tokensPerMinute: 10000 } })
    const mine = sources().filter((source) => shardOf(source, 4) === 2)
    expect(report.shard.articles).toBe(mine.length)
    expect(new Set(report.plan.items.map((item: { source: string }) => relative(dir, item.source)))).toEqual(new Set(mine))
    // The environment's limits are shared out too, and the queue holds to them: 8 at once
    // for the whole matrix is 2 at once for this shard, as the server sees it.
    fake.server.setHandler(async (body) => ({ ...(await referenceReply(body)), delayMs: 30 }))
    const run = await sync(dir, ['--shard', '2/4'], { L10N_CONCURRENCY: '8' })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stderr).toContain('rate limits for this shard: concurrency 2, rpm -, tpm -')
    expect(fake.server.maxInFlight).toBe(2)
    for (const bad of ['0/4', '5/4', '1/0', 'two/4', '1']) {
      const refused = await sync(dir, ['--shard', bad, '--dry-run'])
      expect(refused.code, bad).toBe(2)
      expect(refused.stderr).toContain(`--shard takes i/n with 1 ≤ i ≤ n (for example 2/4), got "${bad}"`)
    }
  }, 300_000)

  it('a shard leaves a single-file lockfile as it is and writes only its own records beside it', async () => {
    const dir = checkout('single')
    // One article translated by an older l10n: a `version: 1` lockfile with its records.
    expect((await sync(dir, [join(dir, sources()[0]!)])).code).toBe(0)
    const split = lockText(join(dir, 'l10n.lock.yaml'))
    rmSync(join(dir, 'l10n.lock'), { recursive: true })
    writeFileSync(join(dir, 'l10n.lock.yaml'), split)
    const index = shardOf(sources()[1]!, 4)
    const run = await sync(dir, ['--shard', `${index}/4`])
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(readFileSync(join(dir, 'l10n.lock.yaml'), 'utf8')).toBe(split)
    const written = readdirSync(join(dir, 'l10n.lock/src/content/knowledge-cn')).map((name) => name.replace(/\.(en|de)\.yaml$/, ''))
    expect(written.every((name) => shardOf(`src/content/knowledge-cn/${name}`, 4) === index)).toBe(true)
    expect(written).toContain(sources()[1]!.split('/').pop())
    // The first article's records are still read from the single file; an unsharded run then splits it.
    const first = join(dir, sources()[0]!)
    const status = await cli(dir, ['status', first, '--config', join(dir, 'l10n.config.yaml')])
    expect(status.stdout).toMatch(/article-0001\.md → en: draft/)
    const shardRecord = readFileSync(join(dir, 'l10n.lock', `${sources()[1]!}.en.yaml`), 'utf8')
    writeFileSync(first, readFileSync(first, 'utf8').trimEnd() + '一句新话。\n')
    expect((await sync(dir, [first])).code).toBe(0)
    expect(readFileSync(join(dir, 'l10n.lock.yaml'), 'utf8')).toMatch(/^version: 2$/m)
    expect(existsSync(join(dir, 'l10n.lock', `${sources()[0]!}.en.yaml`))).toBe(true)
    expect(readFileSync(join(dir, 'l10n.lock', `${sources()[1]!}.en.yaml`), 'utf8')).toBe(shardRecord)
    expect(Object.keys(readLockSync(join(dir, 'l10n.lock.yaml')).articles)).toEqual(expect.arrayContaining([sources()[0], sources()[1]]))
  }, 300_000)
})

describe('shard arithmetic', () => {
  it('parses i/n, hashes stably, and shares limits so n shards never exceed them', () => {
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 })
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 })
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '-1/4', '1.5/4']) expect(parseShard(bad), bad).toBeUndefined()
    // sha256("src/content/knowledge-cn/article-0001.md") starts with these digits: the documented rule.
    for (const key of ['src/content/knowledge-cn/article-0001.md', 'a.md', '../outside/b.md']) {
      expect(shardOf(key, 7)).toBe((Number.parseInt(createHash('sha256').update(key).digest('hex').slice(0, 8), 16) % 7) + 1)
    }
    expect(shardOf('a.md', 1)).toBe(1)
    expect(shareOfLimit(100, 4)).toBe(25)
    expect(shareOfLimit(3, 4)).toBe(1)
    expect(shareOfLimit(10, 3) * 3).toBeLessThanOrEqual(10)
  })
})
