/**
 * Frontmatter rules (`frontmatter/*`): the target's YAML must parse, keep the source's
 * keys in order, keep kept values byte for byte, translate the translated keys and set
 * the set keys (the locale) to what the policy says.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml'
import type { FrontmatterPolicy } from '../article/frontmatter.ts'
import { findLocale, type LocaleInfo } from '../article/locales.ts'
import type { Article, Place } from '../article/types.ts'
import { looksUntranslated } from './language.ts'
import { placeIn } from './places.ts'
import type { Reporter } from './reporter.ts'
import { firstDifference, multisetMinus } from './sequences.ts'
import { truncate } from './strings.ts'

interface YamlSide {
  yaml: string
  document: Document
  /** File offset where the YAML text starts. */
  start: number
  text: string
}

function yamlSide(article: Article): YamlSide {
  return {
    yaml: article.frontmatter.yaml,
    document: parseDocument(article.frontmatter.yaml, { uniqueKeys: false }),
    start: article.frontmatter.yamlStart,
    text: article.text,
  }
}

function yamlPlace(side: YamlSide, offset: number | undefined): Place {
  return placeIn(side.text, side.start + (offset ?? 0))
}

function nodeText(side: YamlSide, node: unknown): string {
  const range = (node as YamlNode | null | undefined)?.range
  return range ? side.yaml.slice(range[0], range[1]) : ''
}

function pairsOf(node: unknown): { key: string; keyOffset: number; value: unknown }[] {
  if (!isMap(node)) return []
  return node.items.map((pair) => ({
    key: String(isScalar(pair.key) ? pair.key.value : pair.key),
    keyOffset: (pair.key as YamlNode | null)?.range?.[0] ?? 0,
    value: pair.value,
  }))
}

function stringValue(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined
}

/** The frontmatter key holding the site code: the policy's `set` key whose value is `{locale}`. */
export function localeKey(policy: FrontmatterPolicy): string {
  return Object.entries(policy.set).find(([, template]) => template === '{locale}')?.[0] ?? 'locale'
}

