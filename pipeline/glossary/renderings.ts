/**
 * How a translation rendered the names of its source: the marks survive translation
 * (a bold name stays bold, a title in 《》 or italics becomes italics), so within a pair
 * of paragraphs the k-th marked name of the source is the k-th marked span of the
 * translation. Paragraphs whose marks do not line up are left out rather than guessed.
 * Pure. `audit` and `learn` build on it.
 */
import type { Nodes } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { parseMarkdown } from '../article/markdown.ts'
import { normalizeTerm } from './match.ts'
import { MARKED_SIGNALS, nameOccurrences } from './names.ts'

/** One name of a source section and the span that renders it in the translation. */
export interface Rendering {
  source: string
  rendering: string
}

/** Paragraph-like blocks in document order (list items' paragraphs and table cells included). */
function blocks(markdown: string): Nodes[] {
  const out: Nodes[] = []
  const walk = (node: Nodes) => {
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') return void out.push(node)
    if (node.type === 'code' || node.type === 'html') return
    if ('children' in node) for (const child of node.children as Nodes[]) walk(child)
  }
  walk(parseMarkdown(markdown))
  return out
}

/** The strong and emphasis spans of a translated block, outermost only, in order. */
function markedSpans(block: Nodes): string[] {
  const out: string[] = []
  const walk = (node: Nodes) => {
    if (node.type === 'strong' || node.type === 'emphasis') return void out.push(toString(node).replace(/\s+/g, ' ').trim())
    if ('children' in node) for (const child of node.children as Nodes[]) walk(child)
  }
  walk(block)
  return out
}

/**
 * The renderings of the marked names of a source section in its translation. A name
 * written as `**《X》**` counts once. Generic terms are left out.
 */
export function sectionRenderings(sourceMarkdown: string, targetMarkdown: string): Rendering[] {
  const source = blocks(sourceMarkdown)
  const target = blocks(targetMarkdown)
  if (source.length !== target.length) return []
  const out: Rendering[] = []
  source.forEach((block, index) => {
    const start = block.position?.start.offset ?? 0
    const end = block.position?.end.offset ?? 0
    const names = nameOccurrences(sourceMarkdown.slice(start, end)).filter((occurrence) => occurrence.signals.some((signal) => MARKED_SIGNALS.has(signal)))
    // Occurrences come in order of their signal groups; marks are compared in text order.
    names.sort((a, b) => a.offset - b.offset)
    const spans = markedSpans(target[index]!)
    if (names.length === 0 || names.length !== spans.length) return
    names.forEach((name, k) => {
      if (name.kind !== 'term' && spans[k]!.length > 0) out.push({ source: name.text, rendering: spans[k]! })
    })
  })
  return out
}

/** Renderings grouped by the normalized source name: each distinct rendering with how often it occurs. */
export function groupRenderings(renderings: Iterable<Rendering & { file: string }>): Map<string, { source: string; forms: Map<string, { form: string; count: number; files: Set<string> }> }> {
  const groups = new Map<string, { source: string; forms: Map<string, { form: string; count: number; files: Set<string> }> }>()
  for (const { source, rendering, file } of renderings) {
    const key = normalizeTerm(source)
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { source, forms: new Map() }))
    const formKey = normalizeTerm(rendering)
    let form = group.forms.get(formKey)
    if (!form) group.forms.set(formKey, (form = { form: rendering, count: 0, files: new Set() }))
    form.count++
    form.files.add(file)
  }
  return groups
}
