/**
 * The reviewer workflow around the lockfile: `status` (what needs work), `review`
 * (source change beside translation change, per section) and `approve` (record a
 * reviewer's decision), plus seeding translation memory from existing translations.
 * Reads files and the lockfile; the decisions themselves are pure (`plan.ts`).
 */
import { join } from 'node:path'
import { check } from './check.ts'
import { L10nError } from './errors.ts'
import { translatableValues } from './frontmatter.ts'
import type { Glossary } from './glossary.ts'
import { contentHash } from './hash.ts'
import { t } from './i18n.ts'
import { readTextFile, readTextFileIfExists } from './io.ts'
import { requireLocale, type LocaleInfo } from './locales.ts'
import type { Lockfile, LockSection, LockTranslation } from './lockfile.ts'
import { readLockfile, updateLockfile } from './lockstore.ts'
import { parse } from './parse.ts'
import { placeOutput } from './paths.ts'
import { planSections, translationHash, type SectionPlan } from './plan.ts'
import type { ReviewDocument, ReviewItem } from './review-render.ts'
import { split } from './split.ts'
import { openMemory, openTextStore } from './store.ts'
import { articleLocale, lockKey, sectionGlossaryHash } from './translate.ts'
import type { Article, Finding, Section } from './types.ts'

/** Where a workflow command looks: the same settings `translate` uses. */
export interface WorkflowOptions {
  lockfile: string
  stateDir: string
  outPattern?: string
  outRoot?: string
  glossary?: Glossary
  /**
   * Prompt hash and model a fresh translation would use, to tell sections made with
   * another prompt or model. Undefined: those are not compared.
   */
  fingerprint?: ((target: LocaleInfo) => { model: string | undefined; promptHash: string }) | undefined
}

/** State of one section of a translation. */
export type SectionState = 'approved' | 'draft' | 'edited' | 'stale' | 'missing'

/** State of one article × locale. */
export type TranslationState = 'missing' | 'untracked' | 'stale' | 'edited' | 'draft' | 'approved'

/** One section's state, with why. */
export interface SectionStatus {
  index: number
  heading: string | null
  state: SectionState
  plan: SectionPlan
}

/** Everything known about one article × locale. */
export interface TranslationStatus {
  source: string
  locale: string
  output: string
  state: TranslationState
  sections: SectionStatus[]
  /** Frontmatter strings changed in the source since the translation. */
  frontmatterStale: boolean
  frontmatterApproved: boolean
}

interface Loaded {
  article: Article
  sourceLocale: LocaleInfo
  target: LocaleInfo
  sourceSections: Section[]
  output: string
  outputArticle: Article | undefined
  outputSections: Section[] | undefined
  record: LockTranslation | undefined
  sourceKey: string
}

async function load(file: string, targetCode: string, options: WorkflowOptions, lockfile?: Lockfile, sources?: Map<string, Article>): Promise<Loaded> {
  const article = sources?.get(file) ?? parse(await readTextFile(file), file)
  sources?.set(file, article)
  const sourceLocale = articleLocale(article)
  const target = requireLocale(targetCode)
  const output = placeOutput(file, sourceLocale, target, options)
  const outputText = await readTextFileIfExists(output)
  const outputArticle = outputText === undefined ? undefined : parse(outputText, output)
  const lock = lockfile ?? (await readLockfile(options.lockfile))
  const sourceKey = lockKey(options.lockfile, file)
  return {
    article,
    sourceLocale,
    target,
    sourceSections: split(article),
    output,
    outputArticle,
    outputSections: outputArticle ? split(outputArticle) : undefined,
    record: lock.articles[sourceKey]?.[target.code],
    sourceKey,
  }
}

