/**
 * `accept`: a person's decision for proposals. Accepted proposals become glossary
 * entries and leave the proposals file (`reject.ts` is the other decision). Pure.
 */
import type { EntryKind, Glossary } from './model.ts'
import { normalizeTerm } from './match.ts'
import type { Proposal } from './proposals.ts'
import type { EntryText } from './serialize.ts'

/** Which proposals a decision is about: named ones (source or alias), or all open ones, optionally of some kinds. */
export interface Selection {
  terms?: readonly string[]
  all?: boolean
  kinds?: readonly EntryKind[]
}

/** True when the proposal is selected (rejected proposals only when named). */
export function isSelected(proposal: Proposal, selection: Selection): boolean {
  if (selection.kinds && selection.kinds.length > 0 && !selection.kinds.includes(proposal.kind)) return false
  const names = new Set((selection.terms ?? []).map(normalizeTerm))
  if (names.size > 0) return [proposal.source, ...proposal.aliases].some((term) => names.has(normalizeTerm(term)))
  return Boolean(selection.all) && proposal.status === 'proposed'
}

/** Why a selected proposal was not accepted. */
export type SkipReason = 'no-targets' | 'covered'

/** The outcome of `accept`. */
export interface AcceptResult {
  entries: EntryText[]
  remaining: Proposal[]
  skipped: { source: string; reason: SkipReason }[]
  /** Named terms that match no proposal. */
  unknown: string[]
}

/**
 * Turns the selected proposals into entries. A proposal needs a target for at least one
 * locale (a `keep` name needs none); one whose name the glossary already covers is
 * skipped so the glossary never defines a term twice.
 */
export function acceptProposals(proposals: readonly Proposal[], selection: Selection, glossary?: Glossary): AcceptResult {
  const covered = new Set((glossary?.entries ?? []).flatMap((entry) => [entry.source, ...entry.aliases]).map(normalizeTerm))
  const result: AcceptResult = { entries: [], remaining: [], skipped: [], unknown: unknownTerms(proposals, selection) }
  for (const proposal of proposals) {
    if (!isSelected(proposal, selection)) {
      result.remaining.push(proposal)
      continue
    }
    if ([proposal.source, ...proposal.aliases].some((term) => covered.has(normalizeTerm(term)))) {
      result.skipped.push({ source: proposal.source, reason: 'covered' })
      result.remaining.push(proposal)
      continue
    }
    if (proposal.kind !== 'keep' && Object.keys(proposal.targets).length === 0) {
      result.skipped.push({ source: proposal.source, reason: 'no-targets' })
      result.remaining.push(proposal)
      continue
    }
    const note = [proposal.note, proposal.suggestedBy ? `targets proposed by ${[...new Set(Object.values(proposal.suggestedBy))].join(', ')}` : undefined].filter(Boolean).join('; ')
    result.entries.push({
      source: proposal.source,
      aliases: [...proposal.aliases],
      kind: proposal.kind,
      targets: { ...proposal.targets },
      wrong: {},
      ...(note ? { note } : {}),
    })
    for (const term of [proposal.source, ...proposal.aliases]) covered.add(normalizeTerm(term))
  }
  return result
}

/** Named terms of a selection that match no proposal (source or alias). */
export function unknownTerms(proposals: readonly Proposal[], selection: Selection): string[] {
  const known = new Set(proposals.flatMap((proposal) => [proposal.source, ...proposal.aliases]).map(normalizeTerm))
  return (selection.terms ?? []).filter((term) => !known.has(normalizeTerm(term)))
}
