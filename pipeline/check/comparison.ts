/**
 * The comparison of one section pair: both sides, the reporter, and the paragraph
 * pairing that several rule groups point their findings with.
 */
import type { Glossary } from '../glossary/model.ts'
import type { LocaleInfo } from '../article/locales.ts'
import type { Place } from '../article/types.ts'
import { align, blockSimilarity } from './align.ts'
import { expectedLengthRatio } from './language.ts'
import type { LengthRatio } from './options.ts'
import { locate, type Locator } from './places.ts'
import type { Profile, TextBlock } from './profile.ts'
import type { Reporter } from './reporter.ts'

/** One side of a section pair. */
export interface SectionSide {
  markdown: string
  profile: Profile
  locator: Locator
}

/** What `checkSection` settles before any rule runs. */
export interface CompareContext {
  reporter: Reporter
  sourceLocale: LocaleInfo
  targetLocale: LocaleInfo
  headingDepth: number
  lengthRatio: LengthRatio | undefined
  glossary: Glossary | undefined
}

/** What every group of section rules reads. */
export interface Comparison extends CompareContext {
  source: SectionSide
  target: SectionSide
  /** The calibrated length ratio of the language pair. */
  ratio: LengthRatio & { median: number }
  /** The file place of a fragment offset on one side; no offset is the fragment's start. */
  at: (side: SectionSide, offset: number | undefined) => Place
  /** Paragraph index pairs (see `counterpart`). */
  pairs: () => [number | undefined, number | undefined][]
  /** The target paragraph paired with a source paragraph, else the next paired one after it. */
  counterpart: (sourceIndex: number) => TextBlock | undefined
}

/** The comparison of two sides; paragraphs are aligned on first use only. */
export function comparisonOf(source: SectionSide, target: SectionSide, context: CompareContext): Comparison {
  const tp = target.profile
  const ratio = expectedLengthRatio(context.sourceLocale, context.targetLocale)

  // Paragraph pairs: by index when the counts agree, else by similarity, so a dropped
  // paragraph is named instead of shifting every later comparison.
  let paragraphPairs: [number | undefined, number | undefined][] | undefined
  const pairs = () => (paragraphPairs ??= align(source.profile.paragraphs, tp.paragraphs, blockSimilarity(ratio.median)))
  const counterpart = (sourceIndex: number): TextBlock | undefined => {
    const list = pairs()
    const position = list.findIndex(([a]) => a === sourceIndex)
    for (let k = position; k >= 0 && k < list.length; k++) {
      const b = list[k]![1]
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
    pairs,
    counterpart,
  }
}
