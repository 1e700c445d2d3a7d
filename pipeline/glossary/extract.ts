/**
 * `extract`: glossary candidates from source articles. Every name occurrence
 * (`names.ts`) is merged by its normalized form across articles, counted, ranked and
 * turned into a proposal; names the glossary already covers (as source or alias) are
 * skipped. Pure and linear in the size of the tree: each article is parsed once and
 * each candidate counted with one pass over the article's text.
 */
import { parseDocument } from 'yaml'
import type { Article } from '../article/types.ts'
import type { EntryKind, Glossary } from './model.ts'
import { findTerms, normalizeTerm } from './match.ts'
import { MARKED_SIGNALS, nameOccurrences, tagNames, type NameSignal } from './names.ts'
import type { Proposal } from './proposals.ts'

/** How much each signal says "this is a name"; the strongest signal of a candidate counts. */
const SIGNAL_WEIGHT: Record<NameSignal, number> = {
  title: 5,
  strong: 4,
  interpunct: 4,
  parenthetical: 4,
  institution: 3.5,
  role: 2.5,
  tag: 3,
  emphasis: 3,
  quote: 2.5,
  transliteration: 1.5,
}

/** Kinds in the order a tie between two guesses is settled (a title beats a bold name). */
const KIND_ORDER: EntryKind[] = ['work', 'ensemble', 'venue', 'award', 'studio', 'composer', 'performer', 'keep', 'term']

interface Tally {
  source: string
  kinds: Map<EntryKind, number>
  signals: Set<NameSignal>
  given?: string
  articles: string[]
  count: number
  context: string
  /** True once `context` comes from an occurrence the writer marked. */
  contextMarked: boolean
}

/** The normalized terms a glossary covers (sources and aliases). */
function coveredTerms(glossary: Glossary | undefined): Set<string> {
  const covered = new Set<string>()
  for (const entry of glossary?.entries ?? []) for (const term of [entry.source, ...entry.aliases]) covered.add(normalizeTerm(term))
  return covered
}

/**
 * True when glossary terms make up most of a name (星球大战主题 is 星球大战's theme,
 * 最终幻想系列 the series): it is locked through them. A name with a longer own part
 * (肖邦国际钢琴比赛 with only 肖邦 in the glossary) is still proposed.
 */
function mostlyCovered(name: string, glossary: Glossary | undefined): boolean {
  if (!glossary) return false
  const length = [...name].length
  const covered = findTerms(`《${name}》`, glossary).reduce((sum, match) => sum + [...match.matched].length, 0)
  return covered / length >= 0.6
}

/** The string list under `tags` / `keywords` / `categories` of a frontmatter. */
function frontmatterTags(yaml: string): string[] {
  try {
    const data = parseDocument(yaml).toJS() as Record<string, unknown> | null
    const out: string[] = []
    for (const key of ['tags', 'keywords', 'categories']) {
      const value = data?.[key]
      if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') out.push(item)
    }
    return out
  } catch {
    return []
  }
}

function occurrencesIn(text: string, needle: string): number {
  if (needle === '') return 0
  let count = 0
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++
  return count
}

/** The score a tally ranks by: strongest signal, agreement of signals, frequency; terms far below names. */
export function candidateScore(tally: { signals: Iterable<NameSignal>; count: number; kind: EntryKind; articles: number }): number {
  const signals = [...tally.signals]
  const strongest = Math.max(...signals.map((signal) => SIGNAL_WEIGHT[signal]))
  const score = strongest + 0.5 * (signals.length - 1) + Math.log2(1 + tally.count) + 0.5 * (tally.articles - 1)
  return Math.round((tally.kind === 'term' ? score * 0.25 : score) * 100) / 100
}

/** Options of {@link extractCandidates}. */
export interface ExtractOptions {
  /** Names it covers (source or alias) are not proposed. */
  glossary?: Glossary
}

/**
 * Candidates from parsed source articles, best first. Each proposal says how often the
 * name occurs (marked or not) in all articles, which articles, one context sentence and
 * a kind guessed from markup and suffixes; `given` is a Latin form an article wrote in
 * parentheses. Generic words in emphasis are `term` proposals, ranked low.
 */
export function extractCandidates(articles: readonly Article[], options: ExtractOptions = {}): Proposal[] {
  const covered = coveredTerms(options.glossary)
  const tallies = new Map<string, Tally>()
  // Names found covered once are not looked up again (a long article repeats them).
  const skipped = new Set<string>()

  for (const article of articles) {
    const occurrences = nameOccurrences(article.tree, article.body)
    // Counting runs on the article's prose, emphasis markers dropped, so **X** and X count alike.
    const prose = normalizeTerm(article.body)
    const seen = new Set<string>()
    const note = (text: string, signals: NameSignal[], kind: EntryKind, context: string, given?: string) => {
      const key = normalizeTerm(text)
      if (key === '' || covered.has(key) || skipped.has(key)) return
      let tally = tallies.get(key)
      if (!tally) {
        if (mostlyCovered(text, options.glossary)) {
          skipped.add(key)
          return
        }
        tally = { source: text, kinds: new Map(), signals: new Set(), articles: [], count: 0, context, contextMarked: false }
        tallies.set(key, tally)
      }
      // Prefer the context of an occurrence the writer marked.
      const marked = signals.some((signal) => MARKED_SIGNALS.has(signal))
      if (marked && !tally.contextMarked) {
        tally.context = context
        tally.contextMarked = true
      }
      for (const signal of signals) tally.signals.add(signal)
      tally.kinds.set(kind, (tally.kinds.get(kind) ?? 0) + 1)
      if (given && !tally.given) tally.given = given
      if (!seen.has(key)) {
        seen.add(key)
        tally.articles.push(article.file)
        tally.count += Math.max(1, occurrencesIn(prose, key))
      }
    }
    for (const occurrence of occurrences) note(occurrence.text, occurrence.signals, occurrence.kind, occurrence.context, occurrence.given)
    for (const tag of tagNames(frontmatterTags(article.frontmatter.yaml), prose)) {
      const at = prose.indexOf(normalizeTerm(tag))
      const context = at >= 0 ? prose.slice(Math.max(0, at - 30), at + tag.length + 30).replace(/\s+/g, ' ').trim() : ''
      note(tag, ['tag'], 'performer', context)
    }
  }

  const proposals: Proposal[] = []
  for (const tally of tallies.values()) {
    const kind = [...tally.kinds.entries()].sort((a, b) => b[1] - a[1] || KIND_ORDER.indexOf(a[0]) - KIND_ORDER.indexOf(b[0]))[0]![0]
    proposals.push({
      source: tally.source,
      aliases: [],
      kind,
      targets: {},
      status: 'proposed',
      count: tally.count,
      articles: tally.articles,
      context: tally.context,
      ...(tally.given ? { given: tally.given } : {}),
      score: candidateScore({ signals: tally.signals, count: tally.count, kind, articles: tally.articles.length }),
      signals: [...tally.signals],
    })
  }
  return proposals.sort((a, b) => b.score - a.score || b.count - a.count || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
}
