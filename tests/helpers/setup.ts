/**
 * The setup every CLI-level test file repeats: a fake OpenAI-compatible server for the
 * file, and a fresh copy of the example in a temporary folder for each test. Each call
 * registers its own hooks in the calling file, so every file starts and closes its own
 * server and no test sees another's files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { generateTree, treeConfig } from '../../scripts/generate-tree.ts'
import { captureMain, createWorkspace, type CliRun, type Workspace } from './cli.ts'
import { startFakeOpenAi, type FakeOpenAi, type FakeOpenAiOptions } from './fake-openai.ts'
import { SHORT_EXAMPLE } from './short-example.ts'

/** The file's fake server; `server` is valid inside tests and hooks. */
export interface FakeServerHandle {
  readonly server: FakeOpenAi
  /** Environment pointing the CLI at the server (`OPENAI_BASE_URL`), plus `extra`. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv
}

/**
 * Starts a fake server before the file's tests and closes it after them; before each
 * test it forgets the recorded requests and restores the handler given here.
 */
export function useFakeOpenAi(options: FakeOpenAiOptions = {}): FakeServerHandle {
  let server: FakeOpenAi | undefined
  beforeAll(async () => {
    server = await startFakeOpenAi(options)
  })
  afterAll(async () => {
    await server?.close()
    server = undefined
  })
  beforeEach(() => server?.reset())
  const current = () => {
    if (!server) throw new Error('the fake server runs only inside the tests of the file that started it')
    return server
  }
  return {
    get server() {
      return current()
    },
    env: (extra = {}) => ({ OPENAI_BASE_URL: current().baseURL, ...extra }),
  }
}

/** The current test's workspace; `ws` is valid inside tests and `beforeEach`/`afterEach` hooks registered after this call. */
export interface WorkspaceHandle {
  readonly ws: Workspace
}

/** A fresh workspace (see {@link createWorkspace}: of the example, or of `article`) for each test, removed after it. */
export function useWorkspace(article?: string): WorkspaceHandle {
  let ws: Workspace | undefined
  beforeEach(() => {
    ws = createWorkspace(article)
  })
  afterEach(() => {
    ws?.remove()
    ws = undefined
  })
  return {
    get ws() {
      if (!ws) throw new Error('the workspace exists only inside a test')
      return ws
    },
  }
}

/** The current test's small site; `root` is valid inside tests and hooks registered after this call. */
export interface ShortTreeHandle {
  readonly root: string
  /** Runs the CLI in process with the site's config (`--config` appended), in English. */
  l10n(...args: string[]): Promise<CliRun>
}

/**
 * A small site for each test, removed after it: 3 articles of 2 sections of the short
 * example, translated by the pseudo provider into en and de (the status, seal and memo tests).
 */
export function useShortTree(prefix: string): ShortTreeHandle {
  let root: string | undefined
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), prefix))
    generateTree(root, { articles: 3, sectionsPerArticle: 2, example: SHORT_EXAMPLE.tree })
    writeFileSync(join(root, 'l10n.config.yaml'), treeConfig(['en', 'de'], 'provider: pseudo'))
  })
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true })
    root = undefined
  })
  const current = () => {
    if (!root) throw new Error('the site exists only inside a test')
    return root
  }
  return {
    get root() {
      return current()
    },
    l10n: (...args) => captureMain([...args, '--config', join(current(), 'l10n.config.yaml')], { env: { L10N_LANG: 'en' } }),
  }
}
