/**
 * Where an article names something: every span a reader would take for a name, with the
 * signal that marks it (bold, italics, a title in 《》, a `·` between name parts, a Latin
 * form given in parentheses, an institution suffix, a transcribed foreign surname) and
 * its place. Pure: Markdown in, occurrences out. `extract` ranks them across articles;
 * the check's `glossary/not-locked` rule reports the marked ones a glossary lacks.
 */
import type { Nodes, Root, RootContent } from 'mdast'
import type { EntryKind } from './model.ts'
import { parseMarkdown } from '../article/markdown.ts'
import { BoundedCache } from '../shared/bounded-cache.ts'
import {
  ALIAS_VERBS,
  BOUNDARY_CHARS,
  INSTITUTION_SUFFIXES,
  LEADING_VERBS,
  ROLE_NOUNS,
  SURNAMES,
  TRANSLITERATION_CHARS,
  WINNING_VERBS,
  hasProperPart,
  institutionSuffix,
  isGeneric,
  isNumberedWork,
} from './lexicon.ts'

/** What makes a span look like a name. */
export type NameSignal = 'title' | 'quote' | 'strong' | 'emphasis' | 'interpunct' | 'parenthetical' | 'institution' | 'role' | 'tag' | 'transliteration'

/** One place where an article names something. */
export interface NameOccurrence {
  /** The name as written (trimmed, marks and title brackets removed). */
  text: string
  signals: NameSignal[]
  /** A guess from the markup and suffixes; `term` for generic vocabulary. */
  kind: EntryKind
  /** A Latin form the article gives in parentheses right after the name (`许冠杰（Sam Hui）`). */
  given?: string
  /** Offset of the name in the Markdown it was found in (approximate inside escapes). */
  offset: number
  /** The sentence it stands in. */
  context: string
}

/** Signals that mean the writer marked the span themselves (bold, italics, 《》). */
export const MARKED_SIGNALS: ReadonlySet<NameSignal> = new Set(['title', 'strong', 'emphasis'])

interface Mark {
  start: number
  end: number
  kind: 'strong' | 'emphasis' | 'code'
}

/** A block's inline text flattened, with where its marks are and how to map back to the source. */
interface FlatBlock {
  text: string
  marks: Mark[]
  /** [flat offset, source offset] at the start of each text piece, ascending. */
  anchors: [number, number][]
}

const HAN = /\p{Script=Han}/u
const HAN_RUN_CHAR = (char: string | undefined) => char !== undefined && HAN.test(char)
const LATIN_GIVEN = /^[A-Za-z][A-Za-z0-9 .'’&\-–·éèêëáàâäóòôöúùûüíìîïçñøåÉÁÖÜ]*$/u
const MAX_MARK = 24
const MAX_LATIN_MARK = 60

function flatten(block: Nodes, source: string): FlatBlock {
  let text = ''
  const marks: Mark[] = []
  const anchors: [number, number][] = []
  const visit = (node: Nodes) => {
    switch (node.type) {
      case 'text': {
        const at = node.position?.start.offset
        if (at !== undefined) anchors.push([text.length, at])
        text += node.value
        return
      }
      case 'inlineCode': {
        // Code is not prose: it keeps its width (so marks around it stay apart) but no text.
        const start = text.length
        text += ' '.repeat(Math.max(1, node.value.length))
        marks.push({ start, end: text.length, kind: 'code' })
        return
      }
      case 'break':
        text += '\n'
        return
      case 'html':
      case 'image':
      case 'imageReference':
      case 'footnoteReference':
        text += ' '
        return
      case 'strong':
      case 'emphasis': {
        const start = text.length
        for (const child of node.children) visit(child)
        marks.push({ start, end: text.length, kind: node.type })
        return
      }
      default:
        if ('children' in node) for (const child of node.children as Nodes[]) visit(child)
    }
  }
  for (const child of (block as { children?: Nodes[] }).children ?? []) visit(child)
  void source
  return { text, marks, anchors }
}

function sourceOffset(block: FlatBlock, flat: number): number {
  let best: [number, number] | undefined
  for (const anchor of block.anchors) {
    if (anchor[0] > flat) break
    best = anchor
  }
  return best ? best[1] + (flat - best[0]) : 0
}

/** The blocks whose inline content is prose: paragraphs, headings, table cells. */
function proseBlocks(tree: Root): Nodes[] {
  const out: Nodes[] = []
  const walk = (node: Nodes) => {
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') {
      out.push(node)
      return
    }
    if (node.type === 'code' || node.type === 'html' || node.type === 'yaml' || node.type === 'definition') return
    if ('children' in node) for (const child of node.children as Nodes[]) walk(child)
  }
  for (const child of tree.children as RootContent[]) walk(child)
  return out
}

