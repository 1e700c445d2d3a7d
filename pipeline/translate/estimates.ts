/**
 * estimates: the token estimate of each prompt, counted once per run. Planning counts
 * every request it expects (the plan and `--max-cost` need the totals before anything
 * is sent) and leaves each estimate here under the prompt's hash; the provider takes it
 * when it sends that very prompt instead of tokenizing it again. Each entry is taken
 * once, so the book shrinks as the run goes and holds only the work still to do.
 */
import { contentHash } from '../shared/hash.ts'
import type { LocaleInfo } from '../article/locales.ts'
import { estimateRequestTokens } from './cost.ts'

type Script = LocaleInfo['script']

/** Tokens of one request: what the plan counted and the request carries. */
export interface PromptEstimate {
  promptTokens: number
  completionTokens: number
}

/** Estimates by prompt, filled by planning and emptied by the requests. */
export interface EstimateBook {
  /** Records the estimate of the request whose messages join to `promptText`. */
  put(promptText: string, targetScript: Script, estimate: PromptEstimate): void
  /** The estimate recorded for this prompt, removed from the book; undefined when none was. */
  take(promptText: string, targetScript: Script): PromptEstimate | undefined
  /** Entries not taken yet. */
  readonly size: number
}

/** Creates an empty {@link EstimateBook}. */
export function createEstimateBook(): EstimateBook {
  // The same prompt may be planned more than once (two sources with one section): a count each.
  const entries = new Map<string, PromptEstimate[]>()
  let size = 0
  const keyOf = (promptText: string, targetScript: Script) => `${targetScript}:${contentHash(promptText)}`
  return {
    put(promptText, targetScript, estimate) {
      const key = keyOf(promptText, targetScript)
      const list = entries.get(key)
      if (list) list.push(estimate)
      else entries.set(key, [estimate])
      size++
    },
    take(promptText, targetScript) {
      const key = keyOf(promptText, targetScript)
      const list = entries.get(key)
      const estimate = list?.pop()
      if (!estimate) return undefined
      if (list!.length === 0) entries.delete(key)
      size--
      return estimate
    },
    get size() {
      return size
    },
  }
}

/** The prompt text of a request's messages, as planning and the provider both count it. */
export function promptTextOf(messages: readonly { content: string }[]): string {
  return messages.map((message) => message.content).join('\n')
}

/**
 * The estimate of a request: taken from `book` when planning counted this prompt,
 * counted here otherwise (the same formula either way, {@link estimateRequestTokens}).
 */
export function requestEstimate(messages: readonly { content: string }[], sourceText: string, targetScript: Script, book?: EstimateBook): PromptEstimate {
  const promptText = promptTextOf(messages)
  const known = book?.take(promptText, targetScript)
  if (known) return known
  const { promptTokens, completionTokens } = estimateRequestTokens(promptText, sourceText, targetScript)
  return { promptTokens, completionTokens }
}
