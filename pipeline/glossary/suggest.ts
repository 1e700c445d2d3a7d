/**
 * `suggest`: the request asking a model for the established target forms of proposed
 * names (release titles, spellings used in the press), its answer read back, and the
 * offline fill that takes only what the articles themselves give (a Latin form in
 * parentheses, a Latin name). Pure: the orchestrator (`run/glossary.ts`) sends the
 * requests through the run's client, queue, cache and budget.
 */
import type { LocaleInfo } from '../article/locales.ts'
import type { Proposal } from './proposals.ts'

/** One name of a batch, as the model sees it. */
export interface SuggestItem {
  id: string
  source: string
  kind: string
  context: string
  given?: string
}

/** Names per request: enough to amortize the instructions, few enough that one bad answer costs little. */
export const SUGGEST_BATCH = 20

/** The batch items of proposals: ids are 1-based positions within the batch. */
export function suggestItems(proposals: readonly Proposal[]): SuggestItem[] {
  return proposals.map((proposal, index) => ({
    id: String(index + 1),
    source: proposal.source,
    kind: proposal.kind,
    context: proposal.context,
    ...(proposal.given ? { given: proposal.given } : {}),
  }))
}

/** The user message of one batch: the template filled with the languages and the items as JSON lines. */
export function suggestPrompt(template: string, items: readonly SuggestItem[], source: LocaleInfo, targets: readonly LocaleInfo[]): string {
  const values: Record<string, string> = {
    sourceLanguage: source.name,
    targetLanguages: targets.map((target) => `${target.name} (${target.code})`).join(', '),
    targetCodes: targets.map((target) => target.code).join(', '),
    items: items.map((item) => JSON.stringify(item)).join('\n'),
  }
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole)
}

/** What an answer gave: forms per item id and locale, and what was wrong with it (in English, for a repair or a report). */
export interface SuggestAnswer {
  forms: Map<string, Record<string, string>>
  problems: string[]
}

/**
 * Reads a model's answer: one JSON object (a wrapping fence or chatter around it is
 * tolerated) mapping ids to `{locale: form | null}`. Unknown ids and locales are ignored
 * with a problem; forms are trimmed; null, empty and non-text forms are left out.
 */
export function parseSuggestAnswer(text: string, items: readonly SuggestItem[], targets: readonly LocaleInfo[]): SuggestAnswer {
  const problems: string[] = []
  const forms = new Map<string, Record<string, string>>()
  const json = /\{[\s\S]*\}/.exec(text)?.[0]
  let value: unknown
  try {
    value = json ? JSON.parse(json) : undefined
  } catch {
    value = undefined
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { forms, problems: ['The answer is not one JSON object.'] }
  const ids = new Set(items.map((item) => item.id))
  const codes = new Set(targets.map((target) => target.code))
  for (const [id, row] of Object.entries(value as Record<string, unknown>)) {
    if (!ids.has(id)) {
      problems.push(`Unknown id ${JSON.stringify(id)}.`)
      continue
    }
    if (row === null) continue
    if (typeof row !== 'object' || Array.isArray(row)) {
      problems.push(`The value of id ${id} is not an object of language codes.`)
      continue
    }
    const out: Record<string, string> = {}
    for (const [code, form] of Object.entries(row as Record<string, unknown>)) {
      if (!codes.has(code)) continue
      if (typeof form === 'string' && form.trim() !== '' && form.trim().length <= 200) out[code] = form.trim()
    }
    if (Object.keys(out).length > 0) forms.set(id, out)
  }
  for (const id of ids) if (!(id in (value as Record<string, unknown>))) problems.push(`Id ${id} is missing.`)
  return { forms, problems }
}

const LATIN_NAME = /^[\p{Script=Latin}0-9 .,'’&!?\-–:]+$/u

/**
 * What the articles themselves say about a name's target forms, for Latin-script target
 * locales only: the Latin form given in parentheses, or the name itself when it is
 * written in Latin script. Nothing is guessed.
 */
export function offlineTargets(proposal: Pick<Proposal, 'source' | 'given'>, targets: readonly LocaleInfo[]): Record<string, string> {
  const form = proposal.given ?? (LATIN_NAME.test(proposal.source) && /\p{Script=Latin}/u.test(proposal.source) ? proposal.source : undefined)
  if (!form) return {}
  return Object.fromEntries(targets.filter((target) => target.script === 'Latn').map((target) => [target.code, form]))
}

/**
 * Proposals with suggested targets filled in. Targets a person already wrote are kept;
 * each filled locale records who proposed it (`by`: the model, or `article`).
 */
export function applySuggestions(proposal: Proposal, forms: Readonly<Record<string, string>>, by: string): Proposal {
  const targets = { ...proposal.targets }
  const suggestedBy = { ...proposal.suggestedBy }
  let changed = false
  for (const [code, form] of Object.entries(forms)) {
    if (targets[code] !== undefined) continue
    targets[code] = form
    suggestedBy[code] = by
    changed = true
  }
  return changed ? { ...proposal, targets, suggestedBy } : proposal
}
