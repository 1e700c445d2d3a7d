/**
 * The glossary: locked renderings of proper names per target locale, read from YAML
 * files such as `glossary/music.yaml`.
 *
 * Parsing is pure: the shape of the file is checked with zod, then what a shape cannot
 * say (locale codes, empty or duplicate terms, locked forms); every problem of a file is
 * reported at once, each with its `file:line:column`, in one `E_GLOSSARY` error. Only {@link loadGlossaryFiles}
 * touches the disk.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { L10nError, isL10nError } from '../shared/errors.ts'
import { formatMessage, message, type Message, type UiLanguage } from '../shared/i18n.ts'
import { parseYaml, type PlacedYaml, type YamlPath } from '../shared/place.ts'
import { mismatchesOf } from '../shared/validation.ts'
import { LOCALES, findLocale } from '../article/locales.ts'
import { contentHash } from '../shared/hash.ts'
import { BoundedCache } from '../shared/bounded-cache.ts'
import { normalizeTerm } from './match.ts'

import {
  ENTRY_KINDS,
  glossaryVersion,
  type EntryKind,
  type Glossary,
  type GlossaryEntry,
} from './model.ts'
import type { InflectionRule } from './inflect.ts'

/** One problem in a glossary file. */
export interface GlossaryProblem {
  file: string
  line: number
  column: number
  /** What is wrong there, rendered at the edge in the reader's language. */
  message: Message
}

const TOP_FIELDS = ['sourceLocale', 'entries', 'inflection'] as const
const INFLECTION_FIELDS = ['suffixes', 'stems', 'words', 'articles'] as const
const ENTRY_FIELDS = ['source', 'aliases', 'kind', 'targets', 'wrong', 'short', 'note', 'marked'] as const
const LOCALE_CODES = LOCALES.map((locale) => locale.code)
/** Han, kana or Hangul: a `keep` term written in these cannot be kept in other locales. */
const CJK_TEXT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u

/** `file:line:column: message`, in `lng` (default: the UI language). */
export function formatProblem(problem: GlossaryProblem, lng?: UiLanguage): string {
  return formatMessage(problemLine(problem), lng)
}

/** A problem as one line of a list: its place, then what is wrong. */
function problemLine(problem: GlossaryProblem): Message {
  return message('glossary:problem-at', { file: problem.file, line: problem.line, column: problem.column, problem: problem.message })
}

/** The one error for a list of problems: placed at the first, listing all of them. */
export function glossaryError(problems: readonly GlossaryProblem[]): L10nError {
  const first = problems[0]
  if (!first) throw new TypeError('glossaryError needs at least one problem')
  // L10nError prefixes the place of the first problem; with several, list them all
  // below a header, each on its own line with its own place.
  const detail = problems.length === 1 ? first.message : message('glossary:problem-list', { count: problems.length, problems: problems.map(problemLine) })
  return new L10nError('E_GLOSSARY', {
    file: first.file,
    line: first.line,
    column: first.column,
    params: { detail, problems: [...problems] },
  })
}

// ── Parsing ──────────────────────────────────────────────────────────────────

/** A term (source or alias) and where it is written, for duplicate and conflict reports. */
interface TermSite {
  entry: GlossaryEntry
  term: string
  file: string
  line: number
  column: number
}

const text = z.string()

/**
 * The shape of one entry. Written empty (`note:`), a field counts as absent, except
 * `marked`, which must be true or false. Which codes and forms are allowed is checked
 * after the shape, in {@link parseEntry}.
 */
const entrySchema = z.strictObject({
  source: text.nullish(),
  aliases: z.array(text).nullish(),
  kind: z.enum(ENTRY_KINDS).nullish(),
  targets: z.record(z.string(), text.nullable()).nullish(),
  // A single wrong form may be written without brackets.
  wrong: z.record(z.string(), z.preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(text))).nullish(),
  // Short forms per locale (a surname alone) that count as the locked name where the source is short too.
  short: z.record(z.string(), z.preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(text))).nullish(),
  note: text.nullish(),
  marked: z.boolean().optional(),
})

