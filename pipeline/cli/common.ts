/**
 * What every `l10n` command shares: exit codes, the I/O seam for tests, argument
 * parsing helpers and the glossary/provider choices.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { join, relative } from 'node:path'
import { PACKAGE_ROOT } from '../shared/package-root.ts'
import { L10nError } from '../shared/errors.ts'
import type { Glossary } from '../glossary/model.ts'
import { t } from '../shared/i18n.ts'
import type { ProviderName } from '../translate/translator.ts'
import type { Clock } from '../shared/clock.ts'

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, findings: 1, usage: 2, budget: 3, interrupted: 4 } as const

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
  isTty: boolean
  env: NodeJS.ProcessEnv
  /** Aborted on Ctrl-C / SIGTERM by the bin; tests abort it themselves. */
  signal?: AbortSignal
  /** Time of the LLM client and its queue (timeouts, retry waits, rate windows); tests pass a hand-driven one. @default systemClock */
  clock?: Clock
}

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

/** `--glossary F` (repeatable) and `--no-glossary`. */
export const GLOSSARY_OPTIONS = {
  glossary: { type: 'string', multiple: true },
  'no-glossary': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options']

/** A usage error (exit code 2) with the given text. */
export function usage(detail: string): L10nError {
  return new L10nError('E_USAGE', { params: { detail } })
}

/** Parses a command's arguments strictly; an unknown flag is a usage error. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  // Spelled out so the emitted declarations (dist/*.d.ts) can name it.
): ReturnType<typeof parseArgs<{ args: string[]; options: typeof COMMON_OPTIONS & T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true })
  } catch (error) {
    throw usage((error as Error).message)
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
  if (!Number.isInteger(number) || number <= 0) throw usage(t('cli:bad-number', { flag, value }))
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

