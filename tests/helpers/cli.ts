/**
 * Runs the CLI in-process against a temporary working folder and captures what it says.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { main } from '../../pipeline/cli/main.ts'
import type { Clock } from '../../pipeline/shared/clock.ts'

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
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

/** Creates a workspace; `run` always passes `--out-root` and `--state-dir` inside it. */
export function createWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'l10n-test-'))
  cpSync('examples/cn/soundtrack.md', join(dir, 'examples/cn/soundtrack.md'))
  const run = async (args: string[], options: RunOptions = {}): Promise<CliRun> => {
    let stdout = ''
    let stderr = ''
    const placed = ['translate', 'status', 'review', 'approve']
    const scoped = placed.includes(args[0] ?? '')
      ? [...args, '--out-root', dir, '--state-dir', join(dir, '.l10n')]
      : args[0] === 'memory'
        ? [...args, '--state-dir', join(dir, '.l10n')]
        : args
    const code = await main(scoped, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      isTty: false,
      env: { L10N_LANG: 'en', ...options.env },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    })
    return { code, stdout, stderr }
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
