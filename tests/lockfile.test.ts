import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { emptyLockfile, parseLockfile, serializeLockfile, type LockSection } from '../pipeline/state/lockfile.ts'
import { createLockfileWriter, readLockfile } from '../pipeline/state/lockfile-store.ts'
import { alignByHash, planSections, textSimilarity, translationHash } from '../pipeline/review/plan.ts'

const section = (sourceHash: string, text: string, extra: Partial<LockSection> = {}): LockSection => ({
  sourceHash,
  translationHash: translationHash(text),
  status: 'draft',
  promptHash: 'p1',
  model: 'm1',
  glossaryHash: 'g',
  ...extra,
})

describe('lockfile', () => {
  it('serializes deterministically: sorted, one field per line, and parses back', () => {
    const lock = emptyLockfile()
    lock.articles['b.md'] = { de: { output: 'de/b.md', sections: [section('h1', 'Eins')] }, en: { output: 'en/b.md', sections: [section('h1', 'One', { status: 'approved', approvedBy: 'alice' })] } }
    lock.articles['a.md'] = { en: { output: 'en/a.md', sections: [] } }
    const text = serializeLockfile(lock)
    expect(text.indexOf('a.md:')).toBeLessThan(text.indexOf('b.md:'))
    const b = text.slice(text.indexOf('b.md:'))
    expect(b.indexOf('    de:')).toBeLessThan(b.indexOf('    en:'))
    expect(text).toMatch(/^ {10}approvedBy: alice$/m)
    expect(parseLockfile(text, 'l10n.lock.yaml')).toEqual(lock)
    expect(serializeLockfile(parseLockfile(text, 'x'))).toBe(text)
  })

  it('names file, line and column of a damaged lockfile', () => {
    expect(() => parseLockfile('version: 1\narticles:\n  a.md: [\n', 'l10n.lock.yaml')).toThrow(/l10n\.lock\.yaml:\d+:\d+:/)
    expect(() => parseLockfile('version: 2\n', 'l10n.lock.yaml')).toThrow(/not an l10n lockfile/)
  })

  it('coalesces many concurrent updates and loses none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l10n-lock-'))
    try {
      const path = join(dir, 'l10n.lock.yaml')
      writeFileSync(path, serializeLockfile(emptyLockfile()))
      const writer = createLockfileWriter(path)
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          writer.update({ source: `a${i}.md`, locale: 'en', mutate: () => ({ output: `en/a${i}.md`, sections: [] }) }),
        ),
      )
      expect(Object.keys((await readLockfile(path)).articles)).toHaveLength(50)
      expect(readFileSync(join(dir, 'l10n.lock', 'a49.md.en.yaml'), 'utf8')).toContain('output: en/a49.md')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('plan: sections aligned by content hash', () => {
  it('matches in order, then moved sections anywhere', () => {
    expect(alignByHash(['a', 'x', 'b', 'c'], ['a', 'b', 'c'])).toEqual([0, undefined, 1, 2])
    expect(alignByHash(['a', 'c'], ['a', 'b', 'c'])).toEqual([0, 2])
    expect(alignByHash(['c', 'a', 'b'], ['a', 'b', 'c'])).toEqual([2, 0, 1])
  })

  const lock = { output: 'en.md', sections: [section('a', 'A'), section('b', 'B'), section('c', 'C')] }
  const base = { glossaryHashes: ['g', 'g', 'g', 'g'], promptHash: 'p1', model: 'm1', lock, outputSections: ['A', 'B', 'C'] }

  it('reuses unchanged sections and translates an inserted one alone', () => {
    const plans = planSections({ ...base, sections: [{ hash: 'a' }, { hash: 'new' }, { hash: 'b' }, { hash: 'c' }] })
    expect(plans.map((p) => `${p.action}:${p.reason}`)).toEqual(['reuse:unchanged', 'translate:new', 'reuse:unchanged', 'reuse:unchanged'])
    expect(plans[2]!.text).toBe('B')
  })

  it('gives a changed section its previous translation as reference', () => {
    const plans = planSections({ ...base, sections: [{ hash: 'a' }, { hash: 'b2' }, { hash: 'c' }] })
    expect(plans[1]).toMatchObject({ action: 'translate', reason: 'source-changed', previous: 'B' })
  })

  it('keeps hand edits, even when the source changed, unless forced', () => {
    const edited = { ...base, outputSections: ['A', 'B (edited)', 'C'] }
    expect(planSections({ ...edited, sections: [{ hash: 'a' }, { hash: 'b' }, { hash: 'c' }] })[1]).toMatchObject({ action: 'reuse', reason: 'edited-by-hand', text: 'B (edited)' })
    expect(planSections({ ...edited, sections: [{ hash: 'a' }, { hash: 'b2' }, { hash: 'c' }] })[1]).toMatchObject({ action: 'reuse', handEdited: true, stale: true })
    expect(planSections({ ...edited, overwriteHandEdits: true, sections: [{ hash: 'a' }, { hash: 'b' }, { hash: 'c' }] })[1]).toMatchObject({ action: 'translate', reason: 'forced' })
  })

  it('re-translates a glossary change; a prompt change only when asked', () => {
    const sections = [{ hash: 'a' }, { hash: 'b' }, { hash: 'c' }]
    expect(planSections({ ...base, sections, glossaryHashes: ['g', 'g2', 'g'] }).map((p) => p.action)).toEqual(['reuse', 'translate', 'reuse'])
    const prompt = planSections({ ...base, sections, promptHash: 'p2' })
    expect(prompt.map((p) => `${p.action}:${p.reason}:${p.stale}`)).toEqual(Array(3).fill('reuse:prompt-changed:true'))
    expect(planSections({ ...base, sections, promptHash: 'p2', retranslate: 'stale' }).map((p) => p.action)).toEqual(['translate', 'translate', 'translate'])
    expect(planSections({ ...base, sections, promptHash: undefined, model: undefined }).map((p) => p.reason)).toEqual(['unchanged', 'unchanged', 'unchanged'])
  })

  it('takes a new section from translation memory', () => {
    const plans = planSections({ ...base, sections: [{ hash: 'a' }, { hash: 'm' }, { hash: 'b' }, { hash: 'c' }], memory: (hash) => (hash === 'm' ? 'Remembered' : undefined) })
    expect(plans[1]).toMatchObject({ action: 'reuse', reason: 'memory', text: 'Remembered' })
  })
})

