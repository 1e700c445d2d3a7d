/**
 * The reviewer's view of a run: for every section that needs a person, the change of its
 * source beside the change of its translation that it caused, and the check findings
 * under them. Pure: a {@link ReviewDocument} in, a string out (terminal text or one
 * self-contained HTML page); the orchestrator writes it where it belongs.
 */
import pc from 'picocolors'
import { diffStats, diffText, type DiffPart } from './diff.ts'
import { formatMessage, t, uiLanguage } from '../shared/i18n.ts'
import type { LocaleInfo } from '../article/locales.ts'
import type { Finding, Severity } from '../article/types.ts'

/** Why a section is shown to the reviewer. */
export type ReviewReason = 'new' | 'source-changed' | 'retranslated' | 'draft' | 'edited-by-hand'

/** Where a section's translation stands. */
export type ReviewStatus = 'draft' | 'approved' | 'edited'

/** {@link ReviewItem.section} of the item that shows the frontmatter strings. */
export const FRONTMATTER_ITEM = -1

/** One section (or the frontmatter) to review. */
export interface ReviewItem {
  /**
   * Index of the section (see `Section.index`), or {@link FRONTMATTER_ITEM} for the
   * frontmatter, whose texts are its translated strings as `key: value` lines.
   */
  section: number
  heading: string | null
  /** Why it needs review. */
  reason: ReviewReason
  status: ReviewStatus
  /** Previous approved source text of the section (undefined when new or unknown). */
  sourceBefore?: string
  sourceAfter: string
  /** Previous translation (undefined when none). */
  translationBefore?: string
  translationAfter: string
  /** This section's check findings. */
  findings: Finding[]
}

/** Everything one review page shows. */
export interface ReviewDocument {
  /** The source article, as the reviewer knows it (a path). */
  article: string
  /** The translation file (or its site locale code). */
  target: string
  sourceLocale: LocaleInfo
  targetLocale: LocaleInfo
  items: ReviewItem[]
  /** When the review was generated (ISO 8601); passed in so rendering stays pure. */
  generatedAt: string
}

/** Options of {@link renderReviewTerminal}. */
export interface TerminalOptions {
  /** Colour with ANSI codes; without colour, changes read `[-removed-]{+added+}`. */
  color: boolean
  /**
   * Characters of unchanged text kept on each side of a change; longer unchanged runs
   * are cut to `…`. Minimum 0.
   * @default 40
   */
  context?: number
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info']
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 }
const DEFAULT_CONTEXT = 40
/** An unchanged run is only cut when that saves at least this many characters. */
const ELIDE_SLACK = 12

// ---------------------------------------------------------------------------------------
// Shared

interface PreparedItem {
  item: ReviewItem
  source: DiffPart[]
  translation: DiffPart[]
  sourceChanged: boolean
  translationChanged: boolean
  findings: Finding[]
}

function prepare(doc: ReviewDocument): PreparedItem[] {
  return doc.items.map((item) => {
    const source = diffText(item.sourceBefore, item.sourceAfter, doc.sourceLocale.script)
    const translation = diffText(item.translationBefore, item.translationAfter, doc.targetLocale.script)
    return {
      item,
      source,
      translation,
      sourceChanged: source.some((part) => part.kind !== 'same'),
      translationChanged: translation.some((part) => part.kind !== 'same'),
      // Errors first; the order within one severity is the checker's.
      findings: [...item.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]),
    }
  })
}

function headingLabel(item: ReviewItem): string {
  return item.heading === null ? t('review:preamble') : t('review:quoted', { text: item.heading })
}

/** The title of an item without its reason and status: `§3 “Heading”` or `Frontmatter`. */
function itemTitle(item: ReviewItem): string {
  if (item.section === FRONTMATTER_ITEM) return t('review:frontmatter')
  return t('review:item-title', { index: item.section, heading: headingLabel(item) })
}

function itemHeader(item: ReviewItem): string {
  if (item.section === FRONTMATTER_ITEM) {
    return t('review:frontmatter-header', { reason: t(`review:reason/${item.reason}`), status: t(`review:status/${item.status}`) })
  }
  return t('review:item-header', {
    index: item.section,
    heading: headingLabel(item),
    reason: t(`review:reason/${item.reason}`),
    status: t(`review:status/${item.status}`),
  })
}

function countSeverities(doc: ReviewDocument): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 }
  for (const item of doc.items) for (const finding of item.findings) counts[finding.severity]++
  return counts
}