/**
 * How locked forms inflect in one target locale (see `inflect.ts`); written empty (`de:`
 * or `de: {}`), it turns the shipped rule of that locale off.
 */
const inflectionSchema = z.strictObject({
  suffixes: z.array(text.min(1)).optional(),
  stems: z.array(text.min(1)).optional(),
  words: z.enum(['last', 'each']).optional(),
  articles: z.record(z.string(), z.array(text.min(1))).optional(),
})

/** The shape of a glossary file. */
const fileSchema = z.strictObject({
  sourceLocale: text.nullish(),
  entries: z.array(entrySchema).nullish(),
  inflection: z.record(z.string(), inflectionSchema.nullable()).nullish(),
})

/**
 * Where a problem is and where it goes in the list: `key` places it at the mapping key;
 * `phase` is the check that found it (see {@link orderOf}).
 */
interface ReportOptions {
  key?: boolean
  phase?: number
}
type Report = (path: YamlPath, text: Message, options?: ReportOptions) => void

/** The checks of an entry in the order their problems are listed (the entry's own shape first). */
const PHASE = { entry: 0, unknownField: 1, source: 2, aliases: 3, kind: 4, targets: 5, noTargets: 6, keepNotLatin: 7, wrong: 8, note: 9, marked: 10, duplicate: 11 } as const

/**
 * Problems are listed per entry, in the order of the checks (unknown fields, then source,
 * aliases, kind, targets, wrong, note, marked, then terms defined twice), each check's in
 * file order; the file's own fields come first and `entries` itself after them.
 */
function orderOf(path: YamlPath, phase: number | undefined): [number, number] {
  if (path[0] === 'entries' && typeof path[1] === 'number') {
    const field = path[2]
    return [1 + path[1], phase ?? (typeof field === 'string' && field in PHASE ? PHASE[field as keyof typeof PHASE] : PHASE.entry)]
  }
  return [0, phase ?? (path.length === 0 || path[0] === 'entries' ? 1 : 0)]
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** A short description of what was found instead, for messages. */
function describe(value: unknown): string | Message {
  if (value === null || value === undefined) return message('glossary:got-nothing')
  if (Array.isArray(value)) return message('glossary:got-list')
  if (typeof value === 'object') return message('glossary:got-mapping')
  return JSON.stringify(value) ?? String(value)
}

/**
 * A schema issue in the glossary's words, or undefined when another check words it
 * better (the value of an unknown locale is not looked at: the code is the problem).
 */
function issueText(issue: z.core.$ZodIssue, data: unknown): Message | undefined {
  const path = issue.path
  const got = describe(issue.input)
  if (path.length === 0) return message('glossary:not-mapping')
  if (path[0] === 'sourceLocale') return message('glossary:not-text', { field: 'sourceLocale', got })
  if (path.length === 1) return message('glossary:entries-not-list')
  if (path.length === 2) return message('glossary:entry-not-mapping')
  const [, , field, item] = path as [string, number, string, string | number | undefined]
  switch (field) {
    case 'source':
    case 'note':
      return message('glossary:not-text', { field, got })
    case 'aliases':
      return item === undefined ? message('glossary:not-list', { field }) : message('glossary:not-text', { field, got })
    case 'kind':
      return message('glossary:unknown-kind', { kind: typeof issue.input === 'string' ? issue.input : got, known: ENTRY_KINDS.join(', ') })
    case 'targets':
    case 'wrong':
    case 'short':
      if (item === undefined) return message('glossary:not-map', { field })
      return findLocale(String(item)) ? message('glossary:not-text', { field: `${field}.${String(item)}`, got }) : undefined
    case 'marked':
      return message('glossary:not-boolean', { field, got })
    default:
      return mismatchesOf(new z.ZodError([issue]), data)[0]?.message ?? message('validation:expected/value')
  }
}

/** Reports every issue of the file's shape, unknown fields at their key. */
function checkShape(data: unknown, report: Report): void {
  const result = fileSchema.safeParse(data, { reportInput: true })
  if (result.success) return
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = (issue.path.length === 0 ? TOP_FIELDS : issue.path[0] === 'inflection' ? INFLECTION_FIELDS : ENTRY_FIELDS).join(', ')
      for (const key of issue.keys) report([...issue.path, key], message('glossary:unknown-field', { field: key, known }), { key: true, phase: issue.path.length === 0 ? 0 : PHASE.unknownField })
      continue
    }
    const text = issueText(issue, data)
    if (text !== undefined) report(issue.path, text)
  }
}

