/**
 * The orchestrator of `l10n translate`: the one place that reads and writes files and
 * runs providers. Per source file × target locale: plan against the lockfile and the
 * existing output → translate the article (`translate-article`) → check → record
 * (`lock-entry`) and write (`write-output`) together → report (`report`).
 */
import { join, resolve } from 'node:path'
import PQueue from 'p-queue'
import { DEFAULT_FRONTMATTER_POLICY, translatableValues, type FrontmatterPolicy } from '../article/frontmatter.ts'
import { isCjk, requireLocale, type LocaleInfo } from '../article/locales.ts'
import { articleLocale } from '../article/metadata.ts'
import { parse } from '../article/parse.ts'
import { assertReallyInside, displayPath, placeOutput } from '../article/paths.ts'
import { split, type SplitOptions } from '../article/split.ts'
import type { Article, Finding } from '../article/types.ts'
import { check, type CheckOptions } from '../check/index.ts'
import { sectionGlossaryHash } from '../glossary/match.ts'
import { nameCoverage, type NameCoverage } from '../glossary/coverage.ts'
import type { Glossary } from '../glossary/model.ts'
import { planSections, replacesOfflineDraft, textSimilarity } from '../review/plan.ts'
import { L10nError, internalError, isL10nError } from '../shared/errors.ts'
import { contentHash } from '../shared/hash.ts'
import { message } from '../shared/i18n.ts'
import { readTextFile, readTextFileIfExists, removeStaleTempsUnder } from '../state/files.ts'
import { lockKey } from '../state/lockfile.ts'
import { createLockfileWriter, openLockRecords, type LockfileWriter, type LockRecords } from '../state/lockfile-store.ts'
import type { DamagedRecord } from '../state/records.ts'
import type { LockTranslation } from '../state/lockfile.ts'
import { rememberStatus } from '../review/status.ts'
import type { Loaded, WorkflowOptions } from '../review/state.ts'
import { openMemory, openTextStore, type TextStore, type TranslationMemory } from '../state/text-store.ts'
import type { Translator } from '../translate/translator.ts'
import { coverageInputs, readProposals, rememberCoverage } from './glossary.ts'
import { sealFor } from '../review/status-seal.ts'
import { unchangedValues } from './keep-values.ts'
import { errorCounts, lockEntryFor, mergeApprovals } from './lock-entry.ts'
import { addUsage, emptyReport, runReport, type ArticleReport, type ProgressEvent, type RunReport } from './report.ts'
import { translateArticle, type ArticleTally, type PriorTranslation } from './translate-article.ts'
import { commitOutput, recoverPending } from './write-output.ts'
import { roomIn } from './feed.ts'
import type { Judge } from './judge.ts'

export type { ArticleReport, ProgressEvent, RunReport } from './report.ts'
export { findingKey, uniqueFindings } from './report.ts'
export { translateArticle, type ArticleTranslation, type PriorTranslation, type TranslatedArticle } from './translate-article.ts'

/** Source × locale jobs running at once (each has its sections in the shared request queue). */
const ARTICLES_IN_FLIGHT = 16

/** Source × locale jobs waiting in the article queue at most before the next file's are added (see `feed.ts`). */
export const ARTICLES_WAITING = ARTICLES_IN_FLIGHT

