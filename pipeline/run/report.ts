/**
 * The report of a `translate` run: one {@link ArticleReport} per source × target locale,
 * summed up in a {@link RunReport}. Progress events for the CLI's progress line.
 */
import type { Finding } from '../article/types.ts'
import type { Translator, Usage } from '../translate/translator.ts'
import type { NameCoverage } from '../glossary/coverage.ts'
import { costOfParts, type ModelPrice, type PriceMode } from '../translate/cost.ts'

/** Progress, for the CLI's progress line. */
export type ProgressEvent =
  | { type: 'article-start'; file: string; locale: string; sections: number }
  | { type: 'section-done'; file: string; locale: string; section: number; heading: string | null; usage: Usage }
  | { type: 'article-done'; report: ArticleReport }

/** Sections of one article by what happened to them. */
export interface SectionCounts {
  total: number
  translated: number
  cached: number
  reused: number
  failed: number
}

/** Requests and tokens spent. */
export interface Spent {
  requests: number
  promptTokens: number
  completionTokens: number
}

/** What the judge spent (`judge:` in the config), with the model it is priced at. */
export interface JudgeSpent extends Spent {
  model: string
}

/** What happened to one source file × target locale. */
export interface ArticleReport extends Spent {
  source: string
  locale: string
  output?: string
  /** `waiting`: some of its requests are in a Batch API batch not answered yet; nothing was written. */
  status: 'written' | 'unchanged' | 'failed' | 'skipped' | 'waiting'
  provider: string
  model?: string
  /** translated: sent to the provider; cached: answered from the cache; reused: kept from the existing output or memory. */
  sections: SectionCounts
  findings: Finding[]
  /**
   * The article's names against the glossary (with one): how many distinct names it
   * uses, how many a glossary entry locks, and the rest (`glossary/not-locked` reports
   * the marked ones per section).
   */
  names?: NameCoverage
  durationMs: number
  error?: { code: string; message: string }
  /** Sections kept as they were in the existing output (their findings were reported before). */
  reusedSections?: number[]
  /** The judge's share of the requests and tokens above (they include it). */
  judge?: JudgeSpent
  /** The exception behind an `E_INTERNAL` error (not serialized), for `--debug`. */
  readonly exception?: unknown
}

/** What makes two findings the same one (source lint findings repeat once per target locale). */
export function findingKey(finding: Finding): string {
  return JSON.stringify([finding.ruleId, finding.file, finding.section, finding.sourcePosition, finding.targetPosition, finding.messageId, finding.values])
}

/** The run's findings, each once: what the terminal lists and what the totals count. */
export function uniqueFindings(articles: readonly ArticleReport[]): Finding[] {
  const seen = new Set<string>()
  return articles.flatMap((article) => article.findings).filter((finding) => {
    const key = findingKey(finding)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** The whole run. */
export interface RunReport {
  provider: string
  model?: string
  offline: boolean
  startedAt: string
  durationMs: number
  interrupted: boolean
  articles: ArticleReport[]
  /** `errors` and `warnings` count each finding once ({@link uniqueFindings}), as the terminal does. */
  totals: {
    articles: number
    written: number
    failed: number
    waiting: number
    requests: number
    promptTokens: number
    completionTokens: number
    errors: number
    warnings: number
  }
  /** The judge's share of the totals' requests and tokens (included in them), when it judged. */
  judge?: JudgeSpent
}

/** Nothing spent. */
export function noneSpent(): Spent {
  return { requests: 0, promptTokens: 0, completionTokens: 0 }
}

/** No sections yet. */
export function noSections(): SectionCounts {
  return { total: 0, translated: 0, cached: 0, reused: 0, failed: 0 }
}

/** The report of an article before anything happened to it: failed until it succeeds. */
export function emptyReport(source: string, locale: string, translator: Translator): ArticleReport {
  return {
    source,
    locale,
    status: 'failed',
    provider: translator.name,
    ...(translator.model ? { model: translator.model } : {}),
    sections: noSections(),
    ...noneSpent(),
    findings: [],
    durationMs: 0,
  }
}

/** Adds the requests and tokens of `usage` to `spent`. */
export function addUsage(spent: Spent, usage: Spent): void {
  spent.requests += usage.requests
  spent.promptTokens += usage.promptTokens
  spent.completionTokens += usage.completionTokens
}

/**
 * What requests cost: the translations at `model`, the judge's share at the judge's model
 * (it may be another, e.g. a larger model judging a small one's drafts).
 */
export function spentCost(spent: Spent & { judge?: JudgeSpent | undefined }, model: string, prices: Readonly<Record<string, ModelPrice>> = {}, mode: PriceMode = {}): { usd: number; known: boolean } {
  const judge = spent.judge
  const translation = { model, promptTokens: spent.promptTokens - (judge?.promptTokens ?? 0), completionTokens: spent.completionTokens - (judge?.completionTokens ?? 0) }
  return costOfParts(judge ? [translation, judge] : [translation], prices, mode)
}

/** The judge's spending over some articles, when any was judged. */
function judgeTotals(reports: readonly ArticleReport[]): JudgeSpent | undefined {
  let total: JudgeSpent | undefined
  for (const report of reports) {
    if (!report.judge) continue
    total ??= { model: report.judge.model, ...noneSpent() }
    addUsage(total, report.judge)
  }
  return total
}

/** The run's report from its articles' reports. */
export function runReport(translator: Translator, started: number, interrupted: boolean, reports: ArticleReport[]): RunReport {
  const unique = uniqueFindings(reports)
  const count = (severity: string) => unique.filter((f) => f.severity === severity).length
  const judged = judgeTotals(reports)
  return {
    provider: translator.name,
    ...(translator.model ? { model: translator.model } : {}),
    offline: translator.offline,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    interrupted,
    articles: reports,
    totals: {
      articles: reports.length,
      written: reports.filter((a) => a.status === 'written').length,
      failed: reports.filter((a) => a.status === 'failed').length,
      waiting: reports.filter((a) => a.status === 'waiting').length,
      requests: reports.reduce((sum, a) => sum + a.requests, 0),
      promptTokens: reports.reduce((sum, a) => sum + a.promptTokens, 0),
      completionTokens: reports.reduce((sum, a) => sum + a.completionTokens, 0),
      errors: count('error'),
      warnings: count('warning'),
    },
    ...(judged ? { judge: judged } : {}),
  }
}
