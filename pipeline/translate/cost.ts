/**
 * cost: tokens and money. Token counts come from the real tokenizer (never from
 * whitespace, which counts a Chinese paragraph as one word); prices from a small built-in
 * table the config can extend. The budget tracker decides whether a request may start,
 * counting work that is reserved but not yet finished, so N parallel requests cannot
 * together overshoot a limit that each of them alone would respect.
 */
import { L10nError } from '../shared/errors.ts'
import { countTokens } from '../shared/tokens.ts'
import { message } from '../shared/i18n.ts'
import type { LocaleInfo } from '../article/locales.ts'

// ── Tokens ───────────────────────────────────────────────────────────────────

// The tokenizer is loaded on the first count (see shared/tokens.ts); re-exported for callers here.
export { countTokens }

/**
 * Completion tokens per source token, by direction. Measured on the site's articles:
 * Chinese packs a word into one or two tokens, so its Latin translation is longer in
 * tokens; CJK to CJK stays about even; Latin to CJK shrinks. Everything else
 * (Latin to Latin, to Cyrillic) grows slightly.
 */
export const COMPLETION_FACTORS = {
  cjkToLatin: 1.6,
  cjkToCjk: 1.0,
  latinToCjk: 0.8,
  other: 1.1,
} as const

/** The writing system of a locale, as in {@link LocaleInfo.script}. */
export type Script = LocaleInfo['script']

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu
const ALPHABETIC_WORD = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]+/gu

/**
 * The script a text is mostly written in, as far as token estimates care: `Hans` when it
 * has at least as many Han or kana characters as alphabetic words, `Latn` otherwise.
 * A CJK character is worth about a word, so Chinese prose that keeps Latin names and
 * terms (`由 John Williams 创作`) still counts as Chinese.
 */
export function dominantScript(text: string): Script {
  const cjk = text.match(CJK)?.length ?? 0
  const words = text.match(ALPHABETIC_WORD)?.length ?? 0
  return cjk > 0 && cjk >= words ? 'Hans' : 'Latn'
}

const isCjkScript = (script: Script) => script === 'Hans' || script === 'Jpan'

/** The factor of {@link COMPLETION_FACTORS} for a direction. */
export function completionFactor(sourceScript: Script, targetScript: Script): number {
  if (isCjkScript(sourceScript)) {
    if (targetScript === 'Latn') return COMPLETION_FACTORS.cjkToLatin
    if (isCjkScript(targetScript)) return COMPLETION_FACTORS.cjkToCjk
  } else if (sourceScript === 'Latn' && isCjkScript(targetScript)) {
    return COMPLETION_FACTORS.latinToCjk
  }
  return COMPLETION_FACTORS.other
}

/** Work that a request (or a batch of them) is expected to cost, or did cost. */
export interface RequestEstimate {
  /** Requests, minimum 0. */
  requests: number
  /** Tokens sent, minimum 0. */
  promptTokens: number
  /** Tokens answered, minimum 0. */
  completionTokens: number
}

/** The estimate of a translation request, with the tokens of the source text it carries. */
export interface TranslationEstimate extends RequestEstimate {
  /** Tokens of the source text alone (a judge reads it beside the translation). */
  sourceTokens: number
}

/**
 * Estimate of one translation request: every token of `promptText` (the whole prompt,
 * the source included) plus the answer, estimated as the tokens of `sourceText` times
 * the {@link completionFactor} of the direction. The source script is guessed from the
 * text unless given.
 */
export function estimateRequestTokens(
  promptText: string,
  sourceText: string,
  targetScript: Script,
  sourceScript: Script = dominantScript(sourceText),
): TranslationEstimate {
  const sourceTokens = countTokens(sourceText)
  return {
    requests: 1,
    promptTokens: countTokens(promptText),
    completionTokens: Math.ceil(sourceTokens * completionFactor(sourceScript, targetScript)),
    sourceTokens,
  }
}

// ── Prices ───────────────────────────────────────────────────────────────────

