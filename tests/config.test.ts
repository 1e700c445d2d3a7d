import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  defaultConfig,
  formatPath,
  loadConfig,
  mergeSettings,
  parseConfig,
  type Config,
  type ConfigProblem,
} from '../pipeline/run/config.ts'
import { formatError, isL10nError, type L10nError } from '../pipeline/shared/errors.ts'
import { DEFAULT_FRONTMATTER_POLICY } from '../pipeline/article/frontmatter.ts'
import { formatMessage, isMessage, setUiLanguage } from '../pipeline/shared/i18n.ts'

const SAMPLE = `contentRoot: .
sourceLocale: cn
sourcePattern: src/content/knowledge-{locale}/{slug}.md
outputPattern: src/content/knowledge-{locale}/{slug}.md
targetLocales: [en, de, jp]
frontmatter: { translate: [title, description, keywords], set: { locale: '{locale}' } }
glossary: [glossary/music.yaml]
provider: openai
model: gpt-4o-mini
temperature: 0.2
maxOutputTokens: 4096
timeoutMs: 120000
maxRetries: 3
concurrency: 4
requestsPerMinute: 500
tokensPerMinute: 200000
budget: { maxCost: 5.0, maxRequests: 1000, maxTokens: 2000000 }
prices: { my-model: { input: 0.15, output: 0.6 } }
check: { headingDepth: 2, rules: { text/length-ratio: off, inline/emphasis-count: error } }
lockfile: l10n.lock.yaml
report: { json: reports/l10n.json, markdown: reports/l10n.md }
judge: { enabled: false, model: gpt-4.1-mini, requestTokens: 2000 }
`

function configError(text: string, file = 'l10n.config.yaml'): L10nError {
  try {
    parseConfig(text, file, '/proj')
  } catch (error) {
    if (isL10nError(error, 'E_CONFIG')) return error
    throw error
  }
  throw new Error('expected E_CONFIG')
}

function problems(text: string): string[] {
  return (configError(text).params.problems as ConfigProblem[]).map((problem) => `${problem.line}:${problem.column} ${formatMessage(problem.message)}`)
}

