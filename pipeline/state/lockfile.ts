/**
 * lockfile: `l10n.lock.yaml`, the record of what each translation was made from and who
 * approved it, per article × target locale × section. Pure parse and serialize; the
 * orchestrator reads and writes it under a run lock, atomically.
 *
 * The text is friendly to git merges: articles and locales sorted, block style, one
 * field per line, fields in a fixed order.
 */
import { stringify } from 'yaml'
import { z } from 'zod'
import { L10nError } from '../shared/errors.ts'
import { message, type Message } from '../shared/i18n.ts'
import { parseYaml } from '../shared/place.ts'
import { describeValue, mismatchesOf, valueAt, type Mismatch } from '../shared/validation.ts'
import { load as loadYamlData } from 'js-yaml'
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path'

/** Review state of a section's translation. */
export type SectionStatus = 'draft' | 'approved'

/** One section of one translation. */
export interface LockSection {
  /** Content hash of the source section the translation was made from. */
  sourceHash: string
  /** Content hash of the translated section as written (or as approved). */
  translationHash: string
  status: SectionStatus
  /** Source and translation hashes at the last approval: what a reviewer diffs against. */
  approvedSourceHash?: string
  approvedTranslationHash?: string
  approvedBy?: string
  approvedAt?: string
  model?: string
  promptHash?: string
  /** Hash of the locked forms of the glossary entries this section contains. */
  glossaryHash?: string
  /** Error findings when it was translated: such a draft is translated again on the next run. */
  errors?: number
  /**
   * A reviewer sent the section back: it is translated again on the next run, and this
   * note goes to the model with it. The new draft's record has no note.
   */
  note?: string
}

/** The frontmatter values of one translation (title, description, keywords...). */
export interface LockFrontmatter {
  /** Hash of the source's translatable strings the translation was made from. */
  sourceHash: string
  /** Hash of the output's translatable strings as written (or as approved). */
  translationHash: string
  status: SectionStatus
  /** Error findings when it was translated: translated again on the next run. */
  errors?: number
  /** Both hashes at the last approval; the strings are kept under them in `.l10n/texts/`. */
  approvedSourceHash?: string
  approvedTranslationHash?: string
  approvedBy?: string
  approvedAt?: string
}

/**
 * What lets `status` (and sync's plan) answer for an unchanged pair from the record alone,
 * without parsing the source or the output (a fresh checkout has no `.l10n/status/`): the
 * status of the pair as written was verified to follow from this record, and holds while
 * the source's hash is `source`, the output's is `outputHash`, the record is the one sealed
 * (`record`: a hash of its other fields) and the settings are the same (`settings`).
 */
export interface LockSeal {
  /** Hash of the whole source file the output was made from. */
  source: string
  /** Hash of the settings the status was judged with (glossary, frontmatter policy, output paths, l10n version). */
  settings: string
  /** Hash of the rest of the record as sealed: an approval or a note since then breaks the seal. */
  record: string
  /** Each source section's heading (null: the preamble), as `status` shows them. */
  headings: (string | null)[]
  /** The source's name coverage (with a glossary), with a hash of the glossary and open proposals it was counted against. */
  names?: { inputs: string; names: number; locked: number; proposed: number; notCovered: number; uncovered: string[] }
}

/** One article × locale. */
export interface LockTranslation {
  /** Output path, relative to the lockfile's folder. */
  output: string
  /** Hash of the whole output file as last written by l10n (finishes an interrupted write). */
  outputHash?: string
  frontmatter?: LockFrontmatter
  sections: LockSection[]
  /** See {@link LockSeal}: written by a run for a pair whose status follows from the record. */
  seal?: LockSeal
}

/** The whole lockfile: source path (relative) → locale code → translation. */
export interface Lockfile {
  version: 1
  articles: Record<string, Record<string, LockTranslation>>
}

/** An empty lockfile. */
export function emptyLockfile(): Lockfile {
  return { version: 1, articles: {} }
}

const SECTION_FIELDS: (keyof LockSection)[] = [
  'sourceHash',
  'translationHash',
  'status',
  'approvedSourceHash',
  'approvedTranslationHash',
  'approvedBy',
  'approvedAt',
  'model',
  'promptHash',
  'glossaryHash',
  'errors',
  'note',
]
const FRONTMATTER_FIELDS: (keyof LockFrontmatter)[] = ['sourceHash', 'translationHash', 'status', 'errors', 'approvedSourceHash', 'approvedTranslationHash', 'approvedBy', 'approvedAt']

