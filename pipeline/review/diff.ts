/**
 * Text diffs for reviewers: what changed in a section's source, and what changed in its
 * translation. Pure: strings in, parts out.
 *
 * Latin and Cyrillic text is compared word by word (whitespace kept as its own token, so
 * the parts join back to the exact text). Chinese and Japanese have no spaces between
 * words, so a whitespace word diff would mark a whole paragraph as changed; there each run
 * of Han or kana is cut into words by `Intl.Segmenter` (ICU's dictionary segmentation:
 * 曲子 | 的 | 旋律), and the tiny runs a diff leaves between two changes are folded into
 * them afterwards so the diff reads as phrases. Latin words inside Chinese text (names,
 * titles) stay whole words in both modes.
 */
import { diffArrays } from 'diff'
import type { LocaleInfo } from '../article/locales.ts'

/** What a part of a diff is: kept text, text only in the new version, or only in the old one. */
export type DiffKind = 'same' | 'added' | 'removed'

/** A run of text of one kind. Joining the `same` and `removed` parts gives the old text, `same` and `added` the new one. */
export interface DiffPart {
  kind: DiffKind
  text: string
}

/** Characters (Unicode code points) added and removed by a diff. */
export interface DiffStats {
  added: number
  removed: number
}

/**
 * Largest edit distance (in tokens) tried on a whole text before falling back to a
 * sentence-level diff first. Myers' diff is O(N·D): a 3,000-character section rewritten
 * from scratch costs seconds at full D, ~30 ms with this cap.
 */
const MAX_EDIT_LENGTH = 600

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}'
const WORD_CHAR = `(?:(?![${CJK}])[\\p{L}\\p{M}\\p{N}_])`
/**
 * One token: a line break, a single CJK character, a word (letters, marks, digits, with
 * inner apostrophes as in "don't"), a run of other whitespace, or any other single
 * character. `diffWordsWithSpace` of the `diff` package is not used because it only
 * knows Latin letters: it would cut Cyrillic words into single characters.
 */