/** Price of a model in USD per million tokens. */
export interface ModelPrice {
  /** USD per 1M prompt tokens, minimum 0. */
  input: number
  /** USD per 1M completion tokens, minimum 0. */
  output: number
  /** Batch API prices (USD per 1M tokens); without them a batch is priced like realtime. */
  batchInput?: number
  batchOutput?: number
}

/** Built-in list prices (USD per 1M tokens); the config's `prices` extends and overrides it. */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI's Batch API costs half the realtime price.
  'gpt-4o-mini': { input: 0.15, output: 0.6, batchInput: 0.075, batchOutput: 0.3 },
  'gpt-4o': { input: 2.5, output: 10, batchInput: 1.25, batchOutput: 5 },
  'gpt-4.1': { input: 2, output: 8, batchInput: 1, batchOutput: 4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, batchInput: 0.2, batchOutput: 0.8 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, batchInput: 0.05, batchOutput: 0.2 },
  'deepseek-chat': { input: 0.27, output: 1.1 },
  'qwen-plus': { input: 0.4, output: 1.2 },
}

const DATE_SUFFIX = /-\d{4}-\d{2}-\d{2}$/

/** A {@link ModelPrice} and whether it is real (`known: false` means "costs 0 as far as we know"). */
export interface PriceInfo extends ModelPrice {
  known: boolean
}

/**
 * The price of `model`: `extraPrices` first (exact name), then the built-in table, also
 * for dated snapshots (`gpt-4o-mini-2024-07-18`). Local models (`qwen2.5:7b`, Ollama
 * tags contain `:`) and unknown names cost 0 and are `known: false`, so a report can say
 * the total is not a real bill.
 */
export function priceFor(model: string, extraPrices: Readonly<Record<string, ModelPrice>> = {}, mode: PriceMode = {}): PriceInfo {
  const found = listPrice(model, extraPrices)
  if (!found.known) return found
  // A batch price applies only where one is known; otherwise a batch is priced like realtime.
  if (mode.batch) return { input: found.batchInput ?? found.input, output: found.batchOutput ?? found.output, known: true }
  return { input: found.input, output: found.output, known: true }
}

/** Realtime or Batch API prices. */
export interface PriceMode {
  /** Price requests submitted through the Batch API. */
  batch?: boolean
}

function listPrice(model: string, extraPrices: Readonly<Record<string, ModelPrice>>): PriceInfo {
  const extra = Object.hasOwn(extraPrices, model) ? extraPrices[model] : undefined
  if (extra) return { ...extra, known: true }
  if (!model.includes(':')) {
    const name = model.trim().toLowerCase()
    for (const candidate of [name, name.replace(DATE_SUFFIX, '')]) {
      const builtin = Object.hasOwn(PRICES, candidate) ? PRICES[candidate] : undefined
      if (builtin) return { ...builtin, known: true }
    }
  }
  return { input: 0, output: 0, known: false }
}

/** What a number of tokens costs with `model`, in USD; `known` as in {@link priceFor}. */
export function costOf(
  model: string,
  promptTokens: number,
  completionTokens: number,
  extraPrices?: Readonly<Record<string, ModelPrice>>,
  mode: PriceMode = {},
): { usd: number; known: boolean } {
  const price = priceFor(model, extraPrices, mode)
  return { usd: (promptTokens * price.input + completionTokens * price.output) / 1_000_000, known: price.known }
}

/** What several parts cost, each at its own model's price (translations and the judge's requests); known when every part's price is. */
export function costOfParts(
  parts: readonly { model: string; promptTokens: number; completionTokens: number }[],
  extraPrices?: Readonly<Record<string, ModelPrice>>,
  mode: PriceMode = {},
): { usd: number; known: boolean } {
  const total = { usd: 0, known: true }
  for (const part of parts) {
    const cost = costOf(part.model, part.promptTokens, part.completionTokens, extraPrices, mode)
    total.usd += cost.usd
    total.known &&= cost.known
  }
  return total
}

