/**
 * The comparison of one section pair: both sides, the reporter, and the paragraph
 * alignment that several rule groups point their findings with.
 */
import type { RootContent } from 'mdast'
import type { Glossary } from '../glossary/model.ts'
import { lockedForm } from '../glossary/model.ts'
import { findTerms, termRenderings, type TermRenderings } from '../glossary/match.ts'
import type { LocaleInfo } from '../article/locales.ts'
import type { Place } from '../article/types.ts'
import { alignBlocks, textSimilarity, type AlignedGroup, type BlockAlignmentOptions } from './align.ts'
import type { LengthRatio } from './options.ts'
import { locate, type Locator } from './places.ts'
import { featuresOf } from './features.ts'
import { mergeBlocks, type Profile, type TextBlock } from './profile.ts'
import type { Reporter } from './reporter.ts'
import { ratioCalibration, type RatioCalibration } from './units.ts'
import type { UrlMatcher } from './urls.ts'

/** One side of a section pair. */
export interface SectionSide {
  markdown: string
  profile: Profile
  locator: Locator
  /** The fragment's top-level mdast blocks when they come parsed (offsets: `base` is the fragment's start). */
  nodes?: { children: readonly RootContent[]; base: number }
}

/** What `checkSection` settles before any rule runs. */
export interface CompareContext {
  /** The sides' glossary renderings when the caller computed them (`check` reads them for the article-wide consistency too). */
  renderings?: TermRenderings
  reporter: Reporter
  sourceLocale: LocaleInfo
  targetLocale: LocaleInfo
  headingDepth: number
  lengthRatio: LengthRatio | undefined
  glossary: Glossary | undefined
  /** How link URLs of the two sides are compared (locale rewrites, fragments). */
  urls: UrlMatcher
}

/** What every group of section rules reads. */
export interface Comparison extends CompareContext {
  source: SectionSide
  target: SectionSide
  /** The calibrated length ratios of the language pair (units, see `units.ts`). */
  ratio: RatioCalibration
  /** The file place of a fragment offset on one side; no offset is the fragment's start. */
  at: (side: SectionSide, offset: number | undefined) => Place
  /** The paragraph alignment (see `alignBlocks`), computed on first use. */
  groups: () => AlignedGroup[]
  /** Paragraph index pairs of the one-to-one groups, and `[i, undefined]`/`[undefined, j]` for omissions and additions. */
  pairs: () => [number | undefined, number | undefined][]
  /** The target paragraph paired with a source paragraph, else the next paired one after it. */
  counterpart: (sourceIndex: number) => TextBlock | undefined
  /** Sentences of a block's prose (cached). */
  sentences: (block: TextBlock) => number
  /** How alike two blocks are (see `textSimilarity`), computed once per pair. */
  similarity: (a: TextBlock, b: TextBlock) => number
  /** Locked forms of the glossary names a source block names, and those a target block writes. */
  sourceTerms: (block: TextBlock) => readonly string[]
  targetTerms: (block: TextBlock) => readonly string[]
  /** How the target renders the glossary entries the source names (`termRenderings`, given or computed on first use); empty without a glossary. */
  terms: () => TermRenderings
}

const isCjkScript = (locale: LocaleInfo) => locale.script === 'Hans' || locale.script === 'Jpan'

