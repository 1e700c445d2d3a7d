import { afterEach, describe, expect, it } from 'vitest'
import { setUiLanguage } from '../pipeline/shared/i18n.ts'
import { requireLocale } from '../pipeline/article/locales.ts'
import { FRONTMATTER_ITEM, renderReviewTerminal, type ReviewDocument, type ReviewItem } from '../pipeline/review/render.ts'
import { escapeHtml } from '../pipeline/shared/html.ts'
import { renderReviewHtml } from '../pipeline/review/html-view.ts'

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/

const filler = '这首曲子的旋律非常优美，管弦乐的编排层次丰富。'.repeat(6)

function item(overrides: Partial<ReviewItem> = {}): ReviewItem {
  return {
    section: 3,
    heading: '主题曲',
    reason: 'source-changed',
    status: 'draft',
    sourceBefore: `${filler}主题写于1977年。`,
    sourceAfter: `${filler}主题作于1977年。`,
    translationBefore: 'The melody of this piece is very beautiful and richly orchestrated. The theme was written in 1977.',
    translationAfter: 'The melody of this piece is very beautiful and richly orchestrated. The theme was composed in 1977.',
    findings: [
      { ruleId: 'text/numbers', severity: 'warning', messageId: 'check:text/numbers', values: { count: 1, numbers: '1977' }, section: 3 },
      { ruleId: 'sections/paragraph-count', severity: 'error', messageId: 'check:sections/paragraph-count', values: { count: 1, context: 'missing', expected: 3, actual: 2 }, section: 3 },
    ],
    ...overrides,
  }
}

function doc(items: ReviewItem[]): ReviewDocument {
  return {
    article: 'examples/cn/soundtrack.md',
    target: 'examples/en/soundtrack.md',
    sourceLocale: requireLocale('cn'),
    targetLocale: requireLocale('en'),
    items,
    generatedAt: '2025-01-02T03:04:05.000Z',
  }
}

const newSection = item({
  section: 0,
  heading: null,
  reason: 'new',
  sourceBefore: undefined,
  sourceAfter: '<script>alert(1)</script> & "quotes" \'too\'',
  translationBefore: undefined,
  translationAfter: 'Intro <b>bold</b> & more',
  findings: [{ ruleId: 'text/han-residue', severity: 'error', messageId: 'check:text/han-residue', values: { count: 1, residue: '<主题>' } }],
})

afterEach(() => {
  setUiLanguage('en')
})

describe('renderReviewTerminal', () => {
  it('marks changes with [-…-]{+…+} and uses no ANSI codes without colour', () => {
    const out = renderReviewTerminal(doc([item()]), { color: false })
    expect(out).not.toMatch(ANSI)
    expect(out).toContain('[-written-]{+composed+}')
    expect(out).toContain('主题[-写-]{+作+}于1977年。')
    expect(out).toContain('§3 “主题曲” — source changed (draft)')
    expect(out).toContain('Source:')
    expect(out).toContain('Translation:')
    expect(out).toContain('sections/paragraph-count')
    expect(out).toContain('text/numbers')
    // Errors are listed before warnings.
    expect(out.indexOf('sections/paragraph-count')).toBeLessThan(out.indexOf('text/numbers'))
    expect(out).toContain('1 section needs review')
    expect(out).toContain('1 error, 1 warning')
  })

  it('colours changes with ANSI codes when asked', () => {
    const out = renderReviewTerminal(doc([item()]), { color: true })
    expect(out).toMatch(ANSI)
    expect(out).not.toContain('[-written-]')
    expect(out).toContain('written')
    expect(out).toContain('composed')
  })

  it('elides long unchanged runs, keeping context around the change', () => {
    const out = renderReviewTerminal(doc([item()]), { color: false })
    const sourceLine = out.split('\n').find((line) => line.includes('[-写-]'))!
    expect(sourceLine).toContain('…')
    expect(sourceLine.length).toBeLessThan(filler.length)
    const full = renderReviewTerminal(doc([item()]), { color: false, context: 1000 })
    expect(full).toContain(filler)
  })

  it('shows a new section as all added and says when the source is unchanged', () => {
    const retranslated = item({
      section: 5,
      reason: 'retranslated',
      sourceBefore: '同一段。',
      sourceAfter: '同一段。',
      translationBefore: 'Old text here.',
      translationAfter: 'New text here.',
      findings: [],
    })
    const out = renderReviewTerminal(doc([newSection, retranslated]), { color: false })
    expect(out).toContain('{+<script>alert(1)</script> & "quotes" \'too\'+}')
    expect(out).toContain('§0 (before the first heading) — new section (draft)')
    expect(out).toContain('Source: unchanged')
    expect(out).toContain('[-Old-]{+New+} text here.')
    expect(out).toContain('2 sections need review')
  })

  it('says so when nothing needs review', () => {
    expect(renderReviewTerminal(doc([]), { color: false })).toContain('no section needs review')
  })

  it('rejects a bad context with a TypeError quoting it', () => {
    expect(() => renderReviewTerminal(doc([]), { color: false, context: -1 })).toThrow(/`-1`/)
  })

  it('speaks zh-CN when the UI language is zh-CN', () => {
    setUiLanguage('zh-CN')
    const out = renderReviewTerminal(doc([item(), newSection]), { color: false })
    expect(out).toContain('原文已修改（草稿）')
    expect(out).toContain('原文：')
    expect(out).toContain('译文：')
    expect(out).toContain('2 个章节需要审阅')
    expect(out).toContain('错误')
    expect(out).not.toContain('Translation')
  })
})

