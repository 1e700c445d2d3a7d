/**
 * `l10n glossary extract|suggest|accept|reject|audit|learn|import|export`: building a
 * term base for a whole site. Loaded only when a `glossary` command runs.
 */
import { join, resolve } from 'node:path'
import { requireLocale } from '../article/locales.ts'
import { ENTRY_KINDS, type EntryKind } from '../glossary/model.ts'
import { findMarkdownFiles } from '../review/find-sources.ts'
import { acceptToFile, auditTree, exportText, extractToFile, formatOf, importToFile, learnTree, rejectInFile } from '../run/glossary.ts'
import { suggestToFile, type SuggestModel } from '../run/glossary-suggest.ts'
import { t } from '../shared/i18n.ts'
import { writeFileAtomic } from '../state/files.ts'
import { createBudgetTracker, type Budget } from '../translate/cost.ts'
import { createOpenAiClient, resolveLlmOptions } from '../translate/llm.ts'
import { resolveQueueSettings } from '../translate/openai.ts'
import { createScheduler } from '../translate/queue.ts'
import { defaultProposalsPath } from './glossary-paths.ts'
import { EXIT, list, parseCommandArgs, positiveInteger, relativePath, usage, type CliIo } from './common.ts'
import { RUN_OPTIONS, resolveRunSettings, workflowOptionsOf, type RunSettings, type RunValues } from './run-settings.ts'


const BASE_OPTIONS = {
  glossary: RUN_OPTIONS.glossary,
  'no-glossary': RUN_OPTIONS['no-glossary'],
  config: RUN_OPTIONS.config,
  'state-dir': RUN_OPTIONS['state-dir'],
  proposals: { type: 'string' },
} as const

const SELECT_OPTIONS = { ...BASE_OPTIONS, all: { type: 'boolean' }, kind: { type: 'string', multiple: true } } as const

type BaseValues = RunValues & { proposals?: string | undefined }

/** Settings for a glossary command; `--to` is optional here (the config's locales otherwise, or none). */
async function settingsOf(values: BaseValues, io: CliIo, needTargets: boolean): Promise<RunSettings> {
  try {
    return await resolveRunSettings(values, io)
  } catch (error) {
    // Commands that need no target locale run without one.
    if (!needTargets && (error as { code?: string }).code === 'E_USAGE') return resolveRunSettings({ ...values, to: ['en'] }, io)
    throw error
  }
}

function proposalsPath(values: BaseValues, settings: RunSettings): string {
  return resolve(values.proposals ?? defaultProposalsPath(settings.stateDir))
}

function kindsOf(values: { kind?: string[] | undefined }): EntryKind[] {
  const kinds = list(values.kind)
  for (const kind of kinds) if (!(ENTRY_KINDS as readonly string[]).includes(kind)) throw usage(t('glossary:unknown-kind', { kind, known: ENTRY_KINDS.join(', ') }))
  return kinds as EntryKind[]
}

/** The glossary file accepted and imported entries go to: `--into`, else the config's last glossary, else `glossary/site.yaml`. */
function intoPath(values: { into?: string | undefined }, settings: RunSettings): string {
  if (values.into) return resolve(values.into)
  const configured = settings.config.glossary
  return resolve(configured && configured.length > 0 ? configured[configured.length - 1]! : join('glossary', 'site.yaml'))
}

function sourceFiles(positionals: string[], settings: RunSettings): string[] {
  if (positionals.length === 0) throw usage(t('glossary:cli-need-articles'))
  return findMarkdownFiles(positionals, { skip: [settings.stateDir], sources: { sourceLocale: settings.config.sourceLocale, targets: settings.targets } })
}

async function extract(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...BASE_OPTIONS, top: { type: 'string' } }, 'glossary extract')
  if (values.help) return help(io, 'extract')
  const settings = await settingsOf(values, io, false)
  const files = sourceFiles(positionals, settings)
  const path = proposalsPath(values, settings)
  const report = await extractToFile({ files, glossary: settings.glossary, proposalsPath: path, ...(settings.config.sourceLocale ? { sourceLocale: settings.config.sourceLocale } : {}) })
  const top = positiveInteger(values.top, '--top') ?? 20
  for (const proposal of report.proposals.proposals.filter((p) => p.status === 'proposed').slice(0, top)) {
    io.stdout(`  ${proposal.source}  ${proposal.kind}  ×${proposal.count}${proposal.given ? `  (${proposal.given})` : ''}\n`)
  }
  io.stdout(t('glossary:cli-extracted', { articles: report.articles, candidates: report.candidates, added: report.added, path: relativePath(path) }) + '\n')
  return EXIT.ok
}

