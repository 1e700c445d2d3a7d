/**
 * Structure rules of a section pair (`sections/*` except `sections/count`): headings,
 * paragraphs, lists, tables, code blocks, inline code, link and image URLs, HTML and
 * footnotes must survive translation as they are.
 */
import type { Comparison } from './comparison.ts'
import type { Located } from './profile.ts'
import { unresolved } from './references.ts'
import type { RuleId } from './rules.ts'
import { firstDifference, multisetMinus } from './sequences.ts'

/** Reports what the target lost, gained or changed of the source's structure. */
export function compareStructure(comparison: Comparison): void {
  const { reporter, source, target, at, pairs } = comparison
  const s = source.profile
  const tp = target.profile

  if (reporter.on('sections/heading-depth')) {
    const a = s.headings.filter((heading) => heading.value <= comparison.headingDepth)
    const b = tp.headings.filter((heading) => heading.value <= comparison.headingDepth)
    const first = firstDifference(
      a.map((heading) => heading.value),
      b.map((heading) => heading.value),
    )
    if (first !== undefined) {
      const show = (list: Located<number>[]) => list.map((heading) => '#'.repeat(heading.value)).join(' ')
      reporter.add('sections/heading-depth', {
        params: { expected: show(a) || '—', actual: show(b) || '—' },
        source: at(source, a[first]?.offset),
        target: at(target, b[first]?.offset ?? b[b.length - 1]?.offset),
        expected: a.map((heading) => heading.value),
        actual: b.map((heading) => heading.value),
      })
    }
  }

  if (reporter.on('sections/paragraph-count') && s.paragraphs.length !== tp.paragraphs.length) {
    const missing = s.paragraphs.length > tp.paragraphs.length
    const list = pairs()
    const gap = list.findIndex(([a, b]) => (missing ? b === undefined : a === undefined))
    const [gapSource, gapTarget] = list[gap] ?? [undefined, undefined]
    // The place of the gap on the other side: the next paired paragraph, or the end.
    let other: number | undefined
    for (let k = gap; k < list.length && other === undefined; k++) other = missing ? list[k]![1] : list[k]![0]
    const sourceBlock = missing ? s.paragraphs[gapSource!] : other !== undefined ? s.paragraphs[other] : undefined
    const targetBlock = missing ? (other !== undefined ? tp.paragraphs[other] : undefined) : tp.paragraphs[gapTarget!]
    reporter.add('sections/paragraph-count', {
      context: missing ? 'missing' : 'extra',
      params: { count: Math.abs(s.paragraphs.length - tp.paragraphs.length), expected: s.paragraphs.length, actual: tp.paragraphs.length },
      source: at(source, sourceBlock?.offset),
      target: at(target, targetBlock?.offset ?? (missing ? tp.paragraphs[tp.paragraphs.length - 1]?.offset : 0)),
      expected: s.paragraphs.length,
      actual: tp.paragraphs.length,
    })
  }

  if (reporter.on('sections/list-count') && s.lists.length !== tp.lists.length) {
    reporter.add('sections/list-count', {
      params: { count: s.lists.length, expected: s.lists.length, actual: tp.lists.length },
      source: at(source, s.lists[0]?.offset),
      target: at(target, tp.lists[0]?.offset),
      expected: s.lists.length,
      actual: tp.lists.length,
    })
  } else if (reporter.on('sections/list-item-count')) {
    s.lists.forEach((list, index) => {
      const other = tp.lists[index]
      if (!other || other.value === list.value) return
      reporter.add('sections/list-item-count', {
        params: { count: list.value, expected: list.value, actual: other.value, list: index + 1 },
        source: at(source, list.offset),
        target: at(target, other.offset),
        expected: list.value,
        actual: other.value,
      })
    })
  }

  if (reporter.on('sections/table-shape')) {
    const first = firstDifference(
      s.tables.map((table) => table.value),
      tp.tables.map((table) => table.value),
    )
    if (first !== undefined) {
      const show = (list: Located<string>[]) => list.map((table) => table.value).join(', ') || '—'
      reporter.add('sections/table-shape', {
        params: { expected: show(s.tables), actual: show(tp.tables) },
        source: at(source, s.tables[first]?.offset),
        target: at(target, tp.tables[first]?.offset),
        expected: s.tables.map((table) => table.value),
        actual: tp.tables.map((table) => table.value),
      })
    }
  }

  if (reporter.on('sections/code-block')) {
    const first = firstDifference(
      s.code.map((code) => code.value),
      tp.code.map((code) => code.value),
    )
    if (first !== undefined) {
      reporter.add('sections/code-block', {
        context: s.code.length === tp.code.length ? 'changed' : 'count',
        params: { index: first + 1, expected: s.code.length, actual: tp.code.length },
        source: at(source, s.code[first]?.offset),
        target: at(target, tp.code[first]?.offset),
        expected: s.code[first]?.value,
        actual: tp.code[first]?.value,
      })
    }
  }

  // `lost`: target references that resolve to nothing; they hold no URL, but they are
  // what became of a missing one, so they are shown with what the target has instead.
  const multisetRule = (rule: RuleId, a: Located<string>[], b: Located<string>[], lost: Located<string>[] = []) => {
    if (!reporter.on(rule)) return
    const missing = multisetMinus(
      a.map((item) => item.value),
      b.map((item) => item.value),
    )
    const extra = multisetMinus(
      b.map((item) => item.value),
      a.map((item) => item.value),
    )
    if (missing.length === 0 && extra.length === 0) return
    const instead = [...extra, ...(missing.length > 0 ? lost.map((item) => item.value) : [])]
    const firstMissing = a.find((item) => item.value === missing[0])
    const firstExtra = extra.length > 0 ? b.find((item) => item.value === extra[0]) : lost[0]
    reporter.add(rule, {
      context: missing.length > 0 && instead.length > 0 ? 'changed' : missing.length > 0 ? 'missing' : 'extra',
      params: { count: missing.length || extra.length, missing: missing.join(', '), extra: instead.join(', ') },
      source: at(source, firstMissing?.offset),
      target: at(target, firstExtra?.offset),
      expected: missing,
      actual: instead,
    })
  }
  multisetRule('sections/inline-code', s.inlineCode, tp.inlineCode)
  multisetRule('sections/link-urls', s.links, tp.links, unresolved(s.references, tp.references, false))
  multisetRule('sections/image-urls', s.images, tp.images, unresolved(s.references, tp.references, true))

  if (reporter.on('sections/html')) {
    const first = firstDifference(
      s.html.map((html) => html.value),
      tp.html.map((html) => html.value),
    )
    if (first !== undefined) {
      reporter.add('sections/html', {
        params: { expected: s.html[first]?.value ?? '—', actual: tp.html[first]?.value ?? '—' },
        source: at(source, s.html[first]?.offset),
        target: at(target, tp.html[first]?.offset),
        expected: s.html[first]?.value,
        actual: tp.html[first]?.value,
      })
    }
  }

  if (reporter.on('sections/footnotes')) {
    const expected = { references: s.footnoteReferences.length, definitions: s.footnoteDefinitions.length }
    const actual = { references: tp.footnoteReferences.length, definitions: tp.footnoteDefinitions.length }
    if (expected.references !== actual.references || expected.definitions !== actual.definitions) {
      reporter.add('sections/footnotes', {
        params: {
          expectedReferences: expected.references,
          expectedDefinitions: expected.definitions,
          actualReferences: actual.references,
          actualDefinitions: actual.definitions,
        },
        source: at(source, s.footnoteReferences[0] ?? s.footnoteDefinitions[0]),
        target: at(target, tp.footnoteReferences[0] ?? tp.footnoteDefinitions[0]),
        expected,
        actual,
      })
    }
  }
}
