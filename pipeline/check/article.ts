/**
 * `check`: a whole translated article against its source. Settles the locales, runs the
 * frontmatter rules, aligns the sections, checks each pair with `checkSection` and
 * reports sections without a partner and names rendered inconsistently.
 */
import type { Heading, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { DEFAULT_FRONTMATTER_POLICY } from '../article/frontmatter.ts'
import { findLocale, requireLocale, type LocaleInfo } from '../article/locales.ts'
import type { Article, Finding, Section } from '../article/types.ts'
import { align, profileSimilarity } from './align.ts'
import { compareFrontmatter, declaredLocale, localeKey } from './frontmatter.ts'
import { lastCodePointStart, termRenderings } from '../glossary/match.ts'
import { inconsistentTerms, termUses, type TermUse } from './glossary.ts'
import { otherLanguage } from './language.ts'
import { sentences } from './sentences.ts'
import { truncate } from './strings.ts'
import { lengthUnits, ratioCalibration } from './units.ts'
import { validateHeadingDepth, validateLengthRatio, type CheckOptions } from './options.ts'
import { placeIn } from './places.ts'
import { featuresOf } from './features.ts'
import { PLACEHOLDER, profile, type Profile } from './profile.ts'
import { definitionsIn, type Definitions } from './references.ts'
import { Reporter } from './reporter.ts'
import { validateRules } from './rules.ts'
import { checkSection } from './section.ts'
import { headingSlugs } from './slugs.ts'

/** A locale guessed from the body's letters, for a file that does not say. */
function guessLocale(article: Article): LocaleInfo {
  const sample = article.body.slice(0, 4000)
  const count = (pattern: RegExp) => sample.match(pattern)?.length ?? 0
  const kana = count(/[\p{Script=Hiragana}\p{Script=Katakana}]/gu)
  const han = count(/\p{Script=Han}/gu)
  const cyrillic = count(/\p{Script=Cyrillic}/gu)
  const latin = count(/\p{Script=Latin}/gu)
  const code = kana > 20 ? 'jp' : han > latin ? 'cn' : cyrillic > latin ? 'ru' : 'en'
  return findLocale(code)!
}

/** A paragraph's text (as `toString` reads it) and body offset, with its sentences when they are known already. */
export interface ParagraphText {
  offset: number
  text: string
  sentences?: readonly string[]
}

/** Each top-level paragraph's text (inside JSX and block quotes too, not in lists or tables) with its body offset. */
export function paragraphTexts(article: Article): ParagraphText[] {
  const found: ParagraphText[] = []
  const visit = (nodes: readonly RootContent[]) => {
    for (const node of nodes) {
      if (node.type === 'paragraph') found.push({ offset: node.position?.start.offset ?? 0, text: toString(node) })
      else if ((node.type === 'blockquote' || node.type === 'mdxJsxFlowElement') && 'children' in node) visit(node.children as RootContent[])
    }
  }
  visit(article.tree.children)
  return found
}

/**
 * {@link paragraphTexts} read from the sections' profiles (in order, the article's
 * paragraphs): a paragraph whose prose is its text as written (`TextBlock.asWritten`)
 * is not walked again, and its sentences are the ones the section rules cut already
 * when its prose has no placeholder (which they read as `code`).
 */
export function profiledParagraphTexts(sections: readonly CheckedSection[], profileOf: (index: number) => Profile): ParagraphText[] {
  const found: ParagraphText[] = []
  sections.forEach((section, index) => {
    for (const block of profileOf(index).paragraphs) {
      if (!block.topLevel) continue
      const offset = section.start + block.offset
      if (!block.asWritten) found.push({ offset, text: toString(block.node!) })
      else if (block.prose.includes(PLACEHOLDER)) found.push({ offset, text: block.prose })
      else found.push({ offset, text: block.prose, sentences: featuresOf(block).sentences })
    }
  })
  return found
}

const normalizedSentence = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim()

/** The last code point of a non-empty text (a lone surrogate counts as one). */
const lastCodePoint = (text: string): number => text.codePointAt(lastCodePointStart(text))!

/**
 * What the normalized text of a (trimmed, non-empty) sentence determines, found without
 * normalizing it: its length units (lower-casing and white space change no letter
 * count: `lengthUnits` is equal on every code point and its lower case), the first code
 * point of its first character lower-cased and the last of its last (final sigma `ς`
 * written `σ`, as `Σ` lower-cases either way by context). Sentences of different shapes
 * never normalize to the same text.
 */
function sentenceShape(sentence: string, units: number): string {
  const first = String.fromCodePoint(sentence.codePointAt(0)!).toLowerCase().codePointAt(0)!
  const last = lastCodePoint(String.fromCodePoint(lastCodePoint(sentence)).toLowerCase())
  return `${units}:${first}:${last === 0x3c2 ? 0x3c3 : last}`
}

/**
 * Article-wide text rules: a sentence the translation repeats (copied in from another
 * place) more often than the source repeats any, and a translation that reads as another
 * language than the one it is declared as.
 */
function articleText(
  source: Article,
  target: Article,
  sourceLocale: LocaleInfo,
  targetLocale: LocaleInfo,
  pairs: [number | undefined, number | undefined][],
  sourceSections: readonly CheckedSection[],
  targetSections: readonly CheckedSection[],
  targetProfile: (index: number) => Profile,
  options: CheckOptions,
): Finding[] {
  const targetParagraphs = profiledParagraphTexts(targetSections, targetProfile)
  const sectionOf = (offset: number) => {
    let index = 0
    while (index + 1 < targetSections.length && targetSections[index + 1]!.start <= offset) index++
    const pair = pairs.find(([, b]) => b === index)
    return sourceSections[pair?.[0] ?? index] ?? sourceSections[0]
  }
  const findings: Finding[] = []
  const report = (offset: number) => {
    const section = sectionOf(offset)
    return new Reporter(options.rules, { file: target.file, section: section?.index ?? 0, heading: section?.heading ?? null })
  }

  const repeats = (paragraphs: readonly ParagraphText[]) => {
    // Sentences are compared by their normalized text (`normalizedSentence`), but only
    // those of the same shape (`sentenceShape`: what the normalized text determines) can
    // be equal, so a sentence is normalized only when one of its shape came before.
    // Nearly every sentence of an article has a shape of its own.
    const byShape = new Map<string, { sentence: string; key?: string }[]>()
    const keyOf = (item: { sentence: string; key?: string }) => (item.key ??= normalizedSentence(item.sentence))
    const again: { offset: number; text: string }[] = []
    for (const paragraph of paragraphs) {
      let at = 0
      for (const sentence of paragraph.sentences ?? sentences(paragraph.text)) {
        const index = paragraph.text.indexOf(sentence, at)
        at = index === -1 ? at : index + sentence.length
        const units = lengthUnits(sentence)
        if (units < 30) continue
        const shape = sentenceShape(sentence, units)
        const earlier = byShape.get(shape)
        const item: { sentence: string; key?: string } = { sentence }
        if (!earlier) {
          byShape.set(shape, [item])
          continue
        }
        const key = keyOf(item)
        if (earlier.some((other) => keyOf(other) === key)) again.push({ offset: paragraph.offset + Math.max(0, index), text: sentence })
        else earlier.push(item)
      }
    }
    return again
  }
  const duplicated = repeats(targetParagraphs)
  if (duplicated.length > 0) {
    const allowance = repeats(paragraphTexts(source)).length
    for (const duplicate of duplicated.slice(allowance)) {
      const reporter = report(duplicate.offset)
      reporter.add('text/duplicate-sentence', {
        params: { text: truncate(duplicate.text, 60) },
        target: placeIn(target.text, target.bodyStart + duplicate.offset),
        actual: duplicate.text,
      })
      findings.push(...reporter.findings)
    }
  }

  const detected = otherLanguage(targetParagraphs.map((paragraph) => paragraph.text).join('\n'), targetLocale)
  if (detected) {
    const reporter = report(targetParagraphs[0]?.offset ?? 0)
    const name = (code: string) => findLocale(code)?.name ?? code
    reporter.add('text/language', {
      params: { expected: targetLocale.name, actual: name(detected) },
      target: placeIn(target.text, target.bodyStart + (targetParagraphs[0]?.offset ?? 0)),
      expected: targetLocale.code,
      actual: detected,
    })
    findings.push(...reporter.findings)
  }
  void sourceLocale
  return findings
}

/**
 * What the check reads of a section: `split`'s sections without the chunks and hashes
 * (cutting into chunks measures every block again; the check never needs it).
 */
export type CheckedSection = Omit<Section, 'chunks' | 'hash'>

/**
 * The sections of an article, as `split` cuts them (a preamble, then one per `#`/`##`
 * heading), and the top-level blocks of each, in one pass over the tree.
 */
export function checkedSections(article: Pick<Article, 'body' | 'tree'>): { sections: CheckedSection[]; blocks: RootContent[][] } {
  const blocks: RootContent[][] = []
  const headings: (Heading | null)[] = []
  for (const node of article.tree.children) {
    const heading = node.type === 'heading' && node.depth <= 2
    if (heading || blocks.length === 0) {
      blocks.push([])
      headings.push(heading ? node : null)
    }
    blocks[blocks.length - 1]!.push(node)
  }
  const sections = blocks.map((group, index): CheckedSection => {
    const start = offsetOf(group[0]!, 'start')
    const end = offsetOf(group[group.length - 1]!, 'end')
    const heading = headings[index]!
    return { index, isPreamble: heading === null, heading: heading ? toString(heading) : null, depth: heading?.depth ?? 0, start, end, source: article.body.slice(start, end) }
  })
  return { sections, blocks }
}

function offsetOf(node: RootContent, side: 'start' | 'end'): number {
  const offset = node.position?.[side].offset
  if (offset === undefined) throw new TypeError(`mdast node without offsets: ${node.type}`)
  return offset
}

/** The locales a check compares: given ones, else declared ones, else guessed from the text. */
export function checkLocales(
  source: Article,
  target: Article,
  options: Pick<CheckOptions, 'sourceLocale' | 'targetLocale' | 'policy'>,
): { sourceLocale: LocaleInfo; targetLocale: LocaleInfo; targetDeclared: string | undefined } {
  const key = localeKey(options.policy ?? DEFAULT_FRONTMATTER_POLICY)
  const sourceDeclared = declaredLocale(source, key)
  const targetDeclared = declaredLocale(target, key)
  const sourceLocale = options.sourceLocale
    ? requireLocale(options.sourceLocale, source.file)
    : ((sourceDeclared !== undefined ? findLocale(sourceDeclared) : undefined) ?? guessLocale(source))
  // A target that still declares the source's locale (or none, or an unknown one) is
  // reported by frontmatter/locale; its text is compared as the language it is written in.
  const declaredTarget = targetDeclared !== undefined ? findLocale(targetDeclared) : undefined
  const targetLocale = options.targetLocale
    ? requireLocale(options.targetLocale, target.file)
    : declaredTarget && declaredTarget.code !== sourceLocale.code
      ? declaredTarget
      : guessLocale(target)
  return { sourceLocale, targetLocale, targetDeclared }
}

/** The sections of both articles, their top-level blocks, and how they pair up. */
export interface SectionPairing {
  sourceSections: CheckedSection[]
  targetSections: CheckedSection[]
  sourceBlocks: RootContent[][]
  targetBlocks: RootContent[][]
  /** Link definitions of each whole article (references resolve through them). */
  definitions: { source: Definitions; target: Definitions }
  /**
   * The profile of a section by index, walked on first use and then kept: the section
   * alignment, the section rules and the article-wide text rules read the same one.
   */
  profiles: { source: (index: number) => Profile; target: (index: number) => Profile }
  /** Section index pairs; `undefined` marks a section without a partner. */
  pairs: [number | undefined, number | undefined][]
}

/** The profile of one side's section by index, walked on first use and then kept. */
function keptProfiles(sections: readonly CheckedSection[], blocks: readonly RootContent[][], dropLeftovers: boolean, definitions: Definitions): (index: number) => Profile {
  const kept: Profile[] = []
  return (index) => (kept[index] ??= profile(blocks[index]!, sections[index]!.start, dropLeftovers, definitions))
}

/**
 * Pairs the sections of two articles: by position when both have as many, else by
 * {@link align} on what survives translation (see {@link check}).
 */
export function sectionPairing(source: Article, target: Article, sourceLocale: LocaleInfo, targetLocale: LocaleInfo): SectionPairing {
  const { sections: sourceSections, blocks: sourceBlocks } = checkedSections(source)
  const { sections: targetSections, blocks: targetBlocks } = checkedSections(target)
  const ratio = ratioCalibration(sourceLocale, targetLocale)
  // References resolve through the whole article: definitions usually sit at its end.
  const definitions = { source: definitionsIn(source.tree.children), target: definitionsIn(target.tree.children) }
  // The source's generator leftovers are dropped (the translator leaves them out).
  const profiles = {
    source: keptProfiles(sourceSections, sourceBlocks, true, definitions.source),
    target: keptProfiles(targetSections, targetBlocks, false, definitions.target),
  }
  const pairs =
    sourceSections.length === targetSections.length
      ? sourceSections.map((_, index): [number | undefined, number | undefined] => [index, index])
      : align(
          sourceSections.map((_, index) => profiles.source(index)),
          targetSections.map((_, index) => profiles.target(index)),
          profileSimilarity(ratio.median),
        )
  return { sourceSections, targetSections, sourceBlocks, targetBlocks, definitions, profiles, pairs }
}

/**
 * Checks a translation against its source: frontmatter, then sections. Pure; `source`
 * and `target` are parsed articles (`parse`), each parsed once.
 *
 * Sections pair up by position when both articles have as many. When the counts differ
 * (a section dropped or split), pairing by position would compare every later section
 * with its neighbour and bury the one real problem under a cascade of false ones. The
 * sections are then aligned on what survives translation — heading depth, paragraph,
 * bold and emphasis counts, numbers, URLs and length — with a global alignment that
 * pairs as many as possible; each section left without a partner is one
 * `sections/count` finding naming its heading, and paired sections are checked as usual.
 */
export function check(source: Article, target: Article, options: CheckOptions = {}): Finding[] {
  validateRules(options.rules)
  const headingDepth = validateHeadingDepth(options.headingDepth)
  validateLengthRatio(options.lengthRatio)
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  const { sourceLocale, targetLocale, targetDeclared } = checkLocales(source, target, options)

  const findings: Finding[] = []
  const articleReporter = new Reporter(options.rules, { file: target.file })
  compareFrontmatter(
    source,
    target,
    policy,
    { source: sourceLocale, target: targetLocale, targetGiven: options.targetLocale !== undefined, declaredTarget: targetDeclared },
    articleReporter,
  )
  findings.push(...articleReporter.findings)

  const { sourceSections, targetSections, sourceBlocks, targetBlocks, definitions, profiles, pairs } = sectionPairing(source, target, sourceLocale, targetLocale)
  const slugs = { source: headingSlugs(source), target: headingSlugs(target) }

  const termsBySection: { section: CheckedSection; uses: TermUse[] }[] = []
  pairs.forEach(([a, b], position) => {
    if (a !== undefined && b !== undefined) {
      const s = sourceSections[a]!
      const t = targetSections[b]!
      // One search of the glossary's forms per section pair, for its lock rules and the article's consistency.
      const terms = options.glossary ? termRenderings(s.source, t.source, options.glossary, targetLocale.code) : undefined
      findings.push(
        ...checkSection(s.source, t.source, {
          section: s.index,
          heading: s.heading,
          file: target.file,
          sourceLocale: sourceLocale.code,
          targetLocale: targetLocale.code,
          sourceOffset: source.bodyStart + s.start,
          targetOffset: target.bodyStart + t.start,
          sourceText: source.text,
          targetText: target.text,
          headingDepth,
          blocks: { source: sourceBlocks[a]!, target: targetBlocks[b]!, sourceBase: s.start, targetBase: t.start, definitions, profiles: { source: profiles.source(a), target: profiles.target(b) }, ...(terms ? { terms } : {}) },
          ...(options.rules ? { rules: options.rules } : {}),
          ...(options.lengthRatio ? { lengthRatio: options.lengthRatio } : {}),
          ...(options.glossary ? { glossary: options.glossary } : {}),
          ...(options.urlRewrites ? { urlRewrites: options.urlRewrites } : {}),
          headingSlugs: slugs,
        }),
      )
      if (options.glossary) termsBySection.push({ section: s, uses: termUses(s.source, t.source, options.glossary, targetLocale.code, terms) })
      return
    }
    const missing = a !== undefined
    const section = missing ? sourceSections[a]! : targetSections[b!]!
    // Findings are numbered by source section: an extra target section belongs to the
    // source section it follows (or, at the very start, the one it precedes).
    let owner: CheckedSection | undefined = missing ? section : undefined
    for (let k = position - 1; k >= 0 && !owner; k--) if (pairs[k]![0] !== undefined) owner = sourceSections[pairs[k]![0]!]
    for (let k = position + 1; k < pairs.length && !owner; k++) if (pairs[k]![0] !== undefined) owner = sourceSections[pairs[k]![0]!]
    owner ??= sourceSections[0]
    const reporter = new Reporter(options.rules, { file: target.file, section: owner?.index ?? section.index, heading: owner?.heading ?? section.heading })
    // Where the missing section would go: the start of the next paired target section.
    let next: CheckedSection | undefined
    for (let k = position + 1; k < pairs.length && !next; k++) {
      const other = pairs[k]![1]
      if (other !== undefined) next = targetSections[other]
    }
    reporter.add('sections/count', {
      context: missing ? 'missing' : 'extra',
      params: { heading: section.heading ?? '—', expected: sourceSections.length, actual: targetSections.length, count: sourceSections.length },
      source: owner ? placeIn(source.text, source.bodyStart + owner.start) : undefined,
      target: missing
        ? placeIn(target.text, next ? target.bodyStart + next.start : target.text.length)
        : placeIn(target.text, target.bodyStart + section.start),
      expected: missing ? section.heading : undefined,
      actual: missing ? undefined : section.heading,
    })
    findings.push(...reporter.findings)
  })

  if (options.glossary) findings.push(...inconsistentTerms(termsBySection, source, target, options.rules))
  findings.push(...articleText(source, target, sourceLocale, targetLocale, pairs, sourceSections, targetSections, profiles.target, options))
  return findings
}
