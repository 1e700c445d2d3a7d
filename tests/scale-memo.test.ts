import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useShortTree } from './helpers/setup.ts'
import { unsealLockRecords } from './helpers/lock.ts'

/** Issue 15's site scale: what a sync leaves for the `status` after it. */
describe('sync keeps what status needs', () => {
  const site = useShortTree('l10n-scale-memo-')
  const l10n = site.l10n
  const tree = () => join(site.root, 'src/content/knowledge-cn')
  const memoLine = (text: string) => /Status: (\d+) article × locale pairs unchanged since the last look \(not parsed\), (\d+) worked out/.exec(text)!.slice(1).map(Number)
  /** The names-coverage records of the memo folder (`names\0<file>` keys), by file. */
  const coverageRecords = () =>
    readdirSync(join(site.root, '.l10n/status'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(site.root, '.l10n/status', name), 'utf8')) as { file?: string; coverage?: unknown })
      .filter((record) => record.coverage !== undefined)

  /** The lock records as an older l10n wrote them (no seal): a status then parses what the memo does not give. */
  const unseal = () => unsealLockRecords(site.root)

  it('a status right after a sync (provider named in the config, none on the status command) parses no pair: sync kept its slot too', async () => {
    expect((await l10n('sync')).code).toBeLessThanOrEqual(1)
    const after = await l10n('status', tree(), '--verbose', '--format', 'json')
    expect(memoLine(after.stderr)).toEqual([6, 0])
    // What the memo gives is what a full look works out (no memo, records without seals).
    rmSync(join(site.root, '.l10n/status'), { recursive: true })
    unseal()
    const full = await l10n('status', tree(), '--verbose', '--format', 'json')
    expect(memoLine(full.stderr)).toEqual([0, 6])
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(full.stdout))
    // sync's own slot was not the one status kept: sync's plan works its pairs out again.
    expect(memoLine((await l10n('sync', '--dry-run', '--verbose')).stderr)).toEqual([0, 6])
  }, 120_000)

  it("keeps each source's name coverage as status counts it, so status does not parse sources for names", async () => {
    expect((await l10n('sync')).code).toBeLessThanOrEqual(1)
    const kept = coverageRecords()
    expect(kept.map((record) => record.file).sort()).toEqual(readdirSync(tree()).map((name) => join(tree(), name)).sort())
    const remembered = JSON.parse((await l10n('status', tree(), '--format', 'json')).stdout)
    rmSync(join(site.root, '.l10n/status'), { recursive: true })
    unseal()
    const counted = JSON.parse((await l10n('status', tree(), '--format', 'json')).stdout)
    expect(remembered.statuses.map((status: { names?: unknown }) => status.names)).toEqual(counted.statuses.map((status: { names?: unknown }) => status.names))
    expect(counted.statuses.every((status: { names?: unknown }) => status.names !== undefined)).toBe(true)
    // status counted them again, and kept the same records sync had.
    expect(coverageRecords().map((record) => record.coverage)).toEqual(expect.arrayContaining(kept.map((record) => record.coverage)))
  }, 120_000)
})
