/**
 * `l10n sync`: the scheduled job over a whole content tree, within a budget.
 */
import { resolve } from 'node:path'
import { EXIT, parseCommandArgs, relativePath, usage, type CliIo } from './cli-common.ts'
import { RUN_OPTIONS, openProvider, progressLine, providerNotice, resolveRunSettings, runOptions } from './cli-run.ts'
import { costOf, createBudgetTracker, type Budget } from './cost.ts'
import { t } from './i18n.ts'
import { writeFileAtomic } from './io.ts'
import { resolveLlmOptions } from './llm.ts'
import { loadPrompts, promptHash } from './prompt.ts'
import { acquireLock } from './runlock.ts'
import { discoverSources, needsWork, planSync, reportArticles, syncReportMarkdown, type SyncPlan, type SyncReport } from './sync.ts'
import { translateFiles, type RunReport } from './translate.ts'
import { createIdentityTranslator, createPseudoTranslator } from './translator.ts'
import type { LocaleInfo } from './locales.ts'
import { readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

function budgetNumber(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0 || (integer && !Number.isInteger(number))) throw usage(t('cli:bad-number', { flag, value }))
  return number
}

function markdownFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    try {
      if (!statSync(path).isDirectory()) return [path]
    } catch {
      return [path]
    }
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => join(path, name))
  })
}

