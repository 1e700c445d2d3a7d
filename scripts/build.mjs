// `npm run build` (run by `prepare`, so by `npm ci`, `npm install` and `npm pack`):
//  1. tsc compiles pipeline/ to dist/ — one JavaScript module and one .d.ts per source file,
//     what the package's `exports` offer (tsconfig.build.json); the tokenizer's merge table
//     goes to dist/data/ as JSON (shared/tokens.ts);
//  2. the shipped glossary/music.yaml, parsed and validated, goes to dist/data/ as JSON with
//     the hash of the YAML it came from (used while the YAML is unchanged; glossary/compiled.ts);
//  3. esbuild bundles the CLI from dist/cli/bin.js into dist/bin/, one file per command plus
//     shared chunks (code splitting keeps each command's modules loaded only when it runs).
//     Loading ~360 separate modules was about a third of `l10n check`'s start-up; the bundle
//     is what bin/l10n.mjs runs. The tokenizer stays outside it: shared/tokens.ts `require`s
//     it from node_modules on the first token count.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })

const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
if (compiled.status !== 0) process.exit(compiled.status ?? 1)

// The shipped glossary, parsed and validated now instead of on every start (glossary/compiled.ts).
const { loadGlossaryFiles } = await import(pathToFileURL(join(dist, 'glossary/load.js')).href)
const { compileGlossary } = await import(pathToFileURL(join(dist, 'glossary/compiled.js')).href)
const { DEFAULT_GLOSSARY, COMPILED_DEFAULT_GLOSSARY } = await import(pathToFileURL(join(dist, 'cli/common.js')).href)
mkdirSync(dirname(COMPILED_DEFAULT_GLOSSARY), { recursive: true })
writeFileSync(COMPILED_DEFAULT_GLOSSARY, compileGlossary(await loadGlossaryFiles([DEFAULT_GLOSSARY]), readFileSync(DEFAULT_GLOSSARY, 'utf8')))

// The tokenizer's merge table as JSON with the version it came from (shared/tokens.ts):
// parsed as JSON, it costs the process far less native memory than the package's array literal.
{
  const ranks = require('gpt-tokenizer/bpeRanks/o200k_base').default
  const { version } = require('gpt-tokenizer/package.json')
  writeFileSync(join(dist, 'data', 'o200k_base.json'), JSON.stringify({ version, ranks }))
}

await build({
  entryPoints: [join(dist, 'cli/bin.js')],
  outdir: join(dist, 'bin'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (gray-matter, js-yaml) call require() for Node built-ins, which an
  // ES module bundle has no binding for; give them the real one.
  banner: { js: "import { createRequire as __l10nCreateRequire } from 'node:module'; const require = __l10nCreateRequire(import.meta.url);" },
  logLevel: 'warning',
})
