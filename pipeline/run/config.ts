/**
 * config: `l10n.config.yaml`, the project's settings. The file as written
 * ({@link WrittenConfig}) is validated in one pass that reports every problem at once with
 * its line and column, then normalized ({@link Config}): defaults filled in, locale tags
 * mapped to site codes, paths made absolute. CLI flags go on top with {@link mergeSettings}.
 */
import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { z } from 'zod'
import { RULES, type RuleSettings } from '../check/index.ts'
import type { Budget, ModelPrice } from '../translate/cost.ts'
import { L10nError } from '../shared/errors.ts'
import { DEFAULT_FRONTMATTER_POLICY, type FrontmatterPolicy } from '../article/frontmatter.ts'
import { formatMessage, message, type Message, type UiLanguage } from '../shared/i18n.ts'
import { parseYaml } from '../shared/place.ts'
import { formatPath as formatDataPath } from '../shared/validation.ts'
import { readTextFile, readTextFileIfExists } from '../state/files.ts'
import { findLocale, LOCALES } from '../article/locales.ts'
import type { ProviderName } from '../translate/translator.ts'
import { DEFAULT_REQUEST_TOKENS } from '../translate/judge.ts'

/** The name `loadConfig` looks for. */
export const CONFIG_FILE_NAME = 'l10n.config.yaml'

/** Default of {@link Config.lockfile}, relative to the config file's folder. */
export const DEFAULT_LOCKFILE = 'l10n.lock.yaml'

/** Default of {@link Config.stateDir}: the state folder beside the config file. */
export const DEFAULT_STATE_DIR = '.l10n'

const PROVIDERS = ['openai', 'pseudo', 'identity'] as const satisfies readonly ProviderName[]
const SETTINGS = ['error', 'warning', 'info', 'off'] as const
/** Placeholders a source pattern may use: it is matched against files, so only these two. */
const SOURCE_PLACEHOLDERS = ['locale', 'slug']
/** Placeholders `outputPath` (paths.ts) fills in. */
const OUTPUT_PLACEHOLDERS = ['locale', 'tag', 'slug', 'ext', 'dir', 'sourceLocale']

// ── The file as written ──────────────────────────────────────────────────────

/** `l10n.config.yaml` as the user writes it; every field is optional. */
export interface WrittenConfig {
  /**
   * Folder of the content, relative to the config file's folder: `sourcePattern` and
   * `outputPattern` are relative to it, and outputs must stay inside it.
   */
  contentRoot?: string
  /** Site code (`cn`) or BCP 47 tag (`zh-CN`) of the source language. */
  sourceLocale?: string
  /** Where sources live, e.g. `src/content/knowledge-{locale}/{slug}.md`; relative to contentRoot. */
  sourcePattern?: string
  /** Where translations go; placeholders as in paths.ts; relative to contentRoot. */
  outputPattern?: string
  /** Locales to translate into, at least one. */
  targetLocales?: string[]
  /** Frontmatter keys to translate and to set. */
  frontmatter?: { translate?: string[]; set?: Record<string, string> }
  /** Glossary files, relative to the config file's folder. */
  glossary?: string[]
  provider?: ProviderName
  model?: string
  temperature?: number
  maxOutputTokens?: number
  timeoutMs?: number
  maxRetries?: number
  concurrency?: number
  requestsPerMinute?: number
  tokensPerMinute?: number
  budget?: Budget
  /** USD per million tokens by model name; extends the built-in table of cost.ts. */
  prices?: Record<string, ModelPrice>
  /** `batch`: `sync` submits through the Batch API (as `--batch`). */
  mode?: 'realtime' | 'batch'
  check?: { headingDepth?: number; rules?: RuleSettings }
  /** The lockfile, relative to the config file's folder. */
  lockfile?: string
  /** Run reports, relative to the config file's folder. */
  report?: { json?: string; markdown?: string }
  /** The judge (`check --judge`): `true` also judges every draft `translate`/`sync` write. */
  judge?: boolean | { enabled?: boolean; model?: string; requestTokens?: number }
}