function planLines(plan: SyncPlan, contentRoot: string): string {
  const lines = plan.items
    .filter(needsWork)
    .map((item) => t('sync:plan-item', { source: relative(contentRoot, item.source).split(sep).join('/'), locale: item.locale, state: item.state, count: item.sections, requests: item.requests }))
  const upToDate = plan.items.length - lines.length
  const totals = plan.totals
  lines.push(
    t('sync:plan-total', {
      count: plan.items.length,
      work: totals.work,
      upToDate,
      requests: totals.requests,
      tokens: totals.promptTokens + totals.completionTokens,
      cost: totals.priceKnown ? `$${totals.usd.toFixed(4)}` : t('sync:cost-unknown'),
    }),
  )
  return lines.join('\n')
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

/** Exit code of a finished sync run (documented in the README). */
export function syncExitCode(run: RunReport, budgetReached: boolean): number {
  if (run.interrupted) return EXIT.interrupted
  if (budgetReached || run.articles.some((article) => article.error?.code === 'E_BUDGET')) return EXIT.budget
  return run.totals.failed > 0 || run.totals.errors > 0 ? EXIT.findings : EXIT.ok
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
  })
  if (values.help) {
    io.stdout(t('sync:help') + '\n')
    return EXIT.ok
  }
  const settings = await resolveRunSettings(values, io)
  const { config } = settings
  const files =
    positionals.length > 0
      ? markdownFiles(positionals)
      : config.sourcePattern && config.sourceLocale
        ? discoverSources(config.sourcePattern, config.sourceLocale)
        : []
  if (files.length === 0) throw usage(t('sync:no-sources'))
  const model = settings.provider === 'openai' ? resolveLlmOptions(settings.providerFlags.model ? { model: settings.providerFlags.model } : {}, io.env).model : settings.provider
  const templates = loadPrompts()
  // A provider chosen only by fallback (no endpoint configured) says nothing about staleness.
  const fingerprint =
    !settings.providerExplicit && settings.provider === 'pseudo'
      ? undefined
      : settings.provider === 'openai'
      ? (target: LocaleInfo) => ({ model, promptHash: promptHash(templates, target) })
      : settings.provider === 'pseudo'
        ? createPseudoTranslator(undefined).fingerprint
        : createIdentityTranslator().fingerprint
  const workflow = {
    lockfile: settings.lockfile,
    stateDir: settings.stateDir,
    ...(settings.outPattern ? { outPattern: settings.outPattern } : {}),
    ...(settings.outRoot ? { outRoot: settings.outRoot } : {}),
    ...(settings.glossary ? { glossary: settings.glossary } : {}),
    ...(fingerprint ? { fingerprint } : {}),
  }
  const budget: Budget = {
    ...config.budget,
    ...(values['max-cost'] !== undefined ? { maxCost: budgetNumber(values['max-cost'], '--max-cost', false)! } : {}),
    ...(values['max-requests'] !== undefined ? { maxRequests: budgetNumber(values['max-requests'], '--max-requests', true)! } : {}),
    ...(values['max-tokens'] !== undefined ? { maxTokens: budgetNumber(values['max-tokens'], '--max-tokens', true)! } : {}),
  }
  const reportPaths = { json: values['report-json'] ?? config.report.json, markdown: values['report-md'] ?? config.report.markdown }

  // Two overlapping scheduled runs would pay twice; a lock left by a dead run is taken over.
  const release = await acquireLock(`${settings.lockfile}.sync-lock`, { owner: 'l10n sync' })
  try {
    const plan = await planSync(files, settings.targets, workflow, model, config.prices)
    io.stdout(planLines(plan, config.contentRoot) + '\n')
    if (values.frozen || values['dry-run']) {
      const exitCode = values.frozen && plan.totals.work > 0 ? EXIT.findings : EXIT.ok
      if (values.frozen) io.stdout(t(plan.totals.work > 0 ? 'sync:frozen-fail' : 'sync:frozen-ok', { count: plan.totals.work }) + '\n')
      await writeReports({ plan, exitCode }, reportPaths, config.contentRoot, io)
      return exitCode
    }
    const tracker = settings.provider === 'openai' ? createBudgetTracker(budget, model, config.prices) : undefined
    if (tracker && budget.maxCost !== undefined && !tracker.costKnown) io.stderr(t('sync:cost-unknown-budget', { model }) + '\n')
    const provider = openProvider(settings, io, { cache: !values['no-cache'], ...(tracker ? { budget: tracker } : {}) })
    io.stderr(providerNotice(provider.translator, settings.providerExplicit) + '\n')
    let run: RunReport
    try {
      // With --retranslate the plan's reuse does not hold: every pair is visited.
      const work = settings.retranslate && settings.retranslate !== 'none' ? plan.items : plan.items.filter(needsWork)
      const sources = [...new Set(work.map((item) => item.source))]
      run = await translateFiles({ files: sources, ...runOptions(settings, values, io), translator: provider.translator, onEvent: progressLine(io) })
    } finally {
      await provider.close()
    }
    const budgetReached = tracker?.exhausted ?? false
    const cost = costOf(model, run.totals.promptTokens, run.totals.completionTokens, config.prices)
    const exitCode = syncExitCode(run, budgetReached)
    if (budgetReached) io.stderr(t('sync:budget-reached', { limit: tracker?.exhaustedBy ?? '' }) + '\n')
    if (run.interrupted) io.stderr(t('cli:interrupted-summary', { written: run.totals.written, total: run.totals.articles, requests: run.totals.requests }) + '\n')
    for (const article of run.articles) if (article.error && article.error.code !== 'E_BUDGET') io.stderr(`${article.error.message}\n`)
    io.stdout(
      t('sync:done', {
        written: run.totals.written,
        total: run.totals.articles,
        requests: run.totals.requests,
        tokens: run.totals.promptTokens + run.totals.completionTokens,
        cost: cost.known ? `$${cost.usd.toFixed(4)}` : t('sync:cost-unknown'),
        errors: run.totals.errors,
        warnings: run.totals.warnings,
        code: exitCode,
      }) + '\n',
    )
    await writeReports(
      { plan, articles: reportArticles(run, model, config.prices), run, cost: { usd: cost.usd, known: cost.known }, budget: { reached: budgetReached, limit: tracker?.exhaustedBy }, exitCode },
      reportPaths,
      config.contentRoot,
      io,
    )
    return exitCode
  } finally {
    await release()
  }
}

/** `sync`, merged into the CLI's command table. */
export const SYNC_COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = { sync: commandSync }

