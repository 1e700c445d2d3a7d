/**
 * The glossary: locked renderings of proper names per target locale, read from YAML
 * files such as `glossary/music.yaml`.
 *
 * Parsing is pure and reports every problem of a file at once, each with its
 * `file:line:column`, in one `E_GLOSSARY` error. Only {@link loadGlossaryFiles}
 * touches the disk.
 */
import { readFile } from 'node:fs/promises'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml'
import { L10nError, isL10nError } from '../shared/errors.ts'
import { t } from '../shared/i18n.ts'
import { LOCALES, findLocale } from '../article/locales.ts'
import { contentHash } from '../shared/hash.ts'
import { normalizeTerm } from './match.ts'

import {
  ENTRY_KINDS,
  glossaryVersion,
  type EntryKind,
  type Glossary,
  type GlossaryEntry,
} from './model.ts'

/** One problem in a glossary file. */
export interface GlossaryProblem {
  file: string
  line: number
  column: number
  message: string
}

const TOP_FIELDS = ['sourceLocale', 'entries'] as const
const ENTRY_FIELDS = ['source', 'aliases', 'kind', 'targets', 'wrong', 'note', 'marked'] as const
const LOCALE_CODES = LOCALES.map((locale) => locale.code)
/** Han, kana or Hangul: a `keep` term written in these cannot be kept in other locales. */
const CJK_TEXT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u

