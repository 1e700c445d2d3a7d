/**
 * The review app's API and the writes behind it (no browser): the token and cross-site
 * checks, the one write path shared with `l10n approve`, the reviewer's note reaching the
 * next translate's prompt, earlier texts recovered from git on a fresh clone, and `adopt`.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseLockfile } from '../pipeline/state/lockfile.ts'
import { readLockSync } from './helpers/lock.ts'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'
import { translationHash } from '../pipeline/review/plan.ts'
import { buildReview } from '../pipeline/review/review.ts'
import { historyRecovery } from '../pipeline/review/history.ts'
import { sectionMessages, loadPrompts } from '../pipeline/translate/prompt.ts'
import { requireLocale } from '../pipeline/article/locales.ts'
import { createWorkspace, type Workspace } from './helpers/cli.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'
import { startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai.ts'
import { isFrontmatterRequest, referenceReply } from './helpers/reference-translator.ts'
import { EDITED_SECTION, startReviewTree, type ReviewTree } from './helpers/review-app.ts'

/** A raw request, so the Host and Origin headers are exactly what the test says. */
function raw(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

describe('the review app API', { timeout: 120_000 }, () => {
  let tree: ReviewTree
  let port: number
  const api = (path: string, data: Record<string, unknown>, headers: Record<string, string> = {}) =>
    raw(port, {
      method: 'POST',
      path,
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'x-l10n-token': tree.server.token, ...headers },
      body: JSON.stringify({ file: tree.file, locale: 'en', ...data }),
    })
  beforeAll(async () => {
    tree = await startReviewTree()
    port = tree.server.port
  }, 180_000)
  afterAll(async () => tree?.close())
  // Every test starts from the tree as built, whatever the tests before it approved or edited.
  beforeEach(() => tree.reset())

  it('listens on 127.0.0.1 and prints a URL with a long random token', () => {
    expect(tree.server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{32}$`))
  })

  it('refuses a foreign Host (DNS rebinding), a missing token, a foreign origin and non-JSON posts', async () => {
    expect((await raw(port, { path: `/?token=${tree.server.token}`, headers: { host: 'evil.example' } })).status).toBe(403)
    expect((await raw(port, { path: `/?token=${tree.server.token}`, headers: { host: `localhost:${port}` } })).status).toBe(200)
    expect((await api('/api/approve', { section: EDITED_SECTION }, { 'x-l10n-token': '' })).status).toBe(403)
    expect((await api('/api/approve', { section: EDITED_SECTION }, { origin: 'http://evil.example' })).status).toBe(403)
    expect((await api('/api/approve', { section: EDITED_SECTION }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await api('/api/approve', { section: EDITED_SECTION }, { 'content-type': 'text/plain' })).status).toBe(415)
    expect(tree.lockEntry().sections[EDITED_SECTION]!.status).toBe('draft')
  })

  it('serves only listed source articles: another path is not found', async () => {
    const page = await raw(port, { path: `/review?file=${encodeURIComponent('/etc/passwd')}&locale=en&token=${tree.server.token}`, headers: { host: `127.0.0.1:${port}` } })
    expect(page.status).toBe(404)
    expect(page.body).not.toContain('root:')
    expect((await api('/api/approve', { section: EDITED_SECTION, file: tree.ws.path('examples/en/soundtrack.md') })).status).toBe(404)
    expect((await raw(port, { path: `/../../etc/passwd?token=${tree.server.token}`, headers: { host: `127.0.0.1:${port}` } })).status).toBe(404)
  })

  it('refuses to approve a section with error findings unless forced, as the CLI does', async () => {
    // A paragraph dropped from the translation is an error finding.
    const index = EDITED_SECTION
    const output = parse(tree.output(), 'en.md')
    const section = split(output)[index]!
    const shortened = section.source.slice(0, section.source.lastIndexOf('\n\n'))
    const start = output.bodyStart + section.start
    writeFileSync(tree.ws.path('examples/en/soundtrack.md'), output.text.slice(0, start) + shortened + output.text.slice(start + section.source.length))
    const refused = await api('/api/approve', { section: index })
    expect(refused.status).toBe(409)
    expect(JSON.parse(refused.body).errors).toBeGreaterThan(0)
    expect(tree.lockEntry().sections[index]!.approvedBy).not.toBe('browser-tester')
    const forced = await api('/api/approve', { section: index, force: true })
    expect(forced.status, forced.body).toBe(200)
    expect(tree.lockEntry().sections[index]).toMatchObject({ status: 'approved', approvedBy: 'browser-tester' })
    expect(JSON.parse(forced.body).html).toContain(`id="s${index}"`)
  })

  it('refuses an edit when the file changed since the page was loaded', async () => {
    const stale = await api('/api/edit', { section: EDITED_SECTION, base: translationHash('not what the file holds'), text: 'x' })
    expect(stale.status).toBe(409)
    expect(JSON.parse(stale.body).error).toContain('changed since the page was loaded')
  })

  it('sends a section back with a note kept in the lockfile; approve-all approves the rest without errors', async () => {
    const reset = await api('/api/reset', { section: EDITED_SECTION, note: 'Keep “Joe Hisaishi” and say “decades”.' })
    expect(reset.status, reset.body).toBe(200)
    expect(tree.lockEntry().sections[EDITED_SECTION]).toMatchObject({ status: 'draft', note: 'Keep “Joe Hisaishi” and say “decades”.' })
    expect(JSON.parse(reset.body).html).toContain('Keep “Joe Hisaishi” and say “decades”.')
    const all = await api('/api/approve-all', {})
    expect(all.status, all.body).toBe(200)
    const result = JSON.parse(all.body) as { approved: number; refused: number }
    // The short example's 4 sections and the frontmatter.
    expect(result.approved + result.refused).toBe(5)
    // Approving settles the request to translate again.
    expect(tree.lockEntry().sections.every((section) => section.status === 'approved' ? section.note === undefined : true)).toBe(true)
  })
})

describe("a reviewer's note reaches the next translate", { timeout: 120_000 }, () => {
  let server: FakeOpenAi
  let ws: Workspace
  beforeAll(async () => {
    server = await startFakeOpenAi({ handler: referenceReply })
  })
  afterAll(async () => server.close())
  beforeEach(() => {
    ws = createWorkspace(SHORT_EXAMPLE.source)
  })
  afterEach(() => ws.remove())

  it('puts the note into that section’s prompt, translates only it, and drops the note afterwards', async () => {
    const run = (args: string[]) => ws.run(args, { env: { OPENAI_BASE_URL: server.baseURL, L10N_REVIEWER: 'tester' } })
    expect((await run(['translate', ws.source, '--to', 'en'])).code).toBe(0)
    const { resetSection } = await import('../pipeline/review/edit.ts')
    const lockfile = ws.path('l10n.lock.yaml')
    await resetSection(ws.source, 'en', 3, 'Use “film music”, not “soundtrack”.', { lockfile, stateDir: ws.path('.l10n'), outRoot: ws.dir })
    const status = await run(['status', ws.source, '--to', 'en'])
    expect(status.stdout).toMatch(/§3 .*sent back by a reviewer/)
    server.reset()
    expect((await run(['translate', ws.source, '--to', 'en'])).code).toBe(0)
    const sections = server.requests.filter((r) => r.body && !isFrontmatterRequest(r.body))
    expect(sections).toHaveLength(1)
    const prompt = String(sections[0]!.body!.messages![1]!.content)
    expect(prompt).toContain('<reviewer-note>\nUse “film music”, not “soundtrack”.\n</reviewer-note>')
    expect(prompt).toContain('<previous-translation>')
    const record = readLockSync(lockfile).articles['examples/cn/soundtrack.md']!.en!.sections[3]!
    expect(record.note).toBeUndefined()
  })

  it('sectionMessages adds the note only when there is one, after the text', () => {
    const templates = loadPrompts()
    const input = { source: requireLocale('cn'), target: requireLocale('en'), title: 't', heading: null, entries: [], text: '正文。' }
    const without = sectionMessages(templates, input)[1]!.content as string
    expect(without).not.toContain('reviewer-note')
    const withNote = sectionMessages(templates, { ...input, note: 'Shorter, please.' })[1]!.content as string
    expect(withNote.indexOf('<reviewer-note>')).toBeGreaterThan(withNote.indexOf('正文。'))
    expect(withNote).toContain('Shorter, please.')
  })
})

describe('diffs on a fresh clone: earlier texts from git history', { timeout: 120_000 }, () => {
  let ws: Workspace
  beforeEach(() => {
    ws = createWorkspace(SHORT_EXAMPLE.source)
  })
  afterEach(() => ws.remove())

  it('shows the real source change of a one-word edit after .l10n/ is gone', async () => {
    const run = (args: string[]) => ws.run(args, { env: { L10N_REVIEWER: 'tester' } })
    const git = (...args: string[]) => execFileSync('git', ['-C', ws.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' })
    expect((await run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])).code).toBeLessThanOrEqual(1)
    expect((await run(['approve', ws.source, '--to', 'en', '--all', '--force'])).code).toBe(0)
    git('init', '-q')
    git('add', 'examples', 'l10n.lock.yaml', 'l10n.lock')
    git('commit', '-qm', 'approved')
    const text = readFileSync(ws.source, 'utf8')
    writeFileSync(ws.source, text.replace('成为动画与跨文化配乐的典型人物', '成为动画与跨文化配乐几十年的典型人物'))
    expect((await run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])).code).toBeLessThanOrEqual(1)
    // A fresh clone has no .l10n/ (it is local state).
    rmSync(ws.path('.l10n'), { recursive: true, force: true })
    const options = { lockfile: ws.path('l10n.lock.yaml'), stateDir: ws.path('.l10n'), outRoot: ws.dir }
    const without = await buildReview(ws.source, 'en', options)
    // The edited paragraph is in the short example's §1.
    expect(without.items.find((item) => item.section === 1)!.sourceBefore).toBeUndefined()
    const withHistory = await buildReview(ws.source, 'en', { ...options, recover: historyRecovery(options) })
    const item = withHistory.items.find((candidate) => candidate.section === 1)!
    expect(item.sourceBefore).toContain('成为动画与跨文化配乐的典型人物')
    expect(item.translationBefore).toBeDefined()
    const review = await run(['review', ws.source, '--to', 'en'])
    expect(review.stdout).toContain('Source: +3 −0 characters')
  })
})

describe('l10n adopt', { timeout: 120_000 }, () => {
  let ws: Workspace
  // The short example and its reference English (4 sections).
  beforeEach(() => {
    ws = createWorkspace(SHORT_EXAMPLE.source)
    cpSync(SHORT_EXAMPLE.reference, ws.path('examples/en/soundtrack.md'))
  })
  afterEach(() => ws.remove())
  const run = (args: string[]) => ws.run(args, { env: { L10N_REVIEWER: 'tester' } })
  const human = () => readFileSync(ws.path('examples/en/soundtrack.md'), 'utf8')

  it('records a human translation as approved, and translate (even --force) leaves it as it is', async () => {
    const before = human()
    const untracked = await run(['status', ws.source, '--to', 'en'])
    expect(untracked.stdout).toContain('untracked')
    const adopted = await ws.run(['adopt', ws.source, ws.path('examples/en/soundtrack.md'), '--to', 'en', '--out-root', ws.dir, '--state-dir', ws.path('.l10n')], { env: { L10N_REVIEWER: 'tester' } })
    expect(adopted.code, adopted.stderr).toBe(0)
    expect(adopted.stdout).toContain('4 sections and the frontmatter approved by tester')
    const status = await run(['status', ws.source, '--to', 'en', '--strict'])
    expect(status.code, status.stdout).toBe(0)
    expect(status.stdout).toContain('en: approved (4 approved)')
    expect((await run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])).code).toBeLessThanOrEqual(1)
    expect(human()).toBe(before)
    expect((await run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo', '--force'])).code).toBeLessThanOrEqual(1)
    expect(human()).toBe(before)
    // A changed source section is translated again; everything else, frontmatter included, stays human.
    writeFileSync(ws.source, readFileSync(ws.source, 'utf8').replace('成为动画与跨文化配乐的典型人物', '成为动画与跨文化配乐几十年的典型人物'))
    expect((await run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])).code).toBeLessThanOrEqual(1)
    const after = human()
    expect(after).not.toBe(before)
    const head = (text: string) => text.slice(0, text.indexOf('\n---', 4))
    expect(head(after)).toBe(head(before))
    const lock = readLockSync(ws.path('l10n.lock.yaml')).articles['examples/cn/soundtrack.md']!.en!
    expect(lock.sections.filter((section) => section.status === 'approved')).toHaveLength(3)
    expect(lock.frontmatter?.status).toBe('approved')
  })

  it('records drafts with --draft, refuses a second adopt without --force and a translation in the wrong place', async () => {
    const args = ['--out-root', ws.dir, '--state-dir', ws.path('.l10n')]
    const draft = await ws.run(['adopt', ws.source, ws.path('examples/en/soundtrack.md'), '--to', 'en', '--draft', ...args])
    expect(draft.code, draft.stderr).toBe(0)
    expect((await run(['status', ws.source, '--to', 'en'])).stdout).toContain('en: draft (4 draft)')
    const again = await ws.run(['adopt', ws.source, ws.path('examples/en/soundtrack.md'), '--to', 'en', ...args])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('--force')
    cpSync(ws.path('examples/en/soundtrack.md'), ws.path('elsewhere.md'))
    const misplaced = await ws.run(['adopt', ws.source, ws.path('elsewhere.md'), '--to', 'en', '--force', ...args])
    expect(misplaced.code).toBe(2)
    expect(misplaced.stderr).toContain('examples/en/soundtrack.md')
  })
})

describe('l10n review --serve on the command line', { timeout: 120_000 }, () => {
  let ws: Workspace
  beforeEach(() => {
    ws = createWorkspace(SHORT_EXAMPLE.source)
  })
  afterEach(() => ws.remove())

  it('prints the URL with its token, serves the start page, and stops with exit 0 on the signal', async () => {
    expect((await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])).code).toBeLessThanOrEqual(1)
    const controller = new AbortController()
    let stdout = ''
    const { main } = await import('../pipeline/cli/main.ts')
    const running = main(['review', '--serve', ws.path('examples'), '--to', 'en', '--out-root', ws.dir, '--state-dir', ws.path('.l10n'), '--by', 'cli-tester'], {
      stdout: (text) => void (stdout += text),
      stderr: () => {},
      isTty: false,
      env: { L10N_LANG: 'en' },
      signal: controller.signal,
    })
    await expect.poll(() => stdout, { timeout: 60_000 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/)
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(stdout)![0]
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('soundtrack.md')
    controller.abort()
    expect(await running).toBe(0)
    await expect(fetch(url)).rejects.toThrow()
  })

  it('refuses --serve with --html', async () => {
    const result = await ws.run(['review', '--serve', '--html', 'x.html', '--to', 'en'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--serve and --html')
  })
})

describe('the lockfile note', () => {
  it('must be text', () => {
    const text = 'version: 1\narticles:\n  a.md:\n    en:\n      output: b.md\n      sections:\n        - sourceHash: x\n          translationHash: y\n          status: draft\n          note: 5\n'
    expect(() => parseLockfile(text, 'l10n.lock.yaml')).toThrow(/l10n\.lock\.yaml:10:17: .*note: expected text, got 5/)
    expect(parseLockfile(text.replace('note: 5', 'note: "shorter"'), 'l10n.lock.yaml').articles['a.md']!.en!.sections[0]!.note).toBe('shorter')
  })
})