function ordered<T extends object>(value: T, fields: (keyof T)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of fields) if (value[field] !== undefined) out[field as string] = value[field]
  return out
}

const SEAL_FIELDS: (keyof LockSeal)[] = ['source', 'settings', 'record', 'headings', 'names']
const NAMES_FIELDS: (keyof NonNullable<LockSeal['names']>)[] = ['inputs', 'names', 'locked', 'proposed', 'notCovered', 'uncovered']

function sealFields(seal: LockSeal): Record<string, unknown> {
  return { ...ordered(seal, SEAL_FIELDS), ...(seal.names ? { names: ordered(seal.names, NAMES_FIELDS) } : {}) }
}

const HEADER = '# l10n.lock.yaml: written by l10n (translate, approve). Commit it with the translations.\n# It records what each translated section was made from and who approved it.\n'

/** Serializes a lockfile deterministically (sorted articles and locales, fixed field order). */
export function serializeLockfile(lock: Lockfile): string {
  const articles: Record<string, unknown> = {}
  for (const source of Object.keys(lock.articles).sort()) {
    const locales: Record<string, unknown> = {}
    for (const code of Object.keys(lock.articles[source]!).sort()) {
      const entry = lock.articles[source]![code]!
      locales[code] = {
        output: entry.output,
        ...(entry.outputHash ? { outputHash: entry.outputHash } : {}),
        ...(entry.frontmatter ? { frontmatter: ordered(entry.frontmatter, FRONTMATTER_FIELDS) } : {}),
        sections: entry.sections.map((section) => ordered(section, SECTION_FIELDS)),
        ...(entry.seal ? { seal: sealFields(entry.seal) } : {}),
      }
    }
    articles[source] = locales
  }
  return HEADER + stringify({ version: 1, articles }, { lineWidth: 0, indent: 2, defaultStringType: 'PLAIN' })
}

// ── Reading ──────────────────────────────────────────────────────────────────

/** An optional field; written empty (`approvedBy:`) it counts as absent. */
const optional = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined)
const hash = z.string()
const statusSchema = z.enum(['draft', 'approved'])
const errorsSchema = optional(z.int().min(0))

const approvalFields = {
  approvedSourceHash: optional(hash),
  approvedTranslationHash: optional(hash),
  approvedBy: optional(z.string()),
  approvedAt: optional(z.string()),
}

const sectionSchema = z.object({
  sourceHash: hash,
  translationHash: hash,
  status: statusSchema,
  ...approvalFields,
  model: optional(z.string()),
  promptHash: optional(hash),
  glossaryHash: optional(hash),
  errors: errorsSchema,
  note: optional(z.string()),
})

const frontmatterSchema = z.object({ sourceHash: hash, translationHash: hash, status: statusSchema, errors: errorsSchema, ...approvalFields })

const count = z.int().min(0)
const sealSchema = z.object({
  source: hash,
  settings: hash,
  record: hash,
  headings: z.array(z.string().nullable()),
  names: optional(z.object({ inputs: hash, names: count, locked: count, proposed: count, notCovered: count, uncovered: z.array(z.string()) })),
})

const translationSchema = z.object({
  output: z.string(),
  outputHash: optional(hash),
  frontmatter: optional(frontmatterSchema),
  sections: z.array(sectionSchema),
  seal: optional(sealSchema),
})

const lockfileSchema = z.object({
  version: z.literal(1),
  // A source written with no locales under it (`a.md:`) has none.
  articles: z.record(z.string(), z.record(z.string(), translationSchema).nullable().transform((locales) => locales ?? {})),
}) satisfies z.ZodType<Lockfile, unknown>

/** The message of one mismatch: the lockfile's own words where they say more. */
function problemText(mismatch: Mismatch, data: unknown): Message {
  const { path } = mismatch
  // The root, `version` or `articles`: this is not a lockfile at all.
  if (path.length <= 1) return message('lockfile:bad-shape')
  const [, source, locale, field] = path
  const value = valueAt(data, path)
  if (path.length === 3 || (path.length === 4 && (field === 'output' || field === 'sections') && value === undefined)) {
    return message('lockfile:bad-entry', { source: String(source), locale: String(locale) })
  }
  if (path[path.length - 1] === 'status' && value !== undefined && value !== null) {
    return message('lockfile:bad-status', { value: typeof value === 'string' ? value : describeValue(value) })
  }
  return mismatch.message
}

