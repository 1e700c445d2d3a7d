/**
 * `l10n init`: writes a commented starter `l10n.config.yaml` for the content tree in the
 * current folder. It looks at the Markdown files (their `locale:` and folders) to guess
 * the source locale and pattern; on a terminal it asks for the target locales, otherwise
 * it asks nothing and uses `--to` or what it found.
 */
import { closeSync, openSync, readSync, readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { t } from '../shared/i18n.ts'
import { writeFileAtomic, readTextFileIfExists } from '../state/files.ts'
import { findLocale, requireLocale } from '../article/locales.ts'
import { CONFIG_FILE_NAME, parseConfig } from '../run/config.ts'
import { EXIT, list, parseCommandArgs, relativePath, summary, usage, type CliIo } from './common.ts'
import { listText } from './output.ts'

/** The flags of `init` (its `--help` lists every one). */
export const INIT_OPTIONS = {
  to: { type: 'string', multiple: true },
  'source-locale': { type: 'string' },
  force: { type: 'boolean' },
} as const

/** Folders never searched for content. */
const SKIPPED = new Set(['node_modules', 'dist', 'out', 'build'])
/** Files looked at; a content tree larger than this is judged by a sample. */
const MAX_FILES = 5000

function markdownFiles(root: string): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    if (found.length >= MAX_FILES) return
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile() && /\.mdx?$/i.test(entry.name)) found.push(path)
    }
  }
  walk(root)
  return found
}

/** The frontmatter `locale:` of a file, read from its first bytes only. */
function localeOf(file: string): string | undefined {
  const buffer = Buffer.alloc(4096)
  let length = 0
  try {
    const fd = openSync(file, 'r')
    try {
      length = readSync(fd, buffer, 0, buffer.length, 0)
    } finally {
      closeSync(fd)
    }
  } catch {
    return undefined
  }
  const head = buffer.subarray(0, length).toString('utf8').replace(/^\uFEFF/, '')
  const frontmatter = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\s*(?:\r?\n|$)/.exec(head)?.[1]
  const value = frontmatter === undefined ? undefined : /^locale:\s*["']?([A-Za-z-]+)["']?\s*$/m.exec(frontmatter)?.[1]
  return value && findLocale(value) ? value : undefined
}

/** `examples/cn/a.md` → `examples/{locale}/{slug}.md`; undefined when no folder names the locale. */
function patternOf(path: string, locale: string): string | undefined {
  const parts = path.split(sep)
  const name = parts.pop()!
  const ext = /\.[^.]+$/.exec(name)?.[0] ?? '.md'
  const at = parts.findIndex((part) => part === locale || part.endsWith(`-${locale}`) || part.endsWith(`_${locale}`))
  if (at === -1) return undefined
  parts[at] = parts[at]!.slice(0, parts[at]!.length - locale.length) + '{locale}'
  return [...parts, `{slug}${ext}`].join('/')
}

/** What the content tree suggests: the source locale, its pattern, other locales seen. */
export function surveyContent(root: string, sourceLocale?: string): { sourceLocale: string | undefined; pattern: string | undefined; articles: number; others: string[] } {
  const byLocale = new Map<string, string[]>()
  for (const file of markdownFiles(root)) {
    const locale = localeOf(file)
    if (locale) byLocale.set(locale, [...(byLocale.get(locale) ?? []), relative(root, file)])
  }
  const source = sourceLocale ?? [...byLocale].sort((a, b) => b[1].length - a[1].length)[0]?.[0]
  const files = source ? (byLocale.get(source) ?? []) : []
  const patterns = new Map<string, number>()
  for (const file of files) {
    const pattern = patternOf(file, source!)
    if (pattern) patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1)
  }
  const pattern = [...patterns].sort((a, b) => b[1] - a[1])[0]?.[0]
  const others = [...byLocale.keys()].filter((code) => code !== source)
  return { sourceLocale: source, pattern, articles: pattern ? (patterns.get(pattern) ?? 0) : files.length, others }
}

