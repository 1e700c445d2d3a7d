import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isL10nError } from '../pipeline/shared/errors.ts'
import { emptyLockfile, parseLockRecord, recordPath, serializeLockfile, serializeLockRecord, type Lockfile, type LockTranslation } from '../pipeline/state/lockfile.ts'
import { openLockRecords, readLockfile, updateLockRecord, updateLockRecords } from '../pipeline/state/lockfile-store.ts'

let dir: string
let path: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'l10n-records-'))
  path = join(dir, 'l10n.lock.yaml')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const entry = (output: string, hash = 'h1', status: 'draft' | 'approved' = 'draft'): LockTranslation => ({
  output,
  outputHash: `out-${hash}`,
  sections: [{ sourceHash: hash, translationHash: `t-${hash}`, status, model: 'm', promptHash: 'p' }],
})
const record = (source: string, locale: string) => readFileSync(join(dir, 'l10n.lock', recordPath(source, locale)), 'utf8')
const recordFiles = (folder = join(dir, 'l10n.lock')): string[] =>
  readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(folder, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort()
/** A lockfile of the single-file layout (`version: 1`), as l10n wrote it before records. */
function singleFile(): Lockfile {
  const lock = emptyLockfile()
  lock.articles['src/a.md'] = { en: entry('en/a.md', 'a'), de: entry('de/a.md', 'a', 'approved') }
  lock.articles['src/b.md'] = { en: entry('en/b.md', 'b') }
  lock.articles['../outside/c.md'] = { en: entry('en/c.md', 'c') }
  writeFileSync(path, serializeLockfile(lock))
  return lock
}
async function rejected(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('lockfile: one record per article × locale', () => {
  it('a first write makes the index and one record; the index never changes again', async () => {
    await updateLockRecord(path, 'src/a.md', 'en', () => entry('en/a.md'))
    const index = readFileSync(path, 'utf8')
    expect(index).toMatch(/^version: 2\nrecords: l10n\.lock\n$/m)
    expect(recordFiles()).toEqual(['src/a.md.en.yaml'])
    expect(parseLockRecord(record('src/a.md', 'en'), 'x')).toEqual({ source: 'src/a.md', locale: 'en', entry: entry('en/a.md') })
    await updateLockRecord(path, 'src/b.md', 'de', () => entry('de/b.md'))
    await updateLockRecord(path, 'src/a.md', 'en', () => entry('en/a.md', 'h2'))
    expect(readFileSync(path, 'utf8')).toBe(index)
    expect(recordFiles()).toEqual(['src/a.md.en.yaml', 'src/b.md.de.yaml'])
    expect((await readLockfile(path)).articles).toEqual({ 'src/a.md': { en: entry('en/a.md', 'h2') }, 'src/b.md': { de: entry('de/b.md') } })
  })

  it('an update reads and writes only the records it changes', async () => {
    await updateLockRecords(path, [
      { source: 'src/a.md', locale: 'en', mutate: () => entry('en/a.md') },
      { source: 'src/b.md', locale: 'en', mutate: () => entry('en/b.md') },
    ])
    // A record damaged on disk stops only the updates that read it.
    const b = join(dir, 'l10n.lock', recordPath('src/b.md', 'en'))
    writeFileSync(b, 'source: [\n')
    await updateLockRecord(path, 'src/a.md', 'en', (current) => ({ ...current!, outputHash: 'new' }))
    expect(readFileSync(b, 'utf8')).toBe('source: [\n')
    expect(parseLockRecord(record('src/a.md', 'en'), 'x').entry.outputHash).toBe('new')
    // Later changes of one record in one update see the earlier ones; the record is written once.
    await updateLockRecords(path, [
      { source: 'src/a.md', locale: 'en', mutate: (current) => ({ ...current!, outputHash: `${current!.outputHash}+1` }) },
      { source: 'src/a.md', locale: 'en', mutate: (current) => ({ ...current!, outputHash: `${current!.outputHash}+2` }) },
      { source: 'src/a.md', locale: 'de', mutate: () => undefined },
    ])
    expect(parseLockRecord(record('src/a.md', 'en'), 'x').entry.outputHash).toBe('new+1+2')
    expect(existsSync(join(dir, 'l10n.lock', recordPath('src/a.md', 'de')))).toBe(false)
  })

  it('reads a single-file lockfile, and splits it on the first write without losing a record', async () => {
    const lock = singleFile()
    expect(await readLockfile(path)).toEqual(lock)
    expect(await openLockRecords(path).get('src/a.md', 'de')).toEqual(lock.articles['src/a.md']!.de)
    expect(existsSync(join(dir, 'l10n.lock'))).toBe(false)
    await updateLockRecord(path, 'src/b.md', 'en', (current) => ({ ...current!, outputHash: 'changed' }))
    expect(readFileSync(path, 'utf8')).toMatch(/^version: 2$/m)
    // `..` of a source outside the lockfile's folder stays inside the records folder.
    expect(recordFiles()).toEqual(['%2E%2E/outside/c.md.en.yaml', 'src/a.md.de.yaml', 'src/a.md.en.yaml', 'src/b.md.en.yaml'])
    const expected = structuredClone(lock)
    expected.articles['src/b.md']!.en!.outputHash = 'changed'
    expect(await readLockfile(path)).toEqual(expected)
    expect(await openLockRecords(path).get('../outside/c.md', 'en')).toEqual(lock.articles['../outside/c.md']!.en)
  })

  it('a split killed halfway is done again; records already split (newer) win over the file', async () => {
    const lock = singleFile()
    // As a killed split, or a sharded run, leaves it: one record in the folder, the file still in place.
    const newer = entry('en/a.md', 'a2')
    mkdirSync(join(dir, 'l10n.lock/src'), { recursive: true })
    writeFileSync(join(dir, 'l10n.lock', recordPath('src/a.md', 'en')), serializeLockRecord({ source: 'src/a.md', locale: 'en', entry: newer }))
    expect((await readLockfile(path)).articles['src/a.md']!.en).toEqual(newer)
    expect(await openLockRecords(path).get('src/a.md', 'en')).toEqual(newer)
    expect(await openLockRecords(path).get('src/b.md', 'en')).toEqual(lock.articles['src/b.md']!.en)
    await updateLockRecord(path, 'src/b.md', 'en', (current) => current)
    const after = await readLockfile(path)
    expect(after.articles['src/a.md']).toEqual({ en: newer, de: lock.articles['src/a.md']!.de })
    expect(after.articles['../outside/c.md']).toEqual(lock.articles['../outside/c.md'])
  })

  it('with migrate: false (a shard) writes only its own record and leaves the single file as it was', async () => {
    const lock = singleFile()
    const before = readFileSync(path, 'utf8')
    await updateLockRecords(path, [{ source: 'src/b.md', locale: 'en', mutate: (current) => ({ ...current!, outputHash: 'shard' }) }], { migrate: false })
    expect(readFileSync(path, 'utf8')).toBe(before)
    expect(recordFiles()).toEqual(['src/b.md.en.yaml'])
    const expected = structuredClone(lock)
    expected.articles['src/b.md']!.en!.outputHash = 'shard'
    expect(await readLockfile(path)).toEqual(expected)
  })

  it('a damaged or misplaced record is E_LOCKFILE naming its file and line', async () => {
    await updateLockRecord(path, 'src/a.md', 'en', () => entry('en/a.md'))
    const file = join(dir, 'l10n.lock', recordPath('src/a.md', 'en'))
    const good = readFileSync(file, 'utf8')
    writeFileSync(file, good.replace('status: draft', 'status: approvedd'))
    const status = (await rejected(() => openLockRecords(path).get('src/a.md', 'en'))) as Error
    expect(isL10nError(status) && status.code).toBe('E_LOCKFILE')
    const statusLine = good.split('\n').findIndex((line) => line.includes('status: draft')) + 1
    expect(status.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${statusLine}:\\d+: status must be draft or approved, got "approvedd"`))
    writeFileSync(file, good.replace(/^sections:[\s\S]*$/m, ''))
    expect(((await rejected(() => readLockfile(path))) as Error).message).toMatch(/l10n\.lock\/src\/a\.md\.en\.yaml:\d+:\d+: not an l10n lock record/)
    // A merge that left conflict markers in a record, and a record cut off mid-line, say so at their line.
    const lines = good.split('\n')
    const at = statusLine - 1
    writeFileSync(file, [...lines.slice(0, at), '<<<<<<< ours', lines[at], '=======', lines[at]!.replace('draft', 'approved'), '>>>>>>> theirs', ...lines.slice(at + 1)].join('\n'))
    expect(((await rejected(() => openLockRecords(path).get('src/a.md', 'en'))) as Error).message).toMatch(new RegExp(`a\\.md\\.en\\.yaml:${statusLine}:1: unresolved merge conflict at line ${statusLine}`))
    writeFileSync(file, good.slice(0, good.indexOf('status: draft') + 'status: dr'.length))
    expect(((await rejected(() => openLockRecords(path).get('src/a.md', 'en'))) as Error).message).toMatch(/the file is cut off at line \d+/)
    // A record copied to another article's place is not taken for that article's.
    writeFileSync(file, good)
    cpSync(file, join(dir, 'l10n.lock', recordPath('src/b.md', 'en')))
    const moved = (await rejected(() => readLockfile(path))) as Error
    expect(moved.message).toMatch(/src\/b\.md\.en\.yaml:2:1: this record is for src\/a\.md → en, whose record belongs at .*src\/a\.md\.en\.yaml/)
    expect(((await rejected(() => openLockRecords(path).get('src/b.md', 'en'))) as Error).message).toMatch(/this record is for src\/a\.md → en/)
  })

  it('an index whose records folder leads outside is refused at its line', async () => {
    writeFileSync(path, '# l10n\nversion: 2\nrecords: ../elsewhere\n')
    expect(((await rejected(() => readLockfile(path))) as Error).message).toMatch(/l10n\.lock\.yaml:3:10: the records folder must be inside the lockfile's folder, got "\.\.\/elsewhere"/)
    writeFileSync(path, 'version: 2\n')
    expect(((await rejected(() => readLockfile(path))) as Error).message).toMatch(/l10n\.lock\.yaml:1:1: .*records/)
    expect(() => parseLockRecord('source: a.md\n', 'r.yaml')).toThrow(/^r\.yaml:1:1: not an l10n lock record/)
  })

  it('two branches that translate different articles (or locales) merge without a conflict', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } })
    singleFile()
    git('init', '-q', '-b', 'main')
    // The split is a commit of its own; afterwards every branch adds or changes only its own records.
    await updateLockRecord(path, 'src/a.md', 'en', (current) => current)
    git('add', '-A')
    git('commit', '-qm', 'split')
    git('checkout', '-qb', 'one')
    await updateLockRecord(path, 'src/a.md', 'en', (current) => ({ ...current!, outputHash: 'one' }))
    await updateLockRecord(path, 'src/new.md', 'en', () => entry('en/new.md'))
    git('commit', '-qam', 'one')
    git('add', '-A')
    git('commit', '-qm', 'one: new article')
    git('checkout', '-q', 'main')
    git('checkout', '-qb', 'two')
    await updateLockRecord(path, 'src/a.md', 'de', (current) => ({ ...current!, outputHash: 'two' }))
    await updateLockRecord(path, 'src/b.md', 'en', (current) => ({ ...current!, outputHash: 'two' }))
    await updateLockRecord(path, 'src/other.md', 'en', () => entry('en/other.md'))
    git('add', '-A')
    git('commit', '-qm', 'two')
    git('merge', '-q', '--no-edit', 'one')
    const merged = await readLockfile(path)
    expect(merged.articles['src/a.md']!.en!.outputHash).toBe('one')
    expect(merged.articles['src/a.md']!.de!.outputHash).toBe('two')
    expect(merged.articles['src/b.md']!.en!.outputHash).toBe('two')
    expect(Object.keys(merged.articles).sort()).toEqual(['../outside/c.md', 'src/a.md', 'src/b.md', 'src/new.md', 'src/other.md'])
  })
})
