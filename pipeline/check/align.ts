/**
 * Alignment: pairing sections (in `check`) and paragraphs (in the section rules) by
 * what survives translation, so one dropped item is named instead of shifting every
 * later comparison.
 */
import type { NumberToken } from './numbers.ts'
import { featuresOf } from './features.ts'
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
  return tokens.filter((token) => !token.word).map((token) => token.keys[token.keys.length === 1 ? 0 : 1]!)
}

/** How alike two paragraphs are (0–1), by what a translation keeps: markup, numbers, code, URLs and length. */
export function blockSimilarity(median: number) {
  return (a: TextBlock, b: TextBlock): number =>
    (countSimilarity(a.strong, b.strong) +
      countSimilarity(a.emphasis, b.emphasis) +
      setSimilarity(numberKeys(a.numbers), numberKeys(b.numbers)) +
      setSimilarity(a.codes, b.codes) +
      setSimilarity(a.urls, b.urls) +
      2 * lengthSimilarity(a.units, b.units, median)) /
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
    2 * lengthSimilarity(a.units, b.units, median)
}

/** How a group of aligned blocks pairs up: one to one, a split, a merge, an omission, an addition. */
export type AlignmentKind = '1-1' | '1-2' | '2-1' | '1-0' | '0-1'

/** One group of {@link alignBlocks}: indexes into each side's blocks, and the blocks' offsets. */
export interface AlignedGroup {
  kind: AlignmentKind
  source: number[]
  target: number[]
  /** Fragment offsets of the groups' blocks (the first is where the group starts). */
  sourceOffsets: number[]
  targetOffsets: number[]
  /** How alike the two sides of the group are (0–1); 0 for an omission or addition. */
  similarity: number
}

/** What {@link alignBlocks} weighs besides the blocks themselves. */
export interface BlockAlignmentOptions {
  /** Median target/source length ratio (units) of the language pair. */
  median: number
  /** True when the two sides are written in different scripts (Han and Latin). */
  crossScript: boolean
  /** Anchors each block holds beyond its own words: glossary names as their locked forms. */
  sourceTerms?: (block: TextBlock) => readonly string[]
  targetTerms?: (block: TextBlock) => readonly string[]
}

// Each paired group earns this, so the alignment pairs as much as it can; a split or
// merge earns one bonus for three blocks and pays SPLIT_COST, so it is chosen only when
// the joined blocks match clearly better than one of them alone.
const PAIR_BONUS = 2
const SPLIT_COST = 0.15
// A block left without a partner costs this, so one pair plus one gap loses to a split
// whose joined blocks match as well.
const GAP_COST = 0.3
// A split or merge joins substantial blocks that keep their sentences: each joined block
// has at least this many units, and the sentence counts differ by one at most. A short
// paragraph dropped next to a long one is an omission, not a merge.
const MIN_JOINED_UNITS = 30
// With as many blocks on each side and every pair by position at least this alike, the
// alignment is the diagonal (no split and omission cancelling out).
const DIAGONAL_FLOOR = 0.5

/** Coverage of one block's Latin words by the other's: the smaller set is the names. */
function anchorSimilarity(x: TextBlock, y: TextBlock, crossScript: boolean): number | undefined {
  if (!crossScript) {
    const a = featuresOf(x).anchors
    const b = featuresOf(y).anchors
    if (a.length === 0 && b.length === 0) return undefined
    return setSimilarity(a, b)
  }
  // Across scripts one side (the Han one) has few Latin words and the other many: all words
  // are read of the shorter prose, and of the longer only as many as the answer needs. The
  // result is that of comparing the full lists (the smaller list, x's on a tie, against the
  // other's set).
  const [shorter, longer] = x.prose.length <= y.prose.length ? [x, y] : [y, x]
  const known = featuresOf(shorter).anchors
  const other = featuresOf(longer)
  // The shorter prose's list is the small one when the longer has at least as many words
  // (more, when the longer is x: x's list wins a tie); otherwise the longer was read to its
  // end, and its list is the small one.
  const smallIsShorter = other.hasAnchorCount(shorter === x ? known.length : known.length + 1)
  const [small, large] = smallIsShorter ? [known, other] : [other.anchors, featuresOf(shorter)]
  if (small.length === 0) return (smallIsShorter ? other.hasAnchorCount(1) : known.length > 0) ? 0.5 : undefined
  let found = 0
  for (const word of small) if (large.hasAnchor(word)) found++
  return found / small.length
}

/**
 * How alike two blocks are (0–1), by what a translation keeps: length (calibrated units),
 * sentence count, numbers, Latin names, glossary names, inline code, URLs and emphasis.
 * A measure both sides lack says nothing and is left out.
 */
export function textSimilarity(a: TextBlock, b: TextBlock, options: BlockAlignmentOptions, sentences: (block: TextBlock) => number): number {
  let total = 0
  let weight = 0
  const add = (value: number | undefined, w: number) => {
    if (value === undefined) return
    total += value * w
    weight += w
  }
  add(lengthSimilarity(a.units, b.units, options.median), 3)
  add(countSimilarity(sentences(a), sentences(b)), 1.5)
  const numbersA = numberKeys(a.numbers)
  const numbersB = numberKeys(b.numbers)
  add(numbersA.length + numbersB.length > 0 ? setSimilarity(numbersA, numbersB) : undefined, 2)
  add(anchorSimilarity(a, b, options.crossScript), 2)
  const termsA = options.sourceTerms?.(a) ?? []
  const termsB = options.targetTerms?.(b) ?? []
  add(termsA.length + termsB.length > 0 ? setSimilarity(termsA, termsB) : undefined, 3)
  add(a.codes.length + b.codes.length > 0 ? setSimilarity(a.codes, b.codes) : undefined, 1)
  add(a.urls.length + b.urls.length > 0 ? setSimilarity(a.urls, b.urls) : undefined, 1)
  add(a.strong + a.emphasis + b.strong + b.emphasis > 0 ? countSimilarity(a.strong + a.emphasis, b.strong + b.emphasis) : undefined, 1)
  return weight === 0 ? 0 : total / weight
}

