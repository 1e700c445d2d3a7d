/**
 * The check's fast paths against the slow definitions they replace: its own section cut
 * (`checkedSections`) against `split`, the banded bounded edit distance of the near-miss
 * search (`withinEdits`) against `editDistance`, the marked-name search of
 * `glossary/not-locked` against the full name search, the frontmatter document kept by
 * `parse` against a fresh parse, code points by character codes against the string
 * iterator, and duplicate sentences found without normalizing every sentence.
 */
import { describe, expect, it } from 'vitest'
import { fixtureMarkdownFiles, readRepoFile as read } from './helpers/fixture-files.ts'
import { checkedSections } from '../pipeline/check/article.ts'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'
import { parseDocument } from 'yaml'
import { check } from '../pipeline/check/index.ts'
import { codePoints } from '../pipeline/check/strings.ts'
import { validatedFrontmatterDocument } from '../pipeline/article/parse.ts'
import { withinEdits } from '../pipeline/glossary/match.ts'
import { MARKED_SIGNALS, markedNameOccurrences, nameOccurrences } from '../pipeline/glossary/names.ts'
import { editDistance } from '../pipeline/shared/edit-distance.ts'


describe('checkedSections', () => {
  const files = fixtureMarkdownFiles()
  it.each(files)('cuts %s as split does, with the same blocks per section', (file) => {
    const article = parse(read(file), file, { lenient: true })
    const { sections, blocks } = checkedSections(article)
    expect(sections).toEqual(split(article).map(({ chunks: _chunks, hash: _hash, ...section }) => section))
    expect(blocks.flat()).toEqual(article.tree.children)
    blocks.forEach((group, index) => {
      for (const node of group) expect(node.position!.start.offset!).toBeGreaterThanOrEqual(sections[index]!.start)
    })
  })
})

describe('withinEdits', () => {
  // A fixed pseudo-random sequence: the same strings on every run.
  let seed = 12345
  const next = (below: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % below
  }
  const alphabet = 'abcAB .-é'
  const word = (length: number) => Array.from({ length }, () => alphabet[next(alphabet.length)]).join('')
  const edited = (text: string) => {
    const chars = [...text]
    const at = next(Math.max(1, chars.length))
    const kind = next(4)
    if (kind === 0) chars.splice(at, 1)
    else if (kind === 1) chars.splice(at, 0, alphabet[next(alphabet.length)]!)
    else if (kind === 2) chars[at] = alphabet[next(alphabet.length)]!
    else if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!]
    return chars.join('')
  }
  it('agrees with editDistance on every threshold, swaps of neighbours included', () => {
    let disagreements = 0
    let near = 0
    for (let round = 0; round < 20000; round++) {
      const a = word(next(12))
      let b = a
      const edits = next(4)
      for (let k = 0; k < edits; k++) b = edited(b)
      if (next(4) === 0) b = word(next(12))
      const max = next(4)
      const expected = editDistance(a, b, max) <= max
      if (expected) near++
      if (withinEdits(a, b, max) !== expected) disagreements++
    }
    expect(disagreements).toBe(0)
    // Both answers occur often: the comparison is not one-sided.
    expect(near).toBeGreaterThan(2000)
    expect(near).toBeLessThan(18000)
  })
  it('counts the examples of the near-miss rule', () => {
    expect(withinEdits('Vangelys', 'Vangelis', 1)).toBe(true)
    expect(withinEdits('Ennio Moricone', 'Ennio Morricone', 2)).toBe(true)
    expect(withinEdits('Vnagelis', 'Vangelis', 1)).toBe(true)
    expect(withinEdits('Vangelis', 'Vangel', 1)).toBe(false)
  })
})

describe('markedNameOccurrences', () => {
  const files = ['examples/cn/soundtrack.md', 'tests/fixtures/short/cn/soundtrack.md', 'tests/fixtures/short/cn/tree.md']
  it.each(files)('finds in %s exactly the marked occurrences of the full name search, in order', (file) => {
    const article = parse(read(file), file)
    const marked = markedNameOccurrences(article.tree, article.body)
    const all = nameOccurrences(article.tree, article.body).filter((occurrence) => occurrence.signals.some((signal) => MARKED_SIGNALS.has(signal)))
    expect(marked.length).toBeGreaterThan(5)
    expect(marked).toEqual(all)
  })
})

describe('validatedFrontmatterDocument', () => {
  const files = ['examples/cn/soundtrack.md', 'examples/en/soundtrack.md', 'tests/fixtures/short/cn/soundtrack.md']
  it.each(files)('is the document parseDocument gives for %s (values and source ranges)', (file) => {
    const article = parse(read(file), file)
    const kept = validatedFrontmatterDocument(article.frontmatter)
    const fresh = parseDocument(article.frontmatter.yaml)
    expect(kept).toBeDefined()
    expect(kept!.toJS()).toEqual(fresh.toJS())
    expect(kept!.contents?.range).toEqual(fresh.contents?.range)
    expect(kept!.errors).toEqual([])
  })
  it('is not given for YAML changed after parsing, nor for a block parse never saw', () => {
    const article = parse(read('examples/en/soundtrack.md'), 'en.md')
    expect(validatedFrontmatterDocument({ ...article.frontmatter })).toBeUndefined()
    const changed = { ...article, frontmatter: article.frontmatter }
    changed.frontmatter.yaml = changed.frontmatter.yaml.replace('locale: en', 'locale: de')
    expect(validatedFrontmatterDocument(changed.frontmatter)).toBeUndefined()
  })
})

describe('codePoints', () => {
  it('counts what the string iterator counts: pairs once, lone surrogates once', () => {
    for (const text of ['', 'abc', '汉字', '𠀀x', '\ud800', '\udc00\ud800', 'a\ud83d\ude00b', '\ud83d\ud83d\ude00']) expect(codePoints(text)).toBe([...text].length)
  })
})

describe('duplicate sentences', () => {
  const pair = (second: string) => {
    const source = parse('---\nlocale: cn\n---\n\n乐团那天晚上在维也纳又演奏了一遍主题，观众起立鼓掌。\n\n第二段写的是另一件事情，和第一段完全不同。\n', 'cn.md')
    const target = parse(`---\nlocale: en\n---\n\nThe orchestra played the theme again that night in Vienna.\n\n${second}\n`, 'en.md')
    return check(source, target).filter((finding) => finding.ruleId === 'text/duplicate-sentence')
  }
  it('are found when capitals and white space differ (compared normalized)', () => {
    expect(pair('the ORCHESTRA  played the\ntheme again that night in Vienna.')).toHaveLength(1)
  })
  it('are not found for a sentence of the same length that differs', () => {
    expect(pair('The orchestra played the theme again that night in Vienne.')).toHaveLength(0)
  })
})
