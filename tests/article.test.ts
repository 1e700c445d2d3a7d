import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { assemble } from '../pipeline/article/assemble.ts'
import { frontmatterDocument, localizeFrontmatter, translatableValues, topLevelKeys } from '../pipeline/article/frontmatter.ts'
import { lint } from '../pipeline/article/lint.ts'
import { parseMarkdown } from '../pipeline/article/markdown.ts'
import { parse, validatedFrontmatterDocument } from '../pipeline/article/parse.ts'
import { parseDocument } from 'yaml'
import { chunkMarkdown, measure, split } from '../pipeline/article/split.ts'
import type { Article } from '../pipeline/article/types.ts'

const example = readFileSync('examples/cn/soundtrack.md', 'utf8')
const fixture = (name: string) => readFileSync(`tests/fixtures/article/${name}`, 'utf8')

/** Reassembles an article with every chunk "translated" to itself. */
function identityRoundTrip(article: Article, maxSize?: number): string {
  const sections = split(article, maxSize ? { maxSize } : {})
  const body = sections.flatMap((section) => section.chunks.map((chunk) => ({ start: chunk.start, end: chunk.end, text: chunk.source })))
  return assemble(article, { body })
}

const roundTripCases: [string, string][] = [
  ['the example article', example],
  ['mixed markup (tables, code, links, images, HTML, nested headings, footnotes)', fixture('mixed.md')],
  ['no ## heading at all', fixture('no-h2.md')],
  ['leftovers and an empty section', fixture('empty-and-leftovers.md')],
  ['CRLF line endings', fixture('mixed.md').replace(/\n/g, '\r\n')],
  ['a BOM', '\ufeff' + fixture('mixed.md')],
  ['BOM and CRLF in the example', '\ufeff' + example.replace(/\n/g, '\r\n')],
  ['block scalars, escapes, flow lists and mixed line endings', '---\ntitle: |\n  第一行\n  第二行\ndescription: >-\n  折叠的\n  描述\nsubtitle: "标题\\u0041\\t制表"\nkeywords: [一, 二]\nlocale: cn\n---\n\n## 节\r\n\r\n正文\n第二行\r\n'],
  ['hard-wrapped bold names and _x_ italics', '---\nlocale: cn\n---\n\n## 人物\n\n**约翰·\n威廉姆斯**为_星球大战_作曲，\n**伯纳德·赫尔曼**  \n写了*惊魂记*。\n\n\n\n## 末尾\n\n结尾没有换行'],
]

describe('identity round trip', () => {
  it.each(roundTripCases)('is byte-identical for %s', (_name, text) => {
    const article = parse(text, 'input.md')
    expect(identityRoundTrip(article)).toBe(text)
  })

  it.each(roundTripCases)('is byte-identical for %s when cut into tiny chunks', (_name, text) => {
    const article = parse(text, 'input.md')
    expect(identityRoundTrip(article, 10)).toBe(text)
  })

  it('keeps CRLF in replaced text even when the translation uses LF', () => {
    const text = '---\r\nlocale: cn\r\n---\r\n\r\n## 标题\r\n\r\n一段\r\n两行\r\n'
    const article = parse(text, 'crlf.md')
    const [section] = split(article)
    const chunk = section!.chunks[0]!
    const out = assemble(article, { body: [{ start: chunk.start, end: chunk.end, text: '## Title\n\nOne\nTwo' }] })
    expect(out).toBe('---\r\nlocale: cn\r\n---\r\n\r\n## Title\r\n\r\nOne\r\nTwo\r\n')
  })
})

describe('identity through the new-locale frontmatter', () => {
  it('changes nothing but the locale value when the translations equal the source', () => {
    const text = roundTripCases.find(([name]) => name.startsWith('block scalars'))![1]
    const article = parse(text, 'input.md')
    const values = new Map(translatableValues(article.frontmatter.yaml, { translate: ['title', 'description', 'subtitle', 'keywords'], set: { locale: '{locale}' } }).map((value) => [value.id, value.text]))
    const yaml = localizeFrontmatter(article.frontmatter.yaml, 'en', values, { translate: ['title', 'description', 'subtitle', 'keywords'], set: { locale: '{locale}' } })
    expect(assemble(article, { frontmatterYaml: yaml, body: [] })).toBe(text.replace('locale: cn', 'locale: en'))
  })
})

