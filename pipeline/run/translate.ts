/**
 * The orchestrator of `l10n translate`: the one place that reads and writes files and
 * runs providers. Per source file × target locale: parse → split → lint → translate
 * each section → assemble → new frontmatter → check → atomic write → report.
 */
import { join, resolve } from 'node:path'
import { assemble, removalRange, type Replacement } from '../article/assemble.ts'
import { check, type CheckOptions } from '../check/index.ts'
import { L10nError, isL10nError } from '../shared/errors.ts'
import { t } from '../shared/i18n.ts'
import {
  DEFAULT_FRONTMATTER_POLICY,
  localizeFrontmatter,
  translatableValues,
  type FrontmatterPolicy,
  type FrontmatterText,
} from '../article/frontmatter.ts'
import type { Glossary } from '../glossary/model.ts'
import { contentHash } from '../shared/hash.ts'
import { readTextFile, readTextFileIfExists, removeStaleTemps, writeFileAtomic } from '../state/files.ts'
import { rename, unlink } from 'node:fs/promises'
import PQueue from 'p-queue'
import { lint } from '../article/lint.ts'
import { requireLocale, type LocaleInfo } from '../article/locales.ts'
import { parse } from '../article/parse.ts'
import { assertReallyInside, displayPath, placeOutput } from '../article/paths.ts'
import { split, type SplitOptions } from '../article/split.ts'
import { entriesIn, sectionGlossaryHash } from '../glossary/match.ts'
import { articleLocale, articleTitle } from '../article/metadata.ts'
import { valuesHash } from '../article/frontmatter.ts'
import { lockKey } from '../state/lockfile.ts'
import type { SectionResult, Translator, Usage, ValuesResult } from '../translate/translator.ts'
import type { Article, Finding, Section } from '../article/types.ts'
import type { Lockfile, LockSection, LockTranslation } from '../state/lockfile.ts'
import { createLockfileWriter, readLockfile, type LockfileWriter } from '../state/lockfile-store.ts'
import { planSections, replacesOfflineDraft, textSimilarity, translationHash, type SectionPlan } from '../review/plan.ts'
import { openMemory, openTextStore, type TextStore, type TranslationMemory } from '../state/text-store.ts'

/** Source × locale jobs running at once (each has its sections in the shared request queue). */
const ARTICLES_IN_FLIGHT = 16

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
  /** Where the tool keeps its state (cache, section texts, memory). @default `.l10n` */
  stateDir?: string
  /** The lockfile. @default `l10n.lock.yaml` in the output root */
  lockfile?: string
  /** `stale`: also re-translate sections made with another prompt or model; `all`: everything. */
  retranslate?: 'none' | 'stale' | 'all'
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
  /** `waiting`: some of its requests are in a Batch API batch not answered yet; nothing was written. */
  status: 'written' | 'unchanged' | 'failed' | 'skipped' | 'waiting'
  provider: string
  model?: string
  /** translated: sent to the provider; cached: answered from the cache; reused: kept from the existing output or memory. */
  sections: { total: number; translated: number; cached: number; reused: number; failed: number }
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
  totals: { articles: number; written: number; failed: number; waiting: number; requests: number; promptTokens: number; completionTokens: number; errors: number; warnings: number }
}

