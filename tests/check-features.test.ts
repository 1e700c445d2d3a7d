/**
 * What the check computes once and shares, held to the definitions it replaces: the
 * article-wide paragraph texts read from the section profiles (`profiledParagraphTexts`)
 * against a walk of the tree (`paragraphTexts`), a block's features (`featuresOf`)
 * against computing them from its prose, and the glossary renderings one search gives
 * (`termRenderings`) against counting each form on its own.
 */
import { toString } from 'mdast-util-to-string'
import { describe, expect, it } from 'vitest'
import { fixtureMarkdownFiles, readRepoFile as read } from './helpers/fixture-files.ts'
import { parse } from '../pipeline/article/parse.ts'
import type { Article } from '../pipeline/article/types.ts'
import { checkedSections, paragraphTexts, profiledParagraphTexts } from '../pipeline/check/article.ts'
import { featuresOf } from '../pipeline/check/features.ts'
import { termUses } from '../pipeline/check/glossary.ts'
import { PLACEHOLDER, profile, type Profile } from '../pipeline/check/profile.ts'
import { definitionsIn } from '../pipeline/check/references.ts'
import { sentences } from '../pipeline/check/sentences.ts'
import { countForm, findTerms, normalizeTerm, termRenderings, verifyTerms } from '../pipeline/glossary/match.ts'
import { lockedForm } from '../pipeline/glossary/model.ts'
import { parseGlossary } from '../pipeline/glossary/load.ts'


// Every kind of paragraph content the profile walk treats apart from plain text, and
// every container a paragraph can sit in.
const MIXED = `---
locale: en
---

# Title

Plain text with *emphasis*, **bold** and a [link](https://example.com/a).

Inline \`code\`, <b>html</b>, a line<br />break, a hard  
break, an ![alt text](/img.png) image, an <https://example.com/auto> autolink and a footnote.[^1]

> A quoted paragraph.
>
> > A nested one with \`code\`.

- A list item paragraph.

  Its second paragraph.

| a | b |
| - | - |
| cell | 1 |

An unresolved [reference][nowhere] and a resolved [one][ref], with ![an image][img].

[^1]: The footnote's own paragraph.

[ref]: https://example.com/ref
[img]: /img2.png

A text that holds a literal \ufffc placeholder character.
`

const files = fixtureMarkdownFiles()
const articles: [string, Article][] = [['mixed content', parse(MIXED, 'mixed.md')], ...files.map((file): [string, Article] => [file, parse(read(file), file, { lenient: true })])]

/** Each section's profile as `check` walks a target's (leftovers kept, the article's definitions). */
function targetProfiles(article: Article): { sections: ReturnType<typeof checkedSections>['sections']; profiles: Profile[] } {
  const { sections, blocks } = checkedSections(article)
  const definitions = definitionsIn(article.tree.children)
  return { sections, profiles: sections.map((section, index) => profile(blocks[index]!, section.start, false, definitions)) }
}

describe('profiledParagraphTexts', () => {
  it.each(articles)('reads %s as the tree walk does, sentences included', (_name, article) => {
    const { sections, profiles } = targetProfiles(article)
    const fromProfiles = profiledParagraphTexts(sections, (index) => profiles[index]!)
    expect(fromProfiles.map(({ offset, text }) => ({ offset, text }))).toEqual(paragraphTexts(article))
    for (const paragraph of fromProfiles) if (paragraph.sentences) expect(paragraph.sentences).toEqual(sentences(paragraph.text))
  })

  it('reads the prose of plain paragraphs only, and walks the others', () => {
    const { sections, profiles } = targetProfiles(articles[0]![1])
    const blocks = profiles.flatMap((item) => item.paragraphs)
    const plain = blocks.filter((block) => block.asWritten).map((block) => block.prose)
    expect(plain).toContain('Plain text with emphasis, bold and a link.')
    expect(plain).toContain('A quoted paragraph.')
    expect(blocks.filter((block) => !block.asWritten).length).toBeGreaterThanOrEqual(3)
    for (const block of blocks) if (block.asWritten) expect(block.prose).toBe(toString(block.node!))
    // Quotes count, lists and footnotes do not.
    const texts = profiledParagraphTexts(sections, (index) => profiles[index]!).map((paragraph) => paragraph.text)
    expect(texts).toContain('A nested one with code.')
    expect(texts).not.toContain('A list item paragraph.')
    expect(texts).not.toContain("The footnote's own paragraph.")
  })
})

describe('profile blocks', () => {
  // One object shape for every block, merged or read from a node: the rules read blocks in
  // their hottest loops, and blocks of several shapes made each read a slow lookup.
  it('all have the same fields in the same order', () => {
    const shapes = new Set<string>()
    for (const [, article] of articles) {
      for (const item of targetProfiles(article).profiles) {
        for (const block of [...item.blocks, ...item.listItems.flatMap((list) => list.items)]) shapes.add(Object.keys(block).join(','))
      }
    }
    expect([...shapes]).toHaveLength(1)
  })
})