const path = () => z.string().min(1)
const frontmatterSchema = z.strictObject({
  translate: z.array(z.string().min(1)).optional(),
  set: z.record(z.string(), z.string()).optional(),
})
const budgetSchema = z.strictObject({
  maxCost: z.number().positive().optional(),
  maxRequests: z.int().min(1).optional(),
  maxTokens: z.int().min(1).optional(),
})
const priceSchema = z.strictObject({ input: z.number().min(0), output: z.number().min(0), batchInput: z.number().min(0).optional(), batchOutput: z.number().min(0).optional() })
const checkSchema = z.strictObject({
  headingDepth: z.int().min(1).max(6).optional(),
  rules: z.record(z.string(), z.enum(SETTINGS)).optional(),
})
const reportSchema = z.strictObject({ json: path().optional(), markdown: path().optional() })
const judgeSchema = z.strictObject({
  enabled: z.boolean().optional(),
  model: z.string().min(1).optional(),
  requestTokens: z.int().min(100).optional(),
})

const writtenSchema = z.strictObject({
  contentRoot: path().optional(),
  sourceLocale: z.string().optional(),
  sourcePattern: path().optional(),
  outputPattern: path().optional(),
  targetLocales: z.array(z.string()).min(1).optional(),
  frontmatter: frontmatterSchema.optional(),
  glossary: z.array(path()).optional(),
  provider: z.enum(PROVIDERS).optional(),
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxOutputTokens: z.int().min(1).optional(),
  timeoutMs: z.int().min(1).optional(),
  maxRetries: z.int().min(0).optional(),
  concurrency: z.int().min(1).optional(),
  requestsPerMinute: z.int().min(1).optional(),
  tokensPerMinute: z.int().min(1).optional(),
  budget: budgetSchema.optional(),
  prices: z.record(z.string(), priceSchema).optional(),
  mode: z.enum(['realtime', 'batch']).optional(),
  check: checkSchema.optional(),
  lockfile: path().optional(),
  report: reportSchema.optional(),
  judge: z.union([z.boolean(), judgeSchema]).optional(),
}) satisfies z.ZodType<WrittenConfig>

/** Field names of each strict mapping, for "unknown field" messages. */
function knownFields(at: readonly PropertyKey[]): string[] {
  if (at.length === 0) return Object.keys(writtenSchema.shape)
  if (at.length === 2 && at[0] === 'prices') return Object.keys(priceSchema.shape)
  const nested: Record<string, { shape: object }> = { frontmatter: frontmatterSchema, budget: budgetSchema, check: checkSchema, report: reportSchema, judge: judgeSchema }
  const schema = at.length === 1 ? nested[String(at[0])] : undefined
  return schema ? Object.keys(schema.shape) : []
}

// ── The normalized config ────────────────────────────────────────────────────

/**
 * Settings after validation and defaults. Paths are absolute. LLM and queue settings
 * stay `undefined` when the file leaves them out; the CLI ranks them flags > environment
 * variables (of llm.ts and the provider) > config file > defaults.
 */
