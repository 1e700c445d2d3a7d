import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordPath, type LockTranslation } from '../pipeline/state/lockfile.ts'
import { createLockfileWriter, updateLockRecord, updateLockRecords } from '../pipeline/state/lockfile-store.ts'

let dir: string
let path: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'l10n-lock-temps-'))
  path = join(dir, 'l10n.lock.yaml')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const entry = (output: string): LockTranslation => ({ output, outputHash: 'o', sections: [{ sourceHash: 'h', translationHash: 't', status: 'draft' }] })
/** A temp file as writeFileAtomic names it, beside the record of `source` × `locale`, by process `pid`. */
function temp(source: string, locale: string, pid: number): string {
  const file = join(dir, 'l10n.lock', `${recordPath(source, locale)}.${pid}.deadbeef.tmp`)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, 'half a rec')
  return file
}
// A pid no process has (above the usual pid_max of 2^22).
const DEAD = 4_194_000

describe('lockfile records folder: temps of killed writers', () => {
  it("a run's lockfile writer removes dead writers' temps in l10n.lock/ (nested folders too) and keeps live ones", async () => {
    await updateLockRecords(path, [{ source: 'src/a.md', locale: 'en', mutate: () => entry('en/a.md') }])
    const dead = temp('src/deep/b.md', 'de', DEAD)
    const live = temp('src/a.md', 'en', process.pid)
    const writer = createLockfileWriter(path)
    await writer.update({ source: 'src/c.md', locale: 'fr', mutate: () => entry('fr/c.md') })
    expect(existsSync(dead)).toBe(false)
    expect(existsSync(live)).toBe(true)
  })

  it('the writer sweeps once: a temp appearing later stays until the next run (no walk of the folder per update)', async () => {
    const writer = createLockfileWriter(path)
    await writer.update({ source: 'src/a.md', locale: 'en', mutate: () => entry('en/a.md') })
    const later = temp('src/b.md', 'en', DEAD)
    await writer.update({ source: 'src/c.md', locale: 'en', mutate: () => entry('en/c.md') })
    expect(existsSync(later)).toBe(true)
    await createLockfileWriter(path).update({ source: 'src/d.md', locale: 'en', mutate: () => entry('en/d.md') })
    expect(existsSync(later)).toBe(false)
  })

  it("a reviewer's single-record update (approve, edit, adopt) sweeps them too", async () => {
    await updateLockRecord(path, 'src/a.md', 'en', () => entry('en/a.md'))
    const dead = temp('src/a.md', 'en', DEAD)
    await updateLockRecord(path, 'src/a.md', 'en', (current) => current && { ...current, outputHash: 'o2' })
    expect(existsSync(dead)).toBe(false)
  })

  it('plain updateLockRecords leaves the folder alone unless asked', async () => {
    await updateLockRecord(path, 'src/a.md', 'en', () => entry('en/a.md'))
    const dead = temp('src/a.md', 'en', DEAD)
    await updateLockRecords(path, [{ source: 'src/b.md', locale: 'en', mutate: () => entry('en/b.md') }])
    expect(existsSync(dead)).toBe(true)
    await updateLockRecords(path, [{ source: 'src/b.md', locale: 'en', mutate: () => entry('en/b2.md') }], { sweepRecords: true })
    expect(existsSync(dead)).toBe(false)
  })
})
