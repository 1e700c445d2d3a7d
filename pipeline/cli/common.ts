/**
 * What every `l10n` command shares: exit codes, the I/O seam for tests, argument
 * parsing helpers and the glossary/provider choices.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { join, relative } from 'node:path'
import { PACKAGE_ROOT } from '../shared/package-root.ts'
import { L10nError } from '../shared/errors.ts'
import { editDistance } from '../shared/edit-distance.ts'
import type { Glossary } from '../glossary/model.ts'
import { t } from '../shared/i18n.ts'
import type { ProviderName } from '../translate/translator.ts'
import type { Clock } from '../shared/clock.ts'
import type { Budget } from '../translate/cost.ts'

/**
 * Exit codes, documented in the README. `internal` (70, sysexits' EX_SOFTWARE) is a bug
 * in l10n, never a finding; `auth` (77, EX_NOPERM) is a key the server refused.
 */
export const EXIT = { ok: 0, findings: 1, usage: 2, budget: 3, interrupted: 4, internal: 70, auth: 77 } as const

/** The glossary shipped with the tool, used when no `--glossary` is given. */
export const DEFAULT_GLOSSARY = join(PACKAGE_ROOT, 'glossary', 'music.yaml')

/** {@link DEFAULT_GLOSSARY} as parsed by `npm run build` (see glossary/compiled.ts). */
export const COMPILED_DEFAULT_GLOSSARY = join(PACKAGE_ROOT, 'dist', 'data', 'music.glossary.json')

// Only the compiled code (dist/) reads the compiled glossary: the sources (tests, tsx) always
// parse the YAML, so a dist/ built from older code never answers for newer sources.
const RUNNING_COMPILED = !import.meta.url.endsWith('.ts')

/** Where the CLI writes: injectable for tests. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Whether stderr is a terminal (the live progress line goes there). */
  isTty: boolean
  /** Whether stdout is a terminal; colour is decided per stream. @default false */
  stdoutIsTty?: boolean
  env: NodeJS.ProcessEnv
  /** Aborted on Ctrl-C / SIGTERM by the bin; tests abort it themselves. */
  signal?: AbortSignal
  /** Time of the LLM client and its queue (timeouts, retry waits, rate windows); tests pass a hand-driven one. @default systemClock */
  clock?: Clock
  /** `--quiet`: errors and the final summary only; `--verbose`: more detail. @default 'normal' */
  verbosity?: 'quiet' | 'normal' | 'verbose'
  /** `--debug`: stack traces and request timing. */
  debug?: boolean
  /** `--no-color`. */
  noColor?: boolean
  /** The clock of timestamps (tests fix it). @default () => new Date() */
  now?: () => Date
}

/**
 * Whether to colour what goes to `stream`: never with `--no-color`; else `FORCE_COLOR`
 * (`0` or `false` off, anything else on); else never with `NO_COLOR`; else when that
 * stream is a terminal. Decided per stream, so `l10n check a b > f.txt` writes no escapes.
 */
export function colorFor(io: CliIo, stream: 'stdout' | 'stderr'): boolean {
  if (io.noColor) return false
  const force = io.env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false'
  if (io.env.NO_COLOR) return false
  return stream === 'stdout' ? Boolean(io.stdoutIsTty) : io.isTty
}

/** `2026-12-01T08:00:00Z ` before a line written to a stream that is not a terminal (logs). */
function stamp(io: CliIo, stream: 'stdout' | 'stderr'): string {
  const tty = stream === 'stdout' ? Boolean(io.stdoutIsTty) : io.isTty
  if (tty) return ''
  return `${(io.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z')} `
}

function stamped(io: CliIo, stream: 'stdout' | 'stderr', text: string): string {
  const prefix = stamp(io, stream)
  return prefix ? text.split('\n').map((line) => (line ? prefix + line : line)).join('\n') : text
}

/**
 * A progress or log line: on stdout, left out with `--quiet`, with a timestamp when
 * stdout is not a terminal.
 */
export function say(io: CliIo, text: string): void {
  if (io.verbosity === 'quiet') return
  io.stdout(stamped(io, 'stdout', text) + '\n')
}

/** A notice on stderr (which provider, warnings about settings): left out with `--quiet`. */
export function notice(io: CliIo, text: string): void {
  if (io.verbosity === 'quiet') return
  io.stderr(stamped(io, 'stderr', text) + '\n')
}

/** Detail shown only with `--verbose` (or `--debug`), on stderr. */
export function detail(io: CliIo, text: string): void {
  if (io.verbosity !== 'verbose' && !io.debug) return
  io.stderr(stamped(io, 'stderr', text) + '\n')
}

/** A `--debug` line (request timing), on stderr, stamped. */
export function debugLine(io: CliIo, text: string): void {
  if (!io.debug) return
  io.stderr(stamped(io, 'stderr', text) + '\n')
}

