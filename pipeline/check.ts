/**
 * check: a translation against its source. Pure: two parsed articles (or two Markdown
 * fragments) in, findings out; nothing is read, written or timed here.
 *
 * The comparison is structural and language-independent: same frontmatter keys, same
 * sections, and inside each section the same paragraphs, lists, tables, code, URLs,
 * HTML, footnotes, emphasis and numbers. A few text heuristics catch what a model tends
 * to do wrong (Chinese left in an English paragraph, a paragraph left untranslated, a
 * section cut short). Every rule has an id and a default severity in {@link RULES};
 * `options.rules` switches a rule off or changes its severity.
 *
 * `checkSection` is the one implementation of "is this section intact": `check` calls
 * it for each aligned pair of sections, and the translator calls it on each answer
 * before accepting it.
 */
import type { Nodes, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml'
import { DEFAULT_FRONTMATTER_POLICY, type FrontmatterPolicy } from './frontmatter.ts'
import { t } from './i18n.ts'
import { findLeftovers } from './lint.ts'
import { lockedForm, type Glossary, type GlossaryEntry } from './glossary.ts'
import { findLocale, isCjk, requireLocale, type LocaleInfo } from './locales.ts'
import { parseMarkdown } from './markdown.ts'
import { split } from './split.ts'
import { countForm, findTerms, normalize, normalizeTerm, verifyTerms } from './terms.ts'
import type { Article, Finding, Place, Section, Severity } from './types.ts'

// ---------------------------------------------------------------------------------------
// Rules

/**
 * Every rule with its default severity. This is the only list: the renderers, the CLI
 * and the translator read rule ids from here.
 */
export const RULES = {
  'frontmatter/yaml-invalid': 'error',
  'frontmatter/keys': 'error',
  'frontmatter/kept-changed': 'error',
  'frontmatter/translated-missing': 'error',
  'frontmatter/untranslated': 'warning',
  'frontmatter/locale': 'error',
  'sections/count': 'error',
  'sections/heading-depth': 'error',
  'sections/paragraph-count': 'error',
  'sections/list-count': 'error',
  'sections/list-item-count': 'error',
  'sections/table-shape': 'error',
  'sections/code-block': 'error',
  'sections/inline-code': 'error',
  'sections/link-urls': 'error',
  'sections/image-urls': 'error',
  'sections/html': 'error',
  'sections/footnotes': 'error',
  'inline/strong-count': 'warning',
  'inline/emphasis-count': 'warning',
  'inline/broken-emphasis': 'error',
  'text/han-residue': 'error',
  'text/identical-paragraph': 'warning',
  'text/numbers': 'warning',
  'text/length-ratio': 'warning',
  'text/doubled-word': 'warning',
  'text/unpaired-brackets': 'warning',
  'glossary/locked-form-missing': 'error',
  'glossary/wrong-form': 'error',
  'glossary/inconsistent': 'warning',
} as const satisfies Record<string, Severity>

/** A rule id of {@link RULES}. */
export type RuleId = keyof typeof RULES

/** What `options.rules` may set a rule to: a severity, or `off`. */
export type RuleSetting = Severity | 'off'

/** Per-rule overrides, by rule id. Unknown ids are a programmer error (TypeError). */
export type RuleSettings = Partial<Record<string, RuleSetting>>

/** A target/source length ratio range (target chars / source chars). */
export interface LengthRatio {
  min: number
  max: number
}

/** Options of {@link check}. */
export interface CheckOptions {
  /**
   * Site code (or BCP 47 tag) of the source. @default the source frontmatter's `locale:`
   */
  sourceLocale?: string
  /**
   * Site code (or BCP 47 tag) the translation is for. When given, the target's
   * `locale:` must equal it. @default the target frontmatter's `locale:`
   */
  targetLocale?: string
  /** Per-rule severity or `off`, by rule id. @default each rule's severity in {@link RULES} */
  rules?: RuleSettings
  /** Compare heading sequences only down to this depth (1–6). @default 6 */
  headingDepth?: number
  /** Glossary whose locked forms the translation must use; glossary rules run only with one. */
  glossary?: Glossary
  /** Which frontmatter keys are translated and set. @default DEFAULT_FRONTMATTER_POLICY */
  policy?: FrontmatterPolicy
  /**
   * Allowed target/source character ratio per section, overriding the calibrated range
   * of the language pair (see {@link expectedLengthRatio}). `0 < min < max`.
   */
  lengthRatio?: LengthRatio
  /** Language of the messages (i18next `lng`). @default the current UI language */
  lng?: string
}

/** Where a fragment checked by {@link checkSection} sits, and what to compare it with. */
export interface SectionCheckContext {
  /** Index of the section in the source article (copied into findings). */
  section: number
  /** Heading text of the source section (copied into findings). */
  heading: string | null
  /** The target file (copied into findings). */
  file: string
  /** Site code or BCP 47 tag of each side. */
  sourceLocale: string
  targetLocale: string
  /** Offset of the source fragment in `sourceText`. @default 0 */
  sourceOffset?: number
  /** Offset of the target fragment in `targetText`. @default 0 */
  targetOffset?: number
  /**
   * The whole source file, for line and column. Without it, lines and columns are
   * counted within the fragment (offsets are still shifted by `sourceOffset`).
   */
  sourceText?: string
  /** The whole target file, for line and column (see `sourceText`). */
  targetText?: string
  glossary?: Glossary
  rules?: RuleSettings
  /** @default 6 */
  headingDepth?: number
  lengthRatio?: LengthRatio
  /**
   * Language of the messages (i18next `lng`): the translator asks for English to show
   * the model what is wrong with its answer. @default the current UI language
   */
  lng?: string
  /**
   * Blocks already parsed from a larger text (what `check` passes, so an article is
   * parsed once). Node offsets minus `sourceBase`/`targetBase` must be offsets into the
   * fragments. Without it, the fragments are parsed here.
   */
  blocks?: {
    source: readonly RootContent[]
    target: readonly RootContent[]
    sourceBase: number
    targetBase: number
  }
}

function validateRules(rules: RuleSettings | undefined): void {
  if (!rules) return
  for (const [id, setting] of Object.entries(rules)) {
    if (!(id in RULES)) {
      throw new TypeError(`Expected a rule id of RULES in \`rules\`, got \`${id}\`; known: ${Object.keys(RULES).join(', ')}`)
    }
    if (setting !== undefined && setting !== 'error' && setting !== 'warning' && setting !== 'info' && setting !== 'off') {
      throw new TypeError(`Expected \`rules['${id}']\` to be error, warning, info or off, got \`${String(setting)}\` (${typeof setting})`)
    }
  }
}

function validateHeadingDepth(depth: number | undefined): number {
  if (depth === undefined) return 6
  if (!Number.isInteger(depth) || depth < 1 || depth > 6) {
    throw new TypeError(`Expected \`headingDepth\` to be an integer from 1 to 6, got \`${String(depth)}\` (${typeof depth})`)
  }
  return depth
}

function validateLengthRatio(ratio: LengthRatio | undefined): void {
  if (ratio === undefined) return
  const { min, max } = ratio
  if (!(Number.isFinite(min) && Number.isFinite(max) && min > 0 && max > min)) {
    throw new TypeError(`Expected \`lengthRatio\` to be {min, max} with 0 < min < max, got \`${JSON.stringify(ratio)}\``)
  }
}

// ---------------------------------------------------------------------------------------
// Places

// Line starts per text, so a line:column costs a binary search. Two texts (source and
// target) are looked up over and over; a handful of entries is plenty.
const lineStartCache = new Map<string, number[]>()

function lineStarts(text: string): number[] {
  let starts = lineStartCache.get(text)
  if (starts) return starts
  starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  if (lineStartCache.size >= 8) lineStartCache.delete(lineStartCache.keys().next().value!)
  lineStartCache.set(text, starts)
  return starts
}

function placeIn(text: string, offset: number): Place {
  const starts = lineStarts(text)
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if (starts[middle]! <= offset) low = middle
    else high = middle - 1
  }
  return { line: low + 1, column: offset - starts[low]! + 1, offset }
}

