/**
 * keep-values: which translated frontmatter strings of an existing output stay, by
 * comparing the source's strings with those the lockfile recorded it was made from.
 */
import { translatableValues, valuesHash, type FrontmatterPolicy, type FrontmatterText } from '../article/frontmatter.ts'
import type { Article } from '../article/types.ts'
import type { LockTranslation } from '../state/lockfile.ts'
import type { OnDamaged } from '../state/records.ts'
import type { TextStore } from '../state/text-store.ts'

/** Frontmatter strings kept from the existing output, and which of them were kept as hand edits. */
export interface KeptValues {
  values: Map<string, string>
  handEdited: string[]
}

/** What {@link unchangedValues} compares. */
export interface KeepValuesOptions {
  /** The source's translatable strings now. */
  values: readonly FrontmatterText[]
  /** The existing output. */
  existing: Article
  record: LockTranslation | undefined
  policy: FrontmatterPolicy
  texts: TextStore
  /** Hand-edited strings over a changed source are translated again. */
  force: boolean
  /** Told about a damaged stored record (the strings are then translated again). */
  onDamaged?: OnDamaged
}

/**
 * Translated frontmatter strings to keep: every value whose source text is the same as
 * when the output was made — matched by text within its key, so inserting a keyword
 * does not make the others look changed — and, unless `force`, values edited by hand
 * even though their source changed (human edits win, as for sections).
 */
export async function unchangedValues(options: KeepValuesOptions): Promise<KeptValues | undefined> {
  const { values, existing, record, policy, texts, force, onDamaged } = options
  // A frontmatter whose translation failed is translated again.
  if (!record?.frontmatter || record.frontmatter.errors) return undefined
  const output = new Map(translatableValues(existing.frontmatter.yaml, policy).map((value) => [value.id, value.text]))
  if (record.frontmatter.sourceHash === valuesHash(values)) return { values: output, handEdited: [] }
  const beforePairs = await texts.getValues(record.frontmatter.sourceHash, onDamaged)
  if (beforePairs === undefined) return undefined
  const before = Object.fromEntries(beforePairs)
  const writtenPairs = await texts.getValues(record.frontmatter.translationHash, onDamaged)
  const written = writtenPairs === undefined ? undefined : Object.fromEntries(writtenPairs)
  const kept: KeptValues = { values: new Map(), handEdited: [] }
  const used = new Set<string>()
  for (const value of values) {
    const sameKey = (id: string) => id === value.key || id.startsWith(`${value.key}.`)
    const oldId = before[value.id] === value.text && !used.has(value.id) ? value.id : Object.keys(before).find((id) => sameKey(id) && before[id] === value.text && !used.has(id))
    if (oldId !== undefined && output.has(oldId)) {
      used.add(oldId)
      kept.values.set(value.id, output.get(oldId)!)
      continue
    }
    const current = output.get(value.id)
    if (!force && current !== undefined && written?.[value.id] !== undefined && written[value.id] !== current) {
      kept.values.set(value.id, current)
      kept.handEdited.push(value.id)
    }
  }
  return kept
}