/**
 * Parses and validates one glossary file. Throws one `E_GLOSSARY` {@link L10nError}
 * listing every problem (`file:line:column: problem` per line, see {@link orderOf}): YAML
 * syntax, the shape of every field (checked with zod), unknown fields, missing or empty
 * source, unknown kind, unknown locale codes, empty forms, terms defined twice (also as
 * source and alias), non-keep entries without targets, and wrong forms equal to the
 * locked form.
 */
export function parseGlossary(text: string, file: string): Glossary {
  const yaml = parseYaml(text)
  const placed: { order: [number, number, number]; problem: GlossaryProblem }[] = []
  const report: Report = (path, message, { key = false, phase } = {}) => {
    const offset = yaml.offsetOf(path, { key })
    placed.push({ order: [...orderOf(path, phase), offset], problem: { file, ...yaml.placeAt(offset), message } })
  }
  const problems = () =>
    placed
      .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2])
      .map(({ problem }) => problem)

  for (const error of yaml.syntaxErrors) {
    placed.push({ order: [0, 0, error.offset], problem: { file, line: error.line, column: error.column, message: message('glossary:yaml', { detail: error.detail }) } })
  }
  if (placed.length > 0) throw glossaryError(problems())

  const data: unknown = yaml.document.toJS()
  checkShape(data, report)
  if (!isRecord(data)) throw glossaryError(problems())

  // What the shape allows but the glossary does not; values of the wrong type were
  // reported above and are skipped here, so every problem is found in one pass.
  if ('sourceLocale' in data && (data.sourceLocale === null || typeof data.sourceLocale === 'string') && !findLocale(data.sourceLocale ?? '')) {
    report(['sourceLocale'], unknownLocale(data.sourceLocale ?? '', 'sourceLocale'))
  }
  const entries: GlossaryEntry[] = []
  const sites = new Map<string, TermSite>()
  if (data.entries === undefined || data.entries === null) {
    report([], message('glossary:no-entries'))
  } else if (Array.isArray(data.entries)) {
    data.entries.forEach((item: unknown, index) => {
      if (!isRecord(item)) return
      const parsed = parseEntry(item, ['entries', index], file, yaml, report)
      if (!parsed) return
      entries.push(parsed.entry)
      for (const term of parsed.terms) {
        const key = normalizeTerm(term.term)
        const earlier = sites.get(key)
        if (earlier) {
          report(term.path, message('glossary:duplicate-term', { term: term.term, other: `${earlier.file}:${earlier.line}` }), { phase: PHASE.duplicate })
        } else {
          sites.set(key, { entry: parsed.entry, term: term.term, file, ...yaml.placeOfPath(term.path) })
        }
      }
    })
  }

  // Inflection rules per target locale; their shape was checked above.
  let inflection: Record<string, InflectionRule> | undefined
  if (isRecord(data.inflection)) {
    inflection = {}
    for (const [locale, rule] of Object.entries(data.inflection)) {
      if (!findLocale(locale)) report(['inflection', locale], unknownLocale(locale, 'inflection'), { key: true })
      else inflection[locale] = isRecord(rule) ? (rule as InflectionRule) : {}
    }
  }

  if (placed.length > 0) throw glossaryError(problems())
  return { entries, files: [file], version: glossaryVersion(entries), ...(inflection ? { inflection } : {}) }
}