/** The final summary of a run: printed even with `--quiet`, on stdout. */
export function summary(io: CliIo, text: string): void {
  io.stdout(stamped(io, 'stdout', text) + '\n')
}

/** An error line about the run (a failed article, a refused approval): always, on stderr. */
export function problem(io: CliIo, text: string): void {
  io.stderr(stamped(io, 'stderr', text) + '\n')
}

/** What the run-level failures of a run's articles need: their error and exception. */
interface FailedPair {
  error?: { code: string; message: string } | undefined
  readonly exception?: unknown
}

/**
 * The exit code a refused key (77) or an internal error (70) gives a run, if any: they
 * come before every other outcome, so CI never reads them as findings.
 */
export function runFailureCode(articles: readonly FailedPair[]): number | undefined {
  if (articles.some((article) => article.error?.code === 'E_AUTH')) return EXIT.auth
  if (articles.some((article) => article.error?.code === 'E_INTERNAL')) return EXIT.internal
  return undefined
}

/**
 * Reports a run's refused key on stderr once (not once per pair) with how many pairs it
 * left undone, and with `--debug` the trace of every internal error.
 */
export function reportRunFailure(articles: readonly FailedPair[], io: CliIo): void {
  if (io.debug) for (const article of articles) if (article.error?.code === 'E_INTERNAL') io.stderr(traceOf(article.exception) + '\n')
  const refused = articles.filter((article) => article.error?.code === 'E_AUTH')
  if (refused.length > 0) problem(io, `l10n: ${refused[0]!.error!.message}\n${t('cli:auth-stopped', { count: refused.length })}`)
}

/** The stack of an exception (its cause's too), for `--debug`. */
export function traceOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as { cause?: unknown }).cause
  return (error.stack ?? `${error.name}: ${error.message}`) + (cause instanceof Error ? `\nCaused by: ${traceOf(cause)}` : '')
}

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

/** Flags taken out by `main` wherever they stand on the line; listed for did-you-mean. */
export const GLOBAL_FLAGS = ['--lang', '--quiet', '--verbose', '--debug', '--no-color', '--version', '--help'] as const

/** `--glossary F` (repeatable) and `--no-glossary`. */
export const GLOSSARY_OPTIONS = {
  glossary: { type: 'string', multiple: true },
  'no-glossary': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options']

/** `--max-cost USD`, `--max-requests N`, `--max-tokens N` (`sync`, `check --judge`). */
export const BUDGET_OPTIONS = {
  'max-cost': { type: 'string' },
  'max-requests': { type: 'string' },
  'max-tokens': { type: 'string' },
} as const satisfies ParseArgsConfig['options']

/** The config's budget with the budget flags on top. */
export function budgetWithFlags(values: { 'max-cost'?: string | undefined; 'max-requests'?: string | undefined; 'max-tokens'?: string | undefined }, configured: Budget): Budget {
  return {
    ...configured,
    ...(values['max-cost'] !== undefined ? { maxCost: budgetNumber(values['max-cost'], '--max-cost', false)! } : {}),
    ...(values['max-requests'] !== undefined ? { maxRequests: budgetNumber(values['max-requests'], '--max-requests', true)! } : {}),
    ...(values['max-tokens'] !== undefined ? { maxTokens: budgetNumber(values['max-tokens'], '--max-tokens', true)! } : {}),
  }
}

/** A budget flag's value (`--max-cost`, `--max-requests`, `--max-tokens`): a number above 0, whole with `integer`. */
export function budgetNumber(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  // Zero would stop every run before it starts: almost surely a typo, so refuse it.
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw usage(t(integer ? 'cli:bad-number' : 'sync:bad-amount', { flag, value }))
  }
  return number
}

/** A usage error (exit code 2) with the given text. */
export function usage(detail: string): L10nError {
  return new L10nError('E_USAGE', { params: { detail } })
}

/** The known word nearest to `word` (a typo or a unique prefix), or undefined when none is close. */
export function nearest(word: string, known: readonly string[]): string | undefined {
  const prefixed = known.filter((candidate) => candidate.startsWith(word))
  if (word.length >= 2 && prefixed.length === 1) return prefixed[0]
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(word, candidate)
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined
}

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * The arguments in the one form `parseArgs` takes without surprises: every string flag
 * as `--name=value` (so `--max-requests -1` reaches the number check instead of being
 * "ambiguous"). Problems are the tool's own usage errors: an unknown flag (with the
 * nearest known one), a value missing, a value given to a switch.
 */
