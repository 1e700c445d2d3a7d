/**
 * Order-aware rules over the aligned units of a section pair: paragraphs, list items
 * and table cells must come in the source's order (`sections/order`), table cells keep
 * their content (`sections/table-cell`), a bold or italic span that marks a glossary
 * name marks its locked form (`inline/marked-term`), and each aligned paragraph keeps
 * its sentences (`text/sentence-count`, `text/sentence-extra`).
 */
import { lockedForm } from '../glossary/model.ts'
import { findTerms, normalizeTerm } from '../glossary/match.ts'
import type { Comparison } from './comparison.ts'
import { featuresOf } from './features.ts'
import { blockOffset, type TextBlock } from './profile.ts'
import { truncate } from './strings.ts'
import { lengthUnits } from './units.ts'

// Two neighbours are swapped when pairing them crosswise is this much more alike than
// pairing them in place (similarities 0–1 each, so the sum of two is 0–2).
const SWAP_MARGIN = 0.35

/** Index pairs (k, k+1) of a sequence pairing that read better crosswise. */
function swaps(a: readonly TextBlock[], b: readonly TextBlock[], similarity: (x: TextBlock, y: TextBlock) => number): number[] {
  const found: number[] = []
  for (let k = 0; k + 1 < Math.min(a.length, b.length); k++) {
    const straight = similarity(a[k]!, b[k]!) + similarity(a[k + 1]!, b[k + 1]!)
    const cross = similarity(a[k]!, b[k + 1]!) + similarity(a[k + 1]!, b[k]!)
    if (cross > straight + SWAP_MARGIN) {
      found.push(k)
      k++
    }
  }
  return found
}

const label = (block: TextBlock) => truncate(block.prose.replace(/\s+/g, ' ').trim(), 30)

