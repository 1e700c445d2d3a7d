import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { jsonPieces } from '../pipeline/shared/json-pieces.ts'
import { writeFileAtomic } from '../pipeline/state/files.ts'

const same = (value: unknown, depth?: number) => expect([...jsonPieces(value, depth)].join('')).toBe(JSON.stringify(value, null, 2))

describe('jsonPieces: JSON.stringify(value, null, 2) in pieces (issue 15: a site report is never one text)', () => {
  it('joins to exactly what JSON.stringify writes, for every shape a report holds', () => {
    same({})
    same([])
    same({ a: [], b: {}, c: [[]], d: [{}] })
    same({ a: undefined, b: () => 1, c: 1, d: null, e: 'x' })
    same({ only: undefined })
    same([undefined, () => 1, Symbol('s'), 1, null])
    same('text with "quotes", a \\ backslash,\na line break and 中文')
    same(42)
    same(null)
    same({ date: new Date(0), map: new Map([[1, 2]]), nested: { deep: { deeper: { deepest: [1, { a: 'b\nc' }] } } } })
    same({ articles: Array.from({ length: 50 }, (_, index) => ({ source: `/a/${index}.md`, findings: index % 3 ? [] : [{ ruleId: 'x', values: { text: '【当前字数】' } }], names: { uncovered: [] } })) })
    for (const depth of [0, 1, 2, 5]) same({ plan: { items: [{ a: 1 }, { b: [1, 2] }] }, run: { articles: [{ x: { y: [] } }] } }, depth)
    expect([...jsonPieces(undefined)].join('')).toBe('')
  })

  it('holds one element of the big lists at a time: no piece of a report of 3,000 pairs is more than one pair long', () => {
    const article = (index: number) => ({ source: `/site/src/content/knowledge-cn/article-${index}.md`, locale: 'en', status: 'written', findings: [{ ruleId: 'lint/generator-leftover', values: { text: '【当前字数：1034】' } }] })
    const report = { schemaVersion: 1, plan: { items: Array.from({ length: 3000 }, (_, index) => ({ source: `${index}`, requests: 4 })) }, articles: Array.from({ length: 3000 }, (_, index) => ({ index })), run: { provider: 'openai', articles: Array.from({ length: 3000 }, (_, index) => article(index)) }, exitCode: 0 }
    const pieces = [...jsonPieces(report)]
    const whole = JSON.stringify(report, null, 2)
    expect(pieces.join('')).toBe(whole)
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(JSON.stringify(article(2999), null, 2).length * 1.5)
  })

  it('writeFileAtomic writes pieces as the same bytes as the whole text', async () => {
    const root = mkdtempSync(join(tmpdir(), 'l10n-json-pieces-'))
    try {
      const value = { run: { articles: Array.from({ length: 4000 }, (_, index) => ({ index, text: `第${index}篇` })) } }
      const path = join(root, 'reports/l10n.json')
      await writeFileAtomic(path, jsonPieces(value))
      expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(value, null, 2))
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
