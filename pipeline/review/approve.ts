/**
 * `approve`: records a reviewer's decision per section and for the frontmatter, through the
 * same atomic lockfile update as `translate`.
 */
import { join } from 'node:path'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import type { LockFrontmatter, LockSection } from '../state/lockfile.ts'
import { updateLockRecord } from '../state/lockfile-store.ts'
import { translationHash } from './plan.ts'
import { FRONTMATTER_ITEM } from './render.ts'
import { openMemory, openTextStore } from '../state/text-store.ts'
import type { Finding } from '../article/types.ts'
import { frontmatterState, load, requireTranslated, sectionFindings, statusOf, storeValues, type WorkflowOptions } from './state.ts'

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
    if (!status.sections[index]) throw new L10nError('E_USAGE', { file, params: { detail: message('workflow:no-section', { index, last: status.sections.length - 1 }) } })
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
    // Approving what is there settles a request to translate it again.
    delete approvedRecords.get(index)!.note
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
  await updateLockRecord(options.lockfile, loaded.sourceKey, loaded.target.code, (entry) => {
    if (!entry) return undefined
    entry.sections = entry.sections.map((record, index) => {
      // Written against the fresh lockfile: only the sections approved here change.
      return approvedRecords.get(index) ?? record
    })
    if (frontmatter) {
      entry.frontmatter = frontmatter
      result.frontmatterApproved = true
    }
    return entry
  })
  return result
}