/** Maps fragment offsets to file places: `text` is the file (or the fragment), `shift` the fragment's offset in it. */
interface Locator {
  text: string
  shift: number
}

function locate(locator: Locator, fragmentOffset: number): Place {
  return placeIn(locator.text, locator.shift + Math.max(0, fragmentOffset))
}

// ---------------------------------------------------------------------------------------
// Reporting

interface Where {
  lng?: string | undefined
  file: string
  section?: number
  heading?: string | null
}

interface Report {
  /** Message context (i18next `context`), for rules with several messages. */
  context?: string
  params?: Record<string, unknown>
  source?: Place
  target?: Place
  expected?: unknown
  actual?: unknown
}

class Reporter {
  readonly findings: Finding[] = []
  constructor(
    private readonly rules: RuleSettings | undefined,
    private readonly where: Where,
  ) {}

  on(rule: RuleId): boolean {
    return this.setting(rule) !== 'off'
  }

  private setting(rule: RuleId): RuleSetting {
    return this.rules?.[rule] ?? RULES[rule]
  }

  add(rule: RuleId, report: Report): void {
    const severity = this.setting(rule)
    if (severity === 'off') return
    const finding: Finding = {
      ruleId: rule,
      severity,
      message: t(`check:${rule}`, {
        ...report.params,
        ...(report.context ? { context: report.context } : {}),
        ...(this.where.lng ? { lng: this.where.lng } : {}),
      }),
      file: this.where.file,
    }
    if (this.where.section !== undefined) finding.section = this.where.section
    if (this.where.heading !== undefined) finding.heading = this.where.heading
    if (report.source) finding.sourcePosition = report.source
    if (report.target) finding.targetPosition = report.target
    if (report.expected !== undefined) finding.expected = report.expected
    if (report.actual !== undefined) finding.actual = report.actual
    this.findings.push(finding)
  }
}

// ---------------------------------------------------------------------------------------
// Text helpers

function codePoints(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

// A run of Chinese (or Japanese kana) with the punctuation between its characters.
const HAN_RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}](?:[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc\u3000-\u303f\uff01-\uff5e\u2014\u2026\u201c\u201d]*[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])?/gu
const LETTER = /\p{L}/u
const SCRIPT_LETTERS: Record<LocaleInfo['script'], RegExp> = {
  Hans: /\p{Script=Han}/u,
  Jpan: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
  Latn: /\p{Script=Latin}/u,
  Cyrl: /\p{Script=Cyrillic}/u,
}

function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * True when a target text equal to its source looks like it was not translated: the
 * languages differ, and the text has a letter of the source's script that the target's
 * script has no use for (Han in English), or is longer than 20 characters. Names,
 * numbers and short shared words ("Soundtrack" in English and German) pass.
 */
export function looksUntranslated(source: string, target: string, sourceLocale: LocaleInfo, targetLocale: LocaleInfo): boolean {
  if (sourceLocale.code === targetLocale.code) return false
  const a = normalizeSpace(source)
  if (a === '' || a !== normalizeSpace(target) || !LETTER.test(a)) return false
  const sourceScript = SCRIPT_LETTERS[sourceLocale.script]
  const targetScript = SCRIPT_LETTERS[targetLocale.script]
  for (const char of a) {
    if (sourceScript.test(char) && !targetScript.test(char)) return true
  }
  return codePoints(a) > 20
}

/** A number in a text, with the spellings it may take in the other language. */
interface NumberToken {
  /** As written. */
  text: string
  /** Canonical digit strings that count as the same number (`60年代` → 60, 1960, 2060). */
  keys: string[]
  offset: number
}