function emptyReport(source: string, locale: string, translator: Translator): ArticleReport {
  return {
    source,
    locale,
    status: 'failed',
    provider: translator.name,
    ...(translator.model ? { model: translator.model } : {}),
    sections: { total: 0, translated: 0, cached: 0, reused: 0, failed: 0 },
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

/**
 * Translates one parsed article into one locale and returns the output text (not
 * written). Sections the plan reuses are spliced in as they are; only the others go to
 * the provider.
 */
export async function translateArticle(
  article: Article,
  sourceLocale: LocaleInfo,
  targetLocale: LocaleInfo,
  options: Pick<TranslateRunOptions, 'translator' | 'glossary' | 'policy' | 'split' | 'onEvent'>,
  report: ArticleReport,
  signal: AbortSignal,
  prior?: PriorTranslation,
): Promise<TranslatedArticle> {
  const { translator, glossary } = options
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  const sections = prior?.sections ?? split(article, options.split)
  const linted = lint(article, sections)
  report.findings.push(...linted.findings)
  const dropLeftovers = !translator.keepsLeftovers && linted.leftoverBlocks.length > 0
  const chunked = dropLeftovers ? split(article, { ...options.split, skip: linted.leftoverBlocks }) : sections
  const plans = prior?.plans ?? chunked.map((_, index): SectionPlan => ({ index, action: 'translate', reason: 'new', handEdited: false, stale: false }))
  const title = articleTitle(article)
  report.sections.total = chunked.length
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
      ? Promise.resolve<ValuesResult>({ requests: 0, promptTokens: 0, completionTokens: 0, cached: 0, values: keptValues, findings: [] })
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
        },
        signal,
      )
      options.onEvent?.({ type: 'section-done', file: article.file, locale: targetLocale.code, section: section.index, usage: result })
      return result
    }),
  )
  const [valueSettled] = await valuesSettled
  const failure = [...settled, valueSettled].find((result) => result.status === 'rejected')
  if (failure) {
    // Count what was spent before giving up: reports and budgets must not under-report.
    for (const result of [...settled, valueSettled]) {
      if (result.status === 'fulfilled') {
        if (result.value) addUsage(report, result.value)
      } else {
        const spent = (result.reason as { usage?: Usage; attempts?: number }).usage
        addUsage(report, spent ?? { requests: (result.reason as { attempts?: number }).attempts ?? 0, promptTokens: 0, completionTokens: 0, cached: 0 })
      }
    }
    throw failure.reason
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
      report.sections.reused++
      replacements.push({ start: section.start, end: section.end, text: plan.text ?? section.source })
      return
    }
    addUsage(report, result)
    report.findings.push(...result.findings)
    if (result.cached >= section.chunks.length && section.chunks.length > 0) report.sections.cached++
    else report.sections.translated++
    if (result.findings.some((finding) => finding.severity === 'error')) report.sections.failed++
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
  addUsage(report, valueResult)
  report.findings.push(...valueResult.findings)

  const yaml = localizeFrontmatter(article.frontmatter.yaml, targetLocale.code, valueResult.values, policy)
  return { text: assemble(article, { frontmatterYaml: yaml, body: replacements }), sections: chunked, plans, values, valuesHash: valuesHash(values), valuesTranslated: changedValues.length > 0 }
}

/** Where a draft waits until the lockfile records it. */
export function pendingPath(out: string): string {
  return `${out}.l10n-pending`
}

/**
 * Finishes or discards the commit of a run that died: a pending draft the lockfile
 * recorded goes into place; one it never recorded is removed. Temp files of dead
 * writers beside the output are removed too.
 */
async function recoverPending(out: string, record: LockTranslation | undefined): Promise<void> {
  await removeStaleTemps(out)
  const pending = await readTextFileIfExists(pendingPath(out))
  if (pending === undefined) return
  if (record?.outputHash === contentHash(pending)) await rename(pendingPath(out), out)
  else await unlink(pendingPath(out))
}

/** Frontmatter strings kept from the existing output, and which of them were kept as hand edits. */
interface KeptValues {
  values: Map<string, string>
  handEdited: string[]
}

/**
 * Translated frontmatter strings to keep: every value whose source text is the same as
 * when the output was made — matched by text within its key, so inserting a keyword
 * does not make the others look changed — and, unless `force`, values edited by hand
 * even though their source changed (human edits win, as for sections).
 */
