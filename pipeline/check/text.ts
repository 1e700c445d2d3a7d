/**
 * Text rules of a section pair (`text/*`): what a model tends to get wrong in the words
 * themselves — source script left behind, paragraphs left untranslated, numbers
 * dropped, a section cut short, doubled words and unpaired brackets.
 */
import { isCjk } from '../article/locales.ts'
import type { Comparison } from './comparison.ts'
import { featuresOf } from './features.ts'
import { looksUntranslated } from './language.ts'
import { missingNumbers, type NumberToken } from './numbers.ts'
import { blockOffset, PLACEHOLDER, type TextBlock } from './profile.ts'
import { keptLabels } from './references.ts'
import { mayHoldCjk, normalizeSpace, truncate } from './strings.ts'

// A run of Chinese (or Japanese kana) with the punctuation between its characters.
const HAN_RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}](?:[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc\u3000-\u303f\uff01-\uff5e\u2014\u2026\u201c\u201d]*[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])?/gu

// Full-width forms count as their ASCII twins: （ ≡ (.
const BRACKET_FOLD: Record<string, string> = { '（': '(', '）': ')', '［': '[', '］': ']', '｛': '{', '｝': '}', '＂': '"' }
const BRACKET_PAIRS: [string, string][] = [
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
  ['《', '》'],
  ['「', '」'],
  ['『', '』'],
  ['【', '】'],
  ['«', '»'],
]
const CLOSER = new Map(BRACKET_PAIRS.map(([open, close]) => [close, open]))
const OPENER = new Set(BRACKET_PAIRS.map(([open]) => open))
// Every character the count looks at: one regular-expression scan skips the prose between them.
const BRACKET_CHARS = new RegExp(
  `[${[...Object.keys(BRACKET_FOLD), ...BRACKET_PAIRS.flat(), '"', '“', '”', '„', '‘', '’'].map((char) => char.replace(/[\]\\^-]/g, '\\$&')).join('')}]`,
  'gu',
)

/**
 * Bracket kinds left open or closed without opening in a text. Double quotes of every
 * style (" “ ” „) must come in an even number (German opens with „ and closes with “).
 * ’ is also the apostrophe, so only an unclosed ‘ counts.
 */
export function unpairedBrackets(text: string): string[] {
  const counts = new Map<string, number>()
  const bump = (key: string, by: number) => counts.set(key, (counts.get(key) ?? 0) + by)
  const unpaired = new Set<string>()
  let doubleQuotes = 0
  let singleOpen = 0
  let singleClose = 0
  for (const [raw] of text.matchAll(BRACKET_CHARS)) {
    const char = BRACKET_FOLD[raw] ?? raw
    if (OPENER.has(char)) {
      bump(char, 1)
    } else if (CLOSER.has(char)) {
      const open = CLOSER.get(char)!
      if ((counts.get(open) ?? 0) > 0) bump(open, -1)
      else unpaired.add(`${open}${char}`)
    } else if (char === '"' || char === '“' || char === '”' || char === '„') {
      doubleQuotes++
    } else if (char === '‘') {
      singleOpen++
    } else if (char === '’') {
      singleClose++
    }
  }
  for (const [open, count] of counts) if (count > 0) unpaired.add(`${open}${BRACKET_PAIRS.find(([o]) => o === open)![1]}`)
  if (doubleQuotes % 2 === 1) unpaired.add('""')
  if (singleOpen > singleClose) unpaired.add('‘’')
  return [...unpaired].sort()
}

