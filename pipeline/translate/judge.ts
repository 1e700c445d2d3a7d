/**
 * judge: the pure half of the second opinion on a translation. Aligned text pairs
 * (check/judge-pairs.ts) are packed into requests up to a token budget, put into the
 * rubric prompt (`prompts/judge.md`), and the model's JSON answer is read back (fences
 * and chatter tolerated, the shape checked with zod) and turned into findings with
 * places. Nothing here sends, caches or reads a file: `run/judge.ts` does.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { LocaleInfo } from '../article/locales.ts'
import type { Finding, Place } from '../article/types.ts'
import type { JudgePair } from '../check/judge-pairs.ts'
import { Reporter } from '../check/reporter.ts'
import type { RuleSettings } from '../check/rules.ts'
import type { GlossaryEntry } from '../glossary/model.ts'
import { entryHash } from '../glossary/model.ts'
import { contentHash } from '../shared/hash.ts'
import { message, type Message } from '../shared/i18n.ts'
import { checkJson } from '../shared/validation.ts'
import { packInOrder } from '../shared/pack.ts'
import { countTokens } from '../shared/tokens.ts'
import { cacheKey } from '../state/cache.ts'
import { cleanAnswer } from './answer.ts'
import type { RequestEstimate } from './cost.ts'
import type { ChatMessage } from './llm.ts'
import { DEFAULT_PROMPTS_DIR, fill, glossaryLines } from './prompt.ts'

/** The rubric prompt shipped with the tool. */
export const JUDGE_TEMPLATE = join(DEFAULT_PROMPTS_DIR, 'judge.md')

/**
 * Version of the rubric (categories, answer shape, how answers become findings). Part of
 * every cache key with the template's hash: changing either re-judges everything.
 */
export const JUDGE_RUBRIC_VERSION = 1

/** The rubric's categories, each a rule `judge/<category>`. */
export const JUDGE_CATEGORIES = ['omission', 'addition', 'mistranslation', 'terminology', 'fluency'] as const

/** One category of {@link JUDGE_CATEGORIES}. */
export type JudgeCategory = (typeof JUDGE_CATEGORIES)[number]

/**
 * Tokens of pair text (source and target) per request. Enough pairs to amortize the
 * rubric (about 450 tokens), few enough that one unreadable answer costs little and
 * the answer stays far below the output limit.
 */
export const DEFAULT_REQUEST_TOKENS = 3000

/** Reads the shipped rubric template. */
export function loadJudgeTemplate(path: string = JUDGE_TEMPLATE): string {
  return readFileSync(path, 'utf8')
}

/** The hash recorded in cache keys: the template and the rubric version. */
export function judgePromptHash(template: string): string {
  return contentHash(`judge-rubric:${JUDGE_RUBRIC_VERSION}`, template)
}

/** A pair on its way to the model: the glossary entries its source names. */
export interface JudgeItem {
  pair: JudgePair
  entries: readonly GlossaryEntry[]
}

/** The cache key of one pair's verdict: model, rubric, locales, both texts and the entries shown. */
export function judgeCacheKey(item: JudgeItem, model: string, promptHash: string, source: LocaleInfo, target: LocaleInfo): string {
  return cacheKey({
    kind: 'judge',
    source: JSON.stringify([item.pair.source, item.pair.target]),
    sourceLocale: source.code,
    targetLocale: target.code,
    model,
    promptHash,
    entryHashes: item.entries.map(entryHash),
  })
}

/** Tokens a pair adds to a request (both texts). */
export function pairTokens(pair: JudgePair): number {
  return countTokens(pair.source) + countTokens(pair.target)
}

/**
 * Packs items into requests in order, each up to `tokenBudget` tokens of pair text; a
 * pair larger than the budget goes alone. Pure; the order of the pairs is kept.
 */
export function judgeBatches<T extends JudgeItem>(items: readonly T[], tokenBudget: number = DEFAULT_REQUEST_TOKENS): T[][] {
  if (!Number.isSafeInteger(tokenBudget) || tokenBudget < 1) throw new TypeError(`Expected \`tokenBudget\` to be an integer >= 1, got \`${String(tokenBudget)}\``)
  return packInOrder(items, (item) => pairTokens(item.pair), { maxWeight: tokenBudget })
}

/** The ids of a batch as the model sees them: 1-based positions. */
export function batchIds(batch: readonly unknown[]): string[] {
  return batch.map((_, index) => String(index + 1))
}

