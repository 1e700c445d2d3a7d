/**
 * A content tree under review for the review-app tests: the short example
 * (tests/fixtures/short/, 4 sections) translated by the pseudo provider and approved, then
 * its source edited (one paragraph changed, one with a `<script>` added) and translated
 * again, so two sections wait for a reviewer.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { expect } from 'vitest'
import { loadGlossaryFiles } from '../../pipeline/glossary/load.ts'
import type { LockTranslation } from '../../pipeline/state/lockfile.ts'
import { readLockSync } from './lock.ts'
import { startReviewServer, type ReviewServer } from '../../pipeline/serve/server.ts'
import { DEFAULT_GLOSSARY } from '../../pipeline/cli/main.ts'
import { createWorkspace, type Workspace } from './cli.ts'
import { SHORT_EXAMPLE } from './short-example.ts'

/** The edited paragraph (in section {@link EDITED_SECTION}), and the script added to the first section. */
export const EDITED = '成为动画与跨文化配乐几十年的典型人物'
/** The section holding the edited paragraph (久石让). */
export const EDITED_SECTION = 1
export const SCRIPT = '<script>window.__pwned = 1</script>'
/** The section the script goes into: the first (the article has no text before its first heading). */
export const SCRIPT_SECTION = 0

export interface ReviewTree {
  ws: Workspace
  server: ReviewServer
  /** The source as the app lists it. */
  file: string
  lockEntry: () => LockTranslation
  output: () => string
  /**
   * Puts every file of the tree back as it was when the app started (removing files
   * written since), so each test starts from the same tree whatever ran before it.
   */
  reset: () => void
  close: () => Promise<void>
}

/** Builds the tree and starts the app on it. */
export async function startReviewTree(): Promise<ReviewTree> {
  const ws = createWorkspace(SHORT_EXAMPLE.source)
  const run = async (args: string[]) => {
    const result = await ws.run(args, { env: { L10N_REVIEWER: 'tester' } })
    expect(result.code, result.stderr).toBeLessThanOrEqual(1)
    return result
  }
  await run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])
  await run(['approve', ws.source, '--to', 'en', '--all', '--force'])
  const text = readFileSync(ws.source, 'utf8')
  expect(text).toContain('成为动画与跨文化配乐的典型人物')
  // The first section gets a paragraph with a script in it: the page must show it as text.
  const secondHeading = text.indexOf('\n## ', text.indexOf('\n## ') + 1)
  writeFileSync(
    ws.source,
    text.slice(0, secondHeading) + `\n\n注意：${SCRIPT} 不是音乐。` + text.slice(secondHeading).replace('成为动画与跨文化配乐的典型人物', EDITED),
  )
  await run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])
  const lockfile = ws.path('l10n.lock.yaml')
  const snapshot = new Map(ws.files().map((file) => [file, readFileSync(ws.path(file))]))
  const server = await startReviewServer({
    lockfile,
    stateDir: ws.path('.l10n'),
    outRoot: ws.dir,
    glossary: await loadGlossaryFiles([DEFAULT_GLOSSARY]),
    paths: [ws.path('examples')],
    targets: ['en'],
    sourceLocale: undefined,
    by: 'browser-tester',
  })
  return {
    ws,
    server,
    file: ws.source,
    lockEntry: () => readLockSync(lockfile).articles['examples/cn/soundtrack.md']!.en!,
    output: () => readFileSync(ws.path('examples/en/soundtrack.md'), 'utf8'),
    reset: () => {
      for (const file of ws.files()) if (!snapshot.has(file)) rmSync(ws.path(file))
      for (const [file, bytes] of snapshot) {
        let now: Buffer | undefined
        try {
          now = readFileSync(ws.path(file))
        } catch {
          now = undefined
        }
        if (!now?.equals(bytes)) writeFileSync(ws.path(file), bytes)
      }
    },
    close: async () => {
      await server.close()
      ws.remove()
    },
  }
}