/** Everything one `translate` run needs; the CLI builds it from flags, env and config. */
export interface TranslateRunOptions {
  files: string[]
  /** Target site locale codes (`en`, `de`, ...). */
  targets: string[]
  translator: Translator
  glossary?: Glossary
  /**
   * The glossary proposals file: the report counts an article's names on it as proposed
   * (the rest of the names the glossary does not lock are not covered). Missing: none.
   */
  proposals?: string
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
  /**
   * Split a single-file lockfile into per-record files on the first write. `false` in a
   * sharded sync: it writes only its own records, so shards never change the same file.
   * @default true
   */
  migrateLockfile?: boolean
  /**
   * The settings `status` and sync's plan judge with: when given, the status of each pair
   * written is kept for their no-op fast path (`review/status-memo.ts`), so the run after
   * this one parses nothing of what it left unchanged. Several settings: a status is
   * kept for each (sync keeps its own and the one `status` judges with).
   */
  statusMemo?: readonly WorkflowOptions[]
  signal?: AbortSignal
  onEvent?: (event: ProgressEvent) => void
  check?: Partial<CheckOptions>
  /** A second opinion on every draft written (`judge:` in the config): its findings and requests join the article's. */
  judge?: Judge
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
 * does not stop the others, nor does an internal error (`E_INTERNAL`, a bug) in one;
 * an abort stops everything and writes nothing half-done; a refused key (`E_AUTH`)
 * lets nothing new start.
 * Unchanged sections are reused from the existing output (zero requests); hand edits
 * are kept; the lockfile records what every section was made from.
 */
export async function translateFiles(options: TranslateRunOptions): Promise<RunReport> {
  const started = Date.now()
  const signal = options.signal ?? new AbortController().signal
  // `--to en,en` means en once.
  const targets = [...new Map(options.targets.map((code) => [requireLocale(code).code, requireLocale(code)])).values()]
  const stateDir = resolve(options.stateDir ?? '.l10n')
  const lockfilePath = resolve(options.lockfile ?? join(options.outRoot ?? '.', 'l10n.lock.yaml'))
  // Temp files of killed runs would pile up in the state folder run after run.
  await removeStaleTempsUnder(stateDir)
  // Records are read as the articles come up and written as they finish: one article's.
  const lock = openLockRecords(lockfilePath, { keep: false })
  const lockWriter = createLockfileWriter(lockfilePath, { migrate: options.migrateLockfile !== false })
  const texts = openTextStore(join(stateDir, 'texts'))
  const memory = openMemory(join(stateDir, 'memory'))

  const run: RunContext = { options, signal, lock, lockfilePath, lockWriter, texts, memory, claims: new Map(), remembering: new Map() }
  const jobs: Promise<ArticleReport>[] = []
  // The same file named twice is translated once.
  const files = [...new Map(options.files.map((file) => [resolve(file), file])).values()]
  // Articles in progress at once: enough to keep the request queue full, few enough that
  // a tree of thousands of articles is never held in memory all together.
  const articleQueue = new PQueue({ concurrency: ARTICLES_IN_FLIGHT })
  // Open proposals are read once for the whole run, only when names are counted.
  let openProposals: Promise<string[]> | undefined
  const proposed = () =>
    (openProposals ??= options.proposals
      ? readProposals(options.proposals).then(
          (file) => file.proposals.filter((proposal) => proposal.status === 'proposed').flatMap((proposal) => [proposal.source, ...proposal.aliases]),
          // A damaged proposals file does not fail a translation over a report count;
          // `status` and every `glossary` command name the file and the place.
          () => [],
        )
      : Promise.resolve([]))
  for (const file of files) {
    // Streamed: a file's jobs are added once few wait, so a site's thousands of pairs are
    // never all queued at once (the order and the reports stay the same).
    await roomIn(articleQueue, ARTICLES_WAITING)
    let loaded: Promise<Article> | undefined
    // The names of a source are counted once, not once per target locale.
    let coverage: Promise<CountedNames> | undefined
    const load = () => (loaded ??= readTextFile(file).then((text) => parse(text, file)))
    // Kept for `status` too (as it keeps it) when this run keeps statuses: it then parses nothing for names.
    const namesOf = async (article: Article): Promise<CountedNames> => {
      const open = await proposed()
      const counted = nameCoverage(article.tree, options.glossary, open)
      if (options.statusMemo) await rememberCoverage(stateDir, file, article.text, options.glossary, open, counted)
      return { coverage: counted, inputs: coverageInputs(options.glossary, open) }
    }
    for (const target of targets) {
      jobs.push(
        articleQueue.add(async () => {
          const jobStarted = Date.now()
          const report = emptyReport(file, target.code, options.translator)
          try {
            // Once the server refused the credentials, nothing new starts: every other
            // pair would be refused too, and each attempt may count against the key.
            if (run.refused) throw run.refused
            const article = await load()
            // Counted before the write: the record's seal keeps them for a `status` of a fresh checkout.
            const names = options.glossary && isCjk(articleLocale(article)) ? await (coverage ??= namesOf(article)) : undefined
            await translateOne(file, article, target, report, run, names)
            if (names) report.names = names.coverage
          } catch (error) {
            if (signal.aborted) {
              report.status = 'failed'
              report.error = { code: 'E_INTERRUPTED', message: new L10nError('E_INTERRUPTED', { file, params: { detail: message('translate:interrupted') } }).message }
            } else if (isL10nError(error)) {
              if (error.code === 'E_AUTH') run.refused ??= error
              report.status = error.code === 'E_BATCH_PENDING' ? 'waiting' : 'failed'
              report.error = { code: error.code, message: error.message }
            } else {
              // A bug, not bad input: this pair fails with its own code, the others go on,
              // and the CLI exits with the internal-error code (trace with --debug).
              const internal = internalError(error, file)
              report.status = 'failed'
              report.error = { code: internal.code, message: internal.message }
              Object.defineProperty(report, 'exception', { value: error, enumerable: false })
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
  return runReport(options.translator, started, options.signal?.aborted ?? false, reports)
}

/**
 * Keeps the status of a pair just written, as `status` would work it out from the files,
 * one article at a time (its locales finish concurrently and share one memo record).
 */
async function remember(run: RunContext, workflow: readonly WorkflowOptions[], loaded: Loaded): Promise<void> {
  const previous = run.remembering.get(loaded.sourceKey) ?? Promise.resolve()
  const next = previous.then(() => rememberStatus(workflow, loaded))
  const settled = next.catch(() => {})
  run.remembering.set(loaded.sourceKey, settled)
  // Only speed depends on it: a memo that cannot be kept never fails the run.
  await settled
  // The last write of a source leaves nothing behind: the map holds only sources in flight.
  if (run.remembering.get(loaded.sourceKey) === settled) run.remembering.delete(loaded.sourceKey)
}

/** A source's name coverage and what it was counted against (see `coverageInputs`). */
interface CountedNames {
  coverage: NameCoverage
  inputs: string
}

/** What every job of one `translateFiles` run shares. */
interface RunContext {
  options: TranslateRunOptions
  signal: AbortSignal
  lock: LockRecords
  lockfilePath: string
  lockWriter: LockfileWriter
  texts: TextStore
  memory: TranslationMemory
  /** Output path → the source writing it, so two sources never write one file. */
  claims: Map<string, string>
  /** The first refusal of the credentials (HTTP 401/403): no pair starts after it. */
  refused?: L10nError
  /** Per source, the last status memo write (see {@link remember}). */
  remembering: Map<string, Promise<void>>
}

/** Adds what {@link translateArticle} spent, found and counted to the article's report. */
function addTally(report: ArticleReport, tally: ArticleTally): void {
  addUsage(report, tally)
  report.findings.push(...tally.findings)
  report.sections = { ...tally.counts }
  if (tally.reusedSections) report.reusedSections = tally.reusedSections
}

/** A warning for a damaged record of the state folder: it counted as missing. */
function damagedRecordFinding(damage: DamagedRecord): Finding {
  return { ruleId: 'translate/damaged-record', severity: 'warning', messageId: 'translate:damaged-record', values: { detail: damage.detail }, file: damage.file }
}

/**
 * One source × target locale: plan against the lockfile and the existing output,
 * translate what the plan says, check, and commit output and lockfile together.
 */
async function translateOne(file: string, article: Article, target: LocaleInfo, report: ArticleReport, run: RunContext, names?: CountedNames): Promise<void> {
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
  const record = await lock.get(sourceKey, target.code)
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
  // A damaged record of the state folder counts as missing; the run says so.
  const damaged: Finding[] = []
  const onDamaged = (damage: DamagedRecord) => damaged.push(damagedRecordFinding(damage))
  const oldSources = mergeable ? await Promise.all(record!.sections.map((section) => texts.get(section.sourceHash, onDamaged))) : []
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
    memory: (hash) => memory.lookup(target.code, hash, onDamaged),
  })
  const values = translatableValues(article.frontmatter.yaml, policy)
  // Values made by an offline provider are not worth keeping either.
  const offlineBefore = record?.sections.some((section) => replacesOfflineDraft(section.model, fingerprint.model)) ?? false
  const kept =
    existing && mergeable && options.retranslate !== 'all' && !offlineBefore
      ? await unchangedValues({ values, existing, record, policy, texts, force: Boolean(options.force), onDamaged })
      : undefined
  report.findings.push(...damaged)
  for (const key of kept?.handEdited ?? []) {
    report.findings.push({ ruleId: 'translate/hand-edit-kept', severity: 'warning', messageId: 'translate:hand-edit-kept', values: { key }, file: displayPath(out) })
  }
  const prior: PriorTranslation = {
    sections: sourceSections,
    plans,
    ...(kept ? { values: kept.values } : {}),
  }
  const result = await translateArticle(article, sourceLocale, target, options, signal, prior)
  addTally(report, result)
  if (result.status === 'failed') throw result.error
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
  if (options.judge && options.translator.name !== 'identity') {
    const verdict = await options.judge.judge(article, translated, {
      sourceLocale: sourceLocale.code,
      targetLocale: target.code,
      ...(options.glossary ? { glossary: options.glossary } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    })
    // A judge that could not answer is a finding (judge/failed), never a lost draft.
    report.findings.push(...verdict.findings)
    addUsage(report, verdict)
    report.judge = { model: options.judge.model, requests: verdict.requests, promptTokens: verdict.promptTokens, completionTokens: verdict.completionTokens }
  }
  report.status = existingText === result.text ? 'unchanged' : 'written'
  const errors = errorCounts(report.findings, out)
  const { entry, texts: named } = lockEntryFor({
    result,
    written: translated,
    output: lockKey(lockfilePath, out),
    previous: record,
    fingerprint,
    glossary: options.glossary,
    target,
    policy,
    errorsBySection: errors.bySection,
    frontmatterErrors: errors.frontmatter,
    keptHandEdits: (kept?.handEdited.length ?? 0) > 0,
  })
  entry.outputHash = contentHash(result.text)
  let recorded: LockTranslation | undefined
  // The pair as `status` will load it, for its memo and the record's seal (see
  // review/status-seal.ts): sections as `status` splits them, the record's texts as named.
  const settings = options.statusMemo ?? []
  const policyOf = settings[0]?.policy ?? policy
  const textOf = new Map(named.map(({ text, hash }) => [hash, text]))
  const written: Omit<Loaded, 'record' | 'oldSources'> | undefined =
    settings.length > 0
      ? {
          article,
          sourceLocale,
          target,
          sourceSections: split(article),
          output: out,
          outputArticle: translated,
          outputSections: split(translated),
          sourceKey,
          sourceValues: translatableValues(article.frontmatter.yaml, policyOf),
          outputValues: translatableValues(translated.frontmatter.yaml, policyOf),
        }
      : undefined
  const loadedWith = (record: LockTranslation): Loaded => ({ ...written!, record, oldSources: record.sections.map((section) => textOf.get(section.sourceHash)) })
  // Two-phase commit: the draft waits beside the output until the lockfile
  // records it, so a crash never leaves an output the lockfile does not know.
  await commitOutput(out, report.status === 'written' ? result.text : undefined, async () => {
    for (const { text, hash } of named) await texts.put(text, hash)
    await lockWriter.update({
      source: sourceKey,
      locale: target.code,
      mutate: (fresh) => {
        const merged = mergeApprovals(entry, fresh)
        const seal = written ? sealFor(loadedWith(merged), settings, names && { inputs: names.inputs, ...names.coverage }) : undefined
        return (recorded = seal ? { ...merged, seal } : merged)
      },
    })
  })
  if (options.statusMemo && recorded) {
    const record = recorded
    const oldSources = await Promise.all(record.sections.map(async (section) => textOf.get(section.sourceHash) ?? (await texts.get(section.sourceHash))))
    await remember(run, options.statusMemo, { ...written!, record, oldSources })
  }
}
