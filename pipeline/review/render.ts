/**
 * The reviewer's view of a run: for every section that needs a person, the change of its
 * source beside the change of its translation that it caused, and the check findings
 * under them. Pure: a {@link ReviewDocument} in, terminal text out (the HTML view is
 * `html-view.ts`); the orchestrator writes it where it belongs.
 */
import pc from 'picocolors'
import { diffStats, diffText, type DiffPart } from './diff.ts'
import { formatMessage, t } from '../shared/i18n.ts'
import type { LocaleInfo } from '../article/locales.ts'
import type { Finding, Severity } from '../article/types.ts'

/** Why a section is shown to the reviewer. */
export type ReviewReason = 'new' | 'source-changed' | 'retranslated' | 'draft' | 'edited-by-hand' | 'approved' | 'reset'

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
  /** File offsets where the section starts in the source and in the translation (places findings on rows). */
  sourceOffset?: number
  targetOffset?: number
  /** A reviewer's note for the model: the section is translated again with it on the next run. */
  note?: string
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
export function itemTitle(item: ReviewItem): string {
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
export function summaryParts(doc: ReviewDocument): { sections: string; findings: string } {
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

