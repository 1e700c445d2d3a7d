// Preloaded by the benchmark (`node --import ./scripts/rusage.mjs …`): when the process
// exits, writes its own resource usage (CPU, peak RSS) as JSON to $L10N_BENCH_RUSAGE.
// The kernel's numbers of the one process measured, whatever else runs on the machine.
// With $L10N_BENCH_MEMORY (a file path), also appends a line of `process.memoryUsage()`
// (MB: rss, heapTotal, heapUsed, external, arrayBuffers, and each V8 space's size/used) every second, to tell the
// live heap from GC headroom and native memory while a run goes on.
import { appendFileSync, writeFileSync } from 'node:fs'
import { getHeapSpaceStatistics } from 'node:v8'

const target = process.env.L10N_BENCH_RUSAGE
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage()
    writeFileSync(target, JSON.stringify({ userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000, maxRssKb: usage.maxRSS }))
  })
}

const samples = process.env.L10N_BENCH_MEMORY
if (samples) {
  const started = Date.now()
  const mb = (bytes) => Math.round(bytes / 1048576)
  // With --expose-gc and $L10N_BENCH_MEMORY_GC=1, a full collection before every tenth
  // sample: `heapUsed` of those lines is the live heap, not live plus garbage.
  let count = 0
  const sample = () => {
    if (process.env.L10N_BENCH_MEMORY_GC === '1' && typeof globalThis.gc === 'function' && count++ % 10 === 0) globalThis.gc()
    const memory = process.memoryUsage()
    // Each V8 space as size/used: which one holds the headroom.
    const spaces = Object.fromEntries(getHeapSpaceStatistics().filter((space) => space.space_size > 0).map((space) => [space.space_name.replace(/_space$/, ''), `${mb(space.space_size)}/${mb(space.space_used_size)}`]))
    const line = { s: Math.round((Date.now() - started) / 1000), rss: mb(memory.rss), heapTotal: mb(memory.heapTotal), heapUsed: mb(memory.heapUsed), external: mb(memory.external), arrayBuffers: mb(memory.arrayBuffers), maxRss: mb(process.resourceUsage().maxRSS * 1024), spaces }
    appendFileSync(samples, JSON.stringify(line) + '\n')
  }
  setInterval(sample, 1000).unref()
  process.on('exit', sample)
}
