/**
 * Mutation sweep: break the reference translation in many small ways, one variant per
 * test, and require the checker to name each break with the right rule (and section).
 */
import { readFileSync } from 'node:fs'
import type { Nodes, RootContent } from 'mdast'
import { describe, expect, it } from 'vitest'
import { check, extractNumbers, type CheckOptions, type RuleId } from '../pipeline/check/index.ts'
import { lockedForm } from '../pipeline/glossary/model.ts'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { parse } from '../pipeline/article/parse.ts'
import { sectionBlocks, split } from '../pipeline/article/split.ts'
import { entriesIn } from '../pipeline/glossary/match.ts'
import type { Article, Finding, Section } from '../pipeline/article/types.ts'
import { formatMessage } from '../pipeline/shared/i18n.ts'

const SOURCE_FILE = 'examples/cn/soundtrack.md'
const TARGET_FILE = 'examples/en/soundtrack.md'
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const sourceText = read(SOURCE_FILE)
const targetText = read(TARGET_FILE)
const glossary = parseGlossary(read('glossary/music.yaml'), 'glossary/music.yaml')
const source = parse(sourceText, SOURCE_FILE)
const target = parse(targetText, TARGET_FILE)
const sourceSections = split(source)
const targetSections = split(target)

interface Variant {
  name: string
  /** Any of these rules must report it. */
  rules: RuleId[]
  /** Source section index the finding must carry (article-level findings: none). */
  section?: number
  source?: string
  target: string
  options?: CheckOptions
  /** Rules that must stay silent (no cascade). */
  silent?: RuleId[]
}

function splice(text: string, start: number, end: number, insert = ''): string {
  return text.slice(0, start) + insert + text.slice(end)
}

function swap(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`variant does not contain ${JSON.stringify(from)}`)
  return text.replace(from, to)
}

function bodyStart(article: Article, node: { position?: { start: { offset?: number } } | undefined }): number {
  return article.bodyStart + node.position!.start.offset!
}

function bodyEnd(article: Article, node: { position?: { end: { offset?: number } } | undefined }): number {
  return article.bodyStart + node.position!.end.offset!
}

/** The first node of a type inside some blocks, depth first. */
function firstOfType(blocks: readonly RootContent[], type: string): Nodes | undefined {
  const stack: Nodes[] = [...blocks].reverse()
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.type === type) return node
    if ('children' in node) stack.push(...[...(node.children as Nodes[])].reverse())
  }
  return undefined
}

function paragraphs(article: Article, section: Section) {
  return sectionBlocks(article, section).filter((block) => block.type === 'paragraph')
}

/** Where the top-level block after `node` starts (or the end of the file). */
function nextBlockStart(article: Article, node: RootContent): number {
  const children = article.tree.children
  const next = children[children.indexOf(node) + 1]
  return next ? bodyStart(article, next) : article.text.length
}

/** The pair with some Markdown added at the end of a section's first paragraph, and (definitions) at the end of both files. */
function inserted(index: number, sourceInsert: string, targetInsert: string, appended = '') {
  const sourceParagraph = paragraphs(source, sourceSections[index]!)[0]!
  const targetParagraph = paragraphs(target, targetSections[index]!)[0]!
  return {
    source: splice(sourceText, bodyEnd(source, sourceParagraph), bodyEnd(source, sourceParagraph), sourceInsert) + appended,
    target: splice(targetText, bodyEnd(target, targetParagraph), bodyEnd(target, targetParagraph), targetInsert) + appended,
  }
}

function linkVariant(index: number) {
  const url = `https://example.com/soundtrack/section-${index}`
  return { url, ...inserted(index, ` [来源](${url})`, ` [source](${url})`) }
}

/** A reference whose definition sits at the end of the article, in another section but the last. */
function referenceVariant(index: number) {
  return inserted(index, ` 见[来源][ref-${index}]`, ` [source][ref-${index}]`, `\n[ref-${index}]: https://example.com/soundtrack/reference-${index}\n`)
}

const imageVariant = (index: number) => inserted(index, ' ![海报](/img/poster.png)', ' ![Poster](/img/poster.png)')

