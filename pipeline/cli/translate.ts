/**
 * `l10n translate`: one translating run over the given files, its findings, its report and
 * its exit code. Loaded only when that command runs (see `main.ts`).
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { t } from '../shared/i18n.ts'
import { writeFileAtomic } from '../state/files.ts'
import { renderFindings } from './render-findings.ts'
import { translateFiles, type RunReport } from '../run/translate.ts'
import { RUN_OPTIONS, openProvider, progressLine, providerNotice, resolveRunSettings, runOptions } from './run-settings.ts'
import { EXIT, parseCommandArgs, relativePath, usage, type CliIo } from './common.ts'

function runExitCode(report: RunReport): number {
  if (report.interrupted) return EXIT.interrupted
  if (report.articles.some((article) => article.error?.code === 'E_BUDGET')) return EXIT.budget
  // Bad input or usage is 2; a provider that could not deliver counts like an error finding.
  const failed = report.articles.filter((article) => article.status === 'failed')
  if (failed.some((article) => article.error?.code !== 'E_PROVIDER')) return EXIT.usage
  return failed.length > 0 || report.totals.errors > 0 ? EXIT.findings : EXIT.ok
}

/** `l10n translate FILE…`: drafts of the files in the target locales. */
export async function commandTranslate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...RUN_OPTIONS, report: { type: 'string' } })
  if (values.help) {
    io.stdout(t('cli:help-translate') + '\n')
    return EXIT.ok
  }
  if (positionals.length === 0) throw usage(t('cli:need-files'))
  const settings = await resolveRunSettings(values, io)
  // Found out now, not after the run has been paid for.
  if (values.report && statSync(resolve(values.report), { throwIfNoEntry: false })?.isDirectory()) {
    throw usage(t('cli:report-is-folder', { path: values.report }))
  }
  const provider = openProvider(settings, io, { cache: !values['no-cache'] })
  io.stderr(providerNotice(provider.translator, settings.providerExplicit) + '\n')
  let report: RunReport
  try {
    report = await translateFiles({
      files: positionals,
      ...runOptions(settings, values, io),
      translator: provider.translator,
      onEvent: progressLine(io),
    })
  } finally {
    await provider.close()
  }
  // Source lint findings come once per target locale; show each once.
  const seen = new Set<string>()
  const findings = report.articles
    .flatMap((article) => article.findings)
    .filter((finding) => {
      const key = JSON.stringify([finding.ruleId, finding.file, finding.section, finding.sourcePosition, finding.targetPosition, finding.messageId, finding.values])
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
  if (findings.length > 0) {
    const format = values.format === 'json' || values.format === 'markdown' ? values.format : 'human'
    io.stdout(renderFindings(findings, { format, color: io.isTty && !io.env.NO_COLOR }) + '\n')
  }
  if (values.report) {
    await writeFileAtomic(resolve(values.report), JSON.stringify(report, null, 2) + '\n')
    io.stdout(t('cli:report-written', { path: relativePath(resolve(values.report)) }) + '\n')
  }
  const code = runExitCode(report)
  if (report.interrupted) io.stderr(t('cli:interrupted-summary', { written: report.totals.written, total: report.totals.articles, requests: report.totals.requests }) + '\n')
  return code
}
