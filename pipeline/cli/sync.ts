/**
 * `l10n sync`: the scheduled job over a whole content tree, within a budget.
 */
import { relative, resolve, sep } from 'node:path'
import { EXIT, parseCommandArgs, relativePath, usage, type CliIo } from './common.ts'
import { RUN_OPTIONS, openProvider, progressLine, providerFingerprint, providerNotice, resolveRunSettings, runOptions, workflowOptionsOf } from './run-settings.ts'
import { costOf, createBudgetTracker, type Budget } from '../translate/cost.ts'
import { t } from '../shared/i18n.ts'
import { writeFileAtomic } from '../state/files.ts'
import { resolveLlmOptions } from '../translate/llm.ts'
import { loadPrompts } from '../translate/prompt.ts'
import { acquireLock } from '../state/run-lock.ts'
import { discoverSources, needsWork, planSync, reportArticles, syncReportMarkdown, type PlanItem, type SyncPlan, type SyncReport } from '../run/sync.ts'
import { translateFiles, type RunReport } from '../run/translate.ts'
import { findMarkdownFiles } from '../review/find-sources.ts'
import { runBatchCycle, type BatchCycleResult, type BatchProgress } from '../run/batch.ts'
import { createBatchApi } from '../translate/batch-api.ts'
import { createOpenAiClient, type ChatClient } from '../translate/llm.ts'

function budgetNumber(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  // Zero would stop every run before it starts: almost surely a typo, so refuse it.
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw usage(t(integer ? 'cli:bad-number' : 'sync:bad-amount', { flag, value }))
  }
  return number
}

function planLine(item: PlanItem, contentRoot: string): string {
  const rel = (path: string) => relative(contentRoot, path).split(sep).join('/')
  const source = rel(item.source)
  if (item.state === 'failed') return t('sync:plan-failed', { source, locale: item.locale, message: item.error?.message ?? '' })
  if (item.needsForce) return t('sync:plan-untracked', { source, locale: item.locale, output: rel(item.output) })
  return t('sync:plan-item', { source, locale: item.locale, state: item.state, count: item.sections, requests: t('cli:n-requests', { count: item.requests }) })
}

function planLines(plan: SyncPlan, contentRoot: string): string {
  const listed = plan.items.filter(needsWork)
  const lines = listed.map((item) => planLine(item, contentRoot))
  const totals = plan.totals
  lines.push(
    t('sync:plan-total', {
      count: plan.items.length,
      work: totals.work,
      upToDate: plan.items.length - listed.length,
      requests: totals.requests,
      tokens: totals.promptTokens + totals.completionTokens,
      cost: totals.priceKnown ? `$${totals.usd.toFixed(4)}` : t('sync:cost-unknown'),
    }),
  )
  if (totals.untracked > 0) lines.push(t('sync:plan-total-untracked', { count: totals.untracked }))
  if (totals.failed > 0) lines.push(t('sync:plan-total-failed', { count: totals.failed }))
  return lines.join('\n')
}

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

async function writeReports(report: SyncReport, paths: { json: string | undefined; markdown: string | undefined }, contentRoot: string, io: CliIo): Promise<void> {
  if (paths.json) {
    await writeFileAtomic(resolve(paths.json), JSON.stringify(report, null, 2) + '\n')
    io.stdout(t('cli:report-written', { path: relativePath(resolve(paths.json)) }) + '\n')
  }
  if (paths.markdown) {
    await writeFileAtomic(resolve(paths.markdown), syncReportMarkdown(report, { contentRoot }))
    io.stdout(t('cli:report-written', { path: relativePath(resolve(paths.markdown)) }) + '\n')
  }
}

/**
 * Exit code of a finished sync run (documented in the README). `planFailed`: pairs that
 * could not even be planned; like a failed article, they make the run exit 1.
 */
export function syncExitCode(run: RunReport, budgetReached: boolean, planFailed = 0): number {
  if (run.interrupted) return EXIT.interrupted
  if (budgetReached || run.articles.some((article) => article.error?.code === 'E_BUDGET')) return EXIT.budget
  return run.totals.failed > 0 || run.totals.errors > 0 || planFailed > 0 ? EXIT.findings : EXIT.ok
}