/** The comparison of two sides; paragraphs are aligned on first use only. */
export function comparisonOf(source: SectionSide, target: SectionSide, context: CompareContext): Comparison {
  const tp = target.profile
  const ratio = ratioCalibration(context.sourceLocale, context.targetLocale)
  const sentences = (block: TextBlock) => featuresOf(block).sentences.length

  // Glossary names as anchors: a source block's names in their locked forms, and which of
  // those forms a target block writes. One search over each side's Markdown, each hit
  // given to the paragraph it falls in (by offset), not one search per paragraph.
  const glossary = context.glossary
  const targetCode = context.targetLocale.code
  const byBlock = (blocks: readonly TextBlock[], hits: readonly { offset: number; form: string }[]) => {
    const map = new Map<TextBlock, string[]>()
    for (const hit of hits) {
      let owner: TextBlock | undefined
      for (const block of blocks) {
        if (block.offset > hit.offset) break
        owner = block
      }
      if (!owner) continue
      const list = map.get(owner)
      if (!list) map.set(owner, [hit.form])
      else if (!list.includes(hit.form)) list.push(hit.form)
    }
    return map
  }
  let sourceTermMap: Map<TextBlock, string[]> | undefined
  let targetTermMap: Map<TextBlock, string[]> | undefined
  const sourceHits = () =>
    glossary ? findTerms(source.markdown, glossary).flatMap((match) => { const form = lockedForm(match.entry, targetCode); return form ? [{ offset: match.start, form }] : [] }) : []
  const sourceTerms = (block: TextBlock): string[] => {
    if (!glossary) return []
    sourceTermMap ??= byBlock(source.profile.paragraphs, sourceHits())
    return sourceTermMap.get(block) ?? []
  }
  const targetTerms = (block: TextBlock): string[] => {
    if (!glossary) return []
    if (!targetTermMap) {
      const forms = [...new Set(sourceHits().map((hit) => hit.form))]
      const hits: { offset: number; form: string }[] = []
      for (const form of forms) for (let at = target.markdown.indexOf(form); at !== -1; at = target.markdown.indexOf(form, at + form.length)) hits.push({ offset: at, form })
      hits.sort((a, b) => a.offset - b.offset)
      targetTermMap = byBlock(tp.paragraphs, hits)
    }
    return targetTermMap.get(block) ?? []
  }
  const alignment: BlockAlignmentOptions = {
    median: ratio.median,
    crossScript: isCjkScript(context.sourceLocale) !== isCjkScript(context.targetLocale),
    sourceTerms,
    targetTerms,
  }

  let renderings = context.renderings
  const terms = () => (renderings ??= glossary ? termRenderings(source.markdown, target.markdown, glossary, targetCode) : { normalized: '', entries: [] })

  // Similarities kept by pair: the order rule weighs each aligned pair of paragraphs
  // again (twice, with each neighbour), and the alignment weighed it first.
  const similarities = new Map<TextBlock, Map<TextBlock, number>>()
  const keep = (a: TextBlock, b: TextBlock, value: number) => {
    const row = similarities.get(a)
    if (row) row.set(b, value)
    else similarities.set(a, new Map([[b, value]]))
  }
  const similarity = (a: TextBlock, b: TextBlock): number => {
    let value = similarities.get(a)?.get(b)
    if (value === undefined) keep(a, b, (value = textSimilarity(a, b, alignment, sentences)))
    return value
  }

  let groupList: AlignedGroup[] | undefined
  const groups = () => {
    if (!groupList) {
      groupList = alignBlocks(source.profile.paragraphs, tp.paragraphs, alignment, (blocks) => mergeBlocks(blocks, blocks[0]?.offset ?? 0), sentences)
      // A one-to-one group's similarity is `textSimilarity` of its two blocks, as `similarity` weighs them.
      for (const group of groupList) if (group.kind === '1-1') keep(source.profile.paragraphs[group.source[0]!]!, tp.paragraphs[group.target[0]!]!, group.similarity)
    }
    return groupList
  }
  let pairList: [number | undefined, number | undefined][] | undefined
  const pairs = () =>
    (pairList ??= groups().flatMap((group): [number | undefined, number | undefined][] => {
      if (group.kind === '1-1') return [[group.source[0], group.target[0]]]
      if (group.kind === '1-0') return [[group.source[0], undefined]]
      if (group.kind === '0-1') return [[undefined, group.target[0]]]
      return []
    }))
  const counterpart = (sourceIndex: number): TextBlock | undefined => {
    const list = groups()
    const position = list.findIndex((group) => group.source.includes(sourceIndex))
    for (let k = position; k >= 0 && k < list.length; k++) {
      const b = list[k]!.target[0]
      if (b !== undefined) return tp.paragraphs[b]
    }
    return undefined
  }

  return {
    ...context,
    source,
    target,
    ratio,
    at: (side, offset) => locate(side.locator, offset ?? 0),
    groups,
    pairs,
    counterpart,
    sentences,
    similarity,
    sourceTerms,
    targetTerms,
    terms,
  }
}