function statusOf(loaded: Loaded, options: WorkflowOptions): TranslationStatus {
  const { article, target, record, outputSections } = loaded
  const fingerprint = options.fingerprint?.(target)
  const base = { source: article.file, locale: target.code, output: loaded.output }
  if (!loaded.outputArticle) return { ...base, state: 'missing', sections: [], frontmatterStale: true, frontmatterApproved: false }
  const mergeable = record !== undefined && outputSections !== undefined && outputSections.length === record.sections.length
  if (!mergeable) return { ...base, state: 'untracked', sections: [], frontmatterStale: false, frontmatterApproved: false }
  const plans = planSections({
    sections: loaded.sourceSections,
    glossaryHashes: loaded.sourceSections.map((section) => sectionGlossaryHash(section.source, options.glossary, target)),
    promptHash: fingerprint?.promptHash,
    model: fingerprint?.model,
    lock: record,
    outputSections: outputSections.map((section) => section.source),
  })
  const sections = plans.map((plan): SectionStatus => {
    const section = loaded.sourceSections[plan.index]!
    let state: SectionState
    if (plan.handEdited) state = 'edited'
    else if (plan.action === 'translate' || plan.stale || plan.reason === 'memory') state = 'stale'
    else state = plan.lock?.status === 'approved' ? 'approved' : 'draft'
    return { index: plan.index, heading: section.heading, state, plan }
  })
  const values = translatableValues(article.frontmatter.yaml)
  const valuesHash = contentHash(JSON.stringify(values.map((value) => [value.id, value.text])))
  const frontmatterStale = record.frontmatter?.sourceHash !== valuesHash
  const frontmatterApproved = record.frontmatter?.status === 'approved'
  const states = new Set(sections.map((section) => section.state))
  const state: TranslationState =
    states.has('stale') || frontmatterStale ? 'stale' : states.has('edited') ? 'edited' : states.has('draft') || !frontmatterApproved ? 'draft' : 'approved'
  return { ...base, state, sections, frontmatterStale, frontmatterApproved }
}

/** Status of each file × target locale. */
export async function translationStatus(files: readonly string[], targets: readonly string[], options: WorkflowOptions): Promise<TranslationStatus[]> {
  const results: TranslationStatus[] = []
  // Read once: a lockfile of a big tree takes a while to parse.
  const lock = await readLockfile(options.lockfile)
  for (const file of files) {
    const sources = new Map<string, Article>()
    for (const target of targets) results.push(statusOf(await load(file, target, options, lock, sources), options))
  }
  return results
}

/**
 * Review and approval compare section i of the source with section i of the output;
 * that holds only when no section waits for `translate`.
 */
function requireTranslated(loaded: Loaded, status: TranslationStatus, file: string, targetCode: string): void {
  if (status.state === 'missing' || status.state === 'untracked') {
    throw new L10nError('E_USAGE', { file, params: { detail: t('workflow:not-tracked', { locale: targetCode, output: loaded.output }) } })
  }
  // Sections whose source no longer matches the record at their place.
  const pending = status.sections.filter((section) => ['new', 'source-changed', 'memory'].includes(section.plan.reason))
  if (pending.length > 0 || loaded.sourceSections.length !== loaded.outputSections?.length) {
    throw new L10nError('E_USAGE', {
      file,
      params: { detail: t('workflow:translate-first', { locale: targetCode, sections: pending.map((section) => section.index).join(', ') }) },
    })
  }
}

function sectionFindings(loaded: Loaded, glossary: Glossary | undefined): Map<number, Finding[]> {
  const bySection = new Map<number, Finding[]>()
  if (!loaded.outputArticle) return bySection
  const findings = check(loaded.article, loaded.outputArticle, {
    sourceLocale: loaded.sourceLocale.code,
    targetLocale: loaded.target.code,
    ...(glossary ? { glossary } : {}),
  })
  for (const finding of findings) {
    const index = finding.section ?? -1
    bySection.set(index, [...(bySection.get(index) ?? []), finding])
  }
  return bySection
}

/**
 * What a reviewer needs to see for one article × locale: every section not approved,
 * with its old → new source, old → new translation and its check findings.
 */
export async function buildReview(file: string, targetCode: string, options: WorkflowOptions): Promise<ReviewDocument> {
  const loaded = await load(file, targetCode, options)
  const status = statusOf(loaded, options)
  requireTranslated(loaded, status, file, targetCode)
  const texts = openTextStore(join(options.stateDir, 'texts'))
  const findings = sectionFindings(loaded, options.glossary)
  const items: ReviewItem[] = []
  for (const section of status.sections) {
    if (section.state === 'approved') continue
    const source = loaded.sourceSections[section.index]!
    const translation = loaded.outputSections![section.index]?.source ?? ''
    const record = section.plan.lock
    const sourceBefore = record?.approvedSourceHash && record.approvedSourceHash !== source.hash ? await texts.get(record.approvedSourceHash) : undefined
    const translationBefore =
      record?.approvedTranslationHash && record.approvedTranslationHash !== translationHash(translation) ? await texts.get(record.approvedTranslationHash) : undefined
    const reason: ReviewItem['reason'] = section.plan.handEdited
      ? 'edited-by-hand'
      : record?.approvedSourceHash && record.approvedSourceHash !== source.hash
        ? 'source-changed'
        : record?.approvedTranslationHash
          ? 'retranslated'
          : record
            ? 'draft'
            : 'new'
    items.push({
      section: section.index,
      heading: section.heading,
      reason,
      status: section.state === 'edited' ? 'edited' : 'draft',
      ...(sourceBefore !== undefined ? { sourceBefore } : {}),
      sourceAfter: source.source,
      ...(translationBefore !== undefined ? { translationBefore } : {}),
      translationAfter: translation,
      findings: findings.get(section.index) ?? [],
    })
  }
  return { article: file, target: loaded.output, sourceLocale: loaded.sourceLocale, targetLocale: loaded.target, items, generatedAt: new Date().toISOString() }
}

