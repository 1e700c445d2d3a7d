/**
 * Alignment: pairing sections (in `check`) and paragraphs (in the section rules) by
 * what survives translation, so one dropped item is named instead of shifting every
 * later comparison.
 */
import type { NumberToken } from './numbers.ts'
import type { Profile, TextBlock } from './profile.ts'
import { multisetMinus } from './sequences.ts'

/**
 * Pairs two sequences in order so that as many items as possible are paired and, among
 * those pairings, the total similarity is highest (Needleman–Wunsch with free gaps and
 * a bonus per pair). Returns index pairs; `undefined` marks an item without a partner.
 */
export function align<A, B>(a: readonly A[], b: readonly B[], similarity: (x: A, y: B) => number): [number | undefined, number | undefined][] {
  if (a.length === b.length) return a.map((_, index) => [index, index])
  const width = b.length + 1
  const score = new Float64Array((a.length + 1) * width)
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const diagonal = score[(i - 1) * width + j - 1]! + 1 + similarity(a[i - 1]!, b[j - 1]!)
      score[i * width + j] = Math.max(diagonal, score[(i - 1) * width + j]!, score[i * width + j - 1]!)
    }
  }
  const pairs: [number | undefined, number | undefined][] = []
  let i = a.length
  let j = b.length
  while (i > 0 || j > 0) {
    const here = score[i * width + j]!
    if (i > 0 && j > 0 && here === score[(i - 1) * width + j - 1]! + 1 + similarity(a[i - 1]!, b[j - 1]!)) {
      pairs.push([--i, --j])
    } else if (i > 0 && (j === 0 || here === score[(i - 1) * width + j]!)) {
      pairs.push([--i, undefined])
    } else {
      pairs.push([undefined, --j])
    }
  }
  return pairs.reverse()
}

function countSimilarity(a: number, b: number): number {
  const most = Math.max(a, b)
  return most === 0 ? 1 : 1 - Math.abs(a - b) / most
}

function setSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1
  const common = a.length - multisetMinus(a, b).length
  return common / (a.length + b.length - common)
}

function lengthSimilarity(source: number, target: number, median: number): number {
  return Math.exp(-2 * Math.abs(Math.log((target + 1) / ((source + 1) * median))))
}

function numberKeys(tokens: readonly NumberToken[]): string[] {
  return tokens.map((token) => token.keys[token.keys.length === 1 ? 0 : 1]!)
}

/** How alike two paragraphs are (0–1), by what a translation keeps: markup, numbers, code, URLs and length. */
export function blockSimilarity(median: number) {
  return (a: TextBlock, b: TextBlock): number =>
    (countSimilarity(a.strong, b.strong) +
      countSimilarity(a.emphasis, b.emphasis) +
      setSimilarity(numberKeys(a.numbers), numberKeys(b.numbers)) +
      setSimilarity(a.codes, b.codes) +
      setSimilarity(a.urls, b.urls) +
      2 * lengthSimilarity(a.chars, b.chars, median)) /
    7
}

/** How alike two sections are, by what a translation keeps; heading depth and length weigh most. */
export function profileSimilarity(median: number) {
  return (a: Profile, b: Profile): number =>
    ((a.headings[0]?.value ?? 0) === (b.headings[0]?.value ?? 0) ? 1 : 0) +
    countSimilarity(a.paragraphs.length, b.paragraphs.length) +
    countSimilarity(a.strong.length, b.strong.length) +
    countSimilarity(a.emphasis.length, b.emphasis.length) +
    setSimilarity(numberKeys(a.numbers), numberKeys(b.numbers)) +
    setSimilarity(
      a.links.map((link) => link.value),
      b.links.map((link) => link.value),
    ) +
    2 * lengthSimilarity(a.chars, b.chars, median)
}