const FULL_WIDTH_DIGIT = /[\uff10-\uff19]/g
// Chinese decades in digits: 60年代, 60-70年代 (both decades).
const DECADE = /(?<!\d)(\d{2})(?:\s*[-–—~～至到]\s*(\d{2}))?\s*年代/g
// Decades and centuries in Chinese numerals: 三十年代, 五六十年代 (the 50s and 60s), 二十世纪.
const HAN_DIGITS = '〇一二三四五六七八九'
const HAN_DECADE = /([一二三四五六七八九]{1,2})十年代/g
const HAN_CENTURY = /(?<![一二三四五六七八九十〇])([一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])世纪/g
// Group separators: comma, dot, no-break and thin spaces before exactly three digits.
const NUMBER = /\d+(?:[,.\u00a0\u202f\u2009]\d{3}(?!\d))*(?:[.,]\d+)?/g

/** 1–99 written in Chinese numerals (十九, 二十, 二十一). */
function hanNumber(text: string): number {
  const ten = text.indexOf('十')
  if (ten === -1) return HAN_DIGITS.indexOf(text)
  const tens = ten === 0 ? 1 : HAN_DIGITS.indexOf(text[0]!)
  const ones = ten === text.length - 1 ? 0 : HAN_DIGITS.indexOf(text[ten + 1]!)
  return tens * 10 + ones
}

function canonicalNumber(text: string): string {
  return text.replace(/\D/g, '').replace(/^0+(?=\d)/, '')
}

/**
 * Numbers in a text. Separators are dropped (1,000 = 1.000 = 1000, and 3.5 = 3,5), full-width
 * digits count as digits, and a Chinese decade (`60年代`, `六十年代`, each of `五六十年代`)
 * matches 60, 1960 or 2060 (`1960s`); a century in numerals (`二十世纪`) matches 20 (`20th`).
 * Other numbers written in Chinese numerals (三个, 一部) are words, not numbers.
 */
export function extractNumbers(value: string, offset = 0): NumberToken[] {
  const text = value.replace(FULL_WIDTH_DIGIT, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xff10 + 48))
  const tokens: NumberToken[] = []
  for (const match of text.matchAll(HAN_DECADE)) {
    for (const digit of match[1]!) {
      const decade = `${HAN_DIGITS.indexOf(digit)}0`
      tokens.push({ text: match[0], keys: [decade, `19${decade}`, `20${decade}`], offset: offset + match.index })
    }
  }
  for (const match of text.matchAll(HAN_CENTURY)) {
    tokens.push({ text: match[0], keys: [String(hanNumber(match[1]!))], offset: offset + match.index })
  }
  let masked = text
  for (const match of text.matchAll(DECADE)) {
    for (const decade of [match[1], match[2]]) {
      if (decade === undefined) continue
      const key = canonicalNumber(decade)
      tokens.push({ text: match[0], keys: [key, `19${decade}`, `20${decade}`], offset: offset + match.index })
    }
    masked = masked.slice(0, match.index) + ' '.repeat(match[0].length) + masked.slice(match.index + match[0].length)
  }
  for (const match of masked.matchAll(NUMBER)) {
    tokens.push({ text: match[0], keys: [canonicalNumber(match[0])], offset: offset + match.index })
  }
  return tokens.sort((a, b) => a.offset - b.offset)
}

/** Source tokens without a counterpart in the target (each target token used once). */
function missingNumbers(source: readonly NumberToken[], target: readonly NumberToken[]): NumberToken[] {
  const byKey = new Map<string, number[]>()
  target.forEach((token, index) => {
    for (const key of token.keys) {
      const list = byKey.get(key)
      if (list) list.push(index)
      else byKey.set(key, [index])
    }
  })
  const used = new Set<number>()
  const missing: NumberToken[] = []
  // Exact numbers first: a decade (60, 1960 or 2060) must not take the only plain 80 ("CS-80").
  const ordered = [...source].sort((a, b) => a.keys.length - b.keys.length)
  for (const token of ordered) {
    let found = false
    for (const key of token.keys) {
      const candidates = byKey.get(key)
      const free = candidates?.find((index) => !used.has(index))
      if (free !== undefined) {
        used.add(free)
        found = true
        break
      }
    }
    if (!found) missing.push(token)
  }
  return missing.sort((a, b) => a.offset - b.offset)
}

function isLeftoverText(text: string): boolean {
  const leftovers = findLeftovers(text)
  if (leftovers.length === 0) return false
  let rest = ''
  let at = 0
  for (const leftover of leftovers) {
    rest += text.slice(at, leftover.start)
    at = leftover.end
  }
  rest += text.slice(at)
  return rest.trim() === ''
}

function maskLeftovers(text: string): string {
  let masked = text
  for (const leftover of findLeftovers(text)) {
    masked = masked.slice(0, leftover.start) + ' '.repeat(leftover.end - leftover.start) + masked.slice(leftover.end)
  }
  return masked
}

/** The difference of two multisets: items of `a` not matched in `b`. */
function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>()
  for (const item of b) counts.set(item, (counts.get(item) ?? 0) + 1)
  const rest: string[] = []
  for (const item of a) {
    const count = counts.get(item) ?? 0
    if (count > 0) counts.set(item, count - 1)
    else rest.push(item)
  }
  return rest
}

// ---------------------------------------------------------------------------------------
// Fragment profile: everything the rules compare, collected in one walk of the tree.

/** A run of inline text: a paragraph, a heading or a table cell. */
interface TextBlock {
  kind: 'paragraph' | 'heading' | 'cell'
  offset: number
  /** Text of its text nodes; inline code, HTML and footnote references are U+FFFC. */
  prose: string
  /** Where each text node starts in `prose`, and in the fragment. */
  segments: { at: number; offset: number }[]
  strong: number
  emphasis: number
  numbers: NumberToken[]
  codes: string[]
  urls: string[]
  /** Code points of text and inline code (the length-ratio measure). */
  chars: number
}

interface Located<T> {
  offset: number
  value: T
}

