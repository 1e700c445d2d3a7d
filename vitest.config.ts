import { accessSync, constants, statfsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/**
 * The tests' scratch folders (every `mkdtemp` under `tmpdir()`) on a RAM file system when
 * the machine has one with room to spare and no TMPDIR is set: the pipeline flushes every
 * draft, lock record and lockfile to disk (`writeFileAtomic`), and on the disk-backed /tmp
 * those flushes were most of the suite's system time and its workers' idle waits (the
 * 4-shard test alone: 4.0 s of system CPU, 1.8 s on tmpfs). The same calls are made either
 * way; only their cost differs. Spawned CLIs get a clean environment and keep /tmp.
 */
function scratchFolder(): string | undefined {
  if (process.env.TMPDIR) return undefined
  try {
    accessSync('/dev/shm', constants.W_OK)
    const { bavail, bsize } = statfsSync('/dev/shm')
    return bavail * bsize >= 2 * 1024 ** 3 ? '/dev/shm' : undefined
  } catch {
    return undefined
  }
}
const scratch = scratchFolder()

/** Files that replace modules with vi.mock: each gets fresh modules (see `isolate`). */
const MOCKING = ['tests/diff.test.ts', 'tests/once-per-run.test.ts', 'tests/status-seal.test.ts', 'tests/streamed-plan.test.ts']

export default defineConfig({
  // The dependencies as the CLI runs them: esbuild bundles dist/bin/ without the
  // `development` export condition, which Vite adds when not in production mode. Under it,
  // micromark and mdast-util-from-markdown load their dev builds (assertions, debug
  // logging), which made every Markdown parse in a test about twice as slow as in the CLI.
  plugins: [
    {
      name: 'l10n:no-development-condition',
      configResolved(config) {
        const production = (conditions: readonly string[] = []) => conditions.filter((condition) => condition !== 'development' && condition !== 'development|production')
        const ssr = config.ssr.resolve as { conditions?: string[] } | undefined
        if (ssr) ssr.conditions = production(ssr.conditions)
        const environment = config.environments.ssr?.resolve as { conditions?: string[] } | undefined
        if (environment) environment.conditions = production(environment.conditions)
      },
    },
  ],
  test: {
    // Child processes, not threads: some tests change the working folder (process.chdir),
    // which worker threads cannot do.
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single worker on the 2-core CI
    // machine, leaving a core idle while the CLI tests (CPU-bound parsing and checking)
    // run one file after another. The main process does little once files are transformed.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Files share their worker's modules (no fresh module graph per file): importing the
    // pipeline again cost each of ~50 files about 0.6 s of CPU (20 small files: 25 s of
    // CPU with fresh modules, 13 s shared). What
    // module state there is stays correct across files: caches keyed by content or by
    // object, the UI language (reset for every file by tests/helpers/file-start.ts, as a
    // fresh process starts it) and the working folder (the same). Files that replace
    // modules with vi.mock run in fresh modules (the `isolated` project below), so no
    // other file sees their mocks. Every file also passes alone (`npx vitest run FILE`)
    // and in shuffled order (`--sequence.shuffle`).
    isolate: false,
    setupFiles: ['tests/helpers/file-start.ts'],
    // Cut-offs for hangs, not speed checks. Fake-server tests start HTTP servers and child
    // processes, and the 2-core machine is often shared: a test that takes 7 s alone took
    // over 30 s there. A test cut off while still running keeps talking to its file's fake
    // server and fails the next test too, so the cut-off is generous.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env: { L10N_LANG: 'en', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', NO_COLOR: '1', ...(scratch ? { TMPDIR: scratch } : {}) },
    projects: [
      { extends: true, test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: MOCKING } },
      { extends: true, test: { name: 'isolated', include: MOCKING, isolate: true } },
    ],
  },
})
