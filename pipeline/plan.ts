/**
 * plan: decides, per section of a changed source, whether its translation is reused,
 * taken from translation memory or translated again, by aligning the new source
 * sections with the lockfile's record by content hash. Inserting, deleting or moving a
 * section therefore leaves its neighbours alone. Pure.
 */
import { contentHash } from './hash.ts'
import type { LockSection, LockTranslation } from './lockfile.ts'
import type { Section } from './types.ts'

/** Why a section is translated (or not). */
export type PlanReason =
  | 'unchanged'
  | 'edited-by-hand'
  | 'new'
  | 'source-changed'
  | 'glossary-changed'
  | 'prompt-changed'
  | 'memory'
  | 'forced'
  | 'had-errors'

/** What happens to one section of the new source. */
export interface SectionPlan {
  /** Index in the new source. */
  index: number
  action: 'reuse' | 'translate'
  reason: PlanReason
  /** For `reuse`: the translated section text to splice in. */
  text?: string
  /** For `translate`: the earlier translation of this section, given to the model as reference. */
  previous?: string
  /** The lockfile record this section continues (keeps its approval history). */
  lock?: LockSection
  /** The kept text differs from what the tool last wrote or a reviewer approved. */
  handEdited: boolean
  /** Reused although the prompt or model changed since it was made. */
  stale: boolean
}

/** Inputs of {@link planSections}. */
export interface PlanInput {
  sections: readonly Pick<Section, 'hash'>[]
  /** Glossary hash of each new section (locked forms of the entries it contains). */
  glossaryHashes: readonly string[]
  /** Prompt hash and model a new translation would use; undefined: do not compare them. */
  promptHash: string | undefined
  model: string | undefined
  lock?: LockTranslation | undefined
  /** Section texts of the existing output, aligned with `lock.sections`. */
  outputSections?: readonly string[] | undefined
  /** `stale`: also translate sections whose prompt or model changed; `all`: everything. */
  retranslate?: 'none' | 'stale' | 'all'
  /** Translate hand-edited sections again instead of keeping them (`--force`). */
  overwriteHandEdits?: boolean
  /** Approved translation of an identical source section elsewhere, if any. */
  memory?: (sourceHash: string) => string | undefined
}

/** Hash of a translated section as found in a file (what the lockfile records). */
export function translationHash(text: string): string {
  return contentHash(text.replace(/\r\n/g, '\n').trimEnd())
}

/**
 * Matches new sections to old records by source hash, in order first (the usual case:
 * edits, inserts and deletes), then anywhere (moved sections).
 */
export function alignByHash(newHashes: readonly string[], oldHashes: readonly string[]): (number | undefined)[] {
  const matches: (number | undefined)[] = new Array(newHashes.length).fill(undefined)
  const used = new Set<number>()
  let cursor = 0
  newHashes.forEach((hash, i) => {
    for (let j = cursor; j < oldHashes.length; j++) {
      if (oldHashes[j] === hash && !used.has(j)) {
        matches[i] = j
        used.add(j)
        cursor = j + 1
        return
      }
    }
  })
  newHashes.forEach((hash, i) => {
    if (matches[i] !== undefined) return
    const j = oldHashes.findIndex((old, k) => old === hash && !used.has(k))
    if (j !== -1) {
      matches[i] = j
      used.add(j)
    }
  })
  return matches
}

/** Plans every section of the new source; see {@link SectionPlan}. */
export function planSections(input: PlanInput): SectionPlan[] {
  const old = input.lock?.sections ?? []
  const outputs = input.outputSections
  const usable = outputs !== undefined && outputs.length === old.length
  const matches = usable ? alignByHash(input.sections.map((s) => s.hash), old.map((s) => s.sourceHash)) : input.sections.map(() => undefined)
  const claimed = new Set(matches.filter((j): j is number => j !== undefined))
  const retranslate = input.retranslate ?? 'none'

  return input.sections.map((section, i): SectionPlan => {
    const j = matches[i]
    const base = { index: i, handEdited: false, stale: false }
    if (j !== undefined && usable) {
      const record = old[j]!
      const text = outputs[j]!
      const handEdited = translationHash(text) !== record.translationHash
      const glossaryChanged = record.glossaryHash !== undefined && record.glossaryHash !== input.glossaryHashes[i]
      const promptChanged =
        (record.promptHash !== undefined && input.promptHash !== undefined && record.promptHash !== input.promptHash) ||
        (record.model !== undefined && input.model !== undefined && record.model !== input.model)
      // Human edits win over every automatic reason to translate again.
      if (handEdited && input.overwriteHandEdits) return { ...base, action: 'translate', reason: 'forced', previous: text, lock: record }
      if (handEdited) return { ...base, action: 'reuse', reason: 'edited-by-hand', text, lock: record, handEdited: true, stale: glossaryChanged || promptChanged }
      if (retranslate === 'all') return { ...base, action: 'translate', reason: 'forced', previous: text, lock: record }
      if (record.errors && record.status !== 'approved') return { ...base, action: 'translate', reason: 'had-errors', previous: text, lock: record }
      if (glossaryChanged) return { ...base, action: 'translate', reason: 'glossary-changed', previous: text, lock: record }
      if (promptChanged && retranslate === 'stale') return { ...base, action: 'translate', reason: 'prompt-changed', previous: text, lock: record }
      return { ...base, action: 'reuse', reason: promptChanged ? 'prompt-changed' : 'unchanged', text, lock: record, stale: promptChanged }
    }
    // A changed section: the unclaimed old record between the same matched neighbours.
    const before = matches.slice(0, i).reduce<number>((last, m) => (m !== undefined ? m : last), -1)
    const afterMatch = matches.slice(i + 1).find((m) => m !== undefined)
    const after = afterMatch ?? old.length
    let candidate: number | undefined
    for (let k = before + 1; k < after && usable; k++) {
      if (!claimed.has(k)) {
        candidate = k
        break
      }
    }
    if (candidate !== undefined) {
      claimed.add(candidate)
      const record = old[candidate]!
      const text = outputs![candidate]!
      if (translationHash(text) !== record.translationHash && retranslate !== 'all' && !input.overwriteHandEdits) {
        // The source changed under a hand-edited translation: keep the edit, flag it.
        return { ...base, action: 'reuse', reason: 'edited-by-hand', text, lock: record, handEdited: true, stale: true }
      }
      const remembered = retranslate === 'all' ? undefined : input.memory?.(section.hash)
      if (remembered !== undefined) return { ...base, action: 'reuse', reason: 'memory', text: remembered, lock: record }
      return { ...base, action: 'translate', reason: 'source-changed', previous: text, lock: record }
    }
    const remembered = input.memory?.(section.hash)
    if (remembered !== undefined && retranslate !== 'all') return { ...base, action: 'reuse', reason: 'memory', text: remembered }
    return { ...base, action: 'translate', reason: 'new' }
  })
}