interface Profile {
  headings: Located<number>[]
  /** Every paragraph, heading and table cell. */
  blocks: TextBlock[]
  /**
   * Paragraphs outside lists: what `sections/paragraph-count` counts. A list's
   * paragraphs are its items, counted by the list rules, so one dropped item is one finding.
   */
  paragraphs: TextBlock[]
  lists: Located<number>[]
  tables: Located<string>[]
  code: Located<string>[]
  inlineCode: Located<string>[]
  links: Located<string>[]
  images: Located<string>[]
  html: Located<string>[]
  footnoteReferences: number[]
  footnoteDefinitions: number[]
  strong: number[]
  emphasis: number[]
  /** Text nodes outside code and URL text. */
  texts: Located<string>[]
  numbers: NumberToken[]
  chars: number
  /** All prose, blocks separated by blank lines (what glossary matching reads). */
  prose: string
}

const PLACEHOLDER = '\ufffc'

function blockOffset(block: TextBlock, proseIndex: number): number {
  let segment = block.segments[0]
  for (const candidate of block.segments) {
    if (candidate.at > proseIndex) break
    segment = candidate
  }
  return segment ? segment.offset + (proseIndex - segment.at) : block.offset
}

/**
 * Walks blocks once. With `dropLeftovers`, paragraphs that are nothing but generator
 * leftovers are skipped whole and leftovers inside other text are blanked, so neither
 * counts: the translator leaves them out and the reference translation omits them.
 */
function profile(blocks: readonly RootContent[], base: number, dropLeftovers: boolean): Profile {
  const result: Profile = {
    headings: [],
    blocks: [],
    paragraphs: [],
    lists: [],
    tables: [],
    code: [],
    inlineCode: [],
    links: [],
    images: [],
    html: [],
    footnoteReferences: [],
    footnoteDefinitions: [],
    strong: [],
    emphasis: [],
    texts: [],
    numbers: [],
    chars: 0,
    prose: '',
  }
  let block: TextBlock | undefined
  let listDepth = 0
  const proseParts: string[] = []

  const openBlock = (kind: TextBlock['kind'], offset: number): TextBlock => ({
    kind,
    offset,
    prose: '',
    segments: [],
    strong: 0,
    emphasis: 0,
    numbers: [],
    codes: [],
    urls: [],
    chars: 0,
  })

  const walk = (node: Nodes, linkUrl: string | undefined): void => {
    const offset = (node.position?.start.offset ?? base) - base
    switch (node.type) {
      case 'paragraph':
      case 'heading':
      case 'tableCell': {
        if (node.type === 'paragraph' && dropLeftovers && isLeftoverText(toString(node))) return
        if (node.type === 'heading') result.headings.push({ offset, value: node.depth })
        const outer = block
        const current = openBlock(node.type === 'tableCell' ? 'cell' : node.type, offset)
        block = current
        for (const child of node.children) walk(child, linkUrl)
        block = outer
        result.blocks.push(current)
        if (current.kind === 'paragraph' && listDepth === 0) result.paragraphs.push(current)
        result.chars += current.chars
        if (current.prose.trim() !== '') proseParts.push(current.prose)
        return
      }
      case 'text': {
        // Text that only repeats its link's URL (autolinks) is a URL, not prose.
        if (linkUrl !== undefined && (linkUrl === node.value || linkUrl.endsWith(`//${node.value}`) || linkUrl === `mailto:${node.value}`)) {
          if (block) block.prose += PLACEHOLDER
          return
        }
        const value = dropLeftovers ? maskLeftovers(node.value) : node.value
        result.texts.push({ offset, value })
        const numbers = extractNumbers(value, offset)
        result.numbers.push(...numbers)
        if (block) {
          block.segments.push({ at: block.prose.length, offset })
          block.prose += value
          block.numbers.push(...numbers)
          block.chars += codePoints(value)
        } else {
          result.chars += codePoints(value)
        }
        return
      }
      case 'inlineCode':
        result.inlineCode.push({ offset, value: node.value })
        if (block) {
          block.codes.push(node.value)
          block.prose += PLACEHOLDER
          block.chars += codePoints(node.value)
        }
        return
      case 'code':
        result.code.push({ offset, value: `${node.lang ?? ''}\n${node.value}` })
        return
      case 'html':
        result.html.push({ offset, value: node.value.trim() })
        if (block) block.prose += PLACEHOLDER
        return
      case 'image':
        result.images.push({ offset, value: node.url })
        return
      case 'definition':
        result.links.push({ offset, value: node.url })
        return
      case 'link':
        result.links.push({ offset, value: node.url })
        block?.urls.push(node.url)
        for (const child of node.children) walk(child, node.url)
        return
      case 'strong':
        result.strong.push(offset)
        if (block) block.strong++
        break
      case 'emphasis':
        result.emphasis.push(offset)
        if (block) block.emphasis++
        break
      case 'list':
        result.lists.push({ offset, value: node.children.length })
        listDepth++
        for (const child of node.children) walk(child, linkUrl)
        listDepth--
        return
      case 'table': {
        const columns = Math.max(0, ...node.children.map((row) => row.children.length))
        result.tables.push({ offset, value: `${node.children.length}×${columns}` })
        break
      }
      case 'footnoteReference':
        result.footnoteReferences.push(offset)
        if (block) block.prose += PLACEHOLDER
        return
      case 'footnoteDefinition':
        result.footnoteDefinitions.push(offset)
        break
      case 'break':
        if (block) block.prose += '\n'
        return
      default:
        break
    }
    if ('children' in node) for (const child of node.children) walk(child as Nodes, linkUrl)
  }

  for (const node of blocks) walk(node, undefined)
  result.prose = proseParts.join('\n\n')
  return result
}

// ---------------------------------------------------------------------------------------
// Alignment

/**
 * Pairs two sequences in order so that as many items as possible are paired and, among
 * those pairings, the total similarity is highest (Needleman–Wunsch with free gaps and
 * a bonus per pair). Returns index pairs; `undefined` marks an item without a partner.
 */
