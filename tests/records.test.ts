/**
 * Everything read back from disk is checked: a damaged record of the state folder is a
 * miss (and is told about), a damaged lockfile or glossary is an error placed at its
 * line. Nothing damaged ever escapes as an exception.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { translateFiles } from '../pipeline/run/translate.ts'
import { isL10nError, type L10nError } from '../pipeline/shared/errors.ts'
import { formatMessage } from '../pipeline/shared/i18n.ts'
import { cachedValues, cacheKey, openCache, type CacheRecord } from '../pipeline/state/cache.ts'
import { parseLockfile, serializeLockfile } from '../pipeline/state/lockfile.ts'
import { readLockSync } from './helpers/lock.ts'
import type { DamagedRecord } from '../pipeline/state/records.ts'
import { acquireLock } from '../pipeline/state/run-lock.ts'
import { openMemory, openTextStore } from '../pipeline/state/text-store.ts'
import { createPseudoTranslator } from '../pipeline/translate/translator.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'l10n-records-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Bytes that are not UTF-8 (a lone continuation byte and a truncated sequence). */
const NOT_UTF8 = Buffer.from([0x61, 0x80, 0xe4, 0xb8])

function thrown(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

function placedError(action: () => unknown, code: 'E_LOCKFILE' | 'E_GLOSSARY'): L10nError {
  const error = thrown(action)
  if (!isL10nError(error, code)) throw new Error(`expected ${code}, got ${String(error)}`)
  return error
}

describe('cache records', () => {
  const record: CacheRecord = { text: 'Hello', model: 'm', promptHash: 'p', createdAt: '2026-01-01T00:00:00.000Z', promptTokens: 3, completionTokens: 2 }
  const key = cacheKey({ kind: 'section', source: '你好', sourceLocale: 'cn', targetLocale: 'en', model: 'm', promptHash: 'p', entryHashes: [] })
  const pathOf = (cacheDir: string) => join(cacheDir, key.slice(0, 2), `${key}.json`)

  it('reads back what it stored', async () => {
    const cache = openCache(join(dir, 'cache'))
    await cache.set(key, record)
    expect(await cache.get(key)).toEqual(record)
  })

  it.each([
    ['not JSON', 'not json at all'],
    ['truncated JSON', JSON.stringify(record).slice(0, 30)],
    ['wrong field types', JSON.stringify({ ...record, promptTokens: 'three' })],
    ['a missing field', JSON.stringify({ text: 'Hello' })],
    ['text that is not text', JSON.stringify({ ...record, text: 42 })],
    ['a list', '[1, 2]'],
  ])('treats a record that is %s as a miss and says so', async (_, content) => {
    const damaged: DamagedRecord[] = []
    const cache = openCache(join(dir, 'cache'), true, { onDamaged: (damage) => damaged.push(damage) })
    mkdirSync(join(dir, 'cache', key.slice(0, 2)), { recursive: true })
    writeFileSync(pathOf(join(dir, 'cache')), content)
    expect(await cache.get(key)).toBeUndefined()
    expect(damaged).toHaveLength(1)
    expect(damaged[0]!.file).toBe(pathOf(join(dir, 'cache')))
    expect(formatMessage(damaged[0]!.detail)).not.toBe('')
  })

  it('treats a record that is not UTF-8 as a miss', async () => {
    const damaged: DamagedRecord[] = []
    const cache = openCache(join(dir, 'cache'), true, { onDamaged: (damage) => damaged.push(damage) })
    mkdirSync(join(dir, 'cache', key.slice(0, 2)), { recursive: true })
    writeFileSync(pathOf(join(dir, 'cache')), NOT_UTF8)
    expect(await cache.get(key)).toBeUndefined()
    expect(damaged.map((damage) => formatMessage(damage.detail))).toEqual(['not valid UTF-8 text'])
  })

  it('treats a missing record as a plain miss, not as damage', async () => {
    const damaged: DamagedRecord[] = []
    const cache = openCache(join(dir, 'cache'), true, { onDamaged: (damage) => damaged.push(damage) })
    expect(await cache.get(key)).toBeUndefined()
    expect(damaged).toEqual([])
  })

  it('reads frontmatter strings only from a JSON object of strings', () => {
    expect(cachedValues({ ...record, text: '{"title":"Hi"}' })).toEqual({ title: 'Hi' })
    expect(cachedValues({ ...record, text: '{"title":' })).toBeUndefined()
    expect(cachedValues({ ...record, text: '{"title":3}' })).toBeUndefined()
    expect(cachedValues({ ...record, text: '["Hi"]' })).toBeUndefined()
  })
})

describe('text store and translation memory records', () => {
  const hash = '0123456789abcdef'

  it('round-trips texts and frontmatter strings', async () => {
    const texts = openTextStore(join(dir, 'texts'))
    await texts.put('## 节\n\n正文。\n', hash)
    expect(await texts.get(hash)).toBe('## 节\n\n正文。\n')
    await texts.put('{"title":"标题"}', 'fedcba9876543210')
    expect(await texts.getValues('fedcba9876543210')).toEqual([['title', '标题']])
    // The older form, a list of pairs, is read too.
    await texts.put('[["title","标题"]]', '00000000000000aa')
    expect(await texts.getValues('00000000000000aa')).toEqual([['title', '标题']])
  })

  it.each([
    ['not UTF-8', NOT_UTF8, 'not valid UTF-8 text'],
    ['empty (truncated to nothing)', Buffer.alloc(0), 'empty'],
  ])('treats a text that is %s as a miss and says so', async (_, bytes, detail) => {
    const damaged: DamagedRecord[] = []
    const texts = openTextStore(join(dir, 'texts'), { onDamaged: (damage) => damaged.push(damage) })
    mkdirSync(join(dir, 'texts', hash.slice(0, 2)), { recursive: true })
    writeFileSync(join(dir, 'texts', hash.slice(0, 2), `${hash}.md`), bytes)
    expect(await texts.get(hash)).toBeUndefined()
    expect(damaged.map((damage) => ({ file: damage.file, detail: formatMessage(damage.detail) }))).toEqual([{ file: join(dir, 'texts', hash.slice(0, 2), `${hash}.md`), detail }])
  })

  it.each([
    ['not JSON', '标题'],
    ['truncated', '{"title":"标'],
    ['of wrong field types', '{"title":1}'],
    ['a list of broken pairs', '[["title"]]'],
    ['JSON but not strings', '3'],
  ])('treats frontmatter strings that are %s as a miss and says so', async (_, content) => {
    const damaged: DamagedRecord[] = []
    const texts = openTextStore(join(dir, 'texts'))
    await texts.put(content, hash)
    expect(await texts.getValues(hash, (damage) => damaged.push(damage))).toBeUndefined()
    expect(damaged).toHaveLength(1)
    expect(damaged[0]!.file).toBe(join(dir, 'texts', hash.slice(0, 2), `${hash}.md`))
  })

  it('treats a memory entry that is not UTF-8, empty or not a file as a miss', async () => {
    const damaged: DamagedRecord[] = []
    const memory = openMemory(join(dir, 'memory'), { onDamaged: (damage) => damaged.push(damage) })
    await memory.remember('en', hash, 'Remembered')
    expect(memory.lookup('en', hash)).toBe('Remembered')
    const folder = join(dir, 'memory', 'en', hash.slice(0, 2))
    writeFileSync(join(folder, `${hash}.md`), NOT_UTF8)
    expect(memory.lookup('en', hash)).toBeUndefined()
    writeFileSync(join(folder, `${hash}.md`), '')
    expect(memory.lookup('en', hash)).toBeUndefined()
    rmSync(join(folder, `${hash}.md`))
    mkdirSync(join(folder, `${hash}.md`))
    expect(memory.lookup('en', hash)).toBeUndefined()
    expect(damaged).toHaveLength(3)
    expect(memory.lookup('en', 'ffffffffffffffff')).toBeUndefined()
    expect(damaged).toHaveLength(3)
  })
})

describe('a translate run over damaged state', () => {
  it('translates the frontmatter again when its stored strings are damaged, and warns', async () => {
    const source = join(dir, 'cn', 'a.md')
    mkdirSync(join(dir, 'cn'))
    const article = (title: string) => `---\ntitle: ${title}\nlocale: cn\n---\n\n## 节\n\n正文。\n`
    writeFileSync(source, article('标题'))
    const options = { files: [source], targets: ['en'], translator: createPseudoTranslator(undefined), outRoot: dir, stateDir: join(dir, '.l10n') }
    expect((await translateFiles(options)).articles[0]!.status).toBe('written')
    const firstTitle = /^title: (.*)$/m.exec(readFileSync(join(dir, 'en', 'a.md'), 'utf8'))![1]
    const lock = readLockSync(join(dir, 'l10n.lock.yaml'))
    const valuesHash = lock.articles['cn/a.md']!.en!.frontmatter!.sourceHash
    const record = join(dir, '.l10n', 'texts', valuesHash.slice(0, 2), `${valuesHash}.md`)
    writeFileSync(record, '{"title":"标')
    // A changed title makes the run look up the strings the output was made from.
    writeFileSync(source, article('新标题'))
    const report = await translateFiles(options)
    expect(report.articles[0]!.status).toBe('written')
    expect(report.articles[0]!.findings).toContainEqual(expect.objectContaining({ ruleId: 'translate/damaged-record', severity: 'warning', file: record }))
    // The title was translated again, from the new source.
    expect(/^title: (.*)$/m.exec(readFileSync(join(dir, 'en', 'a.md'), 'utf8'))![1]).not.toBe(firstTitle)
  })
})

describe('run-lock files', () => {
  it('takes over a lock whose holder fields are of the wrong type once it is old, instead of trusting it', async () => {
    const lock = join(dir, 'run.lock')
    // A live pid on this host, but not a lock l10n writes: startedAt is a number.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 12, owner: 'x' }))
    const old = new Date(Date.now() - 60_000)
    utimesSync(lock, old, old)
    const release = await acquireLock(lock, { owner: 'new' })
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, owner: 'new' })
    await release()
  })

  it('takes over an old truncated lock file', async () => {
    const lock = join(dir, 'run.lock')
    writeFileSync(lock, '{"pid": 12')
    const old = new Date(Date.now() - 60_000)
    utimesSync(lock, old, old)
    const release = await acquireLock(lock)
    await release()
  })
})

