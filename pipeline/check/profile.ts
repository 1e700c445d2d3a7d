/**
 * The profile of a fragment: everything the section rules compare (headings,
 * paragraphs, lists, tables, code, URLs, HTML, footnotes, emphasis, numbers, length),
 * collected in one walk of its mdast blocks.
 */
import type { Heading, Nodes, Paragraph, RootContent, TableCell } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { findLeftovers } from '../article/lint.ts'
import { extractNumbers, type NumberToken } from './numbers.ts'
import { definitionsIn, referencesInText, resolveReference, type Definitions, type Reference } from './references.ts'
import { lengthUnits } from './units.ts'

function isLeftoverText(text: string): boolean {
  const leftovers = findLeftovers(text)
  if (leftovers.length === 0) return false
  let rest = ''
  let at = 0
  for (const leftover of leftovers) {
    rest += text.slice(at, leftover.start)
    at = leftover.end
  }
  rest += text.slice(at)
  return rest.trim() === ''
}

function maskLeftovers(text: string): string {
  let masked = text
  for (const leftover of findLeftovers(text)) {
    masked = masked.slice(0, leftover.start) + ' '.repeat(leftover.end - leftover.start) + masked.slice(leftover.end)
  }
  return masked
}

/** A run of inline text: a paragraph, a heading or a table cell. */
export interface TextBlock {
  kind: 'paragraph' | 'heading' | 'cell'
  offset: number
  /** Text of its text nodes; inline code, HTML and footnote references are U+FFFC. */
  prose: string
  /** Where each text node starts in `prose`, and in the fragment. */
  segments: { at: number; offset: number }[]
  strong: number
  emphasis: number
  numbers: NumberToken[]
  codes: string[]
  urls: string[]
  /** Length units of text and inline code (`lengthUnits`: the length-ratio measure). */
  units: number
  /** Bold and italic spans, in order, with their text. */
  marks: { kind: 'strong' | 'emphasis'; text: string; offset: number }[]
  /** `<br>` tags in the block. */
  breaks: number
  /**
   * Inline HTML elements (`<b>…</b>`): the range of `prose` between the tags, and the
   * element as written (tags and prose between) to compare with the source's.
   */
  htmlElements: { start: number; end: number; markup: string }[]
  /** The mdast node the block was read from (none for blocks merged by {@link mergeBlocks}). */
  node?: Paragraph | Heading | TableCell
  /**
   * True when `prose` is the node's text as `mdast-util-to-string` gives it: only text
   * nodes wrote it (no inline code, HTML, line break, image alt, expression or footnote
   * reference, no autolink text, no leftover blanked). Article-wide rules then read the
   * prose instead of walking the node again.
   */
  asWritten: boolean
  /** True for a paragraph whose ancestors are block quotes and JSX elements only (what the article-wide text rules read). */
  topLevel: boolean
}

/** A value and its offset in the fragment. */
export interface Located<T> {
  offset: number
  value: T
}

/** What one walk of a fragment collects. */
export interface Profile {
  headings: Located<number>[]
  /** Every paragraph, heading and table cell. */
  blocks: TextBlock[]
  /**
   * Paragraphs outside lists: what `sections/paragraph-count` counts. A list's
   * paragraphs are its items, counted by the list rules, so one dropped item is one finding.
   */
  paragraphs: TextBlock[]
  lists: Located<number>[]
  tables: Located<string>[]
  code: Located<string>[]
  inlineCode: Located<string>[]
  /** Link URLs; a reference counts by its definition's URL, a definition not by itself. */
  links: Located<string>[]
  images: Located<string>[]
  /** Link and image references, and reference syntax left as text (unresolved). */
  references: Reference[]
  /** Image alt text and link, image and definition titles, one entry a node (a line each). */
  attributes: Located<string>[]
  html: Located<string>[]
  /** MDX components (`<Steps>`, `<Badge variant="x">`) and expressions, as compared: name and kept attributes. */
  jsx: Located<string>[]
  /** MDX `import`/`export` statements, whitespace and quotes normalized. */
  esm: Located<string>[]
  /** Each table's rows of cells (cell blocks, header row first). */
  tableRows: { offset: number; rows: TextBlock[][] }[]
  /** Each list's items, each item's blocks merged into one (prose, anchors, numbers, units). */
  listItems: { offset: number; items: TextBlock[] }[]
  footnoteReferences: number[]
  footnoteDefinitions: number[]
  strong: number[]
  emphasis: number[]
  /** Text nodes outside code and URL text. */
  texts: Located<string>[]
  numbers: NumberToken[]
  /** Length units of all text (see `lengthUnits`). */
  units: number
  /** All prose, blocks separated by blank lines (what glossary matching reads). */
  prose: string
}

