/**
 * What translating runs (`translate`, `sync`) print: the live progress line, one line per
 * finished article, the plan, and the summaries that replace walls of repeated lines.
 */
import { relative, sep } from 'node:path'
import { detail, notice, problem, relativePath, say, summary, type CliIo } from './common.ts'
import { t, uiLanguage } from '../shared/i18n.ts'
import { findingKey, type ArticleReport, type ProgressEvent, type RunReport } from '../run/translate.ts'
import { needsWork, type PlanItem, type SyncPlan } from '../run/sync.ts'
import type { Finding } from '../article/types.ts'

/** Widest line the tool prints on its own (paths it is given may still be longer). */
export const MAX_COLUMNS = 100

/** `a, b and c` in the UI language (`a、b 和 c` in Chinese). */
export function listText(items: readonly string[]): string {
  return new Intl.ListFormat(uiLanguage(), { style: 'long', type: 'conjunction' }).format(items)
}

/** A cost as people read it: `$0.0123`, or "cost unknown" when the model has no price. */
export function costText(known: boolean, usd: number): string {
  return known ? t('sync:cost-known', { usd: usd.toFixed(4) }) : t('sync:cost-unknown')
}

/** `1 m 05 s` / `42 s`. */
function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 60) return t('cli:seconds', { count: seconds })
  return t('cli:minutes', { minutes: Math.floor(seconds / 60), seconds: String(seconds % 60).padStart(2, '0') })
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`
}

/** Counts of a run's end that are said once instead of once per pair. */
export interface ProgressTally {
  notStarted: number
  interrupted: number
}

/**
 * Progress of a run whose size is known before it starts (`total` article × locale
 * pairs): a live line on a terminal (current article, done/total, requests, ETA), one line
 * per finished article, and nothing per pair the budget or an interrupt kept from
 * finishing; those are counted in the returned tally and said once at the end.
 */
export function progressLine(io: CliIo, total: number): { onEvent: (event: ProgressEvent) => void; tally: ProgressTally } {
  let done = 0
  let requests = 0
  let current = ''
  const started = Date.now()
  const tally: ProgressTally = { notStarted: 0, interrupted: 0 }
  const live = io.isTty && io.verbosity !== 'quiet'
  const draw = () => {
    if (!live) return
    const elapsed = Date.now() - started
    const eta = done > 0 && done < total ? t('cli:eta', { time: duration((elapsed / done) * (total - done)) }) : ''
    const text = t('cli:progress', { done, total, requests, article: current, eta }).trimEnd()
    const width = Math.min(MAX_COLUMNS, process.stderr.columns || MAX_COLUMNS) - 1
    io.stderr(`\r\x1b[K${cut(text, width)}`)
  }
  const onEvent = (event: ProgressEvent) => {
    if (event.type === 'article-start') current = `${relativePath(event.file)} → ${event.locale}`
    if (event.type === 'section-done') {
      requests += event.usage.requests
      if (live) io.stderr('\r\x1b[K')
      detail(io, sectionLine(event))
    }
    if (event.type === 'article-done') {
      done++
      if (live) io.stderr('\r\x1b[K')
      const code = event.report.error?.code
      if (code === 'E_BUDGET') tally.notStarted++
      else if (code === 'E_INTERRUPTED') tally.interrupted++
      // A failure is an error message: stderr, once. A refused key is said once for the
      // whole run at its end (reportRunFailure), not once per pair.
      else if (event.report.status === 'failed') {
        if (code !== 'E_AUTH') problem(io, articleLine(event.report))
      }
      else say(io, articleLine(event.report))
    }
    draw()
  }
  return { onEvent, tally }
}

/** One finished section, for `--verbose`: where it is and what it cost. */
function sectionLine(event: Extract<ProgressEvent, { type: 'section-done' }>): string {
  const { usage } = event
  const parts = usage.requests === 0 && usage.cached > 0 ? [t('cli:from-cache')] : [t('cli:n-requests', { count: usage.requests }), t('cli:n-tokens', { count: usage.promptTokens + usage.completionTokens })]
  return t('cli:section-done', { source: relativePath(event.file), locale: event.locale, section: event.section, heading: event.heading ?? '—', detail: parts.join(t('cli:separator')) })
}

/** The lines said once at the end instead of once per pair (budget stop, interrupt). */
export function tallyLines(io: CliIo, tally: ProgressTally): void {
  if (tally.notStarted > 0) notice(io, t('cli:not-started', { count: tally.notStarted }))
}

/** One finished article: short enough for 100 columns with ordinary paths. */
export function articleLine(report: ArticleReport): string {
  const errors = report.findings.filter((finding) => finding.severity === 'error').length
  const warnings = report.findings.filter((finding) => finding.severity === 'warning').length
  const parts = [t('cli:n-sections', { count: report.sections.total })]
  if (report.sections.cached > 0) parts.push(t('cli:n-cached', { count: report.sections.cached }))
  if (report.sections.reused > 0) parts.push(t('cli:n-kept', { count: report.sections.reused }))
  parts.push(t('cli:n-requests', { count: report.requests }))
  if (errors > 0) parts.push(t('cli:n-errors', { count: errors }))
  if (warnings > 0) parts.push(t('cli:n-warnings', { count: warnings }))
  const status = report.status === 'unchanged' && report.requests > 0 ? 'retranslated-same' : report.status
  return t(`cli:article-${status}`, {
    source: relativePath(report.source),
    output: report.output ? relativePath(report.output) : '',
    locale: report.locale,
    detail: parts.join(t('cli:separator')),
    message: report.error?.message ?? '',
  })
}

/**
 * Findings to print after a run: each once (source lint findings come once per target
 * locale), and without the warnings of sections reused unchanged from an earlier run,
 * which were shown then; those are counted instead (`--verbose` prints them).
 */
export function findingsToShow(run: RunReport, verbose: boolean): { shown: Finding[]; earlier: number } {
  const seen = new Set<string>()
  const shown: Finding[] = []
  let earlier = 0
  for (const article of run.articles) {
    const reused = new Set(article.reusedSections ?? [])
    for (const finding of article.findings) {
      const key = findingKey(finding)
      if (seen.has(key)) continue
      seen.add(key)
      const old = finding.severity !== 'error' && finding.section !== undefined && finding.file === article.output && reused.has(finding.section)
      if (old && !verbose) earlier++
      else shown.push(finding)
    }
  }
  return { shown, earlier }
}


/** The state of a plan item in the UI language. */
function stateText(state: string): string {
  return t(`sync:state-${state}`)
}

function planLine(item: PlanItem, contentRoot: string): string {
  const rel = (path: string) => relative(contentRoot, path).split(sep).join('/')
  const source = rel(item.source)
  if (item.state === 'failed') return t('sync:plan-failed', { source, locale: item.locale, message: item.error?.message ?? '' })
  if (item.needsForce) return t('sync:plan-untracked', { source, locale: item.locale, output: rel(item.output) })
  return t('sync:plan-item', { source, locale: item.locale, state: stateText(item.state), count: item.sections, requests: t('cli:n-requests', { count: item.requests }) })
}

/** The plan as printed: one line per pair with work (unless `--quiet`), then the totals. */
export function printPlan(io: CliIo, plan: SyncPlan, contentRoot: string): void {
  const listed = plan.items.filter(needsWork)
  for (const item of listed) say(io, planLine(item, contentRoot))
  const totals = plan.totals
  summary(
    io,
    t('sync:plan-total', {
      count: plan.items.length,
      work: totals.work,
      upToDate: plan.items.length - listed.length,
      requests: totals.requests,
      tokens: totals.promptTokens + totals.completionTokens,
      cost: costText(totals.priceKnown, totals.usd),
    }),
  )
  if (totals.judge && totals.judge.requests > 0) {
    const judge = totals.judge
    say(io, t('sync:plan-total-judge', { model: judge.model, requests: t('cli:n-requests', { count: judge.requests }), tokens: judge.promptTokens + judge.completionTokens, cost: costText(judge.priceKnown, judge.usd) }))
  }
  if (totals.untracked > 0) say(io, t('sync:plan-total-untracked', { count: totals.untracked }))
  if (totals.failed > 0) say(io, t('sync:plan-total-failed', { count: totals.failed }))
}

/** Said before the slow part starts, so a run never begins with seconds of silence. */
export function startLine(io: CliIo, files: number, targets: readonly string[], key: 'cli:planning' | 'cli:starting'): void {
  say(io, t(key, { count: files, locales: listText(targets) }))
}

/** `ms` as a duration for summaries. */
export function durationText(ms: number): string {
  return duration(ms)
}
