/**
 * `checkSection`: the one implementation of "is this section intact". `check` calls it
 * for each aligned pair of sections, and the translator calls it on each answer before
 * accepting it.
 */
import { requireLocale } from '../article/locales.ts'
import { parseMarkdown } from '../article/markdown.ts'
import type { Finding } from '../article/types.ts'
import { compareAnchors } from './anchors.ts'
import { comparisonOf, type SectionSide } from './comparison.ts'
import { compareTerms } from './glossary.ts'
import { compareInline } from './inline.ts'
import { validateHeadingDepth, validateLengthRatio, type SectionCheckContext } from './options.ts'
import { profile } from './profile.ts'
import { Reporter } from './reporter.ts'
import { validateRules } from './rules.ts'
import { compareStructure } from './structure.ts'
import { compareText } from './text.ts'
import { reportUnlocked } from './unlocked.ts'
import { urlMatcher } from './urls.ts'
/**
 * Checks one translated fragment against its source fragment: structure, inline
 * markup, numbers, text heuristics and (with a glossary) locked names. Works on bare
 * Markdown (no frontmatter); places are offset by `context.sourceOffset`/`targetOffset`.
 */
export function checkSection(sourceMarkdown: string, targetMarkdown: string, context: SectionCheckContext): Finding[] {
  validateRules(context.rules)
  const headingDepth = validateHeadingDepth(context.headingDepth)
  validateLengthRatio(context.lengthRatio)
  const sourceLocale = requireLocale(context.sourceLocale)
  const targetLocale = requireLocale(context.targetLocale)
  const blocks = context.blocks
  const sourceProfile = blocks
    ? (blocks.profiles?.source ?? profile(blocks.source, blocks.sourceBase, true, blocks.definitions?.source))
    : context.sourceBlocks
      ? profile(context.sourceBlocks.nodes, context.sourceBlocks.base, true)
      : profile(parseMarkdown(sourceMarkdown).children, 0, true)
  const targetProfile = blocks
    ? (blocks.profiles?.target ?? profile(blocks.target, blocks.targetBase, false, blocks.definitions?.target))
    : profile(parseMarkdown(targetMarkdown).children, 0, false)
  const sourceNodes = blocks ? { children: blocks.source, base: blocks.sourceBase } : context.sourceBlocks ? { children: context.sourceBlocks.nodes, base: context.sourceBlocks.base } : undefined
  const source: SectionSide = {
    markdown: sourceMarkdown,
    profile: sourceProfile,
    ...(sourceNodes ? { nodes: sourceNodes } : {}),
    locator: context.sourceText !== undefined ? { text: context.sourceText, shift: context.sourceOffset ?? 0 } : { text: sourceMarkdown, shift: 0 },
  }
  const target: SectionSide = {
    markdown: targetMarkdown,
    profile: targetProfile,
    locator: context.targetText !== undefined ? { text: context.targetText, shift: context.targetOffset ?? 0 } : { text: targetMarkdown, shift: 0 },
  }
  const reporter = new Reporter(context.rules, { file: context.file, section: context.section, heading: context.heading })
  const comparison = comparisonOf(source, target, {
    reporter,
    sourceLocale,
    targetLocale,
    headingDepth,
    lengthRatio: context.lengthRatio,
    glossary: context.glossary,
    urls: urlMatcher(sourceLocale, targetLocale, context.urlRewrites, context.headingSlugs),
    ...(blocks?.terms ? { renderings: blocks.terms } : {}),
  })
  // The order of the groups is the order of the findings.
  compareStructure(comparison)
  compareInline(comparison)
  compareText(comparison)
  compareAnchors(comparison)
  if (context.glossary) compareTerms(comparison)
  if (context.glossary) reportUnlocked(comparison)
  // Without the whole files, places are in the fragments; shift the offsets only.
  if (context.sourceText === undefined && context.sourceOffset) shiftOffsets(reporter.findings, 'sourcePosition', context.sourceOffset)
  if (context.targetText === undefined && context.targetOffset) shiftOffsets(reporter.findings, 'targetPosition', context.targetOffset)
  return reporter.findings
}

function shiftOffsets(findings: Finding[], key: 'sourcePosition' | 'targetPosition', by: number): void {
  for (const finding of findings) {
    const place = finding[key]
    if (place?.offset !== undefined) place.offset += by
  }
}
