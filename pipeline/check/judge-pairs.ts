/**
 * The paragraph pairs a judge model reads: the check's own alignment (sections by
 * {@link sectionPairing}, paragraphs by `alignBlocks` through the comparison), so a split
 * or an omission never shifts which source text is shown beside which translation.
 * Pure: two parsed articles in, pairs with their Markdown and file places out.
 */
import type { Nodes, RootContent } from 'mdast'
import type { LocaleInfo } from '../article/locales.ts'
import type { Article, Place } from '../article/types.ts'
import type { Glossary } from '../glossary/model.ts'
import type { AlignmentKind } from './align.ts'
import { checkLocales, sectionPairing } from './article.ts'
import { comparisonOf, type SectionSide } from './comparison.ts'
import type { CheckOptions } from './options.ts'
import { placeIn } from './places.ts'
import type { Profile, TextBlock } from './profile.ts'
import { Reporter } from './reporter.ts'
import { urlMatcher } from './urls.ts'

/** One aligned group of paragraphs, as a judge sees it. */
export interface JudgePair {
  /** Index and heading of the source section (copied into findings). */
  section: number
  heading: string | null
  /** `1-1`, or `1-2`/`2-1` for a split or merge (the group's paragraphs are joined). */
  kind: AlignmentKind
  /** What is paired: paragraphs (as aligned), a section's heading, a list item, a table row. */
  unit: JudgeUnit
  /** Markdown of the source paragraph(s) and of their translation, as written in the files. */
  source: string
  target: string
  /** File offsets (into `Article.text`) where each side's text starts. */
  sourceOffset: number
  targetOffset: number
  sourcePosition: Place
  targetPosition: Place
}

/** The kinds of text a judge reads. */
export type JudgeUnit = 'paragraph' | 'heading' | 'list-item' | 'table-row'

/** The pairs of an article pair and the locales they were aligned for. */
export interface JudgePairs {
  sourceLocale: LocaleInfo
  targetLocale: LocaleInfo
  pairs: JudgePair[]
}

/** Options of {@link judgePairs}: the check's locale and glossary settings. */
export type JudgePairOptions = Pick<CheckOptions, 'sourceLocale' | 'targetLocale' | 'policy' | 'glossary'>

/** Body offset of each paragraph node's start → its end, over the whole tree. */
function paragraphEnds(article: Article): Map<number, number> {
  const ends = new Map<number, number>()
  const visit = (node: Nodes) => {
    if (node.type === 'paragraph' && node.position?.start.offset !== undefined && node.position.end.offset !== undefined) {
      ends.set(node.position.start.offset, node.position.end.offset)
    }
    if ('children' in node) for (const child of node.children) visit(child as Nodes)
  }
  visit(article.tree)
  return ends
}

const HAS_LETTER = /\p{L}/u

/**
 * The text pairs of a translation and its source, in source order within each pair of
 * aligned sections: the headings, every one-to-one, split and merge group of the check's
 * paragraph alignment, and the items of lists and rows of tables (paired in order, as the
 * check compares them, when both sides have as many). Omitted and added paragraphs
 * (1–0, 0–1) and lists or tables of another length are left out: the structure check
 * reports those already, and a judge has nothing to compare. So are pairs whose source
 * holds no letter (a lone image, a number) and pairs whose sides are the same text.
 */
