/**
 * `npm run bench`: speed, memory, scheduling and cost measurements, printed as a table.
 * Not tests: nothing here fails a build; the numbers are for people to compare with the
 * targets. No network: the LLM is the tests' fake OpenAI-compatible server.
 *
 *   BENCH_ARTICLES=1000       size of the generated tree for the local stages
 *   BENCH_SYNC_ARTICLES=200   size of the sync scenario (× 3 locales); 0 skips it
 *   BENCH_GLOSSARY_ENTRIES=5000, BENCH_EXTRACT_ARTICLES=250   the site-wide term base (section `glossary`)
 *   BENCH_SCALE_SIZES=100,400,1000, BENCH_SCALE_MAX   the site-scale table (section `scale`);
 *     also `--scale-sizes=100,400` and `--scale-max=400` on the command line
 *
 * Arguments pick sections (default: all): `npm run bench -- startup` measures only the
 * start-up of the compiled CLI, in a few seconds. Sections: see SECTIONS at the end.
 * `npm run bench` builds dist/ first, so the start-up and sync sections run current code.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { assemble } from '../pipeline/article/assemble.ts'
import { check } from '../pipeline/check/index.ts'
import { main } from '../pipeline/cli/main.ts'
import { loadGlossaryFiles, mergeGlossaries, parseGlossary } from '../pipeline/glossary/load.ts'
import { findTerms, verifyTerms } from '../pipeline/glossary/match.ts'
import { extractCandidates } from '../pipeline/glossary/extract.ts'
import { createOpenAiClient, resolveLlmOptions } from '../pipeline/translate/llm.ts'
import { requireLocale } from '../pipeline/article/locales.ts'
import { parse } from '../pipeline/article/parse.ts'
import { glossaryLines } from '../pipeline/translate/prompt.ts'
import { createScheduler } from '../pipeline/translate/queue.ts'
import { split } from '../pipeline/article/split.ts'
import { countTokens } from '../pipeline/shared/tokens.ts'
import { createPseudoTranslator } from '../pipeline/translate/translator.ts'
import { translateArticle } from '../pipeline/run/translate.ts'
import { startFakeOpenAi } from '../tests/helpers/fake-openai.ts'
import { referenceReply } from '../tests/helpers/reference-translator.ts'
import { generateTree, treeConfig } from './generate-tree.ts'

interface Row {
  measure: string
  value: string
  target: string
}
const rows: Row[] = []
const row = (measure: string, value: string, target = '') => {
  rows.push({ measure, value, target })
  process.stderr.write(`  ${measure}: ${value}\n`)
}

/** Peak resident memory of the process so far (the kernel's high-water mark). */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024)

const quiet = { stdout: () => {}, stderr: () => {}, isTty: false }
const glossary = await loadGlossaryFiles(['glossary/music.yaml'])
const en = requireLocale('en')
const cn = requireLocale('cn')

