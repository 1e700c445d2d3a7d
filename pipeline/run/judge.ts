/**
 * The judge's orchestration: aligned text pairs of an article pair (check/: paragraphs, headings, list items, table rows) go to the
 * model in batches (translate/judge.ts builds them and reads the answers) through the
 * run's client, queue, budget and cache. Each pair's verdict is cached on its own, so an
 * edited paragraph is judged again and every other pair costs nothing. Answers that
 * cannot be used (malformed, incomplete, cut off) are never cached and become one
 * warning each; a failing provider ends the judging with the error kept for the caller.
 */
import { join } from 'node:path'
import type { Article, Finding } from '../article/types.ts'
import { judgePairs, type JudgePairOptions } from '../check/judge-pairs.ts'
import type { RuleSettings } from '../check/rules.ts'
import { entriesIn } from '../glossary/match.ts'
import type { Glossary } from '../glossary/model.ts'
import { isL10nError } from '../shared/errors.ts'
import type { Message } from '../shared/i18n.ts'
import { checkJson } from '../shared/validation.ts'
import { openCache, type TranslationCache } from '../state/cache.ts'
import type { OnDamaged } from '../state/records.ts'
import { chargedFor, chargedForPending, isBatchPending, type BatchPendingError } from '../translate/batch-client.ts'
import type { BudgetTracker, RequestEstimate } from '../translate/cost.ts'
import {
  batchIds,
  DEFAULT_REQUEST_TOKENS,
  issueFindings,
  issuesSchema,
  judgeBatches,
  judgeCacheKey,
  judgeEstimate,
  judgeMessages,
  judgePromptHash,
  loadJudgeTemplate,
  notJudgedFinding,
  readJudgeAnswer,
  unreadableFinding,
  type JudgeIssue,
  type JudgeItem,
  type JudgeWhere,
} from '../translate/judge.ts'
import { ProviderError, type ChatClient, type ChatMessage, type CompleteRequest, type Completion } from '../translate/llm.ts'
import type { Scheduler } from '../translate/queue.ts'
import type { Spent } from './report.ts'

/** What a judge needs: the model connection and where its cache lives. */
export interface JudgeSettings {
  client: ChatClient
  scheduler: Scheduler
  /** The model asked (named in findings and cache keys). */
  model: string
  stateDir: string
  /** Use the cache (`.l10n/cache/`, beside the translations). @default true */
  cache?: boolean
  /** Spending limits: checked before every request, settled after. */
  budget?: BudgetTracker
  signal?: AbortSignal
  /** The rubric template text. @default prompts/judge.md */
  template?: string
  /** Tokens of pair text per request. @default DEFAULT_REQUEST_TOKENS */
  requestTokens?: number
  /** Rule settings (`judge/*` can be switched off or made another severity like any rule). */
  rules?: RuleSettings
  /** Locked forms shown to the model for the terminology category. */
  glossary?: Glossary
  /** Ask for `response_format: json_object`; off for the rest of the run once a server refuses it. @default true */
  json?: boolean
  onDamaged?: OnDamaged
}

/** What judging one article pair did. */
export interface JudgeReport extends Spent {
  findings: Finding[]
  /** Pairs found, answered from the cache, judged by an answer of this run, in unusable answers, and left unjudged. */
  pairs: number
  cached: number
  judged: number
  unreadable: number
  notJudged: number
  /** A budget limit stopped the judging. */
  budgetReached: boolean
  /** The provider failure that stopped it (an `L10nError`); its pairs are in `notJudged`. */
  error?: unknown
}

/** What judging would cost, for `--dry-run`: nothing is sent. */
export interface JudgePlan {
  pairs: number
  cached: number
  requests: number
  promptTokens: number
  completionTokens: number
}

/** A judge bound to one model connection. */
export interface Judge {
  readonly model: string
  /**
   * Judges the aligned text pairs of `target` against `source`. Throws only when aborted,
   * or (batch mode) with the `BatchPendingError` of its requests queued for a batch.
   */
  judge(source: Article, target: Article, options?: JudgePairOptions): Promise<JudgeReport>
  /** What {@link Judge.judge} would send (the cache is read, nothing is written). */
  plan(source: Article, target: Article, options?: JudgePairOptions): Promise<JudgePlan>
}

