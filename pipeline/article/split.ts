/**
 * split: article body → sections → chunks. The inverse is `assemble`.
 *
 * A section is an optional preamble, then one section per `#`/`##` heading; deeper
 * headings stay inside their section. A section larger than the size budget is cut
 * further at top-level block boundaries, so a list, table, code block or HTML block is
 * never cut in two. Sizes are measured in characters or tokens, never whitespace words
 * (a Chinese paragraph has no spaces).
 */
import type { Heading, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { contentHash } from '../shared/hash.ts'
import { countTokens } from '../shared/tokens.ts'
import { parseMarkdown } from './markdown.ts'
import type { Article, Chunk, Section } from './types.ts'

/** How big a chunk may grow before it is cut at a block boundary. */
export interface SplitOptions {
  /**
   * Largest chunk, in `unit`s. A single block larger than this is still one chunk:
   * blocks are never cut.
   * @default 4000
   */
  maxSize?: number
  /** What `maxSize` counts. @default 'chars' */
  unit?: 'chars' | 'tokens'
  /** Blocks to leave out of every chunk (e.g. generator leftovers found by lint), as body offsets. */
  skip?: ReadonlyArray<{ start: number; end: number }>
}

/** The default chunk budget: about a thousand English words of answer per request. */
export const DEFAULT_MAX_SIZE = 4000

/** A top-level block as offsets into the text it was parsed from. */
export interface BlockRange {
  start: number
  end: number
  type: string
}

/** Measures text in the chosen unit: code points (so a Han character counts one) or GPT tokens. */
export function measure(text: string, unit: 'chars' | 'tokens' = 'chars'): number {
  if (unit === 'tokens') return countTokens(text)
  let count = 0
  for (const _ of text) count++
  return count
}

function blockRange(node: RootContent): BlockRange {
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  if (start === undefined || end === undefined) throw new TypeError(`mdast node without offsets: ${node.type}`)
  return { start, end, type: node.type }
}

function isSectionHeading(node: RootContent): node is Heading {
  return node.type === 'heading' && node.depth <= 2
}

/**
 * Groups consecutive blocks into chunks of at most `maxSize` (greedy, in order). Blocks
 * listed in `skip` end the current chunk and belong to none. Offsets are into `text`.
 */
export function chunkBlocks(text: string, blocks: readonly BlockRange[], options: SplitOptions = {}): Chunk[] {
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE
  const unit = options.unit ?? 'chars'
  const skipped = (block: BlockRange) => options.skip?.some((range) => range.start <= block.start && block.end <= range.end) ?? false
  const chunks: Chunk[] = []
  let current: BlockRange[] = []
  const flush = () => {
    if (current.length === 0) return
    const start = current[0]!.start
    const end = current[current.length - 1]!.end
    const source = text.slice(start, end)
    chunks.push({ start, end, source, hash: contentHash(source) })
    current = []
  }
  for (const block of blocks) {
    if (skipped(block)) {
      flush()
      continue
    }
    if (current.length > 0) {
      const candidate = text.slice(current[0]!.start, block.end)
      // A heading stays with the block after it: a chunk never ends on a heading.
      const endsOnHeading = current[current.length - 1]!.type === 'heading'
      if (!endsOnHeading && measure(candidate, unit) > maxSize) flush()
    }
    current.push(block)
  }
  flush()
  return chunks
}

/**
 * Cuts a piece of Markdown (e.g. a section whose answer was truncated) into chunks of at
 * most `maxSize` at its top-level block boundaries. Offsets are into `markdown`.
 */
export function chunkMarkdown(markdown: string, options: SplitOptions = {}): Chunk[] {
  const blocks = parseMarkdown(markdown).children.map(blockRange)
  return chunkBlocks(markdown, blocks, options)
}

/**
 * Splits an article's body into sections (preamble first when there is text before the
 * first heading), each with its exact source slice, content hash and chunks.
 */
export function split(article: Pick<Article, 'body' | 'tree'>, options: SplitOptions = {}): Section[] {
  const groups: { heading: Heading | null; blocks: RootContent[] }[] = []
  for (const node of article.tree.children) {
    if (isSectionHeading(node) || groups.length === 0) {
      groups.push({ heading: isSectionHeading(node) ? node : null, blocks: [] })
    }
    groups[groups.length - 1]!.blocks.push(node)
  }
  return groups.map((group, index): Section => {
    const ranges = group.blocks.map(blockRange)
    const start = ranges[0]!.start
    const end = ranges[ranges.length - 1]!.end
    const source = article.body.slice(start, end)
    return {
      index,
      isPreamble: group.heading === null,
      heading: group.heading ? toString(group.heading) : null,
      depth: group.heading?.depth ?? 0,
      start,
      end,
      source,
      hash: contentHash(source),
      chunks: chunkBlocks(article.body, ranges, options),
    }
  })
}

/** The top-level blocks of a section, as body offsets (used by lint and check). */
export function sectionBlocks(article: Pick<Article, 'tree'>, section: Pick<Section, 'start' | 'end'>): RootContent[] {
  return article.tree.children.filter((node) => {
    const range = blockRange(node)
    return range.start >= section.start && range.end <= section.end
  })
}
