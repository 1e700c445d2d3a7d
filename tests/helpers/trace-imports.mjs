/**
 * Runs the CLI's `main` as tsc compiled it (`dist/cli/main.js`: one JavaScript module per
 * source file, the same imports) in this process, and records every module it loads: each
 * URL the ESM loader resolves (through a resolve hook) and each file `require`d (the
 * tokenizer is `require`d lazily). Plain JavaScript, so the child starts as the command
 * does, without tsx compiling the sources first (about a second and a half of CPU per
 * child). Spawn it as `node tests/helpers/trace-imports.mjs OUT.json <l10n arguments…>`;
 * it writes `{ code, modules }` to OUT.json, the CLI's own output goes to stdout/stderr.
 */
import { register } from 'node:module'
import { createRequire } from 'node:module'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'

const [out, ...argv] = process.argv.slice(2)
if (!out) throw new Error('usage: trace-imports.mjs OUT.json <l10n arguments…>')
const log = `${out}.resolved`
writeFileSync(log, '')
// Hooks run off the main thread; appending synchronously to a file keeps every URL even when
// the command ends the process.
const hook = `
import { appendFileSync } from 'node:fs'
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n')
  return result
}`
register(`data:text/javascript,${encodeURIComponent(hook)}`)

const { main } = await import('../../dist/cli/main.js')
const code = await main(argv)
const resolved = readFileSync(log, 'utf8').split('\n').filter(Boolean)
const required = Object.keys(createRequire(import.meta.url).cache)
rmSync(log, { force: true })
writeFileSync(out, JSON.stringify({ code, modules: [...new Set([...resolved, ...required])] }))
process.exit(0)