// Doubled words that are grammatical ("that that", "had had", "nous nous").
const DOUBLED_OK: Record<string, ReadonlySet<string>> = {
  en: new Set(['that', 'had', 'is', 'do']),
  de: new Set(['die', 'der', 'das', 'sie', 'es']),
  fr: new Set(['nous', 'vous']),
  nl: new Set(['die', 'dat']),
}
const FULLWIDTH_PUNCTUATION = /[，。、：；！？（）【】《》「」『』]/gu
const DOUBLED = /(?<![\p{L}\p{N}'’-])(\p{L}+)\s+(\1)(?![\p{L}\p{N}])/giu

/** Reports the text heuristics' hits in the target, pointing at the source paragraph where one pairs up. */
export function compareText(comparison: Comparison): void {
  const { reporter, sourceLocale, targetLocale, source, target, at, pairs, counterpart, ratio } = comparison
  const s = source.profile
  const tp = target.profile

  if (reporter.on('text/han-residue') && !isCjk(targetLocale)) {
    const report = (residue: string[], offset: number) =>
      reporter.add('text/han-residue', {
        params: { count: residue.length, residue: truncate(residue.join(' … '), 60) },
        source: at(source, 0),
        target: at(target, offset),
        actual: residue,
      })
    // HTML is not translated: text inside an inline element the source has as it is (`<b>重要</b>`) is HTML too.
    const sourceElements = new Set(s.blocks.flatMap((block) => block.htmlElements.map((element) => element.markup)))
    // A source label kept as a reference label (`[Another][另一个]`) is not shown either.
    const labels = keptLabels(s.references, tp.references)
    for (const block of tp.blocks) {
      if (!featuresOf(block).mayHoldCjk) continue
      const kept = block.htmlElements.filter((element) => sourceElements.has(element.markup))
      const runs = [...block.prose.matchAll(HAN_RUN)].filter((run) => {
        const offset = blockOffset(block, run.index)
        return !kept.some((element) => run.index >= element.start && run.index < element.end) && !labels.some(([start, end]) => offset >= start && offset < end)
      })
      if (runs.length > 0) report(runs.map((run) => run[0]), blockOffset(block, runs[0]!.index))
    }
    // Alt text and titles are read too, though no text node holds them.
    for (const attribute of tp.attributes) {
      const residue = mayHoldCjk(attribute.value) ? attribute.value.match(HAN_RUN) : null
      if (residue) report(residue, attribute.offset)
    }
  }

  // Full-width punctuation（，。：）left in a Latin or Cyrillic text: the model kept the source's.
  if (reporter.on('text/fullwidth-punctuation') && !isCjk(targetLocale)) {
    for (const block of tp.blocks) {
      if (!featuresOf(block).mayHoldCjk) continue
      const marks = [...block.prose.matchAll(FULLWIDTH_PUNCTUATION)]
      // Beside Chinese left in the text it is part of that residue, reported already.
      if (marks.length === 0 || /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(block.prose)) continue
      reporter.add('text/fullwidth-punctuation', {
        params: { count: marks.length, marks: [...new Set(marks.map((mark) => mark[0]))].join(' ') },
        source: at(source, 0),
        target: at(target, blockOffset(block, marks[0]!.index)),
        actual: marks.map((mark) => mark[0]),
      })
    }
  }

  if (reporter.on('text/identical-paragraph')) {
    // Only paragraphs of the same shape (see `spaceFreeShape`) can be the same text up to
    // white space: the others are not normalized at all. A target paragraph is measured
    // only when its ends are a source paragraph's (between two scripts they seldom are).
    const shapes = new Set<string>()
    const ends = new Set<string>()
    for (const block of s.blocks) {
      if (block.kind !== 'paragraph') continue
      const shape = spaceFreeShape(block.prose)
      shapes.add(shape)
      // The shape ends with the ends: `count:first:last`.
      ends.add(shape.slice(shape.indexOf(':') + 1))
    }
    let sourceTexts: Map<string, TextBlock> | undefined
    for (const block of tp.blocks) {
      if (block.kind !== 'paragraph' || !ends.has(spaceFreeEnds(block.prose)) || !shapes.has(spaceFreeShape(block.prose))) continue
      if (!sourceTexts) {
        sourceTexts = new Map()
        for (const other of s.blocks) if (other.kind === 'paragraph') sourceTexts.set(normalizeSpace(other.prose), other)
      }
      const key = normalizeSpace(block.prose)
      const original = sourceTexts.get(key)
      if (!original || !looksUntranslated(original.prose.replaceAll(PLACEHOLDER, ' '), block.prose.replaceAll(PLACEHOLDER, ' '), sourceLocale, targetLocale)) continue
      reporter.add('text/identical-paragraph', {
        params: { text: truncate(key, 60) },
        source: at(source, original.offset),
        target: at(target, block.offset),
      })
    }
  }

  // A number of an aligned paragraph, list item or table cell that the translation writes
  // as another number: changed, an error. A number that is only missing is a warning
  // for the section (written out in words, moved to another paragraph…).
  const changed = new Set<NumberToken>()
  const compareNumbers = (a: TextBlock, b: TextBlock) => {
    const missing = missingNumbers(a.numbers, b.numbers)
    const extra = missingNumbers(
      b.numbers.filter((token) => !token.word),
      a.numbers,
    )
    if (missing.length === 0 || extra.length === 0) return
    for (const token of missing) changed.add(token)
    if (!reporter.on('text/number-changed')) return
    reporter.add('text/number-changed', {
      params: { count: missing.length, expected: missing.map((token) => token.text).join(', '), actual: extra.map((token) => token.text).join(', ') },
      source: at(source, missing[0]!.offset),
      target: at(target, extra[0]!.offset),
      expected: missing.map((token) => token.text),
      actual: extra.map((token) => token.text),
    })
  }
  for (const [a, b] of pairs()) if (a !== undefined && b !== undefined) compareNumbers(s.paragraphs[a]!, tp.paragraphs[b]!)
  s.listItems.forEach((list, index) => {
    const other = tp.listItems[index]
    if (other && other.items.length === list.items.length) list.items.forEach((item, k) => compareNumbers(item, other.items[k]!))
  })
  s.tableRows.forEach((table, index) => {
    const other = tp.tableRows[index]
    if (!other || other.rows.length !== table.rows.length) return
    table.rows.forEach((row, r) => row.forEach((cell, c) => {
      const twin = other.rows[r]![c]
      if (twin) compareNumbers(cell, twin)
    }))
  })

  if (reporter.on('text/numbers')) {
    const missing = missingNumbers(s.numbers, tp.numbers).filter((token) => !changed.has(token))
    if (missing.length > 0) {
      const first = missing[0]!
      const holder = s.paragraphs.findIndex((block) => block.numbers.includes(first))
      const other = holder === -1 ? undefined : counterpart(holder)
      reporter.add('text/numbers', {
        params: { count: missing.length, numbers: missing.map((token) => token.text).join(', ') },
        source: at(source, first.offset),
        target: at(target, other?.offset),
        expected: missing.map((token) => token.text),
        actual: tp.numbers.filter((token) => !token.word).map((token) => token.text),
      })
    }
  }

  // Section length in units (`units.ts`), against the calibrated range of the language
  // pair: outside the real distribution's tails a warning, far outside an error.
  if (s.units >= 40) {
    const warn = comparison.lengthRatio ?? ratio.warn
    const actual = tp.units / s.units
    const extreme = actual < ratio.error.min || actual > ratio.error.max
    const rule = extreme && !comparison.lengthRatio ? 'text/length-extreme' : 'text/length-ratio'
    const range = rule === 'text/length-extreme' ? ratio.error : warn
    if (reporter.on(rule) && (actual < range.min || actual > range.max)) {
      reporter.add(rule, {
        context: actual < range.min ? 'short' : 'long',
        params: { ratio: actual.toFixed(2), min: range.min.toFixed(2), max: range.max.toFixed(2), sourceChars: Math.round(s.units), targetChars: Math.round(tp.units) },
        source: at(source, 0),
        target: at(target, 0),
        expected: { min: range.min, max: range.max },
        actual: Number(actual.toFixed(3)),
      })
    }
  }

  // One paragraph far shorter than any translation of it: content dropped, or the model
  // answered something else (obeyed an instruction in the text, summarized).
  if (reporter.on('text/paragraph-too-short')) {
    const floor = comparison.lengthRatio ? comparison.lengthRatio.min / 3 : ratio.paragraphFloor
    for (const [a, b] of comparison.pairs()) {
      if (a === undefined || b === undefined) continue
      const from = s.paragraphs[a]!
      const to = tp.paragraphs[b]!
      if (from.units < 25 || to.units / from.units >= floor) continue
      reporter.add('text/paragraph-too-short', {
        params: { sourceChars: Math.round(from.units), targetChars: Math.round(to.units) },
        source: at(source, from.offset),
        target: at(target, to.offset),
        expected: Math.ceil(from.units * floor),
        actual: Math.round(to.units),
      })
    }
  }

  if (reporter.on('text/doubled-word') && (targetLocale.script === 'Latn' || targetLocale.script === 'Cyrl')) {
    const allowed = DOUBLED_OK[targetLocale.code]
    for (const block of tp.blocks) {
      // One finding per run of the same word ("the the the" or a model's loop of thousands):
      // a match that only continues the previous one's run is the same slip.
      let runWord = ''
      let runEnd = -1
      for (const match of block.prose.matchAll(DOUBLED)) {
        const word = match[1]!.toLowerCase()
        const continues = word === runWord && /^\s*$/.test(block.prose.slice(runEnd, match.index))
        runWord = word
        runEnd = match.index + match[0].length
        if (continues) continue
        if (allowed?.has(word)) continue
        // Capitalized twice the same way is a name ("La La Land", "Duran Duran"), not a slip.
        if (match[1] === match[2] && /^\p{Lu}/u.test(match[1]!)) continue
        reporter.add('text/doubled-word', {
          params: { text: match[0] },
          source: at(source, 0),
          target: at(target, blockOffset(block, match.index)),
          actual: match[0],
        })
      }
    }
  }

  if (reporter.on('text/unpaired-brackets')) {
    const sourceIndex = new Map<TextBlock, TextBlock>()
    for (const [a, b] of pairs()) if (a !== undefined && b !== undefined) sourceIndex.set(tp.paragraphs[b]!, s.paragraphs[a]!)
    for (const block of tp.blocks) {
      if (block.kind !== 'paragraph') continue
      const unpaired = unpairedBrackets(block.prose)
      if (unpaired.length === 0) continue
      // The same imbalance in the source paragraph ("1) … 2) …") is the author's, not the translator's.
      const original = sourceIndex.get(block)
      const inherited = original ? new Set(unpairedBrackets(original.prose)) : new Set<string>()
      const fresh = unpaired.filter((kind) => !inherited.has(kind))
      if (fresh.length === 0) continue
      reporter.add('text/unpaired-brackets', {
        params: { count: fresh.length, brackets: fresh.join(' ') },
        source: at(source, original?.offset),
        target: at(target, block.offset),
        actual: fresh,
      })
    }
  }
}

/** True for what `\s` matches in a regular expression. */
function isSpaceCode(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  )
}

/**
 * The first and last characters of a text that are not white space, as in its
 * {@link spaceFreeShape}, found from both ends without reading the text between.
 */
function spaceFreeEnds(text: string): string {
  let first = 0
  while (first < text.length && isSpaceCode(text.charCodeAt(first))) first++
  if (first === text.length) return '-1:-1'
  let last = text.length - 1
  while (isSpaceCode(text.charCodeAt(last))) last--
  return `${text.charCodeAt(first)}:${text.charCodeAt(last)}`
}

/**
 * What two texts equal up to white space runs (`normalizeSpace`) have in common, without
 * building the normalized copy: their length without white space and first and last
 * characters that are not white space.
 */
function spaceFreeShape(text: string): string {
  let count = 0
  let first = -1
  let last = -1
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (isSpaceCode(code)) continue
    count++
    if (first < 0) first = code
    last = code
  }
  return `${count}:${first}:${last}`
}
