/**
 * report-merge: the JSON reports of the shards of one sync (`sync --shard i/n`) joined
 * into the report one unsharded run would have written (`l10n report merge`). Reading a
 * report checks the fields the merge uses; the join itself is pure.
 */
import { z } from 'zod'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { checkJson } from '../shared/validation.ts'
import { readTextFile } from '../state/files.ts'
import { REPORT_SCHEMA_VERSION, type SyncPlan, type SyncReport, type SyncReportArticle } from './sync.ts'
import type { ArticleReport, RunReport } from './report.ts'

const count = z.number().min(0)
const pair = z.looseObject({ source: z.string(), locale: z.string() })

/** What the merge relies on; every other field is carried along as it was. */
const reportSchema = z.looseObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  command: z.enum(['translate', 'sync']),
  dryRun: z.boolean(),
  exitCode: z.int().min(0),
  shard: z.looseObject({ index: z.int().min(1), count: z.int().min(1) }).optional(),
  plan: z
    .looseObject({
      items: z.array(pair),
      totals: z.looseObject({ requests: count, promptTokens: count, completionTokens: count, usd: count, priceKnown: z.boolean(), work: count, untracked: count, failed: count }),
    })
    .optional(),
  articles: z.array(pair).optional(),
  run: z
    .looseObject({
      provider: z.string(),
      offline: z.boolean(),
      startedAt: z.string(),
      durationMs: count,
      interrupted: z.boolean(),
      articles: z.array(pair),
      totals: z.record(z.string(), count),
    })
    .optional(),
  cost: z.looseObject({ usd: count, known: z.boolean() }).optional(),
  budget: z.looseObject({ reached: z.boolean(), limit: z.string().optional() }).optional(),
  batch: z.record(z.string(), z.unknown()).optional(),
})

/** A report read back, with the file it came from. */
export interface ReadReport {
  file: string
  report: SyncReport
}

/** Reads and checks one JSON report; `E_USAGE` naming the file and the first field that is off. */
export async function readReport(file: string): Promise<ReadReport> {
  const checked = checkJson(reportSchema, await readTextFile(file))
  if (!checked.ok) throw new L10nError('E_USAGE', { file, params: { detail: message('sync:bad-report', { detail: checked.detail }) } })
  // Checked where the merge looks; the rest is the report as the tool wrote it.
  return { file, report: checked.value as unknown as SyncReport }
}

/** Stable order by source path: the order one unsharded run lists its (sorted) articles in. */
function bySource<T extends { source: string }>(items: T[]): T[] {
  return items.map((item, at) => ({ item, at })).sort((a, b) => (a.item.source < b.item.source ? -1 : a.item.source > b.item.source ? 1 : a.at - b.at)).map(({ item }) => item)
}

function mergePlans(plans: SyncPlan[]): SyncPlan {
  return { items: bySource(plans.flatMap((plan) => plan.items)), totals: mergeValues(plans.map((plan) => plan.totals)) as SyncPlan['totals'] }
}

function mergeRuns(runs: RunReport[]): RunReport {
  const first = runs[0]!
  const models = [...new Set(runs.map((run) => run.model).filter((model) => model !== undefined))]
  return {
    ...first,
    ...(models.length > 0 ? { model: models.join(', ') } : {}),
    provider: [...new Set(runs.map((run) => run.provider))].join(', '),
    offline: runs.every((run) => run.offline),
    startedAt: runs.map((run) => run.startedAt).sort()[0]!,
    // The shards run side by side: the whole took as long as the longest.
    durationMs: Math.max(...runs.map((run) => run.durationMs)),
    interrupted: runs.some((run) => run.interrupted),
    articles: bySource(runs.flatMap((run) => run.articles as ArticleReport[])),
    totals: mergeValues(runs.map((run) => run.totals)) as RunReport['totals'],
    ...(runs.some((run) => run.judge) ? { judge: mergeValues(runs.map((run) => run.judge)) as RunReport['judge'] } : {}),
  }
}

/** Numbers summed (rounds: the most), flags all-true (a price is known for the whole only when known for every part), lists joined, mappings field by field. */
function mergeValues(values: unknown[], key = ''): unknown {
  const present = values.filter((value) => value !== undefined)
  const first = present[0]
  if (typeof first === 'number') return key === 'rounds' ? Math.max(...(present as number[])) : (present as number[]).reduce((a, b) => a + b, 0)
  if (typeof first === 'boolean') return (present as boolean[]).every(Boolean)
  if (Array.isArray(first)) return present.flatMap((value) => value as unknown[])
  if (first !== null && typeof first === 'object') {
    const keys = [...new Set(present.flatMap((value) => Object.keys(value as object)))]
    return Object.fromEntries(keys.map((name) => [name, mergeValues(present.map((value) => (value as Record<string, unknown>)[name]), name)]))
  }
  return first
}

/**
 * Joins the reports of one sync's shards into one report, schemaVersion kept: plan items and
 * articles in source order, totals summed, the duration of the longest shard, the budget
 * reached when any shard reached it, and the highest exit code (interrupted 4 > budget 3 >
 * findings 1 > clean 0). `merged` lists the reports joined. Reports of different commands,
 * or of a dry run and a real one, cannot be joined.
 */
export function mergeReports(reports: readonly ReadReport[]): SyncReport {
  const first = reports[0]
  if (!first) throw new L10nError('E_USAGE', { params: { detail: message('sync:merge-none') } })
  for (const { file, report } of reports) {
    if (report.command !== first.report.command || report.dryRun !== first.report.dryRun) {
      throw new L10nError('E_USAGE', { file, params: { detail: message('sync:merge-mismatch', { other: first.file }) } })
    }
  }
  const all = reports.map(({ report }) => report)
  const plans = all.flatMap((report) => (report.plan ? [report.plan] : []))
  const articles = all.flatMap((report) => (report.articles ? [report.articles] : []))
  const runs = all.flatMap((report) => (report.run ? [report.run] : []))
  const costs = all.flatMap((report) => (report.cost ? [report.cost] : []))
  const budgets = all.flatMap((report) => (report.budget ? [report.budget] : []))
  const batches = all.flatMap((report) => (report.batch ? [report.batch] : []))
  const reached = budgets.find((budget) => budget.reached)
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    command: first.report.command,
    dryRun: first.report.dryRun,
    ...(plans.length > 0 ? { plan: mergePlans(plans) } : {}),
    ...(articles.length > 0 ? { articles: bySource(articles.flat() as SyncReportArticle[]) } : {}),
    ...(runs.length > 0 ? { run: mergeRuns(runs) } : {}),
    ...(costs.length > 0 ? { cost: { usd: costs.reduce((sum, cost) => sum + cost.usd, 0), known: costs.every((cost) => cost.known) } } : {}),
    ...(budgets.length > 0 ? { budget: { reached: reached !== undefined, limit: reached?.limit } } : {}),
    ...(batches.length > 0 ? { batch: mergeValues(batches) as Record<string, unknown> } : {}),
    exitCode: Math.max(...all.map((report) => report.exitCode)),
    merged: reports.map(({ file, report }) => ({ file, ...(report.shard ? { shard: { index: report.shard.index, count: report.shard.count } } : {}), exitCode: report.exitCode })),
  }
}
