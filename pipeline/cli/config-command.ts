/**
 * `l10n config`: the effective settings and where each came from (flag, environment,
 * config file, default), resolved exactly as `translate` and `sync` resolve them.
 */
import { CONFIG_FILE_NAME, defaultConfig, findConfigFile, loadConfig } from '../run/config.ts'
import { t } from '../shared/i18n.ts'
import { redactCredentials } from '../shared/errors.ts'
import { EXIT, DEFAULT_GLOSSARY, chooseProvider, list, parseCommandArgs, relativePath, usage, type CliIo } from './common.ts'
import { LLM_SETTINGS, RUN_OPTIONS, llmSetting, type SettingOrigin } from './run-settings.ts'

const SHOWN = ['config', 'to', 'provider', 'model', 'temperature', 'max-output-tokens', 'timeout-ms', 'max-retries', 'concurrency', 'rpm', 'tpm', 'out-root', 'out-pattern', 'glossary', 'no-glossary', 'lockfile', 'state-dir', 'format'] as const

/** The flags of `config`: the run's flags that change a setting it shows, so their effect can be seen. */
export const CONFIG_OPTIONS = Object.fromEntries(SHOWN.map((key) => [key, RUN_OPTIONS[key]])) as Pick<typeof RUN_OPTIONS, (typeof SHOWN)[number]>

/** One row of `l10n config`. */
export interface SettingRow {
  key: string
  value: string | number | string[] | null
  origin: SettingOrigin
  /** The environment variable, when the value came from one. */
  variable?: string
}

/** `l10n config`. */
export async function commandConfig(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, CONFIG_OPTIONS, 'config')
  if (values.help) {
    io.stdout(t('cli:help-config') + '\n')
    return EXIT.ok
  }
  if (positionals.length > 0) throw usage(t('cli:config-no-arguments'))
  const format = values.format ?? 'human'
  if (format !== 'human' && format !== 'json') throw usage(t('sync:bad-format', { value: format }))
  const loaded = await loadConfig(values.config)
  const config = loaded ?? defaultConfig()
  const fromFile = (key: string) => loaded !== undefined && key in loaded && loaded[key as keyof typeof loaded] !== undefined
  const rows: SettingRow[] = []
  const row = (key: string, value: SettingRow['value'] | undefined, origin: SettingOrigin) => rows.push({ key, value: value ?? null, origin })

  const targets = list(values.to)
  row('targetLocales', targets.length > 0 ? targets : config.targetLocales, targets.length > 0 ? 'flag' : config.targetLocales.length > 0 ? 'config' : 'default')
  const provider = values.provider ?? config.provider
  const chosen = chooseProvider(provider, io.env)
  row('provider', chosen, values.provider ? 'flag' : config.provider ? 'config' : chosen === 'openai' ? 'env' : 'default')
  if (rows[rows.length - 1]!.origin === 'env') rows[rows.length - 1]!.variable = io.env.OPENAI_BASE_URL ? 'OPENAI_BASE_URL' : 'OPENAI_API_KEY'
  // Credentials written into the URL are never shown (the run drops them too; see llm.ts).
  row('baseURL', io.env.OPENAI_BASE_URL ? redactCredentials(io.env.OPENAI_BASE_URL) : undefined, io.env.OPENAI_BASE_URL ? 'env' : 'default')
  if (io.env.OPENAI_BASE_URL) rows[rows.length - 1]!.variable = 'OPENAI_BASE_URL'
  for (const setting of LLM_SETTINGS) {
    const resolved = llmSetting(setting, values, io.env, config)
    const numeric = resolved.value !== undefined && setting.key !== 'model' && Number.isFinite(Number(resolved.value))
    row(setting.key, numeric ? Number(resolved.value) : resolved.value, resolved.origin)
    if (resolved.origin === 'env') rows[rows.length - 1]!.variable = setting.env
  }
  const path = (flag: string | undefined, configured: string | undefined, key: string) =>
    row(key, flag !== undefined ? relativePath(flag) : configured !== undefined ? relativePath(configured) : undefined, flag !== undefined ? 'flag' : fromFile(key) ? 'config' : 'default')
  path(values['out-root'], config.contentRoot, 'contentRoot')
  row('sourceLocale', config.sourceLocale, config.sourceLocale ? 'config' : 'default')
  path(undefined, config.sourcePattern, 'sourcePattern')
  path(values['out-pattern'], config.outputPattern, 'outputPattern')
  const glossaries = list(values.glossary)
  row(
    'glossary',
    values['no-glossary'] ? [] : glossaries.length > 0 ? glossaries : (config.glossary ?? [DEFAULT_GLOSSARY]).map(relativePath),
    values['no-glossary'] || glossaries.length > 0 ? 'flag' : config.glossary ? 'config' : 'default',
  )
  path(values.lockfile, config.lockfile, 'lockfile')
  path(values['state-dir'], config.stateDir, 'stateDir')
  for (const key of ['maxCost', 'maxRequests', 'maxTokens'] as const) row(`budget.${key}`, config.budget[key], config.budget[key] !== undefined ? 'config' : 'default')

  const file = loaded?.file
  const searched = file ? [] : findConfigFile().searched
  if (format === 'json') {
    io.stdout(JSON.stringify({ schemaVersion: 1, configFile: file ?? null, searched, settings: rows }, null, 2) + '\n')
    return EXIT.ok
  }
  io.stdout(
    (file ? t('cli:config-file', { path: relativePath(file) }) : t('cli:config-none', { name: CONFIG_FILE_NAME, searched: searched.join(', ') })) + '\n',
  )
  const width = Math.max(...rows.map((r) => r.key.length))
  for (const r of rows) {
    const value = r.value === null ? t('cli:config-unset') : Array.isArray(r.value) ? r.value.join(', ') || t('cli:config-none-listed') : String(r.value)
    io.stdout(`  ${r.key.padEnd(width)}  ${value}  (${t(`cli:origin-${r.origin}`, { variable: r.variable ?? '', file: file ? relativePath(file) : '' })})\n`)
  }
  return EXIT.ok
}
