// Prints "N passed, N failed" from vitest's JSON report (the last line CI reads).
// A failed type check counts as one more failure, so a red build can never print "0 failed".
import { existsSync, readFileSync } from 'node:fs'

const [file = '.vitest-results.json', typecheckFailed = '0'] = process.argv.slice(2)
if (!existsSync(file)) {
  console.log('vitest wrote no JSON report: the tests did not run')
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const report = JSON.parse(readFileSync(file, 'utf8'))
const passed = report.numPassedTests ?? 0
let failed = report.numFailedTests ?? 0
if (typecheckFailed !== '0') {
  console.log('type check failed (npx tsc --noEmit -p .)')
  failed += 1
}
// A suite that fails to load has no failed tests of its own; count it so the run is not green.
if (report.success === false && failed === 0) failed = Math.max(1, report.numFailedTestSuites ?? 0)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
