#!/usr/bin/env node
// The `l10n` command. The pipeline is TypeScript, loaded through tsx so no build step can go stale.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../pipeline/cli.ts')
process.exitCode = await main(process.argv.slice(2))
