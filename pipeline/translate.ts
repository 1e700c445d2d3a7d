/**
 * The orchestrator of `l10n translate`: the one place that reads and writes files and
 * runs providers. Per source file × target locale: parse → split → lint → translate
 * each section → assemble → new frontmatter → check → atomic write → report.
 */
import { resolve } from 'node:path'
import { assemble, removalRange, type Replacement } from './assemble.ts'
import { check, type CheckOptions } from './check.ts'
import { L10nError, isL10nError } from './errors.ts'
import {
  DEFAULT_FRONTMATTER_POLICY,
  localizeFrontmatter,
  translatableValues,
  type FrontmatterPolicy,
} from './frontmatter.ts'
import type { Glossary } from './glossary.ts'
import { contentHash } from './hash.ts'
import { readTextFile, readTextFileIfExists, writeFileAtomic } from './io.ts'
import { lint } from './lint.ts'
import { requireLocale, type LocaleInfo } from './locales.ts'
import { parse } from './parse.ts'
import { outputPath } from './paths.ts'
import { split, type SplitOptions } from './split.ts'
import { entriesIn } from './terms.ts'
import type { SectionResult, Translator, Usage, ValuesResult } from './translator.ts'
import type { Article, Finding } from './types.ts'
import { parseDocument } from 'yaml'
import { join } from 'node:path'

/** Everything one `translate` run needs; the CLI builds it from flags, env and config. */
export interface TranslateRunOptions {
  files: string[]
  /** Target site locale codes (`en`, `de`, ...). */
  targets: string[]
  translator: Translator
  glossary?: Glossary
  policy?: FrontmatterPolicy
  /** Output path pattern, see `paths.ts`. */
  outPattern?: string
  /** Outputs must stay inside this folder. @default process.cwd() */
  outRoot?: string
  split?: SplitOptions
  /** Overwrite outputs that exist and were not written by this tool (or were edited since). */
  force?: boolean
  /** Where the tool keeps its state (`written.json`, cache). @default `.l10n` */
  stateDir?: string
  /** Print nothing to disk: plan and translate, but do not write outputs. */
  dryRun?: boolean
  signal?: AbortSignal
  onEvent?: (event: ProgressEvent) => void
  check?: Partial<CheckOptions>
}

/** Progress, for the CLI's progress line. */
export type ProgressEvent =
  | { type: 'article-start'; file: string; locale: string; sections: number }
  | { type: 'section-done'; file: string; locale: string; section: number; usage: Usage }
  | { type: 'article-done'; report: ArticleReport }

/** What happened to one source file × target locale. */
export interface ArticleReport {
  source: string
  locale: string
  output?: string
  status: 'written' | 'unchanged' | 'failed' | 'skipped'
  provider: string
  model?: string
  sections: { total: number; translated: number; cached: number; failed: number }
  requests: number
  promptTokens: number
  completionTokens: number
  findings: Finding[]
  durationMs: number
  error?: { code: string; message: string }
}

/** The whole run. */
export interface RunReport {
  provider: string
  model?: string
  offline: boolean
  startedAt: string
  durationMs: number
  interrupted: boolean
  articles: ArticleReport[]
  totals: { articles: number; written: number; failed: number; requests: number; promptTokens: number; completionTokens: number; errors: number; warnings: number }
}

/** The site locale of an article, from its `locale:` key. */
export function articleLocale(article: Article): LocaleInfo {
  const document = parseDocument(article.frontmatter.yaml)
  const value = document.get('locale')
  if (typeof value !== 'string') throw new L10nError('E_UNKNOWN_LOCALE', { file: article.file, params: { locale: String(value ?? ''), known: '' } })
  return requireLocale(value, article.file)
}

/** The article's title from the frontmatter (empty when there is none). */
export function articleTitle(article: Article): string {
  const title = parseDocument(article.frontmatter.yaml).get('title')
  return typeof title === 'string' ? title : ''
}

/** Record of outputs this tool wrote, so a hand-edited file is never overwritten. */
type WrittenState = Record<string, string>