/** True for a UTF-16 unit that ends a sentence: 。！？!?；; or a line break (a test of codes: this runs on every character of a sentence). */
function isSentenceEnd(code: number): boolean {
  return code === 0x3002 || code === 0xff01 || code === 0xff1f || code === 0x21 || code === 0x3f || code === 0x0a || code === 0xff1b || code === 0x3b
}

function sentenceAround(text: string, start: number, end: number): string {
  let from = start
  while (from > 0 && !isSentenceEnd(text.charCodeAt(from - 1))) from--
  let to = end
  while (to < text.length && !isSentenceEnd(text.charCodeAt(to))) to++
  if (to < text.length && text[to] !== '\n') to++
  return text.slice(from, to).replace(/\s+/g, ' ').trim()
}

/** People words in a sentence: they tell a composer from a performer. */
const COMPOSER_CONTEXT = /作曲|配乐|谱写|写下|写了|创作|曲|歌剧|作品|乐派/u

/** What a performer does, said right after the name (马友友以大提琴演奏…). */
const PERFORMER_AFTER = /^.{0,12}?(演奏|演唱|弹奏|执棒|指挥|主唱|献唱|翻唱|钢琴家|歌手|乐手)/u

function personKind(context: string, name?: string): EntryKind {
  if (name !== undefined) {
    const at = context.indexOf(name)
    if (at >= 0 && PERFORMER_AFTER.test(context.slice(at + name.length).replace(/[（(][^）)]*[）)]/gu, ''))) return 'performer'
  }
  return COMPOSER_CONTEXT.test(context) ? 'composer' : 'performer'
}

/** Cuts a Han run that ends before a name boundary down to the name: after the last boundary char, without leading verbs. */
function trimLead(run: string): string {
  let start = 0
  for (let k = 0; k < run.length; k++) if (BOUNDARY_CHARS.has(run[k]!)) start = k + 1
  let name = run.slice(start)
  // A verb inside the run leads into the name after it (首度登上北京国家体育场).
  for (const verb of LEADING_VERBS) {
    const at = name.lastIndexOf(verb)
    if (at > 0 && at + verb.length < name.length) name = name.slice(at + verb.length)
  }
  for (let changed = true; changed; ) {
    changed = false
    for (const verb of LEADING_VERBS) {
      if (name.startsWith(verb) && name.length > verb.length) {
        name = name.slice(verb.length)
        changed = true
      }
    }
  }
  return name
}

/**
 * The character (code point) ending at `end`: Han names can hold characters outside the
 * BMP (林𬀩哲, written with a CJK Extension B character), two UTF-16 units wide.
 */
function charBefore(text: string, end: number): string | undefined {
  if (end <= 0) return undefined
  const low = text.charCodeAt(end - 1)
  if (end >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(end - 2)
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(end - 2, end)
  }
  return text[end - 1]
}

/** The Han run ending at `end` (exclusive), at most `max` characters (code points). */
function hanRunBefore(text: string, end: number, max: number): string {
  let from = end
  for (let chars = 0; chars < max; chars++) {
    const char = charBefore(text, from)
    if (char === undefined || !(HAN_RUN_CHAR(char) || char === '·')) break
    from -= char.length
  }
  return text.slice(from, end)
}

/** Characters that end a Han name read forwards: boundaries and verbs that follow a name (蔡琴写了, 李宗盛听到). */
const NAME_FOLLOWERS = new Set([...BOUNDARY_CHARS, ...'说写唱听看拿发获打演弹担带做去来回离遭控宣表认曾已正便'])

function occurrences(text: string, needle: string): number {
  let count = 0
  for (let at = text.indexOf(needle); at >= 0 && needle !== ''; at = text.indexOf(needle, at + needle.length)) count++
  return count
}