/**
 * Parses a lockfile. Damaged YAML, or any field of the wrong shape (a mistyped status
 * must not silently demote an approval to a draft), is `E_LOCKFILE` at the file, line
 * and column of the problem, naming the field, what was expected and what was found.
 */
export function parseLockfile(text: string, file: string): Lockfile {
  return parsePlaced(text, file, lockfileSchema, problemText, () => emptyLockfile() as z.output<typeof lockfileSchema>)
}

/** Path of a file relative to the lockfile's folder, with `/` separators (stable across machines). */
export function lockKey(lockfile: string, path: string): string {
  return relative(dirname(lockfile), resolve(path)).split(sep).join('/')
}

// ── One record per article × locale ─────────────────────────────────────────
//
// The lockfile of a site is a small index (`version: 2`, the folder of the records) and
// one record file per article × locale in that folder. A run rewrites only the records of
// the articles it translated; two pull requests for different articles (or for different
// locales of one article) touch different files, and the index never changes after it is
// written, so it is no hot spot. A `version: 1` file (everything in one file) is still read.

/** The index of the per-record layout: where the records are. */
export interface LockIndex {
  version: 2
  /** Folder of the record files, relative to the index's folder, `/`-separated. */
  records: string
}

/** One record file: which article × locale it is, and its translation record. */
export interface LockRecord {
  source: string
  locale: string
  entry: LockTranslation
}

/** The records folder named after the index: `l10n.lock.yaml` → `l10n.lock`, `x.lock` → `x.lock.d`. */
export function defaultRecordsFolder(indexPath: string): string {
  const name = basename(indexPath)
  const stem = name.replace(/\.ya?ml$/i, '')
  return stem === name ? `${name}.d` : stem
}

const INDEX_HEADER =
  '# l10n lockfile index: written by l10n. Commit it with the translations.\n' +
  '# The records (one file per article × locale) are in the folder named below; this file\n' +
  '# does not change when they do, so pull requests for different articles never conflict.\n'

/** The text of an index. */
export function serializeLockIndex(index: LockIndex): string {
  return INDEX_HEADER + stringify({ version: 2, records: index.records }, { lineWidth: 0, defaultStringType: 'PLAIN' })
}

