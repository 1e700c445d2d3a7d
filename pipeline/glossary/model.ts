/**
 * The glossary's data model: what an entry says, and the form it locks per locale. Pure
 * and free of parsing, so term matching (`match.ts`) and loading (`load.ts`) both build
 * on it without importing each other.
 */
import { contentHash } from '../shared/hash.ts'
import { LOCALES, findLocale } from '../article/locales.ts'
import type { InflectionRule } from './inflect.ts'

/**
 * What a glossary entry names. `keep` terms are kept as written in every locale.
 * `ensemble` (orchestras, bands, choirs), `venue` (halls, theatres) and `award` (prizes,
 * competitions, festivals) are what a site-wide term base adds to people and works.
 */
export const ENTRY_KINDS = ['composer', 'performer', 'ensemble', 'studio', 'work', 'venue', 'award', 'term', 'keep'] as const
export type EntryKind = (typeof ENTRY_KINDS)[number]

/** One term of the glossary, as parsed. */
export interface GlossaryEntry {
  /** Stable id: content hash of `source`. */
  id: string
  /** The term as written in source articles. */
  source: string
  /** Variant spellings of the source term; matched like `source`. */
  aliases: string[]
  kind: EntryKind
  /** Locked form per target site locale code (`en`, `de`, `jp`, ...). */
  targets: Record<string, string>
  /** Known-wrong renderings per target site locale code. */
  wrong: Record<string, string[]>
  /**
   * Short forms per target site locale code (`Williams`, `Hisaishi`) that count as an
   * occurrence of the entry in a translation: a source that calls a composer by surname
   * the second time may be translated the same way.
   */
  short?: Record<string, string[]>
  note?: string
  /**
   * Match only where the term is written as a title (`《…》`, `「…」`, `“…”`, `*…*`):
   * for titles that are also everyday words (毕业生 "graduates").
   */
  marked?: boolean
  /** File the entry was read from, and the 1-based line where it starts. */
  file: string
  line: number
}

/** A parsed (possibly merged) glossary. */
export interface Glossary {
  entries: GlossaryEntry[]
  /** The files it was read from, in order. */
  files: string[]
  /** Content hash over all entries (see {@link entryHash}); changes when any entry does. */
  version: string
  /** Per target locale, how locked forms inflect (`inflection:` in the file); else the shipped rules. */
  inflection?: Record<string, InflectionRule>
}

/** The site code for a site code or a BCP 47 tag (`ja` → `jp`), or the input unchanged. */
export function siteLocaleCode(locale: string): string {
  if (findLocale(locale)) return locale
  const lower = locale.toLowerCase()
  return LOCALES.find((row) => row.tag.toLowerCase() === lower)?.code ?? locale
}

/**
 * The form an entry must take in `locale`: its target, or for `keep` entries the
 * source term itself (keep terms are already written in Latin script). Undefined
 * when the glossary has no form for that locale.
 */
export function lockedForm(entry: GlossaryEntry, locale: string): string | undefined {
  const code = siteLocaleCode(locale)
  const target = entry.targets[code]
  if (target !== undefined) return target
  return entry.kind === 'keep' ? entry.source : undefined
}

/** Content hash of what an entry says (not where it stands in its file). */
export function entryHash(entry: GlossaryEntry): string {
  const sorted = <T>(record: Record<string, T>) =>
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]])
  return contentHash(
    JSON.stringify([
      entry.source,
      entry.aliases,
      entry.kind,
      sorted(entry.targets),
      sorted(entry.wrong),
      ...(entry.short ? [sorted(entry.short)] : []),
      entry.note ?? null,
      entry.marked ?? false,
    ]),
  )
}

export function glossaryVersion(entries: readonly GlossaryEntry[]): string {
  return contentHash('glossary', ...entries.map(entryHash))
}
