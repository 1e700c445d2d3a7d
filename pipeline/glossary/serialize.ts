/**
 * Writing glossary entries as YAML: a whole glossary file (import), or entries appended
 * to an existing file with its comments and layout kept (accept, learn). Fields in the
 * order the shipped glossary uses; locales in the site's order. Pure.
 */
import { isMap, isSeq, parseDocument, stringify, type YAMLMap } from 'yaml'
import { LOCALES } from '../article/locales.ts'
import type { InflectionRule } from './inflect.ts'
import type { GlossaryEntry } from './model.ts'

/** The fields of an entry that a file says (not where it was read from). */
export type EntryText = Pick<GlossaryEntry, 'source' | 'aliases' | 'kind' | 'targets' | 'wrong'> & Partial<Pick<GlossaryEntry, 'short' | 'note' | 'marked'>>

const LOCALE_ORDER = new Map(LOCALES.map((locale, index) => [locale.code, index]))

/** A record with its keys in the site's locale order. */
export function byLocale<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(record).sort((a, b) => (LOCALE_ORDER.get(a) ?? 99) - (LOCALE_ORDER.get(b) ?? 99) || (a < b ? -1 : 1)).map((key) => [key, record[key]!]))
}

/** The plain YAML object of one entry. */
export function entryObject(entry: EntryText): Record<string, unknown> {
  const out: Record<string, unknown> = { source: entry.source }
  if (entry.aliases.length > 0) out.aliases = [...entry.aliases]
  out.kind = entry.kind
  if (entry.marked) out.marked = true
  if (Object.keys(entry.targets).length > 0) out.targets = byLocale(entry.targets)
  if (Object.keys(entry.wrong).length > 0) out.wrong = byLocale(entry.wrong)
  if (entry.short && Object.keys(entry.short).length > 0) out.short = byLocale(entry.short)
  if (entry.note !== undefined) out.note = entry.note
  return out
}

const OPTIONS = { lineWidth: 0, flowCollectionPadding: false } as const

/** A whole glossary file. */
export function glossaryYaml(entries: readonly EntryText[], sourceLocale = 'cn', inflection?: Record<string, InflectionRule>): string {
  return stringify(
    { sourceLocale, ...(inflection && Object.keys(inflection).length > 0 ? { inflection } : {}), entries: entries.map(entryObject) },
    OPTIONS,
  )
}

/**
 * The text of a glossary file with `entries` appended to its `entries:` list; comments,
 * quoting and the other entries stay as written. An empty text starts a new file.
 */
export function appendEntries(text: string, entries: readonly EntryText[], sourceLocale = 'cn'): string {
  if (text.trim() === '') return glossaryYaml(entries, sourceLocale)
  const document = parseDocument(text)
  const root: unknown = document.contents
  if (!isMap(root)) throw new TypeError('Expected a glossary document whose root is a mapping')
  const existing: unknown = root.get('entries', true)
  const list = isSeq(existing) ? existing : document.createNode([])
  if (!isSeq(existing)) root.set('entries', list)
  for (const entry of entries) list.items.push(document.createNode(entryObject(entry)))
  return document.toString(OPTIONS)
}

/**
 * The text of a glossary file with what `entries` add to its own entries of the same
 * source: missing targets, aliases, wrong and short forms (existing values are never
 * changed; `mergeGlossaries` has already refused conflicts). Returns the new text and
 * how many entries gained something.
 */
export function updateEntries(text: string, entries: readonly EntryText[]): { text: string; updated: number } {
  const document = parseDocument(text)
  const root: unknown = document.contents
  const list: unknown = isMap(root) ? root.get('entries', true) : undefined
  if (!isSeq(list)) return { text, updated: 0 }
  let updated = 0
  for (const entry of entries) {
    const item = list.items.find((node): node is YAMLMap => isMap(node) && String(node.get('source')) === entry.source)
    if (!item) continue
    let changed = false
    const plain = item.toJSON() as { aliases?: string[]; targets?: Record<string, string>; wrong?: Record<string, string[]>; short?: Record<string, string[]> }
    for (const [locale, form] of Object.entries(entry.targets)) {
      if (plain.targets?.[locale] !== undefined) continue
      if (!isMap(item.get('targets', true))) item.set('targets', document.createNode({}))
      ;(item.get('targets', true) as unknown as YAMLMap).set(locale, form)
      changed = true
    }
    const aliases = entry.aliases.filter((alias) => !(plain.aliases ?? []).includes(alias))
    if (aliases.length > 0) {
      item.set('aliases', document.createNode([...(plain.aliases ?? []), ...aliases], { flow: true }))
      changed = true
    }
    // Per-locale lists gain the forms they lack: wrong forms, short forms.
    for (const field of ['wrong', 'short'] as const) {
      for (const [locale, forms] of Object.entries(entry[field] ?? {})) {
        const known = plain[field]?.[locale] ?? []
        const extra = forms.filter((form) => !known.includes(form))
        if (extra.length === 0) continue
        if (!isMap(item.get(field, true))) item.set(field, document.createNode({}))
        ;(item.get(field, true) as unknown as YAMLMap).set(locale, document.createNode([...known, ...extra], { flow: true }))
        changed = true
      }
    }
    if (changed) updated++
  }
  return { text: updated > 0 ? document.toString(OPTIONS) : text, updated }
}