/**
 * A Chinese personal name starting at `at` (after a role noun: 主唱林耕佑和…): a common
 * surname and one or two more Han characters, stopped by a boundary or a following verb.
 * A three-character reading is kept unless its first two characters recur more often on
 * their own (歌手蔡琴写了 with 蔡琴 elsewhere gives 蔡琴). `whole` is the text counted in.
 */
function personNameAt(text: string, at: number, whole: string): string | undefined {
  const chars: string[] = []
  for (const char of text.slice(at, at + 16)) {
    if (chars.length >= 4 || !HAN.test(char)) break
    chars.push(char)
  }
  const double = chars.length >= 3 && SURNAMES.has(chars[0]! + chars[1]!)
  if (!double && !SURNAMES.has(chars[0] ?? '')) return undefined
  const surname = double ? 2 : 1
  // The first given-name character is always part of the name (詹为筑: 为 is no boundary
  // there); a second one only when it does not start what follows the name.
  if (chars.length <= surname) return undefined
  let length = surname + 1
  if (length < chars.length && !NAME_FOLLOWERS.has(chars[length]!)) length++
  const name = chars.slice(0, length).join('')
  if (length === surname + 2) {
    const shorter = chars.slice(0, surname + 1).join('')
    if (occurrences(whole, shorter) > occurrences(whole, name)) return shorter
  }
  return name
}

/** A Latin name starting at `at` (歌手Panai Kusui拿下): capitalized words. */
function latinNameAt(text: string, at: number): string | undefined {
  return /^[A-Z][A-Za-z.'’\-]*(?: [A-Z][A-Za-z.'’\-]*)*/u.exec(text.slice(at, at + MAX_LATIN_MARK))?.[0]
}

/** Emoji right before or inside a bold span mark a callout label (📝 **策展人笔记**), not a name. */
const PICTOGRAPH = /\p{Extended_Pictographic}/u
const PICTOGRAPH_BEFORE = /\p{Extended_Pictographic}\uFE0F?\s*$/u

/** Inside 「」『』: a quotation (speech, a slogan) rather than a name when it holds sentence punctuation. */
const QUOTATION = /[，。！？；：、,!?;:=]/u

/** Suffixes that are the start of a longer word when a Han character follows (金曲奖舞台, 台湾唱片业). */
const SUFFIX_NEEDS_END = new Set(['奖', '唱片'])

