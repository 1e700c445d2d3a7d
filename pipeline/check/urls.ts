/**
 * When a link of the translation is the link of the source: what translators may
 * legitimately change in a URL.
 *
 * - The locale in the path or host, by rule: `/en/guides/` ↔ `/zh-cn/guides/`,
 *   `/components/select-cn` ↔ `/components/select`, `zh.wikipedia.org` ↔ `en.wikipedia.org`.
 *   Built-in rules know every spelling of both locales (site code, BCP 47 tag, language);
 *   `CheckOptions.urlRewrites` adds literal rules of the site's own.
 * - A same-page `#fragment` pointing at a heading: the translated heading's slug.
 * - The `#fragment` of a link to another page of the site (its slug is in a file not read here).
 * - Spelling the WHATWG URL parser reads as the same URL (`https://a.io` = `https://a.io/`).
 */
import type { LocaleInfo } from '../article/locales.ts'

/** A site rule: `source` in a source URL may be `target` in the translation's (`{sourceLocale}`, `{targetLocale}` stand for any spelling). */
export interface UrlRewrite {
  source: string
  target: string
}

/** Heading slugs of one article, in heading order. */
export type HeadingSlugs = readonly string[]

/** Compares link URLs of a source and its translation; built once per article pair. */
export interface UrlMatcher {
  /** The form a source URL is compared in. */
  sourceKey: (url: string) => string
  /** The form a target URL is compared in (equal to a source URL's key when it is the same link). */
  targetKey: (url: string) => string
}

/** Every spelling of a locale in URLs, longest first: `zh-cn`, `zh-hans`, `zh`, `cn`. */
export function localeSpellings(locale: LocaleInfo): string[] {
  const tag = locale.tag.toLowerCase()
  const language = tag.split('-')[0]!
  const extra = language === 'zh' ? ['zh-hans', 'zh-cn', 'zh'] : language === 'ja' ? ['ja', 'jp'] : [`${language}-us`, `${language}-gb`]
  return [...new Set([tag, locale.code.toLowerCase(), language, ...extra])].sort((a, b) => b.length - a.length)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i

/** The URL as the WHATWG parser writes it, percent-escapes decoded; relative URLs as written. */
function normalized(url: string): string {
  let value = url.trim()
  if (/^https?:\/\//i.test(value)) {
    try {
      value = new URL(value).href
    } catch {
      // Not a URL the parser reads: compare as written.
    }
  }
  try {
    return decodeURI(value)
  } catch {
    return value
  }
}

/** The URL with every spelling of a locale replaced by a placeholder: in a path segment, as a `-xx` suffix, as a host label. */
function withoutLocale(url: string, spellings: readonly string[]): string {
  let value = url
  for (const spelling of spellings) {
    const [segment, suffix, host] = spellingPatterns(spelling)
    value = value.replace(segment, '/{locale}').replace(suffix, '').replace(host, '$1')
  }
  return value
}

// The three patterns of a spelling, built once per spelling instead of once per URL
// (`replace` starts a global pattern from the beginning, so sharing them is safe).
const SPELLING_PATTERNS = new Map<string, [RegExp, RegExp, RegExp]>()

function spellingPatterns(spelling: string): [RegExp, RegExp, RegExp] {
  let patterns = SPELLING_PATTERNS.get(spelling)
  if (!patterns) {
    const s = escape(spelling)
    patterns = [new RegExp(`/${s}(?=/|#|\\?|$)`, 'gi'), new RegExp(`-${s}(?=/|#|\\?|$)`, 'gi'), new RegExp(`^(https?://)${s}\\.`, 'i')]
    SPELLING_PATTERNS.set(spelling, patterns)
  }
  return patterns
}

/**
 * A matcher for one article pair. `slugs` are each article's heading slugs in order;
 * a same-page fragment counts by the index of the heading it names, so `#other-tools`
 * and `#其他工具` match when they name the same heading. A fragment that names no
 * heading (a heading of a part not read here) is only compared with another such.
 */
export function urlMatcher(
  sourceLocale: LocaleInfo,
  targetLocale: LocaleInfo,
  rewrites: readonly UrlRewrite[] | undefined,
  slugs?: { source: HeadingSlugs; target: HeadingSlugs },
): UrlMatcher {
  const sourceSpellings = localeSpellings(sourceLocale)
  const targetSpellings = localeSpellings(targetLocale)
  const fragmentKey = (fragment: string, list: HeadingSlugs | undefined) => {
    if (!list) return `#${fragment}`
    const index = list.indexOf(fragment.toLowerCase())
    return index === -1 ? '#{elsewhere}' : `#{heading ${index}}`
  }
  const key = (url: string, spellings: readonly string[], list: HeadingSlugs | undefined, rules: readonly [string, string][]) => {
    let value = normalized(url)
    for (const [from, to] of rules) if (from !== '' && value.includes(from)) value = value.replaceAll(from, to)
    if (value.startsWith('#')) return fragmentKey(value.slice(1), list)
    value = withoutLocale(value, spellings)
    // A link to another page of the site: its fragment is that page's heading slug.
    if (!ABSOLUTE.test(value) && !value.startsWith('//')) value = value.replace(/#.*$/, '')
    return value
  }
  // Site rules, both placeholders spelled out; the target side is written back to the source's form.
  const expand = (template: string, source: string, target: string) => template.replaceAll('{sourceLocale}', source).replaceAll('{targetLocale}', target)
  const targetRules: [string, string][] = []
  for (const rule of rewrites ?? []) {
    for (const s of sourceSpellings) for (const t of targetSpellings) targetRules.push([expand(rule.target, s, t), expand(rule.source, s, t)])
  }
  return {
    sourceKey: (url) => key(url, sourceSpellings, slugs?.source, []),
    targetKey: (url) => key(url, targetSpellings, slugs?.target, targetRules),
  }
}
