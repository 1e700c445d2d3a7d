/**
 * The `l10n` command line: argument parsing, progress, printing and exit codes. All the
 * work happens in the orchestrator (`translate.ts`) and the pure stages.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import pc from 'picocolors'
import { check } from '../check/index.ts'
import { isL10nError } from '../shared/errors.ts'
import { loadConfig } from '../run/config.ts'
import { detectUiLanguage, setUiLanguage, t } from '../shared/i18n.ts'
import { readTextFile, writeFileAtomic } from '../state/files.ts'
import { LOCALES } from '../article/locales.ts'
import { parse } from '../article/parse.ts'
import { exitCodeFor, renderFindings } from './render-findings.ts'
import { articleLocale } from '../article/metadata.ts'
import { translateFiles, type RunReport } from '../run/translate.ts'
import { RUN_OPTIONS, openProvider, progressLine, providerNotice, resolveRunSettings, runOptions } from './run-settings.ts'
import type { Finding } from '../article/types.ts'
import {
  EXIT,
  GLOSSARY_OPTIONS,
  loadGlossary,
  parseCommandArgs,
  positiveInteger,
  relativePath,
  usage,
  type CliIo,
} from './common.ts'
import { WORKFLOW_COMMANDS } from './review.ts'
import { SYNC_COMMANDS } from './sync.ts'
import { BATCH_COMMANDS } from './batch.ts'

export { EXIT, DEFAULT_GLOSSARY, chooseProvider, type CliIo } from './common.ts'

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
  env: process.env,
})

function runExitCode(report: RunReport): number {
  if (report.interrupted) return EXIT.interrupted
  if (report.articles.some((article) => article.error?.code === 'E_BUDGET')) return EXIT.budget
  // Bad input or usage is 2; a provider that could not deliver counts like an error finding.
  const failed = report.articles.filter((article) => article.status === 'failed')
  if (failed.some((article) => article.error?.code !== 'E_PROVIDER')) return EXIT.usage
  return failed.length > 0 || report.totals.errors > 0 ? EXIT.findings : EXIT.ok
}

async function commandTranslate(args: string[], io: CliIo): Promise<number> {
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

async function commandCheck(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...GLOSSARY_OPTIONS,
    format: { type: 'string' },
    strict: { type: 'boolean' },
    'heading-depth': { type: 'string' },
    config: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  })
  if (values.help) {
    io.stdout(t('cli:help-check') + '\n')
    return EXIT.ok
  }
  if (positionals.length !== 2) throw usage(t('cli:check-needs-two'))
  const format = values.format ?? 'human'
  if (format !== 'human' && format !== 'json' && format !== 'markdown') throw usage(t('cli:bad-format', { value: format }))
  const [sourceFile, targetFile] = positionals as [string, string]
  // Any pair: other sites' files may have no `locale:`, TOML or no frontmatter, or no body.
  const source = parse(await readTextFile(sourceFile), sourceFile, { lenient: true })
  const target = parse(await readTextFile(targetFile), targetFile, { lenient: true })
  // The config's rule switches and glossary apply here too, so CI checks what translate checks.
  const config = await loadConfig(values.config)
  const glossary = await loadGlossary(values, config?.glossary)
  const headingDepth = positiveInteger(values['heading-depth'], '--heading-depth') ?? config?.check.headingDepth
  const findings: Finding[] = check(source, target, {
    // Without --from and without `locale:`, the check guesses the source's language from its text.
    ...(values.from ? { sourceLocale: values.from } : source.frontmatter.yaml.match(/^locale\s*:/m) ? { sourceLocale: articleLocale(source).code } : {}),
    ...(values.to ? { targetLocale: values.to } : {}),
    ...(glossary ? { glossary } : {}),
    ...(headingDepth ? { headingDepth } : {}),
    ...(config ? { rules: config.check.rules, policy: config.frontmatter } : {}),
  })
  io.stdout(renderFindings(findings, { format, color: io.isTty && !io.env.NO_COLOR, source: sourceFile, target: targetFile }) + '\n')
  return exitCodeFor(findings, { strict: Boolean(values.strict) })
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  translate: commandTranslate,
  check: commandCheck,
  ...WORKFLOW_COMMANDS,
  ...SYNC_COMMANDS,
  ...BATCH_COMMANDS,
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * Errors that stop the tool are printed as one line naming the file and place.
 */
export async function main(argv: string[], overrides: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = { ...defaultIo(), ...overrides }
  // --lang may stand anywhere, before the command too; it is taken out here.
  const langIndex = argv.findIndex((arg) => arg === '--lang' || arg.startsWith('--lang='))
  const explicitLang = langIndex === -1 ? undefined : argv[langIndex]!.includes('=') ? argv[langIndex]!.split('=')[1] : argv[langIndex + 1]
  const args = langIndex === -1 ? argv : argv.filter((_, i) => i !== langIndex && (argv[langIndex]!.includes('=') || i !== langIndex + 1))
  setUiLanguage(detectUiLanguage(explicitLang, io.env))
  if (langIndex !== -1 && !/^(en|zh(-cn|-hans)?)$/i.test(explicitLang ?? '')) {
    io.stderr(`${pc.red('l10n:')} ${t('cli:bad-lang', { value: explicitLang ?? '' })}\n`)
    return EXIT.usage
  }
  const [command, ...rest] = args
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(t('cli:help', { locales: LOCALES.map((locale) => locale.code).join(', ') }) + '\n')
    return command ? EXIT.ok : EXIT.usage
  }
  const run = COMMANDS[command]
  try {
    if (!run) throw usage(t('cli:unknown-command', { command }))
    return await run(rest, io)
  } catch (error) {
    if (isL10nError(error)) {
      io.stderr(`${pc.red('l10n:')} ${error.message}\n`)
      if (error.code === 'E_INTERRUPTED') return EXIT.interrupted
      if (error.code === 'E_BUDGET') return EXIT.budget
      return EXIT.usage
    }
    throw error
  }
}
