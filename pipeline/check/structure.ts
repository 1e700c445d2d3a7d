/**
 * Structure rules of a section pair (`sections/*` except `sections/count`): headings,
 * paragraphs, lists, tables, code blocks, inline code, link and image URLs, HTML and
 * footnotes must survive translation as they are.
 */
import type { LocaleInfo } from '../article/locales.ts'
import { codeParts } from './code.ts'
import type { Comparison } from './comparison.ts'
import { ownScriptOnly, textTranslated } from './language.ts'
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

  // Paragraphs, as aligned: each omission or addition is one finding at its place (a run
  // of them together is one), a split or merge is a warning (a line break that became a
  // paragraph break, or the reverse, is `sections/line-break`).
  const groups = comparison.groups()
  const totals = { count: 0, expected: s.paragraphs.length, actual: tp.paragraphs.length }
  for (let k = 0; k < groups.length; k++) {
    const group = groups[k]!
    if (group.kind === '1-0' || group.kind === '0-1') {
      if (!reporter.on('sections/paragraph-count')) continue
      let last = k
      while (last + 1 < groups.length && groups[last + 1]!.kind === group.kind) last++
      const run = groups.slice(k, last + 1)
      const missing = group.kind === '1-0'
      // The place of the gap on the other side: the next group that has a block there, or the end.
      const next = groups.slice(last + 1).find((other) => (missing ? other.target.length > 0 : other.source.length > 0))
      const fallback = missing ? tp.paragraphs[tp.paragraphs.length - 1]?.offset : s.paragraphs[s.paragraphs.length - 1]?.offset
      reporter.add('sections/paragraph-count', {
        context: missing ? 'missing' : 'extra',
        params: { ...totals, count: run.length },
        source: at(source, missing ? group.sourceOffsets[0] : (next?.sourceOffsets[0] ?? fallback)),
        target: at(target, missing ? (next?.targetOffsets[0] ?? fallback) : group.targetOffsets[0]),
        expected: s.paragraphs.length,
        actual: tp.paragraphs.length,
      })
      k = last
      continue
    }
    if (group.kind === '1-1') continue
    const split = group.kind === '1-2'
    const joined = split ? s.paragraphs[group.source[0]!]! : tp.paragraphs[group.target[0]!]!
    const rule = joined.breaks > 0 ? 'sections/line-break' : 'sections/paragraph-split'
    if (!reporter.on(rule)) continue
    reporter.add(rule, {
      context: rule === 'sections/line-break' ? (split ? 'paragraph' : 'break') : split ? 'split' : 'merge',
      params: { count: 2 },
      source: at(source, group.sourceOffsets[0]),
      target: at(target, group.targetOffsets[0]),
      expected: group.source.length,
      actual: group.target.length,
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

  if (reporter.on('sections/code-block') || reporter.on('sections/code-comment')) {
    if (s.code.length !== tp.code.length) {
      const first = firstDifference(
        s.code.map((code) => code.value),
        tp.code.map((code) => code.value),
      )
      if (first !== undefined) {
        reporter.add('sections/code-block', {
          context: 'count',
          params: { index: first + 1, expected: s.code.length, actual: tp.code.length },
          source: at(source, s.code[first]?.offset),
          target: at(target, tp.code[first]?.offset),
          expected: s.code[first]?.value,
          actual: tp.code[first]?.value,
        })
      }
    } else {
      // Same code with comments or strings translated is allowed (info); a changed token,
      // or a string changed into something that is no translation of it, is an error.
      s.code.forEach((code, index) => {
        const other = tp.code[index]!
        if (code.value === other.value) return
        const a = codeParts(code.value)
        const b = codeParts(other.value)
        const translatedOnly =
          a.skeleton === b.skeleton &&
          a.prose.every((part, k) => part.text === b.prose[k]!.text || part.kind === 'comment' || textTranslated(part.text, b.prose[k]!.text, comparison.sourceLocale, comparison.targetLocale))
        const rule = translatedOnly ? 'sections/code-comment' : 'sections/code-block'
        reporter.add(rule, {
          context: translatedOnly ? undefined : 'changed',
          params: { index: index + 1, expected: s.code.length, actual: tp.code.length },
          source: at(source, code.offset),
          target: at(target, other.offset),
          expected: code.value,
          actual: other.value,
        })
      })
    }
  }

  // `lost`: target references that resolve to nothing; they hold no URL, but they are
  // what became of a missing one, so they are shown with what the target has instead.
  const multisetRule = (
    rule: RuleId,
    a: Located<string>[],
    b: Located<string>[],
    lost: Located<string>[] = [],
    keys: { source: (value: string) => string; target: (value: string) => string } = { source: (value) => value, target: (value) => value },
    allowance: { missing: number; extra: number } = { missing: 0, extra: 0 },
  ) => {
    if (!reporter.on(rule)) return
    const aKeys = a.map((item) => keys.source(item.value))
    const bKeys = b.map((item) => keys.target(item.value))
    const missingKeys = multisetMinus(aKeys, bKeys).slice(allowance.missing)
    const extraKeys = multisetMinus(bKeys, aKeys).slice(allowance.extra)
    // Shown as written, not as compared.
    const shown = (list: Located<string>[], listKeys: string[], wanted: string[]) => {
      const used = new Set<number>()
      return wanted.map((key) => {
        const index = listKeys.findIndex((candidate, k) => candidate === key && !used.has(k))
        used.add(index)
        return list[index]!
      })
    }
    const missingItems = shown(a, aKeys, missingKeys)
    const extraItems = shown(b, bKeys, extraKeys)
    const missing = missingItems.map((item) => item.value)
    const extra = extraItems.map((item) => item.value)
    if (missing.length === 0 && extra.length === 0) return
    const instead = [...extra, ...(missing.length > 0 ? lost.map((item) => item.value) : [])]
    reporter.add(rule, {
      context: missing.length > 0 && instead.length > 0 ? 'changed' : missing.length > 0 ? 'missing' : 'extra',
      params: { count: missing.length || extra.length, missing: missing.join(', '), extra: instead.join(', ') },
      source: at(source, missingItems[0]?.offset),
      target: at(target, extraItems[0]?.offset ?? lost[0]?.offset),
      expected: missing,
      actual: instead,
    })
  }
  // Inline code holding prose (Chinese in a Chinese source, `社区大于代码`) is translated
  // by some writers: each such span on one side may stand for one changed span on the other.
  const proseCode = (items: Located<string>[], own: LocaleInfo, other: LocaleInfo) => items.filter((item) => ownScriptOnly(item.value, own, other)).length
  multisetRule('sections/inline-code', s.inlineCode, tp.inlineCode, [], undefined, {
    missing: proseCode(tp.inlineCode, comparison.targetLocale, comparison.sourceLocale),
    extra: proseCode(s.inlineCode, comparison.sourceLocale, comparison.targetLocale),
  })
  const urlKeys = { source: comparison.urls.sourceKey, target: comparison.urls.targetKey }
  multisetRule('sections/link-urls', s.links, tp.links, unresolved(s.references, tp.references, false), urlKeys)
  multisetRule('sections/image-urls', s.images, tp.images, unresolved(s.references, tp.references, true), urlKeys)

  // Links of one paragraph in another order: the URLs went to the wrong words.
  if (reporter.on('sections/link-order')) {
    for (const [x, y] of pairs()) {
      if (x === undefined || y === undefined) continue
      const a = s.paragraphs[x]!.urls.map(urlKeys.source)
      const b = tp.paragraphs[y]!.urls.map(urlKeys.target)
      if (a.length < 2 || a.length !== b.length || firstDifference(a, b) === undefined || multisetMinus(a, b).length > 0) continue
      reporter.add('sections/link-order', {
        params: { expected: s.paragraphs[x]!.urls.join(', '), actual: tp.paragraphs[y]!.urls.join(', ') },
        source: at(source, s.paragraphs[x]!.offset),
        target: at(target, tp.paragraphs[y]!.offset),
        expected: s.paragraphs[x]!.urls,
        actual: tp.paragraphs[y]!.urls,
      })
    }
  }

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

  if (reporter.on('sections/jsx')) {
    const first = firstDifference(
      s.jsx.map((item) => item.value),
      tp.jsx.map((item) => item.value),
    )
    if (first !== undefined) {
      reporter.add('sections/jsx', {
        params: { expected: s.jsx[first]?.value ?? '—', actual: tp.jsx[first]?.value ?? '—' },
        source: at(source, s.jsx[first]?.offset),
        target: at(target, tp.jsx[first]?.offset),
        expected: s.jsx[first]?.value,
        actual: tp.jsx[first]?.value,
      })
    }
  }

  if (reporter.on('sections/mdx-esm')) {
    const missing = multisetMinus(
      s.esm.map((item) => item.value),
      tp.esm.map((item) => item.value),
    )
    const extra = multisetMinus(
      tp.esm.map((item) => item.value),
      s.esm.map((item) => item.value),
    )
    if (missing.length > 0 || extra.length > 0) {
      reporter.add('sections/mdx-esm', {
        params: { expected: missing.join('; ') || '—', actual: extra.join('; ') || '—' },
        source: at(source, s.esm.find((item) => item.value === missing[0])?.offset),
        target: at(target, tp.esm.find((item) => item.value === extra[0])?.offset),
        expected: missing,
        actual: extra,
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
