/**
 * `suggest`: asks the configured model for the established target forms of proposed
 * names, in batched JSON requests through the same client, scheduler, budget and cache
 * as translations. Answers are cached only when they parse; what the model does not
 * know stays empty. Offline (no client) it fills only what the articles themselves give.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { countTokens } from '../shared/tokens.ts'
import { requireLocale, type LocaleInfo } from '../article/locales.ts'
import { contentHash } from '../shared/hash.ts'
import { PACKAGE_ROOT } from '../shared/package-root.ts'
import { cacheKey, openCache } from '../state/cache.ts'
import type { Proposal } from '../glossary/proposals.ts'
import { applySuggestions, offlineTargets, parseSuggestAnswer, suggestItems, suggestPrompt, SUGGEST_BATCH } from '../glossary/suggest.ts'
import type { BudgetTracker } from '../translate/cost.ts'
import type { ChatClient, ChatMessage } from '../translate/llm.ts'
import type { Scheduler } from '../translate/queue.ts'
import { readProposals, writeProposals } from './glossary.ts'

/** The prompt template of `suggest`. */
export const SUGGEST_TEMPLATE = join(PACKAGE_ROOT, 'prompts', 'glossary-suggest.md')

/** The model connection `suggest` uses; absent means offline. */
export interface SuggestModel {
  client: ChatClient
  scheduler: Scheduler
  model: string
  stateDir: string
  cache: boolean
  budget?: BudgetTracker
  signal?: AbortSignal
}

/** What a `suggest` run did. */
export interface SuggestReport {
  /** Proposals that gained at least one target. */
  filled: number
  /** Requests sent (retries included) and batches answered from the cache. */
  requests: number
  cached: number
  promptTokens: number
  completionTokens: number
  /** Batches whose answer could not be read (their names stay without targets). */
  failedBatches: number
  /** Who proposed the targets: the model name, or `article`. */
  by: string
}

/**
 * Fills proposed targets for `locales` in the proposals file. Only open proposals with a
 * locale still missing are asked about; targets already there (written by a person or
 * an earlier run) are kept.
 */
export async function suggestToFile(options: { proposalsPath: string; locales: readonly string[]; model?: SuggestModel; template?: string }): Promise<SuggestReport> {
  const file = await readProposals(options.proposalsPath)
  const targets = options.locales.map((code) => requireLocale(code))
  const source = requireLocale(file.sourceLocale)
  const report: SuggestReport = { filled: 0, requests: 0, cached: 0, promptTokens: 0, completionTokens: 0, failedBatches: 0, by: options.model ? options.model.model : 'article' }
  const open = file.proposals.filter((proposal) => proposal.status === 'proposed' && targets.some((target) => proposal.targets[target.code] === undefined))
  const updated = new Map<Proposal, Proposal>()
  if (!options.model) {
    for (const proposal of open) {
      const next = applySuggestions(proposal, offlineTargets(proposal, targets), 'article')
      if (next !== proposal) updated.set(proposal, next)
    }
  } else {
    const template = options.template ?? readFileSync(SUGGEST_TEMPLATE, 'utf8')
    const batches: Proposal[][] = []
    for (let k = 0; k < open.length; k += SUGGEST_BATCH) batches.push(open.slice(k, k + SUGGEST_BATCH))
    const results = await Promise.all(batches.map((batch) => askBatch(batch, template, source, targets, options.model!, report)))
    batches.forEach((batch, index) => {
      const forms = results[index]
      if (!forms) return
      batch.forEach((proposal, k) => {
        const found = forms.get(String(k + 1))
        if (!found) return
        const wanted = Object.fromEntries(Object.entries(found).filter(([code]) => proposal.targets[code] === undefined))
        const next = applySuggestions(proposal, wanted, options.model!.model)
        if (next !== proposal) updated.set(proposal, next)
      })
    })
  }
  report.filled = updated.size
  if (updated.size > 0) await writeProposals(options.proposalsPath, { ...file, proposals: file.proposals.map((proposal) => updated.get(proposal) ?? proposal) })
  return report
}

async function askBatch(
  batch: readonly Proposal[],
  template: string,
  source: LocaleInfo,
  targets: readonly LocaleInfo[],
  model: SuggestModel,
  report: SuggestReport,
): Promise<Map<string, Record<string, string>> | undefined> {
  const items = suggestItems(batch)
  const user = suggestPrompt(template, items, source, targets)
  const cache = openCache(join(model.stateDir, 'cache'), model.cache)
  const key = cacheKey({
    kind: 'glossary',
    source: JSON.stringify(items),
    sourceLocale: source.code,
    targetLocale: targets.map((target) => target.code).join(','),
    model: model.model,
    promptHash: contentHash(template),
    entryHashes: [],
  })
  const hit = await cache.get(key)
  if (hit) {
    report.cached++
    return parseSuggestAnswer(hit.text, items, targets).forms
  }
  const messages: ChatMessage[] = [{ role: 'user', content: user }]
  const promptTokens = countTokens(user) + 4
  const estimate = { requests: 1, promptTokens, completionTokens: items.length * targets.length * 8 + 20 }
  const completion = await model.scheduler.schedule({
    estimatedTokens: estimate.promptTokens + estimate.completionTokens,
    run: async (taskSignal) => {
      const reservation = model.budget?.reserve(estimate)
      try {
        const value = await model.client.complete({ messages, signal: model.signal ? AbortSignal.any([model.signal, taskSignal]) : taskSignal })
        if (reservation) model.budget!.settle(reservation, { requests: value.attempts, promptTokens: value.usage.promptTokens, completionTokens: value.usage.completionTokens })
        return { value, usedTokens: value.usage.promptTokens + value.usage.completionTokens || estimate.promptTokens + estimate.completionTokens }
      } catch (error) {
        const attempts = (error as { attempts?: number }).attempts ?? 1
        report.requests += attempts
        if (reservation) model.budget!.settle(reservation, { requests: attempts, promptTokens: 0, completionTokens: 0 })
        throw error
      }
    },
  })
  report.requests += completion.attempts
  report.promptTokens += completion.usage.promptTokens
  report.completionTokens += completion.usage.completionTokens
  const answer = completion.finishReason === 'length' ? undefined : parseSuggestAnswer(completion.text, items, targets)
  if (!answer || (answer.forms.size === 0 && answer.problems.length > 0 && answer.problems[0]!.startsWith('The answer is not'))) {
    report.failedBatches++
    return undefined
  }
  await cache.set(key, {
    text: completion.text,
    model: completion.model || model.model,
    promptHash: contentHash(template),
    createdAt: new Date().toISOString(),
    promptTokens: completion.usage.promptTokens,
    completionTokens: completion.usage.completionTokens,
  })
  return answer.forms
}
