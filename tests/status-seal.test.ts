import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useShortTree } from './helpers/setup.ts'
import { useParseEvents } from './helpers/parse-events.ts'
import { parseLockRecord } from '../pipeline/state/lockfile.ts'
import { lockRecordFiles, unsealLockRecords } from './helpers/lock.ts'

// Every parse of a Markdown file, counted: a cold status of an unchanged tree must make none.
const parses = useParseEvents()

/** Issue 15: `status` of a fresh checkout (no `.l10n/status/`) answers from the sealed lock records. */
describe('status without the memo: sealed lock records', () => {
  const site = useShortTree('l10n-seal-')
  const l10n = site.l10n
  const tree = () => join(site.root, 'src/content/knowledge-cn')
  const memoLine = (text: string) => /Status: (\d+) article × locale pairs unchanged since the last look \(not parsed\), (\d+) worked out/.exec(text)!.slice(1).map(Number)
  const forgetMemo = () => rmSync(join(site.root, '.l10n/status'), { recursive: true, force: true })
  const records = () => lockRecordFiles(site.root)
  /** The records as an older l10n wrote them (no seal), for a look that parses every pair. */
  const unseal = () => unsealLockRecords(site.root)
  /** `status --format json` with no memo, as a fresh checkout meets it: its statuses, its memo counts and the parses it made. */
  const coldStatus = async (...extra: string[]) => {
    forgetMemo()
    parses.clear()
    const run = await l10n('status', tree(), '--verbose', '--format', 'json', ...extra)
    return { json: JSON.parse(run.stdout) as { statuses: { source: string; locale: string; state: string; names?: unknown; sections: { state: string; reason: string }[] }[] }, counts: memoLine(run.stderr), parses: parses.articles.length, code: run.code }
  }

  it('a cold status of an unchanged tree parses no file, and says what a full look works out (names included)', async () => {
    expect((await l10n('sync')).code).toBeLessThanOrEqual(1)
    expect(parses.articles.length).toBeGreaterThan(0)
    // Every one of the six pairs' records is sealed.
    expect(records()).toHaveLength(6)
    expect(records().every((file) => parseLockRecord(readFileSync(file, 'utf8'), file).entry.seal !== undefined)).toBe(true)
    const cold = await coldStatus()
    expect(cold.counts).toEqual([6, 0])
    expect(cold.parses).toBe(0)
    expect(cold.json.statuses.every((status) => status.names !== undefined)).toBe(true)
    // The look it kept makes the next status warm.
    parses.clear()
    expect(memoLine((await l10n('status', tree(), '--verbose')).stderr)).toEqual([6, 0])
    expect(parses.articles.length).toBe(0)
    unseal()
    const full = await coldStatus()
    expect(full.counts).toEqual([0, 6])
    expect(full.parses).toBeGreaterThan(0)
    expect(cold.json).toEqual(full.json)
    expect(cold.code).toBe(full.code)
  }, 120_000)

  it("sync's plan of a fresh checkout parses nothing either", async () => {
    expect((await l10n('sync')).code).toBeLessThanOrEqual(1)
    // The recorder hears parses: the sync that translated the tree made some.
    expect(parses.articles.length).toBeGreaterThan(0)
    forgetMemo()
    parses.clear()
    const plan = await l10n('sync', '--dry-run', '--verbose')
    expect(memoLine(plan.stderr)).toEqual([6, 0])
    expect(plan.stdout).toMatch(/6 article × locale pairs, 0 to do, 6 up to date/)
    expect(parses.articles.length).toBe(0)
  }, 120_000)

  it('an output edited by hand and an edited source are still reported without the memo, as a full look reports them', async () => {
    expect((await l10n('sync')).code).toBeLessThanOrEqual(1)
    const output = join(site.root, 'src/content/knowledge-en/article-0001.md')
    const text = readFileSync(output, 'utf8')
    const lastLine = text.trimEnd().split('\n').at(-1)!
    writeFileSync(output, text.replace(lastLine, `${lastLine} (edited by a reviewer)`))
    const source = join(site.root, 'src/content/knowledge-cn/article-0002.md')
    writeFileSync(source, readFileSync(source, 'utf8').replace('。', '，改过了。'))
    const cold = await coldStatus()
    // Only the three pairs whose files changed are parsed (the edited output's source once more for it).
    expect(cold.counts).toEqual([3, 3])
    const of = (file: string, locale: string) => cold.json.statuses.find((status) => status.source.endsWith(file) && status.locale === locale)!
    expect(of('article-0001.md', 'en').state).toBe('edited')
    expect(of('article-0001.md', 'de').state).toBe('draft')
    expect(of('article-0002.md', 'en').state).toBe('stale')
    expect(of('article-0002.md', 'de').state).toBe('stale')
    unseal()
    const full = await coldStatus()
    expect(full.counts).toEqual([0, 6])
    expect(cold.json).toEqual(full.json)
    expect(cold.code).toBe(full.code)
  }, 120_000)

  it('an approval since the sync breaks the seal of its record: that pair is worked out, and shows approved', async () => {
    expect((await l10n('sync')).code).toBeLessThanOrEqual(1)
    const source = join(tree(), 'article-0003.md')
    const approved = await l10n('approve', source, '--to', 'en', '--all', '--by', 'tester')
    expect(approved.stderr).toBe('')
    expect(approved.code).toBe(0)
    const cold = await coldStatus()
    expect(cold.counts).toEqual([5, 1])
    expect(cold.json.statuses.find((status) => status.source === source && status.locale === 'en')!.state).toBe('approved')
    unseal()
    expect((await coldStatus()).json).toEqual(cold.json)
  }, 120_000)

  it('a damaged seal is no seal: the record is refused as a whole, as any damaged record', async () => {
    expect((await l10n('sync')).code).toBeLessThanOrEqual(1)
    const file = records()[0]!
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^( {2}headings:)/m, '  headings: 7\n$1'))
    forgetMemo()
    const run = await l10n('status', tree())
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(file.split('/').at(-1))
  }, 120_000)
})