/**
 * Stands in a block's prose for inline code, HTML, footnote references and autolink
 * text: the prose keeps a mark where they were, but their text is not read as prose.
 */
export const PLACEHOLDER = '\ufffc'

/** The fragment offset of a position in a block's prose. */
export function blockOffset(block: TextBlock, proseIndex: number): number {
  let segment = block.segments[0]
  for (const candidate of block.segments) {
    if (candidate.at > proseIndex) break
    segment = candidate
  }
  return segment ? segment.offset + (proseIndex - segment.at) : block.offset
}

// An inline HTML tag that opens an element, and one that closes it.
const OPENING_TAG = /^<([a-z][\w-]*)(?:\s[^>]*)?(?<!\/)>$/i
const CLOSING_TAG = /^<\/([a-z][\w-]*)\s*>$/i

/**
 * Walks blocks once. With `dropLeftovers`, paragraphs that are nothing but generator
 * leftovers are skipped whole and leftovers inside other text are blanked, so neither
 * counts: the translator leaves them out and the reference translation omits them.
 *
 * References resolve through `definitions`: the whole article's, or by default those
 * among `blocks`. Without any definition, references are not resolved (a fragment
 * translated on its own), so they count as no URL on either side.
 */
export function profile(blocks: readonly RootContent[], base: number, dropLeftovers: boolean, definitions: Definitions = definitionsIn(blocks)): Profile {
  const result: Profile = {
    headings: [],
    blocks: [],
    paragraphs: [],
    lists: [],
    tables: [],
    code: [],
    inlineCode: [],
    links: [],
    images: [],
    references: [],
    attributes: [],
    html: [],
    jsx: [],
    esm: [],
    tableRows: [],
    listItems: [],
    footnoteReferences: [],
    footnoteDefinitions: [],
    strong: [],
    emphasis: [],
    texts: [],
    numbers: [],
    units: 0,
    prose: '',
  }
  let block: TextBlock | undefined
  // Inline HTML tags open in the current block: name, where its content starts in the prose, the tag.
  let openTags: { name: string; start: number; tag: string }[] = []
  let listDepth = 0
  // Containers entered other than block quotes and JSX elements (see `TextBlock.topLevel`).
  let opaque = 0
  const proseParts: string[] = []

  const openBlock = (node: Paragraph | Heading | TableCell, offset: number): TextBlock => {
    const opened = emptyBlock(node.type === 'tableCell' ? 'cell' : node.type, offset)
    opened.node = node
    opened.asWritten = true
    opened.topLevel = node.type === 'paragraph' && opaque === 0 && listDepth === 0
    return opened
  }

  const addAttributes = (offset: number, ...values: (string | null | undefined)[]) => {
    const value = values.filter((item) => item).join('\n')
    if (value !== '') result.attributes.push({ offset, value })
  }

  // Pairs inline tags in the current block into elements.
  const inlineHtml = (current: TextBlock, value: string) => {
    const opening = OPENING_TAG.exec(value)
    if (opening) {
      current.prose += PLACEHOLDER
      openTags.push({ name: opening[1]!.toLowerCase(), start: current.prose.length, tag: value })
      return
    }
    const closing = CLOSING_TAG.exec(value)
    const index = closing ? openTags.map((tag) => tag.name).lastIndexOf(closing[1]!.toLowerCase()) : -1
    if (index !== -1) {
      const open = openTags[index]!
      openTags = openTags.slice(0, index)
      const end = current.prose.length
      current.htmlElements.push({ start: open.start, end, markup: open.tag + current.prose.slice(open.start, end) + value })
    }
    current.prose += PLACEHOLDER
  }

  const walk = (node: Nodes, linkUrl: string | undefined): void => {
    const offset = (node.position?.start.offset ?? base) - base
    // What `toString` reads of a node and the prose does not (its value, an image's alt):
    // the block's prose is then not its text as written.
    if (block && node.type !== 'text' && ('value' in node || ('alt' in node && node.alt))) block.asWritten = false
    switch (node.type) {
      case 'paragraph':
      case 'heading':
      case 'tableCell': {
        if (node.type === 'paragraph' && dropLeftovers && isLeftoverText(toString(node))) return
        if (node.type === 'heading') result.headings.push({ offset, value: node.depth })
        const outer = block
        const outerTags = openTags
        const current = openBlock(node, offset)
        block = current
        openTags = []
        for (const child of node.children) walk(child, linkUrl)
        block = outer
        openTags = outerTags
        result.blocks.push(current)
        if (current.kind === 'paragraph' && listDepth === 0) result.paragraphs.push(current)
        result.units += current.units
        if (current.prose.trim() !== '') proseParts.push(current.prose)
        return
      }
      case 'text': {
        // Text that only repeats its link's URL (autolinks) is a URL, not prose.
        if (linkUrl !== undefined && (linkUrl === node.value || linkUrl.endsWith(`//${node.value}`) || linkUrl === `mailto:${node.value}`)) {
          if (block) {
            block.prose += PLACEHOLDER
            block.asWritten = false
          }
          return
        }
        const value = dropLeftovers ? maskLeftovers(node.value) : node.value
        if (block && value !== node.value) block.asWritten = false
        result.texts.push({ offset, value })
        result.references.push(...referencesInText(node.value, offset))
        const numbers = extractNumbers(value, offset)
        result.numbers.push(...numbers)
        if (block) {
          block.segments.push({ at: block.prose.length, offset })
          block.prose += value
          block.numbers.push(...numbers)
          block.units += lengthUnits(value)
        } else {
          result.units += lengthUnits(value)
        }
        return
      }
      case 'inlineCode':
        result.inlineCode.push({ offset, value: node.value })
        if (block) {
          block.codes.push(node.value)
          block.prose += PLACEHOLDER
          block.units += lengthUnits(node.value)
        }
        return
      case 'code':
        result.code.push({ offset, value: `${node.lang ?? ''}\n${node.value}` })
        return
      case 'html':
        // A line break is layout, compared by `sections/line-break`, not as HTML.
        if (BREAK_TAG.test(node.value)) {
          if (block) {
            block.breaks++
            block.prose += '\n'
          }
          return
        }
        result.html.push({ offset, value: node.value.trim() })
        if (block) inlineHtml(block, node.value)
        return
      case 'image':
        result.images.push({ offset, value: node.url })
        addAttributes(offset, node.alt, node.title)
        return
      case 'definition':
        // Counted through the references that use it.
        addAttributes(offset, node.title)
        return
      case 'link':
        result.links.push({ offset, value: node.url })
        addAttributes(offset, node.title)
        block?.urls.push(node.url)
        for (const child of node.children) walk(child, node.url)
        return
      case 'imageReference':
      case 'linkReference': {
        if (node.type === 'imageReference') addAttributes(offset, node.alt)
        if (definitions.size === 0) break
        const reference = resolveReference(node, offset, definitions)
        result.references.push(reference)
        if (reference.url === undefined) break
        if (reference.image) {
          result.images.push({ offset, value: reference.url })
          return
        }
        result.links.push({ offset, value: reference.url })
        block?.urls.push(reference.url)
        if (node.type === 'linkReference') for (const child of node.children) walk(child, reference.url)
        return
      }
      case 'strong':
      case 'emphasis':
        result[node.type].push(offset)
        if (block) {
          block[node.type]++
          block.marks.push({ kind: node.type, text: toString(node), offset })
        }
        break
      case 'list': {
        result.lists.push({ offset, value: node.children.length })
        const items: TextBlock[] = []
        listDepth++
        for (const child of node.children) {
          const first = result.blocks.length
          walk(child, linkUrl)
          items.push(mergeBlocks(result.blocks.slice(first), (child.position?.start.offset ?? base) - base))
        }
        listDepth--
        result.listItems.push({ offset, items })
        return
      }
      case 'table': {
        const columns = Math.max(0, ...node.children.map((row) => row.children.length))
        result.tables.push({ offset, value: `${node.children.length}×${columns}` })
        const rows: TextBlock[][] = []
        for (const row of node.children) {
          const first = result.blocks.length
          walk(row, linkUrl)
          rows.push(result.blocks.slice(first).filter((cell) => cell.kind === 'cell'))
        }
        result.tableRows.push({ offset, rows })
        return
      }
      case 'mdxjsEsm':
        result.esm.push({ offset, value: normalizeEsm(node.value) })
        return
      case 'mdxFlowExpression':
      case 'mdxTextExpression':
        result.jsx.push({ offset, value: `{${node.value.trim()}}` })
        if (block) block.prose += PLACEHOLDER
        return
      case 'mdxJsxFlowElement':
      case 'mdxJsxTextElement': {
        const { signature, texts } = jsxSignature(node)
        result.jsx.push({ offset, value: signature })
        addAttributes(offset, ...texts)
        break
      }
      case 'footnoteReference':
        result.footnoteReferences.push(offset)
        if (block) {
          block.prose += PLACEHOLDER
          block.asWritten = false
        }
        return
      case 'footnoteDefinition':
        result.footnoteDefinitions.push(offset)
        break
      case 'break':
        if (block) {
          block.prose += '\n'
          block.asWritten = false
        }
        return
      default:
        break
    }
    if ('children' in node) {
      const opens = node.type !== 'blockquote' && node.type !== 'mdxJsxFlowElement'
      if (opens) opaque++
      for (const child of node.children) walk(child as Nodes, linkUrl)
      if (opens) opaque--
    }
  }

  for (const node of blocks) walk(node, undefined)
  result.prose = proseParts.join('\n\n')
  return result
}

