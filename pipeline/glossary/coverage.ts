/**
 * How well a glossary covers the names of an article: each distinct name the article
 * uses (see `names.ts`; generic terms left out) is locked (a glossary entry matches it),
 * proposed (on the proposals file) or not covered. Pure.
 */
import type { Root } from 'mdast'
import type { Glossary } from './model.ts'
import { findTerms, normalizeTerm } from './match.ts'
import { nameOccurrences, type NameOccurrence } from './names.ts'

/** Counts of distinct names per state, and the names not covered (for a report). */
export interface NameCoverage {
  names: number
  locked: number
  proposed: number
  notCovered: number
  /** The names neither locked nor proposed, in order of first occurrence. */
  uncovered: string[]
}

/**
 * True when a glossary entry matches inside the name (最终幻想系列 is locked through
 * 最终幻想). The name is looked up as a title, so `marked` entries (金刚) match it.
 */
export function isLocked(name: string, glossary: Glossary | undefined): boolean {
  return glossary !== undefined && findTerms(`《${name}》`, glossary).length > 0
}

/** The distinct names of an article body (or section) that are not generic terms. */
export function distinctNames(markdown: string | Root): NameOccurrence[] {
  const seen = new Set<string>()
  const out: NameOccurrence[] = []
  for (const occurrence of nameOccurrences(markdown)) {
    if (occurrence.kind === 'term') continue
    const key = normalizeTerm(occurrence.text)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(occurrence)
  }
  return out
}

/**
 * The coverage of an article's names: `proposed` are the sources and aliases of open
 * proposals. A name counts once however often it occurs.
 */
export function nameCoverage(markdown: string | Root, glossary: Glossary | undefined, proposed: Iterable<string> = []): NameCoverage {
  const open = new Set([...proposed].map(normalizeTerm))
  const coverage: NameCoverage = { names: 0, locked: 0, proposed: 0, notCovered: 0, uncovered: [] }
  for (const occurrence of distinctNames(markdown)) {
    coverage.names++
    if (isLocked(occurrence.text, glossary)) coverage.locked++
    else if (open.has(normalizeTerm(occurrence.text))) coverage.proposed++
    else {
      coverage.notCovered++
      coverage.uncovered.push(occurrence.text)
    }
  }
  return coverage
}