export function align<A, B>(a: readonly A[], b: readonly B[], similarity: (x: A, y: B) => number): [number | undefined, number | undefined][] {
  if (a.length === b.length) return a.map((_, index) => [index, index])
  const width = b.length + 1
  const score = new Float64Array((a.length + 1) * width)
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const diagonal = score[(i - 1) * width + j - 1]! + 1 + similarity(a[i - 1]!, b[j - 1]!)
      score[i * width + j] = Math.max(diagonal, score[(i - 1) * width + j]!, score[i * width + j - 1]!)
    }
  }
  const pairs: [number | undefined, number | undefined][] = []
  let i = a.length
  let j = b.length
  while (i > 0 || j > 0) {
    const here = score[i * width + j]!
    if (i > 0 && j > 0 && here === score[(i - 1) * width + j - 1]! + 1 + similarity(a[i - 1]!, b[j - 1]!)) {
      pairs.push([--i, --j])
    } else if (i > 0 && (j === 0 || here === score[(i - 1) * width + j]!)) {
      pairs.push([--i, undefined])
    } else {
      pairs.push([undefined, --j])
    }
  }
  return pairs.reverse()
}

function countSimilarity(a: number, b: number): number {
  const most = Math.max(a, b)
  return most === 0 ? 1 : 1 - Math.abs(a - b) / most
}

function setSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1
  const common = a.length - multisetMinus(a, b).length
  return common / (a.length + b.length - common)
}

function lengthSimilarity(source: number, target: number, median: number): number {
  return Math.exp(-2 * Math.abs(Math.log((target + 1) / ((source + 1) * median))))
}

function numberKeys(tokens: readonly NumberToken[]): string[] {
  return tokens.map((token) => token.keys[token.keys.length === 1 ? 0 : 1]!)
}

function blockSimilarity(median: number) {
  return (a: TextBlock, b: TextBlock): number =>
    (countSimilarity(a.strong, b.strong) +
      countSimilarity(a.emphasis, b.emphasis) +
      setSimilarity(numberKeys(a.numbers), numberKeys(b.numbers)) +
      setSimilarity(a.codes, b.codes) +
      setSimilarity(a.urls, b.urls) +
      2 * lengthSimilarity(a.chars, b.chars, median)) /
    7
}

function profileSimilarity(median: number) {
  return (a: Profile, b: Profile): number =>
    ((a.headings[0]?.value ?? 0) === (b.headings[0]?.value ?? 0) ? 1 : 0) +
    countSimilarity(a.paragraphs.length, b.paragraphs.length) +
    countSimilarity(a.strong.length, b.strong.length) +
    countSimilarity(a.emphasis.length, b.emphasis.length) +
    setSimilarity(numberKeys(a.numbers), numberKeys(b.numbers)) +
    setSimilarity(
      a.links.map((link) => link.value),
      b.links.map((link) => link.value),
    ) +
    2 * lengthSimilarity(a.chars, b.chars, median)
}

// ---------------------------------------------------------------------------------------
// Length ratio

/**
 * The target/source character ratio a faithful translation of one section falls in,
 * calibrated on Chinese→English articles (median 3.8, range 2.8–4.6). Other Latin or
 * Cyrillic targets from Chinese get a wider 2.5–5.2; the reverse directions the inverse;
 * languages of the same writing family 0.6–1.7. Japanese carries kana, so its text is
 * longer than Chinese: Japanese→Latin uses an uncalibrated 1.6–4.0.
 */
export function expectedLengthRatio(source: LocaleInfo, target: LocaleInfo): LengthRatio & { median: number } {
  const sourceCjk = isCjk(source)
  const targetCjk = isCjk(target)
  if (sourceCjk === targetCjk) return { min: 0.6, max: 1.7, median: 1 }
  const cjk = sourceCjk ? source : target
  const other = sourceCjk ? target : source
  const forward =
    cjk.script === 'Jpan' ? { min: 1.6, max: 4.0, median: 2.7 } : other.code === 'en' ? { min: 2.8, max: 4.6, median: 3.8 } : { min: 2.5, max: 5.2, median: 3.8 }
  return sourceCjk ? forward : { min: 1 / forward.max, max: 1 / forward.min, median: 1 / forward.median }
}

// ---------------------------------------------------------------------------------------
// Inline markers and brackets

/** Emphasis markers left as literal text: `**`/`__` anywhere, a lone `*`/`_` that flanks a word on one side only. */
function literalMarkers(value: string): { index: number; marker: string }[] {
  const found: { index: number; marker: string }[] = []
  const word = /[\p{L}\p{N}]/u
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!
    if (char !== '*' && char !== '_') continue
    let end = i
    while (value[end + 1] === char) end++
    if (end > i) {
      found.push({ index: i, marker: value.slice(i, end + 1) })
    } else {
      const before = i > 0 && word.test(value[i - 1]!)
      const after = i + 1 < value.length && word.test(value[i + 1]!)
      if (before !== after) found.push({ index: i, marker: char })
    }
    i = end
  }
  return found
}

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

/**
 * Bracket kinds left open or closed without opening in a text. Double quotes of every
 * style (" “ ” „) must come in an even number (German opens with „ and closes with “).
 * ’ is also the apostrophe, so only an unclosed ‘ counts.
 */