// `<br>`, `<br/>`, `<br />` (any case).
const BREAK_TAG = /^<br\s*\/?>$/i

/** A block with nothing read into it yet: not from one node (`asWritten`, `topLevel` false until a walk says so). */
function emptyBlock(kind: TextBlock['kind'], offset: number): TextBlock {
  // `node` is in every block (undefined when merged), so all blocks share one shape.
  return { kind, offset, prose: '', segments: [], strong: 0, emphasis: 0, numbers: [], codes: [], urls: [], units: 0, marks: [], breaks: 0, htmlElements: [], node: undefined, asWritten: false, topLevel: false }
}

/** Blocks (a list item's paragraphs, a split paragraph) as one block: prose, numbers, codes, URLs and units added up. */
export function mergeBlocks(blocks: readonly TextBlock[], offset: number): TextBlock {
  const merged = emptyBlock('paragraph', blocks[0]?.offset ?? offset)
  for (const block of blocks) {
    merged.segments.push(...block.segments.map((segment) => ({ at: segment.at + merged.prose.length, offset: segment.offset })))
    merged.prose += (merged.prose === '' ? '' : '\n') + block.prose
    merged.strong += block.strong
    merged.emphasis += block.emphasis
    merged.numbers.push(...block.numbers)
    merged.codes.push(...block.codes)
    merged.urls.push(...block.urls)
    merged.units += block.units
    merged.marks.push(...block.marks)
    merged.breaks += block.breaks
  }
  return merged
}