function unknownLocale(locale: string, field: string): Message {
  return message('glossary:unknown-locale', { locale, field, known: LOCALE_CODES.join(', ') })
}

interface ParsedEntry {
  entry: GlossaryEntry
  terms: { term: string; path: YamlPath }[]
}

/** The checks of one entry the shape cannot express; undefined when it has no source. */
function parseEntry(item: Record<string, unknown>, at: YamlPath, file: string, yaml: PlacedYaml, report: Report): ParsedEntry | undefined {
  const path = (...rest: PropertyKey[]) => [...at, ...rest]
  const line = yaml.placeOfPath(at).line
  const terms: ParsedEntry['terms'] = []

  // source
  let source = ''
  if (item.source === undefined || item.source === null) {
    report(at, message('glossary:missing-source'), { phase: PHASE.source })
  } else if (typeof item.source === 'string') {
    if (item.source.trim() === '') report(path('source'), message('glossary:empty-source'))
    else {
      source = item.source.trim()
      terms.push({ term: source, path: path('source') })
    }
  }
  const label = source || `#${line}`

  // aliases
  const aliases: string[] = []
  if (Array.isArray(item.aliases)) {
    item.aliases.forEach((alias: unknown, index) => {
      if (typeof alias !== 'string') return
      if (alias.trim() === '') report(path('aliases', index), message('glossary:empty-alias', { source: label }))
      else {
        aliases.push(alias.trim())
        terms.push({ term: alias.trim(), path: path('aliases', index) })
      }
    })
  }

  // kind
  let kind: EntryKind = 'term'
  let kindValid = false
  if (item.kind === undefined || item.kind === null) {
    report(at, message('glossary:missing-kind', { source: label, known: ENTRY_KINDS.join(', ') }), { phase: PHASE.kind })
  } else if ((ENTRY_KINDS as readonly unknown[]).includes(item.kind)) {
    kind = item.kind as EntryKind
    kindValid = true
  }

  // targets
  const targets: Record<string, string> = {}
  let targetsWritten = 0
  if (isRecord(item.targets)) {
    targetsWritten = Object.keys(item.targets).length
    for (const [locale, form] of Object.entries(item.targets)) {
      if (!findLocale(locale)) report(path('targets', locale), unknownLocale(locale, 'targets'), { key: true })
      else if (form === null || (typeof form === 'string' && form.trim() === '')) report(path('targets', locale), message('glossary:empty-target', { locale, source: label }))
      else if (typeof form === 'string') targets[locale] = form.trim()
    }
  } else if (item.targets !== undefined && item.targets !== null) {
    targetsWritten = -1
  }
  if (kindValid && kind !== 'keep' && targetsWritten === 0) {
    report(path('targets'), message('glossary:no-targets', { source: label, kind }), { phase: PHASE.noTargets })
  }
  if (kind === 'keep' && source !== '' && CJK_TEXT.test(source) && Object.keys(targets).length === 0) {
    report(path('source'), message('glossary:keep-not-latin', { source }), { phase: PHASE.keepNotLatin })
  }

  // Per-locale lists of forms (`wrong`, `short`); a single form may be written without brackets.
  const formLists = (field: 'wrong' | 'short', refuse: (form: string, locale: string) => Message | undefined): Record<string, string[]> => {
    const lists: Record<string, string[]> = {}
    const value = item[field]
    if (!isRecord(value)) return lists
    for (const [locale, written] of Object.entries(value)) {
      if (!findLocale(locale)) {
        report(path(field, locale), unknownLocale(locale, field), { key: true })
        continue
      }
      const single = !Array.isArray(written)
      const forms: string[] = []
      ;(single ? [written] : (written as unknown[])).forEach((form: unknown, index) => {
        if (typeof form !== 'string') return
        const problem = form.trim() === '' ? message(`glossary:empty-${field}`, { locale, source: label }) : refuse(form, locale)
        if (problem) report(single ? path(field, locale) : path(field, locale, index), problem)
        else forms.push(form.trim())
      })
      if (forms.length > 0) lists[locale] = forms
    }
    return lists
  }
  const same = (a: string, b: string) => normalizeTerm(a) === normalizeTerm(b)
  // wrong: known-wrong renderings, never the locked form itself
  const wrong = formLists('wrong', (form, locale) => {
    const locked = targets[locale] ?? (kind === 'keep' ? source : undefined)
    return locked !== undefined && same(form, locked) ? message('glossary:wrong-is-locked', { form: form.trim(), locale }) : undefined
  })
  // short: forms that count for the entry in a translation (`Williams` for John Williams), never a wrong one
  const short = formLists('short', (form, locale) => ((wrong[locale] ?? []).some((bad) => same(bad, form)) ? message('glossary:short-is-wrong', { form: form.trim(), locale }) : undefined))

  const note = typeof item.note === 'string' ? item.note.trim() : undefined
  const marked = item.marked === true

  if (source === '') return undefined
  const entry: GlossaryEntry = {
    id: contentHash(source),
    source,
    aliases,
    kind,
    targets,
    wrong,
    ...(Object.keys(short).length > 0 ? { short } : {}),
    ...(note !== undefined ? { note } : {}),
    ...(marked ? { marked } : {}),
    file,
    line,
  }
  return { entry, terms }
}

