/**
 * The command line a localizer expects (issue 11), tested as a user meets it: real
 * files, the fake OpenAI server for the LLM, and real processes for what only a process
 * shows (exit status through the bin, a terminal, a signal, what reaches a pipe first).
 * Everything else runs the same `main` in this process (`l10n`, {@link runMainIn}), from
 * the scratch repository and with the environment a spawned CLI gets; one real-process
 * run per concern stays beside it. The article is the short example (the long one only
 * made each run slower).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../pipeline/run/config.ts'
import { acquireLock } from '../pipeline/state/run-lock.ts'
import { generateTree, treeConfig } from '../scripts/generate-tree.ts'
import { cliCommandLine, createRepo, runCli, runInTerminal, runMainIn, spawnCli } from './helpers/cli.ts'
import { startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai.ts'
import { isFrontmatterRequest, referenceAnswer, referenceReply } from './helpers/reference-translator.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

const TIMEOUT = 120_000
/** Node's own parser text, which must never reach the user. */
const RAW_NODE = /ERR_PARSE_ARGS|positional argument|is ambiguous|To specify an option argument/
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /
const ESC = '\x1b['

let server: FakeOpenAi
let repo: ReturnType<typeof createRepo>
beforeAll(async () => {
  server = await startFakeOpenAi({ handler: referenceReply })
})
afterAll(async () => server.close())
beforeEach(() => {
  server.reset()
  repo = createRepo(SHORT_EXAMPLE.source)
})
afterEach(() => repo.remove())

const llm = () => ({ OPENAI_BASE_URL: server.baseURL })
const article = 'examples/cn/soundtrack.md'
const placed = ['--out-root', '.', '--out-pattern', 'out/{locale}/{slug}.md']
/** `l10n args…` in this process, from the scratch repository. */
const l10n = (args: string[], env: Record<string, string> = {}) => runMainIn(args, { cwd: repo.dir, env })
/** `l10n args…` as a real process, from the scratch repository. */
const l10nProcess = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: repo.dir, env })
const lines = (text: string) => text.split('\n').filter(Boolean)

/** A tree of generated articles with a config (sources under src/content/knowledge-cn). */
function tree(articles: number, locales: string[], extra = ''): void {
  generateTree(repo.dir, { articles, sectionsPerArticle: 3, example: SHORT_EXAMPLE.tree })
  writeFileSync(repo.path('l10n.config.yaml'), treeConfig(locales, extra))
}