/** True when a lockfile's text is an index (`version: 2`) rather than a whole lockfile. */
export function isLockIndex(text: string): boolean {
  return /^version:[ \t]*2[ \t]*(?:#.*)?$/m.test(text)
}

const indexSchema = z.object({
  version: z.literal(2),
  // Inside the index's folder: a record written outside it would escape the repository.
  records: z
    .string()
    .min(1)
    .refine((path) => !isAbsolute(path) && !path.split(/[\\/]/).includes('..')),
}) satisfies z.ZodType<LockIndex, unknown>

const recordSchema = z.object({ source: z.string().min(1), locale: z.string().min(1), ...translationSchema.shape })

/** A placed YAML text checked against `schema`; E_LOCKFILE at the first problem. */
function parsePlaced<S extends z.ZodType>(text: string, file: string, schema: S, problem: (mismatch: Mismatch, data: unknown) => Message, empty?: () => z.output<S>): z.output<S> {
  // A merge that left conflict markers is no YAML problem to show as one: say what it is, where.
  const conflict = /^(?:<{7}|={7}|>{7})(?: |$)/m.exec(text)
  if (conflict) {
    const line = text.slice(0, conflict.index).split('\n').length
    throw new L10nError('E_LOCKFILE', { file, line, column: 1, params: { detail: message('lockfile:merge-conflict', { line }) } })
  }
  const yaml = parseYaml(text)
  const syntax = yaml.syntaxErrors[0]
  // l10n writes whole files that end in a newline; one cut off mid-line was truncated.
  const cutOff = text.length > 0 && !text.endsWith('\n')
  const lastLine = text.split('\n').length
  if (syntax) {
    // A syntax error on the last line of a file that ends mid-line: it was cut off there.
    const detail = cutOff && syntax.line >= lastLine ? message('lockfile:truncated', { detail: syntax.detail, line: lastLine }) : syntax.detail
    throw new L10nError('E_LOCKFILE', { file, line: syntax.line, column: syntax.column, params: { detail } })
  }
  if (yaml.document.contents === null && empty) return empty()
  const data: unknown = yaml.document.contents === null ? undefined : yaml.document.toJS()
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const placed = mismatchesOf(result.error, data)
    .map((mismatch) => ({ mismatch, offset: yaml.offsetOf(mismatch.path, { key: mismatch.key }) }))
    .sort((a, b) => a.offset - b.offset)
  const first = placed[0]!
  const place = yaml.placeAt(first.offset)
  const detail = problem(first.mismatch, data)
  throw new L10nError('E_LOCKFILE', {
    file,
    line: place.line,
    column: place.column,
    params: { detail: cutOff ? message('lockfile:truncated', { detail, line: lastLine }) : detail, field: first.mismatch.field },
  })
}

/** Parses an index (`version: 2`); E_LOCKFILE at the file, line and column of a problem. */
export function parseLockIndex(text: string, file: string): LockIndex {
  return parsePlaced(text, file, indexSchema, (mismatch, data) => {
    if (mismatch.path.length === 0 || mismatch.path[0] === 'version') return message('lockfile:bad-index')
    const value = valueAt(data, mismatch.path)
    return mismatch.path[0] === 'records' && typeof value === 'string' && value !== '' ? message('lockfile:records-outside', { path: value }) : mismatch.message
  })
}

/** Serializes one record deterministically (fixed field order, like the whole lockfile). */
export function serializeLockRecord(record: LockRecord): string {
  const { entry } = record
  const header = `# l10n lock record of ${record.source} → ${record.locale}: written by l10n (translate, approve). Commit it with the translations.\n`
  return (
    header +
    stringify(
      {
        source: record.source,
        locale: record.locale,
        output: entry.output,
        ...(entry.outputHash ? { outputHash: entry.outputHash } : {}),
        ...(entry.frontmatter ? { frontmatter: ordered(entry.frontmatter, FRONTMATTER_FIELDS) } : {}),
        sections: entry.sections.map((section) => ordered(section, SECTION_FIELDS)),
        ...(entry.seal ? { seal: sealFields(entry.seal) } : {}),
      },
      { lineWidth: 0, indent: 2, defaultStringType: 'PLAIN' },
    )
  )
}

/** The data of a YAML text as js-yaml reads it (core schema, duplicate keys refused), or undefined when it refuses it. */
function quickYamlData(text: string): unknown {
  try {
    return loadYamlData(text)
  } catch {
    return undefined
  }
}

/**
 * Parses one record file. Like a whole lockfile, any field of the wrong shape is
 * `E_LOCKFILE` at the file, line and column of the problem.
 */
export function parseLockRecord(text: string, file: string): LockRecord {
  // A status of a whole site reads thousands of records: js-yaml gives their data about ten
  // times faster than the document model of `yaml` (which keeps every node's range and
  // comments, for placing problems). Both read YAML 1.2's core schema alike; a record
  // js-yaml refuses, or whose data does not pass the schema, goes through the full parser,
  // which places the problem at its line and column.
  const checked = text.startsWith('\uFEFF') ? undefined : recordSchema.safeParse(quickYamlData(text))
  if (checked?.success) {
    const { source, locale, ...entry } = checked.data
    return { source, locale, entry }
  }
  const data = parsePlaced(text, file, recordSchema, (mismatch, raw) => {
    const { path } = mismatch
    const value = valueAt(raw, path)
    if (path.length === 0) return message('lockfile:bad-record')
    if (path.length === 1 && value === undefined && (path[0] === 'source' || path[0] === 'locale' || path[0] === 'output' || path[0] === 'sections')) return message('lockfile:bad-record')
    if (path[path.length - 1] === 'status' && value !== undefined && value !== null) {
      return message('lockfile:bad-status', { value: typeof value === 'string' ? value : describeValue(value) })
    }
    return mismatch.message
  })
  const { source, locale, ...entry } = data
  return { source, locale, entry }
}

/** One path segment, escaped so that no source key leads outside the records folder. */
function escapeSegment(segment: string): string {
  const escaped = segment.replace(/%/g, '%25')
  return escaped === '..' ? '%2E%2E' : escaped === '.' ? '%2E' : escaped === '' ? '%' : escaped
}

/**
 * Where the record of `source` (a lockfile key) × `locale` lives inside the records
 * folder: the source's own path with `.<locale>.yaml` added, so the records mirror the
 * content tree (`src/a.md` → `src/a.md.en.yaml`). A locale code has no dot, so the name
 * is unambiguous; `..` segments (a source outside the lockfile's folder) are escaped.
 */
export function recordPath(source: string, locale: string): string {
  return `${source.split('/').map(escapeSegment).join('/')}.${escapeSegment(locale)}.yaml`
}
