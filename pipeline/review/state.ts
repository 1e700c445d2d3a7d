/**
 * What the reviewer commands share: the options they take, and one article × locale loaded
 * with its output and lockfile record, classified per section (approved, draft, edited by
 * hand, stale, missing). Reads files and the lockfile; the decisions are pure (`plan.ts`).
 */
import { join } from 'node:path'
import { check } from '../check/index.ts'
import { L10nError } from '../shared/errors.ts'
import { DEFAULT_FRONTMATTER_POLICY, translatableValues, type FrontmatterPolicy, type FrontmatterText } from '../article/frontmatter.ts'
import type { Glossary } from '../glossary/model.ts'
import { contentHash } from '../shared/hash.ts'
import { message } from '../shared/i18n.ts'
import { readTextFile, readTextFileIfExists } from '../state/files.ts'
import { requireLocale, type LocaleInfo } from '../article/locales.ts'
import type { LockTranslation } from '../state/lockfile.ts'
import { openLockRecords, type LockRecords } from '../state/lockfile-store.ts'
import { parse } from '../article/parse.ts'
import { placeOutput } from '../article/paths.ts'
import { planSections, textSimilarity, type SectionPlan } from './plan.ts'
import { FRONTMATTER_ITEM } from './render.ts'
import { split } from '../article/split.ts'
import { openTextStore, type TextStore } from '../state/text-store.ts'
import { articleLocale } from '../article/metadata.ts'
import { valuesHash } from '../article/frontmatter.ts'
import { sectionGlossaryHash } from '../glossary/match.ts'
import { lockKey } from '../state/lockfile.ts'
import type { Article, Finding, Section } from '../article/types.ts'

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

export interface Loaded {
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

export async function load(file: string, targetCode: string, options: WorkflowOptions, records?: LockRecords, sources?: Map<string, Article>): Promise<Loaded> {
  const article = sources?.get(file) ?? parse(await readTextFile(file), file)
  sources?.set(file, article)
  const sourceLocale = articleLocale(article)
  const target = requireLocale(targetCode)
  const output = placeOutput(file, sourceLocale, target, options)
  const outputText = await readTextFileIfExists(output)
  const outputArticle = outputText === undefined ? undefined : parse(outputText, output)
  const sourceKey = lockKey(options.lockfile, file)
  const record = await (records ?? openLockRecords(options.lockfile)).get(sourceKey, target.code)
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

export function statusOf(loaded: Loaded, options: WorkflowOptions): TranslationStatus {
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
export function frontmatterState(loaded: Loaded): { stale: boolean; edited: boolean; approved: boolean; sourceHash: string; translationHash: string | undefined } {
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
 * Review and approval compare section i of the source with section i of the output;
 * that holds only when no section waits for `translate`.
 */
export function requireTranslated(loaded: Loaded, status: TranslationStatus, file: string, targetCode: string): void {
  if (status.state === 'missing' || status.state === 'untracked') {
    throw new L10nError('E_USAGE', { file, params: { detail: message('workflow:not-tracked', { locale: targetCode, output: loaded.output }) } })
  }
  // Sections whose source no longer matches the record at their place.
  const pending = status.sections.filter((section) => ['new', 'source-changed', 'memory'].includes(section.plan.reason))
  const translated = loaded.outputSections?.length ?? 0
  if (loaded.sourceSections.length !== translated) {
    // Sections were added or removed: there may be nothing "waiting" at any one place.
    throw new L10nError('E_USAGE', {
      file,
      params: { detail: message('workflow:translate-first-count', { locale: targetCode, count: loaded.sourceSections.length, translated }) },
    })
  }
  if (pending.length > 0) {
    throw new L10nError('E_USAGE', {
      file,
      params: { detail: message('workflow:translate-first', { locale: targetCode, sections: pending.map((section) => section.index).join(', ') }) },
    })
  }
}

/** Check findings by section index; the frontmatter's under {@link FRONTMATTER_ITEM}. */
export function sectionFindings(loaded: Loaded, options: WorkflowOptions): Map<number, Finding[]> {
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
export function valueLines(values: readonly (readonly [string, string])[]): string {
  return values.map(([id, text]) => `${id}: ${text}`).join('\n')
}

export function valuePairs(values: readonly FrontmatterText[]): [string, string][] {
  return values.map((value) => [value.id, value.text])
}

/**
 * Strings stored by {@link storeValues} (or by `translate`), as `key: value` lines;
 * undefined when unknown. Stored as a JSON object `{id: text}`; `[[id, text]]` is read too.
 */
export async function storedValues(texts: TextStore, hash: string | undefined): Promise<string | undefined> {
  const pairs = await texts.getValues(hash)
  return pairs && pairs.length > 0 ? valueLines(pairs) : undefined
}

/** Stores frontmatter strings under their values hash, as `translate` does: a JSON object `{id: text}`. */
export async function storeValues(texts: TextStore, values: readonly FrontmatterText[]): Promise<string> {
  return texts.put(JSON.stringify(Object.fromEntries(valuePairs(values))), valuesHash(values))
}
