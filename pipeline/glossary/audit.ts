/**
 * `audit`: names rendered more than one way across the translated articles of one
 * locale, with the majority form proposed as the entry. Pure: the orchestrator reads
 * the sources and drafts and hands over their renderings.
 */
import type { EntryKind, Glossary } from './model.ts'
import { lockedForm } from './model.ts'
import { findTerms } from './match.ts'
import type { Proposal } from './proposals.ts'
import { groupRenderings, type Rendering } from './renderings.ts'

/** One name rendered several ways. */
export interface AuditFinding {
  source: string
  locale: string
  /** Every rendering, most frequent first. */
  renderings: { form: string; count: number; files: string[] }[]
  /** The most frequent rendering (the first written, on a tie). */
  majority: string
  /** The glossary's locked form, when an entry locks the name. */
  locked?: string
}

/**
 * Names of `renderings` (from one locale's articles) rendered in two or more distinct
 * forms (compared normalized: line breaks and `’` do not make a form distinct).
 */
export function auditRenderings(renderings: readonly (Rendering & { file: string })[], locale: string, glossary?: Glossary): AuditFinding[] {
  const findings: AuditFinding[] = []
  for (const group of groupRenderings(renderings).values()) {
    if (group.forms.size < 2) continue
    const ranked = [...group.forms.values()].sort((a, b) => b.count - a.count)
    const entry = glossary ? findTerms(`《${group.source}》`, glossary)[0]?.entry : undefined
    const locked = entry ? lockedForm(entry, locale) : undefined
    findings.push({
      source: group.source,
      locale,
      renderings: ranked.map((form) => ({ form: form.form, count: form.count, files: [...form.files].sort() })),
      majority: ranked[0]!.form,
      ...(locked !== undefined ? { locked } : {}),
    })
  }
  return findings.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
}

/** The proposal an audit finding makes: the majority form as the locale's target. */
export function auditProposal(finding: AuditFinding, kind: EntryKind = 'term'): Proposal {
  const files = [...new Set(finding.renderings.flatMap((rendering) => rendering.files))].sort()
  return {
    source: finding.source,
    aliases: [],
    kind,
    targets: { [finding.locale]: finding.majority },
    status: 'proposed',
    count: finding.renderings.reduce((sum, rendering) => sum + rendering.count, 0),
    articles: files,
    context: finding.renderings.map((rendering) => `${rendering.form} ×${rendering.count}`).join('; '),
    suggestedBy: { [finding.locale]: 'audit' },
    score: 0,
  }
}