async function localStages(): Promise<void> {
  const count = Number(process.env.BENCH_ARTICLES ?? 1000)
  const root = mkdtempSync(join(tmpdir(), 'l10n-bench-'))
  try {
    const paths = generateTree(root, { articles: count })
    const rate = (ms: number) => `${Math.round((count / ms) * 1000)} articles/s (${(ms / count).toFixed(2)} ms each)`
    const translator = createPseudoTranslator(glossary)
    const time = { parse: 0, split: 0, assemble: 0, translate: 0, check: 0 }
    let identical = 0
    let errors = 0
    // One article at a time, as sync works: memory stays flat however big the tree.
    for (const path of paths) {
      const text = readFileSync(path, 'utf8')
      let started = performance.now()
      const article = parse(text, path)
      time.parse += performance.now() - started

      started = performance.now()
      const sections = split(article)
      time.split += performance.now() - started

      started = performance.now()
      const body = sections.flatMap((section) => section.chunks.map((chunk) => ({ start: chunk.start, end: chunk.end, text: chunk.source })))
      if (assemble(article, { body }) === text) identical++
      time.assemble += performance.now() - started

      started = performance.now()
      const translated = await translateArticle(article, cn, en, { translator, glossary }, new AbortController().signal)
      if (translated.status !== 'translated') throw translated.error
      const draft = translated.text
      time.translate += performance.now() - started

      started = performance.now()
      errors += check(article, parse(draft, 'draft.md'), { sourceLocale: 'cn', targetLocale: 'en', glossary }).filter((f) => f.severity === 'error').length
      time.check += performance.now() - started
    }
    row(`parse (${count} generated articles)`, rate(time.parse))
    row('split', rate(time.split))
    row('assemble (identity)', `${rate(time.assemble)}; ${identical}/${count} byte-identical`, `${count}/${count}`)
    row('translate (pseudo, offline; includes split, lint, frontmatter)', rate(time.translate))
    row('parse draft + check (with glossary)', `${rate(time.check)}; ${errors} errors`, '0 errors')
    row('peak RSS after local stages', `${peakRssMb()} MB`)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/**
 * `check` of the example pair in a warm process, after parsing (what `l10n check`, a
 * translation's answer check and `sync` meet). Some stages remember their last inputs
 * (glossary matching, name detection): checking the very same texts again hits those
 * memos, so the figure users meet is the first check of texts the process has not seen.
 * Each fresh round gets its own variant of the pair: the blank line after every heading
 * holds a different number of spaces, which changes every section's text (so no memo
 * hits) but not the parsed content, the work or the findings.
 */
function examplePairCheck(): void {
  const sourceText = readFileSync('examples/cn/soundtrack.md', 'utf8')
  const targetText = readFileSync('examples/en/soundtrack.md', 'utf8')
  const variant = (text: string, round: number) => text.replace(/^(#{1,2} .*)\n\n/gm, (_all, heading: string) => `${heading}\n${' '.repeat(round + 1)}\n`)
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)]!
  const rounds = 30
  // Warm-up: the process has compiled the glossary and JIT-compiled the check.
  for (let round = 0; round < 5; round++) check(parse(variant(sourceText, 1000 + round), 'cn.md'), parse(variant(targetText, 1000 + round), 'en.md'), { glossary })
  const fresh: number[] = []
  // CPU time beside the wall time: on a shared machine it is the steadier of the two.
  const cpu: number[] = []
  const cpuMs = () => {
    const usage = process.cpuUsage()
    return (usage.user + usage.system) / 1000
  }
  let findings = 0
  for (let round = 0; round < rounds; round++) {
    const source = parse(variant(sourceText, round), 'cn.md')
    const target = parse(variant(targetText, round), 'en.md')
    const started = performance.now()
    const cpuStarted = cpuMs()
    findings += check(source, target, { glossary }).length
    cpu.push(cpuMs() - cpuStarted)
    fresh.push(performance.now() - started)
  }
  row(
    `check example pair, first check of a newly parsed pair (median of ${rounds}, glossary on)`,
    `${median(fresh).toFixed(1)} ms (p90 ${p90(fresh).toFixed(1)} ms; CPU ${median(cpu).toFixed(1)} ms; ${findings} findings)`,
    '< 30 ms',
  )

  const source = parse(sourceText, 'cn.md')
  const target = parse(targetText, 'en.md')
  const again: number[] = []
  for (let round = 0; round < rounds; round++) {
    const started = performance.now()
    check(source, target, { glossary })
    again.push(performance.now() - started)
  }
  row(`check example pair, the same parsed pair again (median of ${rounds}; memos hit)`, `${median(again).toFixed(1)} ms (p90 ${p90(again).toFixed(1)} ms)`)

  const parsing: number[] = []
  for (let round = 0; round < 10; round++) {
    const started = performance.now()
    parse(variant(sourceText, 2000 + round), 'cn.md')
    parse(variant(targetText, 2000 + round), 'en.md')
    parsing.push(performance.now() - started)
  }
  row('parse both files of the example pair (median of 10)', `${median(parsing).toFixed(1)} ms`)
}

async function scheduling(): Promise<void> {
  const latencyMs = 50
  const concurrency = 8
  const intervalMs = 1000
  const perInterval = 40
  const requests = 120
  const server = await startFakeOpenAi({ latencyMs, handler: () => ({ content: 'ok', usage: { prompt_tokens: 10, completion_tokens: 2 } }) })
  try {
    const client = createOpenAiClient(resolveLlmOptions({ baseURL: server.baseURL }, {}))
    const scheduler = createScheduler({ concurrency, requestsPerInterval: perInterval, intervalMs })
    const started = performance.now()
    await Promise.all(
      Array.from({ length: requests }, () =>
        scheduler.schedule({
          estimatedTokens: 12,
          run: async (signal) => {
            const completion = await client.complete({ messages: [{ role: 'user', content: 'hi' }], signal })
            return { value: completion, usedTokens: 12 }
          },
        }),
      ),
    )
    const makespan = performance.now() - started
    // Lower bound under the scheduler's rule (translate/queue.ts): a request holds its
    // place in the window from its start until one interval after it *finished*, so the
    // k-th start of a window waits for the k-th request of the window before it to finish,
    // plus the interval. Each window after the first therefore begins at least an interval
    // and a latency after the one before it, and at most `concurrency` requests run at
    // once, each taking the latency. (A bound of (windows-1)·interval ignored the
    // latency in that hold: no scheduler following the rule could reach it.) The ratio to
    // the rate limit's own bound is printed too: the part above the rule's bound is what
    // the scheduler loses; the rest is what the rule costs.
    const windows = Math.ceil(requests / perInterval)
    const lastBatch = requests - (windows - 1) * perInterval
    const lastWindowMs = Math.ceil(lastBatch / concurrency) * latencyMs
    const bound = Math.max((windows - 1) * (intervalMs + latencyMs) + lastWindowMs, Math.ceil(requests / concurrency) * latencyMs)
    const limitBound = Math.max((windows - 1) * intervalMs + lastWindowMs, Math.ceil(requests / concurrency) * latencyMs)
    row(
      `scheduling ${requests} requests (latency ${latencyMs} ms, concurrency ${concurrency}, ${perInterval}/${intervalMs} ms)`,
      `makespan ${Math.round(makespan)} ms / bound ${bound} ms = ${(makespan / bound).toFixed(3)} (the rate limit's bound alone, ${limitBound} ms: ${(makespan / limitBound).toFixed(3)}); max in flight ${server.maxInFlight}`,
      '≤ 1.10',
    )
  } finally {
    await server.close()
  }
}

async function promptEconomy(): Promise<void> {
  const server = await startFakeOpenAi({ handler: referenceReply })
  const root = mkdtempSync(join(tmpdir(), 'l10n-bench-'))
  try {
    const env = { OPENAI_BASE_URL: server.baseURL }
    const source = join(root, 'examples/cn/soundtrack.md')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(root, 'examples/cn'), { recursive: true })
    writeFileSync(source, readFileSync('examples/cn/soundtrack.md'))
    await main(['translate', source, '--to', 'en', '--out-root', root, '--state-dir', join(root, '.l10n')], { ...quiet, env })
    const sourceChars = [...readFileSync(source, 'utf8')].length
    let promptTokens = 0
    let glossaryTokens = 0
    for (const request of server.requests) {
      for (const message of request.body?.messages ?? []) {
        const content = String(message.content)
        promptTokens += countTokens(content)
        const lines = content.split('\n').filter((line) => line.startsWith('- ') && line.includes(' → '))
        glossaryTokens += lines.length ? countTokens(lines.join('\n')) : 0
      }
    }
    const whole = countTokens(glossaryLines(glossary.entries, en))
    row('requests to translate the example (cn → en)', String(server.requests.length))
    row('prompt tokens sent per source character', (promptTokens / sourceChars).toFixed(2))
    row(
      'glossary tokens sent vs whole glossary',
      `${glossaryTokens} sent over ${server.requests.length} requests; whole glossary ${whole} tokens per request (${((glossaryTokens / (whole * server.requests.length)) * 100).toFixed(1)}%)`,
    )
  } finally {
    await server.close()
    rmSync(root, { recursive: true, force: true })
  }
}

async function reruns(): Promise<void> {
  const server = await startFakeOpenAi({ handler: referenceReply })
  const root = mkdtempSync(join(tmpdir(), 'l10n-bench-'))
  try {
    const articles = 50
    const paths = generateTree(root, { articles, sectionsPerArticle: 4 })
    writeFileSync(join(root, 'l10n.config.yaml'), treeConfig(['en']))
    const env = { OPENAI_BASE_URL: server.baseURL }
    const sync = () => main(['sync', '--config', join(root, 'l10n.config.yaml'), '--concurrency', '8'], { ...quiet, env })
    let started = performance.now()
    await sync()
    row(`sync ${articles} articles × 1 locale against the fake server`, `${server.requests.length} requests in ${Math.round(performance.now() - started)} ms`)
    server.reset()
    started = performance.now()
    await sync()
    row('re-run of the unchanged tree: requests', `${server.requests.length} (${Math.round(performance.now() - started)} ms)`, '0')
    const text = readFileSync(paths[7]!, 'utf8')
    writeFileSync(paths[7]!, text.replace('这是第八篇文章的内容。', '这是第八篇文章改过的内容。'))
    server.reset()
    await sync()
    row('one paragraph edited in one article: requests', String(server.requests.length), '1')
  } finally {
    await server.close()
    rmSync(root, { recursive: true, force: true })
  }
}

/**
 * The done-when scenario of the batch issue, at full size: a generated tree of
 * BENCH_SYNC_ARTICLES (200) articles × 3 locales against the fake server.
 */
async function syncScenario(): Promise<void> {
  const articles = Number(process.env.BENCH_SYNC_ARTICLES ?? 200)
  if (articles === 0) return
  const server = await startFakeOpenAi({ handler: referenceReply })
  const root = mkdtempSync(join(tmpdir(), 'l10n-bench-'))
  const fresh = mkdtempSync(join(tmpdir(), 'l10n-bench-'))
  try {
    const locales = ['en', 'de', 'fr']
    const config = (dir: string) => join(dir, 'l10n.config.yaml')
    for (const dir of [root, fresh]) {
      generateTree(dir, { articles, sectionsPerArticle: 3 })
      writeFileSync(config(dir), treeConfig(locales))
    }
    const env = { OPENAI_BASE_URL: server.baseURL }
    const sync = (dir: string, extra: string[] = []) => main(['sync', '--config', config(dir), '--concurrency', '16', ...extra], { ...quiet, env })
    const label = `${articles} articles × ${locales.length} locales`

    let started = performance.now()
    let code = await sync(root)
    const full = server.requests.length
    const report = JSON.parse(readFileSync(join(root, 'reports/l10n.json'), 'utf8'))
    row(`sync ${label}: full run`, `exit ${code}, ${report.run.totals.written} drafts, ${full} requests, ${Math.round(performance.now() - started)} ms`)
    server.reset()
    started = performance.now()
    code = await sync(root)
    row(`sync ${label}: second run`, `exit ${code}, ${server.requests.length} requests, ${Math.round(performance.now() - started)} ms`, '0 requests')

    // Killed halfway with SIGKILL, then restarted.
    server.reset()
    const { spawn } = await import('node:child_process')
    const child = spawn(process.execPath, ['bin/l10n.mjs', 'sync', '--config', config(fresh), '--concurrency', '16'], { env: { ...process.env, ...env }, stdio: 'ignore' })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    while (server.requests.length < full / 2) await new Promise((resolve) => setTimeout(resolve, 10))
    child.kill('SIGKILL')
    await exited
    const beforeKill = server.requests.length
    const { readdirSync } = await import('node:fs')
    const cached = readdirSync(join(fresh, '.l10n/cache'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json')).length
    server.reset()
    code = await sync(fresh)
    const after = server.requests.length
    const written = JSON.parse(readFileSync(join(fresh, 'reports/l10n.json'), 'utf8')).run.totals
    row(
      `sync ${label}: killed after ${beforeKill} requests, restarted`,
      `exit ${code}; restart made ${after} requests = ${full} − ${cached} cached (${after === full - cached ? 'no' : 'SOME'} repeated for finished sections); ${written.failed} failed`,
      'no loss, no repeats',
    )

    // A budget stops a run cleanly.
    const budgetDir = mkdtempSync(join(tmpdir(), 'l10n-bench-'))
    generateTree(budgetDir, { articles: Math.min(articles, 50), sectionsPerArticle: 3 })
    writeFileSync(config(budgetDir), treeConfig(locales))
    server.reset()
    code = await sync(budgetDir, ['--max-requests', '100'])
    const budgetReport = JSON.parse(readFileSync(join(budgetDir, 'reports/l10n.json'), 'utf8'))
    row('sync with --max-requests 100', `exit ${code}, ${server.requests.length} requests, budget reached: ${budgetReport.budget.reached}, ${budgetReport.run.totals.written} drafts kept`, 'exit 3, ≤ 100')
    rmSync(budgetDir, { recursive: true, force: true })
  } finally {
    await server.close()
    rmSync(root, { recursive: true, force: true })
    rmSync(fresh, { recursive: true, force: true })
  }
}

/**
 * CPU milliseconds (user + system) of this process's finished children so far, from
 * /proc/self/stat (Linux; clock ticks of 10 ms); undefined elsewhere.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return undefined
  }
}

/** Wall-clock and CPU milliseconds of one whole `node …args` process; it must exit 0 and print `expect`. */
function processMs(args: readonly string[], expect: string): { wall: number; cpu: number | undefined } {
  const cpuBefore = childrenCpuMs()
  const started = performance.now()
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', L10N_LANG: 'en' } })
  const wall = performance.now() - started
  const cpuAfter = childrenCpuMs()
  if (child.status !== 0 || !child.stdout.includes(expect)) {
    throw new Error(`node ${args.join(' ')} exited ${child.status} without "${expect}":\n${child.stdout}${child.stderr}`)
  }
  return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore }
}

/**
 * Start-up of the compiled CLI as a user meets it: whole processes of `l10n help` and
 * `l10n check` of the example pair through bin/l10n.mjs, against bare `node -e 0` on the
 * same machine at the same time. Runs are interleaved (node, help, check, node, …) so a
 * burst of load elsewhere hits all three alike; one warm-up round fills the file cache.
 * The targets are on wall time; CPU time (less disturbed by other load) is shown beside it.
 */
function startup(): void {
  const RUNS = 7
  const cases = {
    node: { args: ['-e', '0'], expect: '' },
    help: { args: ['bin/l10n.mjs', 'help'], expect: 'Usage: l10n' },
    check: { args: ['bin/l10n.mjs', 'check', 'examples/cn/soundtrack.md', 'examples/en/soundtrack.md'], expect: 'no problems found' },
  } as const
  const times: Record<keyof typeof cases, { wall: number[]; cpu: number[] }> = {
    node: { wall: [], cpu: [] },
    help: { wall: [], cpu: [] },
    check: { wall: [], cpu: [] },
  }
  for (let round = 0; round <= RUNS; round++) {
    for (const [name, { args, expect }] of Object.entries(cases) as [keyof typeof cases, (typeof cases)[keyof typeof cases]][]) {
      const { wall, cpu } = processMs(args, expect)
      if (round === 0) continue
      times[name].wall.push(wall)
      if (cpu !== undefined) times[name].cpu.push(cpu)
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const node = { wall: median(times.node.wall), cpu: times.node.cpu.length === RUNS ? median(times.node.cpu) : undefined }
  const cpuText = (cpu: number | undefined) => (cpu === undefined ? '' : `; CPU ${Math.round(cpu)} ms`)
  row(`startup: node -e 0 (median of ${RUNS} processes)`, `${Math.round(node.wall)} ms${cpuText(node.cpu)}`)
  for (const [name, target, label] of [
    ['help', 4, 'l10n help'],
    ['check', 8, 'l10n check examples/cn/soundtrack.md examples/en/soundtrack.md'],
  ] as const) {
    const wall = median(times[name].wall)
    const cpu = node.cpu && times[name].cpu.length === RUNS ? median(times[name].cpu) : undefined
    const cpuRatio = cpu === undefined || !node.cpu ? '' : ` (${(cpu / node.cpu).toFixed(1)}×)`
    row(`startup: ${label} (median of ${RUNS})`, `${Math.round(wall)} ms = ${(wall / node.wall).toFixed(1)}× node -e 0${cpuText(cpu)}${cpuRatio}`, `≤ ${target}×`)
  }
}

/** Sizes of the site-scale table: flags over the environment over 100, 400, 1000 articles. */
function scaleSizes(args: readonly string[]): number[] {
  const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)
  const sizes = (flag('scale-sizes') ?? process.env.BENCH_SCALE_SIZES ?? '100,400,1000')
    .split(',')
    .map((size) => Number(size.trim()))
    .filter((size) => Number.isInteger(size) && size > 0)
  const max = Number(flag('scale-max') ?? process.env.BENCH_SCALE_MAX ?? Number.POSITIVE_INFINITY)
  return sizes.filter((size) => size <= max)
}

/** One whole `node bin/l10n.mjs …` process: wall time, its own CPU and peak RSS (preloaded scripts/rusage.mjs). */
function l10nProcess(args: readonly string[], env: NodeJS.ProcessEnv, okCodes: readonly number[] = [0]): { wallMs: number; cpuMs: number; rssMb: number; stdout: string } {
  const usageFile = join(mkdtempSync(join(tmpdir(), 'l10n-bench-rusage-')), 'usage.json')
  const started = performance.now()
  const child = spawnSync(process.execPath, ['--import', './scripts/rusage.mjs', 'bin/l10n.mjs', ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env, NO_COLOR: '1', L10N_LANG: 'en', L10N_BENCH_RUSAGE: usageFile },
  })
  const wallMs = performance.now() - started
  if (child.status === null || !okCodes.includes(child.status)) {
    throw new Error(`l10n ${args.join(' ')} exited ${child.status ?? child.signal}:\n${child.stdout.slice(-2000)}${child.stderr.slice(-4000)}`)
  }
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userMs: number; systemMs: number; maxRssKb: number }
  rmSync(join(usageFile, '..'), { recursive: true, force: true })
  return { wallMs, cpuMs: usage.userMs + usage.systemMs, rssMb: usage.maxRssKb / 1024, stdout: child.stdout }
}

/** The fake server in a process of its own (scripts/fake-server.ts), so it never takes CPU from the process measured. */
async function fakeServerProcess(): Promise<{ baseURL: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/run-ts.mjs', 'scripts/fake-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const baseURL = await new Promise<string>((resolve, reject) => {
    let text = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8')
      const line = text.split('\n')[0]
      if (text.includes('\n') && line) resolve((JSON.parse(line) as { baseURL: string }).baseURL)
    })
    child.on('exit', (code) => reject(new Error(`fake server exited ${code}`)))
  })
  return {
    baseURL,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** Rows of the site-scale table, printed after the main table. */
const scaleRows: string[][] = []

/**
 * The site-scale table of issue 15, measured as users meet it: generated trees of
 * 100/400/1000 articles (3 sections each) × 3 locales; whole `l10n sync` processes
 * against the fake server in its own process (no latency, concurrency 16): the first
 * sync (wall, CPU per article, peak RSS), a no-op rerun, and `l10n status` of the tree
 * right after it, cold (the status memo removed) and warm (the memo the cold one kept).
 */
async function siteScale(): Promise<void> {
  const sizes = scaleSizes(process.argv.slice(2))
  if (sizes.length === 0) return
  const server = await fakeServerProcess()
  const locales = ['en', 'de', 'fr']
  const load = () => loadavg().map((value) => value.toFixed(1)).join(' ')
  try {
    for (const articles of sizes) {
      const root = mkdtempSync(join(tmpdir(), 'l10n-bench-scale-'))
      try {
        generateTree(root, { articles, sectionsPerArticle: 3 })
        const config = join(root, 'l10n.config.yaml')
        writeFileSync(config, treeConfig(locales))
        const env = { OPENAI_BASE_URL: server.baseURL }
        const loadBefore = load()
        const first = l10nProcess(['sync', '--config', config, '--concurrency', '16'], env)
        const report = JSON.parse(readFileSync(join(root, 'reports/l10n.json'), 'utf8')) as { run: { totals: { written: number; requests: number } } }
        const noop = l10nProcess(['sync', '--config', config, '--concurrency', '16'], env)
        // status three ways: right after the sync (which keeps status's memo too), cold
        // (no memo: every pair parsed, as in a fresh checkout), then warm (the memo the cold one kept).
        const statusArgs = ['status', join(root, 'src/content/knowledge-cn'), '--config', config]
        const afterSync = l10nProcess(statusArgs, env, [0, 1])
        rmSync(join(root, '.l10n/status'), { recursive: true, force: true })
        const cold = l10nProcess(statusArgs, env, [0, 1])
        const warm = l10nProcess(statusArgs, env, [0, 1])
        const label = `${articles} articles × ${locales.length} locales`
        const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
        const usage = (run: { wallMs: number; cpuMs: number; rssMb: number }) => `${seconds(run.wallMs)} wall, ${seconds(run.cpuMs)} CPU, peak RSS ${Math.round(run.rssMb)} MB`
        row(
          `scale ${label}: first sync`,
          `${seconds(first.wallMs)} wall, ${(first.cpuMs / 1000 / articles).toFixed(2)} s CPU per article, peak RSS ${Math.round(first.rssMb)} MB; ${report.run.totals.written} drafts, ${report.run.totals.requests} requests (load ${loadBefore})`,
          'CPU per article flat; RSS < 300 MB',
        )
        row(`scale ${label}: no-op sync`, usage(noop), '< 10 s')
        row(`scale ${label}: status after the sync`, usage(afterSync), '< 10 s')
        row(`scale ${label}: status cold (no memo)`, usage(cold), '')
        row(`scale ${label}: status warm (memo)`, usage(warm), '< 10 s')
        scaleRows.push([
          String(articles),
          seconds(first.wallMs),
          `${(first.cpuMs / 1000 / articles).toFixed(2)} s`,
          `${Math.round(first.rssMb)} MB`,
          seconds(noop.wallMs),
          seconds(afterSync.wallMs),
          seconds(cold.wallMs),
          seconds(warm.wallMs),
          load(),
        ])
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    }
  } finally {
    await server.stop()
  }
}

/** The sections, in the order a full run takes them; arguments pick some. */
/**
 * A site-wide term base: BENCH_GLOSSARY_ENTRIES (5000) generated entries plus the shipped
 * ones, matched in every section of the example (the trie: one pass per section, not a
 * loop over entries), then verified against the reference English; and extraction over
 * the generated tree.
 */
async function siteGlossary(): Promise<void> {
  const size = Number(process.env.BENCH_GLOSSARY_ENTRIES ?? 5000)
  const han = (n: number) => String.fromCodePoint(0x4e00 + ((n * 7919) % 20000))
  let yaml = 'sourceLocale: cn\nentries:\n'
  const seen = new Set<string>()
  for (let i = 0; seen.size < size; i++) {
    const source = `${han(i)}${han(i * 31 + 7)}${han(i * 17 + 3)}·${han(i * 13 + 5)}${han(i + 11)}`
    if (seen.has(source)) continue
    seen.add(source)
    yaml += `  - source: ${source}\n    kind: composer\n    targets: { en: Name${i}, de: Name${i} }\n`
  }
  const big = mergeGlossaries([parseGlossary(yaml, 'generated.yaml'), glossary])
  const source = parse(readFileSync('examples/cn/soundtrack.md', 'utf8'), 'cn.md')
  const target = parse(readFileSync('examples/en/soundtrack.md', 'utf8'), 'en.md')
  const sections = split(source)
  const targets = split(target)
  findTerms(sections[0]!.source, big) // builds the trie once
  const rounds = 20
  let started = performance.now()
  let found = 0
  for (let r = 0; r < rounds; r++) for (const section of sections) found += findTerms(section.source, big).length
  const perSection = (performance.now() - started) / (rounds * sections.length)
  row(`glossary match, ${big.entries.length} entries (findTerms per section)`, `${perSection.toFixed(2)} ms (${found / rounds} matches per article)`, '< 5 ms')
  started = performance.now()
  for (let r = 0; r < rounds; r++) sections.forEach((section, i) => verifyTerms(section.source, targets[i]!.source, big, 'en'))
  row(`glossary verify, ${big.entries.length} entries (verifyTerms per section)`, `${((performance.now() - started) / (rounds * sections.length)).toFixed(2)} ms`, '< 5 ms')
  started = performance.now()
  for (let r = 0; r < rounds; r++) sections.forEach((section, i) => verifyTerms(section.source, targets[i]!.source, big, 'de'))
  row('glossary verify with German inflection (per section)', `${((performance.now() - started) / (rounds * sections.length)).toFixed(2)} ms`, '< 5 ms')

  const count = Number(process.env.BENCH_EXTRACT_ARTICLES ?? 250)
  const root = mkdtempSync(join(tmpdir(), 'l10n-bench-extract-'))
  try {
    const paths = generateTree(root, { articles: count })
    started = performance.now()
    const articles = paths.map((path) => parse(readFileSync(path, 'utf8'), path))
    const parsed = performance.now() - started
    started = performance.now()
    const proposals = extractCandidates(articles, { glossary })
    const extracted = performance.now() - started
    row(`glossary extract, ${count} articles (read + parse, then extract)`, `${Math.round(parsed)} ms + ${Math.round(extracted)} ms (${proposals.length} candidates)`, 'a few seconds')
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

const SECTIONS: Record<string, () => void | Promise<void>> = {
  startup,
  local: localStages,
  'check-pair': examplePairCheck,
  scheduling,
  prompts: promptEconomy,
  reruns,
  sync: syncScenario,
  glossary: siteGlossary,
  scale: siteScale,
}
const picked = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))
const unknown = picked.filter((name) => !Object.hasOwn(SECTIONS, name))
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}\n`)
  process.exit(2)
}
process.stderr.write('l10n benchmark\n')
for (const [name, run] of Object.entries(SECTIONS)) {
  if (picked.length === 0 || picked.includes(name)) await run()
}

const width = (key: keyof Row) => Math.max(...rows.map((r) => r[key].length), key.length)
const line = (r: Row) => `| ${r.measure.padEnd(width('measure'))} | ${r.value.padEnd(width('value'))} | ${r.target.padEnd(width('target'))} |`
console.log(line({ measure: 'measure', value: 'value', target: 'target' }))
console.log(`|${'-'.repeat(width('measure') + 2)}|${'-'.repeat(width('value') + 2)}|${'-'.repeat(width('target') + 2)}|`)
for (const r of rows) console.log(line(r))
if (scaleRows.length > 0) {
  console.log('\nSite scale (3 locales, fake server in its own process, no latency):\n')
  console.log('| articles | first sync wall | CPU per article | peak RSS | no-op rerun | `status` after it | `status` cold | `status` warm | load after |')
  console.log('|---|---|---|---|---|---|---|---|---|')
  for (const cells of scaleRows) console.log(`| ${cells.join(' | ')} |`)
}
process.exit(0)
