/**
 * The reviewer workflow around the lockfile: `status` (what needs work), `review`
 * (source change beside translation change, per section) and `approve` (record a
 * reviewer's decision), plus seeding translation memory from existing translations.
 * Reads files and the lockfile; the decisions themselves are pure (`plan.ts`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { check } from './check.ts'
import { L10nError, isL10nError } from './errors.ts'
import { DEFAULT_FRONTMATTER_POLICY, translatableValues, type FrontmatterPolicy, type FrontmatterText } from './frontmatter.ts'
import type { Glossary } from './glossary.ts'
import { contentHash } from './hash.ts'
import { t } from './i18n.ts'
import { readTextFile, readTextFileIfExists } from './io.ts'
import { findLocale, requireLocale, type LocaleInfo } from './locales.ts'
import type { LockFrontmatter, Lockfile, LockSection, LockTranslation } from './lockfile.ts'
import { readLockfile, updateLockfile } from './lockstore.ts'
import { parse } from './parse.ts'
import { displayPath, placeOutput } from './paths.ts'
import { planSections, textSimilarity, translationHash, type SectionPlan } from './plan.ts'
import { FRONTMATTER_ITEM, type ReviewDocument, type ReviewItem } from './review-render.ts'
import { split } from './split.ts'
import { openMemory, openTextStore, type TextStore } from './store.ts'
import { articleLocale, lockKey, sectionGlossaryHash, valuesHash } from './translate.ts'
import type { Article, Finding, Section } from './types.ts'

/** Where a workflow command looks: the same settings `translate` uses. */
export interface WorkflowOptions {
  lockfile: string
  stateDir: string
  outPattern?: string
  outRoot?: string
  glossary?: Glossary
  /** The frontmatter policy translations are made with. @default DEFAULT_FRONTMATTER_POLICY */
  policy?: FrontmatterPolicy
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
  /** The source section differs from the one the translation was made from. */
  sourceChanged: boolean
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
  /** Frontmatter strings of the output differ from what l10n wrote or a reviewer approved. */
  frontmatterEdited: boolean
  frontmatterApproved: boolean
  /** Sections of the translation whose source section is gone (translate removes them). */
  sectionsRemoved: number
}

/** A file × locale whose status could not be worked out (unreadable source or output). */
export interface StatusFailure {
  source: string
  locale: string
  error: L10nError
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
  /** Translatable frontmatter strings of the source and of the output (policy applied). */
  sourceValues: FrontmatterText[]
  outputValues: FrontmatterText[] | undefined
  /** Source texts of the lockfile's sections, where the texts store has them. */
  oldSources: (string | undefined)[]
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
  const record = lock.articles[sourceKey]?.[target.code]
  const texts = openTextStore(join(options.stateDir, 'texts'))
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  return {
    article,
    sourceLocale,
    target,
    sourceSections: split(article),
    output,
    outputArticle,
    outputSections: outputArticle ? split(outputArticle) : undefined,
    record,
    sourceKey,
    oldSources: record ? await Promise.all(record.sections.map((section) => texts.get(section.sourceHash))) : [],
    sourceValues: translatableValues(article.frontmatter.yaml, policy),
    outputValues: outputArticle ? translatableValues(outputArticle.frontmatter.yaml, policy) : undefined,
  }
}