/** A delimiter tag the pairs do not contain, so a text cannot close it early. */
function pairsTag(text: string): string {
  let tag = 'pairs'
  for (let n = 2; text.includes(`<${tag}`) || text.includes(`</${tag}`); n++) tag = `pairs-${n}`
  return tag
}

/** The one user message of a batch: the rubric with the languages, the entries and the pairs as JSON lines. */
export function judgeMessages(template: string, batch: readonly JudgeItem[], source: LocaleInfo, target: LocaleInfo): ChatMessage[] {
  const lines = batch.map((item, index) => JSON.stringify({ id: String(index + 1), source: item.pair.source, target: item.pair.target }))
  const pairs = lines.join('\n')
  // Each entry once, in the order first named.
  const entries = [...new Map(batch.flatMap((item) => item.entries).map((entry) => [entry.source, entry])).values()]
  const content = fill(template, {
    sourceLanguage: source.name,
    sourceTag: source.tag,
    targetLanguage: target.name,
    targetTag: target.tag,
    glossary: glossaryLines(entries, target),
    tag: pairsTag(pairs),
    pairs,
  })
  return [{ role: 'user', content: content.trim() }]
}

/** Tokens of pair text in an average pair (113 pairs, 27,629 tokens in the example article). */
const TOKENS_PER_PAIR = 245
/** Tokens a pair's JSON line adds to its texts (`{"id":"1","source":…,"target":…}`). */
const TOKENS_PER_PAIR_LINE = 12

// The answer: a clean pair is about 12 tokens of JSON; some carry an issue of about 60.
const ANSWER_TOKENS_PER_REQUEST = 16
const ANSWER_TOKENS_PER_PAIR = 30

/**
 * Expected cost of judging one article's drafts before they exist (a plan): `pairTokens`
 * tokens of source and translation, packed `requestTokens` to a request, each request
 * with the rubric (`rubricTokens`), pairs of the average size. A planning estimate;
 * once the drafts exist, {@link judgeEstimate} counts the real prompts.
 */
export function judgePlanEstimate(pairTokens: number, rubricTokens: number, requestTokens: number = DEFAULT_REQUEST_TOKENS): RequestEstimate {
  if (pairTokens <= 0) return { requests: 0, promptTokens: 0, completionTokens: 0 }
  const requests = Math.ceil(pairTokens / requestTokens)
  const pairs = Math.ceil(pairTokens / TOKENS_PER_PAIR)
  return {
    requests,
    promptTokens: pairTokens + requests * rubricTokens + pairs * TOKENS_PER_PAIR_LINE,
    completionTokens: requests * ANSWER_TOKENS_PER_REQUEST + pairs * ANSWER_TOKENS_PER_PAIR,
  }
}

/** Tokens of the rubric a judge request carries besides its pairs (languages filled, no pairs, no entries). */
export function rubricTokens(template: string, source: LocaleInfo, target: LocaleInfo): number {
  return judgeEstimate(judgeMessages(template, [], source, target), 0).promptTokens
}

/** Expected cost of a batch: every prompt token, and a short verdict per pair. */
export function judgeEstimate(messages: readonly ChatMessage[], pairs: number): RequestEstimate {
  return {
    requests: 1,
    promptTokens: messages.reduce((sum, item) => sum + countTokens(item.content) + 4, 0),
    completionTokens: ANSWER_TOKENS_PER_REQUEST + pairs * ANSWER_TOKENS_PER_PAIR,
  }
}

// ── The answer ───────────────────────────────────────────────────────────────

const categorySchema = z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), z.enum(JUDGE_CATEGORIES))
const quote = z.preprocess((value) => (value === null || value === undefined ? '' : value), z.string())

/** One problem the model found in a pair. */
const issueSchema = z.object({
  category: categorySchema,
  source: quote,
  target: quote,
  explanation: quote,
})

/** A pair's problems (what the cache keeps per pair). */
export const issuesSchema = z.array(issueSchema)

/** One problem of a pair, as validated. */
export type JudgeIssue = z.output<typeof issueSchema>

const answerSchema = z.object({
  pairs: z.array(z.object({ id: z.union([z.string(), z.int()]).transform(String), issues: issuesSchema })),
})

/** An answer read back: each id's issues, or why it cannot be used. */
export type JudgeAnswer = { ok: true; verdicts: Map<string, JudgeIssue[]> } | { ok: false; problem: Message }

/**
 * Reads a model's answer for a batch with `ids`: one JSON object `{pairs: [{id, issues}]}`.
 * A fence or chatter around it is removed (`cleanAnswer`); every id must be there once
 * and no other: an answer that skips a pair is incomplete and is not used at all.
 */
