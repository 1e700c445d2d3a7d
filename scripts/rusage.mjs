// Preloaded by the benchmark (`node --import ./scripts/rusage.mjs …`): when the process
// exits, writes its own resource usage (CPU, peak RSS) as JSON to $L10N_BENCH_RUSAGE.
// The kernel's numbers of the one process measured, whatever else runs on the machine.
import { writeFileSync } from 'node:fs'

const target = process.env.L10N_BENCH_RUSAGE
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage()
    writeFileSync(target, JSON.stringify({ userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000, maxRssKb: usage.maxRSS }))
  })
}
