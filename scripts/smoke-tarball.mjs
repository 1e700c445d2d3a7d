// The tarball smoke test CI runs after the unit tests: what a user of the packed package
// gets. `npm pack` (which builds dist/ through `prepare`), `npm install` of the tarball into
// an empty temporary folder, then the installed `l10n` through `npx --no`: `--help`, `help`
// and `check` of the example pair must exit 0 and say what they should, a wrong composer
// name must be caught, and the install must hold neither the tests nor tsx. Writes {passed, failed, checks} to the JSON file
// given as the first argument (read by ci-summary.mjs) and exits 1 when a check failed.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const resultsFile = resolve(process.argv[2] ?? '.smoke-results.json')
const work = mkdtempSync(join(tmpdir(), 'l10n-smoke-'))
const checks = []

/** Runs a command; its exit status and output (a spawn failure counts as status -1). */
function run(command, args, cwd, env = {}) {
  const child = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', L10N_LANG: 'en', ...env } })
  return { status: child.error ? -1 : child.status, stdout: child.stdout ?? '', stderr: (child.stderr ?? '') + (child.error ? String(child.error) : '') }
}

/** Records one check; `detail` says what was seen when it failed. */
function record(name, ok, detail = '') {
  checks.push({ name, ok, ...(ok ? {} : { detail }) })
  console.log(`smoke: ${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `\n${detail.trim().replace(/^/gm, '      ')}`}`)
}

/** Runs a command and records that it exits 0 and prints `expected` on stdout. */
function expectRun(name, command, args, cwd, expected) {
  const result = run(command, args, cwd)
  const ok = result.status === 0 && result.stdout.includes(expected)
  record(name, ok, `exit ${result.status}, expected "${expected}" on stdout\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  return ok
}

try {
  const packDir = join(work, 'pack')
  mkdirSync(packDir)
  const packed = run('npm', ['pack', '--pack-destination', packDir, '--json'], root)
  const tarball = readdirSync(packDir).find((name) => /^l10n-md-.*\.tgz$/.test(name))
  record('npm pack makes l10n-md-*.tgz', packed.status === 0 && tarball !== undefined, `exit ${packed.status}\n${packed.stderr}`)
  if (tarball) {
    const app = join(work, 'app')
    mkdirSync(app)
    const installed = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(packDir, tarball)], app)
    const installOk = installed.status === 0
    record('npm install of the tarball into an empty folder', installOk, `exit ${installed.status}\n${installed.stdout}\n${installed.stderr}`)
    if (installOk) {
      // The example pair beside the user's files, as a user would have them.
      for (const locale of ['cn', 'en']) {
        mkdirSync(join(app, 'examples', locale), { recursive: true })
        cpSync(join(root, `examples/${locale}/soundtrack.md`), join(app, `examples/${locale}/soundtrack.md`))
      }
      expectRun('npx --no l10n --help', 'npx', ['--no', '--', 'l10n', '--help'], app, 'Usage: l10n <command>')
      expectRun('npx --no l10n help', 'npx', ['--no', 'l10n', 'help'], app, 'Usage: l10n <command>')
      expectRun('npx --no l10n check examples/cn/soundtrack.md examples/en/soundtrack.md', 'npx', ['--no', 'l10n', 'check', 'examples/cn/soundtrack.md', 'examples/en/soundtrack.md'], app, 'no problems found')
      // The shipped glossary (read from its compiled copy) must still catch a wrong name.
      const wrong = readFileSync(join(app, 'examples/en/soundtrack.md'), 'utf8').replaceAll('John Williams', 'Jon Willams')
      writeFileSync(join(app, 'examples/en/wrong-name.md'), wrong)
      const caught = run('npx', ['--no', 'l10n', 'check', 'examples/cn/soundtrack.md', 'examples/en/wrong-name.md', '--format', 'json'], app)
      record(
        'npx --no l10n check of a translation with a wrong composer name exits 1 with glossary findings',
        caught.status === 1 && caught.stdout.includes('glossary/locked-form-missing'),
        `exit ${caught.status}\nstdout: ${caught.stdout.slice(0, 2000)}\nstderr: ${caught.stderr}`,
      )
      // The package's exports, as a program would use them.
      const program = [
        "import { main, EXIT } from 'l10n-md'",
        "import { check } from 'l10n-md/check'",
        "let out = ''",
        "const code = await main(['check', 'examples/cn/soundtrack.md', 'examples/en/soundtrack.md'], { stdout: (text) => (out += text) })",
        "console.log(typeof check === 'function' && code === EXIT.ok && out.includes('no problems found') ? 'exports ok' : `exports broken: ${code} ${out}`)",
      ].join('\n')
      expectRun("import { main } from 'l10n-md' and { check } from 'l10n-md/check'", process.execPath, ['--input-type=module', '-e', program], app, 'exports ok')
      const installedPackage = join(app, 'node_modules/l10n-md')
      const shipped = ['tests', 'pipeline', 'scripts', 'examples'].filter((name) => existsSync(join(installedPackage, name)))
      record('the installed package ships no tests, sources, scripts or examples', shipped.length === 0, `found: ${shipped.join(', ')}`)
      const devOnly = ['tsx', 'esbuild', 'typescript', 'vitest'].filter((name) => existsSync(join(app, 'node_modules', name)))
      record('installing it pulls in no dev tools (tsx, esbuild, typescript, vitest)', devOnly.length === 0, `installed: ${devOnly.join(', ')}`)
    }
  }
} catch (error) {
  record('the smoke test ran to the end', false, String(error?.stack ?? error))
} finally {
  rmSync(work, { recursive: true, force: true })
}

const passed = checks.filter((check) => check.ok).length
const failed = checks.length - passed
writeFileSync(resultsFile, JSON.stringify({ passed, failed, checks }, null, 2) + '\n')
console.log(`smoke: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
