/**
 * The `l10n` command line: the language, the help text, and dispatch to the command's own
 * module. Commands are imported only when they run, so `help` and `check` start without
 * loading the LLM client, the queue or the translating run (see the README's benchmark).
 */
import pc from 'picocolors'
import { isL10nError } from '../shared/errors.ts'
import { detectUiLanguage, setUiLanguage, t } from '../shared/i18n.ts'
import { LOCALES } from '../article/locales.ts'
import { EXIT, usage, type CliIo } from './common.ts'

export { EXIT, DEFAULT_GLOSSARY, chooseProvider, type CliIo } from './common.ts'

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
  env: process.env,
})

/** A command: its arguments (after the command word) → exit code. */
type Command = (args: string[], io: CliIo) => Promise<number>

// Each entry imports its module on first use; none is loaded for `help`.
const COMMANDS: Record<string, () => Promise<Command>> = {
  translate: async () => (await import('./translate.ts')).commandTranslate,
  check: async () => (await import('./check.ts')).commandCheck,
  status: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.status,
  review: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.review,
  approve: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.approve,
  memory: async () => (await import('./review.ts')).WORKFLOW_COMMANDS.memory,
  sync: async () => (await import('./sync.ts')).SYNC_COMMANDS.sync,
  batch: async () => (await import('./batch.ts')).BATCH_COMMANDS.batch,
  glossary: async () => (await import('./glossary.ts')).commandGlossary,
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
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  try {
    if (!load) throw usage(t('cli:unknown-command', { command }))
    const run = await load()
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
