/**
 * `l10n translate <file...>`: drafts for the named articles, or with `--dry-run` only
 * the plan and its estimate (read-only: no request, no file, no report).
 */
import { boundHeapGrowth } from '../run/heap.ts'
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { t } from '../shared/i18n.ts'
import { writeFileAtomic } from '../state/files.ts'
import { translateFiles, type RunReport } from '../run/translate.ts'
import { planSync, REPORT_SCHEMA_VERSION, type SyncReport } from '../run/sync.ts'
import { renderFindings } from './render-findings.ts'
import { EXIT, colorFor, notice, parseCommandArgs, problem, relativePath, reportRunFailure, runFailureCode, say, summary, usage, type CliIo } from './common.ts'
import { RUN_OPTIONS, openProvider, planningContext, providerNotice, resolveRunSettings, runOptions } from './run-settings.ts'
import { findingsToShow, printPlan, progressLine, startLine, tallyLines } from './output.ts'
import { reportJson } from './report.ts'
import { judgePlanOptions, runJudge } from './judge.ts'

/** The flags of `translate` (its `--help` lists every one). */
export const TRANSLATE_OPTIONS = { ...RUN_OPTIONS, report: { type: 'string' }, 'dry-run': { type: 'boolean' } } as const

/** Exit code of a translate run (README: exit codes). */
export function runExitCode(report: RunReport): number {
  if (report.interrupted) return EXIT.interrupted
  const failure = runFailureCode(report.articles)
  if (failure !== undefined) return failure
  if (report.articles.some((article) => article.error?.code === 'E_BUDGET')) return EXIT.budget
  // Bad input or usage is 2; a provider that could not deliver counts like an error finding.
  const failed = report.articles.filter((article) => article.status === 'failed')
  if (failed.some((article) => article.error?.code !== 'E_PROVIDER')) return EXIT.usage
  return failed.length > 0 || report.totals.errors > 0 ? EXIT.findings : EXIT.ok
}

/** `l10n translate`. */
export async function commandTranslate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, TRANSLATE_OPTIONS, 'translate')
  if (values.help) {
    io.stdout(t('cli:help-translate') + '\n')
    return EXIT.ok
  }
  if (positionals.length === 0) throw usage(t('cli:need-files'))
  // A run over many files: its peak memory follows what it holds, not the GC's headroom.
  boundHeapGrowth()
  const format = values.format ?? 'human'
  if (format !== 'human' && format !== 'json' && format !== 'markdown') throw usage(t('cli:bad-format', { value: format }))
  // With --format json, stdout carries the one JSON document; progress goes to stderr.
  const log: CliIo = format === 'json' ? { ...io, stdout: io.stderr, stdoutIsTty: io.isTty } : io
  const settings = await resolveRunSettings(values, io)
  const files = [...new Set(positionals)]

  if (values['dry-run']) {
    // Read-only: no provider, no request, no output, no lockfile change, no report file.
    startLine(log, files.length, settings.targets, 'cli:planning')
    const context = planningContext(settings, io)
    const judgePlan = judgePlanOptions(settings, context.model, io)
    const plan = await planSync(files, settings.targets, context.workflow, context.model, {
      ...(judgePlan ? { judge: judgePlan } : {}),
      ...(settings.maxChars ? { split: { maxSize: settings.maxChars } } : {}),
      prices: settings.config.prices,
      templates: context.templates,
      force: Boolean(values.force),
      readOnly: true,
      ...(settings.retranslate ? { retranslate: settings.retranslate } : {}),
    })
    printPlan(log, plan, process.cwd())
    if (values.report) notice(log, t('cli:dry-run-no-report', { path: values.report }))
    const exitCode = plan.totals.failed > 0 ? EXIT.findings : EXIT.ok
    const document: SyncReport = { schemaVersion: REPORT_SCHEMA_VERSION, command: 'translate', dryRun: true, plan, exitCode }
    if (format === 'json') io.stdout(reportJson(document) + '\n')
    return exitCode
  }

  // Found out now, not after the run has been paid for.
  if (values.report && statSync(resolve(values.report), { throwIfNoEntry: false })?.isDirectory()) {
    throw usage(t('cli:report-is-folder', { path: values.report }))
  }
  startLine(log, files.length, settings.targets, 'cli:starting')
  const provider = openProvider(settings, io, { cache: !values['no-cache'] })
  notice(log, providerNotice(provider.translator, settings.providerExplicit))
  const judge = runJudge(settings, provider, io, { cache: !values['no-cache'] })
  if (judge) notice(log, t('cli:judge-on', { model: judge.judge.model }))
  const progress = progressLine(log, files.length * new Set(settings.targets).size)
  let report: RunReport
  try {
    report = await translateFiles({ files, ...runOptions(settings, values, io), translator: provider.translator, onEvent: progress.onEvent, ...(judge ? { judge: judge.judge } : {}) })
  } finally {
    await judge?.close()
    await provider.close()
  }
  tallyLines(log, progress.tally)
  // The refusal of the key once, and with --debug the traces of internal errors.
  reportRunFailure(report.articles, io)
  const exitCode = runExitCode(report)
  const document: SyncReport = { schemaVersion: REPORT_SCHEMA_VERSION, command: 'translate', dryRun: false, run: report, exitCode }
  const { shown, earlier } = findingsToShow(report, io.verbosity === 'verbose')
  if (format === 'json') {
    io.stdout(reportJson(document) + '\n')
  } else {
    // --quiet keeps the errors; warnings of a quiet run are in the summary's count.
    const listed = io.verbosity === 'quiet' ? shown.filter((finding) => finding.severity === 'error') : shown
    if (listed.length > 0) io.stdout(renderFindings(listed, { format, color: colorFor(io, 'stdout') }) + '\n')
  }
  if (earlier > 0) say(log, t('cli:earlier-findings', { count: earlier }))
  if (values.report) {
    await writeFileAtomic(resolve(values.report), reportJson(document) + '\n')
    say(log, t('cli:report-written', { path: relativePath(resolve(values.report)) }))
  }
  if (report.interrupted) {
    problem(log, t('cli:interrupted-summary', { written: report.totals.written, total: report.totals.articles, requests: report.totals.requests }))
  } else {
    const unchanged = report.articles.filter((article) => article.status === 'unchanged').length
    // Only what is not zero, so the line stays short enough for 100 columns.
    const parts = [t('cli:n-written', { written: report.totals.written, total: report.totals.articles })]
    if (unchanged > 0) parts.push(t('cli:n-unchanged', { count: unchanged }))
    if (report.totals.failed > 0) parts.push(t('cli:n-failed', { count: report.totals.failed }))
    parts.push(t('cli:n-requests', { count: report.totals.requests }))
    if (report.totals.errors > 0) parts.push(t('cli:n-errors', { count: report.totals.errors }))
    if (report.totals.warnings > 0) parts.push(t('cli:n-warnings', { count: report.totals.warnings }))
    parts.push(t('cli:seconds', { count: Number((report.durationMs / 1000).toFixed(1)) }))
    summary(log, t('cli:translate-done', { detail: parts.join(t('cli:separator')) }))
  }
  return exitCode
}
