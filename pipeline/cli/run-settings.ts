/**
 * Settings of a translating run (`translate`, `sync`): flags over `l10n.config.yaml`
 * over environment over defaults, and the provider built from them.
 */
import { join, resolve } from 'node:path'
import { chooseProvider, list, loadGlossary, positiveInteger, relativePath, usage, type CliIo, GLOSSARY_OPTIONS } from './common.ts'
import type { ArticleReport, ProgressEvent, TranslateRunOptions } from '../run/translate.ts'
import { defaultConfig, loadConfig, type Config } from '../run/config.ts'
import type { BudgetTracker } from '../translate/cost.ts'
import type { CheckOptions } from '../check/index.ts'
import { DEFAULT_FRONTMATTER_POLICY, type FrontmatterPolicy } from '../article/frontmatter.ts'
import type { Glossary } from '../glossary/model.ts'
import { t } from '../shared/i18n.ts'
import { requireLocale, type LocaleInfo } from '../article/locales.ts'
import { resolveLlmOptions, type ChatClient, type LlmOptions } from '../translate/llm.ts'
import { loadPrompts, promptHash, type PromptTemplates } from '../translate/prompt.ts'
import type { WorkflowOptions } from '../review/state.ts'
import { createOpenAiProvider } from '../translate/openai.ts'
import { createIdentityTranslator, createPseudoTranslator, type ProviderName, type Translator } from '../translate/translator.ts'

/** Flags shared by `translate` and `sync`. */
export const RUN_OPTIONS = {
  ...GLOSSARY_OPTIONS,
  config: { type: 'string' },
  to: { type: 'string', multiple: true },
  'out-pattern': { type: 'string' },
  'out-root': { type: 'string' },
  provider: { type: 'string' },
  force: { type: 'boolean' },
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
} as const

/** Parsed values of {@link RUN_OPTIONS}. */
export type RunValues = { [K in keyof typeof RUN_OPTIONS]?: (typeof RUN_OPTIONS)[K] extends { type: 'boolean' } ? boolean | undefined : (typeof RUN_OPTIONS)[K] extends { multiple: true } ? string[] | undefined : string | undefined }

/** Everything a run needs, resolved. */
export interface RunSettings {
  config: Config
  targets: string[]
  glossary: Glossary | undefined
  provider: ProviderName
  providerExplicit: boolean
  stateDir: string
  lockfile: string
  outPattern: string | undefined
  outRoot: string | undefined
  policy: FrontmatterPolicy
  check: Partial<CheckOptions>
  maxChars: number | undefined
  retranslate: 'none' | 'stale' | 'all' | undefined
  providerFlags: Record<string, string | undefined>
}

function numberText(flag: string | undefined, configured: number | undefined): string | undefined {
  return flag ?? (configured === undefined ? undefined : String(configured))
}

/** Resolves a run's settings; the config file is `--config` or `l10n.config.yaml` here, if any. */
export async function resolveRunSettings(values: RunValues, io: CliIo): Promise<RunSettings> {
  const config = (await loadConfig(values.config)) ?? defaultConfig()
  const targets = list(values.to).length > 0 ? list(values.to) : config.targetLocales
  if (targets.length === 0) throw usage(t('cli:need-to'))
  for (const target of targets) requireLocale(target)
  const glossary = await loadGlossary(values, config.glossary)
  const fromConfig = config.file !== undefined
  const outRoot = values['out-root'] ?? (fromConfig ? config.contentRoot : undefined)
  const retranslate = values.retranslate
  if (retranslate !== undefined && retranslate !== 'none' && retranslate !== 'stale' && retranslate !== 'all') throw usage(t('cli:bad-retranslate', { value: retranslate }))
  return {
    config,
    targets,
    glossary,
    provider: chooseProvider(values.provider ?? config.provider, io.env),
    providerExplicit: (values.provider ?? config.provider) !== undefined,
    stateDir: resolve(values['state-dir'] ?? config.stateDir),
    lockfile: resolve(values.lockfile ?? (fromConfig ? config.lockfile : join(outRoot ?? '.', 'l10n.lock.yaml'))),
    outPattern: values['out-pattern'] ?? config.outputPattern,
    outRoot,
    policy: config.file ? config.frontmatter : DEFAULT_FRONTMATTER_POLICY,
    check: { headingDepth: config.check.headingDepth, rules: config.check.rules },
    maxChars: positiveInteger(values['max-chars'], '--max-chars'),
    retranslate,
    providerFlags: {
      model: values.model ?? config.model,
      temperature: numberText(values.temperature, config.temperature),
      maxOutputTokens: numberText(values['max-output-tokens'], config.maxOutputTokens),
      timeoutMs: numberText(values['timeout-ms'], config.timeoutMs),
      maxRetries: numberText(values['max-retries'], config.maxRetries),
      concurrency: numberText(values.concurrency, config.concurrency),
      requestsPerMinute: numberText(values.rpm, config.requestsPerMinute),
      tokensPerMinute: numberText(values.tpm, config.tokensPerMinute),
    },
  }
}