function isLatinOnly(text: string): boolean {
  return /^[\p{Script=Latin}0-9 .,'’&!?\-–:]+$/u.test(text) && /\p{Script=Latin}/u.test(text)
}

/** The kind of a span the writer marked, from the mark and the span itself. */
function markedKind(text: string, mark: 'strong' | 'emphasis' | 'title' | 'quote', context: string): EntryKind {
  const institution = institutionSuffix(text)
  if (institution && !isGeneric(text.slice(0, -institution.suffix.length))) return institution.kind
  if (mark === 'title') return 'work'
  if (isNumberedWork(text)) return 'work'
  if (isGeneric(text)) return 'term'
  if (isLatinOnly(text)) return 'keep'
  if (mark === 'strong') return personKind(context, text)
  return 'work'
}

/** A Latin form in parentheses starting at `at` (`（Sam Hui）`, `(Johann Sebastian Bach, 1685–1750)`). */
function givenAt(text: string, at: number): { given: string; end: number } | undefined {
  const open = text[at]
  if (open !== '（' && open !== '(') return undefined
  const close = open === '（' ? '）' : ')'
  const end = text.indexOf(close, at + 1)
  if (end < 0 || end - at > 80) return undefined
  const inner = text.slice(at + 1, end)
  const first = inner.split(/[，,;；]/u)[0]!.replace(/[\s\d\-–—]+$/u, '').trim()
  if (first.length < 2 || !LATIN_GIVEN.test(first)) return undefined
  return { given: first, end: end + 1 }
}

/**
 * Every name occurrence in a Markdown text (a whole body or one section). Code, HTML,
 * images and link targets are not prose and are skipped. An occurrence found by several
 * signals (a bold name with a Latin form after it) is reported once with all of them.
 */
export function nameOccurrences(markdown: string | Root, source = typeof markdown === 'string' ? markdown : ''): NameOccurrence[] {
  if (typeof markdown !== 'string') return occurrencesIn(markdown, source)
  // The same source section is read once per target locale, per answer validation and per
  // check: parsing it again each time was a quarter of a whole check's time.
  const found = OCCURRENCES_OF_TEXT.get(markdown, (text) => occurrencesIn(parseMarkdown(text), source))
  return found.map((occurrence) => ({ ...occurrence, signals: [...occurrence.signals] }))
}

/**
 * The occurrences of {@link nameOccurrences} that the writer marked (a signal in
 * {@link MARKED_SIGNALS}), in the same order: what `glossary/not-locked` reports. Only
 * the title and bold/italic passes run: the passes after them add occurrences with
 * unmarked signals only and never change the marked ones, and on a Chinese section they
 * were most of the time of the whole name search.
 */
export function markedNameOccurrences(tree: Root, source = ''): NameOccurrence[] {
  return occurrencesIn(tree, source, true).filter((occurrence) => occurrence.signals.some((signal) => MARKED_SIGNALS.has(signal)))
}

const OCCURRENCE_CACHE_SIZE = 256
// Built once, not once per block (`matchAll` copies it, so the shared `lastIndex` never moves).
const INSTITUTION_PATTERN = new RegExp(INSTITUTION_SUFFIXES.map((row) => row.suffix).join('|'), 'gu')
const ROLE_PATTERN = new RegExp(ROLE_NOUNS.join('|'), 'gu')
const ALIAS_PATTERN = new RegExp(ALIAS_VERBS.join('|'), 'gu')

/** A Han name of two to four characters opening the parentheses at `at` (（陈信宏，北投人）, （阿爆）). */
function hanNameIn(text: string, at: number): string | undefined {
  const open = text[at]
  if (open !== '（' && open !== '(') return undefined
  const close = text.indexOf(open === '（' ? '）' : ')', at + 1)
  if (close < 0 || close - at > 40) return undefined
  const first = text.slice(at + 1, close).split(/[，,、;；]/u)[0]!
  const length = [...first].length
  if (length < 2 || length > 4 || !/^\p{Script=Han}+$/u.test(first) || isGeneric(first)) return undefined
  return first
}
const OCCURRENCES_OF_TEXT = new BoundedCache<string, NameOccurrence[]>(OCCURRENCE_CACHE_SIZE)

/** Every occurrence; with `markedOnly`, only those of the passes that find marked spans (see {@link markedNameOccurrences}). */
function occurrencesIn(tree: Root, source: string, markedOnly = false): NameOccurrence[] {
  const out: NameOccurrence[] = []
  for (const node of proseBlocks(tree)) {
    const block = flatten(node, source)
    const text = block.text
    const taken: [number, number][] = []
    const isTaken = (start: number, end: number) => taken.some(([a, b]) => start < b && end > a)
    const add = (start: number, end: number, name: string, signals: NameSignal[], kind: EntryKind, given?: string) => {
      const trimmed = name.trim()
      if (trimmed === '' || [...trimmed].length < 2 && !HAN.test(trimmed)) return
      taken.push([start, end])
      out.push({
        text: trimmed,
        signals,
        kind,
        ...(given ? { given } : {}),
        offset: sourceOffset(block, start),
        context: sentenceAround(text, start, end),
      })
    }

    // Titles: 《…》 anywhere (also inside bold), 〈…〉 (a song or chapter title, the usage in
    // Taiwan and Hong Kong), 「…」『…』 as weaker quotes.
    const titles = /《([^《》\n]{1,40})》|〈([^〈〉\n]{1,40})〉|「([^「」\n]{2,20})」|『([^『』\n]{2,20})』/gu
    for (const match of text.matchAll(titles)) {
      const inner = match[1] ?? match[2] ?? match[3] ?? match[4] ?? ''
      const start = match.index
      const end = start + match[0].length
      if (block.marks.some((mark) => mark.kind === 'code' && start >= mark.start && end <= mark.end)) continue
      const signal: NameSignal = match[1] !== undefined || match[2] !== undefined ? 'title' : 'quote'
      // A quoted sentence or slogan (「我们中国人」 is a name of nothing; 「不男不女、高的吓人」 speech).
      if (signal === 'quote' && QUOTATION.test(inner)) continue
      const context = sentenceAround(text, start, end)
      const signals: NameSignal[] = [signal]
      const bold = block.marks.find((mark) => mark.kind !== 'code' && mark.start <= start && mark.end >= end)
      if (bold) signals.push(bold.kind as NameSignal)
      const after = givenAt(text, end)
      if (after) signals.push('parenthetical')
      const kind = signal === 'title' ? (institutionSuffix(inner) ? institutionSuffix(inner)!.kind : 'work') : markedKind(inner, 'quote', context)
      add(start, end, inner, signals, kind, after?.given)
    }

    // Bold and italic spans that are not a title already.
    for (const mark of block.marks) {
      if (mark.kind === 'code' || isTaken(mark.start, mark.end)) continue
      const raw = text.slice(mark.start, mark.end)
      const name = raw.trim()
      if (name === '' || [...name].length > (isLatinOnly(name) ? MAX_LATIN_MARK : MAX_MARK) || /[，。；！？：;:\n]/u.test(name)) continue
      if (PICTOGRAPH.test(name) || PICTOGRAPH_BEFORE.test(text.slice(Math.max(0, mark.start - 4), mark.start))) continue
      const context = sentenceAround(text, mark.start, mark.end)
      const after = givenAt(text, mark.end)
      const signals: NameSignal[] = [mark.kind]
      if (after) signals.push('parenthetical')
      if (name.includes('·')) signals.push('interpunct')
      add(mark.start, mark.end, name, signals, markedKind(name, mark.kind, context), after?.given)
    }
    if (markedOnly) continue

    // Latin forms in parentheses after unmarked Han text: 黄伟文（Wyman）.
    for (let at = text.search(/[（(]/u); at >= 0 && at < text.length; ) {
      const found = givenAt(text, at)
      const other = found ? undefined : hanNameIn(text, at)
      if (other && !isTaken(at - 1, at)) {
        // Another Han name of the same person in parentheses: 阿信（陈信宏，北投人）, 张静雯（阿爆）.
        let outer = trimLead(hanRunBefore(text, at, 8))
        if ([...outer].length > 3) outer = [...outer].slice(-2).join('')
        const outerStart = at - outer.length
        if ([...outer].length >= 2 && !isGeneric(outer) && (SURNAMES.has([...outer][0]!) || SURNAMES.has([...other][0]!)) && !isTaken(outerStart, at)) {
          const context = sentenceAround(text, outerStart, at + 1 + other.length)
          add(outerStart, at, outer, ['parenthetical'], personKind(context, outer))
          add(at + 1, at + 1 + other.length, other, ['parenthetical'], personKind(context, other))
        }
      }
      if (found && !isTaken(at - 1, at)) {
        const name = trimLead(hanRunBefore(text, at, 16))
        if ([...name].length >= 2 && !isTaken(at - name.length, at)) {
          const context = sentenceAround(text, at - name.length, found.end)
          const institution = institutionSuffix(name)
          // A short run or one with name parts is a person; a longer one a thing (杜比全景声).
          const kind: EntryKind = institution ? institution.kind : isGeneric(name) ? 'term' : [...name].length <= 4 || name.includes('·') ? personKind(context, name) : 'term'
          add(at - name.length, at, name, ['parenthetical'], kind, found.given)
        }
      }
      const next = text.slice(at + 1).search(/[（(]/u)
      at = next < 0 ? -1 : at + 1 + next
    }

    // Names with an interpunct in running text: 克劳迪娅·杨. A match starts only where a
    // Han run starts: tried at every character of a long run without `·`, the pattern
    // would scan the rest of the run from each (quadratic; a 300 KB line took minutes).
    for (const match of text.matchAll(/(?<!\p{Script=Han})\p{Script=Han}+(?:·\p{Script=Han}+)+/gu)) {
      const parts = match[0].split('·')
      let left = parts[0]!
      let cut = left.length
      while (cut > 0 && TRANSLITERATION_CHARS.has(left[cut - 1]!)) cut--
      left = cut === left.length ? left.slice(-2) : left.slice(cut)
      const lastPart = parts[parts.length - 1]!
      let keep = 0
      while (keep < lastPart.length && TRANSLITERATION_CHARS.has(lastPart[keep]!)) keep++
      const right = lastPart.slice(0, Math.max(1, keep))
      const name = [left, ...parts.slice(1, -1), right].join('·')
      const start = match.index + (parts[0]!.length - left.length)
      const end = start + name.length
      if (isTaken(start, end)) continue
      add(start, end, name, ['interpunct'], personKind(sentenceAround(text, start, end)))
    }

    // Institutions in running text: 维也纳爱乐乐团, 格莱美奖.
    for (const match of text.matchAll(INSTITUTION_PATTERN)) {
      const end = match.index + match[0].length
      // A longer suffix ending at the same place was tried first (交响乐团 before 乐团).
      if (isTaken(match.index, end)) continue
      if (HAN_RUN_CHAR(text[end]) && SUFFIX_NEEDS_END.has(match[0]) && !BOUNDARY_CHARS.has(text[end]!)) continue
      const head = trimLead(hanRunBefore(text, match.index, 14))
      // 台北流行音乐中心: a proper part keeps a head of generic words a name.
      if ([...head].length < 2 || (isGeneric(head) && !hasProperPart(head))) continue
      const start = match.index - head.length
      // A head with no proper part of its own is still a name after a verb of winning
      // (横扫金曲奖) or when the article uses the whole name again (滚石唱片, 贡寮海洋音乐祭).
      const won = institutionSuffix(head + match[0])?.kind === 'award' && WINNING_VERBS.some((verb) => text.slice(0, start).endsWith(verb))
      if (!hasProperPart(head) && !won && occurrences(source || text, head + match[0]) < 2) continue
      if (isTaken(start, end)) continue
      add(start, end, head + match[0], ['institution'], institutionSuffix(head + match[0])?.kind ?? 'ensemble')
    }

    // A name right before a role noun: 宫崎骏导演.
    for (const match of text.matchAll(/导演/gu)) {
      const head = trimLead(hanRunBefore(text, match.index, 6))
      const start = match.index - head.length
      if ([...head].length < 2 || [...head].length > 4 || isGeneric(head) || isTaken(start, match.index)) continue
      add(start, match.index, head, ['role'], 'performer')
    }

    // A name right after a role noun: 主唱吴青峰, 制作人李宗盛, 原住民歌手Panai Kusui.
    for (const match of text.matchAll(ROLE_PATTERN)) {
      const at = match.index + match[0].length
      const name = personNameAt(text, at, source || text) ?? latinNameAt(text, at)
      if (name === undefined || isTaken(at, at + name.length) || isGeneric(name)) continue
      add(at, at + name.length, name, ['role'], personKind(sentenceAround(text, at, at + name.length), name))
    }

    // A name right before an alias verb: 青峰化名为「日出」、馨仪化名为「香我」.
    for (const match of text.matchAll(ALIAS_PATTERN)) {
      const head = trimLead(hanRunBefore(text, match.index, 4))
      const start = match.index - head.length
      if ([...head].length < 2 || [...head].length > 3 || isGeneric(head) || isTaken(start, match.index)) continue
      add(start, match.index, head, ['role'], 'performer')
    }

    // Transcribed foreign surnames in running text: 赫尔曼, 希区柯克.
    for (let k = 0; k < text.length; ) {
      if (!TRANSLITERATION_CHARS.has(text[k]!)) {
        k++
        continue
      }
      let end = k
      while (end < text.length && TRANSLITERATION_CHARS.has(text[end]!)) end++
      const run = text.slice(k, end)
      const before = text[k - 1]
      // Only a run that stands apart from other Han words on its left (a boundary char, a
      // mark or punctuation): 为希区柯克 yes, 音乐厅 no.
      const apart = before === undefined || !HAN_RUN_CHAR(before) || BOUNDARY_CHARS.has(before)
      if (run.length >= 3 && apart && !isGeneric(run) && !isTaken(k, end)) add(k, end, run, ['transliteration'], personKind(sentenceAround(text, k, end)))
      k = end
    }
  }
  return out
}

/** Names given by the frontmatter's tags and keywords that the body uses at least twice. */
export function tagNames(tags: readonly string[], bodyText: string): string[] {
  return tags.filter((tag) => {
    const value = tag.trim()
    if (!HAN.test(value) || [...value].length < 2 || [...value].length > 10 || isGeneric(value)) return false
    let count = 0
    for (let at = bodyText.indexOf(value); at >= 0; at = bodyText.indexOf(value, at + value.length)) count++
    return count >= 2
  })
}