describe('lockfile fields', () => {
  const valid = [
    'version: 1',
    'articles:',
    '  a.md:',
    '    en:',
    '      output: en/a.md',
    '      frontmatter:',
    '        sourceHash: f1',
    '        translationHash: f2',
    '        status: draft',
    '      sections:',
    '        - sourceHash: a',
    '          translationHash: b',
    '          status: approved',
    '          approvedBy: alice',
    '          errors: 0',
    '',
  ]
  const withLine = (index: number, line: string) => valid.map((old, i) => (i === index ? line : old)).join('\n')

  it('reads a valid lockfile', () => {
    const lock = parseLockfile(valid.join('\n'), 'l10n.lock.yaml')
    expect(lock.articles['a.md']!.en!.sections[0]).toEqual({ sourceHash: 'a', translationHash: 'b', status: 'approved', approvedBy: 'alice', errors: 0 })
    expect(parseLockfile(serializeLockfile(lock), 'x')).toEqual(lock)
  })

  it.each([
    [14, '          errors: two', 15, 19, /articles\["a\.md"\]\.en\.sections\[0\]\.errors: expected a number, got "two"/],
    [14, '          errors: -1', 15, 19, /sections\[0\]\.errors: expected a number ≥ 0, got -1/],
    [13, '          approvedBy: [alice]', 14, 23, /sections\[0\]\.approvedBy: expected text, got a list/],
    [10, '        - sourceHash: 12', 11, 23, /sections\[0\]\.sourceHash: expected text, got 12/],
    [4, '      output: { path: en/a.md }', 5, 15, /en\.output: expected text, got a mapping/],
    [6, '        sourceHash: [f1]', 7, 21, /frontmatter\.sourceHash: expected text, got a list/],
    [8, '        status: final', 9, 17, /status must be draft or approved, got "final"/],
    [7, '        translationHash: true', 8, 26, /en\.frontmatter\.translationHash: expected text, got true/],
  ])('places a wrong field type at its line (line %i → %s)', (index, line, expectedLine, column, message) => {
    const error = placedError(() => parseLockfile(withLine(index, line), 'l10n.lock.yaml'), 'E_LOCKFILE')
    expect(error.message).toMatch(message)
    expect([error.line, error.column]).toEqual([expectedLine, column])
    expect(error.message.startsWith(`l10n.lock.yaml:${expectedLine}:${column}: `)).toBe(true)
  })

  it('places a truncated lockfile instead of crashing', () => {
    const text = valid.join('\n')
    for (let length = 1; length < text.length; length += 7) {
      try {
        parseLockfile(text.slice(0, length), 'l10n.lock.yaml')
      } catch (error) {
        expect(isL10nError(error, 'E_LOCKFILE'), text.slice(0, length)).toBe(true)
        expect((error as L10nError).line, text.slice(0, length)).toBeGreaterThan(0)
      }
    }
  })

  it('names an entry without output or sections at the entry', () => {
    const error = placedError(() => parseLockfile('version: 1\narticles:\n  a.md:\n    en:\n      sections: []\n', 'l10n.lock.yaml'), 'E_LOCKFILE')
    expect(error.message).toBe('l10n.lock.yaml:5:7: the entry for a.md → en needs an "output" path and a "sections" list')
  })
})