/** A provider ready to run, and how to let it finish. */
export interface OpenedProvider {
  translator: Translator
  close: () => Promise<void>
  /** The LLM client settings, for the openai provider. */
  options?: LlmOptions
}

/** Builds the chosen provider; the LLM one gets one scheduler for the whole run. */
export function openProvider(settings: RunSettings, io: CliIo, options: { cache: boolean; budget?: BudgetTracker; client?: ChatClient }): OpenedProvider {
  if (settings.provider === 'identity') return { translator: createIdentityTranslator(), close: async () => {} }
  if (settings.provider === 'pseudo') return { translator: createPseudoTranslator(settings.glossary), close: async () => {} }
  return createOpenAiProvider({
    env: io.env,
    glossary: settings.glossary,
    stateDir: settings.stateDir,
    cache: options.cache,
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.clock ? { clock: io.clock } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.client ? { client: options.client } : {}),
    flags: settings.providerFlags,
  })
}

/** The orchestrator options of a run, from its settings (shared with `sync`). */
export function runOptions(settings: RunSettings, values: RunValues, io: CliIo): Omit<TranslateRunOptions, 'files' | 'translator'> {
  return {
    targets: settings.targets,
    ...(settings.glossary ? { glossary: settings.glossary } : {}),
    policy: settings.policy,
    ...(settings.outPattern ? { outPattern: settings.outPattern } : {}),
    ...(settings.outRoot ? { outRoot: settings.outRoot } : {}),
    ...(settings.maxChars ? { split: { maxSize: settings.maxChars } } : {}),
    force: Boolean(values.force),
    stateDir: settings.stateDir,
    lockfile: settings.lockfile,
    ...(settings.retranslate ? { retranslate: settings.retranslate } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    check: settings.check,
  }
}

/** Progress: a live line on a TTY, one plain line per finished article otherwise. */
export function progressLine(io: CliIo) {
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
      // A failure is an error message: stderr, once. Work the budget kept from starting is not a failure.
      if (event.report.error?.code === 'E_BUDGET') io.stdout(t('cli:article-not-started', { source: relativePath(event.report.source), locale: event.report.locale }) + '\n')
      else if (event.report.status === 'failed') io.stderr(articleLine(event.report) + '\n')
      else io.stdout(articleLine(event.report) + '\n')
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
    // Counted phrases are built apart so each gets its own plural form.
    sections: t('cli:n-sections', { count: report.sections.total }),
    cached: report.sections.cached,
    reused: report.sections.reused,
    requests: t('cli:n-requests', { count: report.requests }),
    errors: t('cli:n-errors', { count: errors }),
    warnings: t('cli:n-warnings', { count: warnings }),
    message: report.error?.message ?? '',
  }
  return t(`cli:article-${report.status}`, params)
}

/** Says plainly which provider makes the drafts. */
export function providerNotice(translator: Translator, explicit: boolean): string {
  if (translator.name === 'openai') return t('cli:provider-openai', { model: translator.model })
  const key = translator.name === 'identity' ? 'cli:provider-identity' : explicit ? 'cli:provider-pseudo' : 'cli:provider-pseudo-default'
  return t(key)
}

/**
 * What a fresh translation by `provider` would be made with (model and prompt hash per
 * target locale), so sections made with another prompt or model can be told apart.
 */
export function providerFingerprint(
  provider: ProviderName,
  model: string | undefined,
  env: NodeJS.ProcessEnv,
  templates: PromptTemplates = loadPrompts(),
): NonNullable<WorkflowOptions['fingerprint']> {
  if (provider === 'pseudo') return createPseudoTranslator(undefined).fingerprint
  if (provider === 'identity') return createIdentityTranslator().fingerprint
  const resolved = resolveLlmOptions(model ? { model } : {}, env).model
  return (target: LocaleInfo) => ({ model: resolved, promptHash: promptHash(templates, target) })
}

/** Where the reviewer commands and sync's plan look: the run's lockfile, outputs, glossary and policy. */
export function workflowOptionsOf(settings: RunSettings, fingerprint: WorkflowOptions['fingerprint']): WorkflowOptions {
  return {
    lockfile: settings.lockfile,
    stateDir: settings.stateDir,
    ...(settings.outPattern ? { outPattern: settings.outPattern } : {}),
    ...(settings.outRoot ? { outRoot: settings.outRoot } : {}),
    ...(settings.glossary ? { glossary: settings.glossary } : {}),
    policy: settings.policy,
    ...(fingerprint ? { fingerprint } : {}),
  }
}