describe('parseConfig', () => {
  it('reads the documented example and makes its paths absolute', () => {
    const config = parseConfig(SAMPLE, '/proj/l10n.config.yaml')
    expect(config).toEqual<Config>({
      file: '/proj/l10n.config.yaml',
      contentRoot: '/proj',
      sourceLocale: 'cn',
      sourcePattern: '/proj/src/content/knowledge-{locale}/{slug}.md',
      outputPattern: '/proj/src/content/knowledge-{locale}/{slug}.md',
      targetLocales: ['en', 'de', 'jp'],
      frontmatter: { translate: ['title', 'description', 'keywords'], set: { locale: '{locale}' } },
      glossary: ['/proj/glossary/music.yaml'],
      provider: 'openai',
      model: 'gpt-4o-mini',
      temperature: 0.2,
      maxOutputTokens: 4096,
      timeoutMs: 120000,
      maxRetries: 3,
      concurrency: 4,
      requestsPerMinute: 500,
      tokensPerMinute: 200000,
      budget: { maxCost: 5, maxRequests: 1000, maxTokens: 2000000 },
      prices: { 'my-model': { input: 0.15, output: 0.6 } },
      mode: 'realtime',
      check: { headingDepth: 2, rules: { 'text/length-ratio': 'off', 'inline/emphasis-count': 'error' } },
      lockfile: '/proj/l10n.lock.yaml',
      stateDir: '/proj/.l10n',
      report: { json: '/proj/reports/l10n.json', markdown: '/proj/reports/l10n.md' },
      judge: { enabled: false, model: 'gpt-4.1-mini', requestTokens: 2000 },
    })
  })

  it('reads the judge switch: true, a mapping (on unless enabled: false), or nothing (off)', () => {
    expect(parseConfig('judge: true\n', '/proj/l10n.config.yaml').judge).toEqual({ enabled: true, model: undefined, requestTokens: 3000 })
    expect(parseConfig('judge: { model: gpt-4o }\n', '/proj/l10n.config.yaml').judge).toEqual({ enabled: true, model: 'gpt-4o', requestTokens: 3000 })
    expect(parseConfig('', '/proj/l10n.config.yaml').judge.enabled).toBe(false)
    expect(problems('judge: { requestTokens: 10, colour: red }\n').join('\n')).toMatch(/judge\.requestTokens: expected a number ≥ 100, got 10\n.*judge\.colour: expected a known field \(enabled, model, requestTokens\)/)
  })

  it('fills defaults for an empty file; LLM settings stay unset so env still applies', () => {
    const config = parseConfig('', '/proj/l10n.config.yaml')
    expect(config).toEqual({ ...defaultConfig('/proj'), file: '/proj/l10n.config.yaml' })
    expect(config.frontmatter).toEqual(DEFAULT_FRONTMATTER_POLICY)
    expect(config.model).toBeUndefined()
    expect(config.lockfile).toBe('/proj/l10n.lock.yaml')
  })

  it('resolves paths against the config folder, and only the patterns against contentRoot', () => {
    const config = parseConfig(
      'contentRoot: site\nsourceLocale: cn\nsourcePattern: k-{locale}/{slug}.md\nglossary: [g.yaml]\nreport: { json: r.json }\n',
      '/proj/cfg/l10n.config.yaml',
    )
    expect(config.contentRoot).toBe('/proj/cfg/site')
    expect(config.sourcePattern).toBe('/proj/cfg/site/k-{locale}/{slug}.md')
    expect(config.outputPattern).toBe('/proj/cfg/site/k-{locale}/{slug}.md')
    expect(config.glossary).toEqual(['/proj/cfg/g.yaml'])
    expect(config.report).toEqual({ json: '/proj/cfg/r.json', markdown: undefined })
    expect(config.lockfile).toBe('/proj/cfg/l10n.lock.yaml')
    expect(config.stateDir).toBe('/proj/cfg/.l10n')
    const written = parseConfig('contentRoot: site\nlockfile: state/l.lock.yaml\n', '/proj/cfg/l10n.config.yaml')
    expect(written.lockfile).toBe('/proj/cfg/state/l.lock.yaml')
  })

  it('defaults outputPattern to sourcePattern and maps BCP 47 tags to site codes', () => {
    const config = parseConfig('sourceLocale: zh-CN\nsourcePattern: a/{locale}/{slug}.md\ntargetLocales: [ja, en]\n', '/p/c.yaml')
    expect(config.sourceLocale).toBe('cn')
    expect(config.targetLocales).toEqual(['jp', 'en'])
    expect(config.outputPattern).toBe('/p/a/{locale}/{slug}.md')
  })

  it('keeps the default set policy when only translate is given', () => {
    const config = parseConfig('frontmatter: { translate: [title] }\n', '/p/c.yaml')
    expect(config.frontmatter).toEqual({ translate: ['title'], set: { locale: '{locale}' } })
  })

  it('reports every problem at once, each with its line, column, path, expectation and value', () => {
    const text = [
      'sourceLocale: cn',
      'targetLocales: [en, cn, jp2, en]',
      'temperature: 3',
      'concurrency: 0',
      'maxRetries: 1.5',
      'provider: claude',
      'budget: { maxCost: -1, maxCosts: 2 }',
      'check: { rules: { text/length-ratio: of, text/lenght-ratio: off } }',
      'report: nothing',
      'extra: 1',
    ].join('\n')
    expect(problems(text)).toEqual([
      '2:21 targetLocales[1]: expected a target locale other than the source locale cn, got "cn"',
      '2:25 targetLocales[2]: expected a locale code (cn, jp, en, de, es, fr, it, pt, da, nl, sv, fi, ru, uk), got "jp2"',
      '2:30 targetLocales[3]: expected each target locale once, got "en"',
      '3:14 temperature: expected a number ≤ 2, got 3',
      '4:14 concurrency: expected a number ≥ 1, got 0',
      '5:13 maxRetries: expected an integer, got 1.5',
      '6:11 provider: expected one of openai, pseudo, identity, got "claude"',
      '7:20 budget.maxCost: expected a number > 0, got -1',
      '7:24 budget.maxCosts: expected a known field (maxCost, maxRequests, maxTokens), got "maxCosts"',
      '8:38 check.rules.text/length-ratio: expected one of error, warning, info, off, got "of"',
      '8:42 check.rules.text/lenght-ratio: expected a rule id (text/han-residue, text/fullwidth-punctuation, text/identical-paragraph, text/numbers, text/number-changed, text/sentence-count, text/sentence-extra, text/duplicate-sentence, text/language, text/length-ratio, text/length-extreme, text/paragraph-too-short, text/doubled-word, text/unpaired-brackets), got "text/lenght-ratio"',
      '9:9 report: expected a mapping, got "nothing"',
      expect.stringMatching(/^10:1 extra: expected a known field \(contentRoot, sourceLocale, .*\), got "extra"$/),
    ])
  })

  it('puts file:line:col before every problem in the one error message', () => {
    const error = configError('targetLocales: [xx]\nmodel: 5\n', 'conf/l10n.config.yaml')
    expect(error.code).toBe('E_CONFIG')
    expect(error.message.split('\n')).toEqual([
      '2 problems in conf/l10n.config.yaml:',
      'conf/l10n.config.yaml:1:17: targetLocales[0]: expected a locale code (cn, jp, en, de, es, fr, it, pt, da, nl, sv, fi, ru, uk), got "xx"',
      'conf/l10n.config.yaml:2:8: model: expected text, got 5',
    ])
    const single = configError('model: 5\n')
    expect(single.message).toBe('l10n.config.yaml:1:8: model: expected text, got 5')
    expect(isMessage(single.params.detail) && formatMessage(single.params.detail)).toBe(single.message)
  })

  it('points at missing fields through their parent, and quotes odd keys in paths', () => {
    expect(problems('prices:\n  "gpt-4.1": { input: x }\n')).toEqual([
      '2:14 prices["gpt-4.1"].output: expected a number, got nothing',
      '2:23 prices["gpt-4.1"].input: expected a number, got "x"',
    ])
  })

  it('checks patterns: {locale} and {slug} required, no unknown placeholders, sourceLocale needed', () => {
    expect(problems('sourcePattern: src/{lang}/x.md\noutputPattern: out/{tag}/{dir}/{slug}.{ext}\n')).toEqual([
      '1:1 sourceLocale: expected a sourceLocale, to fill {locale} in sourcePattern, got nothing',
      '1:16 sourcePattern: expected only the placeholders {locale} {slug}, got "src/{lang}/x.md"',
      '1:16 sourcePattern: expected a pattern containing {locale}, got "src/{lang}/x.md"',
      '1:16 sourcePattern: expected a pattern containing {slug}, got "src/{lang}/x.md"',
      '2:16 outputPattern: expected a pattern containing {locale}, got "out/{tag}/{dir}/{slug}.{ext}"',
    ])
  })

  it('rejects non-positive limits, empty lists and wrong types in nested settings', () => {
    expect(problems('targetLocales: []\nbudget: { maxRequests: 0, maxTokens: 2.5 }\ncheck: { headingDepth: 7 }\nglossary: [""]\n')).toEqual([
      '1:16 targetLocales: expected a list of at least 1 item, got a list',
      '2:24 budget.maxRequests: expected a number ≥ 1, got 0',
      '2:38 budget.maxTokens: expected an integer, got 2.5',
      '3:24 check.headingDepth: expected a number ≤ 6, got 7',
      '4:12 glossary[0]: expected non-empty text, got ""',
    ])
  })

  it('reports YAML syntax errors with their place and checks nothing else', () => {
    const error = configError('targetLocales: [en\nmodel: 5\nmodel: 6\n')
    expect(error.message.split('\n')).toEqual([
      '2 problems in l10n.config.yaml:',
      expect.stringMatching(/^l10n\.config\.yaml:2:1: YAML syntax error: Flow sequence/),
      expect.stringMatching(/^l10n\.config\.yaml:3:1: YAML syntax error: Map keys must be unique/),
    ])
    expect(problems('model: a\nmodel: b\n')).toEqual([expect.stringMatching(/^2:1 YAML syntax error: Map keys must be unique/)])
  })

  it('wants a mapping at the top', () => {
    expect(problems('- en\n- de\n')).toEqual(['1:1 (config): expected a mapping, got a list'])
  })

  it('speaks Chinese when the UI does', () => {
    setUiLanguage('zh-CN')
    try {
      expect(problems('concurrency: 0\n')).toEqual(['1:14 concurrency：应为≥ 1 的数字，实际为 0'])
    } finally {
      setUiLanguage('en')
    }
  })

  it('keeps problems as messages: read in one language, rendered in the one asked for', () => {
    const error = configError('concurrency: 0\nmodel: 5\n')
    expect(formatError(error, 'zh-CN').split('\n')).toEqual([
      'l10n.config.yaml 中有 2 个问题：',
      'l10n.config.yaml:1:14：concurrency：应为≥ 1 的数字，实际为 0',
      'l10n.config.yaml:2:8：model：应为文本，实际为 5',
    ])
    expect(formatError(error, 'en')).toMatch(/^2 problems in l10n\.config\.yaml:\nl10n\.config\.yaml:1:14: concurrency: expected/)
  })

  it('formats paths', () => {
    expect(formatPath([])).toBe('(config)')
    expect(formatPath(['targetLocales', 2])).toBe('targetLocales[2]')
    expect(formatPath(['check', 'rules', 'text/length-ratio'])).toBe('check.rules.text/length-ratio')
    expect(formatPath(['prices', 'a b', 'input'])).toBe('prices["a b"].input')
  })
})