async function suggest(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    ...BASE_OPTIONS,
    to: RUN_OPTIONS.to,
    provider: RUN_OPTIONS.provider,
    model: RUN_OPTIONS.model,
    concurrency: RUN_OPTIONS.concurrency,
    rpm: RUN_OPTIONS.rpm,
    tpm: RUN_OPTIONS.tpm,
    'timeout-ms': RUN_OPTIONS['timeout-ms'],
    'max-retries': RUN_OPTIONS['max-retries'],
    'no-cache': RUN_OPTIONS['no-cache'],
    'max-requests': { type: 'string' },
    'max-tokens': { type: 'string' },
  }, 'glossary suggest')
  if (values.help) return help(io, 'suggest')
  const settings = await settingsOf(values, io, true)
  const path = proposalsPath(values, settings)
  let model: SuggestModel | undefined
  if (settings.provider === 'openai') {
    const llm = resolveLlmOptions(
      {
        ...(settings.providerFlags.model ? { model: settings.providerFlags.model } : {}),
        ...(values['timeout-ms'] ? { timeoutMs: Number(values['timeout-ms']) } : {}),
        ...(values['max-retries'] ? { maxRetries: Number(values['max-retries']) } : {}),
      },
      io.env,
    )
    const queue = resolveQueueSettings(settings.providerFlags, io.env)
    const budget: Budget = {
      ...settings.config.budget,
      ...(values['max-requests'] ? { maxRequests: positiveInteger(values['max-requests'], '--max-requests')! } : {}),
      ...(values['max-tokens'] ? { maxTokens: positiveInteger(values['max-tokens'], '--max-tokens')! } : {}),
    }
    const limited = Object.values(budget).some((value) => value !== undefined)
    model = {
      client: createOpenAiClient(llm),
      scheduler: createScheduler({
        concurrency: queue.concurrency,
        ...(queue.requestsPerMinute ? { requestsPerInterval: queue.requestsPerMinute } : {}),
        ...(queue.tokensPerMinute ? { tokensPerInterval: queue.tokensPerMinute } : {}),
        intervalMs: 60_000,
        ...(io.signal ? { signal: io.signal } : {}),
      }),
      model: llm.model,
      stateDir: settings.stateDir,
      cache: !values['no-cache'],
      ...(limited ? { budget: createBudgetTracker(budget, llm.model, settings.config.prices) } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    }
  }
  io.stderr(t(model ? 'glossary:cli-suggest-model' : 'glossary:cli-suggest-offline', { model: model?.model ?? '' }) + '\n')
  const report = await suggestToFile({ proposalsPath: path, locales: settings.targets.map((code) => requireLocale(code).code), ...(model ? { model } : {}) })
  io.stdout(t('glossary:cli-suggested', { filled: report.filled, by: report.by, requests: report.requests, cached: report.cached, path: relativePath(path) }) + '\n')
  if (report.failedBatches > 0) io.stderr(t('glossary:cli-suggest-failed', { count: report.failedBatches }) + '\n')
  return report.failedBatches > 0 ? EXIT.findings : EXIT.ok
}

async function accept(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...SELECT_OPTIONS, into: { type: 'string' } }, 'glossary accept')
  if (values.help) return help(io, 'accept')
  if (positionals.length === 0 && !values.all) throw usage(t('glossary:cli-need-selection'))
  const settings = await settingsOf(values, io, false)
  const glossaryPath = intoPath(values, settings)
  const result = await acceptToFile({ proposalsPath: proposalsPath(values, settings), glossaryPath, selection: { terms: positionals, all: Boolean(values.all), kinds: kindsOf(values) }, glossary: settings.glossary })
  for (const skipped of result.skipped) io.stderr(t(`glossary:cli-skipped-${skipped.reason}`, { source: skipped.source }) + '\n')
  for (const term of result.unknown) io.stderr(t('glossary:cli-unknown-term', { term }) + '\n')
  io.stdout(t('glossary:cli-accepted', { count: result.entries.length, path: relativePath(glossaryPath) }) + '\n')
  return result.unknown.length > 0 ? EXIT.usage : EXIT.ok
}

async function reject(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, SELECT_OPTIONS, 'glossary reject')
  if (values.help) return help(io, 'reject')
  if (positionals.length === 0 && !values.all) throw usage(t('glossary:cli-need-selection'))
  const settings = await settingsOf(values, io, false)
  const result = await rejectInFile({ proposalsPath: proposalsPath(values, settings), selection: { terms: positionals, all: Boolean(values.all), kinds: kindsOf(values) } })
  for (const term of result.unknown) io.stderr(t('glossary:cli-unknown-term', { term }) + '\n')
  io.stdout(t('glossary:cli-rejected', { count: result.rejected }) + '\n')
  return result.unknown.length > 0 ? EXIT.usage : EXIT.ok
}

