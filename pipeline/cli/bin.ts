/**
 * The `l10n` process: signals, `main`, the exit. `bin/l10n.mjs` runs the compiled copy
 * bundled into `dist/bin/`; the tests that spawn the CLI run that bundle or tsc's modules
 * of it (`dist/cli/bin.js`, `dist/cli/main.js`), and the test run rebuilds `dist/` first
 * when a source is newer (tests/helpers/fresh-build.ts).
 */
import { main } from './main.ts'
import { EXIT, traceOf } from './common.ts'
import { internalError } from '../shared/errors.ts'

// First Ctrl-C / SIGTERM: start nothing new, abort what is in flight, write no partial
// file, and let the run print its summary. A second one exits at once.
const controller = new AbortController()
let signals = 0
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    signals++
    if (signals > 1) process.exit(130)
    controller.abort(new Error(name))
  })
}
// Last resort: an exception no command caught (a stray promise, a throw in a callback) is
// a bug: one line and exit 70, never Node's exit 1 that CI reads as findings; the trace
// only with --debug or L10N_DEBUG=1.
for (const name of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(name, (error: unknown) => {
    process.stderr.write(`l10n: ${internalError(error).message}\n`)
    if (process.argv.includes('--debug') || process.env.L10N_DEBUG === '1') process.stderr.write(traceOf(error) + '\n')
    process.exit(EXIT.internal)
  })
}
process.exitCode = await main(process.argv.slice(2), { signal: controller.signal })
// Sockets kept alive by an HTTP agent must not hold the process open after the work is done.
process.exit(process.exitCode)
