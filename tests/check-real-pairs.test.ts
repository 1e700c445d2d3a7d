/**
 * The check on material nobody here wrote: human translations from public documentation
 * sites (`tests/fixtures/real-pairs`, see its README for repositories, commits and
 * licences). Every error the check raises on them is listed here with a judgement; a new
 * error fails the test until someone judges it, and false alarms must stay under 5% of
 * all errors. The length calibration (`LENGTH_CALIBRATION`) was measured on this corpus:
 * no section of it may fall outside the warning range.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { check } from '../pipeline/check/index.ts'
import { parse } from '../pipeline/article/parse.ts'
import type { Finding } from '../pipeline/article/types.ts'
import { formatMessage } from '../pipeline/shared/i18n.ts'

const root = new URL('./fixtures/real-pairs/', import.meta.url)
interface Pair {
  name: string
  from: string
  to: string
}
const pairs = JSON.parse(readFileSync(new URL('pairs.json', root), 'utf8')) as Pair[]

/** Every error finding on the corpus, `pair rule §section`, with its judgement (see the README). */
const JUDGED: Record<string, 'real' | 'false alarm'> = {
  'astro-render frontmatter/keys §-': 'real',
  'astro-mpa-vs-spa inline/emphasis-count §1': 'real',
  'astro-mpa-vs-spa sections/link-urls §3': 'real',
  'astro-aliases frontmatter/keys §-': 'real',
  'astro-aliases sections/paragraph-count §0': 'real',
  'astro-aliases text/sentence-count §0': 'real',
  'apisix-api-gateway sections/paragraph-count §1': 'real',
  'apisix-api-gateway inline/strong-count §1': 'real',
}

function run(pair: Pair): Finding[] {
  const files = readdirSync(new URL(`${pair.name}/`, root))
  const load = (prefix: string) => {
    const file = files.find((name) => name.startsWith(prefix))!
    return parse(readFileSync(new URL(`${pair.name}/${file}`, root), 'utf8'), `${pair.name}/${file}`, { lenient: true })
  }
  return check(load('source'), load('target'), { sourceLocale: pair.from, targetLocale: pair.to })
}

const results = pairs.map((pair) => ({ pair, findings: run(pair) }))
const key = (pair: Pair, finding: Finding) => `${pair.name} ${finding.ruleId} §${finding.section ?? '-'}`

describe('the check on real human translations', () => {
  it('has at least 12 pairs from several sites, in both directions', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(12)
    expect(new Set(pairs.map((pair) => pair.name.split('-')[0])).size).toBeGreaterThanOrEqual(3)
    expect(pairs.some((pair) => pair.from.startsWith('zh'))).toBe(true)
    expect(pairs.some((pair) => pair.to.startsWith('zh'))).toBe(true)
  })

  it('raises only errors that were judged, under 5% of them false alarms', () => {
    const errors = results.flatMap(({ pair, findings }) => findings.filter((finding) => finding.severity === 'error').map((finding) => ({ key: key(pair, finding), text: formatMessage(finding) })))
    const unjudged = errors.filter((error) => !(error.key in JUDGED))
    expect(unjudged, unjudged.map((error) => `${error.key}: ${error.text}`).join('\n')).toEqual([])
    const falseAlarms = errors.filter((error) => JUDGED[error.key] === 'false alarm')
    expect(falseAlarms.length / Math.max(1, errors.length)).toBeLessThan(0.05)
    // Judged errors that no longer fire are taken off the list (so it stays the truth).
    const gone = Object.keys(JUDGED).filter((judged) => !errors.some((error) => error.key === judged))
    expect(gone).toEqual([])
  })

  it('raises no length warning: the calibrated range covers every real section', () => {
    const length = results.flatMap(({ pair, findings }) => findings.filter((finding) => finding.ruleId.startsWith('text/length')).map((finding) => key(pair, finding)))
    expect(length).toEqual([])
  })

  it('accepts what translators legitimately change: localized links, heading fragments, translated code comments, MDX', () => {
    const byName = new Map(results.map(({ pair, findings }) => [pair.name, findings]))
    const rules = (name: string) => byName.get(name)!.map((finding) => finding.ruleId)
    // /en/guides/typescript/ → /zh-cn/guides/typescript/, #other-code-editors → #其他代码编辑器, https://gitpod.io/ → https://gitpod.io
    expect(rules('astro-editor-setup')).not.toContain('sections/link-urls')
    // `# version change` → `# 修改版本`
    expect(rules('astro-heroku')).toContain('sections/code-comment')
    expect(rules('astro-heroku')).not.toContain('sections/code-block')
    // <Steps> around a list, <kbd> in prose, imports
    expect(rules('astro-zeabur').filter((rule) => rule.startsWith('sections/'))).toEqual([])
    // Hugo TOML frontmatter, a paragraph split in two
    expect(rules('shardingsphere-mode')).toEqual(['sections/paragraph-split'])
  })
})