export interface Config {
  /** Absolute path of the file read, or undefined for {@link defaultConfig}. */
  file: string | undefined
  /**
   * Folder of the content: the patterns are resolved against it and it is the output
   * root. Every other relative path of the file is resolved against the file's folder.
   * @default the config file's folder
   */
  contentRoot: string
  /**
   * Site code of the source language (tags such as `zh-CN` become `cn`).
   * @default undefined: each article's frontmatter `locale:` decides
   */
  sourceLocale: string | undefined
  /**
   * Absolute pattern of source files with `{locale}` and `{slug}` (one path segment,
   * no `/`). @default undefined: sources are named on the command line
   */
  sourcePattern: string | undefined
  /**
   * Absolute pattern of translations (placeholders of paths.ts).
   * @default sourcePattern; without either, the source's locale folder is swapped
   */
  outputPattern: string | undefined
  /** Site codes to translate into, never the source. @default [] (the CLI's `--to`) */
  targetLocales: string[]
  /** Frontmatter keys translated and set. @default DEFAULT_FRONTMATTER_POLICY, per field */
  frontmatter: FrontmatterPolicy
  /** Absolute glossary paths. @default undefined: the CLI's shipped glossary */
  glossary: string[] | undefined
  /** @default undefined: openai when an endpoint is configured, else pseudo */
  provider: ProviderName | undefined
  /** @default undefined: env `L10N_MODEL`, else 'gpt-4o-mini' */
  model: string | undefined
  /** 0 to 2. @default undefined: env `L10N_TEMPERATURE`, else 0.2 */
  temperature: number | undefined
  /** Integer ≥ 1. @default undefined: env `L10N_MAX_OUTPUT_TOKENS`, else 4096 */
  maxOutputTokens: number | undefined
  /** Integer ≥ 1. @default undefined: env `L10N_TIMEOUT_MS`, else 120000 */
  timeoutMs: number | undefined
  /** Integer ≥ 0. @default undefined: env `L10N_MAX_RETRIES`, else 3 */
  maxRetries: number | undefined
  /** Requests in flight, integer ≥ 1. @default undefined: env `L10N_CONCURRENCY`, else 4 */
  concurrency: number | undefined
  /** Integer ≥ 1. @default undefined: env `L10N_RPM`, else unlimited */
  requestsPerMinute: number | undefined
  /** Integer ≥ 1. @default undefined: env `L10N_TPM`, else unlimited */
  tokensPerMinute: number | undefined
  /** Limits of one run. @default {} (unlimited) */
  budget: Budget
  /** Extra model prices (USD per 1M tokens). @default {} */
  prices: Record<string, ModelPrice>
  /** How `sync` sends requests: one by one, or through the Batch API. @default 'realtime' */
  mode: 'realtime' | 'batch'
  /** Settings of `l10n check`. */
  check: {
    /** Compare headings down to this depth, 1–6. @default 6 */
    headingDepth: number
    /** Severity or `off` by rule id (ids of check.ts RULES). @default {} */
    rules: RuleSettings
  }
  /** Absolute path of the translation lockfile. @default `l10n.lock.yaml` beside the config file */
  lockfile: string
  /**
   * Absolute path of the state folder (cache, section texts, memory); not written in
   * the file. @default `.l10n` beside the config file (the current folder without one)
   */
  stateDir: string
  /** Absolute paths of the run reports. @default none */
  report: { json: string | undefined; markdown: string | undefined }
  /** The judge: a model's second opinion on aligned text pairs (README: `--judge`). */
  judge: {
    /** `translate` and `sync` judge every draft they write (`check` needs `--judge`). @default false */
    enabled: boolean
    /** The model that judges. @default undefined: the translation model (`--model`, `L10N_MODEL`, `model`) */
    model: string | undefined
    /** Tokens of paragraph text (source and translation) per request, ≥ 100. @default 3000 */
    requestTokens: number
  }
}

/**
 * The settings of a project without a config file, rooted at `contentRoot` (also where
 * the lockfile and the state folder go).
 */
export function defaultConfig(contentRoot: string = process.cwd()): Config {
  const root = resolve(contentRoot)
  return {
    file: undefined,
    contentRoot: root,
    sourceLocale: undefined,
    sourcePattern: undefined,
    outputPattern: undefined,
    targetLocales: [],
    frontmatter: { translate: [...DEFAULT_FRONTMATTER_POLICY.translate], set: { ...DEFAULT_FRONTMATTER_POLICY.set } },
    glossary: undefined,
    provider: undefined,
    model: undefined,
    temperature: undefined,
    maxOutputTokens: undefined,
    timeoutMs: undefined,
    maxRetries: undefined,
    concurrency: undefined,
    requestsPerMinute: undefined,
    tokensPerMinute: undefined,
    budget: {},
    prices: {},
    mode: 'realtime',
    check: { headingDepth: 6, rules: {} },
    lockfile: join(root, DEFAULT_LOCKFILE),
    stateDir: join(root, DEFAULT_STATE_DIR),
    report: { json: undefined, markdown: undefined },
    judge: { enabled: false, model: undefined, requestTokens: DEFAULT_REQUEST_TOKENS },
  }
}

