/**
 * lockfile: `l10n.lock.yaml`, the record of what each translation was made from and who
 * approved it, per article × target locale × section. Pure parse and serialize; the
 * orchestrator reads and writes it under a run lock, atomically.
 *
 * The text is friendly to git merges: articles and locales sorted, block style, one
 * field per line, fields in a fixed order.
 */
import { isMap, LineCounter, parseDocument, stringify } from 'yaml'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { dirname, relative, resolve, sep } from 'node:path'

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

/** One article × locale. */
export interface LockTranslation {
  /** Output path, relative to the lockfile's folder. */
  output: string
  /** Hash of the whole output file as last written by l10n (finishes an interrupted write). */
  outputHash?: string
  frontmatter?: LockFrontmatter
  sections: LockSection[]
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
]
const FRONTMATTER_FIELDS: (keyof LockFrontmatter)[] = ['sourceHash', 'translationHash', 'status', 'errors', 'approvedSourceHash', 'approvedTranslationHash', 'approvedBy', 'approvedAt']

function ordered<T extends object>(value: T, fields: (keyof T)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of fields) if (value[field] !== undefined) out[field as string] = value[field]
  return out
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
      }
    }
    articles[source] = locales
  }
  return HEADER + stringify({ version: 1, articles }, { lineWidth: 0, indent: 2, defaultStringType: 'PLAIN' })
}

/** Parses a lockfile; damaged YAML or a wrong shape is E_LOCKFILE naming file, line and column. */
export function parseLockfile(text: string, file: string): Lockfile {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter })
  const problem = document.errors[0]
  if (problem) {
    const place = lineCounter.linePos(problem.pos[0])
    throw new L10nError('E_LOCKFILE', { file, line: place.line, column: place.col, params: { detail: problem.message.split('\n')[0] } })
  }
  if (document.contents === null) return emptyLockfile()
  const data = document.toJS() as Partial<Lockfile> | null
  if (!isMap(document.contents) || !data || data.version !== 1 || typeof data.articles !== 'object' || data.articles === null) {
    throw new L10nError('E_LOCKFILE', { file, line: 1, column: 1, params: { detail: message('lockfile:bad-shape') } })
  }
  for (const [source, locales] of Object.entries(data.articles)) {
    for (const [code, entry] of Object.entries(locales ?? {})) {
      if (!entry || typeof entry.output !== 'string' || !Array.isArray(entry.sections)) {
        throw new L10nError('E_LOCKFILE', { file, line: 1, column: 1, params: { detail: message('lockfile:bad-entry', { source, locale: code }) } })
      }
      // A mistyped status must not silently demote an approval to a draft.
      for (const [index, section] of [...entry.sections.entries(), ...(entry.frontmatter ? [[-1, entry.frontmatter] as const] : [])]) {
        if (section.status !== 'draft' && section.status !== 'approved') {
          const node = document.getIn(['articles', source, code, ...(index === -1 ? ['frontmatter'] : ['sections', index]), 'status'], true) as { range?: [number] } | undefined
          const place = lineCounter.linePos(node?.range?.[0] ?? 0)
          throw new L10nError('E_LOCKFILE', { file, line: place.line, column: place.col, params: { detail: message('lockfile:bad-status', { value: String(section.status) }) } })
        }
      }
    }
  }
  return { version: 1, articles: data.articles as Lockfile['articles'] }
}

/** Path of a file relative to the lockfile's folder, with `/` separators (stable across machines). */
export function lockKey(lockfile: string, path: string): string {
  return relative(dirname(lockfile), resolve(path)).split(sep).join('/')
}