export function unpairedBrackets(text: string): string[] {
  const counts = new Map<string, number>()
  const bump = (key: string, by: number) => counts.set(key, (counts.get(key) ?? 0) + by)
  const unpaired = new Set<string>()
  const stack: string[] = []
  let doubleQuotes = 0
  let singleOpen = 0
  let singleClose = 0
  for (const raw of text) {
    const char = BRACKET_FOLD[raw] ?? raw
    if (OPENER.has(char)) {
      stack.push(char)
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
const DOUBLED = /(?<![\p{L}\p{N}'’-])(\p{L}+)\s+(\1)(?![\p{L}\p{N}])/giu

// ---------------------------------------------------------------------------------------
// Section check

interface SectionSide {
  markdown: string
  profile: Profile
  locator: Locator
}

/**
 * Checks one translated fragment against its source fragment: structure, inline
 * markup, numbers, text heuristics and (with a glossary) locked names. Works on bare
 * Markdown (no frontmatter); places are offset by `context.sourceOffset`/`targetOffset`.
 */
export function checkSection(sourceMarkdown: string, targetMarkdown: string, context: SectionCheckContext): Finding[] {
  validateRules(context.rules)
  const headingDepth = validateHeadingDepth(context.headingDepth)
  validateLengthRatio(context.lengthRatio)
  const sourceLocale = requireLocale(context.sourceLocale)
  const targetLocale = requireLocale(context.targetLocale)
  const blocks = context.blocks
  const sourceProfile = blocks
    ? profile(blocks.source, blocks.sourceBase, true)
    : profile(parseMarkdown(sourceMarkdown).children, 0, true)
  const targetProfile = blocks
    ? profile(blocks.target, blocks.targetBase, false)
    : profile(parseMarkdown(targetMarkdown).children, 0, false)
  const source: SectionSide = {
    markdown: sourceMarkdown,
    profile: sourceProfile,
    locator: context.sourceText !== undefined ? { text: context.sourceText, shift: context.sourceOffset ?? 0 } : { text: sourceMarkdown, shift: 0 },
  }
  const target: SectionSide = {
    markdown: targetMarkdown,
    profile: targetProfile,
    locator: context.targetText !== undefined ? { text: context.targetText, shift: context.targetOffset ?? 0 } : { text: targetMarkdown, shift: 0 },
  }
  const reporter = new Reporter(context.rules, { file: context.file, section: context.section, heading: context.heading, lng: context.lng })
  compareSections(source, target, { reporter, sourceLocale, targetLocale, headingDepth, lengthRatio: context.lengthRatio, glossary: context.glossary })
  // Without the whole files, places are in the fragments; shift the offsets only.
  if (context.sourceText === undefined && context.sourceOffset) shiftOffsets(reporter.findings, 'sourcePosition', context.sourceOffset)
  if (context.targetText === undefined && context.targetOffset) shiftOffsets(reporter.findings, 'targetPosition', context.targetOffset)
  return reporter.findings
}

function shiftOffsets(findings: Finding[], key: 'sourcePosition' | 'targetPosition', by: number): void {
  for (const finding of findings) {
    const place = finding[key]
    if (place?.offset !== undefined) place.offset += by
  }
}

interface CompareContext {
  reporter: Reporter
  sourceLocale: LocaleInfo
  targetLocale: LocaleInfo
  headingDepth: number
  lengthRatio: LengthRatio | undefined
  glossary: Glossary | undefined
}

function compareSections(source: SectionSide, target: SectionSide, context: CompareContext): void {
  const { reporter, sourceLocale, targetLocale } = context
  const s = source.profile
  const tp = target.profile
  const at = (side: SectionSide, offset: number | undefined) => locate(side.locator, offset ?? 0)
  const ratio = expectedLengthRatio(sourceLocale, targetLocale)

  // Paragraph pairs: by index when the counts agree, else by similarity, so a dropped
  // paragraph is named instead of shifting every later comparison.
  let paragraphPairs: [number | undefined, number | undefined][] | undefined
  const pairs = () => (paragraphPairs ??= align(s.paragraphs, tp.paragraphs, blockSimilarity(ratio.median)))
  const counterpart = (sourceIndex: number): TextBlock | undefined => {
    const list = pairs()
    const position = list.findIndex(([a]) => a === sourceIndex)
    for (let k = position; k >= 0 && k < list.length; k++) {
      const b = list[k]![1]
      if (b !== undefined) return tp.paragraphs[b]
    }
    return undefined
  }

  // -- structure
  if (reporter.on('sections/heading-depth')) {
    const a = s.headings.filter((heading) => heading.value <= context.headingDepth)
    const b = tp.headings.filter((heading) => heading.value <= context.headingDepth)
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

  const multisetRule = (rule: RuleId, a: Located<string>[], b: Located<string>[]) => {
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
    const firstMissing = a.find((item) => item.value === missing[0])
    const firstExtra = b.find((item) => item.value === extra[0])
    reporter.add(rule, {
      context: missing.length > 0 && extra.length > 0 ? 'changed' : missing.length > 0 ? 'missing' : 'extra',
      params: { count: missing.length || extra.length, missing: missing.join(', '), extra: extra.join(', ') },
      source: at(source, firstMissing?.offset),
      target: at(target, firstExtra?.offset),
      expected: missing,
      actual: extra,
    })
  }
  multisetRule('sections/inline-code', s.inlineCode, tp.inlineCode)
  multisetRule('sections/link-urls', s.links, tp.links)
  multisetRule('sections/image-urls', s.images, tp.images)

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

  // -- inline markup
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

  // -- text
  if (reporter.on('text/han-residue') && !isCjk(targetLocale)) {
    for (const block of tp.blocks) {
      const runs = [...block.prose.matchAll(HAN_RUN)]
      if (runs.length === 0) continue
      const residue = runs.map((run) => run[0])
      reporter.add('text/han-residue', {
        params: { count: residue.length, residue: truncate(residue.join(' … '), 60) },
        source: at(source, 0),
        target: at(target, blockOffset(block, runs[0]!.index)),
        actual: residue,
      })
    }
  }

  if (reporter.on('text/identical-paragraph')) {
    const sourceTexts = new Map<string, TextBlock>()
    for (const block of s.blocks) if (block.kind === 'paragraph') sourceTexts.set(normalizeSpace(block.prose), block)
    for (const block of tp.blocks) {
      if (block.kind !== 'paragraph') continue
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

  if (reporter.on('text/numbers')) {
    const missing = missingNumbers(s.numbers, tp.numbers)
    if (missing.length > 0) {
      const first = missing[0]!
      const holder = s.paragraphs.findIndex((block) => block.numbers.includes(first))
      const other = holder === -1 ? undefined : counterpart(holder)
      reporter.add('text/numbers', {
        params: { count: missing.length, numbers: missing.map((token) => token.text).join(', ') },
        source: at(source, first.offset),
        target: at(target, other?.offset),
        expected: missing.map((token) => token.text),
        actual: tp.numbers.map((token) => token.text),
      })
    }
  }

  if (reporter.on('text/length-ratio') && s.chars >= 40) {
    const range = context.lengthRatio ?? ratio
    const actual = tp.chars / s.chars
    if (actual < range.min || actual > range.max) {
      reporter.add('text/length-ratio', {
        context: actual < range.min ? 'short' : 'long',
        params: { ratio: actual.toFixed(2), min: range.min.toFixed(2), max: range.max.toFixed(2), sourceChars: s.chars, targetChars: tp.chars },
        source: at(source, 0),
        target: at(target, 0),
        expected: { min: range.min, max: range.max },
        actual: Number(actual.toFixed(3)),
      })
    }
  }

  if (reporter.on('text/doubled-word') && (targetLocale.script === 'Latn' || targetLocale.script === 'Cyrl')) {
    const allowed = DOUBLED_OK[targetLocale.code]
    for (const block of tp.blocks) {
      for (const match of block.prose.matchAll(DOUBLED)) {
        const word = match[1]!.toLowerCase()
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

  if (context.glossary) compareTerms(source, target, context)
}

function firstDifference<T>(a: readonly T[], b: readonly T[]): number | undefined {
  const length = Math.max(a.length, b.length)
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return index
  return undefined
}

function truncate(text: string, length: number): string {
  const chars = [...text]
  return chars.length <= length ? text : `${chars.slice(0, length - 1).join('')}…`
}

// ---------------------------------------------------------------------------------------
// Glossary

interface TermUse {
  entry: GlossaryEntry
  expected: string
  /** Fragment offset of the first source occurrence. */
  sourceOffset: number
  /** Forms found in the target: the locked form and/or known-wrong forms, with counts. */
  forms: Map<string, number>
}

/** Where a (normalized) form first occurs in a text, as an offset into the text. */
function formOffset(text: string, form: string): number | undefined {
  const normalized = normalize(text)
  const needle = normalizeTerm(form)
  const at = needle === '' ? -1 : normalized.text.indexOf(needle)
  return at < 0 ? undefined : normalized.starts[at]
}

/** How each glossary entry of the source fragment is rendered in the target fragment. */
function termUses(sourceMarkdown: string, targetMarkdown: string, glossary: Glossary, targetLocale: string): TermUse[] {
  const uses = new Map<GlossaryEntry, TermUse>()
  for (const match of findTerms(sourceMarkdown, glossary)) {
    if (uses.has(match.entry)) continue
    const expected = lockedForm(match.entry, targetLocale)
    if (expected === undefined) continue
    const forms = new Map<string, number>()
    for (const form of [expected, ...(match.entry.wrong[targetLocale] ?? [])]) {
      const count = countForm(targetMarkdown, form)
      if (count > 0) forms.set(form, count)
    }
    uses.set(match.entry, { entry: match.entry, expected, sourceOffset: match.start, forms })
  }
  return [...uses.values()]
}

function compareTerms(source: SectionSide, target: SectionSide, context: CompareContext): void {
  const { reporter, glossary } = context
  if (!glossary) return
  if (!reporter.on('glossary/locked-form-missing') && !reporter.on('glossary/wrong-form')) return
  // Terms are looked up in the Markdown, not the prose: terms.ts ignores emphasis
  // markers and line breaks inside a name, and its offsets are then fragment offsets.
  const problems = verifyTerms(source.markdown, target.markdown, glossary, context.targetLocale.code)
  if (problems.length === 0) return
  const firstSource = new Map<GlossaryEntry, number>()
  for (const match of findTerms(source.markdown, glossary)) if (!firstSource.has(match.entry)) firstSource.set(match.entry, match.start)
  for (const problem of problems) {
    const sourceOffset = firstSource.get(problem.entry) ?? 0
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

// ---------------------------------------------------------------------------------------
// Frontmatter

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
function localeKey(policy: FrontmatterPolicy): string {
  return Object.entries(policy.set).find(([, template]) => template === '{locale}')?.[0] ?? 'locale'
}

function declaredLocale(article: Article, key: string): string | undefined {
  try {
    const value = parseDocument(article.frontmatter.yaml).getIn(key.split('.'))
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

/** A locale guessed from the body's letters, for a file that does not say. */
function guessLocale(article: Article): LocaleInfo {
  const sample = article.body.slice(0, 4000)
  const count = (pattern: RegExp) => sample.match(pattern)?.length ?? 0
  const kana = count(/[\p{Script=Hiragana}\p{Script=Katakana}]/gu)
  const han = count(/\p{Script=Han}/gu)
  const cyrillic = count(/\p{Script=Cyrillic}/gu)
  const latin = count(/\p{Script=Latin}/gu)
  const code = kana > 20 ? 'jp' : han > latin ? 'cn' : cyrillic > latin ? 'ru' : 'en'
  return findLocale(code)!
}

function compareFrontmatter(
  source: Article,
  target: Article,
  policy: FrontmatterPolicy,
  locales: { source: LocaleInfo; target: LocaleInfo; targetGiven: boolean; declaredTarget: string | undefined },
  reporter: Reporter,
): void {
  const targetSide = yamlSide(target)
  const problem = targetSide.document.errors[0]
  if (problem) {
    const counter = new LineCounter()
    parseDocument(targetSide.yaml, { lineCounter: counter })
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

// ---------------------------------------------------------------------------------------
// Article check

/** The top-level blocks of each section, in one pass over the tree. */
function blocksBySection(article: Article, sections: readonly Section[]): RootContent[][] {
  const groups: RootContent[][] = sections.map(() => [])
  let index = 0
  for (const node of article.tree.children) {
    const start = node.position?.start.offset ?? 0
    while (index < sections.length - 1 && start >= sections[index + 1]!.start) index++
    groups[index]?.push(node)
  }
  return groups
}

/**
 * Checks a translation against its source: frontmatter, then sections. Pure; `source`
 * and `target` are parsed articles (`parse`), each parsed once.
 *
 * Sections pair up by position when both articles have as many. When the counts differ
 * (a section dropped or split), pairing by position would compare every later section
 * with its neighbour and bury the one real problem under a cascade of false ones. The
 * sections are then aligned on what survives translation — heading depth, paragraph,
 * bold and emphasis counts, numbers, URLs and length — with a global alignment that
 * pairs as many as possible; each section left without a partner is one
 * `sections/count` finding naming its heading, and paired sections are checked as usual.
 */
export function check(source: Article, target: Article, options: CheckOptions = {}): Finding[] {
  validateRules(options.rules)
  const headingDepth = validateHeadingDepth(options.headingDepth)
  validateLengthRatio(options.lengthRatio)
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  const key = localeKey(policy)
  const sourceDeclared = declaredLocale(source, key)
  const targetDeclared = declaredLocale(target, key)
  const sourceLocale = options.sourceLocale
    ? requireLocale(options.sourceLocale, source.file)
    : ((sourceDeclared !== undefined ? findLocale(sourceDeclared) : undefined) ?? guessLocale(source))
  // A target that still declares the source's locale (or none, or an unknown one) is
  // reported by frontmatter/locale; its text is compared as the language it is written in.
  const declaredTarget = targetDeclared !== undefined ? findLocale(targetDeclared) : undefined
  const targetLocale = options.targetLocale
    ? requireLocale(options.targetLocale, target.file)
    : declaredTarget && declaredTarget.code !== sourceLocale.code
      ? declaredTarget
      : guessLocale(target)

  const findings: Finding[] = []
  const articleReporter = new Reporter(options.rules, { file: target.file, lng: options.lng })
  compareFrontmatter(
    source,
    target,
    policy,
    { source: sourceLocale, target: targetLocale, targetGiven: options.targetLocale !== undefined, declaredTarget: targetDeclared },
    articleReporter,
  )
  findings.push(...articleReporter.findings)

  const sourceSections = split(source)
  const targetSections = split(target)
  const sourceBlocks = blocksBySection(source, sourceSections)
  const targetBlocks = blocksBySection(target, targetSections)
  const ratio = expectedLengthRatio(sourceLocale, targetLocale)
  const pairs =
    sourceSections.length === targetSections.length
      ? sourceSections.map((_, index): [number | undefined, number | undefined] => [index, index])
      : align(
          sourceSections.map((section, index) => profile(sourceBlocks[index]!, section.start, true)),
          targetSections.map((section, index) => profile(targetBlocks[index]!, section.start, false)),
          profileSimilarity(ratio.median),
        )

  const termsBySection: { section: Section; uses: TermUse[] }[] = []
  pairs.forEach(([a, b], position) => {
    if (a !== undefined && b !== undefined) {
      const s = sourceSections[a]!
      const t = targetSections[b]!
      findings.push(
        ...checkSection(s.source, t.source, {
          section: s.index,
          heading: s.heading,
          file: target.file,
          sourceLocale: sourceLocale.code,
          targetLocale: targetLocale.code,
          sourceOffset: source.bodyStart + s.start,
          targetOffset: target.bodyStart + t.start,
          sourceText: source.text,
          targetText: target.text,
          headingDepth,
          blocks: { source: sourceBlocks[a]!, target: targetBlocks[b]!, sourceBase: s.start, targetBase: t.start },
          ...(options.rules ? { rules: options.rules } : {}),
          ...(options.lengthRatio ? { lengthRatio: options.lengthRatio } : {}),
          ...(options.glossary ? { glossary: options.glossary } : {}),
          ...(options.lng ? { lng: options.lng } : {}),
        }),
      )
      if (options.glossary) termsBySection.push({ section: s, uses: termUses(s.source, t.source, options.glossary, targetLocale.code) })
      return
    }
    const missing = a !== undefined
    const section = missing ? sourceSections[a]! : targetSections[b!]!
    const reporter = new Reporter(options.rules, { file: target.file, section: section.index, heading: section.heading, lng: options.lng })
    // Where the missing section would go: the start of the next paired target section.
    let next: Section | undefined
    for (let k = position + 1; k < pairs.length && !next; k++) {
      const other = pairs[k]![1]
      if (other !== undefined) next = targetSections[other]
    }
    reporter.add('sections/count', {
      context: missing ? 'missing' : 'extra',
      params: { heading: section.heading ?? '—', expected: sourceSections.length, actual: targetSections.length, count: sourceSections.length },
      source: missing ? placeIn(source.text, source.bodyStart + section.start) : undefined,
      target: missing
        ? placeIn(target.text, next ? target.bodyStart + next.start : target.text.length)
        : placeIn(target.text, target.bodyStart + section.start),
      expected: missing ? section.heading : undefined,
      actual: missing ? undefined : section.heading,
    })
    findings.push(...reporter.findings)
  })

  if (options.glossary) findings.push(...inconsistentTerms(termsBySection, source, target, options.rules, options.lng))
  return findings
}

/**
 * Names rendered one way in some sections and another way (or not at all) in others.
 * Each section's own problem is already a `glossary/*` error; this warning shows the
 * article-wide picture a reviewer fixes in one pass.
 */
function inconsistentTerms(
  sections: readonly { section: Section; uses: TermUse[] }[],
  source: Article,
  target: Article,
  rules: RuleSettings | undefined,
  lng: string | undefined,
): Finding[] {
  const byEntry = new Map<GlossaryEntry, { section: Section; use: TermUse }[]>()
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
    const reporter = new Reporter(rules, { file: target.file, section: odd.section.index, heading: odd.section.heading, lng })
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