/** The site code for a code or a BCP 47 tag, or undefined when neither is known. */
function siteCode(value: string): string | undefined {
  if (findLocale(value)) return value
  const lower = value.toLowerCase()
  return LOCALES.find((locale) => locale.tag.toLowerCase() === lower)?.code
}

/** `judge: true`, `judge: { model: x }` (on unless `enabled: false`) or nothing (off). */
function normalizeJudge(written: WrittenConfig['judge']): Config['judge'] {
  if (written === undefined || typeof written === 'boolean') return { enabled: written === true, model: undefined, requestTokens: DEFAULT_REQUEST_TOKENS }
  return { enabled: written.enabled ?? true, model: written.model, requestTokens: written.requestTokens ?? DEFAULT_REQUEST_TOKENS }
}

function normalize(written: WrittenConfig, file: string, baseDir: string): Config {
  const base = resolve(baseDir)
  const root = resolve(base, written.contentRoot ?? '.')
  // README: relative paths are relative to the config file's folder; only the patterns,
  // which name content, are relative to the content root.
  const at = (value: string) => resolve(base, value)
  const inContent = (value: string) => resolve(root, value)
  const defaults = defaultConfig(base)
  const sourcePattern = written.sourcePattern === undefined ? undefined : inContent(written.sourcePattern)
  return {
    ...defaults,
    file,
    contentRoot: root,
    sourceLocale: written.sourceLocale === undefined ? undefined : siteCode(written.sourceLocale),
    sourcePattern,
    outputPattern: written.outputPattern === undefined ? sourcePattern : inContent(written.outputPattern),
    targetLocales: (written.targetLocales ?? []).map((code) => siteCode(code) ?? code),
    frontmatter: {
      translate: written.frontmatter?.translate ?? defaults.frontmatter.translate,
      set: written.frontmatter?.set ?? defaults.frontmatter.set,
    },
    glossary: written.glossary?.map(at),
    provider: written.provider,
    model: written.model,
    temperature: written.temperature,
    maxOutputTokens: written.maxOutputTokens,
    timeoutMs: written.timeoutMs,
    maxRetries: written.maxRetries,
    concurrency: written.concurrency,
    requestsPerMinute: written.requestsPerMinute,
    tokensPerMinute: written.tokensPerMinute,
    budget: { ...written.budget },
    prices: { ...written.prices },
    mode: written.mode ?? 'realtime',
    check: { headingDepth: written.check?.headingDepth ?? 6, rules: { ...written.check?.rules } },
    lockfile: at(written.lockfile ?? DEFAULT_LOCKFILE),
    judge: normalizeJudge(written.judge),
    report: {
      json: written.report?.json === undefined ? undefined : at(written.report.json),
      markdown: written.report?.markdown === undefined ? undefined : at(written.report.markdown),
    },
  }
}

// ── Problems ─────────────────────────────────────────────────────────────────

/** One problem of a config file. */
export interface ConfigProblem {
  file: string
  line: number
  column: number
  /** Where in the config, e.g. `targetLocales[2]`, `check.rules.text/length-ratio`. */
  path: string
  /** What follows the place, `<path>: expected …, got …`, rendered at the edge in the reader's language. */
  message: Message
}

/** `file:line:column: path: expected …, got …`, in `lng` (default: the UI language). */
export function formatConfigProblem(problem: ConfigProblem, lng?: UiLanguage): string {
  return formatMessage(problemLine(problem), lng)
}

function problemLine(problem: ConfigProblem): Message {
  return message('config:problem-at', { file: problem.file, line: problem.line, column: problem.column, problem: problem.message })
}

type Path = readonly PropertyKey[]

/** A problem before it has a place: `key` means point at the mapping key, not its value. */
interface Draft {
  path: Path
  expected: Message
  got: string | Message
  key?: boolean
}