const TOKEN = new RegExp(
  `\\r?\\n|[${CJK}]|${WORD_CHAR}+(?:['’]${WORD_CHAR}+)*|[^\\S\\r\\n]+|[\\s\\S]`,
  'gu',
)
/** Where a sentence ends: after end punctuation (and closing quotes/brackets) or a line break. */
const SENTENCE = /[^。！？!?.\n]*(?:[。！？!?.]+[”’」』）)"']*\s*|\n+|$)/gu
const WHITESPACE_ONLY = /^\s+$/u

const CJK_RUN = new RegExp(`[${CJK}]+`, 'gu')
const segmenters = new Map<string, Intl.Segmenter>()

/** A word segmenter for the script's language (`zh` for Han, `ja` for Japanese), created once. */
function segmenterFor(script: LocaleInfo['script'] | undefined): Intl.Segmenter {
  const language = script === 'Jpan' ? 'ja' : 'zh'
  let segmenter = segmenters.get(language)
  if (!segmenter) {
    segmenter = new Intl.Segmenter(language, { granularity: 'word' })
    segmenters.set(language, segmenter)
  }
  return segmenter
}

/**
 * Tokens of a text: {@link TOKEN} everywhere, except that each run of CJK characters is
 * cut into words with `Intl.Segmenter` (a changed word is then one token, not several).
 */
function tokenize(text: string, script?: LocaleInfo['script']): string[] {
  const tokens: string[] = []
  let at = 0
  for (const run of text.matchAll(CJK_RUN)) {
    if (run.index > at) tokens.push(...(text.slice(at, run.index).match(TOKEN) ?? []))
    for (const piece of segmenterFor(script).segment(run[0])) tokens.push(piece.segment)
    at = run.index + run[0].length
  }
  if (at < text.length) tokens.push(...(text.slice(at).match(TOKEN) ?? []))
  return tokens
}

function sentences(text: string): string[] {
  const out: string[] = []
  for (const match of text.matchAll(SENTENCE)) if (match[0] !== '') out.push(match[0])
  return out
}

/** Number of Unicode code points in a string. */
function length(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

/** Appends a part, merging it into the last one when of the same kind. */
function push(parts: DiffPart[], kind: DiffKind, text: string): void {
  if (text === '') return
  const last = parts[parts.length - 1]
  if (last && last.kind === kind) last.text += text
  else parts.push({ kind, text })
}

/**
 * Appends the token diff of two token lists to `out`; false (and nothing appended) when
 * they differ by more than `MAX_EDIT_LENGTH` tokens. Common head and tail are cut off first (cheap, and most
 * edits of a long section touch a few words in the middle).
 */
function diffTokens(a: readonly string[], b: readonly string[], out: DiffPart[]): boolean {
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const middleA = a.slice(head, a.length - tail)
  const middleB = b.slice(head, b.length - tail)
  let changes: { value: string[]; added: boolean; removed: boolean }[] | undefined
  if (middleA.length === 0 || middleB.length === 0) {
    changes = [
      { value: middleA, added: false, removed: true },
      { value: middleB, added: true, removed: false },
    ]
  } else {
    changes = diffArrays(middleA, middleB, { maxEditLength: MAX_EDIT_LENGTH })
    if (!changes) return false
  }
  push(out, 'same', a.slice(0, head).join(''))
  for (const change of changes) push(out, change.added ? 'added' : change.removed ? 'removed' : 'same', change.value.join(''))
  push(out, 'same', a.slice(a.length - tail).join(''))
  return true
}

/**
 * For texts too different to diff token by token at once: diff their sentences, then
 * each changed group of sentences token by token; a group that still differs too much is
 * shown as removed and added whole (which is what a reader would want anyway), and so
 * are texts whose sentences themselves differ too much.
 */
function diffBySentence(before: string, after: string, out: DiffPart[], script: LocaleInfo['script']): void {
  const changes = diffArrays(sentences(before), sentences(after), { maxEditLength: MAX_EDIT_LENGTH })
  if (!changes) {
    push(out, 'removed', before)
    push(out, 'added', after)
    return
  }
  let removed = ''
  let added = ''
  const flush = () => {
    if (removed === '' && added === '') return
    // No sentence in common: the token diff already failed on exactly these texts.
    const whole = removed === before && added === after
    if (whole || !diffTokens(tokenize(removed, script), tokenize(added, script), out)) {
      push(out, 'removed', removed)
      push(out, 'added', added)
    }
    removed = ''
    added = ''
  }
  for (const change of changes) {
    const text = change.value.join('')
    if (change.removed) removed += text
    else if (change.added) added += text
    else {
      flush()
      push(out, 'same', text)
    }
  }
  flush()
}

/** A run of changes between two kept runs: everything removed, then everything added. */
interface ChangeGroup {
  removed: string
  added: string
}
type Item = { same: string } | ChangeGroup

function isSame(item: Item | undefined): item is { same: string } {
  return item !== undefined && 'same' in item
}

function size(group: ChangeGroup): number {
  return Math.max(length(group.removed), length(group.added))
}

/**
 * Folds short kept runs that sit between two changes into those changes, so
 * "他的音乐" → "她写的歌" reads as one replaced phrase instead of four scraps around a
 * shared "的". For CJK a kept run goes when it is no longer than the changes on both
 * sides (diff-match-patch's semantic clean-up rule); for word diffs only kept runs of
 * whitespace go ("was written" → "is composed" becomes one change, not two).
 */
function coalesce(parts: readonly DiffPart[], cjk: boolean): DiffPart[] {
  const absorb = (same: string, left: ChangeGroup, right: ChangeGroup): boolean =>
    WHITESPACE_ONLY.test(same) || (cjk && length(same) <= Math.min(size(left), size(right)))

  const stack: Item[] = []
  const pushGroup = (group: ChangeGroup) => {
    let current = group
    const top = stack[stack.length - 1]
    if (top !== undefined && !isSame(top)) {
      stack.pop()
      current = { removed: top.removed + current.removed, added: top.added + current.added }
    }
    for (;;) {
      const same = stack[stack.length - 1]
      const left = stack[stack.length - 2]
      if (!isSame(same) || left === undefined || isSame(left) || !absorb(same.same, left, current)) break
      stack.length -= 2
      current = { removed: left.removed + same.same + current.removed, added: left.added + same.same + current.added }
    }
    stack.push(current)
  }
  for (const part of parts) {
    if (part.kind === 'same') {
      const top = stack[stack.length - 1]
      if (isSame(top)) top.same += part.text
      else stack.push({ same: part.text })
    } else {
      pushGroup(part.kind === 'added' ? { removed: '', added: part.text } : { removed: part.text, added: '' })
    }
  }
  const out: DiffPart[] = []
  for (const item of stack) {
    if (isSame(item)) push(out, 'same', item.same)
    else {
      push(out, 'removed', item.removed)
      push(out, 'added', item.added)
    }
  }
  return out
}

/**
 * Diffs two versions of a text for people. `before` undefined (a new section) makes the
 * whole of `after` one added part. Words are compared for Latin and Cyrillic scripts,
 * words found by `Intl.Segmenter` (then folded into phrases) for Han and Japanese.
 */
export function diffText(before: string | undefined, after: string, script: LocaleInfo['script']): DiffPart[] {
  if (typeof after !== 'string') throw new TypeError(`Expected \`after\` to be a string, got \`${String(after)}\` (${typeof after})`)
  if (before === undefined) return after === '' ? [] : [{ kind: 'added', text: after }]
  if (typeof before !== 'string') throw new TypeError(`Expected \`before\` to be a string or undefined, got \`${String(before)}\` (${typeof before})`)
  if (before === after) return after === '' ? [] : [{ kind: 'same', text: after }]
  const raw: DiffPart[] = []
  if (!diffTokens(tokenize(before, script), tokenize(after, script), raw)) {
    raw.length = 0
    diffBySentence(before, after, raw, script)
  }
  return coalesce(raw, script === 'Hans' || script === 'Jpan')
}

/** Characters (code points) added and removed by a diff. */
export function diffStats(parts: readonly DiffPart[]): DiffStats {
  const stats: DiffStats = { added: 0, removed: 0 }
  for (const part of parts) {
    if (part.kind === 'added') stats.added += length(part.text)
    else if (part.kind === 'removed') stats.removed += length(part.text)
  }
  return stats
}