function statusOf(loaded: Loaded, options: WorkflowOptions): TranslationStatus {
  const { article, target, record, outputSections } = loaded
  const fingerprint = options.fingerprint?.(target)
  const base = { source: article.file, locale: target.code, output: loaded.output }
  const none = { sections: [], frontmatterEdited: false, frontmatterApproved: false, sectionsRemoved: 0 }
  if (!loaded.outputArticle) return { ...base, ...none, state: 'missing', frontmatterStale: true }
  const mergeable = record !== undefined && outputSections !== undefined && outputSections.length === record.sections.length
  // l10n's own draft whose sections do not line up (a model added or dropped a heading)
  // is redone by the next translate: stale, not untracked.
  const ownDraft = record?.outputHash !== undefined && record.outputHash === contentHash(loaded.outputArticle.text)
  if (!mergeable) return { ...base, ...none, state: ownDraft ? 'stale' : 'untracked', frontmatterStale: ownDraft }
  const plans = planSections({
    sections: loaded.sourceSections,
    glossaryHashes: loaded.sourceSections.map((section) => sectionGlossaryHash(section.source, options.glossary, target)),
    promptHash: fingerprint?.promptHash,
    model: fingerprint?.model,
    lock: record,
    outputSections: outputSections.map((section) => section.source),
    similarity: (i, k) => {
      const before = loaded.oldSources[k]
      return before === undefined ? undefined : textSimilarity(loaded.sourceSections[i]!.source, before)
    },
  })
  const sections = plans.map((plan): SectionStatus => {
    const section = loaded.sourceSections[plan.index]!
    let state: SectionState
    if (plan.handEdited) state = 'edited'
    else if (plan.action === 'translate' || plan.stale || plan.reason === 'memory') state = 'stale'
    else state = plan.lock?.status === 'approved' ? 'approved' : 'draft'
    const sourceChanged = plan.lock !== undefined && plan.lock.sourceHash !== section.hash
    return { index: plan.index, heading: section.heading, state, sourceChanged, plan }
  })
  // Records no source section continues: their sections are still in the output.
  const sectionsRemoved = record.sections.length - plans.filter((plan) => plan.lock !== undefined).length
  const frontmatter = frontmatterState(loaded)
  const states = new Set(sections.map((section) => section.state))
  const state: TranslationState =
    states.has('stale') || frontmatter.stale || sectionsRemoved > 0
      ? 'stale'
      : states.has('edited') || frontmatter.edited
        ? 'edited'
        : states.has('draft') || !frontmatter.approved
          ? 'draft'
          : 'approved'
  return {
    ...base,
    state,
    sections,
    frontmatterStale: frontmatter.stale,
    frontmatterEdited: frontmatter.edited,
    frontmatterApproved: frontmatter.approved,
    sectionsRemoved,
  }
}

/**
 * The frontmatter's state: stale when the source strings changed since the translation
 * was made, edited when the output's strings are not the ones l10n wrote (or a reviewer
 * approved), approved as the lockfile records it.
 */
function frontmatterState(loaded: Loaded): { stale: boolean; edited: boolean; approved: boolean; sourceHash: string; translationHash: string | undefined } {
  const record = loaded.record?.frontmatter
  const sourceHash = valuesHash(loaded.sourceValues)
  const translationHash = loaded.outputValues ? valuesHash(loaded.outputValues) : undefined
  return {
    // A translation that failed is redone like a stale one.
    stale: record?.sourceHash !== sourceHash || (record?.errors ?? 0) > 0,
    edited: record !== undefined && translationHash !== undefined && record.translationHash !== translationHash,
    approved: record?.status === 'approved',
    sourceHash,
    translationHash,
  }
}

/**
 * Status of each file × target locale. With `onError`, a file or output that cannot be
 * read or parsed is handed to it and the others go on; without, it throws.
 */
export async function translationStatus(
  files: readonly string[],
  targets: readonly string[],
  options: WorkflowOptions,
  onError?: (failure: StatusFailure) => void,
): Promise<TranslationStatus[]> {
  const results: TranslationStatus[] = []
  // Read once: a lockfile of a big tree takes a while to parse (and a broken one stops everything).
  const lock = await readLockfile(options.lockfile)
  for (const file of files) {
    const sources = new Map<string, Article>()
    for (const target of targets) {
      try {
        results.push(statusOf(await load(file, target, options, lock, sources), options))
      } catch (error) {
        if (!onError || !isL10nError(error)) throw error
        onError({ source: file, locale: requireLocale(target).code, error })
      }
    }
  }
  return results
}

