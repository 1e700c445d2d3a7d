import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CLI_COMMAND, captureMain } from './helpers/cli.ts'
import { readLockSync } from './helpers/lock.ts'
import { acquireLock } from '../pipeline/state/run-lock.ts'
import { generateTree, treeConfig } from '../scripts/generate-tree.ts'
import { referenceReply } from './helpers/reference-translator.ts'
import { useFakeOpenAi } from './helpers/setup.ts'
import { waitFor } from './helpers/wait.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

// Four articles × three locales: enough for one queue across articles and locales, a budget
// that runs out and a kill that lands mid-run; every count below derives from these.
const ARTICLES = 4
const SECTIONS = 3
const LOCALES = ['en', 'de', 'fr']
/** One request per section and one for the frontmatter, per article × locale. */
const FULL_RUN = ARTICLES * LOCALES.length * (SECTIONS + 1)

const fake = useFakeOpenAi({ handler: referenceReply })
let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'l10n-sync-'))
  generateTree(root, { articles: ARTICLES, sectionsPerArticle: SECTIONS, example: SHORT_EXAMPLE.tree })
  writeFileSync(join(root, 'l10n.config.yaml'), treeConfig(LOCALES))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const env = () => fake.env({ L10N_LANG: 'en' })
async function sync(args: string[] = [], signal?: AbortSignal) {
  return captureMain(['sync', '--config', join(root, 'l10n.config.yaml'), ...args], { env: env(), ...(signal ? { signal } : {}) })
}
const outputs = () =>
  LOCALES.flatMap((locale) => {
    const dir = join(root, `src/content/knowledge-${locale}`)
    return existsSync(dir) ? readdirSync(dir).map((name) => `${locale}/${name}`) : []
  }).sort()
const allFiles = (dir = root): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? allFiles(join(dir, entry.name)) : [relative(root, join(dir, entry.name))]))

