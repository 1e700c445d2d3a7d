/**
 * The proposals file: glossary candidates waiting for a person's decision, in the same
 * entry shape as the glossary plus `status`, `count`, `articles`, `context` (and what
 * proposed the targets). Parsing validates everything and places each problem at
 * `file:line:column`; serializing is deterministic, so a file read and written back is
 * byte-identical. Pure.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Pair } from 'yaml'
import { findLocale } from '../article/locales.ts'
import { message, type Message } from '../shared/i18n.ts'
import { ENTRY_KINDS, type EntryKind } from './model.ts'
import { glossaryError, type GlossaryProblem } from './load.ts'
import type { NameSignal } from './names.ts'

/** Where a proposal stands. Accepted ones move to a glossary file; rejected ones stay, so they are not proposed again. */
export type ProposalStatus = 'proposed' | 'rejected'

/** One candidate entry. */
export interface Proposal {
  source: string
  aliases: string[]
  kind: EntryKind
  /** Proposed forms per target site locale (empty until `suggest`). */
  targets: Record<string, string>
  status: ProposalStatus
  /** Occurrences in all articles extracted from. */
  count: number
  articles: string[]
  /** One sentence it occurs in. */
  context: string
  /** A Latin form an article gives in parentheses. */
  given?: string
  /** Who proposed the targets: a model name, `article` (from the text itself) or `review` (learned from approved work). */
  suggestedBy?: Record<string, string>
  note?: string
  /** Rank of the candidate (higher: more likely a name). */
  score: number
  signals?: NameSignal[]
}

/** A parsed proposals file. */
export interface ProposalFile {
  sourceLocale: string
  proposals: Proposal[]
}

const FIELDS = ['source', 'aliases', 'kind', 'targets', 'status', 'count', 'articles', 'context', 'given', 'suggestedBy', 'note', 'score', 'signals'] as const
const STATUSES: readonly ProposalStatus[] = ['proposed', 'rejected']

/** The header comment every proposals file starts with, saying what it is. */
export const PROPOSALS_HEADER =
  '# Glossary proposals: names found in the articles, not yet locked.\n' +
  '# Targets here are proposals (see suggestedBy), not checked facts. Accept with\n' +
  '# `l10n glossary accept`, reject with `l10n glossary reject`, or edit by hand.\n'

/**
 * Parses a proposals file. Throws one `E_GLOSSARY` error listing every problem: YAML
 * syntax, unknown fields, kinds, statuses or locales, missing sources, wrong types.
 */
export function parseProposals(text: string, file: string): ProposalFile {
  const lineCounter = new LineCounter()
  const document = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, uniqueKeys: true })
  const problems: GlossaryProblem[] = []
  const at = (node: unknown, text: Message) => {
    const offset = node && typeof node === 'object' && 'range' in node ? ((node as { range?: [number] }).range?.[0] ?? 0) : 0
    const place = lineCounter.linePos(offset)
    problems.push({ file, line: place.line, column: place.col, message: text })
  }
  for (const error of document.errors) at({ range: error.pos }, message('glossary:yaml', { detail: error.message.split('\n')[0] }))
  if (problems.length > 0) throw glossaryError(problems)
  const root = document.contents
  if (!isMap(root)) {
    at(root, message('glossary:not-mapping'))
    throw glossaryError(problems)
  }
  let sourceLocale = 'cn'
  const proposals: Proposal[] = []
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    if (key === 'sourceLocale') {
      const value = isScalar(pair.value) ? String(pair.value.value) : ''
      if (!findLocale(value)) at(pair.value, message('glossary:unknown-locale', { locale: value, field: 'sourceLocale', known: '' }))
      sourceLocale = value
    } else if (key === 'entries') {
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue
      if (!isSeq(pair.value)) {
        at(pair.value, message('glossary:entries-not-list'))
        continue
      }
      for (const item of pair.value.items) {
        const proposal = parseProposal(item, at)
        if (proposal) proposals.push(proposal)
      }
    } else {
      at(pair.key, message('glossary:unknown-field', { field: key, known: 'sourceLocale, entries' }))
    }
  }
  if (problems.length > 0) throw glossaryError(problems)
  return { sourceLocale, proposals }
}

