/**
 * Frontmatter rules (`frontmatter/*`): the target's YAML must parse, keep the source's
 * keys in order, keep kept values as data (parsed YAML equality, so re-indenting or
 * re-quoting is no change), translate the translated keys (dotted paths, `[]` for each
 * item of a list: `features[].title`) and set the set keys (the locale) to what the
 * policy says. A Hugo TOML block (`+++`) is read as the YAML it spells for flat keys.
 */
import { isDeepStrictEqual } from 'node:util'
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml'
import { frontmatterDocument, type FrontmatterPolicy } from '../article/frontmatter.ts'
import { validatedFrontmatterDocument } from '../article/parse.ts'
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

/**
 * The YAML of a frontmatter block. A TOML block's `key = value` lines become `key:  value`
 * (same length, so offsets stay true): flat TOML keys with quoted strings, numbers and
 * booleans are valid YAML that way; tables (`[x]`) are left as comments.
 */
export function frontmatterYaml(article: Article): string {
  const { yaml, format } = article.frontmatter
  if (format !== 'toml') return yaml
  return yaml.replace(/^([ \t]*)([A-Za-z0-9_.-]+)([ \t]*)=([ \t]?)/gm, (_all, indent: string, key: string, before: string, after: string) => `${indent}${key}:${before}${' '.repeat(after.length)} `.slice(0, _all.length)).replace(/^(\s*)\[/gm, '$1#')
}

// One parse of an article's frontmatter serves the locale lookup and the rules. Documents
// are only read here, never changed.
const documents = new WeakMap<Article, { yaml: string; document: Document }>()

/** The article's frontmatter YAML, parsed with the library's defaults (duplicate keys are errors). */
function parsedFrontmatter(article: Article): { yaml: string; document: Document } {
  let parsed = documents.get(article)
  if (!parsed) {
    const yaml = frontmatterYaml(article)
    // `parse` has read this YAML already (validating it, never TOML): its document serves
    // when it can; otherwise the one parse of this text the other stages share.
    parsed = { yaml, document: validatedFrontmatterDocument(article.frontmatter) ?? frontmatterDocument(yaml) }
    documents.set(article, parsed)
  }
  return parsed
}

function yamlSide(article: Article): YamlSide {
  const { yaml, document } = parsedFrontmatter(article)
  return {
    yaml,
    // Without errors there is no duplicate key, so allowing duplicates would parse the same;
    // with errors, parse again allowing them (a duplicate is frontmatter/keys' finding).
    document: document.errors.length === 0 ? document : parseDocument(yaml, { uniqueKeys: false }),
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

/** A node as plain data (`null` for none), for comparing values however they are written. */
function toData(node: unknown): unknown {
  if (node === null || node === undefined) return null
  const json = (node as { toJSON?: () => unknown }).toJSON
  return typeof json === 'function' ? json.call(node) : node
}

/** The strings of a value: itself, or the strings among its items. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

/**
 * True when a kept value reads as translated: both are text (or lists of text), and the
 * source is in the source's language and the target in the target's, told apart by
 * script (Han vs Latin) — for two Latin languages, by the text having changed at all
 * while carrying words (not a slug, a date, a path or a number).
 */
function looksTranslated(source: unknown, target: unknown, from: LocaleInfo, to: LocaleInfo): boolean {
  const a = strings(source)
  const b = strings(target)
  if (a.length === 0 || b.length === 0 || Array.isArray(source) !== Array.isArray(target)) return false
  if (from.code === to.code) return false
  const prose = (text: string) => /\p{L}/u.test(text) && !/^[\w./:#@-]+$/u.test(text.trim())
  const hasScript = (texts: string[], locale: LocaleInfo) => texts.some((text) => scriptShare(text, locale) > 0.3)
  if (from.script !== to.script) {
    const letters = (texts: string[]) => texts.some((text) => /\p{L}/u.test(text))
    return hasScript(a, from) !== hasScript(b, from) && letters(a) && letters(b)
  }
  return a.some(prose) && b.some(prose)
}

/** The share of a text's letters written in a locale's script. */
function scriptShare(text: string, locale: LocaleInfo): number {
  const letters = [...text].filter((char) => /\p{L}/u.test(char))
  if (letters.length === 0) return 0
  const script = locale.script === 'Latn' ? /\p{Script=Latin}/u : locale.script === 'Cyrl' ? /\p{Script=Cyrillic}/u : /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u
  return letters.filter((char) => script.test(char)).length / letters.length
}

/**
 * The concrete paths of a policy key in a document: `seo.title` as is, `features[].title`
 * once for each item of `features` (`features.0.title`, `features.1.title`).
 */
export function expandPath(document: Document, pattern: string): string[] {
  if (!pattern.includes('[]')) return [pattern]
  const at = pattern.indexOf('[]')
  const head = pattern.slice(0, at)
  const tail = pattern.slice(at + 2).replace(/^\./, '')
  const list = document.getIn(head.split('.'), true)
  if (!isSeq(list)) return []
  return list.items.flatMap((_, index) => expandPath(document, tail === '' ? `${head}.${index}` : `${head}.${index}.${tail}`))
}

/** The frontmatter key holding the site code: the policy's `set` key whose value is `{locale}`. */
export function localeKey(policy: FrontmatterPolicy): string {
  return Object.entries(policy.set).find(([, template]) => template === '{locale}')?.[0] ?? 'locale'
}

/** The string at `key` (a dotted path) in the article's frontmatter, if there is one. */
export function declaredLocale(article: Article, key: string): string | undefined {
  try {
    const value = parsedFrontmatter(article).document.getIn(key.split('.'))
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
  // A set key (the locale) is part of the contract when either file has it: our articles
  // always carry `locale:`; other sites' pairs often carry none, and then none is expected.
  const has = (side: YamlSide, key: string) => side.document.hasIn(key.split('.'))
  const setKeys = Object.keys(policy.set).filter((key) => has(sourceSide, key) || has(targetSide, key))
  const translatePaths = new Set(policy.translate.flatMap((pattern) => expandPath(sourceSide.document, pattern)))

  // Keys: the source's, in order, plus `set` keys the source lacks (appended by localizeFrontmatter).
  if (reporter.on('frontmatter/keys')) {
    const expected = sourceRoot.map((pair) => pair.key)
    for (const key of setKeys) if (!key.includes('.') && !expected.includes(key)) expected.push(key)
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

  const handled = new Set([...translatePaths, ...Object.keys(policy.set)])
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
      if (nested && isSeq(pair.value) && isSeq(other.value)) {
        const targetItems = other.value.items
        pair.value.items.forEach((item, index) => compareKept(pairsOf(item), pairsOf(targetItems[index]), `${path}.${index}.`))
        continue
      }
      // Kept values are data: equal when they parse to the same value, however written.
      if (isDeepStrictEqual(toData(pair.value), toData(other.value))) continue
      const expected = nodeText(sourceSide, pair.value)
      const actual = nodeText(targetSide, other.value)
      // Text in the source's language turned into text in the target's: a key this
      // policy does not list as translated, but the site translates (`linkTitle`, `tags`).
      const translated = looksTranslated(toData(pair.value), toData(other.value), locales.source, locales.target)
      reporter.add(translated ? 'frontmatter/kept-translated' : 'frontmatter/kept-changed', {
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
  for (const key of translatePaths) {
    const path = key.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))
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
    for (const [key, template] of Object.entries(policy.set).filter(([key]) => setKeys.includes(key))) {
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