// ── Budget ───────────────────────────────────────────────────────────────────

/** Limits of one run; each is optional and unset means unlimited. */
export interface Budget {
  /** Most USD to spend, > 0. Only enforceable for models with a known price. */
  maxCost?: number
  /** Most requests to send, ≥ 1 (integer). */
  maxRequests?: number
  /** Most prompt + completion tokens, ≥ 1 (integer). */
  maxTokens?: number
}

/** The limit a budget tracker ran into. */
export type BudgetLimit = keyof Budget

/** A claim on the budget for work that has started; hand it back to {@link BudgetTracker.settle}. */
export interface Reservation {
  readonly id: number
  readonly estimate: Readonly<RequestEstimate>
  /** USD of the estimate. */
  readonly cost: number
  /** USD per million tokens the work is priced at (the reserving model's). */
  readonly price: Readonly<{ input: number; output: number }>
}

/** Totals of settled (finished) work. */
export interface BudgetTotals {
  requests: number
  promptTokens: number
  completionTokens: number
  /** USD; 0 for models without a known price. */
  cost: number
}

/** Tracks spending against a {@link Budget}; see {@link createBudgetTracker}. */
export interface BudgetTracker {
  /**
   * True when starting `estimate` keeps every limit, counting settled and reserved work.
   * A false answer makes the tracker {@link exhausted} for good.
   */
  canStart(estimate: RequestEstimate): boolean
  /**
   * Claims `estimate`; throws `E_BUDGET` (and becomes exhausted) when it would cross a limit.
   * `model` prices it when it is not the tracker's own (the judge's model); same price mode.
   */
  reserve(estimate: RequestEstimate, model?: string): Reservation
  /**
   * Replaces a reservation by what the work really used (zeros when the request was
   * never sent). A crossing found here also exhausts the tracker.
   */
  settle(reservation: Reservation, actual: RequestEstimate): void
  /** Once a limit was (or would have been) crossed, nothing new starts. */
  readonly exhausted: boolean
  /** The first limit that exhausted the tracker. */
  readonly exhaustedBy: BudgetLimit | undefined
  /** Settled work. */
  readonly totals: Readonly<BudgetTotals>
  /** Reserved, unsettled work. */
  readonly reserved: Readonly<BudgetTotals>
  /** False when the model has no known price: `maxCost` then cannot stop anything. */
  readonly costKnown: boolean
}

function checkLimit(name: BudgetLimit, value: number | undefined, integer: boolean): void {
  if (value === undefined) return
  const ok = integer ? Number.isSafeInteger(value) && value >= 1 : Number.isFinite(value) && value > 0
  if (!ok) {
    throw new TypeError(`Expected \`${name}\` to be ${integer ? 'an integer >= 1' : 'a finite number > 0'}, got \`${String(value)}\` (${typeof value})`)
  }
}

function checkEstimate(estimate: RequestEstimate): void {
  for (const key of ['requests', 'promptTokens', 'completionTokens'] as const) {
    const value = estimate[key]
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`Expected \`${key}\` to be a finite number >= 0, got \`${String(value)}\` (${typeof value})`)
    }
  }
}

// Cents of cents are noise; without a tolerance, 0.1 + 0.2 > 0.3 would stop a run early.
const EPSILON = 1e-9

/**
 * A tracker for one run with `model` priced by {@link priceFor} (`prices` extends the
 * built-in table). Single-threaded by construction: JavaScript runs `canStart` and
 * `reserve` without interleaving, so callers need no lock between them.
 */