async function unchangedValues(
  values: readonly FrontmatterText[],
  existing: Article,
  record: LockTranslation | undefined,
  policy: FrontmatterPolicy,
  texts: TextStore,
  force: boolean,
): Promise<KeptValues | undefined> {
  // A frontmatter whose translation failed is translated again.
  if (!record?.frontmatter || record.frontmatter.errors) return undefined
  const output = new Map(translatableValues(existing.frontmatter.yaml, policy).map((value) => [value.id, value.text]))
  if (record.frontmatter.sourceHash === valuesHash(values)) return { values: output, handEdited: [] }
  const stored = await texts.get(record.frontmatter.sourceHash)
  if (stored === undefined) return undefined
  const before = JSON.parse(stored) as Record<string, string>
  const writtenText = await texts.get(record.frontmatter.translationHash)
  const written = writtenText === undefined ? undefined : (JSON.parse(writtenText) as Record<string, string>)
  const kept: KeptValues = { values: new Map(), handEdited: [] }
  const used = new Set<string>()
  for (const value of values) {
    const sameKey = (id: string) => id === value.key || id.startsWith(`${value.key}.`)
    const oldId = before[value.id] === value.text && !used.has(value.id) ? value.id : Object.keys(before).find((id) => sameKey(id) && before[id] === value.text && !used.has(id))
    if (oldId !== undefined && output.has(oldId)) {
      used.add(oldId)
      kept.values.set(value.id, output.get(oldId)!)
      continue
    }
    const current = output.get(value.id)
    if (!force && current !== undefined && written?.[value.id] !== undefined && written[value.id] !== current) {
      kept.values.set(value.id, current)
      kept.handEdited.push(value.id)
    }
  }
  return kept
}

function parseOrUndefined(text: string, file: string): Article | undefined {
  try {
    return parse(text, file)
  } catch {
    return undefined
  }
}

/**
 * Runs `translate` over files × target locales. Bad input of one file is reported and
 * does not stop the others; an abort stops everything and writes nothing half-done.
 * Unchanged sections are reused from the existing output (zero requests); hand edits
 * are kept; the lockfile records what every section was made from.
 */
