import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { planSync } from '../pipeline/run/sync.ts'
import { translateFiles } from '../pipeline/run/translate.ts'
import { createEstimateBook, requestEstimate } from '../pipeline/translate/estimates.ts'
import { estimateRequestTokens } from '../pipeline/translate/cost.ts'
import { createOpenAiProvider } from '../pipeline/translate/openai.ts'
import type { ChatClient, CompleteRequest } from '../pipeline/translate/llm.ts'
import { loadPrompts } from '../pipeline/translate/prompt.ts'
import { generateTree } from '../scripts/generate-tree.ts'
import { referenceAnswer } from './helpers/reference-translator.ts'

describe('estimate book', () => {
  it('gives each planned estimate back once, by prompt and target script', () => {
    const book = createEstimateBook()
    book.put('prompt a', 'Latn', { promptTokens: 1, completionTokens: 2 })
    book.put('prompt a', 'Latn', { promptTokens: 3, completionTokens: 4 })
    book.put('prompt a', 'Cyrl', { promptTokens: 5, completionTokens: 6 })
    expect(book.size).toBe(3)
    expect(book.take('prompt b', 'Latn')).toBeUndefined()
    expect(book.take('prompt a', 'Latn')).toEqual({ promptTokens: 3, completionTokens: 4 })
    expect(book.take('prompt a', 'Latn')).toEqual({ promptTokens: 1, completionTokens: 2 })
    expect(book.take('prompt a', 'Latn')).toBeUndefined()
    expect(book.take('prompt a', 'Cyrl')).toEqual({ promptTokens: 5, completionTokens: 6 })
    expect(book.size).toBe(0)
  })

  it('counts a prompt planning did not see with the planning formula', () => {
    const messages = [
      { role: 'system' as const, content: '你好，世界' },
      { role: 'user' as const, content: '贝多芬的第九交响曲' },
    ]
    const counted = estimateRequestTokens('你好，世界\n贝多芬的第九交响曲', '贝多芬的第九交响曲', 'Latn')
    expect(requestEstimate(messages, '贝多芬的第九交响曲', 'Latn')).toEqual({ promptTokens: counted.promptTokens, completionTokens: counted.completionTokens })
    // A planted estimate wins: the provider does not count what planning counted.
    const book = createEstimateBook()
    book.put('你好，世界\n贝多芬的第九交响曲', 'Latn', { promptTokens: 7, completionTokens: 8 })
    expect(requestEstimate(messages, '贝多芬的第九交响曲', 'Latn', book)).toEqual({ promptTokens: 7, completionTokens: 8 })
    expect(book.size).toBe(0)
  })
})

describe('one count per prompt in a run', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'l10n-estimates-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('sends every planned request with the estimate planning counted for it', async () => {
    const files = generateTree(root, { articles: 3, sectionsPerArticle: 3 })
    const targets = ['en', 'de']
    const workflow = { lockfile: join(root, 'l10n.lock.yaml'), stateDir: join(root, '.l10n'), outRoot: root }
    const book = createEstimateBook()
    const plan = await planSync(files, targets, workflow, 'gpt-4o-mini', { templates: loadPrompts(), estimates: book })
    expect(plan.totals.failed).toBe(0)
    expect(plan.totals.requests).toBe(3 * 2 * 4)
    expect(book.size).toBe(plan.totals.requests)
    const sent: CompleteRequest[] = []
    const client: ChatClient = {
      async complete(request) {
        sent.push(request)
        const body = { messages: request.messages.map((message) => ({ role: message.role, content: message.content })) }
        return { text: referenceAnswer(body), finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 10 }, model: 'gpt-4o-mini', attempts: 1 }
      },
    }
    const provider = createOpenAiProvider({ env: {}, glossary: undefined, stateDir: workflow.stateDir, client, estimates: book })
    const report = await translateFiles({ files, targets, translator: provider.translator, outRoot: root, stateDir: workflow.stateDir, lockfile: workflow.lockfile })
    await provider.close()
    expect(report.totals.failed).toBe(0)
    // Every request took its planned count out of the book: none was tokenized again.
    expect(sent).toHaveLength(plan.totals.requests)
    expect(book.size).toBe(0)
    expect(sent.reduce((sum, request) => sum + request.estimate!.promptTokens, 0)).toBe(plan.totals.promptTokens)
    expect(sent.reduce((sum, request) => sum + request.estimate!.completionTokens, 0)).toBe(plan.totals.completionTokens)
  })
})