/** "3 sections need review · 2 errors, 1 warning" (severities with no finding left out). */
function summaryParts(doc: ReviewDocument): { sections: string; findings: string } {
  const counts = countSeverities(doc)
  const keys: Record<Severity, string> = { error: 'review:errors', warning: 'review:warnings', info: 'review:infos' }
  const sections = doc.items.filter((item) => item.section !== FRONTMATTER_ITEM).length
  const frontmatter = sections < doc.items.length
  return {
    sections: t(frontmatter ? 'review:summary-frontmatter' : 'review:summary', { count: sections }),
    findings: SEVERITIES.filter((severity) => counts[severity] > 0)
      .map((severity) => t(keys[severity], { count: counts[severity] }))
      .join(t('review:list-separator')),
  }
}

/** "Label: value", with the colon of the UI language. */
function field(label: string, value: string): string {
  return t('review:field', { label, value })
}

function statsLabel(parts: readonly DiffPart[]): string {
  const { added, removed } = diffStats(parts)
  return t('review:stats', { added, removed })
}

// ---------------------------------------------------------------------------------------
// Terminal

function codePoints(text: string): string[] {
  return Array.from(text)
}

/** The first `context` characters of an unchanged run, stopping at its first line break. */
function headOf(text: string, context: number, words: boolean): string {
  const chars = codePoints(text)
  let head = chars.slice(0, context).join('')
  const newline = head.indexOf('\n')
  if (newline >= 0) return head.slice(0, newline)
  // Do not cut a word in two: back up to the last space when one is near.
  if (words && chars.length > context && /\S/u.test(chars[context] ?? '')) {
    const space = head.search(/\s\S*$/u)
    if (space > 0 && head.length - space < 16) head = head.slice(0, space)
  }
  return head
}

/** The last `context` characters of an unchanged run, starting after its last line break. */
function tailOf(text: string, context: number, words: boolean): string {
  const chars = codePoints(text)
  let tail = chars.slice(Math.max(0, chars.length - context)).join('')
  const newline = tail.lastIndexOf('\n')
  if (newline >= 0) return tail.slice(newline + 1)
  if (words && chars.length > context && /\S/u.test(chars[chars.length - context - 1] ?? '')) {
    const space = tail.search(/\s/u)
    if (space >= 0 && space < 16) tail = tail.slice(space + 1)
  }
  return tail
}

/**
 * Cuts long unchanged runs to `…` with `context` characters kept next to each change:
 * a reviewer of a 3,000-character section needs the changed sentence, not the section.
 */
function elide(parts: readonly DiffPart[], context: number, words: boolean): DiffPart[] {
  const elided = t('review:elided')
  return parts.map((part, index) => {
    if (part.kind !== 'same') return part
    const hasBefore = index > 0
    const hasAfter = index < parts.length - 1
    const size = codePoints(part.text).length
    const keep = (hasBefore ? context : 0) + (hasAfter ? context : 0)
    if (size <= keep + ELIDE_SLACK) return part
    const head = hasBefore ? headOf(part.text, context, words) : ''
    const tail = hasAfter ? tailOf(part.text, context, words) : ''
    // A kept line break shows that the change starts (or ends) a line.
    const headGap = hasBefore && part.text.length > head.length && part.text[head.length] === '\n' ? '\n' : ''
    const tailGap = hasAfter && part.text.length > tail.length && part.text[part.text.length - tail.length - 1] === '\n' ? '\n' : ''
    return { kind: 'same', text: `${head}${headGap}${elided}${tailGap}${tail}` }
  })
}

/** Applies a style to each line separately, so indenting lines later keeps codes balanced. */
function perLine(text: string, style: (line: string) => string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : style(line)))
    .join('\n')
}

function renderDiffTerminal(parts: readonly DiffPart[], colors: ReturnType<typeof pc.createColors>, color: boolean): string {
  let out = ''
  for (const part of parts) {
    if (part.kind === 'same') out += part.text
    else if (!color) out += part.kind === 'added' ? `{+${part.text}+}` : `[-${part.text}-]`
    else if (part.kind === 'added') out += perLine(part.text, (line) => colors.green(colors.underline(line)))
    else out += perLine(part.text, (line) => colors.red(colors.strikethrough(line)))
  }
  return out
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : prefix + line))
    .join('\n')
}

/**
 * The review as terminal text: per section a header, the source diff, the translation
 * diff and the findings, then a summary line. Without `color` there are no ANSI codes
 * and changes read `[-removed-]{+added+}`, so logs and CI output stay readable.
 */
