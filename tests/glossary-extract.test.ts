import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import { describe, expect, it } from 'vitest'
import { parse } from '../pipeline/article/parse.ts'
import { extractCandidates } from '../pipeline/glossary/extract.ts'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { nameOccurrences } from '../pipeline/glossary/names.ts'

interface Expected {
  names: string[]
  alsoNames?: string[]
}
const fixture = parseDocument(readFileSync('tests/fixtures/articles/expected-names.yaml', 'utf8')).toJS() as { articles: Record<string, Expected> }
const files = Object.keys(fixture.articles)
const articles = files.map((file) => parse(readFileSync(file, 'utf8'), file))
const glossary = parseGlossary(readFileSync('glossary/music.yaml', 'utf8'), 'glossary/music.yaml')

/** A proposal and a listed name match when one contains the other. */
const matches = (proposal: string, name: string) => proposal.includes(name) || name.includes(proposal)

describe('glossary extract on the example and the fixture articles', () => {
  const proposals = extractCandidates(articles)

  it('measures at least four articles, not the example only', () => {
    expect(files).toContain('examples/cn/soundtrack.md')
    expect(files.filter((file) => file.startsWith('tests/fixtures/articles/')).length).toBeGreaterThanOrEqual(3)
  })

  it('finds at least 95% of the names a reader would lock, in every article', () => {
    const missed: string[] = []
    let total = 0
    for (const file of files) {
      const own = extractCandidates([articles[files.indexOf(file)]!])
      const names = fixture.articles[file]!.names
      total += names.length
      const lost = names.filter((name) => !own.some((proposal) => matches(proposal.source, name)))
      missed.push(...lost.map((name) => `${file}: ${name}`))
      expect(lost.length / names.length, `${file} missed ${lost.join(', ')}`).toBeLessThanOrEqual(0.05)
    }
    expect(total).toBeGreaterThan(120)
    expect(missed.length / total).toBeLessThanOrEqual(0.05)
  })

  it('ranks names first: at least 70% of the top proposals are names', () => {
    const names = files.flatMap((file) => [...fixture.articles[file]!.names, ...(fixture.articles[file]!.alsoNames ?? [])])
    const required = files.reduce((sum, file) => sum + fixture.articles[file]!.names.length, 0)
    const top = proposals.slice(0, required)
    const notNames = top.filter((proposal) => !names.some((name) => matches(proposal.source, name)))
    expect(top).toHaveLength(required)
    expect(1 - notNames.length / top.length, `not names: ${notNames.map((p) => p.source).join(', ')}`).toBeGreaterThanOrEqual(0.7)
  })

  it('guesses kinds from markup and suffixes and keeps the Latin form an article gives', () => {
    const find = (source: string) => proposals.find((proposal) => proposal.source === source)
    expect(find('马友友')).toMatchObject({ kind: 'performer', given: 'Yo-Yo Ma' })
    expect(find('鱼丁糸')).toMatchObject({ given: 'Oaeen', articles: ['tests/fixtures/articles/sodagreen.md'] })
    expect(find('柏林爱乐乐团')?.kind).toBe('ensemble')
    expect(find('卡内基音乐厅')?.kind).toBe('venue')
    expect(find('格莱美奖')?.kind).toBe('award')
    expect(find('肖邦国际钢琴比赛')?.kind).toBe('award')
    expect(find('倔强')?.kind).toBe('work')
    expect(find('小情歌')?.kind).toBe('work')
    expect(find('台北小巨蛋')?.kind).toBe('venue')
    expect(find('第五交响曲')?.kind).toBe('work')
    expect(find('Love Me Tender')?.kind).toBe('keep')
    expect(find('沃尔夫冈·阿马德乌斯·莫扎特')).toMatchObject({ kind: 'composer', given: 'Wolfgang Amadeus Mozart' })
    // Generic words in emphasis are terms, ranked below every name.
    const term = find('交响配乐')!
    expect(term.kind).toBe('term')
    expect(find('夜曲')?.kind).toBe('term')
    expect(proposals.indexOf(term)).toBeGreaterThan(proposals.indexOf(find('希区柯克')!))
  })

  it('counts every occurrence across articles, marked or not, with the articles and one context sentence', () => {
    const jiu = extractCandidates(articles).find((proposal) => proposal.source === '久石让')!
    expect(jiu.count).toBe(10)
    expect(jiu.articles).toEqual(['examples/cn/soundtrack.md'])
    expect(jiu.context).toContain('久石让')
    expect(jiu.context.length).toBeLessThan(200)
    const hall = proposals.find((proposal) => proposal.source === '皇家阿尔伯特音乐厅')!
    expect(hall.articles).toEqual(['tests/fixtures/articles/classical.md'])
  })

  it('skips names the glossary covers as source or alias', () => {
    const withGlossary = extractCandidates(articles, { glossary })
    const covered = new Set(glossary.entries.flatMap((entry) => [entry.source, ...entry.aliases]))
    expect(withGlossary.filter((proposal) => covered.has(proposal.source))).toEqual([])
    expect(withGlossary.some((proposal) => proposal.source === '马友友')).toBe(true)
    expect(withGlossary.length).toBeLessThan(proposals.length)
  })

  it('does not take code, HTML or link targets for names', () => {
    const found = nameOccurrences('看 `**约翰·威廉姆斯**` 和 [链接](https://x.test/《狮子王》)，还有**郎朗**。\n\n<div>《金刚》</div>\n\n```\n《冰雪奇缘》\n```\n').map((o) => o.text)
    expect(found).toEqual(['郎朗'])
  })
})