describe('glossary files', () => {
  it('places a field of the wrong type at its line', () => {
    const error = placedError(() => parseGlossary('sourceLocale: cn\nentries:\n  - source: 久石让\n    kind: composer\n    targets: { en: Joe Hisaishi }\n    marked: 1\n', 'g.yaml'), 'E_GLOSSARY')
    expect(error.message).toBe('g.yaml:6:13: `marked` must be true or false, got 1')
  })

  it('takes a field written empty as absent, except marked', () => {
    const glossary = parseGlossary('sourceLocale: cn\nentries:\n  - source: 久石让\n    aliases:\n    kind: composer\n    targets: { en: Joe Hisaishi }\n    wrong:\n    note:\n', 'g.yaml')
    expect(glossary.entries[0]).toMatchObject({ source: '久石让', aliases: [], wrong: {} })
    expect(glossary.entries[0]!.note).toBeUndefined()
    const error = placedError(() => parseGlossary('sourceLocale: cn\nentries:\n  - source: 久石让\n    kind: composer\n    targets: { en: Joe Hisaishi }\n    marked:\n', 'g.yaml'), 'E_GLOSSARY')
    expect(error.message).toBe('g.yaml:6:12: `marked` must be true or false, got nothing')
  })

  it('places a truncated glossary instead of crashing', () => {
    const text = 'sourceLocale: cn\nentries:\n  - source: 久石让\n    aliases: [久石譲]\n    kind: composer\n    targets: { en: Joe Hisaishi, jp: 久石譲 }\n    wrong: { en: [Jo Hisaishi] }\n'
    for (let length = 1; length < text.length; length += 3) {
      try {
        parseGlossary(text.slice(0, length), 'g.yaml')
      } catch (error) {
        expect(isL10nError(error, 'E_GLOSSARY'), text.slice(0, length)).toBe(true)
      }
    }
  })
})
