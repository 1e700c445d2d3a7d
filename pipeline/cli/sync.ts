/**
 * `l10n sync`: the scheduled job over a whole content tree, within a budget.
 */
import { resolve } from 'node:path'
import { BUDGET_OPTIONS, EXIT, budgetWithFlags, colorFor, detail, notice, parseCommandArgs, problem, relativePath, reportRunFailure, runFailureCode, say, summary, usage, type CliIo } from './common.ts'
import { RUN_OPTIONS, openProvider, planningContext, providerNotice, resolveRunSettings, runOptions } from './run-settings.ts'
import { costText, findingsToShow, printPlan, progressLine, startLine, tallyLines } from './output.ts'
import { reportJson, reportJsonPieces } from './report.ts'
import { judgePlanOptions, runJudge } from './judge.ts'
import { renderFindings } from './render-findings.ts'
import { costOf, createBudgetTracker } from '../translate/cost.ts'
import { t } from '../shared/i18n.ts'
import { writeFileAtomic } from '../state/files.ts'
import { acquireLock } from '../state/run-lock.ts'
import { discoverSources, needsWork, planSync, REPORT_SCHEMA_VERSION, reportArticles, syncReportMarkdown, type SyncPlan, type SyncReport } from '../run/sync.ts'
import { translateFiles, type RunReport } from '../run/translate.ts'
import { spentCost } from '../run/report.ts'
import { boundHeapGrowth, collectPeriodically } from '../run/heap.ts'
import { findMarkdownFiles } from '../review/find-sources.ts'
import { runBatchCycle, type BatchCycleResult, type BatchProgress } from '../run/batch.ts'
import { createBatchApi } from '../translate/batch-api.ts'
import { createOpenAiClient, type ChatClient, type LlmOptions } from '../translate/llm.ts'
import type { BatchClient } from '../translate/batch-client.ts'
import { createEstimateBook } from '../translate/estimates.ts'
import { resolveQueueSettings } from '../translate/openai.ts'
import { lockKey } from '../state/lockfile.ts'
import { parseShard, shardOf, shareOfLimit, type Shard } from '../run/shard.ts'
import type { RunSettings } from './run-settings.ts'

/** What `--frozen` says about a plan, and whether it fails. */
function frozenVerdict(plan: SyncPlan): { lines: string[]; fail: boolean } {
  const { work, untracked, failed } = plan.totals
  const lines: string[] = []
  if (work > 0) lines.push(t('sync:frozen-fail', { count: work }))
  if (untracked > 0) lines.push(t('sync:frozen-untracked', { count: untracked }))
  if (failed > 0) lines.push(t('sync:frozen-failed', { count: failed }))
  if (lines.length === 0) lines.push(t('sync:frozen-ok'))
  return { lines, fail: work + untracked + failed > 0 }
}

/** `pieces`, then the line break that ends a text file. */
function* lines(pieces: Iterable<string>): Generator<string> {
  yield* pieces
  yield '\n'
}

async function writeReports(report: SyncReport, paths: { json: string | undefined; markdown: string | undefined }, contentRoot: string, io: CliIo): Promise<void> {
  if (paths.json) {
    // In pieces: a site's report is never held as one text (the same bytes as reportJson).
    await writeFileAtomic(resolve(paths.json), lines(reportJsonPieces(report)))
    say(io, t('cli:report-written', { path: relativePath(resolve(paths.json)) }))
  }
  if (paths.markdown) {
    await writeFileAtomic(resolve(paths.markdown), syncReportMarkdown(report, { contentRoot }))
    say(io, t('cli:report-written', { path: relativePath(resolve(paths.markdown)) }))
  }
}

/**
 * Exit code of a finished sync run (documented in the README). `planFailed`: pairs that
 * could not even be planned; like a failed article, they make the run exit 1.
 */
export function syncExitCode(run: RunReport, budgetReached: boolean, planFailed = 0): number {
  if (run.interrupted) return EXIT.interrupted
  const failure = runFailureCode(run.articles)
  if (failure !== undefined) return failure
  if (budgetReached || run.articles.some((article) => article.error?.code === 'E_BUDGET')) return EXIT.budget
  return run.totals.failed > 0 || run.totals.errors > 0 || planFailed > 0 ? EXIT.findings : EXIT.ok
}

