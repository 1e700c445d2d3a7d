import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../pipeline/cli/main.ts'
import { captureMain } from './helpers/cli.ts'
import { translationStatus } from '../pipeline/review/status.ts'
import { stampFile } from '../pipeline/state/memo.ts'
import { useShortTree, useWorkspace } from './helpers/setup.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

/** Puts a file's times on a whole second, as a file system with a coarse clock keeps them. */
function pinTimes(path: string): void {
  const seconds = Math.floor(statSync(path).mtimeMs / 1000)
  utimesSync(path, seconds, seconds)
}

/** Writes `text` over `path` and puts its (pinned) times back, as an edit within one tick of a coarse clock leaves them. */
function editKeepingTimes(path: string, edit: (text: string) => string): void {
  const before = statSync(path)
  const text = readFileSync(path, 'utf8')
  const next = edit(text)
  expect(Buffer.byteLength(next)).toBe(Buffer.byteLength(text))
  expect(next).not.toBe(text)
  writeFileSync(path, next)
  utimesSync(path, before.atime, before.mtime)
  expect(statSync(path).size).toBe(before.size)
  expect(statSync(path).mtimeMs).toBe(before.mtimeMs)
}

describe('file stamps', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'l10n-stamp-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('trusts a stat taken well after the last change, and hashes every other', async () => {
    const file = join(dir, 'a.md')
    writeFileSync(file, 'first text')
    pinTimes(file)
    const fresh = (await stampFile(file))!
    expect(fresh.read).toBe(true)
    // Taken right after the write: within the racy window, so the next look hashes again.
    expect((await stampFile(file, fresh.stamp))!.read).toBe(true)
    // A stamp taken long after the write (as a later run's is): its stat is trusted, nothing is read.
    const later = (await stampFile(file, undefined, () => Date.now() + 60_000))!
    const trusted = (await stampFile(file, later.stamp))!
    expect(trusted).toEqual({ stamp: later.stamp, read: false })
    // Same size, mtime put back: the change time still moves, so the content is hashed and the edit seen.
    editKeepingTimes(file, (text) => text.replace('first', 'final'))
    const edited = (await stampFile(file, later.stamp))!
    expect(edited.read).toBe(true)
    expect(edited.stamp.hash).not.toBe(later.stamp.hash)
    expect(await stampFile(join(dir, 'missing.md'))).toBeUndefined()
  })
})

describe('status: the no-op fast path', () => {
  const workspace = useWorkspace(SHORT_EXAMPLE.source)
  const run = (args: string[]) => workspace.ws.run(args, { env: { L10N_REVIEWER: 'tester' } })
  const status = (...extra: string[]) => run(['status', workspace.ws.source, '--to', 'en', '--verbose', ...extra])
  const memoLine = (text: string) => /Status: (\d+) article × locale pairs unchanged since the last look \(not parsed\), (\d+) worked out/.exec(text)!.slice(1).map(Number)

  it('gives an unchanged pair its status without parsing, and sees every change that matters', async () => {
    const { ws } = workspace
    expect((await run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])).code).toBeLessThanOrEqual(1)
    const output = ws.path('examples/en/soundtrack.md')
    pinTimes(output)
    pinTimes(ws.source)
    const first = await status()
    expect(memoLine(first.stderr)).toEqual([0, 1])
    const second = await status()
    expect(memoLine(second.stderr)).toEqual([1, 0])
    expect(second.stdout).toBe(first.stdout)
    expect(second.stdout).toContain('soundtrack.md → en: draft')
    // What the memo gives equals what a full look works out, field for field.
    const options = { lockfile: ws.path('l10n.lock.yaml'), stateDir: ws.path('.l10n'), outRoot: ws.dir }
    const memoized = await translationStatus([ws.source], ['en'], options)
    expect(await translationStatus([ws.source], ['en'], options, undefined, undefined, { memo: false })).toEqual(memoized)

    // An edit of the output that keeps its size and mtime: seen (hashed), shown as a hand edit.
    editKeepingTimes(output, (text) => text.replace(/Joe Hisaishi/, 'Joe Hisaishx'))
    const edited = await status()
    expect(memoLine(edited.stderr)).toEqual([0, 1])
    expect(edited.stdout).toContain('soundtrack.md → en: edited by hand')
    expect(memoLine((await status()).stderr)).toEqual([1, 0])

    // The same for the source (another section than the hand edit's): its section is stale.
    editKeepingTimes(ws.source, (text) => text.replace('身份融合的平台', '身份融合的舞台'))
    const stale = await status()
    expect(memoLine(stale.stderr)).toEqual([0, 1])
    expect(stale.stdout).toContain('soundtrack.md → en: stale')

    // A new lock record (an approval) or other settings (no glossary) are worked out again too.
    writeFileSync(ws.source, readFileSync(ws.source, 'utf8').replace('身份融合的舞台', '身份融合的平台'))
    writeFileSync(output, readFileSync(output, 'utf8').replace('Joe Hisaishx', 'Joe Hisaishi'))
    expect((await status()).stdout).toContain('soundtrack.md → en: draft')
    expect((await run(['approve', ws.source, '--to', 'en', '--all', '--force'])).code).toBe(0)
    const approved = await status()
    expect(memoLine(approved.stderr)).toEqual([0, 1])
    expect(approved.stdout).toContain('soundtrack.md → en: approved')
    expect(memoLine((await status('--no-glossary')).stderr)).toEqual([0, 1])
    expect(memoLine((await status('--no-glossary')).stderr)).toEqual([1, 0])

    // A damaged memo record is a miss, never a wrong answer.
    const memoDir = ws.path('.l10n/status')
    for (const sub of readdirSync(memoDir)) for (const name of readdirSync(join(memoDir, sub))) writeFileSync(join(memoDir, sub, name), '{"format":1,')
    const damaged = await status()
    expect(memoLine(damaged.stderr)).toEqual([0, 1])
    expect(damaged.stdout).toContain('soundtrack.md → en: approved')
  }, 120_000)
})