export function readJudgeAnswer(text: string, ids: readonly string[]): JudgeAnswer {
  const cleaned = cleanAnswer(text, '').text
  // What is left may still hold a sentence before or after the object.
  const start = cleaned.indexOf('{')
  const end = cleaned.lastIndexOf('}')
  if (start === -1 || end < start) return { ok: false, problem: message('translate:judge-problem/not-json') }
  const checked = checkJson(answerSchema, cleaned.slice(start, end + 1))
  if (!checked.ok) return { ok: false, problem: checked.detail }
  const verdicts = new Map<string, JudgeIssue[]>()
  const unknown: string[] = []
  for (const row of checked.value.pairs) {
    if (!ids.includes(row.id) || verdicts.has(row.id)) unknown.push(row.id)
    else verdicts.set(row.id, row.issues)
  }
  const missing = ids.filter((id) => !verdicts.has(id))
  if (missing.length > 0 || unknown.length > 0) {
    return { ok: false, problem: message('translate:judge-problem/ids', { missing: missing.join(', ') || '-', unknown: unknown.join(', ') || '-' }) }
  }
  return { ok: true, verdicts }
}

/** Where and how the findings of one article are reported. */
export interface JudgeWhere {
  /** The target file (copied into findings). */
  file: string
  rules?: RuleSettings | undefined
  /** The model that judged, named in each finding's values. */
  model: string
}

/** The place of `quoted` inside a side's text, else the text's start. */
function placeOf(text: string, offset: number, start: Place, quoted: string): Place {
  const needle = quoted.trim()
  const index = needle === '' ? -1 : text.indexOf(needle)
  if (index <= 0) return { ...start, offset }
  const before = text.slice(0, index)
  const newline = before.lastIndexOf('\n')
  const lines = before.split('\n').length - 1
  // Columns count UTF-16 units, as every other place does (placeIn).
  return { line: start.line + lines, column: newline === -1 ? start.column + before.length : before.length - newline, offset: offset + index }
}

/**
 * The findings of one pair's issues: rule `judge/<category>` (severity from the rule
 * table or the settings), placed at the quoted words when the quote is found in the
 * pair's text, else at the paragraph's start; the quotes are `expected`/`actual`.
 */
export function issueFindings(pair: JudgePair, issues: readonly JudgeIssue[], where: JudgeWhere): Finding[] {
  const reporter = new Reporter(where.rules, { file: where.file, section: pair.section, heading: pair.heading })
  for (const issue of issues) {
    reporter.add(`judge/${issue.category}`, {
      params: { explanation: issue.explanation.trim() || '-', category: issue.category, model: where.model },
      source: placeOf(pair.source, pair.sourceOffset, pair.sourcePosition, issue.source),
      target: placeOf(pair.target, pair.targetOffset, pair.targetPosition, issue.target),
      ...(issue.source.trim() ? { expected: issue.source.trim() } : {}),
      ...(issue.target.trim() ? { actual: issue.target.trim() } : {}),
    })
  }
  return reporter.findings
}

/**
 * One warning for the answers of an article that could not be used (malformed,
 * incomplete, or cut off at the token limit: `truncated`), placed at the first pair
 * concerned; `count` pairs stay unjudged and uncached.
 */
export function unreadableFinding(first: JudgePair | undefined, count: number, problem: Message | 'truncated', where: JudgeWhere): Finding[] {
  const reporter = new Reporter(where.rules, { file: where.file, ...(first ? { section: first.section, heading: first.heading } : {}) })
  reporter.add('judge/unreadable', {
    ...(problem === 'truncated' ? { context: 'truncated' } : {}),
    params: { count, model: where.model, ...(problem === 'truncated' ? {} : { problem }) },
    ...(first ? { source: first.sourcePosition, target: first.targetPosition } : {}),
  })
  return reporter.findings
}

/** One finding for pairs left unjudged: `budget` (a warning: a limit stopped the judge) or `failed` (an error: the provider failed). */
export function notJudgedFinding(count: number, reason: { budget: string } | { failed: string | Message }, where: JudgeWhere): Finding[] {
  const reporter = new Reporter(where.rules, { file: where.file })
  if ('budget' in reason) reporter.add('judge/not-judged', { context: 'budget', params: { count, limit: reason.budget } })
  else reporter.add('judge/failed', { params: { count, detail: reason.failed } })
  return reporter.findings
}
