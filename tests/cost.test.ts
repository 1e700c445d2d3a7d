import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  COMPLETION_FACTORS,
  completionFactor,
  costOf,
  countTokens,
  createBudgetTracker,
  dominantScript,
  estimateRequestTokens,
  PRICES,
  priceFor,
} from '../pipeline/translate/cost.ts'
import { isL10nError } from '../pipeline/shared/errors.ts'
import { fromRanksFile, TOKENIZER_RANKS } from '../pipeline/shared/tokens.ts'

const ZH = '约翰·威廉姆斯为《星球大战》创作的配乐，由伦敦交响乐团录制。'
const EN = 'John Williams wrote the score for Star Wars, recorded by the London Symphony Orchestra.'

describe('tokens', () => {
  it('counts with the tokenizer, not by whitespace', () => {
    expect(countTokens('')).toBe(0)
    expect(countTokens('hello world')).toBe(2)
    // One "word" by whitespace, many tokens.
    expect(countTokens(ZH)).toBeGreaterThan(10)
  })

  it('guesses the dominant script, Chinese prose with Latin names included', () => {
    expect(dominantScript(ZH)).toBe('Hans')
    expect(dominantScript('《Star Wars》的配乐由 John Williams 创作')).toBe('Hans')
    expect(dominantScript(EN)).toBe('Latn')
    expect(dominantScript('The score by 约翰 was recorded in London.')).toBe('Latn')
    expect(dominantScript('123 !!')).toBe('Latn')
  })

  it('has one factor per direction', () => {
    expect(completionFactor('Hans', 'Latn')).toBe(COMPLETION_FACTORS.cjkToLatin)
    expect(completionFactor('Hans', 'Jpan')).toBe(COMPLETION_FACTORS.cjkToCjk)
    expect(completionFactor('Latn', 'Hans')).toBe(COMPLETION_FACTORS.latinToCjk)
    expect(completionFactor('Latn', 'Latn')).toBe(COMPLETION_FACTORS.other)
    expect(completionFactor('Hans', 'Cyrl')).toBe(COMPLETION_FACTORS.other)
    expect(COMPLETION_FACTORS).toEqual({ cjkToLatin: 1.6, cjkToCjk: 1.0, latinToCjk: 0.8, other: 1.1 })
  })

  it('estimates a request as the whole prompt plus the source times the factor', () => {
    const prompt = `Translate into English:\n\n${ZH}`
    const source = countTokens(ZH)
    expect(estimateRequestTokens(prompt, ZH, 'Latn')).toEqual({
      requests: 1,
      promptTokens: countTokens(prompt),
      completionTokens: Math.ceil(source * 1.6),
      sourceTokens: source,
    })
    expect(estimateRequestTokens(prompt, ZH, 'Jpan').completionTokens).toBe(source)
    expect(estimateRequestTokens(EN, EN, 'Hans').completionTokens).toBe(Math.ceil(countTokens(EN) * 0.8))
    expect(estimateRequestTokens(EN, EN, 'Latn').completionTokens).toBe(Math.ceil(countTokens(EN) * 1.1))
    // An explicit source script wins over the guess.
    expect(estimateRequestTokens(EN, EN, 'Latn', 'Hans').completionTokens).toBe(Math.ceil(countTokens(EN) * 1.6))
  })
})

