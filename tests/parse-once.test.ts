import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseMarkdown } from '../pipeline/article/markdown.ts'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'
import { translateFiles } from '../pipeline/run/translate.ts'
import type { ChatClient } from '../pipeline/translate/llm.ts'
import { createOpenAiProvider } from '../pipeline/translate/openai.ts'
import { referenceAnswer } from './helpers/reference-translator.ts'
import { planSync } from '../pipeline/run/sync.ts'
import { loadPrompts } from '../pipeline/translate/prompt.ts'
import { generateTree } from '../scripts/generate-tree.ts'

// Every parse of an article, and of any Markdown, goes through these spies, so a test can count them.
vi.mock('../pipeline/article/parse.ts', async (original) => {
  const actual = await original<typeof import('../pipeline/article/parse.ts')>()
  return { ...actual, parse: vi.fn(actual.parse) }
})
vi.mock('../pipeline/article/markdown.ts', async (original) => {
  const actual = await original<typeof import('../pipeline/article/markdown.ts')>()
  return { ...actual, parseMarkdown: vi.fn(actual.parseMarkdown) }
})

const parsedFiles = () => vi.mocked(parse).mock.calls.map((call) => call[1])

describe('each source is parsed once', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'l10n-parse-once-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('planning parses every source once, whatever the number of locales', async () => {
    const files = generateTree(root, { articles: 3, sectionsPerArticle: 2 })
    vi.mocked(parse).mockClear()
    const workflow = { lockfile: join(root, 'l10n.lock.yaml'), stateDir: join(root, '.l10n'), outRoot: root }
    const plan = await planSync(files, ['en', 'de', 'fr'], workflow, 'gpt-4o-mini', { templates: loadPrompts() })
    expect(plan.totals.failed).toBe(0)
    expect(plan.totals.requests).toBeGreaterThan(0)
    expect(parsedFiles().sort()).toEqual([...files].sort())
  })
})

describe('each answer is checked against the source parsed with its article', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'l10n-parse-once-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('parses the answers, never a source chunk again', async () => {
    const files = generateTree(root, { articles: 1, sectionsPerArticle: 3 })
    const article = parse(readFileSync(files[0]!, 'utf8'), files[0]!)
    const chunks = new Set(split(article).flatMap((section) => section.chunks.map((chunk) => chunk.source)))
    const answers: string[] = []
    // The scripted model parses what it is asked to translate; those parses are not the pipeline's.
    const modelCalls = new Set<number>()
    const client: ChatClient = {
      async complete(request) {
        const body = { messages: request.messages.map((message) => ({ role: message.role, content: message.content })) }
        const before = vi.mocked(parseMarkdown).mock.calls.length
        const text = referenceAnswer(body)
        for (let i = before; i < vi.mocked(parseMarkdown).mock.calls.length; i++) modelCalls.add(i)
        answers.push(text)
        return { text, finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 10 }, model: 'gpt-4o-mini', attempts: 1 }
      },
    }
    const provider = createOpenAiProvider({ env: {}, glossary: undefined, stateDir: join(root, '.l10n'), client })
    vi.mocked(parseMarkdown).mockClear()
    const report = await translateFiles({ files, targets: ['en'], translator: provider.translator, outRoot: root, stateDir: join(root, '.l10n') })
    await provider.close()
    expect(report.totals.failed).toBe(0)
    expect(report.totals.errors).toBe(0)
    const parsed = vi.mocked(parseMarkdown).mock.calls.filter((_, i) => !modelCalls.has(i)).map((call) => call[0])
    // The section answers were checked (parsed) one by one; no source chunk was parsed for it.
    expect(parsed.filter((text) => answers.includes(text)).length).toBeGreaterThanOrEqual(chunks.size)
    expect(parsed.filter((text) => chunks.has(text))).toEqual([])
  })
})
