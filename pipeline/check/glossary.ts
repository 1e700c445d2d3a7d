/**
 * Glossary rules (`glossary/*`): each section must render a locked name in its locked
 * form, and the article must render it the same way throughout.
 */
import type { Glossary, GlossaryEntry } from '../glossary/model.ts'
import { normalize, normalizeTerm, termRenderings, verifyTerms, type TermRenderings } from '../glossary/match.ts'
import type { Article, Finding, Section } from '../article/types.ts'
import type { Comparison } from './comparison.ts'
import { locate, placeIn } from './places.ts'
import { Reporter } from './reporter.ts'
import type { RuleSettings } from './rules.ts'

/** How one glossary entry of a source section is rendered in its target section. */
export interface TermUse {
  entry: GlossaryEntry
  expected: string
  /** Fragment offset of the first source occurrence. */
  sourceOffset: number
  /**
   * Forms found in the target, with counts: the locked form (its inflected and short
   * forms counted under it) and/or known-wrong forms.
   */
  forms: Map<string, number>
}

/** Where a (normalized) form first occurs in a text, as an offset into the text. */
function formOffset(text: string, form: string): number | undefined {
  const normalized = normalize(text)
  const needle = normalizeTerm(form)
  const at = needle === '' ? -1 : normalized.text.indexOf(needle)
  return at < 0 ? undefined : normalized.starts[at]
}

/**
 * How each glossary entry of the source fragment is rendered in the target fragment;
 * `renderings` are the fragments' (`termRenderings`) when the caller has them already.
 */
export function termUses(
  sourceMarkdown: string,
  targetMarkdown: string,
  glossary: Glossary,
  targetLocale: string,
  renderings: TermRenderings = termRenderings(sourceMarkdown, targetMarkdown, glossary, targetLocale),
): TermUse[] {
  return renderings.entries.map(({ entry, expected, sourceStart, lockedSpans, shortSpans, wrongSpans }) => {
    const forms = new Map<string, number>()
    // A short form (the surname the second time) is the locked rendering too, not another one.
    const rendered = lockedSpans.length + shortSpans.length
    if (rendered > 0) forms.set(expected, rendered)
    for (const { form, spans } of wrongSpans) if (spans.length > 0) forms.set(form, spans.length)
    return { entry, expected, sourceOffset: sourceStart, forms }
  })
}

/** Reports locked names the target section lacks or renders in a known-wrong form. */
export function compareTerms(comparison: Comparison): void {
  const { reporter, glossary, source, target } = comparison
  if (!glossary) return
  if (!reporter.on('glossary/locked-form-missing') && !reporter.on('glossary/wrong-form')) return
  // Terms are looked up in the Markdown, not the prose: terms.ts ignores emphasis
  // markers and line breaks inside a name, and its offsets are then fragment offsets.
  const renderings = comparison.terms()
  const problems = verifyTerms(source.markdown, target.markdown, glossary, comparison.targetLocale.code, renderings)
  if (problems.length === 0) return
  const firstSource = new Map<GlossaryEntry, number>()
  for (const rendering of renderings.entries) firstSource.set(rendering.entry, rendering.sourceStart)
  for (const problem of problems) {
    const sourceOffset = firstSource.get(problem.entry) ?? 0
    if (problem.kind === 'too-few') {
      // Dropped at some of its occurrences: the source names it more often than the translation.
      reporter.add('glossary/locked-form-missing', {
        context: 'fewer',
        params: { term: problem.entry.source, expected: problem.expected, count: problem.sourceCount, found: problem.targetCount },
        source: locate(source.locator, sourceOffset),
        target: locate(target.locator, formOffset(target.markdown, problem.expected) ?? 0),
        expected: { form: problem.expected, count: problem.sourceCount },
        actual: { count: problem.targetCount },
      })
      continue
    }
    if (problem.kind === 'missing') {
      // Point at the paragraph that should hold the name, when the paragraphs pair up.
      const paragraphs = source.profile.paragraphs
      let index = -1
      for (let k = 0; k < paragraphs.length && paragraphs[k]!.offset <= sourceOffset; k++) index = k
      const targetBlock = index >= 0 && paragraphs.length === target.profile.paragraphs.length ? target.profile.paragraphs[index] : undefined
      reporter.add('glossary/locked-form-missing', {
        params: { term: problem.entry.source, expected: problem.expected, count: problem.sourceCount },
        source: locate(source.locator, sourceOffset),
        target: locate(target.locator, targetBlock?.offset ?? 0),
        expected: problem.expected,
        actual: null,
      })
    } else {
      reporter.add('glossary/wrong-form', {
        params: { term: problem.entry.source, expected: problem.expected, form: problem.form, count: problem.count },
        source: locate(source.locator, sourceOffset),
        target: locate(target.locator, formOffset(target.markdown, problem.form) ?? 0),
        expected: problem.expected,
        actual: problem.form,
      })
    }
  }
}

/**
 * Names rendered one way in some sections and another way (or not at all) in others.
 * Each section's own problem is already a `glossary/*` error; this warning shows the
 * article-wide picture a reviewer fixes in one pass.
 */
export function inconsistentTerms(
  sections: readonly { section: Pick<Section, 'index' | 'heading' | 'start'>; uses: TermUse[] }[],
  source: Article,
  target: Article,
  rules: RuleSettings | undefined,
): Finding[] {
  const byEntry = new Map<GlossaryEntry, { section: Pick<Section, 'index' | 'heading' | 'start'>; use: TermUse }[]>()
  for (const { section, uses } of sections) {
    for (const use of uses) {
      const list = byEntry.get(use.entry)
      if (list) list.push({ section, use })
      else byEntry.set(use.entry, [{ section, use }])
    }
  }
  const findings: Finding[] = []
  for (const [entry, list] of byEntry) {
    if (list.length < 2) continue
    const rendering = (use: TermUse) => {
      const forms = [...use.forms.keys()]
      return forms.length === 0 ? '?' : forms.join(' / ')
    }
    const renderings = new Set(list.map(({ use }) => rendering(use)))
    if (renderings.size < 2) continue
    const expected = list[0]!.use.expected
    const odd = list.find(({ use }) => rendering(use) !== expected) ?? list[0]!
    const reporter = new Reporter(rules, { file: target.file, section: odd.section.index, heading: odd.section.heading })
    reporter.add('glossary/inconsistent', {
      params: {
        term: entry.source,
        expected,
        renderings: list.map(({ section, use }) => `§${section.index} ${rendering(use)}`).join(', '),
      },
      source: placeIn(source.text, source.bodyStart + odd.section.start + odd.use.sourceOffset),
      expected,
      actual: list.map(({ section, use }) => ({ section: section.index, forms: [...use.forms.keys()] })),
    })
    findings.push(...reporter.findings)
  }
  return findings
}