describe('loadConfig', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'l10n-config-'))
    await mkdir(join(dir, 'project', 'site'), { recursive: true })
    await mkdir(join(dir, 'empty'))
    await writeFile(join(dir, 'project', 'l10n.config.yaml'), 'contentRoot: site\nsourceLocale: cn\ntargetLocales: [en]\nglossary: [g.yaml]\n')
    await writeFile(join(dir, 'broken.yaml'), 'targetLocales: [xx]\n')
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('returns undefined when no path is given and the folder has no config', async () => {
    expect(await loadConfig(undefined, join(dir, 'empty'))).toBeUndefined()
  })

  it('reads l10n.config.yaml of the current folder and resolves paths from it', async () => {
    const config = await loadConfig(undefined, join(dir, 'project'))
    expect(config?.file).toBe(join(dir, 'project', 'l10n.config.yaml'))
    expect(config?.contentRoot).toBe(join(dir, 'project', 'site'))
    expect(config?.glossary).toEqual([join(dir, 'project', 'g.yaml')])
    expect(config?.lockfile).toBe(join(dir, 'project', 'l10n.lock.yaml'))
    expect(config?.stateDir).toBe(join(dir, 'project', '.l10n'))
  })

  it('accepts a file or a folder as the explicit path', async () => {
    expect((await loadConfig('project/l10n.config.yaml', dir))?.targetLocales).toEqual(['en'])
    expect((await loadConfig('project', dir))?.file).toBe(join(dir, 'project', 'l10n.config.yaml'))
  })

  it('fails with E_NOT_FOUND for a missing explicit path', async () => {
    await expect(loadConfig('nope.yaml', dir)).rejects.toSatisfy((error) => isL10nError(error, 'E_NOT_FOUND'))
    await expect(loadConfig('empty', dir)).rejects.toSatisfy((error) => isL10nError(error, 'E_NOT_FOUND'))
  })

  it('names the file relative to the current folder in problems', async () => {
    await expect(loadConfig('broken.yaml', dir)).rejects.toThrow(/^broken\.yaml:1:17: targetLocales\[0\]: expected a locale code/)
  })
})

