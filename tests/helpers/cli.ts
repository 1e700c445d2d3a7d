/**
 * Runs the CLI in-process against a temporary working folder and captures what it says,
 * or as a real process ({@link spawnCli}) the way a user's shell runs it.
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { main } from '../../pipeline/cli/main.ts'
import type { CliIo } from '../../pipeline/cli/common.ts'
import type { Clock } from '../../pipeline/shared/clock.ts'

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `main(args)` in this process with its output captured (stdout and stderr are not
 * a TTY); `io` sets the rest (the environment, a signal, a clock), as the test gives it.
 */
export async function captureMain(args: readonly string[], io: Partial<CliIo> & Pick<CliIo, 'env'>): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await main([...args], { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), isTty: false, ...io })
  return { code, stdout, stderr }
}

/** A scratch folder holding a copy of the example article under `examples/cn/`. */
export interface Workspace {
  dir: string
  source: string
  path: (...parts: string[]) => string
  /** Every file under the folder, relative, sorted (to prove nothing partial was left). */
  files: () => string[]
  run: (args: string[], options?: RunOptions) => Promise<CliRun>
  remove: () => void
}

/** What a test may pass to one CLI run besides its arguments. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  /** Time of the LLM client and queue (see tests/helpers/clock.ts). @default the real clock */
  clock?: Clock
}

function walk(dir: string, root: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name), root) : [relative(root, join(dir, entry.name))],
  )
}

/**
 * Creates a workspace; `run` always passes `--out-root` and `--state-dir` inside it. The
 * article at `examples/cn/soundtrack.md` in it is the example, or a copy of `article`
 * (e.g. the short example, tests/helpers/short-example.ts).
 */
export function createWorkspace(article = 'examples/cn/soundtrack.md'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'l10n-test-'))
  cpSync(article, join(dir, 'examples/cn/soundtrack.md'))
  const run = async (args: string[], options: RunOptions = {}): Promise<CliRun> => {
    const placed = ['translate', 'status', 'review', 'approve']
    const scoped = placed.includes(args[0] ?? '')
      ? [...args, '--out-root', dir, '--state-dir', join(dir, '.l10n')]
      : args[0] === 'memory'
        ? [...args, '--state-dir', join(dir, '.l10n')]
        : args
    return captureMain(scoped, {
      env: { L10N_LANG: 'en', ...options.env },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    })
  }
  return {
    dir,
    source: join(dir, 'examples/cn/soundtrack.md'),
    path: (...parts) => join(dir, ...parts),
    files: () => walk(dir, dir).sort(),
    run,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** The repository, whose `bin/` the spawned CLI runs from. */
const REPO = process.cwd()

/**
 * How a user's shell starts `l10n`: one place to change when the bin moves (e.g. to
 * compiled JS). The spawned process gets a real stdout and stderr.
 */
export const CLI_COMMAND: readonly string[] = [process.execPath, join(REPO, 'bin/l10n.mjs')]

/** Options of {@link spawnCli}. */
export interface SpawnOptions {
  cwd?: string
  /** Added to a clean environment (PATH, HOME, L10N_LANG=en); nothing of the test runner's leaks in. */
  env?: Record<string, string>
  /** Called with every chunk as it arrives, to observe ordering. */
  onStdout?: (chunk: string) => void
  onStderr?: (chunk: string) => void
}

/** A running CLI process and its result. */
export interface SpawnedCli {
  child: import('node:child_process').ChildProcess
  done: Promise<CliRun>
}

/** Starts `l10n args…` as a real process (pipes for stdout and stderr, so neither is a TTY). */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): SpawnedCli {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', L10N_LANG: 'en', ...options.env }
  const child = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), ...args], { cwd: options.cwd ?? REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    options.onStdout?.(chunk)
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    options.onStderr?.(chunk)
  })
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }))
  })
  return { child, done }
}

/**
 * Runs `l10n args…` in this process the way {@link runCli} runs it as a process: from
 * `cwd` (the test's process changes to it and back, so tests using this must not run
 * concurrently within a file: vitest's default), with the same clean environment, pipes
 * for stdout and stderr (not a TTY). Costs no process start and no second compile of the
 * CLI; for everything that is not about the process itself (exit status through the bin,
 * signals, a terminal, startup).
 */
export async function runMainIn(args: readonly string[], options: Pick<SpawnOptions, 'cwd' | 'env'> = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', L10N_LANG: 'en', ...options.env }
  const before = process.cwd()
  process.chdir(options.cwd ?? REPO)
  try {
    return await captureMain(args, { stdoutIsTty: false, env })
  } finally {
    process.chdir(before)
  }
}

/** Runs `l10n args…` as a real process to its end. */
export function runCli(args: readonly string[], options: SpawnOptions = {}): Promise<CliRun> {
  return spawnCli(args, options).done
}

/**
 * Runs a shell command line under a pseudo-terminal (`script`), so the streams the
 * command does not redirect are a TTY. Returns what the terminal showed.
 */
export function runInTerminal(commandLine: string, options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; screen: string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', L10N_LANG: 'en', TERM: 'xterm', ...options.env }
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', commandLine, '/dev/null'], { cwd: options.cwd ?? REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let screen = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => void (screen += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, screen }))
  })
}

/** The shell's quoting of one argument. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** `node …/bin/l10n.mjs` as a shell command line, for {@link runInTerminal}. */
export function cliCommandLine(args: readonly string[]): string {
  return [...CLI_COMMAND, ...args].map(shellQuote).join(' ')
}

/**
 * A scratch repository (with `.git`, so config lookup stops there) holding the example
 * article as `examples/cn/soundtrack.md`, or `article` (a path in this repository, e.g.
 * the short example of tests/helpers/short-example.ts) in its place.
 */
export function createRepo(article = 'examples/cn/soundtrack.md'): { dir: string; path: (...parts: string[]) => string; files: () => string[]; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'l10n-repo-'))
  mkdirSync(join(dir, '.git'))
  cpSync(join(REPO, article), join(dir, 'examples/cn/soundtrack.md'))
  return {
    dir,
    path: (...parts) => join(dir, ...parts),
    files: () => walk(dir, dir).filter((file) => !file.startsWith('.git')).sort(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