async function commandSync(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...RUN_OPTIONS,
    'dry-run': { type: 'boolean' },
    frozen: { type: 'boolean' },
    'max-cost': { type: 'string' },
    'max-requests': { type: 'string' },
    'max-tokens': { type: 'string' },
    'report-json': { type: 'string' },
    'report-md': { type: 'string' },
    batch: { type: 'boolean' },
    wait: { type: 'boolean' },
    repair: { type: 'string' },
  })
  if (values.help) {
    io.stdout(t('sync:help') + '\n')
    return EXIT.ok
  }
  const resolved = await resolveRunSettings(values, io)
  const settings = resolved
  const { config } = settings
  const files =
    positionals.length > 0
      ? findMarkdownFiles(positionals, { skip: [settings.stateDir], sources: { sourceLocale: config.sourceLocale, targets: settings.targets } })
      : config.sourcePattern && config.sourceLocale
        ? discoverSources(config.sourcePattern, config.sourceLocale)
        : []
  if (files.length === 0) throw usage(t('sync:no-sources'))
  const model = settings.provider === 'openai' ? resolveLlmOptions(settings.providerFlags.model ? { model: settings.providerFlags.model } : {}, io.env).model : settings.provider
  const templates = loadPrompts()
  // A provider chosen only by fallback (no endpoint configured) says nothing about staleness.
  const fingerprint =
    !settings.providerExplicit && settings.provider === 'pseudo' ? undefined : providerFingerprint(settings.provider, settings.providerFlags.model, io.env, templates)
  const workflow = workflowOptionsOf(settings, fingerprint)
  const budget: Budget = {
    ...config.budget,
    ...(values['max-cost'] !== undefined ? { maxCost: budgetNumber(values['max-cost'], '--max-cost', false)! } : {}),
    ...(values['max-requests'] !== undefined ? { maxRequests: budgetNumber(values['max-requests'], '--max-requests', true)! } : {}),
    ...(values['max-tokens'] !== undefined ? { maxTokens: budgetNumber(values['max-tokens'], '--max-tokens', true)! } : {}),
  }
  const reportPaths = { json: values['report-json'] ?? config.report.json, markdown: values['report-md'] ?? config.report.markdown }
  const batchMode = Boolean(values.batch) || config.mode === 'batch'
  if (batchMode && settings.provider !== 'openai') throw usage(t('batch:needs-openai', { provider: settings.provider }))
  if ((values.wait || values.repair !== undefined) && !batchMode) throw usage(t('batch:flag-needs-batch', { flag: values.wait ? '--wait' : '--repair' }))
  if (values.repair !== undefined && values.repair !== 'batch' && values.repair !== 'realtime') throw usage(t('batch:bad-repair', { value: values.repair }))

  // Two overlapping scheduled runs would pay twice; a lock left by a dead run is taken over.
  const release = await acquireLock(`${settings.lockfile}.sync-lock`, { owner: 'l10n sync' })
  try {
    const plan = await planSync(files, settings.targets, workflow, model, { prices: config.prices, templates, force: Boolean(values.force) })
    io.stdout(planLines(plan, config.contentRoot) + '\n')
    // Said before any run, dry or not: a cost limit on an unpriced model limits nothing.
    if (settings.provider === 'openai' && budget.maxCost !== undefined && !costOf(model, 0, 0, config.prices).known) {
      io.stderr(t('sync:cost-unknown-budget', { model }) + '\n')
    }
    if (values.frozen || values['dry-run']) {
      const verdict = frozenVerdict(plan)
      // A source that cannot even be planned is an error in a dry run too.
      const exitCode = (values.frozen && verdict.fail) || plan.totals.failed > 0 ? EXIT.findings : EXIT.ok
      if (values.frozen) io.stdout(verdict.lines.join('\n') + '\n')
      await writeReports({ plan, exitCode }, reportPaths, config.contentRoot, io)
      return exitCode
    }
    // In batch mode the budget counts what is submitted, at the batch price.
    const tracker = settings.provider === 'openai' ? createBudgetTracker(budget, model, config.prices, { batch: batchMode }) : undefined
    // Batch mode swaps the client under the provider for each round: batch answers then go
    // through exactly the provider's validation, repair and cache.
    let batchClient: ChatClient | undefined
    const switchable: ChatClient = { complete: (request) => batchClient!.complete(request) }
    const provider = openProvider(settings, io, { cache: !values['no-cache'], ...(tracker ? { budget: tracker } : {}), ...(batchMode ? { client: switchable } : {}) })
    io.stderr(providerNotice(provider.translator, settings.providerExplicit) + '\n')
    let run: RunReport
    let batch: BatchCycleResult | undefined
    try {
      // With --retranslate the plan's reuse does not hold: every pair is visited.
      const work = settings.retranslate && settings.retranslate !== 'none' ? plan.items : plan.items.filter(needsWork)
      const sources = [...new Set(work.map((item) => item.source))]
      const runOnce = () => translateFiles({ files: sources, ...runOptions(settings, values, io), translator: provider.translator, onEvent: progressLine(io) })
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
            onProgress: (event) => batchProgressLine(event, io),
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
      await provider.close()
    }
    const budgetReached = tracker?.exhausted ?? false
    const cost = costOf(model, run.totals.promptTokens, run.totals.completionTokens, config.prices, { batch: batchMode })
    const exitCode = syncExitCode(run, budgetReached, plan.totals.failed)
    if (budgetReached) io.stderr(t('sync:budget-reached', { limit: tracker?.exhaustedBy ?? '' }) + '\n')
    if (run.interrupted) io.stderr(t('cli:interrupted-summary', { written: run.totals.written, total: run.totals.articles, requests: run.totals.requests }) + '\n')
    io.stdout(
      t('sync:done', {
        written: run.totals.written,
        total: run.totals.articles,
        requests: t('cli:n-requests', { count: run.totals.requests }),
        tokens: run.totals.promptTokens + run.totals.completionTokens,
        cost: cost.known ? `$${cost.usd.toFixed(4)}` : t('sync:cost-unknown'),
        errors: t('cli:n-errors', { count: run.totals.errors }),
        warnings: t('cli:n-warnings', { count: run.totals.warnings }),
        code: exitCode,
      }) + '\n',
    )
    if (batch) io.stdout(batchSummary(batch) + '\n')
    await writeReports(
      {
        plan,
        articles: reportArticles(run, model, config.prices),
        run,
        cost: { usd: cost.usd, known: cost.known },
        budget: { reached: budgetReached, limit: tracker?.exhaustedBy },
        exitCode,
        ...(batch ? { batch: { collected: batch.collected, submitted: batch.submitted, waiting: batch.waiting, rounds: batch.rounds } } : {}),
      },
      reportPaths,
      config.contentRoot,
      io,
    )
    return exitCode
  } finally {
    await release()
  }
}

function batchProgressLine(event: BatchProgress, io: CliIo): void {
  if (event.type === 'collected' && (event.result.collected > 0 || event.result.running > 0)) {
    io.stderr(t('batch:collected', { count: event.result.collected, answers: event.result.answers, failed: event.result.failedLines, running: event.result.running }) + '\n')
  } else if (event.type === 'waiting') {
    io.stderr(t('batch:polling', { count: event.running, seconds: Math.round(event.nextPollMs / 1000) }) + '\n')
  }
}

function batchSummary(batch: BatchCycleResult): string {
  const { submitted } = batch
  const lines = [
    t('batch:submitted', {
      count: submitted.requests,
      batches: submitted.batches,
      cost: submitted.estimate.known ? `$${submitted.estimate.usd.toFixed(4)}` : t('sync:cost-unknown'),
    }),
  ]
  if (batch.waiting > 0) lines.push(t('batch:waiting-summary', { count: batch.waiting }))
  return lines.join('\n')
}

/** `sync`, merged into the CLI's command table. */
export const SYNC_COMMANDS = { sync: commandSync }

