/**
 * Settings of a translating run (`translate`, `sync`): flags over environment over
 * `l10n.config.yaml` over defaults, and the provider built from them.
 */
import { join, resolve } from 'node:path'
import { chooseProvider, debugLine, list, loadGlossary, positiveInteger, relativePath, usage, type CliIo, GLOSSARY_OPTIONS } from './common.ts'
import type { TranslateRunOptions } from '../run/translate.ts'
import { CONFIG_FILE_NAME, defaultConfig, findConfigFile, loadConfig, type Config } from '../run/config.ts'
import type { BudgetTracker } from '../translate/cost.ts'
import type { EstimateBook } from '../translate/estimates.ts'
import type { CheckOptions } from '../check/index.ts'
import { DEFAULT_FRONTMATTER_POLICY, type FrontmatterPolicy } from '../article/frontmatter.ts'
import type { Glossary } from '../glossary/model.ts'
import { t } from '../shared/i18n.ts'
import { requireLocale, type LocaleInfo } from '../article/locales.ts'
import { LLM_DEFAULTS, resolveLlmOptions, type AttemptInfo, type ChatClient, type LlmOptions } from '../translate/llm.ts'
import { loadPrompts, promptHash, type PromptTemplates } from '../translate/prompt.ts'
import type { WorkflowOptions } from '../review/state.ts'
import { createOpenAiProvider } from '../translate/openai.ts'
import { defaultProposalsPath } from './glossary-paths.ts'
import type { Scheduler } from '../translate/queue.ts'
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

/**
 * The LLM and queue settings: flag, environment variable, config key and default of each.
 * The order of precedence is that of most command lines: flag > environment > config > default.
 */
export const LLM_SETTINGS = [
  { key: 'model', flag: 'model', env: 'L10N_MODEL', default: LLM_DEFAULTS.model },
  { key: 'temperature', flag: 'temperature', env: 'L10N_TEMPERATURE', default: LLM_DEFAULTS.temperature },
  { key: 'maxOutputTokens', flag: 'max-output-tokens', env: 'L10N_MAX_OUTPUT_TOKENS', default: LLM_DEFAULTS.maxOutputTokens },
  { key: 'timeoutMs', flag: 'timeout-ms', env: 'L10N_TIMEOUT_MS', default: LLM_DEFAULTS.timeoutMs },
  { key: 'maxRetries', flag: 'max-retries', env: 'L10N_MAX_RETRIES', default: LLM_DEFAULTS.maxRetries },
  { key: 'concurrency', flag: 'concurrency', env: 'L10N_CONCURRENCY', default: 4 },
  { key: 'requestsPerMinute', flag: 'rpm', env: 'L10N_RPM', default: undefined },
  { key: 'tokensPerMinute', flag: 'tpm', env: 'L10N_TPM', default: undefined },
] as const satisfies readonly { key: keyof Config; flag: keyof typeof RUN_OPTIONS; env: string; default: unknown }[]

/** Where a setting's value came from (`l10n config` prints it). */
export type SettingOrigin = 'flag' | 'env' | 'config' | 'default'

/** One LLM setting resolved: its value as text and where it came from. */
export function llmSetting(setting: (typeof LLM_SETTINGS)[number], values: RunValues, env: NodeJS.ProcessEnv, config: Config): { value: string | undefined; origin: SettingOrigin } {
  const flag = values[setting.flag] as string | undefined
  if (flag !== undefined) return { value: flag, origin: 'flag' }
  const fromEnv = env[setting.env]
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv, origin: 'env' }
  const configured = config[setting.key]
  if (configured !== undefined) return { value: String(configured), origin: 'config' }
  return { value: setting.default === undefined ? undefined : String(setting.default), origin: 'default' }
}

/**
 * The values handed to the provider: the flag, else the config's value unless the
 * environment sets one (the provider reads the environment itself, then its defaults).
 */