/** The flags of `sync` (its `--help` lists every one). */
export const SYNC_OPTIONS = {
  ...RUN_OPTIONS,
  'dry-run': { type: 'boolean' },
  frozen: { type: 'boolean' },
  ...BUDGET_OPTIONS,
  'report-json': { type: 'string' },
  'report-md': { type: 'string' },
  batch: { type: 'boolean' },
  wait: { type: 'boolean' },
  repair: { type: 'string' },
  shard: { type: 'string' },
} as const

/** What a sharded run took: its articles and its share of the rate limits (in the report as `shard`). */
export interface ShardTaken extends Shard {
  /** Articles of this shard, of all found. */
  articles: number
  of: number
  limits: { concurrency: number; requestsPerMinute?: number; tokensPerMinute?: number }
}

/**
 * `--shard i/n`: keeps the articles whose lockfile key hashes to shard i (run/shard.ts) and
 * gives the run 1/n of each rate limit, so that n shards together stay within them.
 */
function takeShard(value: string, files: readonly string[], settings: RunSettings, io: CliIo): { files: string[]; shard: ShardTaken } {
  const shard = parseShard(value)
  if (!shard) throw usage(t('sync:bad-shard', { value }))
  const own = files.filter((file) => shardOf(lockKey(settings.lockfile, file), shard.count) === shard.index)
  const queue = resolveQueueSettings(settings.providerFlags, io.env)
  const limits: ShardTaken['limits'] = { concurrency: shareOfLimit(queue.concurrency, shard.count) }
  if (queue.requestsPerMinute) limits.requestsPerMinute = shareOfLimit(queue.requestsPerMinute, shard.count)
  if (queue.tokensPerMinute) limits.tokensPerMinute = shareOfLimit(queue.tokensPerMinute, shard.count)
  // As flags: they win over the environment and the config the provider would read.
  settings.providerFlags = { ...settings.providerFlags, concurrency: String(limits.concurrency), requestsPerMinute: limits.requestsPerMinute?.toString(), tokensPerMinute: limits.tokensPerMinute?.toString() }
  return { files: own, shard: { ...shard, articles: own.length, of: files.length, limits } }
}