describe('parse', () => {
  it('accepts `...` as the closing fence and names an unclosed frontmatter', () => {
    const article = parse('---\ntitle: 标题\nlocale: cn\n...\n\n## 节\n\n内容。\n', 'dots.md')
    expect(article.frontmatter.yaml).toBe('title: 标题\nlocale: cn\n')
    expect(article.body).toBe('\n## 节\n\n内容。\n')
    expect(() => parse('---\ntitle: 标题\n\n## 节\n', 'open.md')).toThrow(/open\.md:1:1: the frontmatter opened on line 1 is never closed/)
  })

  it('cuts the frontmatter as text and parses CJK emphasis', () => {
    const article = parse(example, 'soundtrack.md')
    expect(article.frontmatter.yaml.startsWith('title:')).toBe(true)
    expect(article.frontmatter.yaml).toContain('createdAt: 2025-07-30\n')
    expect(article.body.startsWith('\n')).toBe(true)
    expect(article.text.slice(article.bodyStart)).toBe(article.body)
  })

  it('hands the YAML document it validated to the later stages, which then read the same values', () => {
    const yaml = 'title: 标题  # a comment\nlocale: cn\ncreatedAt: 2025-07-30\nkeywords: [配乐, 电影]\n'
    const article = parse(`---\n${yaml}---\n\n## 节\n\n内容。\n`, 'kept.md')
    const validated = validatedFrontmatterDocument(article.frontmatter)
    expect(validated).toBeDefined()
    expect(frontmatterDocument(article.frontmatter.yaml)).toBe(validated)
    expect(validated!.toJS()).toEqual(parseDocument(yaml).toJS())
    expect(String(validated)).toBe(String(parseDocument(yaml)))
    // A frontmatter with a problem is refused, so no later stage reads its document.
    expect(() => parse('---\ntitle: a\ntitle: b\n---\n\n正文。\n', 'twice.md')).toThrow(/twice\.md:3:/)
  })

  it('reads **“引号”**后 and **《命运》**交响曲 as strong text', () => {
    const tree = parseMarkdown('**“引号”**后和**《命运》**交响曲')
    const paragraph = tree.children[0]
    expect(paragraph?.type).toBe('paragraph')
    const strong = paragraph && 'children' in paragraph ? paragraph.children.filter((node) => node.type === 'strong') : []
    expect(strong).toHaveLength(2)
  })
})