describe('l10n sync', () => {
  it('--dry-run prints the plan and an estimate and makes zero requests', async () => {
    const run = await sync(['--dry-run'])
    expect(run.code).toBe(0)
    expect(fake.server.requests).toHaveLength(0)
    expect(run.stdout).toContain('src/content/knowledge-cn/article-0001.md → en: missing, 3 sections to translate (4 requests)')
    expect(run.stdout).toMatch(new RegExp(`Plan: ${ARTICLES * 3} article × locale pairs, ${ARTICLES * 3} to do, 0 up to date; estimate ${FULL_RUN} requests, \\d+ tokens, cost \\$0\\.\\d+`))
    // Read-only: the configured reports are not written, and no lock is left or taken.
    expect(existsSync(join(root, 'reports/l10n.json'))).toBe(false)
    expect(existsSync(join(root, 'l10n.lock.yaml.sync-lock'))).toBe(false)
    const json = await sync(['--dry-run', '--format', 'json'])
    const report = JSON.parse(json.stdout)
    expect(report).toMatchObject({ schemaVersion: 1, command: 'sync', dryRun: true, exitCode: 0 })
    expect(report.plan.totals.requests).toBe(FULL_RUN)
    expect(report.plan.totals.promptTokens).toBeGreaterThan(0)
    expect(outputs()).toEqual([])
    expect(allFiles().filter((file) => !file.startsWith('src/') && file !== 'l10n.config.yaml')).toEqual([])
  })

  it('translates everything through one queue, then a second run makes zero requests; reports say so', async () => {
    const first = await sync(['--concurrency', '4'])
    expect(first.code, first.stdout + first.stderr).toBe(0)
    expect(fake.server.requests).toHaveLength(FULL_RUN)
    expect(fake.server.maxInFlight).toBeLessThanOrEqual(4)
    expect(outputs()).toHaveLength(ARTICLES * LOCALES.length)
    const markdown = readFileSync(join(root, 'reports/l10n.md'), 'utf8')
    expect(markdown).toContain('| **Total** |')
    expect(markdown).toContain('article-0001.md | de | written')
    const report = JSON.parse(readFileSync(join(root, 'reports/l10n.json'), 'utf8'))
    expect(report.run.totals).toMatchObject({ written: ARTICLES * 3, failed: 0, requests: FULL_RUN, errors: 0 })
    expect(report.exitCode).toBe(0)
    expect(report.articles).toHaveLength(ARTICLES * 3)
    expect(report.articles[0]).toMatchObject({ status: 'written', requests: SECTIONS + 1, findings: { error: 0 } })
    expect(report.articles[0].cost).toBeGreaterThan(0)

    fake.server.reset()
    const second = await sync()
    expect(second.code).toBe(0)
    expect(fake.server.requests).toHaveLength(0)
    expect(second.stdout).toContain(`0 to do, ${ARTICLES * 3} up to date`)
  })

  it('a content folder given on the command line yields the sources only, never the translations', async () => {
    expect((await sync()).code).toBe(0)
    const dry = await sync([join(root, 'src/content'), '--dry-run'])
    expect(dry.code, dry.stdout + dry.stderr).toBe(0)
    expect(dry.stdout).toContain(`Plan: ${ARTICLES * 3} article × locale pairs, 0 to do, ${ARTICLES * 3} up to date`)
    expect(dry.stdout).not.toContain('knowledge-en/')
  })

  it('refuses a zero or negative budget as a usage error', async () => {
    for (const flag of ['--max-requests', '--max-tokens', '--max-cost']) {
      const run = await sync([flag, '0', '--dry-run'])
      expect(run.code, flag).toBe(2)
      expect(run.stderr).toContain(flag)
    }
  })

  it('--frozen fails while anything is missing or stale, without translating', async () => {
    expect((await sync(['--frozen'])).code).toBe(1)
    expect(fake.server.requests).toHaveLength(0)
    expect((await sync()).code).toBe(0)
    expect((await sync(['--frozen'])).code).toBe(0)
    const file = join(root, 'src/content/knowledge-cn/article-0002.md')
    writeFileSync(file, readFileSync(file, 'utf8').replace('这是第二篇文章的内容。', '这是第二篇文章修改后的内容。'))
    fake.server.reset()
    const frozen = await sync(['--frozen'])
    expect(frozen.code).toBe(1)
    expect(frozen.stdout).toMatch(/article-0002\.md → en: stale, 1 section to translate/)
    expect(fake.server.requests).toHaveLength(0)
  })

  it('stops cleanly at the budget with exit code 3, keeps finished work, and the rerun pays only for the rest', async () => {
    const limited = await sync(['--max-requests', '20', '--concurrency', '2'])
    expect(limited.code).toBe(3)
    expect(limited.stderr).toContain('Budget reached (maxRequests)')
    expect(fake.server.requests.length).toBeLessThanOrEqual(20)
    const report = JSON.parse(readFileSync(join(root, 'reports/l10n.json'), 'utf8'))
    expect(report.budget.reached).toBe(true)
    expect(report.exitCode).toBe(3)
    // No half-written output: every draft that exists is complete (it parses and has all sections).
    for (const entry of outputs()) {
      const [locale, name] = entry.split('/')
      const text = readFileSync(join(root, `src/content/knowledge-${locale}/${name}`), 'utf8')
      expect(text).toContain(`locale: ${locale}`)
      expect(text.match(/^## /gm)).toHaveLength(SECTIONS)
    }
    const firstRequests = fake.server.requests.length
    fake.server.reset()
    const rest = await sync()
    expect(rest.code).toBe(0)
    expect(firstRequests + fake.server.requests.length).toBe(FULL_RUN)
    expect(outputs()).toHaveLength(ARTICLES * 3)
  })

  it('a run killed with SIGKILL halfway finishes on rerun with no loss and no repeated requests', async () => {
    // The bin as a user runs it (compiled; the test run rebuilds dist/ when a source is
    // newer, as for every spawned test).
    const child = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), 'sync', '--config', join(root, 'l10n.config.yaml'), '--concurrency', '2'], {
      env: { ...process.env, ...env(), NO_COLOR: '1' },
      stdio: 'ignore',
    })
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    // Slow answers, so the kill lands in the middle of the run.
    fake.server.setHandler(async (body) => ({ ...(await referenceReply(body)), delayMs: 20 }))
    await waitFor(() => fake.server.requests.length >= FULL_RUN / 2, 'the child to be halfway', 60_000)
    child.kill('SIGKILL')
    await exited
    const answeredBeforeKill = fake.server.requests.length
    expect(answeredBeforeKill).toBeLessThan(FULL_RUN)
    // The lockfile (if any) parses.
    readLockSync(join(root, 'l10n.lock.yaml'))

    // Every answer the killed run accepted is in the cache: those are never asked again.
    const cachedBeforeRerun = allFiles().filter((file) => file.startsWith('.l10n/cache/') && file.endsWith('.json')).length
    expect(cachedBeforeRerun).toBeGreaterThan(0)

    fake.server.reset()
    fake.server.setHandler(referenceReply)
    const rerun = await sync()
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0)
    expect(outputs()).toHaveLength(ARTICLES * 3)
    // No half-written file and no leftover temp or pending file in the content tree.
    expect(allFiles().filter((file) => !file.startsWith('.l10n') && /\.tmp$|l10n-pending/.test(file))).toEqual([])
    expect(fake.server.requests.length).toBe(FULL_RUN - cachedBeforeRerun)
  }, 240_000) // a real child process running a whole sync can take long on a busy machine

  it('refuses to overlap with a running sync, and takes over the lock of a dead one', async () => {
    const release = await acquireLock(join(root, 'l10n.lock.yaml.sync-lock'), { owner: 'another l10n sync' })
    const blocked = await sync()
    expect(blocked.code).toBe(2)
    expect(blocked.stderr).toMatch(/another run holds the lock .*sync-lock \(pid \d+\)/)
    expect(fake.server.requests).toHaveLength(0)
    // Read-only runs take no lock, so they may look while a sync runs.
    expect((await sync(['--dry-run'])).code).toBe(0)
    expect((await sync(['--frozen'])).code).toBe(1)
    await release()
    writeFileSync(join(root, 'l10n.lock.yaml.sync-lock'), JSON.stringify({ pid: 999999, host: (await import('node:os')).hostname(), startedAt: new Date().toISOString(), owner: 'dead' }))
    expect((await sync(['--max-requests', '1'])).code).toBe(3)
  })

  it('reports every config problem at once with its place', async () => {
    writeFileSync(join(root, 'l10n.config.yaml'), 'sourceLocale: cn\nsourcePattern: src/{slug}.md\ntargetLocales: [en, xx]\nconcurrency: -1\nbogus: 1\n')
    const run = await sync()
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/l10n\.config\.yaml:3:\d+: targetLocales\[1\]/)
    expect(run.stderr).toMatch(/l10n\.config\.yaml:4:\d+: concurrency/)
    expect(run.stderr).toMatch(/l10n\.config\.yaml:5:\d+: bogus/)
    expect(run.stderr).toMatch(/sourcePattern/)
  })

  it('one unparsable source never stops the others: planned as failed, the rest translated, exit 1', async () => {
    const broken = join(root, 'src/content/knowledge-cn/article-0003.md')
    writeFileSync(broken, readFileSync(broken, 'utf8').replace(/^title: .*$/m, 'title: [unclosed'))
    const failedLine = /article-0003\.md → (en|de|fr): failed: .*article-0003\.md.*invalid YAML/g

    const dry = await sync(['--dry-run'])
    expect(dry.code, dry.stderr).toBe(1)
    expect(dry.stdout.match(failedLine)).toHaveLength(3)
    expect(dry.stdout).toContain('article-0001.md → en: missing, 3 sections to translate')
    expect(dry.stdout).toContain('3 pairs could not be planned')
    expect(fake.server.requests).toHaveLength(0)
    const planned = JSON.parse((await sync(['--dry-run', '--format', 'json'])).stdout)
    expect(planned.plan.totals).toMatchObject({ work: (ARTICLES - 1) * 3, failed: 3 })
    expect(planned.plan.items.filter((item: { state: string }) => item.state === 'failed')[0]).toMatchObject({ error: { code: 'E_YAML' } })

    const frozen = await sync(['--frozen'])
    expect(frozen.code).toBe(1)
    expect(frozen.stdout.match(failedLine)).toHaveLength(3)
    expect(frozen.stdout).toContain('3 article × locale pairs could not be planned')

    const run = await sync()
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(outputs()).toHaveLength((ARTICLES - 1) * 3)
    expect(run.stderr).toMatch(/article-0003\.md.*invalid YAML/)
    const report = JSON.parse(readFileSync(join(root, 'reports/l10n.json'), 'utf8'))
    expect(report.exitCode).toBe(1)
    expect(report.articles.filter((article: { status: string }) => article.status === 'written')).toHaveLength((ARTICLES - 1) * 3)
    expect(report.articles.filter((article: { source: string; status: string }) => article.source.endsWith('article-0003.md') && article.status === 'failed')).toHaveLength(3)
    expect(readFileSync(join(root, 'reports/l10n.md'), 'utf8')).toMatch(/article-0003\.md \| en \| failed: .*invalid YAML/)
  })

  it('an output l10n did not write is shown as needing --force, not as sections to translate', async () => {
    mkdirSync(join(root, 'src/content/knowledge-en'), { recursive: true })
    const handMade = join(root, 'src/content/knowledge-en/article-0001.md')
    writeFileSync(handMade, readFileSync(join(root, 'src/content/knowledge-cn/article-0001.md'), 'utf8').replace('locale: cn', 'locale: en'))

    const frozen = await sync(['--frozen'])
    expect(frozen.code).toBe(1)
    expect(frozen.stdout).toMatch(/article-0001\.md → en: untracked: .*knowledge-en\/article-0001\.md was not written by l10n.*unless --force/)
    expect(frozen.stdout).not.toMatch(/article-0001\.md → en: untracked, \d+ sections? to translate/)
    expect(frozen.stdout).toContain(`${ARTICLES * 3 - 1} to do`)
    expect(frozen.stdout).toContain('1 pair has an output l10n did not write: rerun with --force')
    expect(frozen.stdout).toContain('Frozen: 1 article × locale pair has an output l10n did not write; run l10n sync --force')

    const forced = await sync(['--dry-run', '--force'])
    expect(forced.stdout).toContain('article-0001.md → en: untracked, 3 sections to translate (4 requests)')
    expect(forced.stdout).toContain(`${ARTICLES * 3} to do`)
    expect(forced.stdout).not.toContain('--force to overwrite')
  })
})