function parseProposal(item: unknown, at: (node: unknown, text: Message) => void): Proposal | undefined {
  if (!isMap(item)) {
    at(item, message('glossary:entry-not-mapping'))
    return undefined
  }
  const fields = new Map<string, Pair>()
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    if ((FIELDS as readonly string[]).includes(key)) fields.set(key, pair)
    else at(pair.key, message('glossary:unknown-field', { field: key, known: FIELDS.join(', ') }))
  }
  const js = (key: string) => {
    const value = fields.get(key)?.value
    return value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : isScalar(value) ? value.value : value
  }
  const node = (key: string) => fields.get(key)?.value ?? item
  let ok = true
  const text = (key: string, required: boolean): string | undefined => {
    const value = js(key)
    if (value === undefined || value === null) {
      if (required) {
        at(item, message('glossary:missing-source'))
        ok = false
      }
      return undefined
    }
    if (typeof value !== 'string' || (required && value.trim() === '')) {
      at(node(key), message('glossary:not-text', { field: key, got: JSON.stringify(value) }))
      ok = false
      return undefined
    }
    return value
  }
  const strings = (key: string): string[] => {
    const value = js(key)
    if (value === undefined || value === null) return []
    if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
      at(node(key), message('glossary:not-list', { field: key }))
      ok = false
      return []
    }
    return value as string[]
  }
  const record = (key: string): Record<string, string> => {
    const value = js(key)
    if (value === undefined || value === null) return {}
    if (typeof value !== 'object' || Array.isArray(value)) {
      at(node(key), message('glossary:not-map', { field: key }))
      ok = false
      return {}
    }
    const out: Record<string, string> = {}
    for (const [locale, form] of Object.entries(value as Record<string, unknown>)) {
      if (!findLocale(locale)) {
        at(node(key), message('glossary:unknown-locale', { locale, field: key, known: '' }))
        ok = false
      } else if (typeof form !== 'string' || form.trim() === '') {
        at(node(key), message('glossary:empty-target', { locale, source: text('source', false) ?? '' }))
        ok = false
      } else out[locale] = form
    }
    return out
  }
  const number = (key: string): number => {
    const value = js(key)
    if (value === undefined || value === null) return 0
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      at(node(key), message('glossary:not-number', { field: key, got: JSON.stringify(value) }))
      ok = false
      return 0
    }
    return value
  }
  const source = text('source', true)
  const kind = text('kind', false) ?? 'term'
  if (!(ENTRY_KINDS as readonly string[]).includes(kind)) {
    at(node('kind'), message('glossary:unknown-kind', { kind, known: ENTRY_KINDS.join(', ') }))
    ok = false
  }
  const status = text('status', false) ?? 'proposed'
  if (!(STATUSES as readonly string[]).includes(status)) {
    at(node('status'), message('glossary:unknown-status', { status, known: STATUSES.join(', ') }))
    ok = false
  }
  const proposal: Proposal = {
    source: source?.trim() ?? '',
    aliases: strings('aliases'),
    kind: kind as EntryKind,
    targets: record('targets'),
    status: status as ProposalStatus,
    count: number('count'),
    articles: strings('articles'),
    context: text('context', false) ?? '',
    score: number('score'),
  }
  const given = text('given', false)
  if (given !== undefined) proposal.given = given
  const suggestedBy = record('suggestedBy')
  if (Object.keys(suggestedBy).length > 0) proposal.suggestedBy = suggestedBy
  const note = text('note', false)
  if (note !== undefined) proposal.note = note
  const signals = strings('signals')
  if (signals.length > 0) proposal.signals = signals as NameSignal[]
  return ok && source ? proposal : undefined
}

/** The YAML object of one proposal, fields in a fixed order, empty ones left out. */
function plain(proposal: Proposal): Record<string, unknown> {
  const out: Record<string, unknown> = { source: proposal.source }
  if (proposal.aliases.length > 0) out.aliases = proposal.aliases
  out.kind = proposal.kind
  if (Object.keys(proposal.targets).length > 0) out.targets = sortedRecord(proposal.targets)
  out.status = proposal.status
  out.count = proposal.count
  out.articles = proposal.articles
  out.context = proposal.context
  if (proposal.given !== undefined) out.given = proposal.given
  if (proposal.suggestedBy) out.suggestedBy = sortedRecord(proposal.suggestedBy)
  if (proposal.note !== undefined) out.note = proposal.note
  out.score = proposal.score
  if (proposal.signals && proposal.signals.length > 0) out.signals = proposal.signals
  return out
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]!]))
}

/** Writes a proposals file: the header comment, then the proposals in the given order. */
export function serializeProposals(file: ProposalFile): string {
  const body = stringify(
    { sourceLocale: file.sourceLocale, entries: file.proposals.map(plain) },
    { lineWidth: 0, flowCollectionPadding: false, defaultStringType: 'PLAIN', collectionStyle: 'any' },
  )
  return PROPOSALS_HEADER + body
}

/**
 * Merges fresh candidates into a proposals file: a name already on file keeps its
 * decision, targets and note, and gets the fresh count, articles and context; new
 * names are appended. Order: the file's order, then the new ones in their rank.
 */
export function mergeProposals(existing: readonly Proposal[], fresh: readonly Proposal[], key: (text: string) => string): Proposal[] {
  const byKey = new Map(fresh.map((proposal) => [key(proposal.source), proposal]))
  const out: Proposal[] = []
  const used = new Set<string>()
  for (const old of existing) {
    const k = key(old.source)
    const update = byKey.get(k)
    used.add(k)
    out.push(update ? { ...old, count: update.count, articles: update.articles, context: update.context, score: update.score, ...(update.given && !old.given ? { given: update.given } : {}) } : old)
  }
  for (const proposal of fresh) if (!used.has(key(proposal.source))) out.push(proposal)
  return out
}