function sectionVariants(index: number): Variant[] {
  const variants: Variant[] = []
  const section = targetSections[index]!
  const sourceSection = sourceSections[index]!
  const blocks = sectionBlocks(target, section)
  const list = paragraphs(target, section)
  const label = `§${index}`

  const last = list[list.length - 1]!
  variants.push({
    name: `${label} drop a paragraph`,
    rules: ['sections/paragraph-count'],
    section: index,
    target: splice(targetText, bodyStart(target, last), nextBlockStart(target, last)),
  })

  const strong = firstOfType(blocks, 'strong')
  if (strong) {
    const start = bodyStart(target, strong)
    const end = bodyEnd(target, strong)
    expect(targetText.slice(start, start + 2) + targetText.slice(end - 2, end)).toBe('****')
    variants.push({
      name: `${label} delete a pair of **`,
      rules: ['inline/strong-count'],
      section: index,
      target: splice(splice(targetText, end - 2, end), start, start + 2),
    })
    variants.push({
      name: `${label} delete one **`,
      rules: ['inline/broken-emphasis'],
      section: index,
      target: splice(targetText, end - 2, end),
    })
  }

  const link = linkVariant(index)
  variants.push({
    name: `${label} change one character of a link URL`,
    rules: ['sections/link-urls'],
    section: index,
    source: link.source,
    target: link.target.replace(link.url, link.url.replace('section', 'sectiom')),
  })

  const reference = referenceVariant(index)
  variants.push({
    name: `${label} translate the label of a reference`,
    rules: ['sections/link-urls'],
    section: index,
    source: reference.source,
    target: swap(reference.target, `[source][ref-${index}]`, `[source][source-${index}]`),
    silent: ['text/han-residue'],
  })

  const image = imageVariant(index)
  variants.push({
    name: `${label} leave the alt text of an image in Chinese`,
    rules: ['text/han-residue'],
    section: index,
    source: image.source,
    target: swap(image.target, '![Poster]', '![海报]'),
    silent: ['sections/image-urls'],
  })

  const first = list[0]!
  variants.push({
    name: `${label} put a Chinese sentence back`,
    rules: ['text/han-residue'],
    section: index,
    target: splice(targetText, bodyEnd(target, first), bodyEnd(target, first), ' 这句话没有翻译。'),
  })

  variants.push({
    name: `${label} drop the section`,
    rules: ['sections/count'],
    section: index,
    target: splice(targetText, target.bodyStart + section.start, index + 1 < targetSections.length ? target.bodyStart + targetSections[index + 1]!.start : targetText.length),
    silent: ['sections/paragraph-count', 'sections/heading-depth'],
  })

  // A year the translation has no more often than the source (a spare "1930s" written
  // for the source's 上世纪三十年代 elsewhere would rightly cover for the changed one).
  const sourceKeys = extractNumbers(sourceSection.source).flatMap((token) => token.keys)
  const years = [...section.source.matchAll(/(?<!\d)(1[89]\d\d|20\d\d)(?!\d)/g)]
  const count = (list: readonly string[], value: string) => list.filter((item) => item === value).length
  const year = years.find((match) => count(years.map((other) => other[1]!), match[1]!) <= count(sourceKeys, match[1]!))
  if (year) {
    let changed = Number(year[1]) + 1
    while (sourceKeys.includes(String(changed))) changed++
    const at = target.bodyStart + section.start + year.index
    variants.push({
      name: `${label} change the year ${year[1]} to ${changed}`,
      rules: ['text/numbers'],
      section: index,
      target: splice(targetText, at, at + 4, String(changed)),
    })
  }
  return variants
}

function glossaryVariants(): Variant[] {
  const variants: Variant[] = []
  for (const entry of entriesIn(source.body, glossary)) {
    const locked = lockedForm(entry, 'en')
    const wrong = entry.wrong.en?.[0]
    if (!locked || !wrong || !targetText.includes(locked)) continue
    variants.push({
      name: `glossary: ${locked} → ${wrong}`,
      rules: ['glossary/wrong-form', 'glossary/locked-form-missing'],
      target: targetText.replaceAll(locked, wrong),
    })
  }
  return variants
}

const variants: Variant[] = [
  ...targetSections.flatMap((_, index) => sectionVariants(index)),
  ...glossaryVariants(),
  {
    name: 'frontmatter: locale en → de (en asked for)',
    rules: ['frontmatter/locale'],
    target: targetText.replace('\nlocale: en\n', '\nlocale: de\n'),
    options: { targetLocale: 'en' },
  },
  {
    name: "frontmatter: locale en → cn (the source's)",
    rules: ['frontmatter/locale'],
    target: targetText.replace('\nlocale: en\n', '\nlocale: cn\n'),
  },
  {
    name: 'frontmatter: createdAt changed',
    rules: ['frontmatter/kept-changed'],
    target: targetText.replace('createdAt: 2025-07-30', 'createdAt: 2025-08-01'),
  },
]

// Most variants share the source: parse each distinct text once.
const parsed = new Map<string, Article>()
function parseOnce(text: string, file: string): Article {
  let article = parsed.get(text)
  if (!article) {
    article = parse(text, file)
    parsed.set(text, article)
  }
  return article
}

const describeFindings = (findings: readonly Finding[]) =>
  findings.map((finding) => `${finding.severity} ${finding.ruleId} §${finding.section ?? '-'} ${formatMessage(finding)}`).join('\n') || '(no findings)'

describe('mutation sweep over the reference translation', () => {
  it('generates variants for every section', () => {
    expect(targetSections).toHaveLength(sourceSections.length)
    for (let index = 0; index < targetSections.length; index++) {
      expect(variants.filter((variant) => variant.name.startsWith(`§${index} `)).length).toBeGreaterThanOrEqual(5)
    }
    expect(glossaryVariants().length).toBeGreaterThanOrEqual(5)
  })

  const insertions = targetSections.flatMap((_, index) => [
    { index, what: 'link', ...linkVariant(index) },
    { index, what: 'reference', ...referenceVariant(index) },
    { index, what: 'image', ...imageVariant(index) },
  ])
  it.each(insertions)('§$index with an inserted $what (unchanged) checks clean', ({ source: sourceVariant, target: targetVariant }) => {
    const findings = check(parseOnce(sourceVariant, SOURCE_FILE), parseOnce(targetVariant, TARGET_FILE), { glossary })
    expect(findings, describeFindings(findings)).toEqual([])
  })

  it.each(variants)('$name', ({ rules, section, source: sourceVariant, target: targetVariant, options, silent = [] }) => {
    expect(targetVariant).not.toBe(targetText)
    const findings = check(parseOnce(sourceVariant ?? sourceText, SOURCE_FILE), parseOnce(targetVariant, TARGET_FILE), { glossary, ...options })
    const hits = findings.filter((finding) => rules.includes(finding.ruleId as RuleId) && (section === undefined || finding.section === section))
    expect(hits.length, describeFindings(findings)).toBeGreaterThan(0)
    expect(findings.filter((finding) => silent.includes(finding.ruleId as RuleId)), describeFindings(findings)).toEqual([])
  })
})
