import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from '../pipeline/article/parse.ts'
import { check, checkSection } from '../pipeline/check/index.ts'
import { nameCoverage } from '../pipeline/glossary/coverage.ts'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { formatMessage } from '../pipeline/shared/i18n.ts'

const glossary = parseGlossary(readFileSync('glossary/music.yaml', 'utf8'), 'glossary/music.yaml')
const section = (markdown: string, target: string, locale = 'cn') =>
  checkSection(markdown, target, { section: 0, heading: null, file: 't.md', sourceLocale: locale, targetLocale: 'en', glossary })

describe('glossary/not-locked', () => {
  it('reports a marked name no entry locks, once per section, as info with its place', () => {
    const findings = section('**郎朗**演奏了《天鹅湖》，**郎朗**又弹了*第五交响曲*。', '**Lang Lang** played *Swan Lake*; **Lang Lang** played *Symphony No. 5*.').filter(
      (finding) => finding.ruleId === 'glossary/not-locked',
    )
    expect(findings.map((finding) => finding.values?.term)).toEqual(['天鹅湖', '郎朗', '第五交响曲'])
    expect(findings.every((finding) => finding.severity === 'info')).toBe(true)
    expect(findings[1]!.sourcePosition).toMatchObject({ line: 1, column: 3 })
    expect(formatMessage(findings[0]!, 'en')).toBe('not locked: "天鹅湖" (work) is marked as a name but no glossary entry locks it; its rendering is the model\'s choice')
    expect(formatMessage(findings[0]!, 'zh-CN')).toContain('未锁定：“天鹅湖”')
  })

  it('stays quiet for locked names (marked entries too), generic terms, unmarked names and Latin sources', () => {
    const quiet = section('**约翰·威廉姆斯**的*星球大战主题*与*金刚*，*交响配乐*和*钢琴独奏*；郎朗弹琴。', '**John Williams**: *Star Wars* theme, *King Kong*, *orchestral scoring* and *piano solo*; Lang Lang plays.')
    expect(quiet.filter((finding) => finding.ruleId === 'glossary/not-locked')).toEqual([])
    const latin = checkSection('**Lang Lang** played.', '**郎朗**演奏了。', { section: 0, heading: null, file: 't.md', sourceLocale: 'en', targetLocale: 'cn', glossary })
    expect(latin.filter((finding) => finding.ruleId === 'glossary/not-locked')).toEqual([])
  })

  it('is a rule like the others: off switches it off, no glossary means no glossary rules', () => {
    const off = checkSection('**郎朗**', '**Lang Lang**', { section: 0, heading: null, file: 't.md', sourceLocale: 'cn', targetLocale: 'en', glossary, rules: { 'glossary/not-locked': 'off' } })
    expect(off.filter((finding) => finding.ruleId === 'glossary/not-locked')).toEqual([])
    const none = checkSection('**郎朗**', '**Lang Lang**', { section: 0, heading: null, file: 't.md', sourceLocale: 'cn', targetLocale: 'en' })
    expect(none.filter((finding) => finding.ruleId === 'glossary/not-locked')).toEqual([])
  })

  it('finds nothing unlocked in the example with the shipped glossary, and names in an article it was not written for', () => {
    const example = check(parse(readFileSync('examples/cn/soundtrack.md', 'utf8'), 'cn.md'), parse(readFileSync('examples/en/soundtrack.md', 'utf8'), 'en.md'), { glossary })
    expect(example.filter((finding) => finding.ruleId === 'glossary/not-locked')).toEqual([])
    const classical = parse(readFileSync('tests/fixtures/articles/classical.md', 'utf8'), 'classical.md')
    const coverage = nameCoverage(classical.tree, glossary, ['郎朗'])
    // Only the hall is in the shipped glossary; 郎朗 is on the proposals list.
    expect(coverage).toMatchObject({ locked: 1, proposed: 1 })
    expect(coverage.notCovered).toBe(coverage.names - 2)
    expect(coverage.names).toBeGreaterThan(60)
    expect(coverage.uncovered).toContain('马太受难曲')
    expect(coverage.uncovered).not.toContain('郎朗')
  })
})
