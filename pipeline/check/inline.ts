/**
 * Inline markup rules of a section pair (`inline/*`): bold and emphasis counts, and
 * emphasis markers the translation left as literal text.
 */
import type { Comparison } from './comparison.ts'
import type { TextBlock } from './profile.ts'
import type { RuleId } from './rules.ts'

const WORD = /[\p{L}\p{N}]/u

/** Emphasis markers left as literal text: `**`/`__` anywhere, a lone `*`/`_` that flanks a word on one side only. */
function literalMarkers(value: string): { index: number; marker: string }[] {
  const found: { index: number; marker: string }[] = []
  // By character codes: this reads every text node of both sides, and most hold no marker.
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code !== 0x2a && code !== 0x5f) continue
    const char = value[i]!
    let end = i
    while (value.charCodeAt(end + 1) === code) end++
    if (end > i) {
      found.push({ index: i, marker: value.slice(i, end + 1) })
    } else {
      const before = i > 0 && WORD.test(value[i - 1]!)
      const after = i + 1 < value.length && WORD.test(value[i + 1]!)
      if (before !== after) found.push({ index: i, marker: char })
    }
    i = end
  }
  return found
}

/** Reports bold and emphasis the target dropped or added, and markers it broke. */
export function compareInline(comparison: Comparison): void {
  const { reporter, source, target, at, pairs } = comparison
  const s = source.profile
  const tp = target.profile

  const countRule = (rule: RuleId, a: number[], b: number[], perBlock: (block: TextBlock) => number) => {
    if (!reporter.on(rule) || a.length === b.length) return
    // Point at the first pair of paragraphs whose counts differ, else at the section.
    const pair = pairs().find(([x, y]) => x !== undefined && y !== undefined && perBlock(s.paragraphs[x]!) !== perBlock(tp.paragraphs[y]!))
    reporter.add(rule, {
      params: { count: a.length, expected: a.length, actual: b.length },
      source: at(source, pair ? s.paragraphs[pair[0]!]!.offset : 0),
      target: at(target, pair ? tp.paragraphs[pair[1]!]!.offset : 0),
      expected: a.length,
      actual: b.length,
    })
  }
  countRule('inline/strong-count', s.strong, tp.strong, (block) => block.strong)
  countRule('inline/emphasis-count', s.emphasis, tp.emphasis, (block) => block.emphasis)

  if (reporter.on('inline/broken-emphasis')) {
    // A marker the source also shows literally (a `*` footnote sign, `C*`) is not the
    // translation's fault: only markers beyond the source's count are reported.
    const sourceCount = new Map<string, number>()
    for (const text of s.texts) for (const found of literalMarkers(text.value)) sourceCount.set(found.marker, (sourceCount.get(found.marker) ?? 0) + 1)
    const targetMarkers = tp.texts.flatMap((text) => literalMarkers(text.value).map((found) => ({ ...found, text })))
    const targetCount = new Map<string, number>()
    for (const found of targetMarkers) targetCount.set(found.marker, (targetCount.get(found.marker) ?? 0) + 1)
    for (const found of targetMarkers) {
      if ((targetCount.get(found.marker) ?? 0) <= (sourceCount.get(found.marker) ?? 0)) continue
      const value = found.text.value
      reporter.add('inline/broken-emphasis', {
        params: { marker: found.marker, text: value.slice(Math.max(0, found.index - 15), found.index + 15).trim() },
        source: at(source, 0),
        target: at(target, found.text.offset + found.index),
        actual: found.marker,
      })
    }
  }
}