// ── Merging ──────────────────────────────────────────────────────────────────

/**
 * Merges glossaries in order. A later file may repeat a term of an earlier one only
 * with the same kind and no different target: it can then add aliases, targets for
 * other locales and wrong forms. Redefining a target differently, or changing the
 * kind, is a conflict; all conflicts are reported in one `E_GLOSSARY` error naming
 * both files and lines.
 */
export function mergeGlossaries(list: readonly Glossary[]): Glossary {
  const entries: GlossaryEntry[] = []
  const files: string[] = []
  const owner = new Map<string, GlossaryEntry>()
  const problems: GlossaryProblem[] = []
  const conflict = (entry: GlossaryEntry, text: Message) =>
    problems.push({ file: entry.file, line: entry.line, column: 1, message: text })

  for (const glossary of list) {
    for (const file of glossary.files) if (!files.includes(file)) files.push(file)
    for (const entry of glossary.entries) {
      const terms = [entry.source, ...entry.aliases]
      const earlier = new Set<GlossaryEntry>()
      for (const term of terms) {
        const found = owner.get(normalizeTerm(term))
        if (found) earlier.add(found)
      }
      if (earlier.size === 0) {
        const copy = cloneEntry(entry)
        entries.push(copy)
        for (const term of terms) owner.set(normalizeTerm(term), copy)
        continue
      }
      if (earlier.size > 1) {
        const others = [...earlier].map((other) => `“${other.source}” (${other.file}:${other.line})`).join(', ')
        conflict(entry, message('glossary:merge-several', { source: entry.source, others }))
        continue
      }
      const [base] = [...earlier] as [GlossaryEntry]
      const where = `${base.file}:${base.line}`
      let clash = false
      if (base.kind !== entry.kind) {
        conflict(entry, message('glossary:merge-kind', { source: entry.source, ours: entry.kind, theirs: base.kind, other: where }))
        clash = true
      }
      for (const [locale, form] of Object.entries(entry.targets)) {
        const existing = base.targets[locale]
        if (existing !== undefined && normalizeTerm(existing) !== normalizeTerm(form)) {
          conflict(entry, message('glossary:merge-conflict', { source: entry.source, locale, ours: form, theirs: existing, other: where }))
          clash = true
        }
      }
      if (clash) continue
      // Compatible: the later file adds what the earlier one did not say.
      for (const [locale, form] of Object.entries(entry.targets)) base.targets[locale] ??= form
      for (const alias of [entry.source, ...entry.aliases]) {
        const key = normalizeTerm(alias)
        if (key !== normalizeTerm(base.source) && !base.aliases.some((known) => normalizeTerm(known) === key)) {
          base.aliases.push(alias)
        }
        owner.set(key, base)
      }
      for (const [locale, forms] of Object.entries(entry.wrong)) {
        const known = (base.wrong[locale] ??= [])
        for (const form of forms) if (!known.includes(form)) known.push(form)
      }
      for (const [locale, forms] of Object.entries(entry.short ?? {})) {
        const known = ((base.short ??= {})[locale] ??= [])
        for (const form of forms) if (!known.includes(form)) known.push(form)
      }
      if (base.note === undefined && entry.note !== undefined) base.note = entry.note
      if (entry.marked) base.marked = true
    }
  }
  if (problems.length > 0) throw glossaryError(problems)
  // Inflection rules: a later file's rule for a locale replaces an earlier one.
  // Copied, like the entries: a caller may change what it got without reaching the next load.
  const inflection = structuredClone(Object.assign({}, ...list.map((glossary) => glossary.inflection ?? {}))) as Record<string, InflectionRule>
  return { entries, files, version: glossaryVersion(entries), ...(Object.keys(inflection).length > 0 ? { inflection } : {}) }
}

