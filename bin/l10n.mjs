#!/usr/bin/env node
// The `l10n` command: the compiled, bundled CLI in dist/bin/, which `npm ci` / `npm install`
// build through the `prepare` script (`npm run build` rebuilds it after editing pipeline/).
import { existsSync } from 'node:fs'

const entry = new URL('../dist/bin/bin.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('l10n: dist/ is missing: run `npm run build` (or `npm ci`) in the l10n-md folder first\n')
  process.exit(2)
}
await import(entry.href)
