/**
 * The paragraph pairs a judge model reads: the check's own alignment (sections by
 * {@link sectionPairing}, paragraphs by `alignBlocks` through the comparison), so a split
 * or an omission never shifts which source text is shown beside which translation.
 * Pure: two parsed articles in, pairs with their Markdown and file places out.
 */
import type { Nodes } from 'mdast'
import type { LocaleInfo } from '../article/locales.ts'
import type { Article, Place } from '../article/types.ts'
import type { Glossary } from '../glossary/model.ts'
import type { AlignmentKind } from './align.ts'
import { checkLocales, sectionPairing } from './article.ts'
import { comparisonOf, type SectionSide } from './comparison.ts'
import type { CheckOptions } from './options.ts'
import { placeIn } from './places.ts'
import { profile, type TextBlock } from './profile.ts'
import { Reporter } from './reporter.ts'
import { urlMatcher } from './urls.ts'

/** One aligned group of paragraphs, as a judge sees it. */
export interface JudgePair {
  /** Index and heading of the source section (copied into findings). */
  section: number
  heading: string | null
  /** `1-1`, or `1-2`/`2-1` for a split or merge (the group's paragraphs are joined). */
  kind: AlignmentKind
  /** Markdown of the source paragraph(s) and of their translation, as written in the files. */
  source: string
  target: string
  /** File offsets (into `Article.text`) where each side's text starts. */
  sourceOffset: number
  targetOffset: number
  sourcePosition: Place
  targetPosition: Place
}

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
 * The paragraph pairs of a translation and its source, in order: every one-to-one,
 * split and merge group of the check's paragraph alignment, in every pair of aligned
 * sections. Omitted and added paragraphs (1–0, 0–1) are left out: the structure check
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
    const side = (article: Article, markdown: string, blocks: Parameters<typeof profile>[0], start: number, isSource: boolean, definitions: Parameters<typeof profile>[3]): SectionSide => ({
      markdown,
      profile: profile(blocks, start, isSource, definitions),
      locator: { text: article.text, shift: article.bodyStart + start },
    })
    const sourceSide = side(source, s.source, sections.sourceBlocks[a]!, s.start, true, sections.definitions.source)
    const targetSide = side(target, t.source, sections.targetBlocks[b]!, t.start, false, sections.definitions.target)
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
      const sourceText = slice(source, s.start, sourceBlocks, sourceEnds)
      const targetText = slice(target, t.start, targetBlocks, targetEnds)
      if (!sourceText || !targetText || sourceText.text.trim() === targetText.text.trim()) continue
      pairs.push({
        section: s.index,
        heading: s.heading,
        kind: group.kind,
        source: sourceText.text,
        target: targetText.text,
        sourceOffset: sourceText.offset,
        targetOffset: targetText.offset,
        sourcePosition: placeIn(source.text, sourceText.offset),
        targetPosition: placeIn(target.text, targetText.offset),
      })
    }
  }
  return { sourceLocale, targetLocale, pairs }
}

/** The Markdown of consecutive blocks of a section, from the first's start to the last's end. */
function slice(article: Article, sectionStart: number, blocks: readonly TextBlock[], ends: Map<number, number>): { text: string; offset: number } | undefined {
  const start = sectionStart + blocks[0]!.offset
  const end = ends.get(sectionStart + blocks[blocks.length - 1]!.offset)
  if (end === undefined || end <= start) return undefined
  return { text: article.body.slice(start, end), offset: article.bodyStart + start }
}
