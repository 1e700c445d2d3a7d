/**
 * plan: decides, per section of a changed source, whether its translation is reused,
 * taken from translation memory or translated again, by aligning the new source
 * sections with the lockfile's record by content hash. Inserting, deleting or moving a
 * section therefore leaves its neighbours alone. Pure.
 */
import { contentHash } from '../shared/hash.ts'
import type { LockSection, LockTranslation } from '../state/lockfile.ts'
import type { Section } from '../article/types.ts'

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
  | 'reset'

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
  /** For `translate`: a reviewer's note for the model (the section was sent back with it). */
  note?: string
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
  /**
   * How alike new section `newIndex` is to old record `oldIndex` (0–1), when the old
   * source text is known: a changed section continues the most similar old one.
   */
  similarity?: (newIndex: number, oldIndex: number) => number | undefined
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

/** Dice coefficient of character bigrams: how alike two texts are, 0 to 1, for any script. */
export function textSimilarity(a: string, b: string): number {
  const grams = (text: string) => {
    const counts = new Map<string, number>()
    const chars = [...text.replace(/\s+/g, ' ')]
    for (let i = 0; i + 1 < chars.length; i++) counts.set(chars[i]! + chars[i + 1]!, (counts.get(chars[i]! + chars[i + 1]!) ?? 0) + 1)
    return { counts, size: Math.max(chars.length - 1, 0) }
  }
  const x = grams(a)
  const y = grams(b)
  if (x.size + y.size === 0) return 1
  let shared = 0
  for (const [gram, count] of x.counts) shared += Math.min(count, y.counts.get(gram) ?? 0)
  return (2 * shared) / (x.size + y.size)
}

/** Fingerprint models of the offline providers, whose drafts are never worth keeping. */
const OFFLINE_MODELS = new Set(['pseudo', 'identity'])

/** True when a draft made with `before` must be replaced by one made with `now`. */
export function replacesOfflineDraft(before: string | undefined, now: string | undefined): boolean {
  return OFFLINE_MODELS.has(before ?? '') && now !== undefined && !OFFLINE_MODELS.has(now)
}

/** Below this similarity a changed section is treated as new rather than as an edit. */
const SAME_SECTION = 0.5

/**
 * The old record a changed section continues (its translation becomes the reference):
 * the most similar unclaimed one when texts are known, else the one unclaimed record
 * between the same matched neighbours — only when that is unambiguous, because a wrong
 * pairing would hand the model another section's wording and approval history.
 */
function previousOf(
  i: number,
  matches: readonly (number | undefined)[],
  claimed: Set<number>,
  oldCount: number,
  similarity: PlanInput['similarity'],
): number | undefined {
  const unclaimed = Array.from({ length: oldCount }, (_, k) => k).filter((k) => !claimed.has(k))
  let candidate: number | undefined
  const scored = similarity ? unclaimed.map((k) => ({ k, score: similarity(i, k) })).filter((item) => item.score !== undefined) : []
  if (scored.length > 0) {
    const best = scored.reduce((a, b) => (b.score! > a.score! ? b : a))
    candidate = best.score! >= SAME_SECTION ? best.k : undefined
  } else {
    // The gap between the matched neighbours, on both sides.
    let previous = i - 1
    while (previous >= 0 && matches[previous] === undefined) previous--
    let next = i + 1
    while (next < matches.length && matches[next] === undefined) next++
    const before = previous >= 0 ? matches[previous]! : -1
    const after = next < matches.length ? matches[next]! : oldCount
    const inGap = unclaimed.filter((k) => k > before && k < after)
    const newInGap = next - previous - 1
    candidate = inGap.length === 1 && newInGap === 1 ? inGap[0] : undefined
  }
  if (candidate !== undefined) claimed.add(candidate)
  return candidate
}

/** Plans every section of the new source; see {@link SectionPlan}. */
export function planSections(input: PlanInput): SectionPlan[] {
  const old = input.lock?.sections ?? []
  const outputs = input.outputSections
  const usable = outputs !== undefined && outputs.length === old.length
  const matches = usable ? alignByHash(input.sections.map((s) => s.hash), old.map((s) => s.sourceHash)) : input.sections.map(() => undefined)
  const claimed = new Set(matches.filter((j): j is number => j !== undefined))
  const retranslate = input.retranslate ?? 'none'

  // An offline draft (pseudo gibberish, an identity copy) is no wording to reuse: a real
  // model told to keep it would copy nonsense, and pay for it in prompt tokens.
  const reference = (record: LockSection, text: string) => (OFFLINE_MODELS.has(record.model ?? '') && translationHash(text) === record.translationHash ? {} : { previous: text })
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
      // A pseudo or identity draft is not a translation: a real provider always replaces it.
      const offlineDraft = replacesOfflineDraft(record.model, input.model)
      // A reviewer who sent the section back asked for a new translation, hand edit or not;
      // the current text is the model's reference.
      if (record.note !== undefined) return { ...base, action: 'translate', reason: 'reset', ...reference(record, text), lock: record, note: record.note }
      // Human edits win over every automatic reason to translate again.
      if (handEdited && input.overwriteHandEdits) return { ...base, action: 'translate', reason: 'forced', ...reference(record, text), lock: record }
      if (handEdited) return { ...base, action: 'reuse', reason: 'edited-by-hand', text, lock: record, handEdited: true, stale: glossaryChanged || promptChanged }
      if (retranslate === 'all') return { ...base, action: 'translate', reason: 'forced', ...reference(record, text), lock: record }
      if (record.errors && record.status !== 'approved') return { ...base, action: 'translate', reason: 'had-errors', ...reference(record, text), lock: record }
      if (glossaryChanged) return { ...base, action: 'translate', reason: 'glossary-changed', ...reference(record, text), lock: record }
      if (promptChanged && (retranslate === 'stale' || offlineDraft)) return { ...base, action: 'translate', reason: 'prompt-changed', ...reference(record, text), lock: record }
      return { ...base, action: 'reuse', reason: promptChanged ? 'prompt-changed' : 'unchanged', text, lock: record, stale: promptChanged }
    }
    const candidate = usable ? previousOf(i, matches, claimed, old.length, input.similarity) : undefined
    if (candidate !== undefined) {
      const record = old[candidate]!
      const text = outputs![candidate]!
      if (translationHash(text) !== record.translationHash && retranslate !== 'all' && !input.overwriteHandEdits) {
        // The source changed under a hand-edited translation: keep the edit, flag it.
        return { ...base, action: 'reuse', reason: 'edited-by-hand', text, lock: record, handEdited: true, stale: true }
      }
      const remembered = retranslate === 'all' ? undefined : input.memory?.(section.hash)
      if (remembered !== undefined) return { ...base, action: 'reuse', reason: 'memory', text: remembered, lock: record }
      return { ...base, action: 'translate', reason: 'source-changed', ...reference(record, text), lock: record, ...(record.note !== undefined ? { note: record.note } : {}) }
    }
    const remembered = input.memory?.(section.hash)
    if (remembered !== undefined && retranslate !== 'all') return { ...base, action: 'reuse', reason: 'memory', text: remembered }
    return { ...base, action: 'translate', reason: 'new' }
  })
}
