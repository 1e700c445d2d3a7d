/**
 * Markdown as a reviewer reads it: rendered to HTML (mdast → hast → HTML with the
 * unified packages), with a diff against an earlier version and marks (glossary names)
 * laid over the text. Pure: strings in, an HTML fragment out.
 *
 * Nothing in the content is trusted: articles and model answers may carry `<script>`.
 * Raw HTML in the Markdown is shown as code (visible text, never markup), link URLs other
 * than http(s), mailto, fragments and relative paths are dropped, and images are shown
 * as their alt text and address, never loaded (the page fetches nothing from elsewhere).
 * Every text is escaped by `hast-util-to-html`.
 */
import type { Element, ElementContent, Nodes as HastNodes, Parents as HastParents, Root as HastRoot, Text as HastText } from 'hast'
import type { Nodes as MdastNodes, Parents as MdastParents, Root as MdastRoot, RootContent } from 'mdast'
import { toHtml } from 'hast-util-to-html'
import { toHast } from 'mdast-util-to-hast'
import { parseMarkdown } from '../article/markdown.ts'
import type { LocaleInfo } from '../article/locales.ts'
import { diffText } from './diff.ts'

/** A range of the rendered text to wrap in an element (`mark` for names, `ins` for diffs). */
export interface TextMark {
  /** Offsets into {@link renderedText} of the Markdown. */
  start: number
  end: number
  className: string
  /** Shown on hover. */
  title?: string
}

/** Options of {@link renderMarkdownHtml}. */
export interface MarkdownHtmlOptions {
  /**
   * The earlier version (Markdown, or its parsed blocks): removed text shows struck
   * through, added text underlined. Undefined: no diff.
   */
  before?: Markdown | undefined
  /** Script of the text, for the diff's tokens (words, or CJK words by `Intl.Segmenter`). */
  script: LocaleInfo['script']
  /** Marks to lay over the rendered text (given that text, see {@link renderedText}). */
  marks?: (text: string) => TextMark[]
}

/** Markdown text, or top-level blocks already parsed from it (each fragment is parsed once). */
export type Markdown = string | readonly RootContent[]

