/**
 * The review's HTML view: Markdown rendered safely, diffs and glossary marks laid over
 * the rendered text, and a section's blocks in aligned rows with findings on their row.
 */
import { describe, expect, it } from 'vitest'
import { requireLocale } from '../pipeline/article/locales.ts'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { renderMarkdownHtml } from '../pipeline/review/markdown-html.ts'
import { buildRows } from '../pipeline/review/rows.ts'
import { renderReviewSection } from '../pipeline/review/html-view.ts'
import type { ReviewDocument, ReviewItem } from '../pipeline/review/render.ts'

const cn = requireLocale('cn')
const en = requireLocale('en')

describe('renderMarkdownHtml', () => {
  it('renders Markdown, shows raw HTML as code and escapes it', () => {
    const html = renderMarkdownHtml('Hello **bold** <img src=x onerror=alert(1)>\n\n<div onclick="x">block</div>', { script: 'Latn' })
    expect(html).toContain('<strong>bold</strong>')
    expect(html).toContain('<code>&lt;img src=x onerror=alert(1)></code>')
    expect(html).toContain('<pre><code class="language-html">&lt;div onclick="x">block&lt;/div>')
    expect(html).not.toMatch(/<img|<div/)
  })

  it('drops javascript: links, keeps web links without a referrer, and never loads images', () => {
    const html = renderMarkdownHtml('[a](javascript:alert(1)) [b](https://example.com/x) ![cover](https://example.com/c.png)', { script: 'Latn' })
    expect(html).toContain('<a>a</a>')
    expect(html).toContain('<a href="https://example.com/x" rel="noreferrer noopener" target="_blank">b</a>')
    expect(html).not.toContain('<img')
    expect(html).toContain('<span class="image" title="https://example.com/c.png">🖼 cover</span>')
  })

  it('lays the diff over the rendered text, not over the Markdown syntax', () => {
    const html = renderMarkdownHtml('The theme was **composed** in 1977.', { script: 'Latn', before: 'The theme was **written** in 1977.' })
    expect(html).toBe('<p>The theme was <strong><del>written</del><ins>composed</ins></strong> in 1977.</p>')
  })

  it('wraps marks inside a diff and keeps text intact around them', () => {
    const html = renderMarkdownHtml('约翰·威廉斯写了主题。', {
      script: 'Hans',
      before: '他写了主题。',
      marks: (text) => [{ start: text.indexOf('约翰'), end: text.indexOf('约翰') + 6, className: 'term term-locked', title: 'locked' }],
    })
    expect(html).toBe('<p><del>他</del><ins><mark class="term term-locked" title="locked">约翰·威廉斯</mark></ins>写了主题。</p>')
  })
})

describe('buildRows', () => {
  it('pairs each source paragraph with its translation, also when one paragraph is missing', () => {
    const source = '## 标题\n\n第一段，约翰·威廉斯于1977年。\n\n第二段，有**两个**数字 3 和 4。\n\n第三段，网址 https://example.com 。'
    const target = '## Title\n\nFirst paragraph, John Williams in 1977.\n\nThird paragraph, at https://example.com .'
    const { rows } = buildRows({ sourceAfter: source, translationAfter: target, sourceLocale: cn, targetLocale: en, findings: [] })
    expect(rows.map((row) => [row.source?.after.slice(0, 3), row.target?.after.slice(0, 5)])).toEqual([
      ['## ', '## Ti'],
      ['第一段', 'First'],
      ['第二段', undefined],
      ['第三段', 'Third'],
    ])
  })

  it('puts a finding on the row it points into, and one without a place with the section', () => {
    const target = 'One.\n\nTwo.'
    const { rows, unplaced } = buildRows({
      sourceAfter: '一。\n\n二。',
      translationAfter: target,
      sourceLocale: cn,
      targetLocale: en,
      targetOffset: 100,
      findings: [
        { ruleId: 'text/numbers', severity: 'warning', messageId: 'check:text/numbers', targetPosition: { line: 3, column: 1, offset: 100 + target.indexOf('Two') } },
        { ruleId: 'sections/length-ratio', severity: 'warning', messageId: 'check:text/length-ratio' },
      ],
    })
    expect(rows[1]!.findings.map((finding) => finding.ruleId)).toEqual(['text/numbers'])
    expect(rows[0]!.findings).toEqual([])
    expect(unplaced.map((finding) => finding.ruleId)).toEqual(['sections/length-ratio'])
  })

  it('diffs each row against the earlier version of its own block; a removed block shows in the next row', () => {
    const { rows } = buildRows({
      sourceBefore: '甲。\n\n乙。\n\n丙。',
      sourceAfter: '甲。\n\n丙改。',
      translationAfter: 'A.\n\nC changed.',
      sourceLocale: cn,
      targetLocale: en,
      findings: [],
    })
    expect(rows.map((row) => row.source?.before)).toEqual(['甲。', '乙。\n\n丙。'])
  })
})

describe('renderReviewSection', () => {
  const glossary = parseGlossary(
    ['sourceLocale: cn', 'entries:', '- source: 约翰·威廉斯', '  kind: composer', '  targets: { en: John Williams }', '  wrong: { en: [Johnny Williams] }', '- source: 星球大战', '  kind: work', '  targets: { en: Star Wars }'].join('\n'),
    'g.yaml',
  )
  const doc: ReviewDocument = { article: 'a.md', target: 'b.md', sourceLocale: cn, targetLocale: en, items: [], generatedAt: 'now' }
  const item = (overrides: Partial<ReviewItem>): ReviewItem => ({
    section: 2,
    heading: 'h',
    reason: 'draft',
    status: 'draft',
    sourceAfter: '约翰·威廉斯为星球大战作曲。',
    translationAfter: 'Johnny Williams scored the film.',
    findings: [],
    ...overrides,
  })

  it('marks glossary names: wrong form in the translation, locked form missing in the source', () => {
    const html = renderReviewSection(doc, item({}), { glossary })
    expect(html).toContain('<mark class="term term-wrong" title="known-wrong form; the locked form is “John Williams”">Johnny Williams</mark>')
    expect(html).toContain('<mark class="term term-missing" title="locked form “John Williams” is not in the translation">约翰·威廉斯</mark>')
    expect(html).toContain('<mark class="term term-missing" title="locked form “Star Wars” is not in the translation">星球大战</mark>')
    const fixed = renderReviewSection(doc, item({ translationAfter: 'John Williams scored Star Wars.' }), { glossary })
    expect(fixed).toContain('<mark class="term term-locked" title="locked name: 约翰·威廉斯">John Williams</mark>')
    expect(fixed).toContain('<mark class="term term-locked" title="locked name: John Williams">约翰·威廉斯</mark>')
  })

  it('collapses an approved, unchanged section and has buttons only in the app', () => {
    const approved = renderReviewSection(doc, item({ reason: 'approved', status: 'approved' }), { interactive: true })
    expect(approved).toContain('<details><summary>')
    expect(approved).toContain('data-action="approve"')
    expect(approved).toMatch(/data-base="[0-9a-f]{16}"/)
    const open = renderReviewSection(doc, item({}))
    expect(open).toContain('<details open>')
    expect(open).not.toContain('<button')
  })
})