/** `targetLocales[2]`, `prices["gpt-4.1"].input`; identifiers (rule ids included) stay bare. */
export function formatPath(path: Path, lng?: UiLanguage): string {
  const text = formatDataPath(path)
  return typeof text === 'string' ? text : formatMessage(message('config:root'), lng)
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[part]
  }
  return value
}

/** How a received value is shown: text quoted, lists and mappings by kind. */
function describe(value: unknown): string | Message {
  if (value === undefined || value === null) return message('config:got/nothing')
  if (Array.isArray(value)) return message('config:got/list')
  if (typeof value === 'object') return message('config:got/mapping')
  return JSON.stringify(value) ?? String(value)
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'number',
  int: 'integer',
  array: 'list',
  object: 'mapping',
  record: 'mapping',
  boolean: 'boolean',
}

function draftsOf(issue: z.core.$ZodIssue, data: unknown): Draft[] {
  const path = issue.path
  const got = describe(valueAt(data, path))
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        expected: message('config:expected/known-field', { known: knownFields(path).join(', ') }),
        got: JSON.stringify(key),
        key: true,
      }))
    case 'invalid_type': {
      const name = TYPE_NAMES[issue.expected]
      return [{ path, expected: message(name ? `config:expected/${name}` : 'config:expected/value'), got }]
    }
    case 'invalid_value':
      return [{ path, expected: message('config:expected/one-of', { values: issue.values.map(String).join(', ') }), got }]
    case 'too_small': {
      const min = Number(issue.minimum)
      if (issue.origin === 'string') return [{ path, expected: message('config:expected/non-empty'), got }]
      if (issue.origin === 'array') return [{ path, expected: message('config:expected/min-items', { count: min }), got }]
      return [{ path, expected: message(issue.inclusive ? 'config:expected/min' : 'config:expected/above', { min }), got }]
    }
    case 'too_big': {
      const max = Number(issue.maximum)
      return [{ path, expected: message(issue.inclusive ? 'config:expected/max' : 'config:expected/below', { max }), got }]
    }
    default:
      return [{ path, expected: message('config:expected/value'), got }]
  }
}

const KNOWN_CODES = LOCALES.map((locale) => locale.code).join(', ')

function placeholderDrafts(field: string, pattern: string, allowed: readonly string[]): Draft[] {
  const drafts: Draft[] = []
  const got = JSON.stringify(pattern)
  const used = [...pattern.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? '')
  for (const name of used) {
    if (!allowed.includes(name)) {
      const known = allowed.map((one) => `{${one}}`).join(' ')
      drafts.push({ path: [field], expected: message('config:expected/known-placeholders', { known }), got })
    }
  }
  for (const required of ['locale', 'slug']) {
    if (!used.includes(required)) {
      drafts.push({ path: [field], expected: message('config:expected/placeholder', { placeholder: `{${required}}` }), got })
    }
  }
  return drafts
}

/** Rule ids of the same group as `id` (`text/…` for `text/lenght-ratio`), else all 30-odd. */
function ruleIdsLike(id: string): string[] {
  const all = Object.keys(RULES)
  const group = id.includes('/') ? id.slice(0, id.indexOf('/') + 1) : undefined
  const same = group ? all.filter((rule) => rule.startsWith(group)) : []
  return same.length > 0 ? same : all
}

/**
 * Checks the schema cannot express. They look at the raw data and skip values of the
 * wrong type (the schema reports those), so every problem is found in one pass even
 * when other parts of the file are broken.
 */