describe('renderReviewHtml', () => {
  const html = renderReviewHtml(doc([item(), newSection]))

  it('is a complete UTF-8 page with a lang attribute', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toMatch(/<html lang="en">/)
    expect(html).toContain('<meta charset="utf-8">')
    expect(html).toContain('name="viewport"')
    expect(html).toContain('</html>')
  })

  it('escapes everything taken from the content', () => {
    expect(html).not.toContain('<script>')
    // Raw HTML in the Markdown is shown as code: visible, never markup.
    expect(html).toContain('<code class="language-html">&lt;script>alert(1)&lt;/script> &amp; "quotes" \'too\'')
    expect(html).not.toContain('<b>bold</b>')
    expect(html).toContain('Intro <code>&lt;b></code>bold<code>&lt;/b></code> &amp; more')
    expect(html).toContain('Chinese text left in the translation: &lt;主题&gt;')
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;')
  })

  it('shows source and translation diffs with <del> and <ins>', () => {
    expect(html).toContain('<del>写</del><ins>作</ins>')
    expect(html).toContain('<del>written</del><ins>composed</ins>')
    // The new section: rendered as it is, marked new.
    expect(html).toContain('<span class="badge reason">new section</span>')
    expect(html).toContain('lang="zh-CN"')
  })

  it('needs nothing from the network', () => {
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i)
    expect(html).not.toMatch(/<link\b/i)
    expect(html).not.toMatch(/@import/i)
  })

  it('lists every finding with its rule id and severity', () => {
    for (const ruleId of ['text/numbers', 'sections/paragraph-count', 'text/han-residue']) expect(html).toContain(ruleId)
    expect(html).toContain('class="badge sev-error"')
    expect(html).toContain('class="badge sev-warning"')
  })

  it('has a header with article, target, time and counts', () => {
    expect(html).toContain('examples/cn/soundtrack.md')
    expect(html).toContain('examples/en/soundtrack.md')
    expect(html).toContain('2025-01-02T03:04:05.000Z')
    expect(html).toContain('2 sections need review')
    expect(html).toContain('2 errors, 1 warning')
  })

  it('collapses to one column on narrow screens', () => {
    expect(html).toMatch(/@media \(max-width: 800px\) \{[^@]*\.rows \{ grid-template-columns: minmax\(0, 1fr\); \}/)
  })

  it('uses zh-CN labels when the UI language is zh-CN', () => {
    setUiLanguage('zh-CN')
    const zh = renderReviewHtml(doc([item()]))
    expect(zh).toMatch(/<html lang="zh-CN">/)
    expect(zh).toContain('审阅：examples/cn/soundtrack.md')
    expect(zh).toContain('原文')
    expect(zh).toContain('译文')
    expect(zh).toContain('原文已修改')
    expect(zh).toContain('1 个章节需要审阅')
  })
})

describe('the frontmatter item', () => {
  const frontmatter = item({
    section: FRONTMATTER_ITEM,
    heading: null,
    reason: 'edited-by-hand',
    status: 'edited',
    sourceBefore: 'title: 音乐之旅\nkeywords.0: 原声带',
    sourceAfter: 'title: 音乐之旅\nkeywords.0: 原声带',
    translationBefore: 'title: A Musical Journey\nkeywords.0: soundtrack',
    translationAfter: 'title: A Journey in Music\nkeywords.0: soundtrack',
    findings: [],
  })

  it('has its own header, without a section number, in the terminal', () => {
    const out = renderReviewTerminal(doc([frontmatter, item()]), { color: false })
    expect(out).toContain('Frontmatter — edited by hand (edited)')
    expect(out).not.toContain('§-1')
    expect(out).toContain('§3 “主题曲” — source changed (draft)')
    expect(out).toContain('title: A [-Musical -]Journey{+ in Music+}')
    expect(out).toContain('keywords.0: soundtrack')
    expect(out).toContain('1 section and the frontmatter need review')
    expect(renderReviewTerminal(doc([frontmatter]), { color: false })).toContain('the frontmatter needs review')
  })

  it('has its own header and anchor in the HTML page', () => {
    const html = renderReviewHtml(doc([frontmatter, item()]))
    expect(html).toMatch(/<section class="item status-edited" id="frontmatter"[^>]*><details open><summary><h2><span>Frontmatter<\/span>/)
    expect(html).toContain('href="#frontmatter"')
    expect(html).toContain('<span>§3 “主题曲”</span>')
    expect(html).not.toContain('§-1')
  })

  it('speaks zh-CN', () => {
    setUiLanguage('zh-CN')
    const out = renderReviewTerminal(doc([frontmatter, item()]), { color: false })
    expect(out).toContain('Frontmatter — 经人工编辑（已编辑）')
    expect(out).toContain('1 个章节和 frontmatter 需要审阅')
  })
})