describe('lockfile validation', () => {
  it('refuses a mistyped status with its line instead of demoting an approval', () => {
    const text = 'version: 1\narticles:\n  a.md:\n    en:\n      output: en/a.md\n      sections:\n        - sourceHash: a\n          translationHash: b\n          status: approvedd\n'
    expect(() => parseLockfile(text, 'l10n.lock.yaml')).toThrow(/l10n\.lock\.yaml:9:19: status must be draft or approved, got "approvedd"/)
  })
})

describe('plan: a changed section continues the right old one', () => {
  const lock = { output: 'en.md', sections: [section('a', 'A'), section('b', 'B'), section('c', 'C')] }
  const base = { glossaryHashes: ['g', 'g', 'g'], promptHash: 'p1', model: 'm1', lock, outputSections: ['A', 'B', 'C'] }
  const oldTexts = ['开端：这是开头的一段很长的文字', '风格', '结语：这是结尾']

  it('pairs a moved and edited section by similarity, not by position', () => {
    const newTexts = ['风格', '开端：这是开头的一段很长的文字，改了一点', '全新的一节，与众不同']
    const plans = planSections({
      ...base,
      sections: [{ hash: 'b' }, { hash: 'a2' }, { hash: 'n' }],
      similarity: (i, k) => textSimilarity(newTexts[i]!, oldTexts[k]!),
    })
    expect(plans[1]).toMatchObject({ action: 'translate', reason: 'source-changed', previous: 'A' })
    expect(plans[2]).toMatchObject({ action: 'translate', reason: 'new' })
    expect(plans[2]!.previous).toBeUndefined()
  })

  it('without texts, pairs only when the gap is unambiguous', () => {
    expect(planSections({ ...base, sections: [{ hash: 'a' }, { hash: 'b2' }, { hash: 'c' }] })[1]).toMatchObject({ reason: 'source-changed', previous: 'B' })
    const ambiguous = planSections({ ...base, sections: [{ hash: 'b' }, { hash: 'a2' }, { hash: 'n' }] })
    expect(ambiguous.map((p) => p.reason)).toEqual(['unchanged', 'new', 'new'])
  })

  it('measures similarity for Chinese and English alike', () => {
    expect(textSimilarity('约翰·威廉姆斯为星球大战作曲', '约翰·威廉姆斯为星球大战作曲。')).toBeGreaterThan(0.9)
    expect(textSimilarity('completely different', '约翰·威廉姆斯')).toBe(0)
  })
})
