/**
 * render: findings → text for a terminal, a JSON file or a pull-request comment. Pure;
 * the CLI decides where the text goes and whether colour is wanted.
 */
import pc from 'picocolors'
import { formatMessage, t } from '../shared/i18n.ts'
import { escapeHtml } from '../shared/html.ts'
import type { Finding, Place, Severity } from '../article/types.ts'

/** Output formats of {@link renderFindings}. */
export type RenderFormat = 'human' | 'json' | 'markdown'

/** Options of {@link renderFindings}. */
export interface RenderOptions {
  format: RenderFormat
  /** Colour the human format with ANSI codes (ignored by the other formats). @default false */
  color?: boolean
  /** Source file, named in the JSON output and the Markdown summary. */
  source?: string
  /** Target file, named in the JSON output and the Markdown summary. */
  target?: string
}

/** Number of findings per severity. */
export interface Summary {
  error: number
  warning: number
  info: number
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info']

/** Counts findings per severity. */
export function summarize(findings: readonly Finding[]): Summary {
  const summary: Summary = { error: 0, warning: 0, info: 0 }
  for (const finding of findings) summary[finding.severity]++
  return summary
}

/** 0 when there is no error, 1 otherwise; with `strict`, warnings fail too. */
export function exitCodeFor(findings: readonly Finding[], options: { strict?: boolean } = {}): 0 | 1 {
  const summary = summarize(findings)
  return summary.error > 0 || (options.strict === true && summary.warning > 0) ? 1 : 0
}

/** Renders findings in the chosen format. Throws a TypeError for an unknown format. */
export function renderFindings(findings: readonly Finding[], options: RenderOptions): string {
  switch (options.format) {
    case 'human':
      return renderHuman(findings, options.color === true)
    case 'json':
      return renderJson(findings, options)
    case 'markdown':
      return renderMarkdown(findings, options)
    default:
      throw new TypeError(`Expected \`format\` to be human, json or markdown, got \`${String((options as { format: unknown }).format)}\``)
  }
}

// ---------------------------------------------------------------------------------------

interface Group {
  file: string | undefined
  section: number | undefined
  heading: string | null | undefined
  findings: Finding[]
}

/** Groups by file, then section (article-level findings first), keeping order inside a group. */
function groups(findings: readonly Finding[]): Group[] {
  const byKey = new Map<string, Group>()
  for (const finding of findings) {
    const key = `${finding.file ?? ''}\u0000${finding.section ?? ''}`
    let group = byKey.get(key)
    if (!group) {
      group = { file: finding.file, section: finding.section, heading: finding.heading, findings: [] }
      byKey.set(key, group)
    }
    group.findings.push(finding)
  }
  // In a group, top to bottom: the order someone fixes them in.
  const order = (a: Finding, b: Finding) => {
    const x = placeOf(a)
    const y = placeOf(b)
    return (x?.line ?? 0) - (y?.line ?? 0) || (x?.column ?? 0) - (y?.column ?? 0)
  }
  for (const group of byKey.values()) group.findings.sort(order)
  const files = [...new Set(findings.map((finding) => finding.file ?? ''))]
  return [...byKey.values()].sort(
    (a, b) => files.indexOf(a.file ?? '') - files.indexOf(b.file ?? '') || (a.section ?? -1) - (b.section ?? -1),
  )
}

function groupTitle(group: Group): string {
  if (group.section === undefined) return t('render:group-article')
  if (group.heading === null || group.heading === undefined) return t('render:group-preamble', { index: group.section })
  return t('render:group-section', { index: group.section, heading: group.heading })
}

function placeOf(finding: Finding): Place | undefined {
  return finding.targetPosition ?? finding.sourcePosition
}

function placeText(finding: Finding): string {
  const place = placeOf(finding)
  if (!place) return '-'
  const here = `${place.line}:${place.column}`
  // Both files' places, so a reviewer can open either at the right line.
  const source = finding.targetPosition ? finding.sourcePosition : undefined
  return source ? `${here} ${t('render:source-place', { place: `${source.line}:${source.column}` })}` : here
}

function summaryText(summary: Summary): string {
  if (summary.error + summary.warning + summary.info === 0) return t('render:clean')
  return t('render:summary', {
    error: t('render:count-error', { count: summary.error }),
    warning: t('render:count-warning', { count: summary.warning }),
    info: t('render:count-info', { count: summary.info }),
  })
}

function severityText(severity: Severity): string {
  return t(`render:severity-${severity}`)
}

// ---------------------------------------------------------------------------------------

function renderHuman(findings: readonly Finding[], color: boolean): string {
  const c = pc.createColors(color)
  const paint: Record<Severity, (text: string) => string> = { error: c.red, warning: c.yellow, info: c.blue }
  const placeWidth = Math.max(0, ...findings.map((finding) => placeText(finding).length))
  const severityWidth = Math.max(0, ...SEVERITIES.map((severity) => severityText(severity).length))
  const lines: string[] = []
  let file: string | undefined | null = null
  for (const group of groups(findings)) {
    if (group.file !== file) {
      if (lines.length > 0) lines.push('')
      if (group.file !== undefined) lines.push(c.underline(group.file))
      file = group.file
    }
    lines.push(c.bold(groupTitle(group)))
    for (const finding of group.findings) {
      lines.push(
        [
          `  ${c.dim(placeText(finding).padStart(placeWidth))}`,
          paint[finding.severity](severityText(finding.severity).padEnd(severityWidth)),
          formatMessage(finding).replace(/\r?\n/g, ' '),
          c.dim(finding.ruleId),
        ].join('  '),
      )
    }
  }
  const summary = summarize(findings)
  if (lines.length > 0) lines.push('')
  const text = summaryText(summary)
  lines.push(summary.error > 0 ? c.red(c.bold(text)) : summary.warning > 0 ? c.yellow(c.bold(text)) : c.green(text))
  return lines.join('\n')
}

function renderJson(findings: readonly Finding[], options: RenderOptions): string {
  return JSON.stringify({ source: options.source ?? null, target: options.target ?? null, summary: summarize(findings), findings: findings.map((finding) => ({ ...finding, message: formatMessage(finding) })) }, null, 2)
}

/**
 * A table cell: no pipes, no line breaks, and no HTML — text quoted from articles or
 * model answers (`<script>`, `<img onerror=…>`) shows as text wherever the report is rendered.
 */
function cell(text: string): string {
  return escapeHtml(text, { quotes: false }).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

function renderMarkdown(findings: readonly Finding[], options: RenderOptions): string {
  const summary = summarize(findings)
  const icon = summary.error > 0 ? '❌' : summary.warning > 0 ? '⚠️' : '✅'
  const files = options.source && options.target ? ` — \`${options.source}\` → \`${options.target}\`` : options.target ? ` — \`${options.target}\`` : ''
  const lines = [`${icon} **${t('render:markdown-title')}**: ${summaryText(summary)}${files}`]
  const showFile = new Set(findings.map((finding) => finding.file)).size > 1
  for (const group of groups(findings)) {
    lines.push('', `#### ${cell(showFile && group.file ? `${group.file} · ${groupTitle(group)}` : groupTitle(group))}`, '')
    lines.push(`| ${t('render:column-place')} | ${t('render:column-severity')} | ${t('render:column-message')} | ${t('render:column-rule')} |`)
    lines.push('| ---: | --- | --- | --- |')
    for (const finding of group.findings) {
      lines.push(`| ${placeText(finding)} | ${cell(severityText(finding.severity))} | ${cell(formatMessage(finding))} | \`${finding.ruleId}\` |`)
    }
  }
  return lines.join('\n')
}