/** The string at `key` (a dotted path) in the article's frontmatter, if there is one. */
export function declaredLocale(article: Article, key: string): string | undefined {
  try {
    const value = parseDocument(article.frontmatter.yaml).getIn(key.split('.'))
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

/** Reports every frontmatter rule; a target whose YAML does not parse gets that one finding only. */
export function compareFrontmatter(
  source: Article,
  target: Article,
  policy: FrontmatterPolicy,
  locales: { source: LocaleInfo; target: LocaleInfo; targetGiven: boolean; declaredTarget: string | undefined },
  reporter: Reporter,
): void {
  const targetSide = yamlSide(target)
  const problem = targetSide.document.errors[0]
  if (problem) {
    reporter.add('frontmatter/yaml-invalid', {
      params: { detail: problem.message.split('\n')[0] },
      target: yamlPlace(targetSide, problem.pos[0]),
      actual: problem.message.split('\n')[0],
    })
    return
  }
  const sourceSide = yamlSide(source)
  if (sourceSide.document.errors.length > 0) return
  const sourceRoot = pairsOf(sourceSide.document.contents)
  const targetRoot = pairsOf(targetSide.document.contents)

  // Keys: the source's, in order, plus `set` keys the source lacks (appended by localizeFrontmatter).
  if (reporter.on('frontmatter/keys')) {
    const expected = sourceRoot.map((pair) => pair.key)
    for (const key of Object.keys(policy.set)) if (!key.includes('.') && !expected.includes(key)) expected.push(key)
    const actual = targetRoot.map((pair) => pair.key)
    const first = firstDifference(expected, actual)
    if (first !== undefined) {
      const missing = multisetMinus(expected, actual)
      const extra = multisetMinus(actual, expected)
      reporter.add('frontmatter/keys', {
        context: missing.length > 0 ? 'missing' : extra.length > 0 ? 'extra' : 'order',
        params: { count: missing.length || extra.length, missing: missing.join(', '), extra: extra.join(', '), key: actual[first] ?? expected[first] },
        source: yamlPlace(sourceSide, sourceRoot[first]?.keyOffset),
        target: yamlPlace(targetSide, targetRoot[first]?.keyOffset ?? targetRoot[targetRoot.length - 1]?.keyOffset),
        expected,
        actual,
      })
    }
  }

  const handled = new Set([...policy.translate, ...Object.keys(policy.set)])
  // Kept keys: byte-identical value text. A map holding a translated or set key (`seo`
  // with `seo.title` translated) is compared key by key below it.
  const compareKept = (sourcePairs: ReturnType<typeof pairsOf>, targetPairs: ReturnType<typeof pairsOf>, prefix: string) => {
    for (const pair of sourcePairs) {
      const path = prefix + pair.key
      if (handled.has(path)) continue
      const other = targetPairs.find((candidate) => candidate.key === pair.key)
      if (!other) continue // reported by frontmatter/keys
      const nested = [...handled].some((key) => key.startsWith(`${path}.`))
      if (nested && isMap(pair.value)) {
        compareKept(pairsOf(pair.value), pairsOf(other.value), `${path}.`)
        continue
      }
      const expected = nodeText(sourceSide, pair.value)
      const actual = nodeText(targetSide, other.value)
      if (expected === actual) continue
      reporter.add('frontmatter/kept-changed', {
        params: { key: path, expected: truncate(expected.trim(), 40), actual: truncate(actual.trim(), 40) },
        source: yamlPlace(sourceSide, (pair.value as YamlNode | null)?.range?.[0] ?? pair.keyOffset),
        target: yamlPlace(targetSide, (other.value as YamlNode | null)?.range?.[0] ?? other.keyOffset),
        expected,
        actual,
      })
    }
  }
  if (reporter.on('frontmatter/kept-changed')) compareKept(sourceRoot, targetRoot, '')

  // Translated keys: present, non-empty, and not the source text again.
  for (const key of policy.translate) {
    const path = key.split('.')
    const sourceNode = sourceSide.document.getIn(path, true)
    const targetNode = targetSide.document.getIn(path, true)
    const keyPlace = (side: YamlSide, node: unknown) => yamlPlace(side, (node as YamlNode | undefined)?.range?.[0])
    const sourceItems: (string | undefined)[] = isSeq(sourceNode) ? sourceNode.items.map(stringValue) : [stringValue(sourceNode)]
    const targetItems: (string | undefined)[] = isSeq(targetNode) ? targetNode.items.map(stringValue) : [stringValue(targetNode)]
    if (sourceItems.every((item) => item === undefined || item.trim() === '')) continue
    if (reporter.on('frontmatter/translated-missing')) {
      const empty = sourceItems.flatMap((item, index) => (item && item.trim() !== '' && !targetItems[index]?.trim() ? [index] : []))
      if (targetNode === undefined || empty.length > 0 || targetItems.length < sourceItems.length) {
        reporter.add('frontmatter/translated-missing', {
          context: targetNode === undefined ? 'absent' : 'empty',
          params: { key, count: Math.max(1, empty.length, sourceItems.length - targetItems.length) },
          source: keyPlace(sourceSide, sourceNode),
          target: keyPlace(targetSide, targetNode),
          expected: sourceItems.length,
          actual: targetNode === undefined ? null : targetItems.filter((item) => item?.trim()).length,
        })
      }
    }
    if (reporter.on('frontmatter/untranslated')) {
      const same = sourceItems.filter((item, index) => item !== undefined && targetItems[index] !== undefined && looksUntranslated(item, targetItems[index]!, locales.source, locales.target))
      if (same.length > 0) {
        reporter.add('frontmatter/untranslated', {
          params: { key, count: same.length, text: truncate(same.join(', '), 60) },
          source: keyPlace(sourceSide, sourceNode),
          target: keyPlace(targetSide, targetNode),
          actual: same,
        })
      }
    }
  }

  // Set keys: exactly the policy's value for the target locale.
  if (reporter.on('frontmatter/locale')) {
    const codeKey = localeKey(policy)
    for (const [key, template] of Object.entries(policy.set)) {
      const expected = template.replaceAll('{locale}', locales.target.code)
      const node = targetSide.document.getIn(key.split('.'), true)
      const actual = isScalar(node) ? String(node.value) : undefined
      const place = yamlPlace(targetSide, (node as YamlNode | undefined)?.range?.[0] ?? targetRoot[targetRoot.length - 1]?.keyOffset)
      if (key === codeKey && !locales.targetGiven) {
        // No target locale was asked for: the file's own `locale:` is all there is. It
        // must name a known locale other than the source's.
        const declared = locales.declaredTarget
        const known = declared !== undefined && findLocale(declared) !== undefined
        if (known && declared !== locales.source.code) continue
        reporter.add('frontmatter/locale', {
          context: declared === undefined ? 'absent' : known ? 'same' : 'unknown',
          params: { key, expected: known ? `≠ ${locales.source.code}` : expected, actual: declared ?? '' },
          target: place,
          expected: known ? undefined : expected,
          actual: declared ?? null,
        })
        continue
      }
      if (actual === expected) continue
      reporter.add('frontmatter/locale', {
        context: actual === undefined ? 'absent' : undefined,
        params: { key, expected, actual: actual ?? '' },
        target: place,
        expected,
        actual: actual ?? null,
      })
    }
  }
}