function semanticDrafts(data: Record<string, unknown>): Draft[] {
  const drafts: Draft[] = []
  const locale = (path: Path, value: string) =>
    drafts.push({ path, expected: message('config:expected/locale', { known: KNOWN_CODES }), got: JSON.stringify(value) })

  const source = typeof data.sourceLocale === 'string' ? siteCode(data.sourceLocale) : undefined
  if (typeof data.sourceLocale === 'string' && !source) locale(['sourceLocale'], data.sourceLocale)

  if (Array.isArray(data.targetLocales)) {
    const seen = new Set<string>()
    data.targetLocales.forEach((value: unknown, index) => {
      if (typeof value !== 'string') return
      const code = siteCode(value)
      const got = JSON.stringify(value)
      if (!code) locale(['targetLocales', index], value)
      else if (code === source) drafts.push({ path: ['targetLocales', index], expected: message('config:expected/not-source', { source }), got })
      else if (seen.has(code)) drafts.push({ path: ['targetLocales', index], expected: message('config:expected/unique'), got })
      if (code) seen.add(code)
    })
  }

  if (typeof data.sourcePattern === 'string' && data.sourcePattern !== '') {
    drafts.push(...placeholderDrafts('sourcePattern', data.sourcePattern, SOURCE_PLACEHOLDERS))
    if (data.sourceLocale === undefined) {
      drafts.push({ path: ['sourceLocale'], expected: message('config:expected/source-locale'), got: describe(undefined) })
    }
  }
  if (typeof data.outputPattern === 'string' && data.outputPattern !== '') {
    drafts.push(...placeholderDrafts('outputPattern', data.outputPattern, OUTPUT_PLACEHOLDERS))
  }

  const rules = isRecord(data.check) ? data.check.rules : undefined
  if (isRecord(rules)) {
    for (const id of Object.keys(rules)) {
      if (!Object.hasOwn(RULES, id)) {
        drafts.push({
          path: ['check', 'rules', id],
          expected: message('config:expected/rule', { known: ruleIdsLike(id).join(', ') }),
          got: JSON.stringify(id),
          key: true,
        })
      }
    }
  }
  return drafts
}

function configError(file: string, problems: ConfigProblem[]): L10nError {
  const lines = problems.map(problemLine)
  // Every line carries its own place, so the error itself gets none (no doubled prefix).
  const detail = lines.length === 1 ? lines[0]! : message('config:problem-list', { count: lines.length, file, problems: lines })
  return new L10nError('E_CONFIG', { params: { detail, file, problems } })
}

// ── Parsing and loading ──────────────────────────────────────────────────────

/**
 * Parses and validates `l10n.config.yaml` text. `file` names it in messages; relative
 * paths are resolved against `baseDir` (default: `file`'s folder). Throws one `E_CONFIG`
 * listing every problem as `file:line:col: path: expected …, got …`, YAML syntax errors
 * included. Reads nothing from disk.
 */
export function parseConfig(text: string, file: string, baseDir: string = dirname(resolve(file))): Config {
  const yaml = parseYaml(text)
  const { document } = yaml
  const place = (offset: number) => ({ file, ...yaml.placeAt(offset) })
  if (yaml.syntaxErrors.length > 0) {
    // The data behind a syntax error is a guess; checking it would only add noise.
    throw configError(
      file,
      yaml.syntaxErrors.map((error) => ({ file, line: error.line, column: error.column, path: '', message: message('config:yaml', { detail: error.detail }) })),
    )
  }
  const data: unknown = document.toJS() ?? {}
  const result = writtenSchema.safeParse(data)
  const drafts = [...(result.success ? [] : result.error.issues.flatMap((issue) => draftsOf(issue, data)))]
  if (isRecord(data)) drafts.push(...semanticDrafts(data))
  if (drafts.length > 0) {
    const problems = drafts
      .map((draft) => ({ offset: yaml.offsetOf(draft.path, { key: draft.key === true }), draft }))
      .sort((a, b) => a.offset - b.offset)
      .map(({ offset, draft }): ConfigProblem => {
        const data = formatDataPath(draft.path)
        const path = typeof data === 'string' ? data : ''
        return { ...place(offset), path, message: message('config:problem', { path: typeof data === 'string' ? data : message('config:root'), expected: draft.expected, got: draft.got }) }
      })
    throw configError(file, problems)
  }
  return normalize(result.data as WrittenConfig, resolve(file), baseDir)
}

/**
 * Looks for `l10n.config.yaml` like git, eslint and prettier do: in `cwd`, then each
 * parent folder, stopping after the repository root (the first folder holding `.git`)
 * or at the file system's root. Returns the file found (if any) and the folders searched.
 */
