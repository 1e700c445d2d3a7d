/**
 * `reject`: rejected proposals stay on file with `status: rejected`, so extraction does
 * not propose them again and `accept --all` passes them by. Pure.
 */
import { isSelected, unknownTerms, type Selection } from './accept.ts'
import type { Proposal } from './proposals.ts'

/** Marks the selected proposals rejected; returns the new list and how many changed. */
export function rejectProposals(proposals: readonly Proposal[], selection: Selection): { proposals: Proposal[]; rejected: number; unknown: string[] } {
  let rejected = 0
  const out = proposals.map((proposal) => {
    if (!isSelected(proposal, selection) || proposal.status === 'rejected') return proposal
    rejected++
    return { ...proposal, status: 'rejected' as const }
  })
  return { proposals: out, rejected, unknown: unknownTerms(proposals, selection) }
}