/** `file:line:column: message` */
export function formatProblem(problem: GlossaryProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`
}

/** The one error for a list of problems: placed at the first, listing all of them. */
export function glossaryError(problems: readonly GlossaryProblem[]): L10nError {
  const first = problems[0]
  if (!first) throw new TypeError('glossaryError needs at least one problem')
  // L10nError prefixes the place of the first problem; with several, list them all
  // below a header, each on its own line with its own place.
  const detail =
    problems.length === 1
      ? first.message
      : [t('glossary:problems', { count: problems.length }), ...problems.map(formatProblem)].join('\n')
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

/**
 * Parses and validates one glossary file. Throws one `E_GLOSSARY` {@link L10nError}
 * listing every problem (`file:line:column: problem` per line): YAML syntax, unknown
 * fields, missing or empty source, unknown kind, unknown locale codes, empty forms,
 * terms defined twice (also as source and alias), non-keep entries without targets,
 * and wrong forms equal to the locked form.
 */
export function parseGlossary(text: string, file: string): Glossary {
  const lineCounter = new LineCounter()
  const document = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true })
  const problems: GlossaryProblem[] = []
  const at = (offset: number | undefined, message: string) => {
    const place = lineCounter.linePos(offset ?? 0)
    problems.push({ file, line: place.line, column: place.col, message })
  }
  const atNode = (node: unknown, message: string) => at(offsetOf(node), message)

  for (const error of document.errors) {
    at(error.pos[0], t('glossary:yaml', { detail: error.message.split('\n')[0] }))
  }
  if (problems.length > 0) throw glossaryError(problems)

  const root = document.contents
  if (!isMap(root)) {
    atNode(root, t('glossary:not-mapping'))
    throw glossaryError(problems)
  }

  let entriesNode: unknown
  for (const pair of root.items) {
    const key = keyOf(pair)
    if (key === 'sourceLocale') {
      const value = scalarText(pair.value)
      if (value === undefined || !findLocale(value)) {
        atNode(pair.value ?? pair.key, unknownLocale(String(value ?? ''), 'sourceLocale'))
      }
    } else if (key === 'entries') {
      entriesNode = pair.value
    } else {
      atNode(pair.key, t('glossary:unknown-field', { field: key, known: TOP_FIELDS.join(', ') }))
    }
  }

  const entries: GlossaryEntry[] = []
  const sites = new Map<string, TermSite>()
  if (entriesNode === undefined || entriesNode === null) {
    atNode(root, t('glossary:no-entries'))
  } else if (!isSeq(entriesNode)) {
    atNode(entriesNode, t('glossary:entries-not-list'))
  } else {
    for (const item of entriesNode.items) {
      const entry = parseEntry(item, file, lineCounter, atNode)
      if (!entry) continue
      entries.push(entry.entry)
      for (const term of entry.terms) {
        const key = normalizeTerm(term.term)
        const earlier = sites.get(key)
        if (earlier) {
          atNode(term.node, t('glossary:duplicate-term', { term: term.term, other: `${earlier.file}:${earlier.line}` }))
        } else {
          const place = lineCounter.linePos(offsetOf(term.node) ?? 0)
          sites.set(key, { entry: entry.entry, term: term.term, file, line: place.line, column: place.col })
        }
      }
    }
  }

  if (problems.length > 0) throw glossaryError(problems)
  return { entries, files: [file], version: glossaryVersion(entries) }
}

function unknownLocale(locale: string, field: string): string {
  return t('glossary:unknown-locale', { locale, field, known: LOCALE_CODES.join(', ') })
}

function offsetOf(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as YamlNode).range
    if (range) return range[0]
  }
  return undefined
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
}

/** The text of a scalar string node, or undefined for anything else. */
function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined
}

/** A short description of what was found instead of text, for messages. */
function describe(node: unknown): string {
  if (node === null || node === undefined) return t('glossary:got-nothing')
  if (isScalar(node)) return JSON.stringify(node.value)
  if (isSeq(node)) return t('glossary:got-list')
  if (isMap(node)) return t('glossary:got-mapping')
  return String(node)
}

interface ParsedEntry {
  entry: GlossaryEntry
  terms: { term: string; node: unknown }[]
}

function parseEntry(
  item: unknown,
  file: string,
  lineCounter: LineCounter,
  atNode: (node: unknown, message: string) => void,
): ParsedEntry | undefined {
  if (!isMap(item)) {
    atNode(item, t('glossary:entry-not-mapping'))
    return undefined
  }
  const map = item as YAMLMap
  const fields = new Map<string, Pair>()
  for (const pair of map.items) {
    const key = keyOf(pair)
    if ((ENTRY_FIELDS as readonly string[]).includes(key)) fields.set(key, pair)
    else atNode(pair.key, t('glossary:unknown-field', { field: key, known: ENTRY_FIELDS.join(', ') }))
  }
  const line = lineCounter.linePos(offsetOf(map) ?? 0).line
  let ok = true
  const terms: ParsedEntry['terms'] = []

  // source
  const sourcePair = fields.get('source')
  let source = ''
  if (!sourcePair || sourcePair.value === null || sourcePair.value === undefined) {
    atNode(map, t('glossary:missing-source'))
    ok = false
  } else {
    const value = scalarText(sourcePair.value)
    if (value === undefined) {
      atNode(sourcePair.value, t('glossary:not-text', { field: 'source', got: describe(sourcePair.value) }))
      ok = false
    } else if (value.trim() === '') {
      atNode(sourcePair.value, t('glossary:empty-source'))
      ok = false
    } else {
      source = value.trim()
      terms.push({ term: source, node: sourcePair.value })
    }
  }
  const label = source || `#${line}`

  // aliases
  const aliases: string[] = []
  const aliasesPair = fields.get('aliases')
  if (aliasesPair && aliasesPair.value !== null) {
    if (!isSeq(aliasesPair.value)) {
      atNode(aliasesPair.value, t('glossary:not-list', { field: 'aliases' }))
      ok = false
    } else {
      for (const node of aliasesPair.value.items) {
        const value = scalarText(node)
        if (value === undefined) {
          atNode(node, t('glossary:not-text', { field: 'aliases', got: describe(node) }))
          ok = false
        } else if (value.trim() === '') {
          atNode(node, t('glossary:empty-alias', { source: label }))
          ok = false
        } else {
          aliases.push(value.trim())
          terms.push({ term: value.trim(), node })
        }
      }
    }
  }

  // kind
  const kindPair = fields.get('kind')
  let kind: EntryKind = 'term'
  let kindValid = false
  if (!kindPair || kindPair.value === null) {
    atNode(map, t('glossary:missing-kind', { source: label, known: ENTRY_KINDS.join(', ') }))
    ok = false
  } else {
    const value = scalarText(kindPair.value)
    if (value === undefined || !(ENTRY_KINDS as readonly string[]).includes(value)) {
      atNode(kindPair.value, t('glossary:unknown-kind', { kind: value ?? describe(kindPair.value), known: ENTRY_KINDS.join(', ') }))
      ok = false
    } else {
      kind = value as EntryKind
      kindValid = true
    }
  }

  // targets
  const targets: Record<string, string> = {}
  const targetsPair = fields.get('targets')
  let targetsWritten = 0
  if (targetsPair && targetsPair.value !== null) {
    if (!isMap(targetsPair.value)) {
      atNode(targetsPair.value, t('glossary:not-map', { field: 'targets' }))
      ok = false
      targetsWritten = -1
    } else {
      targetsWritten = targetsPair.value.items.length
      for (const pair of targetsPair.value.items) {
        const locale = keyOf(pair)
        if (!findLocale(locale)) {
          atNode(pair.key, unknownLocale(locale, 'targets'))
          ok = false
          continue
        }
        const value = scalarText(pair.value)
        if (value === undefined && (pair.value === null || (isScalar(pair.value) && pair.value.value === null))) {
          atNode(pair.value ?? pair.key, t('glossary:empty-target', { locale, source: label }))
          ok = false
        } else if (value === undefined) {
          atNode(pair.value, t('glossary:not-text', { field: `targets.${locale}`, got: describe(pair.value) }))
          ok = false
        } else if (value.trim() === '') {
          atNode(pair.value, t('glossary:empty-target', { locale, source: label }))
          ok = false
        } else {
          targets[locale] = value.trim()
        }
      }
    }
  }
  if (kindValid && kind !== 'keep' && targetsWritten === 0) {
    atNode(targetsPair?.value ?? map, t('glossary:no-targets', { source: label, kind }))
    ok = false
  }
  if (kind === 'keep' && source !== '' && CJK_TEXT.test(source) && Object.keys(targets).length === 0) {
    atNode(sourcePair?.value, t('glossary:keep-not-latin', { source }))
    ok = false
  }

  // wrong
  const wrong: Record<string, string[]> = {}
  const wrongPair = fields.get('wrong')
  if (wrongPair && wrongPair.value !== null) {
    if (!isMap(wrongPair.value)) {
      atNode(wrongPair.value, t('glossary:not-map', { field: 'wrong' }))
      ok = false
    } else {
      for (const pair of wrongPair.value.items) {
        const locale = keyOf(pair)
        if (!findLocale(locale)) {
          atNode(pair.key, unknownLocale(locale, 'wrong'))
          ok = false
          continue
        }
        // A single form may be written without brackets.
        const nodes: unknown[] = isSeq(pair.value) ? pair.value.items : [pair.value]
        const locked = targets[locale] ?? (kind === 'keep' ? source : undefined)
        const forms: string[] = []
        for (const node of nodes) {
          const value = scalarText(node)
          if (value === undefined) {
            atNode(node ?? pair.key, t('glossary:not-text', { field: `wrong.${locale}`, got: describe(node) }))
            ok = false
          } else if (value.trim() === '') {
            atNode(node, t('glossary:empty-wrong', { locale, source: label }))
            ok = false
          } else if (locked !== undefined && normalizeTerm(value) === normalizeTerm(locked)) {
            atNode(node, t('glossary:wrong-is-locked', { form: value.trim(), locale }))
            ok = false
          } else {
            forms.push(value.trim())
          }
        }
        if (forms.length > 0) wrong[locale] = forms
      }
    }
  }

  // note, marked
  let note: string | undefined
  const notePair = fields.get('note')
  if (notePair && notePair.value !== null) {
    note = scalarText(notePair.value)
    if (note === undefined) {
      atNode(notePair.value, t('glossary:not-text', { field: 'note', got: describe(notePair.value) }))
      ok = false
    }
  }
  let marked: boolean | undefined
  const markedPair = fields.get('marked')
  if (markedPair) {
    if (isScalar(markedPair.value) && typeof markedPair.value.value === 'boolean') marked = markedPair.value.value
    else {
      atNode(markedPair.value ?? markedPair.key, t('glossary:not-boolean', { field: 'marked', got: describe(markedPair.value) }))
      ok = false
    }
  }

  if (!ok && source === '') return undefined
  const entry: GlossaryEntry = {
    id: contentHash(source),
    source,
    aliases,
    kind,
    targets,
    wrong,
    ...(note !== undefined ? { note: note.trim() } : {}),
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
  const conflict = (entry: GlossaryEntry, message: string) =>
    problems.push({ file: entry.file, line: entry.line, column: 1, message })

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
        conflict(entry, t('glossary:merge-several', { source: entry.source, others }))
        continue
      }
      const [base] = [...earlier] as [GlossaryEntry]
      const where = `${base.file}:${base.line}`
      let clash = false
      if (base.kind !== entry.kind) {
        conflict(entry, t('glossary:merge-kind', { source: entry.source, ours: entry.kind, theirs: base.kind, other: where }))
        clash = true
      }
      for (const [locale, form] of Object.entries(entry.targets)) {
        const existing = base.targets[locale]
        if (existing !== undefined && normalizeTerm(existing) !== normalizeTerm(form)) {
          conflict(entry, t('glossary:merge-conflict', { source: entry.source, locale, ours: form, theirs: existing, other: where }))
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
      if (base.note === undefined && entry.note !== undefined) base.note = entry.note
      if (entry.marked) base.marked = true
    }
  }
  if (problems.length > 0) throw glossaryError(problems)
  return { entries, files, version: glossaryVersion(entries) }
}

function cloneEntry(entry: GlossaryEntry): GlossaryEntry {
  const wrong: Record<string, string[]> = {}
  for (const [locale, forms] of Object.entries(entry.wrong)) wrong[locale] = [...forms]
  return { ...entry, aliases: [...entry.aliases], targets: { ...entry.targets }, wrong }
}

// ── Loading ──────────────────────────────────────────────────────────────────

/**
 * Reads, parses and merges glossary files in order. A missing file is `E_NOT_FOUND`;
 * problems in several files are reported together in one `E_GLOSSARY` error.
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
      glossaries.push(parseGlossary(text, path))
    } catch (error) {
      if (!isL10nError(error, 'E_GLOSSARY')) throw error
      problems.push(...((error.params.problems as GlossaryProblem[] | undefined) ?? []))
    }
  }
  if (problems.length > 0) throw glossaryError(problems)
  return mergeGlossaries(glossaries)
}
