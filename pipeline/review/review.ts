/**
 * `review`: per section that needs a person, the change of its source beside the change of
 * its translation, with the check findings under them.
 */
import { join } from 'node:path'
import { displayPath } from '../article/paths.ts'
import { translationHash } from './plan.ts'
import { FRONTMATTER_ITEM, type ReviewDocument, type ReviewItem } from './render.ts'
import { openTextStore, type TextStore } from '../state/text-store.ts'
import type { Finding } from '../article/types.ts'
import { frontmatterState, load, requireTranslated, sectionFindings, statusOf, storedValues, valueLines, valuePairs, type Loaded, type WorkflowOptions } from './state.ts'

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
function reviewReason(item: { edited: boolean; sourceChanged: boolean; approvedBefore: boolean; recorded: boolean; reset?: boolean }): ReviewItem['reason'] {
  if (item.reset) return 'reset'
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
/** Options of {@link buildReview}. */
export interface BuildReviewOptions extends WorkflowOptions {
  /**
   * Also list approved, unchanged sections and frontmatter (status `approved`, no diff),
   * so the review app can show the whole article with those collapsed. @default false
   */
  includeApproved?: boolean
  /**
   * Looks up earlier texts the text store lacks (a fresh clone), by their hashes; see
   * `history.ts`. Called once per review with every hash wanted.
   */
  recover?: (files: { source: string; output: string }, hashes: ReadonlySet<string>) => Promise<void>
}

/** The hashes of earlier texts a review of `loaded` would show. */
function wantedHashes(loaded: Loaded): Set<string> {
  const wanted = new Set<string>()
  for (const record of loaded.record?.sections ?? []) {
    for (const hash of [record.approvedSourceHash, record.approvedTranslationHash, record.sourceHash]) if (hash) wanted.add(hash)
  }
  const frontmatter = loaded.record?.frontmatter
  for (const hash of [frontmatter?.approvedSourceHash, frontmatter?.approvedTranslationHash, frontmatter?.sourceHash, frontmatter?.translationHash]) if (hash) wanted.add(hash)
  return wanted
}

export async function buildReview(file: string, targetCode: string, options: BuildReviewOptions): Promise<ReviewDocument> {
  const loaded = await load(file, targetCode, options)
  const status = statusOf(loaded, options)
  requireTranslated(loaded, status, file, targetCode)
  const texts = openTextStore(join(options.stateDir, 'texts'))
  if (options.recover) {
    const missing = new Set<string>()
    for (const hash of wantedHashes(loaded)) if ((await texts.get(hash)) === undefined) missing.add(hash)
    if (missing.size > 0) await options.recover({ source: file, output: loaded.output }, missing)
  }
  const findings = sectionFindings(loaded, options)
  const items: ReviewItem[] = []
  const frontmatter = await frontmatterItem(loaded, texts, findings)
  if (frontmatter) items.push(frontmatter)
  else if (options.includeApproved) {
    items.push({
      section: FRONTMATTER_ITEM,
      heading: null,
      reason: 'approved',
      status: 'approved',
      sourceAfter: valueLines(valuePairs(loaded.sourceValues)),
      translationAfter: valueLines(valuePairs(loaded.outputValues ?? [])),
      findings: findings.get(FRONTMATTER_ITEM) ?? [],
    })
  }
  for (const section of status.sections) {
    const offsets = {
      sourceOffset: loaded.article.bodyStart + loaded.sourceSections[section.index]!.start,
      targetOffset: loaded.outputArticle!.bodyStart + (loaded.outputSections![section.index]?.start ?? 0),
    }
    if (section.state === 'approved') {
      if (options.includeApproved) {
        items.push({
          section: section.index,
          heading: section.heading,
          reason: 'approved',
          status: 'approved',
          sourceAfter: loaded.sourceSections[section.index]!.source,
          translationAfter: loaded.outputSections![section.index]?.source ?? '',
          findings: findings.get(section.index) ?? [],
          ...offsets,
        })
      }
      continue
    }
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
      reset: record?.note !== undefined,
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
      ...offsets,
      ...(record?.note !== undefined ? { note: record.note } : {}),
    })
  }
  return { article: file, target: displayPath(loaded.output), sourceLocale: loaded.sourceLocale, targetLocale: loaded.target, items, generatedAt: new Date().toISOString() }
}