/** The starter file: every key commented, the guessed ones set. */
export function starterConfig(options: { sourceLocale: string | undefined; pattern: string | undefined; targets: string[] }): string {
  const { sourceLocale, pattern, targets } = options
  const set = (line: string, on: boolean) => (on ? line : `# ${line}`)
  return [
    '# l10n configuration (written by `l10n init`; every key is optional). See the README, "Config file".',
    '# Relative paths are relative to this file; sourcePattern and outputPattern to contentRoot.',
    '',
    '# contentRoot: .                     # folder of the content; outputs must stay inside it',
    set(`sourceLocale: ${sourceLocale ?? 'cn'}`, sourceLocale !== undefined) + '                    # site code of the language articles are written in',
    set(`sourcePattern: ${pattern ?? 'src/content/knowledge-{locale}/{slug}.md'}`, pattern !== undefined) + '   # where sources live ({locale}, {slug})',
    '# outputPattern: ...                 # where translations go; default: sourcePattern',
    `targetLocales: [${targets.join(', ')}]`,
    '',
    '# Translation: provider and model (flags and L10N_* environment variables override these).',
    '# provider: openai                   # openai | pseudo | identity',
    '# model: gpt-4o-mini',
    '# concurrency: 4                     # requests in flight; 1 for a local model',
    '# requestsPerMinute: 500',
    '# tokensPerMinute: 200000',
    '# glossary: [glossary/music.yaml]    # leave out for the shipped glossary',
    '',
    '# Scheduled runs (`l10n sync`): limits and reports.',
    '# budget: { maxCost: 5.0, maxRequests: 1000 }',
    '# report: { json: reports/l10n.json, markdown: reports/l10n.md }',
    '',
    '# Structure check: rule severities (error | warning | info | off).',
    '# check: { rules: { text/length-ratio: off } }',
    '',
  ].join('\n')
}

async function askTargets(io: CliIo, suggested: string[]): Promise<string[]> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await prompt.question(t('cli:init-ask-targets', { suggested: suggested.join(',') }))
    return list(answer).length > 0 ? list(answer) : suggested
  } finally {
    prompt.close()
  }
}

/** `l10n init`. */
export async function commandInit(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, INIT_OPTIONS, 'init')
  if (values.help) {
    io.stdout(t('cli:help-init') + '\n')
    return EXIT.ok
  }
  if (positionals.length > 0) throw usage(t('cli:init-no-arguments'))
  const root = process.cwd()
  const file = join(root, CONFIG_FILE_NAME)
  if (!values.force && (await readTextFileIfExists(file)) !== undefined) throw usage(t('cli:init-exists', { path: relativePath(file) }))
  const sourceLocale = values['source-locale'] === undefined ? undefined : requireLocale(values['source-locale']).code
  const survey = surveyContent(root, sourceLocale)
  const found = survey.others.length > 0 ? survey.others : survey.sourceLocale === 'en' ? ['de'] : ['en']
  // Nothing is asked when nobody can answer (CI, a pipe): --to or what was found.
  const interactive = list(values.to).length === 0 && io.isTty && Boolean(process.stdin.isTTY)
  const targets = list(values.to).length > 0 ? list(values.to) : interactive ? await askTargets(io, found) : found
  for (const target of targets) requireLocale(target)
  const text = starterConfig({ sourceLocale: survey.sourceLocale, pattern: survey.pattern, targets: targets.map((code) => requireLocale(code).code) })
  // What init writes must load: a guess that does not validate is a bug here, not the user's.
  parseConfig(text, file)
  await writeFileAtomic(file, text)
  summary(
    io,
    t(survey.pattern ? 'cli:init-written' : 'cli:init-written-no-pattern', {
      path: relativePath(file),
      pattern: survey.pattern ?? '',
      source: survey.sourceLocale ?? '',
      count: survey.articles,
      targets: listText(targets),
    }),
  )
  return EXIT.ok
}