export function judgePairs(source: Article, target: Article, options: JudgePairOptions = {}): JudgePairs {
  const { sourceLocale, targetLocale } = checkLocales(source, target, options)
  const sections = sectionPairing(source, target, sourceLocale, targetLocale)
  const sourceEnds = paragraphEnds(source)
  const targetEnds = paragraphEnds(target)
  const glossary: Glossary | undefined = options.glossary
  const pairs: JudgePair[] = []
  for (const [a, b] of sections.pairs) {
    if (a === undefined || b === undefined) continue
    const s = sections.sourceSections[a]!
    const t = sections.targetSections[b]!
    const sectionPairs: JudgePair[] = []
    const keep = (unit: JudgeUnit, kind: AlignmentKind, sourceText: Slice | undefined, targetText: Slice | undefined) => {
      if (!sourceText || !targetText || !HAS_LETTER.test(sourceText.text) || sourceText.text.trim() === targetText.text.trim()) return
      sectionPairs.push({
        section: s.index,
        heading: s.heading,
        kind,
        unit,
        source: sourceText.text,
        target: targetText.text,
        sourceOffset: sourceText.offset,
        targetOffset: targetText.offset,
        sourcePosition: placeIn(source.text, sourceText.offset),
        targetPosition: placeIn(target.text, targetText.offset),
      })
    }
    for (const [sourceUnit, targetUnit] of unitPairs(sections.sourceBlocks[a]!, sections.targetBlocks[b]!)) {
      keep(sourceUnit.unit, '1-1', nodeSlice(source, sourceUnit.node), nodeSlice(target, targetUnit.node))
    }
    const side = (article: Article, markdown: string, sectionProfile: Profile, start: number): SectionSide => ({
      markdown,
      profile: sectionProfile,
      locator: { text: article.text, shift: article.bodyStart + start },
    })
    const sourceSide = side(source, s.source, sections.profiles.source(a), s.start)
    const targetSide = side(target, t.source, sections.profiles.target(b), t.start)
    const comparison = comparisonOf(sourceSide, targetSide, {
      // Nothing is reported here; the comparison is borrowed for its alignment only.
      reporter: new Reporter(undefined, { file: target.file }),
      sourceLocale,
      targetLocale,
      headingDepth: 6,
      lengthRatio: undefined,
      glossary,
      urls: urlMatcher(sourceLocale, targetLocale, undefined),
    })
    for (const group of comparison.groups()) {
      if (group.source.length === 0 || group.target.length === 0) continue
      const sourceBlocks = group.source.map((index) => sourceSide.profile.paragraphs[index]!)
      const targetBlocks = group.target.map((index) => targetSide.profile.paragraphs[index]!)
      if (!sourceBlocks.some((block) => HAS_LETTER.test(block.prose))) continue
      keep('paragraph', group.kind, slice(source, s.start, sourceBlocks, sourceEnds), slice(target, t.start, targetBlocks, targetEnds))
    }
    pairs.push(...sectionPairs.sort((x, y) => x.sourceOffset - y.sourceOffset))
  }
  return { sourceLocale, targetLocale, pairs }
}

/** A piece of a file's Markdown and the file offset where it starts. */
interface Slice {
  text: string
  offset: number
}

type UnitNode = { unit: Exclude<JudgeUnit, 'paragraph'>; node: Nodes }

/** A section's units besides its paragraphs: headings, top-level lists (their items) and tables (their rows). */
function unitsOf(blocks: readonly RootContent[]): { headings: UnitNode[]; lists: UnitNode[][]; tables: UnitNode[][] } {
  const headings: UnitNode[] = []
  const lists: UnitNode[][] = []
  const tables: UnitNode[][] = []
  const visit = (node: Nodes) => {
    switch (node.type) {
      case 'heading':
        headings.push({ unit: 'heading', node })
        return
      // An item is judged whole, nested lists included, so a nested list is not visited again.
      case 'list':
        lists.push(node.children.map((item) => ({ unit: 'list-item', node: item })))
        return
      case 'table':
        tables.push(node.children.map((row) => ({ unit: 'table-row', node: row })))
        return
      default:
        if ('children' in node) for (const child of node.children) visit(child as Nodes)
    }
  }
  for (const block of blocks) visit(block)
  return { headings, lists, tables }
}

/**
 * Headings, list items and table rows of two aligned sections, paired in order as the
 * check compares them: only when both sides have as many headings, items of the k-th
 * list, or rows of the k-th table (another count is a structure finding already).
 */
function unitPairs(sourceBlocks: readonly RootContent[], targetBlocks: readonly RootContent[]): [UnitNode, UnitNode][] {
  const s = unitsOf(sourceBlocks)
  const t = unitsOf(targetBlocks)
  const pairs: [UnitNode, UnitNode][] = []
  const zip = (a: readonly UnitNode[], b: readonly UnitNode[] | undefined) => {
    if (b && a.length === b.length) a.forEach((unit, index) => pairs.push([unit, b[index]!]))
  }
  zip(s.headings, t.headings)
  s.lists.forEach((items, index) => zip(items, t.lists[index]))
  s.tables.forEach((rows, index) => zip(rows, t.tables[index]))
  return pairs
}

/** A node's Markdown as written in the file. */
function nodeSlice(article: Article, node: Nodes): Slice | undefined {
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  if (start === undefined || end === undefined || end <= start) return undefined
  return { text: article.body.slice(start, end), offset: article.bodyStart + start }
}

/** The Markdown of consecutive blocks of a section, from the first's start to the last's end. */
function slice(article: Article, sectionStart: number, blocks: readonly TextBlock[], ends: Map<number, number>): Slice | undefined {
  const start = sectionStart + blocks[0]!.offset
  const end = ends.get(sectionStart + blocks[blocks.length - 1]!.offset)
  if (end === undefined || end <= start) return undefined
  return { text: article.body.slice(start, end), offset: article.bodyStart + start }
}
