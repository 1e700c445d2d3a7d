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
const MOCKING = ['tests/diff.test.ts']
/** Files about V8's own collections: they run in workers with V8's default heap (see `WORKER_HEAP`). */
const DEFAULT_HEAP = ['tests/heap.test.ts']
/**
 * The workers' young generation: 64 MB semi-spaces instead of V8's 16 MB. The tests
 * allocate like a whole site's run in one process (parsing, checking and tokenizing many
 * articles, with vitest's own modules and the file's fixtures alive beside them), and with
 * the small young generation much of that survived into the old one and was collected
 * again there. check-mutations alone, alternated: 30.7 -> 23.9 and 28.1 -> 26.0 s of user
 * CPU; the full suite, alternated on a machine whose speed drifted: 124 / 152 / 166 s of user
 * CPU without, 101 / 124 / 150 / 149 s with (means 147 -> 131). Spawned
 * CLIs run with node's defaults, as users run them; heap.test, whose garbage must be
 * promoted to the old generation by young collections, keeps the defaults too.
 */
const WORKER_HEAP = ['--max-semi-space-size=64']

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
    // Rebuilds dist/ when a source is newer: the process tests run the built command.
    globalSetup: ['tests/helpers/fresh-build.ts'],
    // Cut-offs for hangs, not speed checks. Fake-server tests start HTTP servers and child
    // processes, and the 2-core machine is often shared: a test that takes 7 s alone took
    // over 30 s there. A test cut off while still running keeps talking to its file's fake
    // server and fails the next test too, so the cut-off is generous.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env: { L10N_LANG: 'en', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', NO_COLOR: '1', ...(scratch ? { TMPDIR: scratch } : {}) },
    projects: [
      { extends: true, test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: [...MOCKING, ...DEFAULT_HEAP], execArgv: WORKER_HEAP } },
      { extends: true, test: { name: 'isolated', include: MOCKING, isolate: true, execArgv: WORKER_HEAP } },
      { extends: true, test: { name: 'default-heap', include: DEFAULT_HEAP } },
    ],
  },
})
