/**
 * The `l10n` command line: argument parsing, progress, printing and exit codes. All the
 * work happens in the orchestrator (`translate.ts`) and the pure stages.
 */
import { resolve } from 'node:path'
import pc from 'picocolors'
import { check } from './check.ts'
import { L10nError, isL10nError } from './errors.ts'
import { detectUiLanguage, setUiLanguage, t } from './i18n.ts'
import { readTextFile, writeFileAtomic } from './io.ts'
import { LOCALES, requireLocale } from './locales.ts'
import { parse } from './parse.ts'
import { exitCodeFor, renderFindings } from './render.ts'
import { articleLocale, translateFiles, type ArticleReport, type ProgressEvent, type RunReport } from './translate.ts'
import { createIdentityTranslator, createPseudoTranslator, type ProviderName, type Translator } from './translator.ts'
import { createOpenAiProvider } from './providers/openai.ts'
import type { Finding } from './types.ts'
import {
  EXIT,
  GLOSSARY_OPTIONS,
  chooseProvider,
  list,
  loadGlossary,
  parseCommandArgs,
  positiveInteger,
  relativePath,
  usage,
  type CliIo,
} from './cli-common.ts'
import { WORKFLOW_COMMANDS } from './cli-workflow.ts'

export { EXIT, DEFAULT_GLOSSARY, chooseProvider, type CliIo } from './cli-common.ts'

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
  env: process.env,
})

function progressLine(io: CliIo) {
  let done = 0
  let total = 0
  let requests = 0
  let tokens = 0
  const started = Date.now()
  return (event: ProgressEvent) => {
    if (event.type === 'article-start') total += event.sections
    if (event.type === 'section-done') {
      done++
      requests += event.usage.requests
      tokens += event.usage.promptTokens + event.usage.completionTokens
    }
    if (event.type === 'article-done') {
      if (io.isTty) io.stderr('\r\x1b[K')
      io.stdout(articleLine(event.report) + '\n')
      return
    }
    if (io.isTty) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      io.stderr(`\r\x1b[K${t('cli:progress', { done, total, requests, tokens, seconds })}`)
    }
  }
}

function articleLine(report: ArticleReport): string {
  const errors = report.findings.filter((finding) => finding.severity === 'error').length
  const warnings = report.findings.filter((finding) => finding.severity === 'warning').length
  const params = {
    source: relativePath(report.source),
    output: report.output ? relativePath(report.output) : '',
    locale: report.locale,
    provider: report.provider,
    sections: report.sections.total,
    cached: report.sections.cached,
    requests: report.requests,
    errors,
    warnings,
    message: report.error?.message ?? '',
    count: report.sections.total,
  }
  return t(`cli:article-${report.status}`, params)
}

function providerNotice(translator: Translator, explicit: boolean): string {
  if (translator.name === 'openai') return t('cli:provider-openai', { model: translator.model })
  const key = translator.name === 'identity' ? 'cli:provider-identity' : explicit ? 'cli:provider-pseudo' : 'cli:provider-pseudo-default'
  return t(key)
}

function runExitCode(report: RunReport): number {
  if (report.interrupted) return EXIT.interrupted
  if (report.articles.some((article) => article.error?.code === 'E_BUDGET')) return EXIT.budget
  // Bad input or usage is 2; a provider that could not deliver counts like an error finding.
  const failed = report.articles.filter((article) => article.status === 'failed')
  if (failed.some((article) => article.error?.code !== 'E_PROVIDER')) return EXIT.usage
  return failed.length > 0 || report.totals.errors > 0 ? EXIT.findings : EXIT.ok
}

function retranslateMode(value: string): 'none' | 'stale' | 'all' {
  if (value === 'none' || value === 'stale' || value === 'all') return value
  throw usage(t('cli:bad-retranslate', { value }))
}

