/**
 * frontmatter: the new locale's YAML, made by splicing value ranges of the source YAML
 * text. Keys the policy keeps are never re-serialized, so their quoting, comments, key
 * order and dates (`createdAt: 2025-07-30`) stay byte-identical.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node, type Scalar } from 'yaml'
import { splice, type Replacement } from './assemble.ts'
import { BoundedCache } from '../shared/bounded-cache.ts'
import { contentHash } from '../shared/hash.ts'

/** Documents of the frontmatter texts seen last: a pair's YAML is read by several stages. */
const DOCUMENTS = new BoundedCache<string, Document>(64)

/**
 * The YAML document of a frontmatter text, parsed once per text: planning, translation,
 * locale and title lookups, the frontmatter rewrite and the check all read the same
 * YAML (five parses per pair before). Shared, so callers only read it, never change it.
 */
export function frontmatterDocument(yaml: string): Document {
  return DOCUMENTS.get(yaml, (text) => parseDocument(text))
}

/**
 * Remembers the document `parse` read a frontmatter text into while validating it (which
 * equals `parseDocument(yaml)` when it had no error), so the stages after it do not parse
 * the same YAML again.
 */
export function rememberFrontmatterDocument(yaml: string, document: Document): void {
  DOCUMENTS.get(yaml, () => document)
}

/**
 * What happens to each frontmatter key. Keys listed nowhere are kept as they are.
 * Keys may be dotted paths into nested maps (`seo.title`).
 */
export interface FrontmatterPolicy {
  /** Keys whose string value (or each string item of a list) is translated. */
  translate: string[]
  /** Keys set to a fixed value; `{locale}` in a value becomes the target's site code. */
  set: Record<string, string>
}

/** The default policy of the site: translate title, description and each keyword; set `locale`. */
export const DEFAULT_FRONTMATTER_POLICY: FrontmatterPolicy = {
  translate: ['title', 'description', 'keywords'],
  set: { locale: '{locale}' },
}

/** One string of the frontmatter to translate; `id` is `title` or `keywords.2`. */
export interface FrontmatterText {
  id: string
  key: string
  text: string
}

interface ValueSite extends FrontmatterText {
  node: Scalar
  inFlow: boolean
}

function keyPath(key: string): string[] {
  return key.split('.')
}

function translatableSites(yaml: string, policy: FrontmatterPolicy): ValueSite[] {
  const document = frontmatterDocument(yaml)
  const sites: ValueSite[] = []
  for (const key of policy.translate) {
    const node = document.getIn(keyPath(key), true) as Node | undefined
    if (isScalar(node) && typeof node.value === 'string') {
      sites.push({ id: key, key, text: node.value, node, inFlow: false })
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (isScalar(item) && typeof item.value === 'string') {
          sites.push({ id: `${key}.${index}`, key, text: item.value, node: item, inFlow: node.flow === true })
        }
      })
    }
  }
  return sites
}

/** The strings the policy says to translate, in key order, empty strings left out. */
export function translatableValues(yaml: string, policy: FrontmatterPolicy = DEFAULT_FRONTMATTER_POLICY): FrontmatterText[] {
  return translatableSites(yaml, policy)
    .filter((site) => site.text.trim() !== '')
    .map(({ id, key, text }) => ({ id, key, text }))
}

/**
 * Writes a string as a YAML scalar in the style of the one it replaces: double or single
 * quotes stay, plain stays plain when YAML allows it, and anything YAML would misread
 * (a `: `, a leading `*`, `#`) gets quoted.
 */
export function formatScalar(value: string, like: Scalar['type'], inFlow: boolean): string {
  if (like === 'QUOTE_DOUBLE' || inFlow || value.includes('\n')) return JSON.stringify(value)
  if (like === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '')
}

function replacementFor(yaml: string, node: Scalar, value: string, inFlow: boolean): Replacement {
  const [start, valueEnd] = node.range ?? [0, 0]
  const blockScalar = node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL'
  // A block scalar's range swallows its final line break; the replacement must put it back.
  const lineBreak = blockScalar && /\r?\n$/.exec(yaml.slice(start, valueEnd))?.[0]
  return { start, end: valueEnd, text: formatScalar(value, blockScalar ? 'PLAIN' : node.type, inFlow) + (lineBreak || '') }
}

/**
 * Makes the target locale's YAML: translated strings (by {@link FrontmatterText.id}) and
 * `set` keys are spliced in; every other byte is the source's. A `set` key missing from
 * the source is appended. Strings without a translation keep their source text.
 */
export function localizeFrontmatter(
  yaml: string,
  targetLocale: string,
  translations: ReadonlyMap<string, string>,
  policy: FrontmatterPolicy = DEFAULT_FRONTMATTER_POLICY,
): string {
  const replacements: Replacement[] = []
  for (const site of translatableSites(yaml, policy)) {
    const translated = translations.get(site.id)
    // An unchanged value keeps its exact source text (block scalars, escapes, folding).
    if (translated !== undefined && translated !== site.text) replacements.push(replacementFor(yaml, site.node, translated, site.inFlow))
  }
  const document = frontmatterDocument(yaml)
  let appended = ''
  for (const [key, template] of Object.entries(policy.set)) {
    const value = template.replaceAll('{locale}', targetLocale)
    const node = document.getIn(keyPath(key), true) as Node | undefined
    if (isScalar(node)) {
      if (node.value !== value) replacements.push(replacementFor(yaml, node, value, false))
    } else if (node === undefined && !key.includes('.') && (document.contents === null || isMap(document.contents))) {
      appended += `${key}: ${formatScalar(value, 'PLAIN', false)}\n`
    }
  }
  const eol = yaml.includes('\r\n') ? '\r\n' : '\n'
  const spliced = splice(yaml, replacements)
  if (!appended) return spliced
  const separator = spliced === '' || spliced.endsWith('\n') ? '' : eol
  return spliced + separator + appended.replace(/\n/g, eol)
}

/** Top-level keys of a YAML mapping, in order (for the frontmatter check). */
export function topLevelKeys(yaml: string): string[] {
  const document = frontmatterDocument(yaml)
  if (!isMap(document.contents)) return []
  return document.contents.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key))
}

/** Hash of the frontmatter strings a policy translates. */
export function valuesHash(values: readonly FrontmatterText[]): string {
  return contentHash(JSON.stringify(values.map((value) => [value.id, value.text])))
}
