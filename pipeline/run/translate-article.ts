/**
 * translate-article: one parsed article into one locale, through a translator. Sections
 * the plan reuses are spliced in as they are; only the others go to the provider. Writes
 * nothing: the result (output text, usage, findings, section counts) is returned, and a
 * failure comes back with what it cost.
 */
import { assemble, removalRange, type Replacement } from '../article/assemble.ts'
import {
  DEFAULT_FRONTMATTER_POLICY,
  localizeFrontmatter,
  translatableValues,
  valuesHash,
  type FrontmatterPolicy,
  type FrontmatterText,
} from '../article/frontmatter.ts'
import { lint } from '../article/lint.ts'
import type { LocaleInfo } from '../article/locales.ts'
import { articleTitle } from '../article/metadata.ts'
import { split, type SplitOptions } from '../article/split.ts'
import type { Article, Chunk, Finding, Section } from '../article/types.ts'
import { EXIT, visit } from 'unist-util-visit'
import { entriesIn } from '../glossary/match.ts'
import type { Glossary } from '../glossary/model.ts'
import type { SectionPlan } from '../review/plan.ts'
import { NO_USAGE, SectionFailure, type ChunkBlocks, type SectionResult, type Translator, type Usage, type ValuesResult } from '../translate/translator.ts'
import { addUsage, noneSpent, noSections, type ProgressEvent, type SectionCounts, type Spent } from './report.ts'

/** What an earlier run left for this article × locale: its lockfile record and output. */
export interface PriorTranslation {
  /** The article's sections the plans were made for (split with the run's options). */
  sections: Section[]
  plans: SectionPlan[]
  /** Translated frontmatter strings to keep (source values unchanged since). */
  values?: Map<string, string>
}

/** The output of {@link translateArticle}, with what the lockfile needs to record it. */
export interface TranslatedArticle {
  text: string
  sections: Section[]
  plans: SectionPlan[]
  /** The source's frontmatter strings that were translated, and their hash. */
  values: FrontmatterText[]
  valuesHash: string
  /** Whether any frontmatter string was sent to the provider in this run. */
  valuesTranslated: boolean
}

/** What {@link translateArticle} did either way: spent, found and counted. */
export interface ArticleTally extends Spent {
  /** Lint findings of the source, then the provider's findings (none when it failed). */
  findings: Finding[]
  counts: SectionCounts
  /** Sections kept as they were (their findings were reported by an earlier run). */
  reusedSections?: number[]
}

/** The result of {@link translateArticle}: the output, or the error that stopped it. */
export type ArticleTranslation = ({ status: 'translated' } & TranslatedArticle & ArticleTally) | ({ status: 'failed'; error: unknown } & ArticleTally)

/** What {@link translateArticle} takes from the run's options. */
export interface ArticleOptions {
  translator: Translator
  glossary?: Glossary | undefined
  policy?: FrontmatterPolicy | undefined
  split?: SplitOptions | undefined
  onEvent?: ((event: ProgressEvent) => void) | undefined
}

/** True when the article defines link or footnote targets anywhere (references resolve through them). */
function hasDefinitions(article: Article): boolean {
  let found = false
  visit(article.tree, (node) => {
    if (node.type === 'definition' || node.type === 'footnoteDefinition') {
      found = true
      return EXIT
    }
    return undefined
  })
  return found
}

/**
 * The article's top-level blocks that make up `chunk` exactly, or undefined when they do
 * not (a chunk that is not one run of whole blocks of the body is parsed alone instead).
 */
function blocksOf(article: Article, chunk: Chunk): ChunkBlocks | undefined {
  if (article.body.slice(chunk.start, chunk.end) !== chunk.source) return undefined
  const nodes = article.tree.children.filter((node) => (node.position?.start.offset ?? -1) >= chunk.start && (node.position?.end.offset ?? Infinity) <= chunk.end)
  if (nodes.length === 0 || nodes[0]!.position!.start.offset !== chunk.start || nodes.at(-1)!.position!.end.offset !== chunk.end) return undefined
  return { nodes, base: chunk.start }
}

/** What a failed section or frontmatter had spent before it failed. */
function spentBy(reason: unknown): Usage {
  return reason instanceof SectionFailure ? reason.usage : NO_USAGE
}

/**
 * Translates one parsed article into one locale and returns the output text (not
 * written) with its usage, findings and section counts. When a section or the
 * frontmatter fails, every other request is still settled first and the result is
 * `failed` with the error and everything spent, so reports never under-count.
 */