function providerValue(setting: (typeof LLM_SETTINGS)[number], values: RunValues, env: NodeJS.ProcessEnv, config: Config): string | undefined {
  const resolved = llmSetting(setting, values, env, config)
  return resolved.origin === 'flag' || resolved.origin === 'config' ? resolved.value : undefined
}

/** Where the config was looked for, for the message when none was found and one is needed. */
function lookedIn(searched: readonly string[]): string {
  // Absolute: "." and ".." say less than the folders themselves.
  return searched.join(', ')
}

/** Resolves a run's settings; the config file is `--config` or `l10n.config.yaml` here, if any. */
export async function resolveRunSettings(values: RunValues, io: CliIo): Promise<RunSettings> {
  const config = (await loadConfig(values.config)) ?? defaultConfig()
  const targets = list(values.to).length > 0 ? list(values.to) : config.targetLocales
  if (targets.length === 0) {
    if (config.file) throw usage(t('cli:need-to'))
    // No config found: say where it was looked for, so running from a subfolder explains itself.
    const found = findConfigFile()
    throw usage(t('cli:need-to-no-config', { name: CONFIG_FILE_NAME, searched: lookedIn(found.searched) }))
  }
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
    providerFlags: Object.fromEntries(LLM_SETTINGS.map((setting) => [setting.key, providerValue(setting, values, io.env, config)])),
  }
}

/** A provider ready to run, and how to let it finish. */
export interface OpenedProvider {
  translator: Translator
  close: () => Promise<void>
  /** The LLM client settings, for the openai provider. */
  options?: LlmOptions
  /** The request queue of the openai provider (the judge shares it). */
  scheduler?: Scheduler
}

/** Builds the chosen provider; the LLM one gets one scheduler for the whole run. */
export function openProvider(settings: RunSettings, io: CliIo, options: { cache: boolean; budget?: BudgetTracker; client?: ChatClient; estimates?: EstimateBook }): OpenedProvider {
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
    ...(io.debug ? { onAttempt: (info: AttemptInfo) => debugLine(io, requestTimingLine(info)) } : {}),
    ...(options.estimates ? { estimates: options.estimates } : {}),
    flags: settings.providerFlags,
  })
}

/** One HTTP attempt, for `--debug`: what it was for, how it went, how long it took. */
export function requestTimingLine(info: AttemptInfo): string {
  const what = info.label ? t('cli:debug-request-for', { source: relativePath(info.label.file), locale: info.label.locale, section: info.label.section }) : t('cli:debug-request-other')
  const outcome = info.status !== undefined ? `${info.outcome} (${info.status})` : info.outcome
  const tokens = info.promptTokens !== undefined ? t('cli:debug-request-tokens', { prompt: info.promptTokens, completion: info.completionTokens ?? 0, finish: info.finishReason ?? '' }) : ''
  return t('cli:debug-request', { what, attempt: info.attempt, outcome, seconds: (info.ms / 1000).toFixed(2), tokens }).trimEnd()
}

/** The orchestrator options of a run, from its settings (shared with `sync`). */
export function runOptions(settings: RunSettings, values: RunValues, io: CliIo): Omit<TranslateRunOptions, 'files' | 'translator'> {
  return {
    targets: settings.targets,
    ...(settings.glossary ? { glossary: settings.glossary, proposals: defaultProposalsPath(settings.stateDir) } : {}),
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

/** What planning a run needs: the model named in estimates, the prompts, where to look. */
export function planningContext(settings: RunSettings, io: CliIo): { model: string; templates: PromptTemplates; workflow: WorkflowOptions } {
  const model =
    settings.provider === 'openai' ? resolveLlmOptions(settings.providerFlags.model ? { model: settings.providerFlags.model } : {}, io.env).model : settings.provider
  const templates = loadPrompts()
  // A provider chosen only by fallback (no endpoint configured) says nothing about staleness.
  const fingerprint =
    !settings.providerExplicit && settings.provider === 'pseudo' ? undefined : providerFingerprint(settings.provider, settings.providerFlags.model, io.env, templates)
  return { model, templates, workflow: workflowOptionsOf(settings, fingerprint) }
}
