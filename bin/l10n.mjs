#!/usr/bin/env node
// The `l10n` command. The pipeline is TypeScript, loaded through tsx so no build step can go stale.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../pipeline/cli/main.ts')

// First Ctrl-C / SIGTERM: start nothing new, abort what is in flight, write no partial
// file, and let the run print its summary. A second one exits at once.
const controller = new AbortController()
let signals = 0
for (const name of ['SIGINT', 'SIGTERM']) {
  process.on(name, () => {
    signals++
    if (signals > 1) process.exit(130)
    controller.abort(new Error(name))
  })
}
process.exitCode = await main(process.argv.slice(2), { signal: controller.signal })
// Sockets kept alive by an HTTP agent must not hold the process open after the work is done.
process.exit(process.exitCode)