export async function translateArticle(
  article: Article,
  sourceLocale: LocaleInfo,
  targetLocale: LocaleInfo,
  options: ArticleOptions,
  signal: AbortSignal,
  prior?: PriorTranslation,
): Promise<ArticleTranslation> {
  const { translator, glossary } = options
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  const tally: ArticleTally = { ...noneSpent(), findings: [], counts: noSections() }
  const sections = prior?.sections ?? split(article, options.split)
  const linted = lint(article, sections)
  tally.findings.push(...linted.findings)
  const dropLeftovers = !translator.keepsLeftovers && linted.leftoverBlocks.length > 0
  const chunked = dropLeftovers ? split(article, { ...options.split, skip: linted.leftoverBlocks }) : sections
  const plans = prior?.plans ?? chunked.map((_, index): SectionPlan => ({ index, action: 'translate', reason: 'new', handEdited: false, stale: false }))
  const title = articleTitle(article)
  // The article's tree can stand for a chunk parsed alone only when no reference in the
  // chunk could resolve through a definition outside it.
  const reusable = !hasDefinitions(article)
  tally.counts.total = chunked.length
  options.onEvent?.({ type: 'article-start', file: article.file, locale: targetLocale.code, sections: chunked.length })

  const values = translatableValues(article.frontmatter.yaml, policy)
  const valueText = values.map((value) => value.text).join('\n')
  // Values whose source did not change keep their translation (hand edits included);
  // only the others are sent.
  const keptValues = prior?.values ?? new Map<string, string>()
  const changedValues = values.filter((value) => !keptValues.has(value.id))
  const merge = (result: ValuesResult): ValuesResult => ({ ...result, values: new Map([...keptValues, ...result.values]) })
  // Settled right away so a failure here is never an unhandled rejection while sections run.
  const valuesSettled = Promise.allSettled([
    changedValues.length === 0
      ? Promise.resolve<ValuesResult>({ ...NO_USAGE, values: keptValues, findings: [] })
      : translator
          .translateValues(changedValues, { file: article.file, sourceLocale, targetLocale, entries: glossary ? entriesIn(valueText, glossary) : [] }, signal)
          .then(merge),
  ])
  // Settle everything before deciding: finished sections still get cached when one
  // fails, and no request is left running after this article is given up.
  const settled = await Promise.allSettled(
    chunked.map(async (section): Promise<SectionResult | undefined> => {
      const plan = plans[section.index]!
      if (plan.action === 'reuse') return undefined
      const result = await translator.translateSection(
        {
          file: article.file,
          section,
          chunks: section.chunks,
          sourceLocale,
          targetLocale,
          title,
          entries: glossary ? entriesIn(section.source, glossary) : [],
          ...(plan.previous !== undefined ? { previous: plan.previous } : {}),
          ...(plan.note !== undefined ? { note: plan.note } : {}),
          ...(reusable ? { chunkBlocks: section.chunks.map((chunk) => blocksOf(article, chunk)) } : {}),
        },
        signal,
      )
      options.onEvent?.({ type: 'section-done', file: article.file, locale: targetLocale.code, section: section.index, heading: section.heading, usage: result })
      return result
    }),
  )
  const [valueSettled] = await valuesSettled
  const failure = [...settled, valueSettled].find((result) => result.status === 'rejected')
  if (failure) {
    // Count what was spent before giving up: reports and budgets must not under-report.
    for (const result of [...settled, valueSettled]) {
      if (result.status === 'fulfilled') {
        if (result.value) addUsage(tally, result.value)
      } else {
        addUsage(tally, spentBy(result.reason))
      }
    }
    const error = failure.reason instanceof SectionFailure ? failure.reason.cause : failure.reason
    return { status: 'failed', error, ...tally }
  }
  const sectionResults = settled.map((result) => (result as PromiseFulfilledResult<SectionResult | undefined>).value)
  const valueResult = (valueSettled as PromiseFulfilledResult<ValuesResult>).value

  const replacements: Replacement[] = []
  const reused = new Set<number>()
  chunked.forEach((section, index) => {
    const plan = plans[index]!
    const result = sectionResults[index]
    if (plan.action === 'reuse' || !result) {
      reused.add(index)
      tally.counts.reused++
      replacements.push({ start: section.start, end: section.end, text: plan.text ?? section.source })
      return
    }
    addUsage(tally, result)
    tally.findings.push(...result.findings)
    if (result.cached >= section.chunks.length && section.chunks.length > 0) tally.counts.cached++
    else tally.counts.translated++
    if (result.findings.some((finding) => finding.severity === 'error')) tally.counts.failed++
    section.chunks.forEach((chunk, chunkIndex) => {
      replacements.push({ start: chunk.start, end: chunk.end, text: result.texts[chunkIndex] ?? chunk.source })
    })
  })
  if (dropLeftovers) {
    for (const block of linted.leftoverBlocks) {
      const owner = chunked.find((section) => section.start <= block.start && block.end <= section.end)
      // A reused section already is the translation without its leftovers.
      if (owner && reused.has(owner.index)) continue
      replacements.push({ ...removalRange(article.body, block), text: '' })
    }
  }
  addUsage(tally, valueResult)
  tally.findings.push(...valueResult.findings)
  if (reused.size > 0) tally.reusedSections = [...reused].sort((a, b) => a - b)

  const yaml = localizeFrontmatter(article.frontmatter.yaml, targetLocale.code, valueResult.values, policy)
  return {
    status: 'translated',
    text: assemble(article, { frontmatterYaml: yaml, body: replacements }),
    sections: chunked,
    plans,
    values,
    valuesHash: valuesHash(values),
    valuesTranslated: changedValues.length > 0,
    ...tally,
  }
}
