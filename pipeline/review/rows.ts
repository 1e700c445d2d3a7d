/**
 * Rows of a section for the review view: each source block (paragraph, list, table…)
 * beside the translated block the check pairs it with, and for each side the earlier
 * version of that block (old → new), so a reviewer reads a long section a paragraph at a
 * time. Findings go on the row they point into. Pure.
 */
import type { RootContent } from 'mdast'
import { align, profileSimilarity } from '../check/align.ts'
import { expectedLengthRatio } from '../check/language.ts'
import { profile } from '../check/profile.ts'
import { parseMarkdown } from '../article/markdown.ts'
import type { LocaleInfo } from '../article/locales.ts'
import type { Finding } from '../article/types.ts'
import { textSimilarity } from './plan.ts'

/** A top-level block of a fragment: offsets into the fragment and its Markdown. */
export interface Block {
  start: number
  end: number
  text: string
  node: RootContent
}

/** One side of a row. `before` undefined: no earlier version known (nothing to diff). */
export interface RowSide {
  /** The block now; '' when the row only shows removed text. */
  after: string
  before?: string
  /** The parsed blocks of `after` and `before` (so rendering does not parse them again). */
  afterNodes?: RootContent[]
  beforeNodes?: RootContent[]
  /** Offsets of the block in its section fragment (undefined for a removed-only row). */
  start?: number
  end?: number
}

/** A source block beside its translation. */
export interface ReviewRow {
  source: RowSide | undefined
  target: RowSide | undefined
  findings: Finding[]
}

/** The top-level blocks of a Markdown fragment. */
export function blocksOf(markdown: string): Block[] {
  return parseMarkdown(markdown).children.flatMap((node) => {
    const start = node.position?.start.offset
    const end = node.position?.end.offset
    return start === undefined || end === undefined ? [] : [{ start, end, text: markdown.slice(start, end), node }]
  })
}

/**
 * The check's pairing of source blocks with translated blocks. The one place that
 * chooses the alignment, so moving to the check's block alignment is one line here.
 */
export function alignBlocks(source: readonly Block[], target: readonly Block[], sourceLocale: LocaleInfo, targetLocale: LocaleInfo): [number | undefined, number | undefined][] {
  const { median } = expectedLengthRatio(sourceLocale, targetLocale)
  const profiles = (blocks: readonly Block[], dropLeftovers: boolean) => blocks.map((block) => profile([block.node], block.start, dropLeftovers))
  const similarity = profileSimilarity(median)
  // profileSimilarity sums eight measures; scaled to 0–1 so a pair always beats a gap.
  return align(profiles(source, true), profiles(target, false), (a, b) => similarity(a, b) / 8)
}

/**
 * For each block of the new version, the earlier block it continues: aligned on text
 * similarity; earlier blocks without a successor are folded into the next block's
 * `before` (shown as removed there), or returned as `trailing` when none follows.
 */
function earlierVersions(before: string | undefined, after: readonly Block[]): { before: (Block[] | undefined)[]; trailing: Block[] | undefined } {
  if (before === undefined) return { before: after.map(() => undefined), trailing: undefined }
  const old = blocksOf(before)
  const pairs = align(old, after, (a, b) => textSimilarity(a.text, b.text))
  const result: (Block[] | undefined)[] = after.map(() => [])
  let removed: Block[] = []
  for (const [i, j] of pairs) {
    if (j === undefined) {
      removed.push(old[i!]!)
      continue
    }
    result[j] = [...removed, ...(i === undefined ? [] : [old[i]!])]
    removed = []
  }
  return { before: result, trailing: removed.length > 0 ? removed : undefined }
}

/** Blocks as one fragment: their texts, and their nodes. */
function joined(blocks: readonly Block[]): { text: string; nodes: RootContent[] } {
  return { text: blocks.map((block) => block.text).join('\n\n'), nodes: blocks.map((block) => block.node) }
}

/** Inputs of {@link buildRows}. */
export interface RowInput {
  sourceAfter: string
  sourceBefore?: string | undefined
  translationAfter: string
  translationBefore?: string | undefined
  sourceLocale: LocaleInfo
  targetLocale: LocaleInfo
  findings: readonly Finding[]
  /** File offsets where the section starts in the source and in the translation, to place findings. */
  sourceOffset?: number | undefined
  targetOffset?: number | undefined
}

/**
 * The rows of one section, and the findings that point at no row (they stay with the
 * section). A finding goes to the row whose translated block holds its target place,
 * else whose source block holds its source place.
 */
export function buildRows(input: RowInput): { rows: ReviewRow[]; unplaced: Finding[] } {
  const sourceBlocks = blocksOf(input.sourceAfter)
  const targetBlocks = blocksOf(input.translationAfter)
  const sourceOld = earlierVersions(input.sourceBefore, sourceBlocks)
  const targetOld = earlierVersions(input.translationBefore, targetBlocks)
  const side = (blocks: readonly Block[], old: (Block[] | undefined)[], index: number | undefined): RowSide | undefined => {
    if (index === undefined) return undefined
    const block = blocks[index]!
    const before = old[index]
    const earlier = before === undefined ? undefined : joined(before)
    return {
      after: block.text,
      afterNodes: [block.node],
      ...(earlier ? { before: earlier.text, beforeNodes: earlier.nodes } : {}),
      start: block.start,
      end: block.end,
    }
  }
  const removedOnly = (blocks: Block[] | undefined): RowSide | undefined => {
    if (blocks === undefined) return undefined
    const earlier = joined(blocks)
    return { after: '', afterNodes: [], before: earlier.text, beforeNodes: earlier.nodes }
  }
  const rows: ReviewRow[] = alignBlocks(sourceBlocks, targetBlocks, input.sourceLocale, input.targetLocale).map(([i, j]) => ({
    source: side(sourceBlocks, sourceOld.before, i),
    target: side(targetBlocks, targetOld.before, j),
    findings: [],
  }))
  if (sourceOld.trailing !== undefined || targetOld.trailing !== undefined) {
    rows.push({ source: removedOnly(sourceOld.trailing), target: removedOnly(targetOld.trailing), findings: [] })
  }
  const unplaced: Finding[] = []
  const within = (row: RowSide | undefined, offset: number | undefined) =>
    row?.start !== undefined && offset !== undefined && offset >= row.start && offset <= row.end!
  for (const finding of input.findings) {
    const target = finding.targetPosition?.offset !== undefined && input.targetOffset !== undefined ? finding.targetPosition.offset - input.targetOffset : undefined
    const source = finding.sourcePosition?.offset !== undefined && input.sourceOffset !== undefined ? finding.sourcePosition.offset - input.sourceOffset : undefined
    const row = rows.find((candidate) => within(candidate.target, target)) ?? rows.find((candidate) => within(candidate.source, source))
    if (row) row.findings.push(finding)
    else unplaced.push(finding)
  }
  return { rows, unplaced }
}