export function renderReviewTerminal(doc: ReviewDocument, options: TerminalOptions): string {
  const context = options.context ?? DEFAULT_CONTEXT
  if (!Number.isInteger(context) || context < 0) {
    throw new TypeError(`Expected \`context\` to be an integer >= 0, got \`${String(context)}\` (${typeof context})`)
  }
  const colors = pc.createColors(options.color)
  const sevStyle: Record<Severity, (text: string) => string> = { error: colors.red, warning: colors.yellow, info: colors.blue }
  const sevWidth = Math.max(...SEVERITIES.map((severity) => t(`review:severity/${severity}`).length))
  const lines: string[] = []

  lines.push(colors.bold(t('review:title', { article: doc.article })))
  const target = `${doc.target} (${doc.targetLocale.nativeName}, ${doc.targetLocale.code})`
  lines.push(`${field(t('review:target'), target)} · ${field(t('review:generated'), doc.generatedAt)}`)

  for (const prepared of prepare(doc)) {
    const { item } = prepared
    lines.push('')
    lines.push(colors.bold(colors.cyan(itemHeader(item))))
    const block = (label: string, parts: DiffPart[], changed: boolean, script: LocaleInfo['script']) => {
      if (!changed) {
        lines.push(`  ${field(label, colors.dim(parts.length === 0 ? t('review:empty') : t('review:unchanged')))}`)
        return
      }
      lines.push(`  ${field(label, colors.dim(statsLabel(parts)))}`)
      const words = script === 'Latn' || script === 'Cyrl'
      lines.push(indent(renderDiffTerminal(elide(parts, context, words), colors, options.color), '    '))
    }
    block(t('review:source'), prepared.source, prepared.sourceChanged, doc.sourceLocale.script)
    block(t('review:translation'), prepared.translation, prepared.translationChanged, doc.targetLocale.script)
    if (prepared.findings.length === 0) {
      lines.push(`  ${field(t('review:findings'), colors.dim(t('review:no-findings')))}`)
    } else {
      lines.push(`  ${t('review:field-open', { label: t('review:findings') })}`)
      for (const finding of prepared.findings) {
        const label = t(`review:severity/${finding.severity}`).padEnd(sevWidth)
        lines.push(`    ${sevStyle[finding.severity](label)}  ${formatMessage(finding)}  ${colors.dim(finding.ruleId)}`)
      }
    }
  }

  const summary = summaryParts(doc)
  lines.push('')
  lines.push(colors.bold(summary.findings ? `${summary.sections} · ${summary.findings}` : summary.sections))
  return `${lines.join('\n')}\n`
}

// ---------------------------------------------------------------------------------------
// HTML

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)
}

function renderDiffHtml(parts: readonly DiffPart[]): string {
  return parts
    .map((part) =>
      part.kind === 'same'
        ? escapeHtml(part.text)
        : part.kind === 'added'
          ? `<ins>${escapeHtml(part.text)}</ins>`
          : `<del>${escapeHtml(part.text)}</del>`,
    )
    .join('')
}

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --card: #f6f8fa; --line: #d1d9e0;
  --ins-bg: #dafbe1; --ins-fg: #116329; --del-bg: #ffebe9; --del-fg: #a40e26;
  --error: #cf222e; --warning: #9a6700; --info: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --line: #3d444d;
  --ins-bg: #12361f; --ins-fg: #7ee787; --del-bg: #3c1618; --del-fg: #ffa198;
  --error: #ff7b72; --warning: #d29922; --info: #58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem; font: 15px/1.6 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans", "Noto Sans CJK SC", sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.3rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0 0 .5rem; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
