/**
 * `learn`: the renderings of names in sections a reviewer approved or edited by hand,
 * proposed as entries, so approved work locks future work. Pure.
 */
import type { Glossary } from './model.ts'
import { normalizeTerm } from './match.ts'
import { isLocked } from './coverage.ts'
import { applySuggestions } from './suggest.ts'
import type { Proposal } from './proposals.ts'
import { groupRenderings, type Rendering } from './renderings.ts'

/** What learning changed: new proposals and proposals that gained a target. */
export interface LearnResult {
  proposals: Proposal[]
  added: number
  updated: number
}

/**
 * Merges the renderings of reviewed sections (one locale) into the proposals. A name a
 * glossary entry locks is left alone; a name rendered several ways takes its most
 * frequent rendering; a proposal that already has a target for the locale keeps it.
 */
export function learnRenderings(
  renderings: readonly (Rendering & { file: string })[],
  locale: string,
  proposals: readonly Proposal[],
  glossary?: Glossary,
): LearnResult {
  const out = [...proposals]
  const index = new Map(out.map((proposal, position) => [normalizeTerm(proposal.source), position]))
  let added = 0
  let updated = 0
  for (const [key, group] of groupRenderings(renderings)) {
    if (isLocked(group.source, glossary)) continue
    const best = [...group.forms.values()].sort((a, b) => b.count - a.count)[0]!
    const files = [...new Set([...group.forms.values()].flatMap((form) => [...form.files]))].sort()
    const at = index.get(key)
    if (at !== undefined) {
      const before = out[at]!
      const after = applySuggestions(before, { [locale]: best.form }, 'review')
      if (after !== before) {
        out[at] = after
        updated++
      }
      continue
    }
    index.set(key, out.length)
    out.push({
      source: group.source,
      aliases: [],
      kind: 'term',
      targets: { [locale]: best.form },
      status: 'proposed',
      count: best.count,
      articles: files,
      context: '',
      suggestedBy: { [locale]: 'review' },
      score: 0,
    })
    added++
  }
  return { proposals: out, added, updated }
}