describe('prices', () => {
  it('knows the built-in models', () => {
    expect(priceFor('gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6, known: true })
    expect(priceFor('gpt-4o')).toEqual({ input: 2.5, output: 10, known: true })
    expect(priceFor('gpt-4.1-nano')).toEqual({ input: 0.1, output: 0.4, known: true })
    expect(priceFor('deepseek-chat')).toEqual({ input: 0.27, output: 1.1, known: true })
    expect(Object.keys(PRICES)).toEqual(['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'deepseek-chat', 'qwen-plus'])
  })

  it('prices dated snapshots like their model', () => {
    expect(priceFor('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6, known: true })
  })

  it('says local and unknown models cost 0, unknown', () => {
    expect(priceFor('qwen2.5:7b')).toEqual({ input: 0, output: 0, known: false })
    expect(priceFor('llama-3-70b')).toEqual({ input: 0, output: 0, known: false })
    expect(priceFor('toString')).toEqual({ input: 0, output: 0, known: false })
  })

  it('lets extra prices add and override models, local ones included', () => {
    const extra = { 'qwen2.5:7b': { input: 0, output: 0 }, 'gpt-4o-mini': { input: 1, output: 2 } }
    expect(priceFor('qwen2.5:7b', extra)).toEqual({ input: 0, output: 0, known: true })
    expect(priceFor('gpt-4o-mini', extra)).toEqual({ input: 1, output: 2, known: true })
  })

  it('computes USD per million tokens', () => {
    expect(costOf('gpt-4o-mini', 1_000_000, 1_000_000)).toEqual({ usd: 0.75, known: true })
    expect(costOf('gpt-4o', 2_000, 1_000).usd).toBeCloseTo(0.015, 10)
    expect(costOf('my-model', 1_000_000, 0, { 'my-model': { input: 0.15, output: 0.6 } })).toEqual({ usd: 0.15, known: true })
    expect(costOf('qwen2.5:7b', 1_000_000, 1_000_000)).toEqual({ usd: 0, known: false })
  })
})

const request = (promptTokens: number, completionTokens: number) => ({ requests: 1, promptTokens, completionTokens })

describe('createBudgetTracker', () => {
  it('allows work up to each limit exactly, then becomes exhausted', () => {
    const tracker = createBudgetTracker({ maxRequests: 2 }, 'gpt-4o-mini')
    expect(tracker.canStart(request(10, 10))).toBe(true)
    tracker.reserve(request(10, 10))
    expect(tracker.canStart(request(10, 10))).toBe(true)
    tracker.reserve(request(10, 10))
    expect(tracker.exhausted).toBe(false)
    expect(tracker.canStart(request(10, 10))).toBe(false)
    expect(tracker.exhausted).toBe(true)
    expect(tracker.exhaustedBy).toBe('maxRequests')
  })

  it('counts reserved-but-unfinished work', () => {
    const tracker = createBudgetTracker({ maxTokens: 100 }, 'gpt-4o-mini')
    tracker.reserve(request(30, 30))
    expect(tracker.reserved).toMatchObject({ requests: 1, promptTokens: 30, completionTokens: 30 })
    expect(tracker.canStart(request(25, 25))).toBe(false)
  })

  it('frees what a request did not use when it settles', () => {
    const tracker = createBudgetTracker({ maxTokens: 100 }, 'gpt-4o-mini')
    const reservation = tracker.reserve(request(30, 30))
    tracker.settle(reservation, request(20, 10))
    expect(tracker.totals).toEqual({ requests: 1, promptTokens: 20, completionTokens: 10, cost: (20 * 0.15 + 10 * 0.6) / 1e6 })
    expect(tracker.reserved).toEqual({ requests: 0, promptTokens: 0, completionTokens: 0, cost: 0 })
    expect(tracker.canStart(request(35, 35))).toBe(true)
  })

  it("prices work reserved for another model (the judge's) at that model's price, also when it settles", () => {
    const tracker = createBudgetTracker({ maxCost: 1 }, 'gpt-4o-mini')
    const judged = tracker.reserve(request(1000, 100), 'gpt-4.1-mini')
    expect(tracker.reserved.cost).toBeCloseTo((1000 * 0.4 + 100 * 1.6) / 1e6, 12)
    tracker.settle(judged, request(800, 50))
    const translated = tracker.reserve(request(1000, 100))
    tracker.settle(translated, request(1000, 100))
    expect(tracker.totals.cost).toBeCloseTo((800 * 0.4 + 50 * 1.6) / 1e6 + (1000 * 0.15 + 100 * 0.6) / 1e6, 12)
    // The batch price applies to the judge's model too.
    const batch = createBudgetTracker({}, 'gpt-4o-mini', {}, { batch: true })
    batch.settle(batch.reserve(request(1000, 100), 'gpt-4.1-mini'), request(1000, 100))
    expect(batch.totals.cost).toBeCloseTo((1000 * 0.2 + 100 * 0.8) / 1e6, 12)
  })

  it('stays exhausted: a smaller request does not slip in after a refusal', () => {
    const tracker = createBudgetTracker({ maxTokens: 100 }, 'gpt-4o-mini')
    expect(tracker.canStart(request(100, 1))).toBe(false)
    expect(tracker.canStart(request(1, 1))).toBe(false)
    expect(tracker.canStart(request(0, 0))).toBe(false)
  })

  it('enforces maxCost with the model price', () => {
    // gpt-4o: 1M prompt tokens cost 2.50 USD.
    const tracker = createBudgetTracker({ maxCost: 5 }, 'gpt-4o')
    const first = tracker.reserve(request(1_000_000, 0))
    tracker.settle(first, request(1_000_000, 0))
    expect(tracker.totals.cost).toBeCloseTo(2.5, 10)
    expect(tracker.canStart(request(1_000_000, 0))).toBe(true)
    tracker.reserve(request(1_000_000, 0))
    expect(tracker.canStart(request(1, 0))).toBe(false)
    expect(tracker.exhaustedBy).toBe('maxCost')
  })

  it('uses extra prices', () => {
    const tracker = createBudgetTracker({ maxCost: 1 }, 'mine', { mine: { input: 1, output: 1 } })
    expect(tracker.costKnown).toBe(true)
    expect(tracker.canStart(request(600_000, 600_000))).toBe(false)
  })

  it('cannot stop on cost for a model without a known price', () => {
    const tracker = createBudgetTracker({ maxCost: 0.01 }, 'qwen2.5:7b')
    expect(tracker.costKnown).toBe(false)
    expect(tracker.canStart(request(10_000_000, 10_000_000))).toBe(true)
  })

  it('becomes exhausted when answers turn out longer than estimated', () => {
    const tracker = createBudgetTracker({ maxTokens: 100 }, 'gpt-4o-mini')
    const reservation = tracker.reserve(request(40, 40))
    tracker.settle(reservation, request(40, 80))
    expect(tracker.exhausted).toBe(true)
    expect(tracker.exhaustedBy).toBe('maxTokens')
  })

  it('refuses to reserve past a limit with E_BUDGET', () => {
    const tracker = createBudgetTracker({ maxRequests: 1 }, 'gpt-4o-mini')
    tracker.reserve(request(1, 1))
    let error: unknown
    try {
      tracker.reserve(request(1, 1))
    } catch (caught) {
      error = caught
    }
    expect(isL10nError(error, 'E_BUDGET')).toBe(true)
    expect((error as Error).message).toBe('budget reached: the next request would exceed maxRequests (1)')
    expect(tracker.exhausted).toBe(true)
  })

  it('has no limits without a budget', () => {
    const tracker = createBudgetTracker({}, 'gpt-4o')
    for (let i = 0; i < 100; i++) tracker.settle(tracker.reserve(request(1_000_000, 1_000_000)), request(1_000_000, 1_000_000))
    expect(tracker.exhausted).toBe(false)
    expect(tracker.totals.requests).toBe(100)
    expect(tracker.totals.cost).toBeCloseTo(1250, 6)
  })

  it('treats programmer errors as TypeErrors', () => {
    expect(() => createBudgetTracker({ maxRequests: 0 }, 'gpt-4o')).toThrow('Expected `maxRequests` to be an integer >= 1, got `0` (number)')
    expect(() => createBudgetTracker({ maxCost: -1 }, 'gpt-4o')).toThrow(TypeError)
    const tracker = createBudgetTracker({}, 'gpt-4o')
    expect(() => tracker.canStart(request(-1, 0))).toThrow(TypeError)
    const reservation = tracker.reserve(request(1, 1))
    tracker.settle(reservation, request(1, 1))
    expect(() => tracker.settle(reservation, request(1, 1))).toThrow(/already settled/)
  })
})

describe('the tokenizer built from the JSON merge table (dist/data/o200k_base.json)', () => {
  it('counts exactly as the package does', () => {
    // `npm ci` builds dist/ (prepare): the table is there and of the installed version, so countTokens uses it.
    expect(existsSync(TOKENIZER_RANKS)).toBe(true)
    const fromJson = fromRanksFile()
    expect(fromJson).toBeDefined()
    const packaged = createRequire(import.meta.url)('gpt-tokenizer') as { encode: (text: string) => number[] }
    const texts = [readFileSync('examples/cn/soundtrack.md', 'utf8'), readFileSync('examples/en/soundtrack.md', 'utf8'), 'Ünïcödé, emoji 🎻🎼, 日本語のテキスト, Ελληνικά, 한국어 — and ASCII.']
    for (const text of texts) {
      for (const piece of text.split('\n\n')) {
        const expected = packaged.encode(piece)
        expect(fromJson!.encode(piece)).toEqual(expected)
        expect(countTokens(piece)).toBe(expected.length)
      }
    }
  })
})
