/**
 * The review app's two writes besides approval: a reviewer's edit of one section's
 * translation (written into the output file, where it is a hand edit like any other),
 * and sending a section back to be translated again with a note for the model (kept in
 * the lockfile until the next run). Both refuse to overwrite a change made meanwhile.
 */
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { readTextFile, writeFileAtomic } from '../state/files.ts'
import { updateLockRecord } from '../state/lockfile-store.ts'
import { parse } from '../article/parse.ts'
import { split } from '../article/split.ts'
import { translationHash } from './plan.ts'
import { load, requireTranslated, statusOf, type WorkflowOptions } from './state.ts'

/** What an edit replaces: the section, and the hash of its text the reviewer started from. */
export interface SectionEdit {
  section: number
  /** {@link translationHash} of the section's text when the editor opened; a mismatch is a conflict. */
  base: string
  text: string
}

function conflict(file: string, section: number): L10nError {
  return new L10nError('E_USAGE', { file, params: { detail: message('workflow:edit-conflict', { section }) } })
}

function noSection(file: string, index: number, count: number): L10nError {
  return new L10nError('E_USAGE', { file, params: { detail: message('workflow:no-section', { index, last: count - 1 }) } })
}

/**
 * Replaces one section of the translation file with a reviewer's text, atomically. The
 * edit must stay one section (no heading added or removed); the lockfile is not
 * touched, so `status` and `review` see a hand edit until it is approved.
 */
export async function editSection(file: string, targetCode: string, edit: SectionEdit, options: WorkflowOptions): Promise<void> {
  const loaded = await load(file, targetCode, options)
  requireTranslated(loaded, statusOf(loaded, options), file, targetCode)
  const sections = loaded.outputSections!
  const current = sections[edit.section]
  if (!current) throw noSection(file, edit.section, sections.length)
  // Re-read right before writing: a translate or an editor may have written meanwhile.
  const text = await readTextFile(loaded.output)
  if (text !== loaded.outputArticle!.text || translationHash(current.source) !== edit.base) throw conflict(loaded.output, edit.section)
  const article = loaded.outputArticle!
  const replacement = edit.text.replace(/\r\n?/g, '\n').trimEnd().replace(/\n/g, article.eol)
  const start = article.bodyStart + current.start
  const end = article.bodyStart + current.end
  const next = text.slice(0, start) + replacement + text.slice(end)
  const after = split(parse(next, loaded.output))
  if (after.length !== sections.length || (after[edit.section]?.heading ?? null) !== current.heading) {
    throw new L10nError('E_USAGE', { file: loaded.output, params: { detail: message('workflow:edit-sections', { section: edit.section }) } })
  }
  await writeFileAtomic(loaded.output, next)
}

/**
 * Sends a section back: on the next `translate` it is translated again, and `note` goes
 * to the model with the request. Its approval (if any) is withdrawn; its approval
 * history stays, so review can diff the new draft against what was approved.
 */
export async function resetSection(file: string, targetCode: string, section: number, note: string, options: WorkflowOptions): Promise<void> {
  const loaded = await load(file, targetCode, options)
  requireTranslated(loaded, statusOf(loaded, options), file, targetCode)
  const record = loaded.record?.sections[section]
  if (!record) throw noSection(file, section, loaded.record?.sections.length ?? 0)
  await updateLockRecord(options.lockfile, loaded.sourceKey, loaded.target.code, (entry) => {
    const fresh = entry?.sections[section]
    // Written against the fresh record: refuse when a run changed it meanwhile.
    if (!entry || !fresh || fresh.sourceHash !== record.sourceHash) throw conflict(file, section)
    entry.sections[section] = { ...fresh, status: 'draft', note: note.trim() }
    return entry
  })
}
