/**
 * The README's shell blocks, run as written (through an `npx` that runs this checkout)
 * against the fake OpenAI server, so the README cannot drift from the tool. Every `sh`
 * block is either run here or skipped with a reason; a new block must choose.
 */
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_COMMAND, shellQuote } from './helpers/cli.ts'
import { startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai.ts'
import { referenceReply } from './helpers/reference-translator.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

/** One fenced `sh` block: its first line names it. */
interface Block {
  name: string
  line: number
  lines: string[]
}

function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = []
  const all = markdown.split('\n')
  for (let i = 0; i < all.length; i++) {
    if (all[i] !== '```sh') continue
    const start = i + 1
    let end = start
    while (all[end] !== '```') end++
    const lines = all.slice(start, end)
    // Named by its first command, without the comment after it.
    const first = lines.find((line) => line.trim() && !line.startsWith('#'))!
    blocks.push({ name: first.replace(/\s+#\s.*$/, '').trim(), line: start, lines })
    i = end
  }
  return blocks
}

/** Blocks not run, by their first command, and why. */
const SKIPPED: Record<string, string> = {
  'npm ci && npm start': 'installs the dependencies and runs the whole test suite (this test is part of it)',
  'npm ci': 'the development loop: install, the test suite itself, the type check, the benchmark and CI',
  'npx l10n glossary extract src/content/knowledge-cn':
    'step 2 asks a model for official titles, which the reference translator cannot answer; tests/glossary-loop.test.ts runs this loop against a scripted fake',
}
/** Lines inside run blocks that are not run: installing packages. */
const SKIPPED_LINES = [/^npm (install|ci)\b/]
/** What a comment line stands for, done by the test. */
const ACTIONS: Record<string, string> = {
  '# … the source changes …': `node -e "const f=require('fs');f.writeFileSync('article.md',f.readFileSync('article.md','utf8').replace('紧密相连。','密切相连。'))"`,
}

let server: FakeOpenAi
let shims: string
beforeAll(async () => {
  server = await startFakeOpenAi({ handler: referenceReply })
  shims = mkdtempSync(join(tmpdir(), 'l10n-shims-'))
  // npx as it behaves here: `--no` then the command; like the real one, a `--help` after
  // `npx --no l10n` without `--` is npx's own, so a README telling users that fails.
  writeFileSync(
    join(shims, 'npx'),
    [
      '#!/bin/sh',
      'no=0',
      '[ "$1" = "--no" ] && { no=1; shift; }',
      'dashdash=0',
      '[ "$1" = "--" ] && { dashdash=1; shift; }',
      '[ "$1" = "l10n" ] || { echo "npx shim: only l10n is installed here, got $1" >&2; exit 127; }',
      'shift',
      'if [ $no = 1 ] && [ $dashdash = 0 ]; then for a in "$@"; do [ "$a" = "--help" ] && { echo "npx: this would print npm\'s help, not l10n\'s" >&2; exit 1; }; done; fi',
      `exec ${CLI_COMMAND.map(shellQuote).join(' ')} "$@"`,
      '',
    ].join('\n'),
  )
  chmodSync(join(shims, 'npx'), 0o755)
})
afterAll(async () => {
  await server.close()
  rmSync(shims, { recursive: true, force: true })
})

/** The block as a script that stops at the first command whose exit code is not the one its comment says (0 by default). */
function script(block: Block): string {
  const out = ['set -u', '__expect() { if [ "$1" != "$2" ]; then echo "README line $3 exited $1, expected $2" >&2; exit 99; fi; }']
  block.lines.forEach((raw, offset) => {
    const line = raw.trim()
    if (!line) return
    if (line.startsWith('#')) {
      if (ACTIONS[line]) out.push(ACTIONS[line]!)
      return
    }
    if (SKIPPED_LINES.some((pattern) => pattern.test(line))) return
    const comment = / #\s(.*)$/.exec(line)?.[1] ?? ''
    const command = line
      .replace(/ #\s.*$/, '')
      .replace(/sk-\.\.\./g, 'sk-test')
      .replace(/http:\/\/localhost:\d+\/v1/g, server.baseURL)
    const expected = /exit (\d+)/.exec(comment)?.[1] ?? '0'
    out.push(command, `__expect $? ${expected} ${block.line + offset + 1}`)
    // The real OpenAI is out of reach here: the key goes with the fake endpoint.
    if (/^export OPENAI_API_KEY=/.test(command)) out.push(`export OPENAI_BASE_URL=${server.baseURL}`)
  })
  return out.join('\n') + '\n'
}

function runScript(text: string, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { PATH: `${shims}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', L10N_LANG: 'en', OPENAI_BASE_URL: server.baseURL }
    const child = spawn('bash', ['-c', text], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, output }))
  })
}

/**
 * A content repository as a new user has it: the example pair under `examples/`, the
 * site layout the install block checks (`src/content/knowledge-cn/a.md` and its
 * translation) and an `article.md`. The pairs are the short example (the same frontmatter
 * and whole blocks of the long one, with its reference English): what those blocks prove
 * is that the commands run as written. The long pair's check and memory import are tested
 * in check-cli and workflow, its translation in workflow's concurrent run; `article.md` is
 * {@link LOOP_ARTICLE}.
 */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'l10n-readme-'))
  mkdirSync(join(dir, '.git'))
  for (const [locale, from] of [['cn', SHORT_EXAMPLE.source], ['en', SHORT_EXAMPLE.reference]] as const) {
    mkdirSync(join(dir, `examples/${locale}`), { recursive: true })
    writeFileSync(join(dir, `examples/${locale}/soundtrack.md`), readFileSync(from))
    mkdirSync(join(dir, `src/content/knowledge-${locale}`), { recursive: true })
    writeFileSync(join(dir, `src/content/knowledge-${locale}/a.md`), readFileSync(from))
  }
  writeFileSync(join(dir, 'article.md'), LOOP_ARTICLE)
  return dir
}

/**
 * The loop block's article: five sections, the block changing and approving the last
 * (section 4). The short example (without its generator leftovers, which sit at its end)
 * and, as section 4, the heading and first paragraph of the long example's section 5, whose
 * English the reference translator knows: each of the block's seven commands parses and
 * checks a quarter of what the long example up to its section 4 cost, and that was about
 * 0.6 s of CPU per command.
 */
const LOOP_ARTICLE = (() => {
  const long = readFileSync('examples/cn/soundtrack.md', 'utf8')
  const headings = [...long.matchAll(/^## /gm)].map((match) => match.index)
  const [heading, , paragraph] = long.slice(headings[5], headings[6]).split('\n')
  if (!heading?.startsWith('## ') || paragraph?.split('紧密相连。').length !== 2) throw new Error('the long example changed: pick another section for the README loop')
  return `${readFileSync(SHORT_EXAMPLE.tree, 'utf8').replace(/\n+$/, '')}\n\n${heading}\n\n${paragraph}\n`
})()

const blocks = shellBlocks(readFileSync('README.md', 'utf8'))

describe('README command blocks', () => {
  it('every sh block is run or skipped with a reason', () => {
    expect(blocks.length).toBeGreaterThan(5)
    const run = blocks.filter((block) => !SKIPPED[block.name])
    expect(run.length).toBeGreaterThanOrEqual(blocks.length - Object.keys(SKIPPED).length)
    for (const name of Object.keys(SKIPPED)) expect(blocks.map((block) => block.name), name).toContain(name)
  })

  it.each(blocks.filter((block) => !SKIPPED[block.name]).map((block) => [`line ${block.line}: ${block.name}`, block] as const))(
    'runs %s',
    async (_, block) => {
      const dir = workspace()
      try {
        const result = await runScript(script(block), dir)
        expect(result.code, result.output).toBe(0)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    180_000,
  )
})