/** Reports units out of order, table cells emptied or reshaped, glossary names unmarked, and sentences lost or added. */
export function compareAnchors(comparison: Comparison): void {
  const { reporter, source, target, at, groups, similarity } = comparison
  const s = source.profile
  const tp = target.profile

  if (reporter.on('sections/order')) {
    const report = (what: string, a: TextBlock, b: TextBlock, first: TextBlock, second: TextBlock) =>
      reporter.add('sections/order', {
        params: { what, expected: `“${label(a)}”, “${label(b)}”`, actual: `“${label(second)}”, “${label(first)}”` },
        source: at(source, a.offset),
        target: at(target, first.offset),
        expected: [a.offset, b.offset],
        actual: [first.offset, second.offset],
      })
    // Paragraphs: neighbouring one-to-one groups.
    const list = groups()
    for (let k = 0; k + 1 < list.length; k++) {
      const one = list[k]!
      const two = list[k + 1]!
      if (one.kind !== '1-1' || two.kind !== '1-1') continue
      const a = [s.paragraphs[one.source[0]!]!, s.paragraphs[two.source[0]!]!]
      const b = [tp.paragraphs[one.target[0]!]!, tp.paragraphs[two.target[0]!]!]
      if (swaps(a, b, similarity).length > 0) {
        report('paragraphs', a[0]!, a[1]!, b[0]!, b[1]!)
        k++
      }
    }
    s.listItems.forEach((sourceList, index) => {
      const other = tp.listItems[index]
      if (!other || other.items.length !== sourceList.items.length) return
      for (const k of swaps(sourceList.items, other.items, similarity)) report('list items', sourceList.items[k]!, sourceList.items[k + 1]!, other.items[k]!, other.items[k + 1]!)
    })
    s.tableRows.forEach((table, index) => {
      const other = tp.tableRows[index]
      if (!other || other.rows.length !== table.rows.length) return
      // Rows (by their cells joined), then cells within each row.
      table.rows.forEach((row, r) => {
        const twin = other.rows[r]!
        if (twin.length !== row.length) return
        for (const k of swaps(row, twin, cellSimilarity)) report('table cells', row[k]!, row[k + 1]!, twin[k]!, twin[k + 1]!)
      })
    })
  }

  if (reporter.on('sections/table-cell')) {
    s.tableRows.forEach((table, index) => {
      const other = tp.tableRows[index]
      if (!other || other.rows.length !== table.rows.length) return
      // A column dropped from the whole table is `sections/table-shape`; a row short of a cell is reported here.
      const columns = (rows: TextBlock[][]) => Math.max(0, ...rows.map((row) => row.length))
      const sameShape = columns(table.rows) === columns(other.rows)
      table.rows.forEach((row, r) => {
        const twin = other.rows[r]!
        if (twin.length !== row.length) {
          if (!sameShape) return
          reporter.add('sections/table-cell', {
            context: 'shape',
            params: { table: index + 1, row: r + 1, column: 0, expected: row.length, actual: twin.length },
            source: at(source, row[0]?.offset ?? table.offset),
            target: at(target, twin[0]?.offset ?? other.offset),
            expected: row.length,
            actual: twin.length,
          })
          return
        }
        row.forEach((cell, c) => {
          const copy = twin[c]!
          if (cell.prose.trim() === '' || copy.prose.trim() !== '') return
          reporter.add('sections/table-cell', {
            context: 'empty',
            params: { table: index + 1, row: r + 1, column: c + 1, expected: label(cell) },
            source: at(source, cell.offset),
            target: at(target, copy.offset),
            expected: cell.prose,
            actual: '',
          })
        })
      })
    })
  }

  // A span that marks exactly a glossary name in the source must mark exactly its locked
  // form in the aligned target paragraph: bold moved onto other words, or a title changed
  // around the locked word (*Tarzan* → *Tarzan and Jane*), is wrong.
  const glossary = comparison.glossary
  if (glossary && reporter.on('inline/marked-term')) {
    for (const [x, y] of comparison.pairs()) {
      if (x === undefined || y === undefined) continue
      const a = s.paragraphs[x]!
      const b = tp.paragraphs[y]!
      // Letters and digits only: decoration around a span's text (`⟦…⟧` of the pseudo
      // provider, quotes) is not part of the name.
      const core = (text: string) => normalizeTerm(text.replace(/[^\p{L}\p{N}&'’.-]+/gu, ' ').trim())
      // The target's marks are read only for a source mark that names a glossary entry.
      let targetMarks: { kind: string; text: string }[] | undefined
      const used = new Set<number>()
      for (const mark of a.marks) {
        const [match] = findTerms(mark.text, glossary)
        const whole = match && normalizeTerm(mark.text.slice(match.start, match.end)) === normalizeTerm(mark.text)
        const form = whole ? lockedForm(match.entry, comparison.targetLocale.code) : undefined
        if (!form) continue
        const wanted = core(form)
        targetMarks ??= b.marks.map((other) => ({ kind: other.kind, text: core(other.text) }))
        const hit = targetMarks.findIndex((other, k) => !used.has(k) && other.kind === mark.kind && other.text === wanted)
        if (hit !== -1) {
          used.add(hit)
          continue
        }
        // A name the paragraph does not write at all is the glossary rules' finding.
        if (!featuresOf(b).normalized.includes(wanted)) continue
        const near = b.marks.find((other, k) => !used.has(k) && other.kind === mark.kind && normalizeTerm(other.text).includes(wanted))
        reporter.add('inline/marked-term', {
          params: { kind: mark.kind === 'strong' ? 'bold' : 'italic', expected: form, actual: near ? `“${near.text}”` : '—' },
          source: at(source, mark.offset),
          target: at(target, near?.offset ?? b.offset),
          expected: form,
          actual: near?.text ?? null,
        })
      }
    }
  }

  // Sentences: a faithful translation keeps them. Real pairs: en→zh keeps every one;
  // zh→en often splits a long Chinese sentence (one or two more). Fewer is an error. More
  // is a warning beyond the language pair's slack, or when the paragraph also grew.
  if (reporter.on('text/sentence-count') || reporter.on('text/sentence-extra')) {
    const counted = comparison
      .pairs()
      .filter((pair): pair is [number, number] => pair[0] !== undefined && pair[1] !== undefined)
      .map(([x, y]) => ({ a: s.paragraphs[x]!, b: tp.paragraphs[y]!, expected: comparison.sentences(s.paragraphs[x]!), actual: comparison.sentences(tp.paragraphs[y]!) }))
    // A sentence more where the paragraph also grew beyond this section's own typical
    // ratio is an added sentence; one more at the usual length is a split sentence.
    const ratios = counted.filter((item) => item.a.units > 0).map((item) => item.b.units / item.a.units).sort((x, y) => x - y)
    const typical = ratios[Math.floor(ratios.length / 2)] ?? comparison.ratio.median
    // A section whose translation keeps its sentences (four paragraphs in five) is held
    // closer: one more sentence with any growth is suspect there.
    const keeps = counted.length >= 3 && counted.filter((item) => item.expected === item.actual).length / counted.length >= 0.8
    for (const { a, b, expected, actual } of counted) {
      if (actual === expected) continue
      const grown = a.units > 0 && b.units / a.units > typical * (keeps ? 1.04 : 1.1)
      // Within the slack and at the usual length, one more sentence is a split, unless it
      // pairs with no source sentence at all (an invented sentence in a paragraph that
      // translated short before it was added).
      const unmatched = actual > expected && actual - expected <= comparison.ratio.sentenceSlack && !grown ? unmatchedSentence(a, b, typical) : undefined
      if (actual > expected && actual - expected <= comparison.ratio.sentenceSlack && !grown && unmatched === undefined) continue
      const rule = actual < expected ? 'text/sentence-count' : 'text/sentence-extra'
      if (!reporter.on(rule)) continue
      if (unmatched !== undefined) {
        reporter.add('text/sentence-extra', {
          context: 'unmatched',
          params: { expected, actual, sentence: truncate(unmatched, 60) },
          source: at(source, a.offset),
          target: at(target, b.prose.includes(unmatched) ? blockOffset(b, b.prose.indexOf(unmatched)) : b.offset),
          expected,
          actual,
        })
        continue
      }
      reporter.add(rule, {
        params: { expected, actual },
        source: at(source, a.offset),
        target: at(target, b.offset),
        expected,
        actual,
      })
    }
  }
}

/** Table cells are short: alike when they share numbers, Latin words or text exactly. */
function cellSimilarity(a: TextBlock, b: TextBlock): number {
  const norm = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase()
  if (norm(a.prose) === norm(b.prose)) return 1
  const keys = (block: TextBlock) => new Set([...block.numbers.filter((token) => !token.word).map((token) => token.keys[0]!), ...(block.prose.toLowerCase().match(/[a-z][a-z0-9.+#-]+/g) ?? []), ...block.codes])
  const x = keys(a)
  const y = keys(b)
  if (x.size === 0 && y.size === 0) return 0.5
  let common = 0
  for (const key of x) if (y.has(key)) common++
  return common / Math.max(x.size, y.size)
}

// Sentence alignment inside one paragraph pair (see `unmatchedSentence`): what a split, a
// merge and a target sentence standing for no source sentence cost, against the length
// misfit (absolute log ratio) of the pairs.
const SENTENCE_SPLIT_COST = 0.1
const SENTENCE_GAP_COST = 0.12
// A sentence this short (units) is a fragment (a caption, "See below."), not an invention.
const MIN_INVENTED_UNITS = 40

/**
 * The target sentence of an aligned paragraph pair that pairs with no source sentence,
 * when there is one: sentences are aligned by length (calibrated units, scaled by the
 * section's typical ratio) allowing a source sentence to become two or three (a split),
 * two to become one, and a target sentence to stand alone. A split sentence's parts add
 * up to their source's length; an invented sentence is length the source does not have.
 */
function unmatchedSentence(a: TextBlock, b: TextBlock, ratio: number): string | undefined {
  const sourceSentences = featuresOf(a).sentences
  const targetSentences = featuresOf(b).sentences
  const s = sourceSentences.map(lengthUnits)
  const t = targetSentences.map(lengthUnits)
  const n = s.length
  const m = t.length
  if (n === 0 || m <= n) return undefined
  const misfit = (source: number, target: number) => Math.log((target + 1) / ((source + 1) * ratio)) ** 2
  const width = m + 1
  const cost = new Float64Array((n + 1) * width).fill(Number.POSITIVE_INFINITY)
  const step = new Uint8Array((n + 1) * width)
  cost[0] = 0
  const sum = (values: readonly number[], from: number, count: number) => {
    let total = 0
    for (let k = from; k < from + count; k++) total += values[k]!
    return total
  }
  // Steps: 1 = 1-1, 2 = 1-2, 3 = 1-3, 4 = 2-1, 5 = 0-1 (a target sentence alone), 6 = 1-0.
  const moves: [number, number, number][] = [[1, 1, 1], [1, 2, 2], [1, 3, 3], [2, 1, 4], [0, 1, 5], [1, 0, 6]]
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) continue
      let best = Number.POSITIVE_INFINITY
      let how = 0
      for (const [di, dj, kind] of moves) {
        if (i < di || j < dj) continue
        const before = cost[(i - di) * width + j - dj]!
        if (before === Number.POSITIVE_INFINITY) continue
        const here =
          di === 0 || dj === 0 ? SENTENCE_GAP_COST : misfit(sum(s, i - di, di), sum(t, j - dj, dj)) + (di + dj > 2 ? SENTENCE_SPLIT_COST * (di + dj - 2) : 0)
        if (before + here < best) {
          best = before + here
          how = kind
        }
      }
      cost[i * width + j] = best
      step[i * width + j] = how
    }
  }
  let i = n
  let j = m
  let alone: string | undefined
  while (i > 0 || j > 0) {
    const how = step[i * width + j]!
    const [di, dj] = how === 1 ? [1, 1] : how === 2 ? [1, 2] : how === 3 ? [1, 3] : how === 4 ? [2, 1] : how === 5 ? [0, 1] : [1, 0]
    if (how === 5 && t[j - 1]! >= MIN_INVENTED_UNITS) alone = targetSentences[j - 1]
    i -= di
    j -= dj
  }
  return alone
}