const PLACE = {
  ...BASE_OPTIONS,
  to: RUN_OPTIONS.to,
  'out-pattern': RUN_OPTIONS['out-pattern'],
  'out-root': RUN_OPTIONS['out-root'],
  lockfile: RUN_OPTIONS.lockfile,
} as const

async function audit(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...PLACE, format: { type: 'string' }, 'no-propose': { type: 'boolean' } }, 'glossary audit')
  if (values.help) return help(io, 'audit')
  const settings = await settingsOf(values, io, true)
  const files = sourceFiles(positionals, settings)
  const path = proposalsPath(values, settings)
  const workflow = workflowOptionsOf(settings, undefined)
  let total = 0
  const all = []
  for (const locale of settings.targets) {
    const result = await auditTree({ files, locale: requireLocale(locale).code, workflow, glossary: settings.glossary, ...(values['no-propose'] ? {} : { proposalsPath: path }) })
    total += result.findings.length
    all.push(...result.findings)
    if (values.format === 'json') continue
    for (const finding of result.findings) {
      io.stdout(
        t('glossary:cli-audit-line', {
          source: finding.source,
          locale: finding.locale,
          renderings: finding.renderings.map((rendering) => `"${rendering.form}" ×${rendering.count} (${rendering.files.map(relativePath).join(', ')})`).join('; '),
          majority: finding.locked ?? finding.majority,
        }) + '\n',
      )
    }
  }
  if (values.format === 'json') io.stdout(JSON.stringify(all, null, 2) + '\n')
  else io.stdout(t('glossary:cli-audited', { count: total }) + '\n')
  return total > 0 ? EXIT.findings : EXIT.ok
}

async function learn(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, PLACE, 'glossary learn')
  if (values.help) return help(io, 'learn')
  const settings = await settingsOf(values, io, true)
  const files = sourceFiles(positionals, settings)
  const path = proposalsPath(values, settings)
  const result = await learnTree({ files, locales: settings.targets.map((code) => requireLocale(code).code), workflow: workflowOptionsOf(settings, undefined), glossary: settings.glossary, proposalsPath: path })
  io.stdout(t('glossary:cli-learned', { added: result.added, updated: result.updated, path: relativePath(path) }) + '\n')
  return EXIT.ok
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...BASE_OPTIONS, into: { type: 'string' }, format: { type: 'string' } }, 'glossary import')
  if (values.help) return help(io, 'import')
  if (positionals.length !== 1) throw usage(t('glossary:cli-import-one'))
  const settings = await settingsOf(values, io, false)
  const glossaryPath = intoPath(values, settings)
  const report = await importToFile({ input: positionals[0]!, ...(values.format ? { format: values.format } : {}), glossaryPath, glossary: settings.glossary, ...(settings.config.sourceLocale ? { sourceLocale: settings.config.sourceLocale } : {}) })
  io.stdout(t('glossary:cli-imported', { read: report.read, added: report.added, updated: report.updated, elsewhere: report.elsewhere, path: relativePath(glossaryPath) }) + '\n')
  return EXIT.ok
}

async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...BASE_OPTIONS, out: { type: 'string' }, format: { type: 'string' } }, 'glossary export')
  if (values.help) return help(io, 'export')
  if (positionals.length > 0) throw usage(t('glossary:cli-export-no-args'))
  const settings = await settingsOf(values, io, false)
  if (!settings.glossary) throw usage(t('glossary:cli-export-none'))
  const format = formatOf(values.out ?? '', values.format ?? (values.out ? undefined : 'csv'))
  const text = exportText(settings.glossary, format, settings.config.sourceLocale ?? 'cn')
  if (values.out) {
    await writeFileAtomic(resolve(values.out), text)
    io.stdout(t('glossary:cli-exported', { count: settings.glossary.entries.length, path: relativePath(resolve(values.out)) }) + '\n')
  } else io.stdout(text)
  return EXIT.ok
}

function help(io: CliIo, verb?: string): number {
  io.stdout(t(verb ? `glossary:help-${verb}` : 'glossary:help') + '\n')
  return EXIT.ok
}

const VERBS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  extract,
  suggest,
  accept,
  reject,
  audit,
  learn,
  import: importCommand,
  export: exportCommand,
}

/** `l10n glossary <verb> …` */
export async function commandGlossary(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args
  if (!verb || verb === '--help' || verb === '-h') return help(io)
  const run = VERBS[verb]
  if (!run) throw usage(t('glossary:cli-unknown-verb', { verb, known: Object.keys(VERBS).join(', ') }))
  return run(rest, io)
}