/**
 * Aligns the blocks (paragraphs) of a section with those of its translation by content,
 * not position: a dynamic programme over both sequences whose steps are 1–1, 1–2 (a
 * split), 2–1 (a merge), 1–0 (an omission) and 0–1 (an addition), scored by
 * {@link textSimilarity}. A split, merge, omission or addition therefore shows up once,
 * as its own group at its place, and every block after it still pairs with its own
 * translation. Pure; `merge` joins two blocks into one for scoring a split or merge.
 */
export function alignBlocks(
  source: readonly TextBlock[],
  target: readonly TextBlock[],
  options: BlockAlignmentOptions,
  merge: (blocks: readonly TextBlock[]) => TextBlock,
  sentences: (block: TextBlock) => number,
): AlignedGroup[] {
  const n = source.length
  const m = target.length
  // The common case: as many blocks on each side, each like its partner by position.
  // The full programme would find the same diagonal; checking it first is n similarities
  // instead of about 3·n².
  if (n === m) {
    const diagonal = source.map((block, index) => textSimilarity(block, target[index]!, options, sentences))
    if (diagonal.every((value) => value >= DIAGONAL_FLOOR)) {
      return diagonal.map((value, index) => ({ kind: '1-1', source: [index], target: [index], sourceOffsets: [source[index]!.offset], targetOffsets: [target[index]!.offset], similarity: value }))
    }
  }
  const width = m + 1
  const score = new Float64Array((n + 1) * width).fill(-Infinity)
  const step = new Uint8Array((n + 1) * width)
  const similarity = new Float64Array((n + 1) * width)
  score[0] = 0
  const memo = new Map<number, number>()
  const sim = (i: number, di: number, j: number, dj: number) => {
    const key = ((i * 3 + di) * (m + 1) + j) * 3 + dj
    let value = memo.get(key)
    if (value === undefined) {
      const a = di === 1 ? source[i]! : merge(source.slice(i, i + di))
      const b = dj === 1 ? target[j]! : merge(target.slice(j, j + dj))
      value = textSimilarity(a, b, options, sentences)
      memo.set(key, value)
    }
    return value
  }
  const joinable = (one: TextBlock, parts: readonly TextBlock[]) =>
    parts.every((part) => part.units >= MIN_JOINED_UNITS) && Math.abs(sentences(one) - parts.reduce((sum, part) => sum + sentences(part), 0)) <= 1
  // Steps: 1 = 1-1, 2 = 1-0, 3 = 0-1, 4 = 1-2, 5 = 2-1.
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) continue
      let best = -Infinity
      let how = 0
      let value = 0
      const consider = (candidate: number, kind: number, s: number) => {
        if (candidate > best) {
          best = candidate
          how = kind
          value = s
        }
      }
      if (i > 0 && j > 0) {
        const s = sim(i - 1, 1, j - 1, 1)
        consider(score[(i - 1) * width + j - 1]! + PAIR_BONUS + s, 1, s)
      }
      if (i > 0) consider(score[(i - 1) * width + j]! - GAP_COST, 2, 0)
      if (j > 0) consider(score[i * width + j - 1]! - GAP_COST, 3, 0)
      if (i > 0 && j > 1 && joinable(source[i - 1]!, target.slice(j - 2, j))) {
        const s = sim(i - 1, 1, j - 2, 2)
        consider(score[(i - 1) * width + j - 2]! + PAIR_BONUS + s - SPLIT_COST, 4, s)
      }
      if (i > 1 && j > 0 && joinable(target[j - 1]!, source.slice(i - 2, i))) {
        const s = sim(i - 2, 2, j - 1, 1)
        consider(score[(i - 2) * width + j - 1]! + PAIR_BONUS + s - SPLIT_COST, 5, s)
      }
      score[i * width + j] = best
      step[i * width + j] = how
      similarity[i * width + j] = value
    }
  }
  const groups: AlignedGroup[] = []
  let i = n
  let j = m
  while (i > 0 || j > 0) {
    const how = step[i * width + j]!
    const value = similarity[i * width + j]!
    const [di, dj, kind]: [number, number, AlignmentKind] =
      how === 1 ? [1, 1, '1-1'] : how === 2 ? [1, 0, '1-0'] : how === 3 ? [0, 1, '0-1'] : how === 4 ? [1, 2, '1-2'] : [2, 1, '2-1']
    const sourceIndexes = Array.from({ length: di }, (_, k) => i - di + k)
    const targetIndexes = Array.from({ length: dj }, (_, k) => j - dj + k)
    groups.push({
      kind,
      source: sourceIndexes,
      target: targetIndexes,
      sourceOffsets: sourceIndexes.map((index) => source[index]!.offset),
      targetOffsets: targetIndexes.map((index) => target[index]!.offset),
      similarity: value,
    })
    i -= di
    j -= dj
  }
  return groups.reverse()
}