async function commandTranslate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...GLOSSARY_OPTIONS,
    to: { type: 'string', multiple: true },
    'out-pattern': { type: 'string' },
    'out-root': { type: 'string' },
    provider: { type: 'string' },
    force: { type: 'boolean' },
    report: { type: 'string' },
    'max-chars': { type: 'string' },
    'state-dir': { type: 'string' },
    model: { type: 'string' },
    temperature: { type: 'string' },
    'max-output-tokens': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'max-retries': { type: 'string' },
    concurrency: { type: 'string' },
    rpm: { type: 'string' },
    tpm: { type: 'string' },
    'no-cache': { type: 'boolean' },
    format: { type: 'string' },
    lockfile: { type: 'string' },
    retranslate: { type: 'string' },
  })
  if (values.help) {
    io.stdout(t('cli:help-translate') + '\n')
    return EXIT.ok
  }
  if (positionals.length === 0) throw usage(t('cli:need-files'))
  const targets = list(values.to)
  if (targets.length === 0) throw usage(t('cli:need-to'))
  for (const target of targets) requireLocale(target)
  const glossary = await loadGlossary(values)
  const providerName = chooseProvider(values.provider, io.env)
  const stateDir = resolve(values['state-dir'] ?? '.l10n')
  const provider =
    providerName === 'identity'
      ? { translator: createIdentityTranslator(), close: async () => {} }
      : providerName === 'pseudo'
        ? { translator: createPseudoTranslator(glossary), close: async () => {} }
        : createOpenAiProvider({
            env: io.env,
            glossary,
            stateDir,
            cache: !values['no-cache'],
            ...(io.signal ? { signal: io.signal } : {}),
            flags: {
              model: values.model,
              temperature: values.temperature,
              maxOutputTokens: values['max-output-tokens'],
              timeoutMs: values['timeout-ms'],
              maxRetries: values['max-retries'],
              concurrency: values.concurrency,
              requestsPerMinute: values.rpm,
              tokensPerMinute: values.tpm,
            },
          })
  io.stderr(providerNotice(provider.translator, values.provider !== undefined) + '\n')
  const maxChars = positiveInteger(values['max-chars'], '--max-chars')
  let report: RunReport
  try {
    report = await translateFiles({
      files: positionals,
      targets,
      translator: provider.translator,
      ...(glossary ? { glossary } : {}),
      ...(values['out-pattern'] ? { outPattern: values['out-pattern'] } : {}),
      ...(values['out-root'] ? { outRoot: values['out-root'] } : {}),
      ...(maxChars ? { split: { maxSize: maxChars } } : {}),
      force: Boolean(values.force),
      stateDir,
      ...(values.lockfile ? { lockfile: values.lockfile } : {}),
      ...(values.retranslate ? { retranslate: retranslateMode(values.retranslate) } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      onEvent: progressLine(io),
    })
  } finally {
    await provider.close()
  }
  const findings = report.articles.flatMap((article) => article.findings)
  if (findings.length > 0) {
    const format = values.format === 'json' || values.format === 'markdown' ? values.format : 'human'
    io.stdout(renderFindings(findings, { format, color: io.isTty && !io.env.NO_COLOR }) + '\n')
  }
  for (const article of report.articles) {
    if (article.error) io.stderr(`${article.error.message}\n`)
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
  })
  if (values.help) {
    io.stdout(t('cli:help-check') + '\n')
    return EXIT.ok
  }
  if (positionals.length !== 2) throw usage(t('cli:check-needs-two'))
  const format = values.format ?? 'human'
  if (format !== 'human' && format !== 'json' && format !== 'markdown') throw usage(t('cli:bad-format', { value: format }))
  const [sourceFile, targetFile] = positionals as [string, string]
  const source = parse(await readTextFile(sourceFile), sourceFile)
  const target = parse(await readTextFile(targetFile), targetFile)
  const glossary = await loadGlossary(values)
  const headingDepth = positiveInteger(values['heading-depth'], '--heading-depth')
  const findings: Finding[] = check(source, target, {
    sourceLocale: articleLocale(source).code,
    ...(glossary ? { glossary } : {}),
    ...(headingDepth ? { headingDepth } : {}),
  })
  io.stdout(renderFindings(findings, { format, color: io.isTty && !io.env.NO_COLOR, source: sourceFile, target: targetFile }) + '\n')
  return exitCodeFor(findings, { strict: Boolean(values.strict) })
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  translate: commandTranslate,
  check: commandCheck,
  ...WORKFLOW_COMMANDS,
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * Errors that stop the tool are printed as one line naming the file and place.
 */
export async function main(argv: string[], overrides: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = { ...defaultIo(), ...overrides }
  const langIndex = argv.findIndex((arg) => arg === '--lang' || arg.startsWith('--lang='))
  const explicitLang = langIndex === -1 ? undefined : argv[langIndex]!.includes('=') ? argv[langIndex]!.split('=')[1] : argv[langIndex + 1]
  setUiLanguage(detectUiLanguage(explicitLang, io.env))
  const [command, ...rest] = argv
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
