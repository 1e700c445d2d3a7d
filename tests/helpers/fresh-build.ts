/**
 * Vitest global setup: the tests about the process itself (exit status through `bin/`,
 * terminals, signals, the README's commands) start `bin/l10n.mjs`, which runs the built
 * `dist/`; cli-startup, runlock and robustness run tsc's modules in `dist/` in child
 * processes. A source edited since the last build would have them test yesterday's
 * command, so the run rebuilds `dist/` first when anything the build reads is newer than
 * its last output. A fresh `npm ci` has just built it: nothing to do. In watch mode this
 * happens once, at the start: after editing `pipeline/`, run `npm run build` (or restart).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../../', import.meta.url))

/** What `npm run build` reads: the sources, the build script and its configs. */
const BUILD_INPUTS = ['pipeline', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json']

/** The newest modification time among `path` and, for a folder, everything under it. */
function newestUnder(path: string): number {
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  let newest = stats.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestUnder(join(path, entry)))
  return newest
}

/** True when `root`'s `dist/bin/bin.js` (the build's last output) is missing or older than a build input. */
export function buildIsStale(root: string): boolean {
  const output = join(root, 'dist/bin/bin.js')
  if (!existsSync(output)) return true
  const builtAt = statSync(output).mtimeMs
  return BUILD_INPUTS.some((input) => existsSync(join(root, input)) && newestUnder(join(root, input)) > builtAt)
}

export default function freshBuild(): void {
  if (!buildIsStale(REPO)) return
  process.stderr.write('tests: dist/ is missing or older than pipeline/: running npm run build first\n')
  const build = spawnSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: 'inherit' })
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status}): the tests that start l10n as a process would run a stale dist/`)
}
