/**
 * The CLI loads only what the command it runs needs: `help` and `check` start without the
 * tokenizer (over a second to import), the OpenAI client, the queue or the translating
 * run. Each case runs the CLI as tsc compiled it (`dist/`, one module per source file,
 * rebuilt by the test run when a source is newer: tests/helpers/fresh-build.ts) in a child
 * process that records every module it loads (tests/helpers/trace-imports.mjs); the
 * translate and sync cases prove the recorder sees those modules when a command does need
 * them.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

const ROOT = resolve(import.meta.dirname, '..')
// The short example pair: what a command loads does not depend on the article's length.
const SOURCE = join(ROOT, SHORT_EXAMPLE.source)
const TARGET = join(ROOT, SHORT_EXAMPLE.reference)

/** Modules the cheap commands must not load, by what they are. */
const HEAVY: Record<string, RegExp> = {
  tokenizer: /\/node_modules\/gpt-tokenizer\//,
  'openai client': /\/node_modules\/openai\//,
  queue: /\/node_modules\/p-queue\//,
  'translating run': /\/dist\/run\/translate\.js$/,
  'llm client': /\/dist\/translate\/(llm|openai)\.js$/,
  'reviewer commands': /\/dist\/cli\/review\.js$/,
  'sync command': /\/dist\/cli\/sync\.js$/,
}

interface Trace {
  code: number
  stdout: string
  modules: string[]
}

let dir: string

/** Runs `l10n ...args` (dist/cli/main.js) in `dir`; its exit code, output and every module it loaded. */
function trace(name: string, ...args: string[]): Promise<Trace> {
  const out = join(dir, `trace-${name}.json`)
  const child = spawn(process.execPath, [join(ROOT, 'tests/helpers/trace-imports.mjs'), out, ...args], {
    cwd: dir,
    env: { ...process.env, L10N_LANG: 'en', NO_COLOR: '1' },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject)
    child.on('close', (status) => {
      if (status !== 0) return reject(new Error(`trace of l10n ${args.join(' ')} exited ${status}: ${stderr}`))
      const { code, modules } = JSON.parse(readFileSync(out, 'utf8')) as { code: number; modules: string[] }
      resolvePromise({ code, stdout, modules: modules.map((url) => url.replace(/^file:\/\//, '')) })
    })
  })
}

const runs: Record<'help' | 'check' | 'translate' | 'sync', Trace> = {} as never

// The four children run side by side: none depends on another.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'l10n-startup-'))
  mkdirSync(join(dir, 'examples/cn'), { recursive: true })
  // A small article: the sync estimate needs one, and its size does not matter here.
  writeFileSync(join(dir, 'examples/cn/short.md'), '---\ntitle: 配乐\nlocale: cn\n---\n\n## 约翰·威廉姆斯\n\n他为《星球大战》创作了配乐。\n')
  const [help, check, translate, sync] = await Promise.all([
    trace('help', 'help'),
    trace('check', 'check', SOURCE, TARGET),
    trace('translate', 'translate', '--help'),
    trace('sync', 'sync', 'examples/cn', '--dry-run', '--to', 'en'),
  ])
  Object.assign(runs, { help, check, translate, sync })
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The names of {@link HEAVY} whose modules were loaded. */
const heavyLoaded = (modules: string[], except: string[] = []) =>
  Object.entries(HEAVY)
    .filter(([name, pattern]) => !except.includes(name) && modules.some((module) => pattern.test(module)))
    .map(([name]) => name)

describe('what each command loads', () => {
  it('help loads no command module, no glossary, no Markdown parser', () => {
    const run = runs.help
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: l10n <command>')
    expect(heavyLoaded(run.modules)).toEqual([])
    const extra = run.modules.filter((module) => /\/dist\/cli\/(check|translate)\.js$|\/node_modules\/(yaml|unified|remark-parse|zod)\//.test(module))
    expect(extra).toEqual([])
  })

  it('check of the example pair loads neither the tokenizer nor the LLM client nor the queue', () => {
    const run = runs.check
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('no problems found')
    expect(run.modules.some((module) => module.endsWith('/dist/check/index.js'))).toBe(true)
    expect(heavyLoaded(run.modules)).toEqual([])
  })

  it('translate does load the LLM client and the queue (the recorder sees them)', () => {
    const run = runs.translate
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('l10n translate')
    expect(heavyLoaded(run.modules, ['tokenizer', 'reviewer commands', 'sync command'])).toEqual(['openai client', 'queue', 'translating run', 'llm client'])
  })

  it('sync --dry-run loads the tokenizer for its estimate (the recorder sees required modules)', () => {
    const run = runs.sync
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/estimate \d+ requests, \d+ tokens/)
    expect(heavyLoaded(run.modules)).toContain('tokenizer')
  })
})
