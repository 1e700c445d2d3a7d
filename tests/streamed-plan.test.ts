import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { translationStatus } from '../pipeline/review/status.ts'
import { planSync } from '../pipeline/run/sync.ts'
import { translateFiles } from '../pipeline/run/translate.ts'
import { createPseudoTranslator } from '../pipeline/translate/translator.ts'
import { createEstimateBook, type EstimateBook } from '../pipeline/translate/estimates.ts'
import { loadPrompts } from '../pipeline/translate/prompt.ts'
import { generateTree } from '../scripts/generate-tree.ts'
import { useParseEvents } from './helpers/parse-events.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

// Every parse of an article is announced, so a test can see when each source is read.
const parses = useParseEvents()

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'l10n-streamed-plan-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const workflowOf = () => ({ lockfile: join(root, 'l10n.lock.yaml'), stateDir: join(root, '.l10n'), outRoot: root })

/** An estimate book that logs each estimate planning puts in it, beside the parse calls. */
function loggingBook(log: string[]): EstimateBook {
  const book = createEstimateBook()
  return {
    put: (promptText, script, estimate) => {
      log.push('estimate')
      book.put(promptText, script, estimate)
    },
    take: (promptText, script) => book.take(promptText, script),
    get size() {
      return book.size
    },
  }
}

describe('planning a site file by file (issue 15: memory bounded by the work in flight)', () => {
  it("status hands each file's statuses to onFile before the next file is read", async () => {
    const files = generateTree(root, { articles: 3, sectionsPerArticle: 2, example: SHORT_EXAMPLE.tree })
    const stats = { fromMemo: 0, parsed: 0 }
    const seen: { file: string; locales: string[]; parsedSoFar: number; article: boolean }[] = []
    const all = await translationStatus(files, ['en', 'de'], workflowOf(), undefined, undefined, {
      stats,
      onFile: (file, statuses, article) => void seen.push({ file, locales: statuses.map((status) => status.locale), parsedSoFar: stats.parsed, article: article?.file === file }),
    })
    expect(seen).toEqual(files.map((file, index) => ({ file, locales: ['en', 'de'], parsedSoFar: 2 * (index + 1), article: true })))
    expect(all).toHaveLength(6)
  })

  it("estimates a source's requests right after reading it, before the next source is parsed", async () => {
    const files = generateTree(root, { articles: 3, sectionsPerArticle: 2, example: SHORT_EXAMPLE.tree })
    const log: string[] = []
    parses.onArticle = ({ file }) => void log.push(`parse ${file}`)
    const plan = await planSync(files, ['en', 'de'], workflowOf(), 'gpt-4o-mini', { templates: loadPrompts(), estimates: loggingBook(log) })
    expect(plan.totals.failed).toBe(0)
    // parse a, its estimates, parse b, its estimates…: never all sources first.
    const order = log.map((entry) => (entry.startsWith('parse ') ? entry : 'estimate')).filter((entry, i, list) => entry !== 'estimate' || list[i - 1] !== 'estimate')
    expect(order).toEqual(files.flatMap((file) => [`parse ${file}`, 'estimate']))
  })

  it('totals stay exact: the tree planned at once is the sum of its files planned alone, also with some pairs up to date', async () => {
    const files = generateTree(root, { articles: 4, sectionsPerArticle: 2, example: SHORT_EXAMPLE.tree })
    const workflow = workflowOf()
    // Half the tree translated already (offline), so the plan mixes missing and current pairs.
    await translateFiles({ files: files.slice(0, 2), targets: ['en', 'de'], translator: createPseudoTranslator(undefined), outRoot: root, stateDir: workflow.stateDir, lockfile: workflow.lockfile })
    const whole = await planSync(files, ['en', 'de'], workflow, 'gpt-4o-mini', { templates: loadPrompts(), readOnly: true })
    const alone = await Promise.all(files.map((file) => planSync([file], ['en', 'de'], workflow, 'gpt-4o-mini', { templates: loadPrompts(), readOnly: true })))
    expect(whole.items).toEqual(alone.flatMap((plan) => plan.items))
    for (const key of ['requests', 'promptTokens', 'completionTokens', 'work'] as const) {
      expect(whole.totals[key]).toBe(alone.reduce((sum, plan) => sum + plan.totals[key], 0))
    }
    expect(whole.items.filter((item) => item.requests === 0)).toHaveLength(4)
    expect(whole.totals.requests).toBeGreaterThan(0)
  })
})
