/**
 * The check's fast paths against the slow definitions they replace: its own section cut
 * (`checkedSections`) against `split`, and the banded bounded edit distance of the near-miss
 * search (`withinEdits`) against `editDistance`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkedSections } from '../pipeline/check/article.ts'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'
import { withinEdits } from '../pipeline/glossary/match.ts'
import { editDistance } from '../pipeline/shared/edit-distance.ts'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const realPairs = new URL('./fixtures/real-pairs/', import.meta.url)

describe('checkedSections', () => {
  const files = [
    'examples/cn/soundtrack.md',
    'examples/en/soundtrack.md',
    ...readdirSync(new URL('./fixtures/article/', import.meta.url)).map((name) => `tests/fixtures/article/${name}`),
    ...readdirSync(realPairs, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => readdirSync(new URL(`${entry.name}/`, realPairs)).map((name) => `tests/fixtures/real-pairs/${entry.name}/${name}`)),
  ]
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
