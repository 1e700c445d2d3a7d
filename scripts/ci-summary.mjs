// Prints "N passed, N failed" from vitest's JSON report (the last line CI reads).
// A failed type check counts as one more failure, so a red build can never print "0 failed".
// The tarball smoke test (scripts/smoke-tarball.mjs) adds its checks when its results file
// is given; a missing results file counts as one failure (the smoke test did not run).
import { existsSync, readFileSync } from 'node:fs'

const [file = '.vitest-results.json', typecheckFailed = '0', smokeFile] = process.argv.slice(2)
if (!existsSync(file)) {
  console.log('vitest wrote no JSON report: the tests did not run')
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const report = JSON.parse(readFileSync(file, 'utf8'))
let passed = report.numPassedTests ?? 0
let failed = report.numFailedTests ?? 0
if (typecheckFailed !== '0') {
  console.log('type check failed (npx tsc --noEmit -p .)')
  failed += 1
}
// A suite that fails to load has no failed tests of its own; count it so the run is not green.
if (report.success === false && failed === 0) failed = Math.max(1, report.numFailedTestSuites ?? 0)
if (smokeFile !== undefined) {
  const smoke = existsSync(smokeFile) ? JSON.parse(readFileSync(smokeFile, 'utf8')) : undefined
  if (!smoke || !Number.isInteger(smoke.passed) || !Number.isInteger(smoke.failed)) {
    console.log(`the tarball smoke test wrote no results (${smokeFile})`)
    failed += 1
  } else {
    if (smoke.failed > 0) console.log(`tarball smoke test: ${smoke.failed} of ${smoke.passed + smoke.failed} checks failed`)
    passed += smoke.passed
    failed += smoke.failed
  }
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
