/**
 * translateArticle returns what happened instead of writing into a report, and a failed
 * section's cost travels in a typed SectionFailure, never as a property glued onto the error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { requireLocale } from '../pipeline/article/locales.ts'
import { parse } from '../pipeline/article/parse.ts'
import { translateArticle, translateFiles } from '../pipeline/run/translate.ts'
import { L10nError } from '../pipeline/shared/errors.ts'
import { createPseudoTranslator, SectionFailure, type Translator } from '../pipeline/translate/translator.ts'

const ARTICLE = '---\ntitle: 标题\nlocale: cn\n---\n\n## 一\n\n第一节。\n\n## 二\n\n第二节。\n'

/** Pseudo, except that the section headed 二 fails after two requests and 30 prompt tokens. */
function failingTranslator(cause: unknown): Translator {
  const pseudo = createPseudoTranslator(undefined)
  return {
    ...pseudo,
    async translateSection(job, signal) {
      if (job.section.heading === '二') throw new SectionFailure(cause, { requests: 2, promptTokens: 30, completionTokens: 0, cached: 0 })
      return { ...(await pseudo.translateSection(job, signal)), requests: 1, promptTokens: 10, completionTokens: 5 }
    },
  }
}

describe('translateArticle', () => {
  it('returns the output with its usage, findings and counts', async () => {
    const result = await translateArticle(parse(ARTICLE, 'a.md'), requireLocale('cn'), requireLocale('en'), { translator: createPseudoTranslator(undefined) }, new AbortController().signal)
    expect(result.status).toBe('translated')
    if (result.status !== 'translated') return
    expect(result.text).toMatch(/^## ⟦/m)
    expect(result.counts).toEqual({ total: 2, translated: 2, cached: 0, reused: 0, failed: 0 })
    expect({ requests: result.requests, promptTokens: result.promptTokens }).toEqual({ requests: 0, promptTokens: 0 })
  })

  it('returns a failure with the error that caused it and everything spent, other sections included', async () => {
    const cause = new L10nError('E_PROVIDER', { params: { detail: 'the server said no' } })
    const result = await translateArticle(parse(ARTICLE, 'a.md'), requireLocale('cn'), requireLocale('en'), { translator: failingTranslator(cause) }, new AbortController().signal)
    expect(result.status).toBe('failed')
    if (result.status !== 'failed') return
    expect(result.error).toBe(cause)
    expect({ requests: result.requests, promptTokens: result.promptTokens, completionTokens: result.completionTokens }).toEqual({ requests: 3, promptTokens: 40, completionTokens: 5 })
    expect(result.counts.total).toBe(2)
  })
})

describe('translateFiles with a failing section', () => {
  it('reports the cause and counts what the failed section spent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l10n-article-'))
    try {
      mkdirSync(join(dir, 'cn'))
      writeFileSync(join(dir, 'cn', 'a.md'), ARTICLE)
      const cause = new L10nError('E_PROVIDER', { params: { detail: 'the server said no' } })
      const report = await translateFiles({ files: [join(dir, 'cn', 'a.md')], targets: ['en'], translator: failingTranslator(cause), outRoot: dir, stateDir: join(dir, '.l10n') })
      const [article] = report.articles
      expect(article).toMatchObject({ status: 'failed', error: { code: 'E_PROVIDER', message: cause.message }, requests: 3, promptTokens: 40, completionTokens: 5 })
      expect(report.totals.requests).toBe(3)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails only its own article on a failure that is not an L10nError (E_INTERNAL, the exception kept for --debug)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l10n-article-'))
    try {
      mkdirSync(join(dir, 'cn'))
      writeFileSync(join(dir, 'cn', 'a.md'), ARTICLE)
      const bug = new TypeError('a bug')
      const report = await translateFiles({ files: [join(dir, 'cn', 'a.md')], targets: ['en', 'de'], translator: failingTranslator(bug), outRoot: dir, stateDir: join(dir, '.l10n') })
      expect(report.articles).toHaveLength(2)
      for (const article of report.articles) {
        expect(article).toMatchObject({ status: 'failed', error: { code: 'E_INTERNAL' } })
        expect(article.exception).toBe(bug)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
