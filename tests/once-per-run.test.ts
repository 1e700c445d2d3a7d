import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'
import { planSync } from '../pipeline/run/sync.ts'
import { translateFiles } from '../pipeline/run/translate.ts'
import { estimateRequestTokens } from '../pipeline/translate/cost.ts'
import { createEstimateBook, requestEstimate } from '../pipeline/translate/estimates.ts'
import type { ChatClient, CompleteRequest } from '../pipeline/translate/llm.ts'
import { createOpenAiProvider } from '../pipeline/translate/openai.ts'
import { loadPrompts } from '../pipeline/translate/prompt.ts'
import { generateTree } from '../scripts/generate-tree.ts'
import { useParseEvents } from './helpers/parse-events.ts'
import { referenceAnswer } from './helpers/reference-translator.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

// Every parse of an article, and of any Markdown, is announced, so a test can count them.
const parses = useParseEvents()
const parsedFiles = () => parses.articles.map((event) => event.file)

/**
 * A client answering with the reference translation; `sent` records each request. The
 * scripted model parses what it is asked to translate: the indexes of those parse calls
 * go into `modelParses`, since they are not the pipeline's.
 */
function referenceClient(sent: CompleteRequest[] = [], modelParses = new Set<number>()): ChatClient {
  return {
    async complete(request) {
      sent.push(request)
      const body = { messages: request.messages.map((message) => ({ role: message.role, content: message.content })) }
      const before = parses.markdown.length
      const text = referenceAnswer(body)
      for (let i = before; i < parses.markdown.length; i++) modelParses.add(i)
      return { text, finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 10 }, model: 'gpt-4o-mini', attempts: 1 }
    },
  }
}

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'l10n-once-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

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

describe('once per run', () => {
  it('tokenizes each prompt once: every planned request is sent with the estimate planning counted for it', async () => {
    const files = generateTree(root, { articles: 3, sectionsPerArticle: 3, example: SHORT_EXAMPLE.tree })
    const targets = ['en', 'de']
    const workflow = { lockfile: join(root, 'l10n.lock.yaml'), stateDir: join(root, '.l10n'), outRoot: root }
    const book = createEstimateBook()
    const plan = await planSync(files, targets, workflow, 'gpt-4o-mini', { templates: loadPrompts(), estimates: book })
    expect(plan.totals.failed).toBe(0)
    expect(plan.totals.requests).toBe(3 * 2 * 4)
    expect(book.size).toBe(plan.totals.requests)
    const sent: CompleteRequest[] = []
    const provider = createOpenAiProvider({ env: {}, glossary: undefined, stateDir: workflow.stateDir, client: referenceClient(sent), estimates: book })
    const report = await translateFiles({ files, targets, translator: provider.translator, outRoot: root, stateDir: workflow.stateDir, lockfile: workflow.lockfile })
    await provider.close()
    expect(report.totals.failed).toBe(0)
    // Every request took its planned count out of the book: none was tokenized again.
    expect(sent).toHaveLength(plan.totals.requests)
    expect(book.size).toBe(0)
    expect(sent.reduce((sum, request) => sum + request.estimate!.promptTokens, 0)).toBe(plan.totals.promptTokens)
    expect(sent.reduce((sum, request) => sum + request.estimate!.completionTokens, 0)).toBe(plan.totals.completionTokens)
  })

  it('plans the requests the run sends when sections hold generator leftovers and --max-chars cuts them smaller', async () => {
    // The openai provider leaves generator leftovers out of its prompts and sends chunks of
    // the run's size: planning must count those very prompts, or the run tokenizes again.
    const file = join(root, 'cn', 'soundtrack.md')
    mkdirSync(dirname(file), { recursive: true })
    copyFileSync(SHORT_EXAMPLE.source, file)
    const workflow = { lockfile: join(root, 'l10n.lock.yaml'), stateDir: join(root, '.l10n'), outRoot: root }
    const splitOptions = { maxSize: 400 }
    const book = createEstimateBook()
    const plan = await planSync([file], ['en'], workflow, 'gpt-4o-mini', { templates: loadPrompts(), estimates: book, split: splitOptions })
    const sections = split(parse(readFileSync(file, 'utf8'), file))
    expect(plan.totals.requests).toBeGreaterThan(sections.length + 1)
    const sent: CompleteRequest[] = []
    const provider = createOpenAiProvider({ env: {}, glossary: undefined, stateDir: workflow.stateDir, client: referenceClient(sent), estimates: book })
    const report = await translateFiles({ files: [file], targets: ['en'], translator: provider.translator, outRoot: root, stateDir: workflow.stateDir, lockfile: workflow.lockfile, split: splitOptions })
    await provider.close()
    expect(report.totals.failed).toBe(0)
    expect(sent).toHaveLength(plan.totals.requests)
    expect(book.size).toBe(0)
    expect(sent.every((request) => request.estimate !== undefined)).toBe(true)
    expect(sent.some((request) => request.messages.some((message) => message.content.includes('当前字数') || message.content.includes('【词数')))).toBe(false)
  })

  it('planning parses every source once, whatever the number of locales', async () => {
    const files = generateTree(root, { articles: 3, sectionsPerArticle: 2, example: SHORT_EXAMPLE.tree })
    parses.clear()
    const workflow = { lockfile: join(root, 'l10n.lock.yaml'), stateDir: join(root, '.l10n'), outRoot: root }
    const plan = await planSync(files, ['en', 'de', 'fr'], workflow, 'gpt-4o-mini', { templates: loadPrompts() })
    expect(plan.totals.failed).toBe(0)
    expect(plan.totals.requests).toBeGreaterThan(0)
    expect(parsedFiles().sort()).toEqual([...files].sort())
  })

  it('checks each answer against the source parsed with its article: the answers are parsed, never a source chunk again', async () => {
    const files = generateTree(root, { articles: 1, sectionsPerArticle: 3, example: SHORT_EXAMPLE.tree })
    const article = parse(readFileSync(files[0]!, 'utf8'), files[0]!)
    const chunks = new Set(split(article).flatMap((section) => section.chunks.map((chunk) => chunk.source)))
    const sent: CompleteRequest[] = []
    const modelParses = new Set<number>()
    const provider = createOpenAiProvider({ env: {}, glossary: undefined, stateDir: join(root, '.l10n'), client: referenceClient(sent, modelParses) })
    parses.clear()
    const report = await translateFiles({ files, targets: ['en'], translator: provider.translator, outRoot: root, stateDir: join(root, '.l10n') })
    await provider.close()
    expect(report.totals.failed).toBe(0)
    expect(report.totals.errors).toBe(0)
    const parsed = parses.markdown.filter((_, i) => !modelParses.has(i)).map((event) => event.markdown)
    const answers = new Set(await Promise.all(sent.map((request) => referenceAnswer({ messages: request.messages }))))
    // The section answers were checked (parsed) one by one; no source chunk was parsed for it.
    expect(parsed.filter((text) => answers.has(text)).length).toBeGreaterThanOrEqual(chunks.size)
    expect(parsed.filter((text) => chunks.has(text))).toEqual([])
  })
})