describe('mergeSettings', () => {
  const config = parseConfig(SAMPLE, '/proj/l10n.config.yaml')

  it('lets given flags win and ignores undefined ones', () => {
    const merged = mergeSettings(config, { model: 'gpt-4.1', temperature: undefined, targetLocales: ['fr'], concurrency: 8 })
    expect(merged.model).toBe('gpt-4.1')
    expect(merged.temperature).toBe(0.2)
    expect(merged.targetLocales).toEqual(['fr'])
    expect(merged.concurrency).toBe(8)
    expect(merged.sourceLocale).toBe('cn')
  })

  it('merges nested settings field by field', () => {
    const merged = mergeSettings(config, {
      budget: { maxCost: 1, maxTokens: undefined },
      check: { rules: { 'text/numbers': 'off' } },
      report: { markdown: undefined },
    })
    expect(merged.budget).toEqual({ maxCost: 1, maxRequests: 1000, maxTokens: 2000000 })
    expect(merged.check).toEqual({
      headingDepth: 2,
      rules: { 'text/length-ratio': 'off', 'inline/emphasis-count': 'error', 'text/numbers': 'off' },
    })
    expect(merged.report).toEqual(config.report)
  })

  it('resolves path flags against the current folder', () => {
    const merged = mergeSettings(config, { lockfile: 'x.lock.yaml', stateDir: 'st', glossary: ['g.yaml'], report: { json: 'r.json' } })
    expect(merged.lockfile).toBe(join(process.cwd(), 'x.lock.yaml'))
    expect(merged.stateDir).toBe(join(process.cwd(), 'st'))
    expect(merged.glossary).toEqual([join(process.cwd(), 'g.yaml')])
    expect(merged.report.json).toBe(join(process.cwd(), 'r.json'))
    expect(merged.report.markdown).toBe('/proj/reports/l10n.md')
  })

  it('works on the defaults when there is no config file', () => {
    const merged = mergeSettings(defaultConfig('/site'), { targetLocales: ['en'], provider: 'pseudo' })
    expect(merged.targetLocales).toEqual(['en'])
    expect(merged.provider).toBe('pseudo')
    expect(merged.lockfile).toBe('/site/l10n.lock.yaml')
    expect(merged.stateDir).toBe('/site/.l10n')
  })

  it('does not change its input', () => {
    const before = structuredClone(config)
    mergeSettings(config, { budget: { maxCost: 9 }, check: { rules: { 'text/numbers': 'off' } } })
    expect(config).toEqual(before)
  })
})