async function readWrittenState(path: string): Promise<WrittenState> {
  const text = await readTextFileIfExists(path)
  if (text === undefined) return {}
  try {
    return JSON.parse(text) as WrittenState
  } catch {
    // A damaged record only loses overwrite permission; outputs stay protected.
    return {}
  }
}

function emptyReport(source: string, locale: string, translator: Translator): ArticleReport {
  return {
    source,
    locale,
    status: 'failed',
    provider: translator.name,
    ...(translator.model ? { model: translator.model } : {}),
    sections: { total: 0, translated: 0, cached: 0, failed: 0 },
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    findings: [],
    durationMs: 0,
  }
}

function addUsage(report: ArticleReport, usage: Usage): void {
  report.requests += usage.requests
  report.promptTokens += usage.promptTokens
  report.completionTokens += usage.completionTokens
}

/**
 * Translates one parsed article into one locale and returns the output text (not
 * written). Pure apart from the provider it calls.
 */
export async function translateArticle(
  article: Article,
  sourceLocale: LocaleInfo,
  targetLocale: LocaleInfo,
  options: Pick<TranslateRunOptions, 'translator' | 'glossary' | 'policy' | 'split' | 'onEvent'>,
  report: ArticleReport,
  signal: AbortSignal,
): Promise<string> {
  const { translator, glossary } = options
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  const sections = split(article, options.split)
  const linted = lint(article, sections)
  report.findings.push(...linted.findings)
  const dropLeftovers = !translator.keepsLeftovers && linted.leftoverBlocks.length > 0
  const chunked = dropLeftovers ? split(article, { ...options.split, skip: linted.leftoverBlocks }) : sections
  const title = articleTitle(article)
  report.sections.total = chunked.length
  options.onEvent?.({ type: 'article-start', file: article.file, locale: targetLocale.code, sections: chunked.length })

  const values = translatableValues(article.frontmatter.yaml, policy)
  const valueText = values.map((value) => value.text).join('\n')
  // Settled right away so a failure here is never an unhandled rejection while sections run.
  const valuesSettled = Promise.allSettled([translator.translateValues(
    values,
    { file: article.file, sourceLocale, targetLocale, entries: glossary ? entriesIn(valueText, glossary) : [] },
    signal,
  )])
  // Settle everything before deciding: finished sections still get cached when one
  // fails, and no request is left running after this article is given up.
  const settled = await Promise.allSettled(
    chunked.map(async (section): Promise<SectionResult> => {
      const result = await translator.translateSection(
        {
          file: article.file,
          section,
          chunks: section.chunks,
          sourceLocale,
          targetLocale,
          title,
          entries: glossary ? entriesIn(section.source, glossary) : [],
        },
        signal,
      )
      options.onEvent?.({ type: 'section-done', file: article.file, locale: targetLocale.code, section: section.index, usage: result })
      return result
    }),
  )
  const [valueSettled] = await valuesSettled
  const failure = [...settled, valueSettled].find((result) => result.status === 'rejected')
  if (failure) throw failure.reason
  const sectionResults = settled.map((result) => (result as PromiseFulfilledResult<SectionResult>).value)
  const valueResult = (valueSettled as PromiseFulfilledResult<ValuesResult>).value

  const replacements: Replacement[] = []
  chunked.forEach((section, index) => {
    const result = sectionResults[index]!
    addUsage(report, result)
    report.findings.push(...result.findings)
    if (result.cached >= section.chunks.length && section.chunks.length > 0) report.sections.cached++
    else report.sections.translated++
    if (result.findings.some((finding) => finding.severity === 'error')) report.sections.failed++
    section.chunks.forEach((chunk, chunkIndex) => {
      replacements.push({ start: chunk.start, end: chunk.end, text: result.texts[chunkIndex] ?? chunk.source })
    })
  })
  if (dropLeftovers) for (const block of linted.leftoverBlocks) replacements.push({ ...removalRange(article.body, block), text: '' })
  addUsage(report, valueResult)
  report.findings.push(...valueResult.findings)

  const yaml = localizeFrontmatter(article.frontmatter.yaml, targetLocale.code, valueResult.values, policy)
  return assemble(article, { frontmatterYaml: yaml, body: replacements })
}

