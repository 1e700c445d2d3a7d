/**
 * lock-entry: the lockfile record of a written translation, pure. Sections are recorded
 * by the text found in the written file, so the next run can tell a hand edit from its
 * own output; the texts the record names by hash are returned for the text store.
 */
import { translatableValues, valuesHash, type FrontmatterPolicy, type FrontmatterText } from '../article/frontmatter.ts'
import type { LocaleInfo } from '../article/locales.ts'
import { split } from '../article/split.ts'
import type { Article, Finding } from '../article/types.ts'
import { sectionGlossaryHash } from '../glossary/match.ts'
import type { Glossary } from '../glossary/model.ts'
import { translationHash } from '../review/plan.ts'
import type { LockSection, LockTranslation } from '../state/lockfile.ts'
import type { TranslatedArticle } from './translate-article.ts'

/** Everything {@link lockEntryFor} records. */
export interface LockEntryOptions {
  result: TranslatedArticle
  /** The output as written, parsed. */
  written: Article
  /** The output's path as the lockfile names it (see `lockKey`). */
  output: string
  /** The record of the previous run, if any. */
  previous: LockTranslation | undefined
  /** What the translator says it made the sections with. */
  fingerprint: { model?: string | undefined; promptHash: string }
  glossary: Glossary | undefined
  target: LocaleInfo
  policy: FrontmatterPolicy
  /** Error findings per section index: such drafts are translated again next time. */
  errorsBySection: ReadonlyMap<number, number>
  /** Error findings of the frontmatter. */
  frontmatterErrors: number
  /** Whether frontmatter values edited by hand were kept over a changed source. */
  keptHandEdits: boolean
}

/** A text the record names by hash, for the text store. */
export interface NamedText {
  text: string
  hash: string
}

/** The record and the texts it names. */
export interface LockEntry {
  entry: LockTranslation
  texts: NamedText[]
}

/** Error findings of one output, per section and of its frontmatter, as the lockfile counts them. */
export function errorCounts(findings: readonly Finding[], out: string): { bySection: Map<number, number>; frontmatter: number } {
  const frontmatter = findings.filter(
    (finding) => finding.severity === 'error' && (finding.ruleId === 'translate/frontmatter-failed' || finding.ruleId.startsWith('frontmatter/')),
  ).length
  const bySection = new Map<number, number>()
  for (const finding of findings) {
    if (finding.severity === 'error' && finding.section !== undefined && finding.file === out) bySection.set(finding.section, (bySection.get(finding.section) ?? 0) + 1)
  }
  return { bySection, frontmatter }
}

/**
 * The lockfile record of a written translation (without its `outputHash`), and the
 * source and output texts it names, which the text store must keep.
 */
export function lockEntryFor(options: LockEntryOptions): LockEntry {
  const { result, written, previous, fingerprint, glossary, target, policy, errorsBySection, frontmatterErrors, keptHandEdits } = options
  const texts: NamedText[] = []
  const outputSections = split(written)
  const aligned = outputSections.length === result.sections.length
  const sections: LockSection[] = []
  for (const section of result.sections) {
    const plan = result.plans[section.index]!
    const outputText = aligned ? outputSections[section.index]!.source : ''
    texts.push({ text: section.source, hash: section.hash })
    if (aligned) texts.push({ text: outputText, hash: translationHash(outputText) })
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
  texts.push({ text: asJson(result.values), hash: result.valuesHash })
  const translatedHash = valuesHash(writtenValues)
  texts.push({ text: asJson(writtenValues), hash: translatedHash })
  const before = previous?.frontmatter
  // With hand edits kept over a changed source, the record stays as it was: the values
  // remain stale (and flagged) until a reviewer approves them or --force replaces them.
  const frontmatterUnchanged = before && frontmatterErrors === 0 && (keptHandEdits || (before.sourceHash === result.valuesHash && !result.valuesTranslated))
  const entry: LockTranslation = {
    output: options.output,
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
  return { entry, texts }
}

/**
 * Keeps approvals another process recorded meanwhile: a section approved in the fresh
 * lockfile with the same source and translation stays approved.
 */
export function mergeApprovals(entry: LockTranslation, fresh: LockTranslation | undefined): LockTranslation {
  if (!fresh) return entry
  const approved = new Map(fresh.sections.filter((s) => s.status === 'approved').map((s) => [`${s.sourceHash}:${s.translationHash}`, s]))
  return {
    ...entry,
    sections: entry.sections.map((section) => approved.get(`${section.sourceHash}:${section.translationHash}`) ?? section),
  }
}