/** An import or export as compared: runs of white space as one, quotes as `"`, no final `;`. */
function normalizeEsm(value: string): string {
  return value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.replace(/\s+/g, ' ').replace(/'/g, '"').replace(/;$/, ''))
    .sort()
    .join('\n')
}

/**
 * Attributes whose string value is prose a translator translates (`<Badge text="官方">`,
 * `<Image alt="…">`); every other attribute is code and must stay.
 */
const TRANSLATABLE_ATTRIBUTES = new Set(['alt', 'title', 'label', 'text', 'description', 'caption', 'placeholder', 'aria-label', 'summary', 'tooltip', 'heading'])

type JsxNode = { name: string | null; attributes: { type: string; name?: string; value?: unknown }[] }

/** A JSX element as compared (name and kept attributes), and the text of its translatable attributes. */
function jsxSignature(node: JsxNode): { signature: string; texts: string[] } {
  const kept: string[] = []
  const texts: string[] = []
  for (const attribute of node.attributes) {
    if (attribute.type !== 'mdxJsxAttribute') {
      kept.push(`{${String((attribute as { value?: unknown }).value ?? '')}}`)
      continue
    }
    const value = attribute.value
    if (typeof value === 'string' && TRANSLATABLE_ATTRIBUTES.has(attribute.name ?? '')) {
      texts.push(value)
      kept.push(`${attribute.name}=…`)
    } else if (value === null || value === undefined) {
      kept.push(attribute.name ?? '')
    } else {
      kept.push(`${attribute.name}=${typeof value === 'string' ? JSON.stringify(value) : `{${String((value as { value?: unknown }).value ?? '')}}`}`)
    }
  }
  return { signature: `<${node.name ?? ''}${kept.length > 0 ? ` ${kept.join(' ')}` : ''}>`, texts }
}
