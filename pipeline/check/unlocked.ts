/**
 * `glossary/not-locked` (info): a name the writer marked (bold, italics, 《》) that no
 * glossary entry locks. Its translation is whatever the model chose and nothing else
 * would say so; this makes coverage measured instead of assumed.
 */
import { isCjk } from '../article/locales.ts'
import { isLocked } from '../glossary/coverage.ts'
import { normalizeTerm } from '../glossary/match.ts'
import { MARKED_SIGNALS, markedNameOccurrences, nameOccurrences } from '../glossary/names.ts'
import type { Comparison } from './comparison.ts'

/** Reports each marked, unlocked name of the source section once. Only for CJK sources, where marks carry names. */
export function reportUnlocked(comparison: Comparison): void {
  const { reporter, glossary, source, sourceLocale } = comparison
  if (!glossary || !isCjk(sourceLocale) || !reporter.on('glossary/not-locked')) return
  const seen = new Set<string>()
  // The parsed blocks when the check has them: parsing the section again was most of a
  // whole check's time on a text not seen before. The section's Markdown still goes along:
  // name detection counts a name's uses in it.
  const nodes = source.nodes
  // Only the marked names are read: the passes that look for unmarked ones are skipped.
  const occurrences = nodes
    ? markedNameOccurrences({ type: 'root', children: [...nodes.children] }, source.markdown).map((occurrence) => ({ ...occurrence, offset: occurrence.offset - nodes.base }))
    : nameOccurrences(source.markdown)
  for (const occurrence of occurrences) {
    if (occurrence.kind === 'term' || !occurrence.signals.some((signal) => MARKED_SIGNALS.has(signal))) continue
    const key = normalizeTerm(occurrence.text)
    if (seen.has(key) || isLocked(occurrence.text, glossary)) continue
    seen.add(key)
    reporter.add('glossary/not-locked', {
      params: { term: occurrence.text, kind: occurrence.kind },
      source: comparison.at(source, occurrence.offset),
      actual: occurrence.text,
    })
  }
}