describe('conventions', () => {
  it('--version prints the package name and version', async () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string }
    for (const run of [await l10nProcess(['--version']), await l10n(['-V'])]) {
      expect(run.code).toBe(0)
      expect(run.stdout).toBe(`${manifest.name} ${manifest.version}\n`)
    }
  }, TIMEOUT)

  it("argument errors are the tool's own, localized, and suggest the nearest command or flag", async () => {
    const cases: Array<[string[], RegExp]> = [
      [['transalte', article], /unknown command "transalte"; did you mean translate\?/],
      [['translate', article, '--frobnicate'], /unknown option --frobnicate for translate; run l10n translate --help/],
      [['translate', article, '--forse'], /unknown option --forse for translate; did you mean --force\?/],
      [['sync', '--max-requests', '-1', '--to', 'en', 'examples'], /--max-requests needs a whole number above 0, got "-1"/],
      [['translate', article, '--to'], /--to needs a value/],
      [['translate', article, '--force=yes', '--to', 'en'], /--force is a switch and takes no value/],
      [['--frobnicate'], /unknown option --frobnicate/],
      [['status', article, '--to', 'en', '--quite'], /did you mean --quiet\?/],
      // Subcommands are named as typed, so the advice can be followed.
      [['glossary', 'extract', 'examples', '--frobnicate'], /unknown option --frobnicate for glossary extract; run l10n glossary extract --help/],
      [['batch', 'status', '--frobnicate'], /unknown option --frobnicate for batch status; run l10n batch status --help/],
    ]
    for (const [args, message] of cases) {
      const run = await l10n(args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr, args.join(' ')).toMatch(message)
      expect(run.stderr).not.toMatch(RAW_NODE)
      expect(lines(run.stderr)).toHaveLength(1)
    }
    // As a process: the exit status and the one line come through the bin.
    const spawned = await l10nProcess(['transalte', article])
    expect(spawned.code).toBe(2)
    expect(lines(spawned.stderr)).toHaveLength(1)
    expect(spawned.stderr).toMatch(/^l10n: unknown command "transalte"; did you mean translate\?/)
    const chinese = await l10n(['--lang', 'zh-CN', 'translate', article, '--frobnicate'])
    expect(chinese.code).toBe(2)
    expect(chinese.stderr).toContain('translate 没有选项 --frobnicate')
    const typo = await l10n(['--lang', 'zh-CN', 'transalte'])
    expect(typo.stderr).toContain('你是不是想用 translate')
    // The advice is true: `l10n help` prints the list.
    expect((await l10n(['help'])).stdout).toMatch(/^Usage: l10n <command>/)
  }, TIMEOUT)

  it('decides colour per stream: a redirected stdout gets no escape codes; --no-color, NO_COLOR and FORCE_COLOR are obeyed', async () => {
    const target = repo.path('bad.md')
    writeFileSync(target, readFileSync(SHORT_EXAMPLE.reference, 'utf8').replace('**John Williams**', '**Johnny Williams**'))
    const check = (extra: string[], redirect: string) => `${cliCommandLine(['check', 'examples/cn/soundtrack.md', 'bad.md', ...extra])} > ${redirect}`
    // stderr is the terminal, stdout a file: the file is plain.
    await runInTerminal(check([], 'plain.txt'), { cwd: repo.dir })
    const plain = readFileSync(repo.path('plain.txt'), 'utf8')
    expect(plain).toContain('glossary/locked-form-missing')
    expect(plain).not.toContain(ESC)
    // FORCE_COLOR colours a redirected stdout on purpose; --no-color wins over it (no terminal needed).
    const forced = await l10n(['check', 'examples/cn/soundtrack.md', 'bad.md'], { FORCE_COLOR: '1' })
    expect(forced.stdout).toContain('glossary/locked-form-missing')
    expect(forced.stdout).toContain(ESC)
    expect((await l10n(['check', 'examples/cn/soundtrack.md', 'bad.md', '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toContain(ESC)
    // On the terminal itself, colour unless NO_COLOR.
    const onTty = await runInTerminal(cliCommandLine(['check', 'examples/cn/soundtrack.md', 'bad.md']), { cwd: repo.dir })
    expect(onTty.screen).toContain(ESC)
    const noColor = await runInTerminal(cliCommandLine(['check', 'examples/cn/soundtrack.md', 'bad.md']), { cwd: repo.dir, env: { NO_COLOR: '1' } })
    expect(noColor.screen).toContain('glossary/locked-form-missing')
    expect(noColor.screen).not.toContain(ESC)
    // An error on a terminal stderr is coloured while the redirected stdout stays plain.
    const error = await runInTerminal(`${cliCommandLine(['transalte'])} > out.txt`, { cwd: repo.dir })
    expect(error.screen).toContain(`${ESC}31ml10n:`)
  }, TIMEOUT)

  it('init writes a commented starter config that loads, asks nothing off a terminal, and never overwrites', async () => {
    mkdirSync(repo.path('examples/en'), { recursive: true })
    writeFileSync(repo.path('examples/en/soundtrack.md'), readFileSync(SHORT_EXAMPLE.reference))
    const run = await l10n(['init'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/Wrote l10n\.config\.yaml: sources examples\/\{locale\}\/\{slug\}\.md \(cn, 1 article\), targets en/)
    const text = readFileSync(repo.path('l10n.config.yaml'), 'utf8')
    expect(text).toMatch(/^# /m)
    const config = parseConfig(text, repo.path('l10n.config.yaml'))
    expect(config).toMatchObject({ sourceLocale: 'cn', targetLocales: ['en'] })
    expect(config.sourcePattern).toBe(repo.path('examples/{locale}/{slug}.md'))
    const again = await l10n(['init'])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/l10n\.config\.yaml already exists; .*--force/)
    expect((await l10n(['init', '--force', '--to', 'de,fr'])).code).toBe(0)
    expect(parseConfig(readFileSync(repo.path('l10n.config.yaml'), 'utf8'), 'l10n.config.yaml').targetLocales).toEqual(['de', 'fr'])
    // The written config drives a run: sync finds the sources by its pattern.
    const dry = await l10n(['sync', '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('examples/cn/soundtrack.md → de: missing')
  }, TIMEOUT)

  it('finds the config from a subfolder up to the repository root; without one, says where it looked', async () => {
    mkdirSync(repo.path('src/deep'), { recursive: true })
    const none = await runMainIn(['translate', '../../examples/cn/soundtrack.md'], { cwd: repo.path('src/deep') })
    expect(none.code).toBe(2)
    expect(none.stderr).toContain(`none was found in ${repo.path('src/deep')}, ${repo.path('src')}, ${repo.dir} (run l10n init to write one)`)
    writeFileSync(repo.path('l10n.config.yaml'), 'targetLocales: [en]\noutputPattern: out/{locale}/{slug}.md\nprovider: pseudo\n')
    const found = await runMainIn(['translate', '../../examples/cn/soundtrack.md'], { cwd: repo.path('src/deep') })
    expect(found.code, found.stderr).toBe(0)
    expect(readFileSync(repo.path('out/en/soundtrack.md'), 'utf8')).toContain('locale: en')
    const shown = await runMainIn(['config'], { cwd: repo.path('src/deep') })
    expect(shown.stdout).toContain(`Config file: ${repo.path('l10n.config.yaml')}`)
  }, TIMEOUT)

  it('ranks flags > environment > config file > defaults, in `l10n config` and in the run itself', async () => {
    writeFileSync(repo.path('l10n.config.yaml'), 'targetLocales: [en]\nmodel: config-model\nconcurrency: 4\nmaxRetries: 2\noutputPattern: out/{locale}/{slug}.md\n')
    const env = { ...llm(), L10N_MODEL: 'env-model', L10N_CONCURRENCY: '1' }
    const shown = await l10n(['config', '--format', 'json', '--max-retries', '5'], env)
    expect(shown.code, shown.stderr).toBe(0)
    const settings = Object.fromEntries((JSON.parse(shown.stdout).settings as Array<{ key: string; value: unknown; origin: string }>).map((row) => [row.key, row]))
    expect(settings.model).toMatchObject({ value: 'env-model', origin: 'env', variable: 'L10N_MODEL' })
    expect(settings.concurrency).toMatchObject({ value: 1, origin: 'env' })
    expect(settings.maxRetries).toMatchObject({ value: 5, origin: 'flag' })
    expect(settings.targetLocales).toMatchObject({ value: ['en'], origin: 'config' })
    expect(settings.temperature).toMatchObject({ value: 0.2, origin: 'default' })
    const human = await l10n(['config'], env)
    expect(human.stdout).toMatch(/model\s+env-model\s+\(environment L10N_MODEL\)/)
    expect(human.stdout).toMatch(/temperature\s+0\.2\s+\(default\)/)

    // The run obeys the same order: the environment's model and concurrency beat the config's.
    const run = await l10n(['translate', article], env)
    expect(run.code, run.stderr).toBe(0)
    expect(server.requests[0]!.body!.model).toBe('env-model')
    expect(server.maxInFlight).toBe(1)
    server.reset()
    const flagged = await l10n(['translate', article, '--model', 'flag-model', '--retranslate', 'all', '--no-cache'], env)
    expect(flagged.code, flagged.stderr).toBe(0)
    expect(server.requests[0]!.body!.model).toBe('flag-model')
  }, TIMEOUT)

  it('translate --dry-run prints the plan and estimate, makes no request and writes nothing', async () => {
    const before = repo.files()
    const run = await l10n(['translate', article, '--to', 'en,de', ...placed, '--dry-run', '--report', 'report.json'], llm())
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('examples/cn/soundtrack.md → en: missing, 4 sections to translate (5 requests)')
    expect(run.stdout).toMatch(/Plan: 2 article × locale pairs, 2 to do, 0 up to date; estimate 10 requests, \d+ tokens, cost \$0\.\d+/)
    expect(run.stderr).toContain('report.json is not written')
    expect(server.requests).toHaveLength(0)
    expect(repo.files()).toEqual(before)
    const json = await l10n(['translate', article, '--to', 'en', ...placed, '--dry-run', '--format', 'json'], llm())
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, command: 'translate', dryRun: true, plan: { totals: { requests: 5, work: 1 } } })
    // The estimate is what the run then makes.
    expect((await l10n(['translate', article, '--to', 'en', ...placed], llm())).code).toBe(0)
    expect(server.requests).toHaveLength(5)
  }, TIMEOUT)

  it('sync --dry-run and --frozen are read-only: they run while a sync holds the lock, and write no report or lock', async () => {
    tree(2, ['en'])
    const release = await acquireLock(repo.path('l10n.lock.yaml.sync-lock'), { owner: 'a running sync' })
    try {
      const dry = await l10n(['sync', '--dry-run'], llm())
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.stderr).toContain('read-only, so no report file is written')
      const frozen = await l10n(['sync', '--frozen'], llm())
      expect(frozen.code).toBe(1)
      const blocked = await l10n(['sync'], llm())
      expect(blocked.code).toBe(2)
      expect(blocked.stderr).toMatch(/another run holds the lock/)
    } finally {
      await release()
    }
    expect(repo.files().filter((file) => !file.startsWith('src/') && !file.startsWith('examples/'))).toEqual(['l10n.config.yaml'])
    expect(server.requests).toHaveLength(0)
  }, TIMEOUT)

  it('--format json works on every command that reports, with one schema for translate and sync', async () => {
    tree(1, ['en'])
    const source = 'src/content/knowledge-cn/article-0001.md'
    const parse = (run: { code: number; stdout: string; stderr: string }) => {
      expect(() => JSON.parse(run.stdout), run.stdout + run.stderr).not.toThrow()
      return JSON.parse(run.stdout)
    }
    const translated = parse(await l10n(['translate', source, '--format', 'json'], llm()))
    const synced = parse(await l10n(['sync', '--format', 'json', '--retranslate', 'all', '--no-cache'], llm()))
    for (const report of [translated, synced]) {
      expect(report).toMatchObject({ schemaVersion: 1, dryRun: false, exitCode: 0, run: { totals: { articles: 1 } } })
      expect(Object.keys(report.run.articles[0])).toEqual(expect.arrayContaining(['source', 'locale', 'output', 'status', 'sections', 'requests', 'findings']))
    }
    expect([translated.command, synced.command]).toEqual(['translate', 'sync'])
    // The file report is the same document.
    expect(JSON.parse(readFileSync(repo.path('reports/l10n.json'), 'utf8'))).toMatchObject({ schemaVersion: 1, command: 'sync' })
    expect(parse(await l10n(['status', source, '--format', 'json']))).toMatchObject({ schemaVersion: 1, command: 'status', statuses: [{ locale: 'en', state: 'draft' }] })
    expect(parse(await l10n(['review', source, '--format', 'json']))).toMatchObject({ schemaVersion: 1, command: 'review', reviews: [{ targetLocale: { code: 'en' } }] })
    expect(parse(await l10n(['approve', source, '--all', '--by', 'tester', '--format', 'json']))).toMatchObject({ schemaVersion: 1, command: 'approve', results: [{ locale: 'en', approved: [0, 1, 2] }] })
    expect(parse(await l10n(['check', source, 'src/content/knowledge-en/article-0001.md', '--format', 'json']))).toMatchObject({ summary: { error: 0 } })
    expect(parse(await l10n(['config', '--format', 'json']))).toMatchObject({ schemaVersion: 1, configFile: repo.path('l10n.config.yaml') })
    expect((await l10n(['sync', '--format', 'markdown'])).stderr).toMatch(/unknown format "markdown"; use human or json/)
  }, TIMEOUT)

  it('--quiet prints errors and the final summary only; --verbose adds what quiet leaves out', async () => {
    server.setHandler((body) => {
      const answer = referenceAnswer(body)
      return { content: answer.includes('**John Williams**') ? answer.replace('**John Williams**', '**Johnny Williams**') : answer }
    })
    const quiet = await l10n(['translate', article, '--to', 'en', ...placed, '--quiet', '--max-retries', '0'], llm())
    expect(quiet.code).toBe(1)
    expect(quiet.stderr).toBe('')
    expect(quiet.stdout).toContain('glossary/locked-form-missing')
    expect(quiet.stdout).not.toContain('lint/generator-leftover')
    expect(quiet.stdout).not.toMatch(/Wrote|Translating|Provider/)
    // 3 warnings: the two generator leftovers, and glossary/inconsistent (§1 also names him by the short form Williams).
    expect(lines(quiet.stdout).filter((line) => STAMP.test(line))).toEqual([expect.stringMatching(/Done: 1 of 1 written, \d+ requests, \d+ errors?, 3 warnings, [\d.]+ s\./)])
    expect((await l10n(['translate', article, '--quiet', '--verbose'])).stderr).toContain('--quiet and --verbose cannot be used together')
    // --verbose: one line per section, with what it cost or that the cache answered it.
    const verbose = await l10n(['translate', article, '--to', 'en', ...placed, '--verbose', '--max-retries', '0', '--retranslate', 'all'], llm())
    const sections = lines(verbose.stderr).filter((line) => /examples\/cn\/soundtrack\.md → en §\d+ /.test(line))
    // One line for each of the short example's 4 sections.
    expect(sections).toHaveLength(4)
    expect(sections.some((line) => /§1 .*: (\d+ requests?, \d+ tokens|from the cache)$/.test(line))).toBe(true)
    const normal = await l10n(['translate', article, '--to', 'en', ...placed, '--max-retries', '0', '--retranslate', 'all'], llm())
    expect(normal.stderr).not.toMatch(/→ en §\d+ /)
  }, TIMEOUT)

  it('a budget stop and Ctrl-C each print one summary, not one line per pair', async () => {
    tree(4, ['en', 'de', 'fr'])
    const limited = await l10n(['sync', '--max-requests', '2', '--concurrency', '1'], llm())
    expect(limited.code).toBe(3)
    const all = limited.stdout + limited.stderr
    expect(all.match(/Not started/g)).toHaveLength(1)
    expect(all).toMatch(/Not started: \d+ article × locale pairs?; the budget was reached first/)
    expect(all.match(/Budget reached/g)).toHaveLength(1)

    // Ctrl-C while requests hang: one summary line, no "Failed … interrupted" per pair.
    server.setHandler(() => ({ hang: true }))
    let interrupted = false
    const spawned = spawnCli(['sync', '--retranslate', 'all', '--no-cache'], {
      cwd: repo.dir,
      env: llm(),
      onStderr: (chunk) => {
        if (!interrupted && chunk.includes('Provider:')) {
          interrupted = true
          const poll = setInterval(() => {
            if (server.inFlight > 0) {
              clearInterval(poll)
              spawned.child.kill('SIGINT')
            }
          }, 5)
        }
      },
    })
    const stopped = await spawned.done
    expect(stopped.code).toBe(4)
    const said = stopped.stdout + stopped.stderr
    expect(said.match(/Interrupted/g)).toHaveLength(1)
    expect(said).not.toMatch(/Failed .*interrupted/)
  }, TIMEOUT)

  it('a rerun that changed one section does not reprint the warnings of the unchanged ones', async () => {
    // Every section's answer carries three added sentences: a warning (not an error, so no repair) per section.
    server.setHandler((body) => (isFrontmatterRequest(body!) ? referenceReply(body) : { content: referenceAnswer(body).replace(/\.(\s)/, '. It was so. It really was so. So it was, truly.$1') }))
    const first = await l10n(['translate', article, '--to', 'en', ...placed], llm())
    const warnings = (first.stdout.match(/text\/sentence-extra/g) ?? []).length
    // Warnings in several sections (the short example's 4).
    expect(warnings).toBeGreaterThanOrEqual(3)
    const source = repo.path(article)
    writeFileSync(source, readFileSync(source, 'utf8').replace('成为动画与跨文化配乐的典型人物', '成为动画与跨文化配乐几十年的典型人物'))
    const second = await l10n(['translate', article, '--to', 'en', ...placed], llm())
    expect(second.code, second.stderr + second.stdout).toBe(0)
    const shown = (second.stdout.match(/text\/sentence-extra/g) ?? []).length
    const earlier = Number(/(\d+) earlier warnings? unchanged .*see l10n review, or add --verbose/.exec(second.stdout)?.[1])
    expect(shown).toBeLessThanOrEqual(1)
    expect(earlier + shown).toBe(warnings)
    const verbose = await l10n(['translate', article, '--to', 'en', ...placed, '--verbose'], llm())
    expect((verbose.stdout.match(/text\/sentence-extra/g) ?? []).length).toBe(warnings)
  }, TIMEOUT)

  it('says something before the first request, timestamps lines off a terminal, and keeps its lines within 100 columns', async () => {
    const order: string[] = []
    server.setHandler((body) => {
      order.push('request')
      return referenceReply(body)
    })
    const run = await spawnCli(['translate', article, '--to', 'en,de', ...placed], { cwd: repo.dir, env: llm(), onStdout: () => void order.push('output'), onStderr: () => void order.push('output') }).done
    expect(run.code, run.stderr).toBe(0)
    expect(order[0]).toBe('output')
    expect(order).toContain('request')
    const own = [...lines(run.stdout), ...lines(run.stderr)].filter((line) => STAMP.test(line))
    expect(own.length).toBeGreaterThanOrEqual(4)
    expect(lines(run.stderr).every((line) => STAMP.test(line))).toBe(true)
    for (const line of own) expect(line.length, line).toBeLessThanOrEqual(100)
    expect(own.filter((line) => / Wrote /.test(line))).toHaveLength(2)
  }, TIMEOUT)

  it('on a terminal the live line shows the article, done/total with a total that never changes, and an ETA', async () => {
    tree(3, ['en', 'de'])
    const { code, screen } = await runInTerminal(cliCommandLine(['sync']), { cwd: repo.dir, env: llm() })
    expect(code).toBe(0)
    const live = screen.split('\r').filter((part) => /^\x1b\[K\d+\/\d+ /.test(part))
    expect(live.length).toBeGreaterThan(2)
    const totals = new Set(live.map((part) => /^\x1b\[K\d+\/(\d+) /.exec(part)![1]))
    expect([...totals]).toEqual(['6'])
    expect(live.some((part) => /knowledge-cn\/article-000\d\.md → (en|de)/.test(part))).toBe(true)
    expect(live.some((part) => /about .* left/.test(part))).toBe(true)
    expect(screen).not.toMatch(new RegExp(STAMP.source, 'm'))
  }, TIMEOUT)

  it('speaks complete Chinese: plan states and lists', async () => {
    tree(1, ['en', 'de', 'fr'])
    const run = await l10n(['--lang', 'zh-CN', 'sync', '--dry-run'], llm())
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('article-0001.md → en：缺失，3 节待翻译')
    expect(run.stdout).not.toMatch(/missing|stale/)
    expect(run.stdout).toContain(`译为 ${new Intl.ListFormat('zh-CN', { type: 'conjunction' }).format(['en', 'de', 'fr'])}`)
  }, TIMEOUT)

  it('the sync plan matches what happens, --retranslate all included', async () => {
    tree(2, ['en', 'de'])
    const first = await l10n(['sync'], llm())
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/Plan: 4 article × locale pairs, 4 to do, 0 up to date; estimate 16 requests/)
    expect(first.stdout).toContain('Sync: 4 of 4 drafts written, 16 requests')
    expect(server.requests).toHaveLength(16)
    server.reset()
    const again = await l10n(['sync', '--retranslate', 'all', '--no-cache'], llm())
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/Plan: 4 article × locale pairs, 4 to do, 0 up to date; estimate 16 requests/)
    expect(server.requests).toHaveLength(16)
    // Re-translated to the same text: said so, not "Unchanged … 4 requests".
    expect(again.stdout).not.toMatch(/Unchanged .*[1-9]\d* requests/)
    expect(again.stdout).toMatch(/Re-translated .*file unchanged: 3 sections, 4 requests/)
    // Only one pair changed: the plan says 1 to do and the run writes 1 of 1.
    const file = repo.path('src/content/knowledge-cn/article-0002.md')
    writeFileSync(file, readFileSync(file, 'utf8').replace('这是第二篇文章的内容。', '这是第二篇文章修改后的内容。'))
    const one = await l10n(['sync', '--to', 'en'], llm())
    expect(one.stdout).toMatch(/Plan: 2 article × locale pairs, 1 to do, 1 up to date/)
    expect(one.stdout).toContain('Sync: 1 of 1 drafts written')
  }, TIMEOUT)

  it('the Markdown report lists the error findings by article and section, and its counts agree with the terminal', async () => {
    tree(2, ['en', 'de'])
    // A dropped emphasis: an error finding in one section of every pair.
    server.setHandler((body) => {
      const answer = referenceAnswer(body)
      return isFrontmatterRequest(body!) ? referenceReply(body) : { content: answer.replace(/\*\*([^*]+)\*\*/, '$1 **') }
    })
    const run = await l10n(['sync', '--max-retries', '0'], llm())
    expect(run.code).toBe(1)
    const done = /Sync: .*; (\d+) errors?, (\d+) warnings?/.exec(run.stdout)
    expect(done, run.stdout).not.toBeNull()
    const markdown = readFileSync(repo.path('reports/l10n.md'), 'utf8')
    expect(markdown).toContain(`| **${done![1]}** | **${done![2]}** |`)
    expect(markdown).toMatch(new RegExp(`### ${done![1]} errors?`))
    expect(markdown).toMatch(/- `src\/content\/knowledge-cn\/article-0001\.md → en` · section \d+[^:\n]*: .+ \(`[a-z]+\/[a-z-]+`\)/)
    expect(markdown.match(/cost/gi)?.length ?? 0).toBeLessThanOrEqual(2)
    expect(markdown).not.toMatch(/cost cost/)
  }, TIMEOUT)

  it('every --help lists every flag its command accepts (approve: --out-root and --lockfile too)', async () => {
    const { TRANSLATE_OPTIONS } = await import('../pipeline/cli/translate.ts')
    const { CHECK_OPTIONS } = await import('../pipeline/cli/check.ts')
    const { SYNC_OPTIONS } = await import('../pipeline/cli/sync.ts')
    const { INIT_OPTIONS } = await import('../pipeline/cli/init.ts')
    const { CONFIG_OPTIONS } = await import('../pipeline/cli/config-command.ts')
    const { STATUS_OPTIONS, REVIEW_OPTIONS, APPROVE_OPTIONS, MEMORY_OPTIONS } = await import('../pipeline/cli/review.ts')
    const table: Array<[string[], object]> = [
      [['translate'], TRANSLATE_OPTIONS],
      [['check'], CHECK_OPTIONS],
      [['sync'], SYNC_OPTIONS],
      [['init'], INIT_OPTIONS],
      [['config'], CONFIG_OPTIONS],
      [['status'], STATUS_OPTIONS],
      [['review'], REVIEW_OPTIONS],
      [['approve'], APPROVE_OPTIONS],
      [['memory'], MEMORY_OPTIONS],
    ]
    const { main } = await import('../pipeline/cli/main.ts')
    for (const lang of ['en', 'zh-CN']) {
      for (const [command, options] of table) {
        let help = ''
        const code = await main(['--lang', lang, ...command, '--help'], { stdout: (text) => void (help += text), stderr: () => {}, isTty: false, env: {} })
        expect(code).toBe(0)
        const missing = Object.keys(options).filter((name) => !new RegExp(`--${name}(?![\\w-])`).test(help))
        expect(missing, `${lang} ${command.join(' ')} --help`).toEqual([])
      }
    }
    // As a user runs it.
    const approve = await l10nProcess(['approve', '--help'])
    for (const flag of ['--out-root', '--lockfile', '--section', '--frontmatter', '--all', '--by', '--force', '--format']) expect(approve.stdout).toContain(flag)
  }, TIMEOUT)

  it('status says "edited by hand" once for a hand edit', async () => {
    expect((await l10n(['translate', article, '--to', 'en', ...placed], llm())).code).toBe(0)
    expect((await l10n(['approve', article, '--to', 'en', ...placed, '--section', '0', '--by', 'tester'], llm())).code).toBe(0)
    const output = repo.path('out/en/soundtrack.md')
    writeFileSync(output, readFileSync(output, 'utf8').replace('John Williams', 'John  Williams'))
    const status = await l10n(['status', article, '--to', 'en', ...placed])
    expect(status.stdout).toMatch(/edited by hand \(not yet approved\)/)
    expect(status.stdout).not.toMatch(/edited by hand \(edited by hand/)
  }, TIMEOUT)
})