function normalizeArgs(args: readonly string[], options: Options, command: string): string[] {
  const out: string[] = []
  const shorts = new Map(Object.entries(options).flatMap(([name, option]) => (option.short ? [[option.short, name] as const] : [])))
  const flags = Object.keys(options).map((name) => `--${name}`)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') {
      out.push(...args.slice(i))
      break
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      out.push(arg)
      continue
    }
    const long = arg.startsWith('--')
    const body = long ? arg.slice(2) : arg.slice(1)
    const equals = body.indexOf('=')
    const given = equals === -1 ? body : body.slice(0, equals)
    const name = long ? given : given.length === 1 ? shorts.get(given) : undefined
    const option = name === undefined ? undefined : options[name]
    if (name === undefined || option === undefined) {
      const flag = long ? `--${given}` : `-${given}`
      const suggestion = nearest(flag, [...flags, ...GLOBAL_FLAGS])
      throw usage(
        suggestion
          ? t('cli:unknown-flag-suggest', { flag, command, suggestion })
          : t('cli:unknown-flag', { flag, command }),
      )
    }
    const shown = `--${name}`
    if (option.type === 'boolean') {
      if (equals !== -1) throw usage(t('cli:flag-takes-no-value', { flag: shown }))
      out.push(shown)
      continue
    }
    if (equals !== -1) {
      out.push(`${shown}=${body.slice(equals + 1)}`)
      continue
    }
    const value = args[i + 1]
    // A following flag is not a value (`--to --force`); a negative number is one.
    if (value === undefined || (value.startsWith('-') && value !== '-' && !/^-\d/.test(value))) {
      throw usage(t('cli:flag-needs-value', { flag: shown }))
    }
    out.push(`${shown}=${value}`)
    i++
  }
  return out
}

/**
 * Parses a command's arguments strictly. An unknown flag, a missing value or a value
 * given to a switch is a localized usage error naming the flag (with the nearest known
 * one); Node's own parser text never reaches the user.
 */
export function parseCommandArgs<T extends Options>(
  args: string[],
  options: T,
  /** The command as the user typed it (`glossary extract`), for messages about its flags. */
  command: string,
  // Spelled out so the emitted declarations (dist/*.d.ts) can name it.
): ReturnType<typeof parseArgs<{ args: string[]; options: typeof COMMON_OPTIONS & T; allowPositionals: true; strict: true }>> {
  const all = { ...COMMON_OPTIONS, ...options }
  const normalized = normalizeArgs(args, all, command)
  try {
    return parseArgs({ args: normalized, options: all, allowPositionals: true, strict: true })
  } catch {
    // normalizeArgs has caught every case parseArgs knows; this is only a safety net.
    throw usage(t('cli:bad-arguments', { command }))
  }
}

/** Comma-separated and repeated flag values as one list (`--to en,de --to fr`). */
export function list(values: string[] | string | undefined): string[] {
  const all = Array.isArray(values) ? values : values === undefined ? [] : [values]
  return all.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean)
}

/** A flag that must be a positive whole number; undefined when not given. */
export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (value.trim() === '' || !Number.isInteger(number) || number <= 0) throw usage(t('cli:bad-number', { flag, value }))
  return number
}

/**
 * The glossary the flags ask for: none, the given files, else the config's files
 * (`configured`), else the shipped one (from its compiled copy when that still matches).
 */
export async function loadGlossary(
  values: { glossary?: string[] | undefined; 'no-glossary'?: boolean | undefined },
  configured?: readonly string[],
): Promise<Glossary | undefined> {
  if (values['no-glossary']) return undefined
  const files = list(values.glossary)
  const paths = files.length > 0 ? files : (configured ?? [DEFAULT_GLOSSARY])
  // Both loaders are imported here, not at the top: `help` and commands without a glossary
  // load neither zod nor YAML.
  if (RUNNING_COMPILED && paths.length === 1 && paths[0] === DEFAULT_GLOSSARY) {
    const { readCompiledGlossary } = await import('../glossary/compiled.ts')
    const compiled = await readCompiledGlossary(DEFAULT_GLOSSARY, COMPILED_DEFAULT_GLOSSARY)
    if (compiled) return compiled
  }
  const { loadGlossaryFiles } = await import('../glossary/load.ts')
  return loadGlossaryFiles(paths)
}

/** Picks the provider: the flag, else openai when an endpoint is configured, else pseudo. */
export function chooseProvider(flag: string | undefined, env: NodeJS.ProcessEnv): ProviderName {
  if (flag !== undefined) {
    if (flag === 'pseudo' || flag === 'identity' || flag === 'openai') return flag
    throw usage(t('cli:bad-provider', { value: flag }))
  }
  return env.OPENAI_API_KEY || env.OPENAI_BASE_URL ? 'openai' : 'pseudo'
}

/** A path as people want to read it: relative to the current folder when inside it. */
export function relativePath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel.startsWith('..') ? path : rel
}

