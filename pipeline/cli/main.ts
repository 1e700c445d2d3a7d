/**
 * The `l10n` command line: the flags every command takes, the help text, and dispatch to
 * the command's own module. Commands are imported only when they run, so `help` and
 * `--version` start without loading the LLM client, the queue or the translating run.
 */
import pc from 'picocolors'
import { internalError, isL10nError } from '../shared/errors.ts'
import { detectUiLanguage, setUiLanguage, t } from '../shared/i18n.ts'
import { LOCALES } from '../article/locales.ts'
import { EXIT, GLOBAL_FLAGS, colorFor, nearest, traceOf, usage, type CliIo } from './common.ts'

export { EXIT, DEFAULT_GLOSSARY, chooseProvider, type CliIo } from './common.ts'

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
  stdoutIsTty: Boolean(process.stdout.isTTY),
  env: process.env,
})

/** A command: its arguments (after the command word) → exit code. */
type Command = (args: string[], io: CliIo) => Promise<number>

// Each entry imports its module on first use; none is loaded for `help` or `--version`.
const COMMANDS: Record<string, () => Promise<Command>> = {
  translate: async () => (await import('./translate.ts')).commandTranslate,
  check: async () => (await import('./check.ts')).commandCheck,
  status: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.status!,
  review: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.review!,
  approve: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.approve!,
  memory: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.memory!,
  adopt: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.adopt!,
  sync: async () => (await import('./sync.ts')).SYNC_COMMANDS.sync!,
  batch: async () => (await import('./batch.ts')).BATCH_COMMANDS.batch!,
  report: async () => (await import('./report-command.ts')).REPORT_COMMANDS.report!,
  glossary: async () => (await import('./glossary.ts')).commandGlossary,
  init: async () => (await import('./init.ts')).commandInit,
  config: async () => (await import('./config-command.ts')).commandConfig,
}

/** The command words, for did-you-mean. */
export const COMMAND_NAMES = [...Object.keys(COMMANDS), 'help'] as const

/** The flags `main` takes out wherever they stand (before `--`), and what they set. */
interface GlobalFlags {
  lang: string | undefined
  langGiven: boolean
  quiet: boolean
  verbose: boolean
  debug: boolean
  noColor: boolean
  rest: string[]
}

function takeGlobalFlags(argv: readonly string[]): GlobalFlags {
  const flags: GlobalFlags = { lang: undefined, langGiven: false, quiet: false, verbose: false, debug: false, noColor: false, rest: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      flags.rest.push(...argv.slice(i))
      break
    }
    if (arg === '--lang' || arg.startsWith('--lang=')) {
      flags.langGiven = true
      flags.lang = arg.includes('=') ? arg.slice('--lang='.length) : argv[++i]
    } else if (arg === '--quiet' || arg === '-q') flags.quiet = true
    else if (arg === '--verbose') flags.verbose = true
    else if (arg === '--debug') flags.debug = true
    else if (arg === '--no-color') flags.noColor = true
    else flags.rest.push(arg)
  }
  return flags
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * Errors that stop the tool are printed as one line naming the file and place.
 */
export async function main(argv: string[], overrides: Partial<CliIo> = {}): Promise<number> {
  const flags = takeGlobalFlags(argv)
  const io: CliIo = {
    ...defaultIo(),
    ...overrides,
    verbosity: flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal',
    // `L10N_DEBUG=1` is `--debug` for runs whose command line is not at hand (CI, cron).
    debug: flags.debug || (overrides.env ?? process.env).L10N_DEBUG === '1',
    noColor: flags.noColor || Boolean(overrides.noColor),
  }
  setUiLanguage(detectUiLanguage(flags.lang, io.env))
  const red = pc.createColors(colorFor(io, 'stderr')).red
  const fail = (text: string) => io.stderr(`${red('l10n:')} ${text}\n`)
  if (flags.langGiven && !/^(en|zh(-cn|-hans)?)$/i.test(flags.lang ?? '')) {
    fail(t('cli:bad-lang', { value: flags.lang ?? '' }))
    return EXIT.usage
  }
  if (flags.quiet && flags.verbose) {
    fail(t('cli:quiet-and-verbose'))
    return EXIT.usage
  }
  const [command, ...rest] = flags.rest
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(t('cli:help', { locales: LOCALES.map((locale) => locale.code).join(', ') }) + '\n')
    return command ? EXIT.ok : EXIT.usage
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    const { version } = await import('./version.ts')
    io.stdout(`${version()}\n`)
    return EXIT.ok
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  try {
    if (!load && command.startsWith('-')) {
      // An option before any command: the only ones allowed there are the global ones.
      const suggestion = nearest(command, GLOBAL_FLAGS)
      throw usage(suggestion ? t('cli:unknown-flag-suggest', { flag: command, command: 'l10n', suggestion }) : t('cli:unknown-flag', { flag: command, command: 'l10n' }))
    }
    if (!load) {
      const suggestion = nearest(command, COMMAND_NAMES)
      throw usage(suggestion ? t('cli:unknown-command-suggest', { command, suggestion }) : t('cli:unknown-command', { command }))
    }
    const run = await load()
    return await run(rest, io)
  } catch (error) {
    if (isL10nError(error) && error.code !== 'E_INTERNAL') {
      fail(error.message)
      if (io.debug) io.stderr(traceOf(error) + '\n')
      if (error.code === 'E_INTERRUPTED') return EXIT.interrupted
      if (error.code === 'E_BUDGET') return EXIT.budget
      if (error.code === 'E_AUTH') return EXIT.auth
      return EXIT.usage
    }
    // Anything else is a bug: one line and its own exit code, so CI never reads a crash
    // as "findings with errors" (exit 1); the trace only with --debug.
    const internal = isL10nError(error) ? error : internalError(error)
    fail(internal.message)
    if (io.debug) io.stderr(traceOf(error) + '\n')
    return EXIT.internal
  }
}