export function findConfigFile(cwd: string = process.cwd()): { file: string | undefined; searched: string[] } {
  const searched: string[] = []
  let dir = resolve(cwd)
  for (;;) {
    searched.push(dir)
    const candidate = join(dir, CONFIG_FILE_NAME)
    if (existsSync(candidate)) return { file: candidate, searched }
    const parent = dirname(dir)
    if (existsSync(join(dir, '.git')) || parent === dir) return { file: undefined, searched }
    dir = parent
  }
}

/**
 * Reads the config: `path` (a file, or a folder holding `l10n.config.yaml`), else the
 * nearest `l10n.config.yaml` from `cwd` up to the repository root ({@link findConfigFile}).
 * Undefined when no path was given and there is no file; `E_NOT_FOUND` when the given
 * path does not exist.
 */
export async function loadConfig(path?: string, cwd: string = process.cwd()): Promise<Config | undefined> {
  let absolute = path === undefined ? findConfigFile(cwd).file : resolve(cwd, path)
  if (absolute === undefined) return undefined
  if (path !== undefined) {
    const info = await stat(absolute).catch(() => undefined)
    if (info?.isDirectory()) absolute = join(absolute, CONFIG_FILE_NAME)
  }
  const shown = relative(cwd, absolute)
  const file = shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : absolute
  const text = path === undefined ? await readTextFileIfExists(absolute) : await readTextFile(absolute)
  if (text === undefined) return undefined
  const config = parseConfig(text, file, dirname(absolute))
  return { ...config, file: absolute }
}

// ── Flags ────────────────────────────────────────────────────────────────────

/** Nested settings merged field by field rather than replaced whole. */
type NestedKey = 'budget' | 'check' | 'report'

/**
 * Command-line values, named like {@link Config} fields; `undefined` means "not given".
 * Nested settings take single fields (`{ budget: { maxCost: 2 } }` keeps `maxRequests`).
 */
export type ConfigFlags = { [K in Exclude<keyof Config, NestedKey | 'file'>]?: Config[K] | undefined } & {
  budget?: { [K in keyof Budget]?: Budget[K] | undefined }
  check?: { headingDepth?: number | undefined; rules?: RuleSettings | undefined }
  report?: { json?: string | undefined; markdown?: string | undefined }
}

function given<T extends object>(values: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>
}

/**
 * `config` with the given flags on top. Path flags are resolved against the current
 * folder (what a shell user means), not the content root. `check.rules` flags are added
 * to the configured rules. The result is not re-validated: the CLI checks its flags.
 */
export function mergeSettings(config: Config, flags: ConfigFlags): Config {
  const { budget, check, report, ...plain } = flags
  const top = given(plain)
  const path = (value: string | undefined) => (value === undefined ? undefined : resolve(value))
  const checkFlags = given(check)
  const reportFlags = given(report)
  return {
    ...config,
    ...top,
    ...(top.contentRoot !== undefined ? { contentRoot: resolve(top.contentRoot) } : {}),
    ...(top.sourcePattern !== undefined ? { sourcePattern: path(top.sourcePattern) } : {}),
    ...(top.outputPattern !== undefined ? { outputPattern: path(top.outputPattern) } : {}),
    ...(top.lockfile !== undefined ? { lockfile: resolve(top.lockfile) } : {}),
    ...(top.stateDir !== undefined ? { stateDir: resolve(top.stateDir) } : {}),
    ...(top.glossary !== undefined ? { glossary: top.glossary.map((file) => resolve(file)) } : {}),
    budget: { ...config.budget, ...given(budget) },
    check: {
      headingDepth: checkFlags.headingDepth ?? config.check.headingDepth,
      rules: { ...config.check.rules, ...checkFlags.rules },
    },
    report: {
      json: path(reportFlags.json) ?? config.report.json,
      markdown: path(reportFlags.markdown) ?? config.report.markdown,
    },
  }
}