/** Creates a {@link Judge}; see {@link JudgeSettings}. */
export function createJudge(settings: JudgeSettings): Judge {
  const template = settings.template ?? loadJudgeTemplate()
  const promptHash = judgePromptHash(template)
  const requestTokens = settings.requestTokens ?? DEFAULT_REQUEST_TOKENS
  const cache: TranslationCache = openCache(join(settings.stateDir, 'cache'), settings.cache !== false, settings.onDamaged ? { onDamaged: settings.onDamaged } : {})
  let json = settings.json !== false

  /** The article's pairs with their keys, and the cached verdicts. */
  async function prepare(source: Article, target: Article, options: JudgePairOptions) {
    const found = judgePairs(source, target, { ...options, ...(settings.glossary && !options.glossary ? { glossary: settings.glossary } : {}) })
    const glossary = options.glossary ?? settings.glossary
    const items = found.pairs.map((pair): JudgeItem & { key: string; index: number } => {
      const entries = glossary ? entriesIn(pair.source, glossary) : []
      return { pair, entries, index: 0, key: '' }
    })
    items.forEach((item, index) => {
      item.index = index
      item.key = judgeCacheKey(item, settings.model, promptHash, found.sourceLocale, found.targetLocale)
    })
    const cached = await Promise.all(items.map(async (item) => {
      const record = await cache.get(item.key)
      if (!record) return undefined
      const checked = checkJson(issuesSchema, record.text)
      // A record that does not hold a verdict is a miss, judged again.
      return checked.ok ? checked.value : undefined
    }))
    return { found, items, cached }
  }

  async function ask(messages: ChatMessage[], estimate: RequestEstimate, spent: Spent, label: NonNullable<CompleteRequest['label']>): Promise<Completion> {
    return settings.scheduler.schedule({
      estimatedTokens: estimate.promptTokens + estimate.completionTokens,
      run: async (taskSignal) => {
        // Checked when the request would start: once a limit is reached nothing new starts.
        // Priced at the judge's model, which may not be the translation's.
        const reservation = settings.budget?.reserve(estimate, settings.model)
        try {
          const value = await settings.client.complete({
            messages,
            signal: settings.signal ? AbortSignal.any([settings.signal, taskSignal]) : taskSignal,
            estimate,
            label,
            ...(json ? { json: true } : {}),
          })
          // A batch answer was paid for when its batch was submitted.
          if (reservation) settings.budget!.settle(reservation, chargedFor(value))
          const used = value.usage.promptTokens + value.usage.completionTokens
          return { value, usedTokens: used > 0 ? used : estimate.promptTokens + estimate.completionTokens }
        } catch (error) {
          // Queued for a batch (sync --batch): paid when submitted, so it counts against the
          // budget at its estimate, as a translation request does; nothing was sent now.
          if (isBatchPending(error)) {
            if (reservation) settings.budget!.settle(reservation, chargedForPending(error, estimate))
            throw error
          }
          // Said before the queue starts the next request, so that one already goes without it.
          if (json && error instanceof ProviderError && error.kind === 'bad-request' && error.status === 400) json = false
          // Failed requests were still sent (and may be billed): count them.
          const sent = error instanceof ProviderError ? error.attempts : 1
          spent.requests += sent
          if (reservation) settings.budget!.settle(reservation, { requests: sent, promptTokens: 0, completionTokens: 0 })
          throw error
        }
      },
    })
  }

  /** Asks once; a server that refuses `response_format` (400) is asked again without it, and never again with it. */
  async function askTolerant(messages: ChatMessage[], estimate: RequestEstimate, spent: Spent, label: NonNullable<CompleteRequest['label']>): Promise<Completion> {
    const asked = json
    try {
      return await ask(messages, estimate, spent, label)
    } catch (error) {
      if (!(asked && error instanceof ProviderError && error.kind === 'bad-request' && error.status === 400)) throw error
      return ask(messages, estimate, spent, label)
    }
  }

  return {
    model: settings.model,

    async plan(source, target, options = {}) {
      const { found, items, cached } = await prepare(source, target, options)
      const open = items.filter((_, index) => !cached[index])
      const plan: JudgePlan = { pairs: items.length, cached: items.length - open.length, requests: 0, promptTokens: 0, completionTokens: 0 }
      for (const batch of judgeBatches(open, requestTokens)) {
        const estimate = judgeEstimate(judgeMessages(template, batch, found.sourceLocale, found.targetLocale), batch.length)
        plan.requests += estimate.requests
        plan.promptTokens += estimate.promptTokens
        plan.completionTokens += estimate.completionTokens
      }
      return plan
    },

    async judge(source, target, options = {}) {
      const { found, items, cached } = await prepare(source, target, options)
      const where: JudgeWhere = { file: target.file, rules: settings.rules, model: settings.model }
      const report: JudgeReport = { findings: [], requests: 0, promptTokens: 0, completionTokens: 0, pairs: items.length, cached: 0, judged: 0, unreadable: 0, notJudged: 0, budgetReached: false }
      const byPair: Finding[][] = items.map(() => [])
      const extra: Finding[] = []
      const open: typeof items = []
      items.forEach((item, index) => {
        const verdict = cached[index]
        if (verdict) {
          report.cached++
          byPair[index] = issueFindings(item.pair, verdict, where)
        } else {
          open.push(item)
        }
      })
      let stopped: 'budget' | 'failed' | undefined
      // Requests queued for a batch (sync --batch): every one of the article's is gathered,
      // then the article waits for their answers like a section does.
      let pending: BatchPendingError | undefined
      // Unusable answers, said once per kind for the article rather than once per request.
      const unusable: { batch: JudgeItem[]; problem: Message | 'truncated' }[] = []
      await Promise.all(
        judgeBatches(open, requestTokens).map(async (batch) => {
          if (stopped || settings.budget?.exhausted) {
            report.notJudged += batch.length
            if (settings.budget?.exhausted) report.budgetReached = true
            return
          }
          const messages = judgeMessages(template, batch, found.sourceLocale, found.targetLocale)
          let completion: Completion
          // Labelled with the draft and the first section judged, for `l10n status` in batch mode.
          const label = { file: source.file, locale: found.targetLocale.code, section: batch[0]!.pair.section, purpose: 'judge' as const }
          try {
            completion = await askTolerant(messages, judgeEstimate(messages, batch.length), report, label)
          } catch (error) {
            if (settings.signal?.aborted) throw error
            if (isBatchPending(error)) {
              pending ??= error
              return
            }
            report.notJudged += batch.length
            if (isL10nError(error) && error.code === 'E_BUDGET') {
              report.budgetReached = true
              stopped ??= 'budget'
              return
            }
            // Interrupted (the scheduler stopped) or the provider failed: kept for the caller.
            if (!isL10nError(error)) throw error
            stopped = 'failed'
            report.error ??= error
            return
          }
          report.requests += completion.attempts
          report.promptTokens += completion.usage.promptTokens
          report.completionTokens += completion.usage.completionTokens
          if (completion.finishReason === 'length') {
            report.unreadable += batch.length
            unusable.push({ batch, problem: 'truncated' })
            return
          }
          const answer = readJudgeAnswer(completion.text, batchIds(batch))
          if (!answer.ok) {
            report.unreadable += batch.length
            unusable.push({ batch, problem: answer.problem })
            return
          }
          report.judged += batch.length
          await Promise.all(
            batch.map(async (item, k) => {
              const issues: JudgeIssue[] = answer.verdicts.get(String(k + 1)) ?? []
              byPair[item.index] = issueFindings(item.pair, issues, where)
              await cache.set(item.key, {
                text: JSON.stringify(issues),
                model: completion.model || settings.model,
                promptHash,
                createdAt: new Date().toISOString(),
                // The batch's usage shared out, so the records add up to what was paid.
                promptTokens: Math.round(completion.usage.promptTokens / batch.length),
                completionTokens: Math.round(completion.usage.completionTokens / batch.length),
              })
            }),
          )
        }),
      )
      if (pending) throw pending
      for (const truncated of [true, false]) {
        const some = unusable.filter((entry) => (entry.problem === 'truncated') === truncated).sort((a, b) => a.batch[0]!.pair.targetOffset - b.batch[0]!.pair.targetOffset)
        if (some.length === 0) continue
        const count = some.reduce((sum, entry) => sum + entry.batch.length, 0)
        extra.push(...unreadableFinding(some[0]!.batch[0]!.pair, count, some[0]!.problem, where))
      }
      if (report.budgetReached) extra.push(...notJudgedFinding(report.notJudged, { budget: settings.budget?.exhaustedBy ?? '-' }, where))
      else if (report.error !== undefined) {
        const error = report.error
        const detail = isL10nError(error) && error.params.detail !== undefined ? (error.params.detail as string | Message) : String((error as Error).message ?? error)
        extra.push(...notJudgedFinding(report.notJudged, { failed: detail }, where))
      }
      report.findings = [...byPair.flat(), ...extra]
      return report
    },
  }
}
