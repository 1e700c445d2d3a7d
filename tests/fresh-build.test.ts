/** The test run's own guard against a stale dist/ (tests/helpers/fresh-build.ts). */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildIsStale } from './helpers/fresh-build.ts'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** A repository with one source and a build output, each with the given modification time (seconds). */
function repo(sourceAt: number, builtAt: number | undefined): string {
  const root = mkdtempSync(join(tmpdir(), 'l10n-fresh-build-'))
  folders.push(root)
  mkdirSync(join(root, 'pipeline/check'), { recursive: true })
  writeFileSync(join(root, 'pipeline/check/rules.ts'), 'export {}\n')
  utimesSync(join(root, 'pipeline/check/rules.ts'), sourceAt, sourceAt)
  utimesSync(join(root, 'pipeline/check'), 1000, 1000)
  utimesSync(join(root, 'pipeline'), 1000, 1000)
  if (builtAt !== undefined) {
    mkdirSync(join(root, 'dist/bin'), { recursive: true })
    writeFileSync(join(root, 'dist/bin/bin.js'), '\n')
    utimesSync(join(root, 'dist/bin/bin.js'), builtAt, builtAt)
  }
  return root
}

describe('buildIsStale', () => {
  it('is false when the build is newer than every source', () => {
    expect(buildIsStale(repo(2000, 3000))).toBe(false)
  })

  it('is true when a source deep in pipeline/ was edited after the build', () => {
    expect(buildIsStale(repo(4000, 3000))).toBe(true)
  })

  it('is true when there is no build', () => {
    expect(buildIsStale(repo(2000, undefined))).toBe(true)
  })

  it('holds for this checkout after the global setup ran: the process tests run the current sources', () => {
    expect(buildIsStale(new URL('../', import.meta.url).pathname)).toBe(false)
  })
})