const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/)|\.{1,2}\/|[^:/?#]*(?:[/?#]|$))/i

/** Raw HTML becomes code: shown as the text it is. */
function disarm(node: MdastNodes): void {
  if (!('children' in node)) return
  const parent = node as MdastParents
  parent.children = parent.children.map((child) => {
    if (child.type === 'html') {
      // Block-level HTML shows as a code block, inline HTML as inline code.
      return (parent.type === 'root' || parent.type === 'blockquote' || parent.type === 'listItem' || parent.type === 'footnoteDefinition'
        ? { type: 'code', lang: 'html', value: child.value, position: child.position }
        : { type: 'inlineCode', value: child.value, position: child.position }) as RootContent
    }
    disarm(child)
    return child
  }) as typeof parent.children
}

/** Drops unsafe link targets; images become their alt text and address (nothing is fetched). */
function sanitize(node: HastNodes): void {
  if (!('children' in node)) return
  const parent = node as HastParents
  parent.children = parent.children.map((child): ElementContent => {
    if (child.type !== 'element') return child as ElementContent
    if (child.tagName === 'img') {
      const alt = String(child.properties.alt ?? '')
      const src = String(child.properties.src ?? '')
      return { type: 'element', tagName: 'span', properties: { className: ['image'], title: src }, children: [{ type: 'text', value: `🖼 ${alt || src}` }] }
    }
    if (child.tagName === 'a') {
      const href = String(child.properties.href ?? '')
      if (!SAFE_URL.test(href)) delete child.properties.href
      // Clicking a link of the article leaves the page without telling the site the URL (and its token).
      else child.properties = { ...child.properties, rel: ['noreferrer', 'noopener'], target: '_blank' }
    }
    sanitize(child)
    return child
  })
}

/** The hast of a Markdown fragment, disarmed and sanitized. */
function markdownHast(markdown: Markdown): HastRoot {
  // Parsed blocks are copied: disarming rewrites the tree, and the caller's stays as it was.
  const tree: MdastRoot = typeof markdown === 'string' ? parseMarkdown(markdown) : { type: 'root', children: structuredClone([...markdown]) }
  disarm(tree)
  const hast = toHast(tree, { allowDangerousHtml: false, clobberPrefix: 'md-' }) as HastRoot
  sanitize(hast)
  return hast
}

/** Elements whose whitespace-only text children are layout, not text (marks there would be invalid HTML). */
const CONTAINERS = new Set(['root', 'ul', 'ol', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'blockquote', 'section', 'li'])

interface TextSlot {
  node: HastText
  parent: HastParents
  start: number
  /** A layout whitespace node: nothing is wrapped there. */
  layout: boolean
}

function textSlots(root: HastRoot): TextSlot[] {
  const slots: TextSlot[] = []
  let at = 0
  const walk = (parent: HastParents) => {
    for (const child of parent.children) {
      if (child.type === 'text') {
        const name = parent.type === 'root' ? 'root' : parent.type === 'element' ? parent.tagName : ''
        slots.push({ node: child, parent, start: at, layout: CONTAINERS.has(name) && child.value.trim() === '' })
        at += child.value.length
      } else if (child.type === 'element') walk(child)
    }
  }
  walk(root)
  return slots
}

/**
 * The text a rendered fragment shows, in document order: what diffs and marks are
 * computed on (so they never fall inside Markdown syntax).
 */
export function renderedText(markdown: Markdown): string {
  return textSlots(markdownHast(markdown))
    .map((slot) => slot.node.value)
    .join('')
}

/** Wraps text ranges in elements and puts removed text (`del`) where it was, splitting text nodes. */
function decorate(root: HastRoot, marks: readonly (TextMark & { tag: string })[], removals: readonly { at: number; text: string }[]): void {
  const slots = textSlots(root)
  const total = slots.reduce((sum, slot) => sum + slot.node.value.length, 0)
  const pending = [...removals].sort((a, b) => a.at - b.at)
  const del = (text: string): Element => ({ type: 'element', tagName: 'del', properties: {}, children: [{ type: 'text', value: text }] })
  const replacements = new Map<HastText, ElementContent[]>()
  slots.forEach((slot, slotIndex) => {
    const { node, start } = slot
    const end = start + node.value.length
    const last = slotIndex === slots.length - 1
    if (slot.layout) return
    const cuts = new Set([start, end])
    for (const mark of marks) for (const at of [mark.start, mark.end]) if (at > start && at < end) cuts.add(at)
    for (const removal of pending) if (removal.at > start && removal.at < end) cuts.add(removal.at)
    const points = [...cuts].sort((a, b) => a - b)
    const out: ElementContent[] = []
    const flushRemovals = (upTo: number, inclusive: boolean) => {
      while (pending.length > 0 && (inclusive ? pending[0]!.at <= upTo : pending[0]!.at < upTo)) out.push(del(pending.shift()!.text))
    }
    for (let k = 0; k + 1 < points.length; k++) {
      const [a, b] = [points[k]!, points[k + 1]!]
      flushRemovals(a, true)
      let content: ElementContent = { type: 'text', value: node.value.slice(a - start, b - start) }
      // Inner marks first, so `ins` (a diff) wraps the name marks inside it.
      const covering = marks.filter((mark) => mark.start <= a && mark.end >= b).sort((x, y) => (x.tag === 'ins' ? 1 : 0) - (y.tag === 'ins' ? 1 : 0))
      for (const mark of covering) {
        content = {
          type: 'element',
          tagName: mark.tag,
          properties: { ...(mark.className ? { className: mark.className.split(' ') } : {}), ...(mark.title ? { title: mark.title } : {}) },
          children: [content],
        }
      }
      out.push(content)
    }
    if (last) flushRemovals(total, true)
    replacements.set(node, out)
  })
  // Removals after the last wrappable text (a deleted last paragraph): at the end.
  if (pending.length > 0) root.children.push(...pending.map((removal) => del(removal.text)))
  for (const slot of slots) {
    const out = replacements.get(slot.node)
    if (!out) continue
    const index = slot.parent.children.indexOf(slot.node)
    slot.parent.children.splice(index, 1, ...(out as typeof slot.parent.children))
  }
}

/**
 * A Markdown fragment as safe HTML; with `before`, its diff against that version is laid
 * over the rendered text (`<ins>` added, `<del>` removed), and `marks` (glossary names)
 * inside it. Diffs compare the rendered text of both versions, so a reviewer sees which
 * words changed, not which asterisks.
 */
export function renderMarkdownHtml(markdown: Markdown, options: MarkdownHtmlOptions): string {
  const hast = markdownHast(markdown)
  const text = textSlots(hast)
    .map((slot) => slot.node.value)
    .join('')
  const marks: (TextMark & { tag: string })[] = (options.marks?.(text) ?? []).map((mark) => ({ ...mark, tag: 'mark' }))
  const removals: { at: number; text: string }[] = []
  if (options.before !== undefined && options.before !== markdown) {
    const parts = diffText(renderedText(options.before), text, options.script)
    let at = 0
    for (const part of parts) {
      if (part.kind === 'removed') {
        if (part.text.trim() !== '') removals.push({ at, text: part.text })
        continue
      }
      if (part.kind === 'added' && part.text.trim() !== '') marks.push({ start: at, end: at + part.text.length, className: '', tag: 'ins' })
      at += part.text.length
    }
  }
  decorate(hast, marks, removals)
  return toHtml(hast, { characterReferences: { useNamedReferences: true } })
}