/** A copy of an entry whose lists a merge may extend without touching the original's. */
function cloneEntry(entry: GlossaryEntry): GlossaryEntry {
  const copy: GlossaryEntry = { ...entry, aliases: [...entry.aliases], targets: { ...entry.targets }, wrong: copyForms(entry.wrong) }
  if (entry.short) copy.short = copyForms(entry.short)
  return copy
}

function copyForms(forms: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const copy: Record<string, string[]> = {}
  for (const [locale, list] of Object.entries(forms)) copy[locale] = [...list]
  return copy
}

// ── Loading ──────────────────────────────────────────────────────────────────

/**
 * Glossary files parsed in this process, by path and text. A process that loads the same
 * files again (a library caller, the review server's commands, the test suite running many
 * commands in one process) parses and validates each text once: the YAML parse with
 * positions is most of a load. An edited file is another text and is parsed anew; a file
 * with problems is never kept, so its error is reported every time. The kept glossaries
 * are never handed out: {@link mergeGlossaries} copies every entry and inflection rule it returns.
 */
const parsedFiles = new BoundedCache<string, Glossary>(8)

/**
 * Reads, parses and merges glossary files in order. A missing file is `E_NOT_FOUND`;
 * problems in several files are reported together in one `E_GLOSSARY` error. A text
 * already parsed in this process is not parsed again (see {@link parsedFiles}).
 */
export async function loadGlossaryFiles(paths: readonly string[]): Promise<Glossary> {
  const glossaries: Glossary[] = []
  const problems: GlossaryProblem[] = []
  for (const path of paths) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw new L10nError('E_NOT_FOUND', { file: path, cause: error })
      if (code === 'EISDIR') throw new L10nError('E_IS_DIRECTORY', { file: path, cause: error })
      throw new L10nError('E_IO', { file: path, cause: error, params: { detail: (error as Error).message } })
    }
    try {
      glossaries.push(parsedFiles.get(`${path}\0${text}`, () => parseGlossary(text, path)))
    } catch (error) {
      if (!isL10nError(error, 'E_GLOSSARY')) throw error
      problems.push(...((error.params.problems as GlossaryProblem[] | undefined) ?? []))
    }
  }
  if (problems.length > 0) throw glossaryError(problems)
  return mergeGlossaries(glossaries)
}
