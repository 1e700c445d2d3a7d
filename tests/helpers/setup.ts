/**
 * The setup every CLI-level test file repeats: a fake OpenAI-compatible server for the
 * file, and a fresh copy of the example in a temporary folder for each test. Each call
 * registers its own hooks in the calling file, so every file starts and closes its own
 * server and no test sees another's files.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createWorkspace, type Workspace } from './cli.ts'
import { startFakeOpenAi, type FakeOpenAi, type FakeOpenAiOptions } from './fake-openai.ts'

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