describe('split', () => {
  it('makes one section per ## heading of the example, identified by content hash', () => {
    const sections = split(parse(example, 'soundtrack.md'))
    expect(sections).toHaveLength(10)
    expect(sections[0]!.isPreamble).toBe(false)
    expect(sections[0]!.heading).toBe('画面背后的旋律世界')
    expect(sections.map((section) => section.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(new Set(sections.map((section) => section.hash)).size).toBe(10)
    for (const section of sections) expect(section.source.startsWith('## ')).toBe(true)
  })

  it('has a preamble when text comes before the first heading, and keeps ### inside its section', () => {
    const sections = split(parse(fixture('mixed.md'), 'mixed.md'))
    expect(sections.map((section) => [section.isPreamble, section.depth, section.heading])).toEqual([
      [true, 0, null],
      [false, 1, '一级标题'],
      [false, 2, '表格与代码'],
      [false, 2, '最后一节'],
    ])
    expect(sections[2]!.source).toContain('### 三级标题留在本节')
  })

  it('treats an article without ## as a single preamble section', () => {
    const sections = split(parse(fixture('no-h2.md'), 'no-h2.md'))
    expect(sections).toHaveLength(1)
    expect(sections[0]!.isPreamble).toBe(true)
    expect(sections[0]!.source).toContain('### 只有三级标题')
  })

  it('keeps section hashes of neighbours when a section is inserted', () => {
    const before = split(parse(example, 'a.md'))
    const inserted = example.replace('## 镜头与音符交织', '## 新插入的一节\n\n新的段落。\n\n## 镜头与音符交织')
    const after = split(parse(inserted, 'a.md'))
    expect(after).toHaveLength(11)
    const afterHashes = new Set(after.map((section) => section.hash))
    for (const section of before) expect(afterHashes.has(section.hash)).toBe(true)
  })

  it('cuts an oversize section at block boundaries, never inside a list, table, code or HTML block', () => {
    const article = parse(fixture('mixed.md'), 'mixed.md')
    const sections = split(article, { maxSize: 40 })
    const big = sections[2]!
    expect(big.chunks.length).toBeGreaterThan(3)
    const tree = parseMarkdown(article.body)
    const atomic = tree.children.filter((node) => ['list', 'table', 'code', 'html', 'blockquote'].includes(node.type))
    for (const chunk of big.chunks) {
      for (const node of atomic) {
        const start = node.position!.start.offset!
        const end = node.position!.end.offset!
        const overlaps = start < chunk.end && chunk.start < end
        if (overlaps) expect(chunk.start <= start && end <= chunk.end).toBe(true)
      }
      // A chunk never ends on a heading: the heading travels with its first block.
      expect(parseMarkdown(chunk.source).children.at(-1)?.type).not.toBe('heading')
    }
  })

  it('sizes chunks in characters, so a Chinese paragraph is not one "word"', () => {
    const paragraph = '这是一个很长的中文段落'.repeat(30)
    const markdown = Array.from({ length: 6 }, () => paragraph).join('\n\n')
    const chunks = chunkMarkdown(markdown, { maxSize: 700 })
    expect(chunks).toHaveLength(3)
    for (const chunk of chunks) expect(measure(chunk.source)).toBeLessThanOrEqual(700)
    expect(measure(paragraph, 'tokens')).toBeGreaterThan(100)
  })

  it('splits the example by a small budget into more chunks without losing text', () => {
    const article = parse(example, 'a.md')
    const sections = split(article, { maxSize: 1500 })
    const chunkCount = sections.reduce((sum, section) => sum + section.chunks.length, 0)
    expect(chunkCount).toBeGreaterThan(sections.length)
    expect(identityRoundTrip(article, 1500)).toBe(example)
  })
})

describe('new-locale frontmatter', () => {
  const article = parse(example, 'soundtrack.md')
  const values = translatableValues(article.frontmatter.yaml)

  it('offers title, description and each keyword for translation', () => {
    expect(values.map((value) => value.id)).toEqual(['title', 'description', ...Array.from({ length: 7 }, (_, i) => `keywords.${i}`)])
  })

  it('changes only locale, title, description and keywords; kept keys stay byte-identical', () => {
    const translations = new Map(values.map((value) => [value.id, `EN ${value.id}`]))
    const yaml = localizeFrontmatter(article.frontmatter.yaml, 'en', translations)
    const sourceLines = article.frontmatter.yaml.split('\n')
    const targetLines = yaml.split('\n')
    expect(targetLines).toHaveLength(sourceLines.length)
    const changed = sourceLines.filter((line, i) => line !== targetLines[i])
    expect(changed).toHaveLength(10)
    for (const line of changed) expect(line).toMatch(/^(title: |description: |  - |locale: cn$)/)
    expect(yaml).toContain('createdAt: 2025-07-30\n')
    expect(yaml).toContain('  appleMusicPlaylist: "" \n')
    expect(yaml).toContain('locale: en\n')
    expect(yaml).toContain('  - EN keywords.3\n')
    expect(topLevelKeys(yaml)).toEqual(topLevelKeys(article.frontmatter.yaml))
  })

  it('quotes a translated title where YAML needs it and keeps the source quoting style', () => {
    const yaml = 'title: 标题 # comment\nsubtitle: "副标题"\ntags: [甲, 乙]\nlocale: cn\n'
    const out = localizeFrontmatter(
      yaml,
      'de',
      new Map([
        ['title', 'Film: Music'],
        ['subtitle', 'He said "hi"'],
        ['tags.0', '*Star'],
        ['tags.1', 'b, c'],
      ]),
      { translate: ['title', 'subtitle', 'tags'], set: { locale: '{locale}' } },
    )
    expect(out).toBe('title: "Film: Music" # comment\nsubtitle: "He said \\"hi\\""\ntags: ["*Star", "b, c"]\nlocale: de\n')
    const leadingStar = localizeFrontmatter('title: 标题\n', 'en', new Map([['title', '*Star Wars* scores']]))
    expect(leadingStar).toBe('title: "*Star Wars* scores"\nlocale: en\n')
  })

  it('replaces a block scalar without eating the next key', () => {
    const out = localizeFrontmatter('description: >-\n  很长的\n  描述\nlocale: cn\n', 'en', new Map([['description', 'A long description']]))
    expect(out).toBe('description: A long description\nlocale: en\n')
  })
})

describe('lint', () => {
  it.each([
    ['这是_斜体_的文字', true],
    ['这是__粗体__文字', true],
    ['snake_case 和 a_b 没问题', false],
    ['这是 _斜体_ 的文字', false],
    ['**粗体**正常', false],
  ])('flags emphasis that cannot parse next to Chinese: %s', (body, flagged) => {
    const article = parse(`---\nlocale: cn\n---\n\n## 节\n\n${body}\n`, 'x.md')
    const ids = lint(article, split(article)).findings.map((finding) => finding.ruleId)
    expect(ids.includes('lint/unparsed-emphasis')).toBe(flagged)
  })

  it('reports the example\'s two generator leftovers', () => {
    const article = parse(example, 'soundtrack.md')
    const result = lint(article, split(article))
    const leftovers = result.findings.filter((finding) => finding.ruleId === 'lint/generator-leftover')
    expect(leftovers.map((finding) => finding.actual)).toEqual(['【当前字数：1034】', '【词数：1053】'])
    expect(result.leftoverBlocks).toHaveLength(2)
    expect(leftovers[0]!.sourcePosition!.line).toBe(example.split('\n').indexOf('【当前字数：1034】') + 1)
  })

  it('reports inline leftovers, unpaired emphasis and empty sections', () => {
    const text = fixture('empty-and-leftovers.md')
    const article = parse(text, 'e.md')
    const result = lint(article, split(article))
    const ids = result.findings.map((finding) => `${finding.ruleId}@${finding.section}`)
    expect(ids).toEqual([
      'lint/empty-section@0',
      'lint/generator-leftover@1',
      'lint/generator-leftover@1',
      'lint/unparsed-emphasis@1',
      'lint/generator-leftover@1',
    ])
    // Only whole-paragraph leftovers are dropped; "正文一段。（字数：38）" keeps its text.
    expect(result.leftoverBlocks).toHaveLength(2)
  })
})

describe('pseudo-localization keeps addresses', () => {
  it('leaves reference labels and autolinks alone, so links still resolve', async () => {
    const { pseudoLocalize } = await import('../pipeline/translate/pseudo.ts')
    const markdown = '见[另一个][]和[文字][ref]，以及<https://例子.com/路径>。\n\n[另一个]: http://example.org\n[ref]: http://example.com'
    const out = pseudoLocalize(markdown)
    expect(out).toContain('[另一个][]')
    expect(out).toContain('<https://例子.com/路径>')
    expect(out).toMatch(/\[⟦\w+⟧\]\[ref\]/)
    expect(out).not.toMatch(/见/)
  })

  it('pseudo-translates alt text and titles, so its own draft passes the residue check', async () => {
    const { check } = await import('../pipeline/check/index.ts')
    const { translateArticle } = await import('../pipeline/run/translate.ts')
    const { createPseudoTranslator } = await import('../pipeline/translate/translator.ts')
    const { requireLocale } = await import('../pipeline/article/locales.ts')
    const source = parse('---\ntitle: 图\nlocale: cn\n---\n\n## 节\n\n看![海报图](a.png "电影标题")和[链接](https://x.org "链接标题")，还有[定义][d]。\n\n[d]: http://x "定义标题"\n', 'a.md')
    const result = await translateArticle(source, requireLocale('cn'), requireLocale('en'), { translator: createPseudoTranslator(undefined) }, new AbortController().signal)
    if (result.status !== 'translated') throw result.error
    const findings = check(source, parse(result.text, 'en.md'), { sourceLocale: 'cn', targetLocale: 'en' })
    expect(findings.filter((finding) => finding.severity === 'error')).toEqual([])
    expect(result.text).toContain('](a.png "')
  })

  it('drops a leftover that ends the article without leaving blank lines behind', async () => {
    const { translateArticle } = await import('../pipeline/run/translate.ts')
    const { createPseudoTranslator } = await import('../pipeline/translate/translator.ts')
    const { requireLocale } = await import('../pipeline/article/locales.ts')
    const article = parse('---\nlocale: cn\n---\n\n## 节\n\n正文。\n\n【词数：10】\n', 'a.md')
    const result = await translateArticle(article, requireLocale('cn'), requireLocale('en'), { translator: createPseudoTranslator(undefined) }, new AbortController().signal)
    if (result.status !== 'translated') throw result.error
    expect(result.text).toMatch(/⟧\n$/)
    expect(result.text).not.toMatch(/\n\n$/)
  })
})