export function createBudgetTracker(
  budget: Budget,
  model: string,
  prices?: Readonly<Record<string, ModelPrice>>,
  mode: PriceMode = {},
): BudgetTracker {
  checkLimit('maxCost', budget.maxCost, false)
  checkLimit('maxRequests', budget.maxRequests, true)
  checkLimit('maxTokens', budget.maxTokens, true)
  const price = priceFor(model, prices, mode)
  const priceOf = (other: string | undefined) => (other === undefined || other === model ? price : priceFor(other, prices, mode))
  const costFor = (e: RequestEstimate, at: { input: number; output: number } = price) => (e.promptTokens * at.input + e.completionTokens * at.output) / 1_000_000
  const totals: BudgetTotals = { requests: 0, promptTokens: 0, completionTokens: 0, cost: 0 }
  const reserved: BudgetTotals = { requests: 0, promptTokens: 0, completionTokens: 0, cost: 0 }
  const open = new Set<number>()
  let nextId = 1
  let exhaustedBy: BudgetLimit | undefined

  /** The first limit that `extra` on top of settled + reserved work would cross. */
  function crossed(extra: BudgetTotals): { limit: BudgetLimit; max: number; value: number } | undefined {
    const requests = totals.requests + reserved.requests + extra.requests
    const tokens =
      totals.promptTokens + totals.completionTokens + reserved.promptTokens + reserved.completionTokens + extra.promptTokens + extra.completionTokens
    const cost = totals.cost + reserved.cost + extra.cost
    if (budget.maxRequests !== undefined && requests > budget.maxRequests) return { limit: 'maxRequests', max: budget.maxRequests, value: requests }
    if (budget.maxTokens !== undefined && tokens > budget.maxTokens) return { limit: 'maxTokens', max: budget.maxTokens, value: tokens }
    if (budget.maxCost !== undefined && cost > budget.maxCost + EPSILON) return { limit: 'maxCost', max: budget.maxCost, value: cost }
    return undefined
  }

  const withCost = (e: RequestEstimate, at = price): BudgetTotals => ({ ...e, cost: costFor(e, at) })

  function canStart(estimate: RequestEstimate): boolean {
    checkEstimate(estimate)
    if (exhaustedBy) return false
    const hit = crossed(withCost(estimate))
    if (hit) exhaustedBy = hit.limit
    return !hit
  }

  return {
    canStart,
    reserve(estimate, reservingModel) {
      checkEstimate(estimate)
      const at = priceOf(reservingModel)
      const extra = withCost(estimate, at)
      const hit = exhaustedBy ? undefined : crossed(extra)
      if (hit) exhaustedBy = hit.limit
      if (exhaustedBy) {
        const max = budget[exhaustedBy]
        throw new L10nError('E_BUDGET', {
          params: { detail: message('config:budget/exceeded', { limit: exhaustedBy, max }), limit: exhaustedBy, max },
        })
      }
      const reservation: Reservation = { id: nextId++, estimate: { ...estimate }, cost: extra.cost, price: at }
      open.add(reservation.id)
      reserved.requests += extra.requests
      reserved.promptTokens += extra.promptTokens
      reserved.completionTokens += extra.completionTokens
      reserved.cost += extra.cost
      return reservation
    },
    settle(reservation, actual) {
      checkEstimate(actual)
      if (!open.delete(reservation.id)) throw new TypeError(`Reservation ${reservation.id} is unknown or already settled`)
      reserved.requests -= reservation.estimate.requests
      reserved.promptTokens -= reservation.estimate.promptTokens
      reserved.completionTokens -= reservation.estimate.completionTokens
      reserved.cost -= reservation.cost
      if (open.size === 0) Object.assign(reserved, { requests: 0, promptTokens: 0, completionTokens: 0, cost: 0 })
      totals.requests += actual.requests
      totals.promptTokens += actual.promptTokens
      totals.completionTokens += actual.completionTokens
      totals.cost += costFor(actual, reservation.price)
      // Answers can be longer than estimated; a crossing here is real spending, so stop.
      if (!exhaustedBy) exhaustedBy = crossed({ requests: 0, promptTokens: 0, completionTokens: 0, cost: 0 })?.limit
    },
    get exhausted() {
      return exhaustedBy !== undefined
    },
    get exhaustedBy() {
      return exhaustedBy
    },
    get totals() {
      return { ...totals }
    },
    get reserved() {
      return { ...reserved }
    },
    costKnown: price.known,
  }
}