// The `locale:` line of a frontmatter, read without parsing the whole article.
const FRONTMATTER_HEAD = /^\ufeff?---[^\n]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/
const LOCALE_LINE = /^locale:[ \t]*["']?([\w-]+)/m

/**
 * Keeps the source articles among files found in folders: a content folder holds the
 * translations too, and translating a translation is never wanted. A file whose locale
 * cannot be read quickly is kept, so its real problem is reported where it is parsed.
 */
export function keepSourceArticles(files: readonly string[], sourceLocale: string | undefined, targets: readonly string[]): string[] {
  return files.filter((file) => {
    let head: string
    try {
      head = readFileSync(file, 'utf8').slice(0, 4096)
    } catch {
      return true
    }
    const frontmatter = FRONTMATTER_HEAD.exec(head)?.[1]
    const locale = frontmatter === undefined ? undefined : LOCALE_LINE.exec(frontmatter)?.[1]
    if (locale === undefined) return true
    const code = findLocale(locale)?.code ?? locale
    return sourceLocale !== undefined ? code === sourceLocale : !targets.includes(code)
  })
}

/** Options of {@link findMarkdownFiles}. */
export interface FindOptions {
  /** Folders never searched (the state folder); absolute or relative to the current folder. */
  skip?: readonly (string | undefined)[]
  /** Keep only source articles among files found in folders (see {@link keepSourceArticles}). */
  sources?: { sourceLocale: string | undefined; targets: readonly string[] }
}

/**
 * Markdown files named on the command line: files as given, folders searched for
 * `*.md`. Hidden files and folders (a name starting with `.`, such as `.l10n/`) and the
 * folders in `skip` are neither searched nor listed: they hold state, not articles.
 */
export function findMarkdownFiles(paths: readonly string[], options: FindOptions = {}): string[] {
  const skip = new Set((options.skip ?? []).filter((dir): dir is string => dir !== undefined).map((dir) => resolve(dir)))
  const walk = (dir: string, prefix: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name.startsWith('.')) return []
      const name = prefix ? join(prefix, entry.name) : entry.name
      if (entry.isDirectory()) return skip.has(resolve(dir, entry.name)) ? [] : walk(join(dir, entry.name), name)
      return entry.name.endsWith('.md') ? [name] : []
    })
  return paths.flatMap((path) => {
    let info
    try {
      info = statSync(path)
    } catch {
      // Reported as "file not found" where it is read.
      return [path]
    }
    if (!info.isDirectory()) return [path]
    if (skip.has(resolve(path))) return []
    const found = walk(path, '')
      .sort()
      .map((name) => join(path, name))
    return options.sources ? keepSourceArticles(found, options.sources.sourceLocale, options.sources.targets) : found
  })
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
  const translated = loaded.outputSections?.length ?? 0
  if (loaded.sourceSections.length !== translated) {
    // Sections were added or removed: there may be nothing "waiting" at any one place.
    throw new L10nError('E_USAGE', {
      file,
      params: { detail: t('workflow:translate-first-count', { locale: targetCode, count: loaded.sourceSections.length, translated }) },
    })
  }
  if (pending.length > 0) {
    throw new L10nError('E_USAGE', {
      file,
      params: { detail: t('workflow:translate-first', { locale: targetCode, sections: pending.map((section) => section.index).join(', ') }) },
    })
  }
}