p.summary { font-weight: 600; } p.legend { color: var(--muted); font-size: .9rem; }
nav ol { padding-left: 1.2rem; columns: 2 20rem; } nav a { color: var(--info); }
section.item { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; background: var(--card); overflow: hidden; }
section.item > h2 { font-size: 1.05rem; margin: 0; padding: .6rem .8rem; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: .4rem; align-items: baseline; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: 0 .5rem; border-radius: 999px; border: 1px solid currentColor; white-space: nowrap; }
.reason { color: var(--info); } .status { color: var(--muted); } .stats { color: var(--muted); font-weight: 400; font-size: .8rem; }
.grid { display: grid; grid-template-columns: 1fr 1fr; }
.col { padding: .6rem .8rem; min-width: 0; } .col + .col { border-left: 1px solid var(--line); }
.col h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 .3rem; display: flex; gap: .4rem; align-items: baseline; }
.diff { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; font-size: .9rem; background: var(--bg); padding: .5rem; border-radius: 6px; }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: underline; text-decoration-thickness: 1px; }
del { background: var(--del-bg); color: var(--del-fg); text-decoration: line-through; }
ul.findings { list-style: none; margin: 0; padding: .5rem .8rem .7rem; border-top: 1px solid var(--line); }
ul.findings li { margin: .2rem 0; overflow-wrap: anywhere; }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); } .sev-info { color: var(--info); }
code { font-size: .85em; color: var(--muted); }
.none { color: var(--muted); }
@media (max-width: 800px) {
  body { padding: .5rem; }
  .grid { grid-template-columns: 1fr; }
  .col + .col { border-left: 0; border-top: 1px solid var(--line); }
}
`

function htmlColumn(label: string, parts: DiffPart[], changed: boolean, isNew: boolean, locale: LocaleInfo): string {
  const note = !changed
    ? `<span class="badge status">${escapeHtml(parts.length === 0 ? t('review:empty') : t('review:unchanged'))}</span>`
    : isNew
      ? `<span class="badge reason">${escapeHtml(t('review:new'))}</span>`
      : `<span class="stats">${escapeHtml(statsLabel(parts))}</span>`
  return (
    `<div class="col"><h3>${escapeHtml(label)} ${note}</h3>` +
    `<pre class="diff" lang="${escapeHtml(locale.tag)}">${renderDiffHtml(parts)}</pre></div>`
  )
}

function anchor(item: ReviewItem): string {
  return item.section === FRONTMATTER_ITEM ? 'frontmatter' : `s${item.section}`
}

function htmlFinding(finding: Finding): string {
  return (
    `<li><span class="badge sev-${finding.severity}">${escapeHtml(t(`review:severity/${finding.severity}`))}</span> ` +
    `${escapeHtml(formatMessage(finding))} <code>${escapeHtml(finding.ruleId)}</code></li>`
  )
}

/**
 * The review as one self-contained HTML page (inline CSS, no scripts, no external
 * assets): a header with the article, target, time and counts, then per section the
 * source diff beside the translation diff (one column under 800px) and its findings.
 * Every piece of text is escaped; section text may hold `<script>` or `&`.
 */
export function renderReviewHtml(doc: ReviewDocument): string {
  const prepared = prepare(doc)
  const summary = summaryParts(doc)
  const title = t('review:title', { article: doc.article })
  const target = `${doc.target} (${doc.targetLocale.nativeName}, ${doc.targetLocale.code})`

  const sections = prepared.map((entry) => {
    const { item } = entry
    const header =
      `<h2><span>${escapeHtml(itemTitle(item))}</span>` +
      `<span class="badge reason">${escapeHtml(t(`review:reason/${item.reason}`))}</span>` +
      `<span class="badge status">${escapeHtml(t(`review:status/${item.status}`))}</span></h2>`
    const grid =
      `<div class="grid">` +
      htmlColumn(t('review:source'), entry.source, entry.sourceChanged, item.sourceBefore === undefined, doc.sourceLocale) +
      htmlColumn(t('review:translation'), entry.translation, entry.translationChanged, item.translationBefore === undefined, doc.targetLocale) +
      `</div>`
    const findings =
      entry.findings.length === 0
        ? `<ul class="findings"><li class="none">${escapeHtml(t('review:no-findings'))}</li></ul>`
        : `<ul class="findings" aria-label="${escapeHtml(t('review:findings'))}">${entry.findings.map(htmlFinding).join('')}</ul>`
    return `<section class="item" id="${anchor(item)}">${header}${grid}${findings}</section>`
  })

  const nav =
    prepared.length > 1
      ? `<nav><ol>${prepared
          .map(({ item }) => `<li><a href="#${anchor(item)}">${escapeHtml(itemHeader(item))}</a></li>`)
          .join('')}</ol></nav>`
      : ''

  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(uiLanguage())}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    '<dl class="meta">',
    `<dt>${escapeHtml(t('review:article'))}</dt><dd>${escapeHtml(doc.article)}</dd>`,
    `<dt>${escapeHtml(t('review:target'))}</dt><dd>${escapeHtml(target)}</dd>`,
    `<dt>${escapeHtml(t('review:generated'))}</dt><dd><time datetime="${escapeHtml(doc.generatedAt)}">${escapeHtml(doc.generatedAt)}</time></dd>`,
    '</dl>',
    `<p class="summary">${escapeHtml(summary.sections)}${summary.findings ? ` · ${escapeHtml(summary.findings)}` : ''}</p>`,
    `<p class="legend">${escapeHtml(t('review:legend'))}</p>`,
    nav,
    '</header>',
    '<main>',
    ...sections,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