/**
 * Runs `translate` over files × target locales. Bad input of one file is reported and
 * does not stop the others; an abort stops everything and writes nothing half-done.
 */
export async function translateFiles(options: TranslateRunOptions): Promise<RunReport> {
  const started = Date.now()
  const controller = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal
  const targets = options.targets.map((code) => requireLocale(code))
  const stateDir = resolve(options.stateDir ?? '.l10n')
  const writtenPath = join(stateDir, 'written.json')
  const written = await readWrittenState(writtenPath)
  let stateWrites: Promise<void> = Promise.resolve()
  const recordWritten = (path: string, text: string) => {
    written[path] = contentHash(text)
    const snapshot = JSON.stringify(written, Object.keys(written).sort(), 2) + '\n'
    // Serialized: two outputs finishing together must not interleave their state writes.
    stateWrites = stateWrites.then(() => writeFileAtomic(writtenPath, snapshot))
    return stateWrites
  }

  const jobs: Promise<ArticleReport>[] = []
  for (const file of options.files) {
    const loaded = readTextFile(file).then((text) => parse(text, file))
    for (const target of targets) {
      jobs.push(
        (async () => {
          const jobStarted = Date.now()
          const report = emptyReport(file, target.code, options.translator)
          try {
            const article = await loaded
            const sourceLocale = articleLocale(article)
            const out = outputPath({
              source: file,
              sourceLocale,
              targetLocale: target,
              ...(options.outPattern ? { pattern: options.outPattern } : {}),
              ...(options.outRoot ? { root: options.outRoot } : {}),
            })
            report.output = out
            if (sourceLocale.code === target.code) {
              report.status = 'skipped'
              return report
            }
            const existing = await readTextFileIfExists(out)
            if (existing !== undefined && !options.force && written[out] !== contentHash(existing)) {
              throw new L10nError('E_TARGET_EDITED', { file: out })
            }
            const text = await translateArticle(article, sourceLocale, target, options, report, signal)
            signal.throwIfAborted()
            const translated = parse(text, out)
            // The identity provider copies the source on purpose: every text rule would fire.
            if (options.translator.name !== 'identity') report.findings.push(
              ...check(article, translated, {
                sourceLocale: sourceLocale.code,
                targetLocale: target.code,
                ...(options.glossary ? { glossary: options.glossary } : {}),
                ...(options.policy ? { policy: options.policy } : {}),
                ...options.check,
              }),
            )
            if (options.dryRun) {
              report.status = 'skipped'
            } else if (existing === text) {
              report.status = 'unchanged'
              await recordWritten(out, text)
            } else {
              await writeFileAtomic(out, text)
              await recordWritten(out, text)
              report.status = 'written'
            }
          } catch (error) {
            if (signal.aborted) {
              report.status = 'failed'
              report.error = { code: 'E_INTERRUPTED', message: 'interrupted' }
            } else if (isL10nError(error)) {
              report.status = 'failed'
              report.error = { code: error.code, message: error.message }
            } else {
              controller.abort()
              throw error
            }
          } finally {
            report.durationMs = Date.now() - jobStarted
          }
          options.onEvent?.({ type: 'article-done', report })
          return report
        })(),
      )
    }
  }
  const articles = await Promise.all(jobs)
  await stateWrites
  const count = (severity: string) => articles.reduce((sum, a) => sum + a.findings.filter((f) => f.severity === severity).length, 0)
  return {
    provider: options.translator.name,
    ...(options.translator.model ? { model: options.translator.model } : {}),
    offline: options.translator.offline,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    interrupted: options.signal?.aborted ?? false,
    articles,
    totals: {
      articles: articles.length,
      written: articles.filter((a) => a.status === 'written').length,
      failed: articles.filter((a) => a.status === 'failed').length,
      requests: articles.reduce((sum, a) => sum + a.requests, 0),
      promptTokens: articles.reduce((sum, a) => sum + a.promptTokens, 0),
      completionTokens: articles.reduce((sum, a) => sum + a.completionTokens, 0),
      errors: count('error'),
      warnings: count('warning'),
    },
  }
}