/** Check findings by section index; the frontmatter's under {@link FRONTMATTER_ITEM}. */
function sectionFindings(loaded: Loaded, options: WorkflowOptions): Map<number, Finding[]> {
  const bySection = new Map<number, Finding[]>()
  if (!loaded.outputArticle) return bySection
  const findings = check(loaded.article, loaded.outputArticle, {
    sourceLocale: loaded.sourceLocale.code,
    targetLocale: loaded.target.code,
    ...(options.glossary ? { glossary: options.glossary } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
  })
  for (const finding of findings) {
    const index = finding.section ?? (finding.ruleId.startsWith('frontmatter/') ? FRONTMATTER_ITEM : -2)
    bySection.set(index, [...(bySection.get(index) ?? []), finding])
  }
  return bySection
}

/** The frontmatter strings as a reviewer reads them: one `key: value` line each. */
function valueLines(values: readonly (readonly [string, string])[]): string {
  return values.map(([id, text]) => `${id}: ${text}`).join('\n')
}

function valuePairs(values: readonly FrontmatterText[]): [string, string][] {
  return values.map((value) => [value.id, value.text])
}

/**
 * Strings stored by {@link storeValues} (or by `translate`), as `key: value` lines;
 * undefined when unknown. Stored as a JSON object `{id: text}`; `[[id, text]]` is read too.
 */
async function storedValues(texts: TextStore, hash: string | undefined): Promise<string | undefined> {
  const json = await texts.get(hash)
  if (json === undefined) return undefined
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    return undefined
  }
  const pairs = Array.isArray(data) ? data : data !== null && typeof data === 'object' ? Object.entries(data) : []
  const valid = pairs.every((pair: unknown) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string'))
  return valid && pairs.length > 0 ? valueLines(pairs as [string, string][]) : undefined
}

/** Stores frontmatter strings under their values hash, as `translate` does: a JSON object `{id: text}`. */
async function storeValues(texts: TextStore, values: readonly FrontmatterText[]): Promise<string> {
  return texts.put(JSON.stringify(Object.fromEntries(valuePairs(values))), valuesHash(values))
}

/** The frontmatter as a review item, or undefined when it is approved and unchanged. */
async function frontmatterItem(loaded: Loaded, texts: TextStore, findings: Map<number, Finding[]>): Promise<ReviewItem | undefined> {
  const state = frontmatterState(loaded)
  if (state.approved && !state.edited && !state.stale) return undefined
  const record = loaded.record?.frontmatter
  // Before: what a reviewer approved, else what l10n last made it from and wrote.
  const sourceBeforeHash = record?.approvedSourceHash ?? (state.stale ? record?.sourceHash : undefined)
  const translationBeforeHash = record?.approvedTranslationHash ?? (state.edited ? record?.translationHash : undefined)
  const sourceBefore = sourceBeforeHash !== undefined && sourceBeforeHash !== state.sourceHash ? await storedValues(texts, sourceBeforeHash) : undefined
  const translationBefore =
    translationBeforeHash !== undefined && translationBeforeHash !== state.translationHash ? await storedValues(texts, translationBeforeHash) : undefined
  const reason = reviewReason({
    edited: state.edited,
    sourceChanged: state.stale || (record?.approvedSourceHash !== undefined && record.approvedSourceHash !== state.sourceHash),
    approvedBefore: record?.approvedTranslationHash !== undefined,
    recorded: record !== undefined,
  })
  return {
    section: FRONTMATTER_ITEM,
    heading: null,
    reason,
    status: state.edited ? 'edited' : state.approved ? 'approved' : 'draft',
    ...(sourceBefore !== undefined ? { sourceBefore } : {}),
    sourceAfter: valueLines(valuePairs(loaded.sourceValues)),
    ...(translationBefore !== undefined ? { translationBefore } : {}),
    translationAfter: valueLines(valuePairs(loaded.outputValues ?? [])),
    findings: findings.get(FRONTMATTER_ITEM) ?? [],
  }
}

/** Why an item is shown to a reviewer, most telling reason first. */
function reviewReason(item: { edited: boolean; sourceChanged: boolean; approvedBefore: boolean; recorded: boolean }): ReviewItem['reason'] {
  if (item.edited) return 'edited-by-hand'
  if (item.sourceChanged) return 'source-changed'
  if (item.approvedBefore) return 'retranslated'
  return item.recorded ? 'draft' : 'new'
}

/**
 * What a reviewer needs to see for one article × locale: the frontmatter strings when
 * they are not approved, edited by hand or stale, then every section not approved, each
 * with its old → new source, old → new translation and its check findings.
 */
export async function buildReview(file: string, targetCode: string, options: WorkflowOptions): Promise<ReviewDocument> {
  const loaded = await load(file, targetCode, options)
  const status = statusOf(loaded, options)
  requireTranslated(loaded, status, file, targetCode)
  const texts = openTextStore(join(options.stateDir, 'texts'))
  const findings = sectionFindings(loaded, options)
  const items: ReviewItem[] = []
  const frontmatter = await frontmatterItem(loaded, texts, findings)
  if (frontmatter) items.push(frontmatter)
  for (const section of status.sections) {
    if (section.state === 'approved') continue
    const source = loaded.sourceSections[section.index]!
    const translation = loaded.outputSections![section.index]?.source ?? ''
    const record = section.plan.lock
    // A source the reviewer already saw (approved, or under a hand edit) shows as unchanged,
    // not as all new.
    const sourceSeen = record?.approvedSourceHash === source.hash || (section.plan.handEdited && record?.sourceHash === source.hash)
    const sourceBefore = sourceSeen
      ? source.source
      : record?.approvedSourceHash && record.approvedSourceHash !== source.hash
        ? await texts.get(record.approvedSourceHash)
        : undefined
    const translationBefore =
      record?.approvedTranslationHash && record.approvedTranslationHash !== translationHash(translation) ? await texts.get(record.approvedTranslationHash) : undefined
    const reason = reviewReason({
      edited: section.plan.handEdited,
      sourceChanged: record?.approvedSourceHash !== undefined && record.approvedSourceHash !== source.hash,
      approvedBefore: record?.approvedTranslationHash !== undefined,
      recorded: record !== undefined,
    })
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
  return { article: file, target: displayPath(loaded.output), sourceLocale: loaded.sourceLocale, targetLocale: loaded.target, items, generatedAt: new Date().toISOString() }
}

/** What `approve` did per section and to the frontmatter. */
export interface ApprovalResult {
  approved: number[]
  refused: { section: number; heading: string | null; errors: Finding[] }[]
  frontmatterApproved: boolean
  /**
   * Why the frontmatter was asked for and not approved: its source strings changed since
   * the translation (`stale`: translate first), or it has error findings (`errors`).
   */
  frontmatterRefused?: { reason: 'stale' } | { reason: 'errors'; errors: Finding[] }
}

/** Options of {@link approve}. */
export interface ApproveOptions extends WorkflowOptions {
  /** Sections to approve. @default every section (and then the frontmatter too) */
  sections?: readonly number[]
  /** Approve the frontmatter strings. @default true when `sections` is undefined */
  frontmatter?: boolean
  /** Who approves. */
  by: string
  /** Approve despite error findings. @default false */
  force?: boolean
  now?: Date
}

/**
 * Approves sections (all when `sections` is undefined) and the frontmatter of one
 * article × locale. The text in the output file, hand edits included, becomes the
 * approved translation. Anything with error findings is refused unless `force`.
 */
export async function approve(file: string, targetCode: string, options: ApproveOptions): Promise<ApprovalResult> {
  const loaded = await load(file, targetCode, options)
  const status = statusOf(loaded, options)
  requireTranslated(loaded, status, file, targetCode)
  const wanted = options.sections ?? status.sections.map((section) => section.index)
  for (const index of wanted) {
    if (!status.sections[index]) throw new L10nError('E_USAGE', { file, params: { detail: t('workflow:no-section', { index, last: status.sections.length - 1 }) } })
  }
  const findings = sectionFindings(loaded, options)
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
  let frontmatter: LockFrontmatter | undefined
  if (options.frontmatter ?? options.sections === undefined) {
    const state = frontmatterState(loaded)
    const errors = (findings.get(FRONTMATTER_ITEM) ?? []).filter((finding) => finding.severity === 'error')
    if (state.stale) result.frontmatterRefused = { reason: 'stale' }
    else if (errors.length > 0 && !options.force) result.frontmatterRefused = { reason: 'errors', errors }
    else {
      // The strings as they are now, hand edits included, so review can show what changes later.
      const approvedSourceHash = await storeValues(texts, loaded.sourceValues)
      const approvedTranslationHash = await storeValues(texts, loaded.outputValues ?? [])
      frontmatter = {
        sourceHash: approvedSourceHash,
        translationHash: approvedTranslationHash,
        status: 'approved',
        approvedSourceHash,
        approvedTranslationHash,
        approvedBy: options.by,
        approvedAt: when,
      }
    }
  }
  await updateLockfile(options.lockfile, (lock) => {
    const entry = lock.articles[loaded.sourceKey]?.[loaded.target.code]
    if (!entry) return
    entry.sections = entry.sections.map((record, index) => {
      // Written against the fresh lockfile: only the sections approved here change.
      return approvedRecords.get(index) ?? record
    })
    if (frontmatter) {
      entry.frontmatter = frontmatter
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