describe('sync: the no-op fast path', () => {
  const site = useShortTree('l10n-noop-')
  async function sync(...args: string[]) {
    return captureMain(['sync', '--config', join(site.root, 'l10n.config.yaml'), '--verbose', ...args], { env: { L10N_LANG: 'en' } })
  }

  it('plans an unchanged tree from the memo, and an edit that keeps size and mtime as work', async () => {
    expect((await sync()).code).toBeLessThanOrEqual(1)
    // The run kept the status of every pair it wrote: the next plan parses nothing.
    const noop = await sync('--dry-run')
    expect(noop.stderr).toContain('Status: 6 article × locale pairs unchanged since the last look (not parsed), 0 worked out')
    expect(noop.stdout).toMatch(/6 article × locale pairs, 0 to do, 6 up to date/)
    expect((await sync()).stderr).toContain('Status: 6 article × locale pairs unchanged since the last look (not parsed), 0 worked out')
    // What the run kept is what a full look works out.
    const statusJson = async () => {
      let stdout = ''
      await main(['status', join(site.root, 'src/content/knowledge-cn'), '--config', join(site.root, 'l10n.config.yaml'), '--format', 'json'], { stdout: (text) => void (stdout += text), stderr: () => {}, isTty: false, env: { L10N_LANG: 'en' } })
      return JSON.parse(stdout)
    }
    const remembered = await statusJson()
    rmSync(join(site.root, '.l10n/status'), { recursive: true })
    expect(await statusJson()).toEqual(remembered)
    expect(remembered.statuses).toHaveLength(6)
    // Gone with the folder, the memo is not needed for an unchanged tree: the sealed lock
    // records give every pair (tests/status-seal.test.ts), for sync's plan as for status.
    expect((await sync('--dry-run')).stderr).toContain('Status: 6 article × locale pairs unchanged since the last look (not parsed), 0 worked out')
    expect((await sync()).stderr).toContain('Status: 6 article × locale pairs unchanged since the last look (not parsed), 0 worked out')
    expect((await statusJson()).statuses).toEqual(remembered.statuses)
    const source = join(site.root, 'src/content/knowledge-cn/article-0002.md')
    pinTimes(source)
    editKeepingTimes(source, (text) => text.replace(/。/, '！'))
    const edited = await sync('--dry-run')
    expect(edited.stderr).toContain('Status: 4 article × locale pairs unchanged since the last look (not parsed), 2 worked out')
    expect(edited.stdout).toMatch(/6 article × locale pairs, 2 to do, 4 up to date/)
  }, 120_000)
})
