/**
 * References: `[text][label]`, `[label][]` and `[label]` (and their `![…]` image twins)
 * link through a definition `[label]: url` that may sit anywhere in the article. A
 * reference counts by its definition's URL; one whose label matches no definition is
 * not a link at all once rendered (the parser leaves it as text), so it counts as a
 * lost URL.
 */
import type { ImageReference, LinkReference, Nodes, ReferenceType } from 'mdast'
import { toString } from 'mdast-util-to-string'

/** Definition URLs by normalized identifier (what mdast's `identifier` holds). */
export type Definitions = ReadonlyMap<string, string>

/** A reference of a fragment, resolved or not. */
export interface Reference {
  offset: number
  image: boolean
  kind: ReferenceType
  /** As written (near enough): `[Another][]`, `![Poster][poster]`. */
  text: string
  /** The label, normalized (case and spacing do not count). */
  label: string
  /** Fragment offsets of the label of a full reference written as text: a label, not prose. */
  labelRange?: [number, number]
  /** The definition's URL; undefined when no definition matches. */
  url: string | undefined
}

/** A label as references match it: case and runs of white space do not count. */
export function normalizeLabel(label: string): string {
  return label.replace(/\s+/g, ' ').trim().toLowerCase()
}

/** The definitions of some nodes; as in CommonMark, the first of a label wins. */
export function definitionsIn(nodes: readonly Nodes[]): Map<string, string> {
  const definitions = new Map<string, string>()
  // A plain depth-first walk in document order (what `unist-util-visit` does, without its
  // per-node tests and parent stacks: it read every inline node of the whole article).
  // Definitions are block content: phrasing (paragraph, heading, cell content) holds none.
  const walk = (node: Nodes) => {
    if (node.type === 'definition') {
      if (!definitions.has(node.identifier)) definitions.set(node.identifier, node.url)
      return
    }
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell' || !('children' in node)) return
    for (const child of node.children as Nodes[]) walk(child)
  }
  for (const node of nodes) walk(node)
  return definitions
}

/** A reference node, resolved through `definitions`. */
export function resolveReference(node: LinkReference | ImageReference, offset: number, definitions: Definitions): Reference {
  const image = node.type === 'imageReference'
  const label = node.label ?? node.identifier
  const text = `${image ? '!' : ''}[${image ? (node.alt ?? '') : toString(node)}]`
  const suffix = node.referenceType === 'full' ? `[${label}]` : node.referenceType === 'collapsed' ? '[]' : ''
  return { offset, image, kind: node.referenceType, text: text + suffix, label: normalizeLabel(label), url: definitions.get(node.identifier) }
}

// `[text][label]`, `[label][]` or `[label]` left as text; `[^1]` is a footnote, `[x](` a broken inline link.
const REFERENCE_TEXT = /(!?)\[(?!\^)([^[\]\n]*[^[\]\s][^[\]\n]*)\](?:\[([^[\]\n]*)\])?(?![[(:])/g

/**
 * Reference syntax in a text node. The parser turns every reference that resolves into
 * a node, so what is left in text resolves to nothing.
 */
export function referencesInText(value: string, offset: number): Reference[] {
  // Most text nodes hold no bracket at all: the pattern needs one.
  if (!value.includes('[')) return []
  return [...value.matchAll(REFERENCE_TEXT)].map((match): Reference => {
    const full = match[3] !== undefined && match[3] !== ''
    const end = offset + match.index + match[0].length
    return {
      offset: offset + match.index,
      image: match[1] === '!',
      kind: match[3] === undefined ? 'shortcut' : full ? 'full' : 'collapsed',
      text: match[0],
      label: normalizeLabel(full ? match[3]! : match[2]!),
      ...(full ? { labelRange: [end - 1 - match[3]!.length, end - 1] } : {}),
      url: undefined,
    }
  })
}

/**
 * Where the target writes a source label as the label of a full reference
 * (`[Another][另一个]` for `[另一个][]`): the label is not shown, so a fragment that
 * lacks the definition keeps it untranslated rightly. Fragment offset ranges.
 */
export function keptLabels(source: readonly Reference[], target: readonly Reference[]): [number, number][] {
  const labels = new Set(source.map((reference) => reference.label))
  return target.flatMap((reference) => (reference.labelRange && labels.has(reference.label) ? [reference.labelRange] : []))
}

/**
 * The target's references that resolve to nothing, shown as `[Another][] (no
 * definition)`. Bracketed text (`[sic]`) looks like a shortcut reference, so it is
 * shown only when the source links with shortcut references too.
 */
export function unresolved(source: readonly Reference[], target: readonly Reference[], image: boolean): { offset: number; value: string }[] {
  const shortcuts = source.some((reference) => reference.image === image && reference.kind === 'shortcut' && reference.url !== undefined)
  return target
    .filter((reference) => reference.image === image && reference.url === undefined && (reference.kind !== 'shortcut' || shortcuts))
    .map((reference) => ({ offset: reference.offset, value: `${reference.text} (no definition)` }))
}