async function commandSync(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, SYNC_OPTIONS, 'sync')
  if (values.help) {
    io.stdout(t('sync:help') + '\n')
    return EXIT.ok
  }
  // A run over a whole site: its peak memory follows what it holds, not the GC's headroom.
  const bounded = boundHeapGrowth()
  const format = values.format ?? 'human'
  if (format !== 'human' && format !== 'json') throw usage(t('sync:bad-format', { value: format }))
  // With --format json, stdout carries the one JSON document; the plan and progress go to stderr.
  const log: CliIo = format === 'json' ? { ...io, stdout: io.stderr, stdoutIsTty: io.isTty } : io
  const settings = await resolveRunSettings(values, io)
  const { config } = settings
  const found =
    positionals.length > 0
      ? findMarkdownFiles(positionals, { skip: [settings.stateDir], sources: { sourceLocale: config.sourceLocale, targets: settings.targets } })
      : config.sourcePattern && config.sourceLocale
        ? discoverSources(config.sourcePattern, config.sourceLocale)
        : []
  if (found.length === 0) throw usage(t('sync:no-sources'))
  const sharded = values.shard !== undefined ? takeShard(values.shard, found, settings, io) : undefined
  const files = sharded?.files ?? found
  const shard = sharded?.shard
  if (shard) {
    const { limits } = shard
    notice(log, t('sync:shard', { index: shard.index, count: shard.count, articles: shard.articles, of: shard.of, concurrency: limits.concurrency, rpm: limits.requestsPerMinute ?? '-', tpm: limits.tokensPerMinute ?? '-' }))
  }
  const { model, templates, workflow } = planningContext(settings, io)
  const budget = budgetWithFlags(values, config.budget)
  const reportPaths = { json: values['report-json'] ?? config.report.json, markdown: values['report-md'] ?? config.report.markdown }
  const batchMode = Boolean(values.batch) || config.mode === 'batch'
  if (batchMode && settings.provider !== 'openai') throw usage(t('batch:needs-openai', { provider: settings.provider }))
  if ((values.wait || values.repair !== undefined) && !batchMode) throw usage(t('batch:flag-needs-batch', { flag: values.wait ? '--wait' : '--repair' }))
  if (values.repair !== undefined && values.repair !== 'batch' && values.repair !== 'realtime') throw usage(t('batch:bad-repair', { value: values.repair }))
  // The plan's token counts travel with the requests: no prompt is tokenized twice.
  const estimates = createEstimateBook()
  const statusStats = { fromMemo: 0, parsed: 0 }
  const judgePlan = judgePlanOptions(settings, model, io)
  const planOptions = { prices: config.prices, templates, force: Boolean(values.force), estimates, statusStats, ...(settings.retranslate ? { retranslate: settings.retranslate } : {}), ...(judgePlan ? { judge: judgePlan } : {}), ...(settings.maxChars ? { split: { maxSize: settings.maxChars } } : {}) }
  const readOnly = Boolean(values.frozen || values['dry-run'])
  startLine(log, files.length, settings.targets, 'cli:planning')

  if (readOnly) {
    // Read-only: no lock (it may run while a sync holds one), no request, no report file, no state written.
    const plan = await planSync(files, settings.targets, workflow, model, { ...planOptions, readOnly: true })
    printPlan(log, plan, config.contentRoot)
    detail(log, t('workflow:status-memo', statusStats))
    if (settings.provider === 'openai' && budget.maxCost !== undefined && !costOf(model, 0, 0, config.prices).known) notice(log, t('sync:cost-unknown-budget', { model }))
    const verdict = frozenVerdict(plan)
    // A source that cannot even be planned is an error in a dry run too.
    const exitCode = (values.frozen && verdict.fail) || plan.totals.failed > 0 ? EXIT.findings : EXIT.ok
    if (values.frozen) for (const line of verdict.lines) summary(log, line)
    if (reportPaths.json || reportPaths.markdown) notice(log, t('sync:read-only-no-report'))
    if (format === 'json') io.stdout(reportJson({ schemaVersion: REPORT_SCHEMA_VERSION, command: 'sync', dryRun: true, ...(shard ? { shard } : {}), plan, exitCode }) + '\n')
    return exitCode
  }

  // Two overlapping scheduled runs would pay twice; a lock left by a dead run is taken over.
  const release = await acquireLock(`${settings.lockfile}.sync-lock`, { owner: 'l10n sync' })
  // Unless the user tuned the heap: the heap is collected every few seconds while the run goes on.
  const stopCollecting = bounded ? collectPeriodically() : () => {}
  try {
    const plan = await planSync(files, settings.targets, workflow, model, planOptions)
    printPlan(log, plan, config.contentRoot)
    detail(log, t('workflow:status-memo', statusStats))
    // Said before the run: a cost limit on an unpriced model limits nothing.
    if (settings.provider === 'openai' && budget.maxCost !== undefined && !costOf(model, 0, 0, config.prices).known) notice(log, t('sync:cost-unknown-budget', { model }))
    // In batch mode the budget counts what is submitted, at the batch price.
    const tracker = settings.provider === 'openai' ? createBudgetTracker(budget, model, config.prices, { batch: batchMode }) : undefined
    // Batch mode swaps the client under the provider for each round: batch answers then go
    // through exactly the provider's validation, repair and cache.
    let batchClient: BatchClient | undefined
    const switchable: ChatClient = { complete: (request) => batchClient!.complete(request) }
    const provider = openProvider(settings, io, { cache: !values['no-cache'], estimates, ...(tracker ? { budget: tracker } : {}), ...(batchMode ? { client: switchable } : {}) })
    notice(log, providerNotice(provider.translator, settings.providerExplicit))
    // The judge's requests count against the same budget; in batch mode they go into the
    // same batches (with the judge's model and settings) and the draft waits for them.
    const judge = runJudge(settings, provider, io, {
      cache: !values['no-cache'],
      ...(tracker ? { budget: tracker } : {}),
      ...(batchMode ? { batchView: (llm: LlmOptions, realtime: ChatClient): ChatClient => ({ complete: (request) => batchClient!.view(llm, realtime).complete(request) }) } : {}),
    })
    if (judge) notice(log, t('cli:judge-on', { model: judge.judge.model }))
    const work = plan.items.filter(needsWork)
    const sources = [...new Set(work.map((item) => item.source))]
    const progress = progressLine(log, sources.length * new Set(settings.targets).size)
    let run: RunReport
    let batch: BatchCycleResult | undefined
    try {
      // A shard writes only its own records: a single-file lockfile stays as it is (see README).
      const runOnce = () =>
        translateFiles({
          files: sources,
          ...runOptions(settings, values, io),
          ...(shard ? { migrateLockfile: false } : {}),
          // Kept for sync's own plan and for `status` (which compares no prompt or model unless named).
          statusMemo: workflow.fingerprint ? [workflow, { ...workflow, fingerprint: undefined }] : [workflow],
          translator: provider.translator,
          onEvent: progress.onEvent,
          ...(judge ? { judge: judge.judge } : {}),
        })
      if (batchMode) {
        const llm = provider.options!
        batch = await runBatchCycle(
          {
            stateDir: settings.stateDir,
            api: createBatchApi(llm),
            llm,
            pricing: { model, prices: config.prices },
            wait: Boolean(values.wait),
            // How often --wait looks at first; the environment lets tests and the impatient say.
            ...(Number(io.env.L10N_BATCH_POLL_MS) > 0 ? { pollMs: Number(io.env.L10N_BATCH_POLL_MS), maxPollMs: Number(io.env.L10N_BATCH_POLL_MS) } : {}),
            ...(values.repair === 'realtime' ? { realtime: createOpenAiClient(llm) } : {}),
            ...(io.signal ? { signal: io.signal } : {}),
            onProgress: (event) => batchProgressLine(event, log),
          },
          async (client) => {
            batchClient = client
            return runOnce()
          },
        )
        run = batch.run
      } else {
        run = await runOnce()
      }
    } finally {
      await judge?.close()
      await provider.close()
    }
    tallyLines(log, progress.tally)
    const budgetReached = tracker?.exhausted ?? false
    const cost = spentCost({ ...run.totals, judge: run.judge }, model, config.prices, { batch: batchMode })
    // The refusal of the key once, and with --debug the traces of internal errors.
    reportRunFailure(run.articles, io)
    const exitCode = syncExitCode(run, budgetReached, plan.totals.failed)
    if (budgetReached) problem(log, t('sync:budget-reached', { limit: tracker?.exhaustedBy ?? '' }))
    const { shown, earlier } = findingsToShow(run, io.verbosity === 'verbose')
    const errors = shown.filter((finding) => finding.severity === 'error')
    if (format === 'human' && errors.length > 0 && io.verbosity !== 'quiet') log.stdout(renderFindings(errors, { format: 'human', color: colorFor(log, 'stdout') }) + '\n')
    if (earlier > 0) say(log, t('cli:earlier-findings', { count: earlier }))
    if (run.interrupted) problem(log, t('cli:interrupted-summary', { written: run.totals.written, total: run.totals.articles, requests: run.totals.requests }))
    summary(
      log,
      t('sync:done', {
        written: run.totals.written,
        total: plan.totals.work,
        requests: t('cli:n-requests', { count: run.totals.requests }),
        tokens: run.totals.promptTokens + run.totals.completionTokens,
        cost: costText(cost.known, cost.usd),
        errors: t('cli:n-errors', { count: run.totals.errors }),
        warnings: t('cli:n-warnings', { count: run.totals.warnings }),
        code: exitCode,
      }),
    )
    if (batch) summary(log, batchSummary(batch))
    const report: SyncReport = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      command: 'sync',
      dryRun: false,
      ...(shard ? { shard } : {}),
      plan,
      articles: reportArticles(run, model, config.prices, { batch: batchMode }),
      run,
      cost: { usd: cost.usd, known: cost.known },
      budget: { reached: budgetReached, limit: tracker?.exhaustedBy },
      exitCode,
      ...(batch ? { batch: { collected: batch.collected, submitted: batch.submitted, waiting: batch.waiting, rounds: batch.rounds } } : {}),
    }
    await writeReports(report, reportPaths, config.contentRoot, log)
    if (format === 'json') io.stdout(reportJson(report) + '\n')
    return exitCode
  } finally {
    stopCollecting()
    await release()
  }
}

function batchProgressLine(event: BatchProgress, io: CliIo): void {
  if (event.type === 'collected' && (event.result.collected > 0 || event.result.running > 0)) {
    notice(io, t('batch:collected', { count: event.result.collected, answers: event.result.answers, failed: event.result.failedLines, running: event.result.running }))
  } else if (event.type === 'waiting') {
    notice(io, t('batch:polling', { count: event.running, seconds: Math.round(event.nextPollMs / 1000) }))
  }
}

function batchSummary(batch: BatchCycleResult): string {
  const { submitted } = batch
  const lines = [t('batch:submitted', { count: submitted.requests, batches: submitted.batches, cost: submitted.estimate.known ? `$${submitted.estimate.usd.toFixed(4)}` : t('sync:cost-unknown') })]
  if (batch.waiting > 0) lines.push(t('batch:waiting-summary', { count: batch.waiting }))
  return lines.join('\n')
}

/** `sync`, merged into the CLI's command table. */
export const SYNC_COMMANDS = { sync: commandSync }