/** What `approve` did per section. */
export interface ApprovalResult {
  approved: number[]
  refused: { section: number; heading: string | null; errors: Finding[] }[]
  frontmatterApproved: boolean
}

/**
 * Approves sections (all when `sections` is undefined) of one article × locale. The
 * text in the output file, hand edits included, becomes the approved translation.
 * Sections with error findings are refused unless `force`.
 */
export async function approve(
  file: string,
  targetCode: string,
  options: WorkflowOptions & { sections?: readonly number[]; by: string; force?: boolean; now?: Date },
): Promise<ApprovalResult> {
  const loaded = await load(file, targetCode, options)
  const status = statusOf(loaded, options)
  requireTranslated(loaded, status, file, targetCode)
  const wanted = options.sections ?? status.sections.map((section) => section.index)
  for (const index of wanted) {
    if (!status.sections[index]) throw new L10nError('E_USAGE', { file, params: { detail: t('workflow:no-section', { index, last: status.sections.length - 1 }) } })
  }
  const findings = sectionFindings(loaded, options.glossary)
  const texts = openTextStore(join(options.stateDir, 'texts'))
  const memory = openMemory(join(options.stateDir, 'memory'))
  const result: ApprovalResult = { approved: [], refused: [], frontmatterApproved: false }
  const when = (options.now ?? new Date()).toISOString()
  const approvedRecords = new Map<number, LockSection>()
  for (const index of wanted) {
    const section = status.sections[index]!
    const errors = (findings.get(index) ?? []).filter((finding) => finding.severity === 'error')
    if (errors.length > 0 && !options.force) {
      result.refused.push({ section: index, heading: section.heading, errors })
      continue
    }
    const source = loaded.sourceSections[index]!
    const translation = loaded.outputSections![index]!.source
    const hash = translationHash(translation)
    await texts.put(source.source, source.hash)
    await texts.put(translation, hash)
    await memory.remember(loaded.target.code, source.hash, translation)
    approvedRecords.set(index, {
      ...(section.plan.lock ?? { sourceHash: source.hash, translationHash: hash, status: 'draft' }),
      sourceHash: source.hash,
      translationHash: hash,
      status: 'approved',
      approvedSourceHash: source.hash,
      approvedTranslationHash: hash,
      approvedBy: options.by,
      approvedAt: when,
    })
    delete approvedRecords.get(index)!.errors
    result.approved.push(index)
  }
  const approveFrontmatter = options.sections === undefined && result.refused.length === 0
  await updateLockfile(options.lockfile, (lock) => {
    const entry = lock.articles[loaded.sourceKey]?.[loaded.target.code]
    if (!entry) return
    entry.sections = entry.sections.map((record, index) => {
      // Written against the fresh lockfile: only the sections approved here change.
      return approvedRecords.get(index) ?? record
    })
    if (approveFrontmatter && entry.frontmatter && !status.frontmatterStale) {
      entry.frontmatter = { ...entry.frontmatter, status: 'approved', approvedBy: options.by, approvedAt: when }
      result.frontmatterApproved = true
    }
  })
  return result
}

/**
 * Seeds translation memory from an existing pair (source article, its translation),
 * section by section. Returns the number of sections stored.
 */
export async function importMemory(sourceFile: string, translationFile: string, stateDir: string): Promise<{ sections: number; locale: string }> {
  const source = parse(await readTextFile(sourceFile), sourceFile)
  const translation = parse(await readTextFile(translationFile), translationFile)
  const locale = articleLocale(translation)
  const sourceSections = split(source)
  const translatedSections = split(translation)
  if (sourceSections.length !== translatedSections.length) {
    throw new L10nError('E_USAGE', {
      file: translationFile,
      params: { detail: t('workflow:memory-mismatch', { count: translatedSections.length, source: sourceFile, sourceCount: sourceSections.length }) },
    })
  }
  const memory = openMemory(join(stateDir, 'memory'))
  for (const [index, section] of sourceSections.entries()) await memory.remember(locale.code, section.hash, translatedSections[index]!.source)
  return { sections: sourceSections.length, locale: locale.code }
}