describe('featuresOf', () => {
  it.each(articles)('gives the sentences, anchors, CJK flag and normalized prose of every block of %s', (_name, article) => {
    for (const item of targetProfiles(article).profiles) {
      for (const block of item.blocks) {
        const features = featuresOf(block)
        expect(features.sentences).toEqual(sentences(block.prose.replaceAll(PLACEHOLDER, 'code')))
        expect(features.anchors).toEqual([...new Set((block.prose.match(/[A-Za-z][A-Za-z0-9]*(?:[.+#-][A-Za-z0-9]+)*/g) ?? []).filter((word) => word.length >= 2).map((word) => word.toLowerCase()))])
        expect([...features.anchorSet]).toEqual(features.anchors)
        expect(features.mayHoldCjk).toBe(/[\u2e80-\uffff]/.test(block.prose))
        expect(features.normalized).toBe(normalizeTerm(block.prose))
        expect(featuresOf(block)).toBe(features)
      }
    }
  })
})

/** A block's anchor words by their definition: the pattern's matches of two or more characters, lower case, once each. */
const anchorWords = (prose: string) => [...new Set((prose.match(/[A-Za-z][A-Za-z0-9]*(?:[.+#-][A-Za-z0-9]+)*/g) ?? []).filter((word) => word.length >= 2).map((word) => word.toLowerCase()))]

describe('featuresOf: anchor questions answered before the whole prose is read', () => {
  // Words of one block asked of every other, and look-alikes that are no word of a block:
  // inside a longer word, after a digit, across a joiner, a word of one letter.
  const EDGES = `Plain words: soundtracks, x-ray, 3dmark, c++, node.js, a.b.c, e.g., -flag, co-op, AI, İstanbul, İx, re-recording, 1920s, v2, OK.`
  const LOOKALIKES = ['soundtrack', 'ray', 'dmark', 'mark', 'c', 'node', 'js', 'b.c', 'flag', 'op', 'stanbul', 'i', 'recording', 'x', 'v', 'ok', 'ok.', 'e.g']
  const edges = parse(`---\nlocale: en\n---\n\n${EDGES}\n`, 'edges.md')
  const cases: [string, Article][] = [['edge words', edges], ...articles]

  it.each(cases)('answers hasAnchor and hasAnchorCount of every block of %s as its full word list does', (_name, article) => {
    const blocks = () => targetProfiles(article).profiles.flatMap((item) => item.blocks)
    // Fresh blocks for each kind of question: the answers must not depend on what was asked before.
    const all = blocks()
    all.forEach((block, index) => {
      const words = anchorWords(block.prose)
      // Its own words, its neighbours' (mostly not its own) and the look-alikes.
      const questions = new Set([...LOOKALIKES, ...words, ...anchorWords(all[index - 1]?.prose ?? ''), ...anchorWords(all[index + 1]?.prose ?? '')])
      for (const word of questions) expect(featuresOf(block).hasAnchor(word), `${word} in ${block.prose.slice(0, 60)}`).toBe(words.includes(word))
      expect(featuresOf(block).anchors).toEqual(words)
    })
    for (const block of blocks()) {
      const words = anchorWords(block.prose)
      for (let count = 0; count <= words.length + 1; count++) expect(featuresOf(block).hasAnchorCount(count)).toBe(words.length >= count)
      expect(featuresOf(block).anchors).toEqual(words)
    }
  })

  it('finds the edge words as the pattern does', () => {
    const block = targetProfiles(edges).profiles.flatMap((item) => item.blocks)[0]!
    for (const word of ['x-ray', '3dmark'.slice(1), 'c', 'node.js', 'a.b.c', 'e.g', 'flag', 'co-op', 'ai', 'stanbul', 're-recording', 'v2', 'ok']) {
      expect(featuresOf(block).hasAnchor(word), word).toBe(anchorWords(EDGES).includes(word))
    }
    expect(featuresOf(block).hasAnchor('soundtrack')).toBe(false)
    expect(featuresOf(block).hasAnchor('x-ray')).toBe(true)
    expect(featuresOf(block).hasAnchor('ray')).toBe(false)
  })
})

describe('termRenderings', () => {
  const glossary = parseGlossary(read('glossary/music.yaml'), 'glossary/music.yaml')
  const source = parse(read('examples/cn/soundtrack.md'), 'cn.md')
  const target = parse(read('examples/en/soundtrack.md'), 'en.md')
  const pairs = checkedSections(source).sections.map((section, index) => [section.source, checkedSections(target).sections[index]!.source] as const)
  // A wrong form written into each section, so the wrong-form counts are not all zero.
  const broken = pairs.map(([from, to]) => {
    const entry = findTerms(from, glossary).map((match) => match.entry).find((candidate) => candidate.wrong.en?.[0] && to.includes(lockedForm(candidate, 'en')!))
    return [from, entry ? to.replace(lockedForm(entry, 'en')!, entry.wrong.en![0]!) : to] as const
  })

  it.each([...pairs, ...broken].map((pair, index) => [index, ...pair] as const))('counts each wrong form of pair %i as countForm does', (_index, from, to) => {
    const renderings = termRenderings(from, to, glossary, 'en')
    const firsts = new Map<unknown, number>()
    for (const match of findTerms(from, glossary)) if (!firsts.has(match.entry) && lockedForm(match.entry, 'en') !== undefined) firsts.set(match.entry, match.start)
    expect(renderings.entries.map((rendering) => [rendering.entry, rendering.sourceStart])).toEqual([...firsts])
    for (const rendering of renderings.entries) {
      for (const { form, spans } of rendering.wrongSpans) expect(spans.length).toBe(countForm(to, form))
      expect(rendering.sourceCount).toBe(findTerms(from, glossary).filter((match) => match.entry === rendering.entry).length)
    }
    // The check's callers pass the renderings along: the same answers as computing them again.
    expect(verifyTerms(from, to, glossary, 'en', renderings)).toEqual(verifyTerms(from, to, glossary, 'en'))
    expect(termUses(from, to, glossary, 'en', renderings)).toEqual(termUses(from, to, glossary, 'en'))
  })

  it('finds the wrong forms written in', () => {
    const wrong = broken.flatMap(([from, to]) => verifyTerms(from, to, glossary, 'en')).filter((problem) => problem.kind === 'wrong-form')
    expect(wrong.length).toBeGreaterThanOrEqual(5)
  })
})
