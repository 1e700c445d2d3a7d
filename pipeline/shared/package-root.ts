/**
 * Where the tool's own files (`prompts/`, `locales/`, `glossary/`) live. Found by walking up
 * from this module to the nearest `package.json`, so it holds alike for the TypeScript
 * sources (`pipeline/shared/`) and the compiled `dist/` tree, and for an installed tarball.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findPackageRoot(start: string): string {
  let dir = start
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`l10n: no package.json above ${start}`)
    dir = parent
  }
}

/** Absolute path of the folder holding the tool's `package.json`. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)))