export async function translateFiles(options: TranslateRunOptions): Promise<RunReport> {
  const started = Date.now()
  const controller = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal
  // `--to en,en` means en once.
  const targets = [...new Map(options.targets.map((code) => [requireLocale(code).code, requireLocale(code)])).values()]
  const stateDir = resolve(options.stateDir ?? '.l10n')
  const lockfilePath = resolve(options.lockfile ?? join(options.outRoot ?? '.', 'l10n.lock.yaml'))
  const lock = await readLockfile(lockfilePath)
  const lockWriter = createLockfileWriter(lockfilePath)
  const texts = openTextStore(join(stateDir, 'texts'))
  const memory = openMemory(join(stateDir, 'memory'))

  const run: RunContext = { options, signal, lock, lockfilePath, lockWriter, texts, memory, claims: new Map() }
  const jobs: Promise<ArticleReport>[] = []
  // The same file named twice is translated once.
  const files = [...new Map(options.files.map((file) => [resolve(file), file])).values()]
  // Articles in progress at once: enough to keep the request queue full, few enough that
  // a tree of thousands of articles is never held in memory all together.
  const articleQueue = new PQueue({ concurrency: ARTICLES_IN_FLIGHT })
  for (const file of files) {
    let loaded: Promise<Article> | undefined
    const load = () => (loaded ??= readTextFile(file).then((text) => parse(text, file)))
    for (const target of targets) {
      jobs.push(
        articleQueue.add(async () => {
          const jobStarted = Date.now()
          const report = emptyReport(file, target.code, options.translator)
          try {
            await translateOne(file, await load(), target, report, run)
          } catch (error) {
            if (signal.aborted) {
              report.status = 'failed'
              report.error = { code: 'E_INTERRUPTED', message: new L10nError('E_INTERRUPTED', { file, params: { detail: t('translate:interrupted') } }).message }
            } else if (isL10nError(error)) {
              report.status = error.code === 'E_BATCH_PENDING' ? 'waiting' : 'failed'
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
        }),
      )
    }
  }
  const reports = await Promise.all(jobs)
  const count = (severity: string) => reports.reduce((sum, a) => sum + a.findings.filter((f) => f.severity === severity).length, 0)
  return {
    provider: options.translator.name,
    ...(options.translator.model ? { model: options.translator.model } : {}),
    offline: options.translator.offline,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    interrupted: options.signal?.aborted ?? false,
    articles: reports,
    totals: {
      articles: reports.length,
      written: reports.filter((a) => a.status === 'written').length,
      failed: reports.filter((a) => a.status === 'failed').length,
      waiting: reports.filter((a) => a.status === 'waiting').length,
      requests: reports.reduce((sum, a) => sum + a.requests, 0),
      promptTokens: reports.reduce((sum, a) => sum + a.promptTokens, 0),
      completionTokens: reports.reduce((sum, a) => sum + a.completionTokens, 0),
      errors: count('error'),
      warnings: count('warning'),
    },
  }
}

/**
 * The lockfile record of a written translation. Sections are recorded by the text found
 * in the written file, so the next run can tell a hand edit from its own output.
 */
async function lockEntryFor(
  result: TranslatedArticle,
  written: Article,
  out: string,
  lockfilePath: string,
  previous: LockTranslation | undefined,
  fingerprint: { model?: string | undefined; promptHash: string },
  glossary: Glossary | undefined,
  target: LocaleInfo,
  texts: TextStore,
  errorsBySection: ReadonlyMap<number, number>,
  policy: FrontmatterPolicy,
  keptHandEdits: boolean,
  frontmatterErrors: number,
): Promise<LockTranslation> {
  const outputSections = split(written)
  const aligned = outputSections.length === result.sections.length
  const sections: LockSection[] = []
  for (const section of result.sections) {
    const plan = result.plans[section.index]!
    const outputText = aligned ? outputSections[section.index]!.source : ''
    await texts.put(section.source, section.hash)
    if (aligned) await texts.put(outputText, translationHash(outputText))
    if (plan.action === 'reuse' && plan.lock && plan.reason !== 'memory') {
      // Unchanged or hand-edited: the record stays as it was (an edit shows up as such).
      sections.push({ ...plan.lock, sourceHash: plan.handEdited ? plan.lock.sourceHash : section.hash })
      continue
    }
    const history = plan.lock
    sections.push({
      sourceHash: section.hash,
      translationHash: aligned ? translationHash(outputText) : '',
      status: 'draft',
      ...(history?.approvedSourceHash ? { approvedSourceHash: history.approvedSourceHash } : {}),
      ...(history?.approvedTranslationHash ? { approvedTranslationHash: history.approvedTranslationHash } : {}),
      ...(history?.approvedBy ? { approvedBy: history.approvedBy } : {}),
      ...(history?.approvedAt ? { approvedAt: history.approvedAt } : {}),
      ...(fingerprint.model ? { model: fingerprint.model } : {}),
      promptHash: fingerprint.promptHash,
      glossaryHash: sectionGlossaryHash(section.source, glossary, target),
      ...(errorsBySection.get(section.index) ? { errors: errorsBySection.get(section.index)! } : {}),
    })
  }
  // Source and translated values are kept by hash: a later run can tell which source
  // values changed, and review can show what the translation was before.
  const asJson = (values: readonly FrontmatterText[]) => JSON.stringify(Object.fromEntries(values.map((value) => [value.id, value.text])))
  const writtenValues = translatableValues(written.frontmatter.yaml, policy)
  await texts.put(asJson(result.values), result.valuesHash)
  const translatedHash = valuesHash(writtenValues)
  await texts.put(asJson(writtenValues), translatedHash)
  const before = previous?.frontmatter
  // With hand edits kept over a changed source, the record stays as it was: the values
  // remain stale (and flagged) until a reviewer approves them or --force replaces them.
  const frontmatterUnchanged = before && frontmatterErrors === 0 && (keptHandEdits || (before.sourceHash === result.valuesHash && !result.valuesTranslated))
  return {
    output: lockKey(lockfilePath, out),
    frontmatter: frontmatterUnchanged
      ? before
      : {
          sourceHash: result.valuesHash,
          translationHash: translatedHash,
          status: 'draft',
          ...(frontmatterErrors > 0 ? { errors: frontmatterErrors } : {}),
          // The approval history stays, so review can diff against what was approved.
          ...(before?.approvedSourceHash ? { approvedSourceHash: before.approvedSourceHash } : {}),
          ...(before?.approvedTranslationHash ? { approvedTranslationHash: before.approvedTranslationHash } : {}),
          ...(before?.approvedBy ? { approvedBy: before.approvedBy } : {}),
          ...(before?.approvedAt ? { approvedAt: before.approvedAt } : {}),
        },
    sections,
  }
}

/**
 * Keeps approvals another process recorded meanwhile: a section approved in the fresh
 * lockfile with the same source and translation stays approved.
 */
function mergeApprovals(entry: LockTranslation, fresh: LockTranslation | undefined): LockTranslation {
  if (!fresh) return entry
  const approved = new Map(fresh.sections.filter((s) => s.status === 'approved').map((s) => [`${s.sourceHash}:${s.translationHash}`, s]))
  return {
    ...entry,
    sections: entry.sections.map((section) => approved.get(`${section.sourceHash}:${section.translationHash}`) ?? section),
  }
}

/** What every job of one `translateFiles` run shares. */
interface RunContext {
  options: TranslateRunOptions
  signal: AbortSignal
  lock: Lockfile
  lockfilePath: string
  lockWriter: LockfileWriter
  texts: TextStore
  memory: TranslationMemory
  /** Output path → the source writing it, so two sources never write one file. */
  claims: Map<string, string>
}

/**
 * One source × target locale: plan against the lockfile and the existing output,
 * translate what the plan says, check, and commit output and lockfile together.
 */
async function translateOne(file: string, article: Article, target: LocaleInfo, report: ArticleReport, run: RunContext): Promise<void> {
  const { options, signal, lock, lockfilePath, lockWriter, texts, memory } = run
  const sourceLocale = articleLocale(article)
  if (sourceLocale.code === target.code) {
    report.status = 'skipped'
    return
  }
  const out = placeOutput(file, sourceLocale, target, options)
  assertReallyInside(out, options.outRoot, file)
  report.output = out
  // Two sources, or two locales of one source, must never write the same file.
  const owner = `${resolve(file)} → ${target.code}`
  const claimant = run.claims.get(out)
  if (claimant !== undefined && claimant !== owner) {
    throw new L10nError('E_OUTPUT_CONFLICT', { file, params: { output: displayPath(out), other: claimant } })
  }
  run.claims.set(out, owner)
  const sourceKey = lockKey(lockfilePath, file)
  const record = lock.articles[sourceKey]?.[target.code]
  await recoverPending(out, record)
  const existingText = await readTextFileIfExists(out)
  const existing = existingText === undefined ? undefined : parseOrUndefined(existingText, out)
  const existingSections = existing ? split(existing).map((section) => section.source) : undefined
  // A file l10n did not write, or whose sections were added or removed by hand,
  // cannot be merged section by section: leave it to a person unless --force. l10n's
  // own draft, untouched since (a model added or dropped a heading), is simply redone:
  // its good sections come back from the cache.
  const mergeable = existing !== undefined && record !== undefined && existingSections!.length === record.sections.length
  const ownDraft = existingText !== undefined && record?.outputHash === contentHash(existingText)
  if (existingText !== undefined && !mergeable && !ownDraft && !options.force) throw new L10nError('E_TARGET_EDITED', { file: displayPath(out) })
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  const sourceSections = split(article, options.split)
  const fingerprint = options.translator.fingerprint(target)
  const oldSources = mergeable ? await Promise.all(record!.sections.map((section) => texts.get(section.sourceHash))) : []
  const plans = planSections({
    similarity: (i, k) => (oldSources[k] === undefined ? undefined : textSimilarity(sourceSections[i]!.source, oldSources[k]!)),
    sections: sourceSections,
    glossaryHashes: sourceSections.map((section) => sectionGlossaryHash(section.source, options.glossary, target)),
    promptHash: fingerprint.promptHash,
    model: fingerprint.model,
    lock: mergeable ? record : undefined,
    outputSections: mergeable ? existingSections : undefined,
    retranslate: options.retranslate ?? 'none',
    overwriteHandEdits: Boolean(options.force),
    memory: (hash) => memory.lookup(target.code, hash),
  })
  const values = translatableValues(article.frontmatter.yaml, policy)
  // Values made by an offline provider are not worth keeping either.
  const offlineBefore = record?.sections.some((section) => replacesOfflineDraft(section.model, fingerprint.model)) ?? false
  const kept =
    existing && mergeable && options.retranslate !== 'all' && !offlineBefore ? await unchangedValues(values, existing, record, policy, texts, Boolean(options.force)) : undefined
  for (const key of kept?.handEdited ?? []) {
    report.findings.push({ ruleId: 'translate/hand-edit-kept', severity: 'warning', messageId: 'translate:hand-edit-kept', values: { key }, file: displayPath(out) })
  }
  const prior: PriorTranslation = {
    sections: sourceSections,
    plans,
    ...(kept ? { values: kept.values } : {}),
  }
  const result = await translateArticle(article, sourceLocale, target, options, report, signal, prior)
  signal.throwIfAborted()
  const translated = parse(result.text, out)
  // The identity provider copies the source on purpose: every text rule would fire.
  if (options.translator.name !== 'identity') {
    report.findings.push(
      ...check(article, translated, {
        sourceLocale: sourceLocale.code,
        targetLocale: target.code,
        ...(options.glossary ? { glossary: options.glossary } : {}),
        ...(options.policy ? { policy: options.policy } : {}),
        ...options.check,
      }),
    )
  }
  report.status = existingText === result.text ? 'unchanged' : 'written'
  // Two-phase commit: the draft waits beside the output until the lockfile
  // records it, so a crash never leaves an output the lockfile does not know.
  if (report.status === 'written') await writeFileAtomic(pendingPath(out), result.text, out)
  const frontmatterErrors = report.findings.filter(
    (finding) => finding.severity === 'error' && (finding.ruleId === 'translate/frontmatter-failed' || finding.ruleId.startsWith('frontmatter/')),
  ).length
  const errorsBySection = new Map<number, number>()
  for (const finding of report.findings) {
    if (finding.severity === 'error' && finding.section !== undefined && finding.file === out) errorsBySection.set(finding.section, (errorsBySection.get(finding.section) ?? 0) + 1)
  }
  const entry = await lockEntryFor(result, translated, out, lockfilePath, record, fingerprint, options.glossary, target, texts, errorsBySection, policy, (kept?.handEdited.length ?? 0) > 0, frontmatterErrors)
  entry.outputHash = contentHash(result.text)
  try {
    await lockWriter.update((fresh) => {
      const merged = mergeApprovals(entry, fresh.articles[sourceKey]?.[target.code])
      fresh.articles[sourceKey] = { ...fresh.articles[sourceKey], [target.code]: merged }
    })
  } catch (error) {
    // Not recorded, so not written: the pending draft goes too.
    if (report.status === 'written') await unlink(pendingPath(out)).catch(() => {})
    throw error
  }
  if (report.status === 'written') await rename(pendingPath(out), out)
}
