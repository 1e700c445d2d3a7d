/**
 * Cleans what a model wrapped around its translation: a ```markdown fence, chatter
 * such as "Here is the translation:" or "Let me know if…", and our own delimiter tags
 * echoed back. Pure; each removal is listed so reports can show it.
 */

/** A cleaned answer. */
export interface CleanedAnswer {
  /** The answer without wrappers and without leading/trailing blank lines; '' when nothing is left. */
  text: string
  /** What was removed, verbatim (trimmed), in the order it was found. */
  stripped: string[]
}

const FENCE_LINE = /^\s*(`{3,}|~{3,})/
/** A fence that wraps a whole Markdown answer: no info string, or md/markdown. */
const WRAPPER_OPEN = /^(`{3,}|~{3,})[ \t]*(?:markdown|md)?\s*$/i
const BARE_FENCE = /^(`{3,}|~{3,})\s*$/

/** "Sure!", "好的。" on a line of their own. */
const INTERJECTION = /^(?:sure|certainly|of course|okay|ok|absolutely|alright|好的|当然|没问题)[!！.。,，]*$/i
/** Leading lines that announce the answer: they end with a colon and talk about translating. */
const ANNOUNCEMENT_TOPIC = /translat|locali[sz]|翻译|译文|译稿/i
const ANNOUNCEMENT_END = /[:：]$/
/** "Sure! Here is the text:" announces the answer without the word "translation". */
const SURE_HERE = /^(?:sure|certainly|of course|okay|ok|absolutely)\b[!,.]*\s+here(?:'s| is| are)\b.*[:：]$/i
/** Trailing offers of more help. */
const SIGN_OFF =
  /^(?:let me know\b|please let me know\b|i hope (?:this|that|it) helps|hope (?:this|that|it) helps|feel free to\b|if you (?:need|have|want|would like)\b|如果您?(?:需要|有|还有)|希望(?:这|以上|对您?有)|如有(?:需要|问题|任何))/i
/** Chatter is short; a long line is content even when it starts like chatter. */
const MAX_CHATTER_LENGTH = 200

const OPEN_TAG = /^<(translation|source)(?:\s[^>]*)?>/i

/**
 * Strips what a model put around its answer to `source` (the text it was asked to
 * translate, used to tell wrappers from content):
 * - a fence around the whole answer, unless counting fences shows it is content
 *   (a source that is itself a code block keeps its fence);
 * - announcement lines before the content ("Here is the translation:", "以下是翻译：",
 *   "Sure!") and sign-offs after it ("Let me know if…", "I hope this helps");
 * - `<translation>`/`<source>` tags wrapped around the answer.
 * A line is kept when the source has the same kind of line in the same place.
 * Internal whitespace is untouched; only leading and trailing blank lines go.
 */
export function cleanAnswer(raw: string, source: string): CleanedAnswer {
  const stripped: string[] = []
  const sourceLines = trimBlankLines(splitLines(source))
  const sourceFirst = sourceLines[0] ?? ''
  const sourceLast = sourceLines[sourceLines.length - 1] ?? ''
  const sourceFences = sourceLines.filter((line) => FENCE_LINE.test(line)).length
  let lines = trimBlankLines(splitLines(raw))

  // Wrappers nest in any order (chatter, then a fence, then tags), so peel until stable.
  for (let pass = 0; pass < 8; pass++) {
    const before = lines.length + (lines[0] ?? '') + (lines[lines.length - 1] ?? '')
    lines = stripChatter(lines, sourceFirst, sourceLast, stripped)
    lines = stripFence(lines, sourceLines, sourceFences, stripped)
    lines = stripTags(lines, sourceFirst, sourceLast, stripped)
    if (lines.length + (lines[0] ?? '') + (lines[lines.length - 1] ?? '') === before) break
  }
  return { text: lines.join('\n').replace(/\r$/, ''), stripped }
}

/** Lines keep their `\r`, so CRLF answers come back CRLF; every pattern tolerates it. */
function splitLines(text: string): string[] {
  return text.split('\n')
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0
  let end = lines.length
  while (start < end && (lines[start] ?? '').trim() === '') start++
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--
  return lines.slice(start, end)
}

function isAnnouncement(line: string): boolean {
  const text = line.trim()
  if (text.length === 0 || text.length > MAX_CHATTER_LENGTH) return false
  if (INTERJECTION.test(text)) return true
  if (SURE_HERE.test(text)) return true
  return ANNOUNCEMENT_END.test(text) && ANNOUNCEMENT_TOPIC.test(text)
}

function isSignOff(line: string): boolean {
  const text = line.trim()
  return text.length > 0 && text.length <= MAX_CHATTER_LENGTH && SIGN_OFF.test(text)
}

function stripChatter(lines: string[], sourceFirst: string, sourceLast: string, stripped: string[]): string[] {
  let result = lines
  // An article about translating may itself start with "Translation:"; then it is content.
  if (!isAnnouncement(sourceFirst)) {
    while (result.length > 1 && isAnnouncement(result[0] ?? '')) {
      stripped.push((result[0] ?? '').trim())
      result = trimBlankLines(result.slice(1))
    }
  }
  if (!isSignOff(sourceLast)) {
    while (result.length > 1 && isSignOff(result[result.length - 1] ?? '')) {
      stripped.push((result[result.length - 1] ?? '').trim())
      result = trimBlankLines(result.slice(0, -1))
    }
  }
  return result
}

/**
 * Fences are matched by counting: an answer with two fence lines more than its source
 * was wrapped; with one more, the model opened (or closed) a wrapper and forgot the
 * other half. A source that starts or ends with a fence keeps that fence as content.
 */
function stripFence(lines: string[], sourceLines: string[], sourceFences: number, stripped: string[]): string[] {
  if (lines.length < 2) return lines
  const first = lines[0] ?? ''
  const last = lines[lines.length - 1] ?? ''
  const extra = lines.filter((line) => FENCE_LINE.test(line)).length - sourceFences
  const open = WRAPPER_OPEN.exec(first)
  const close = BARE_FENCE.exec(last)
  const closes = (opener: string, closer: string) => closer[0] === opener[0] && closer.length >= opener.length

  if (extra >= 2 && open?.[1] && close?.[1] && closes(open[1], close[1])) {
    stripped.push(first.trim(), last.trim())
    return trimBlankLines(lines.slice(1, -1))
  }
  // A wrapper followed by a note ("Note: I kept all names…"): the note goes with it.
  if (extra >= 2 && open?.[1]) {
    const closer = lines.findLastIndex((line) => BARE_FENCE.test(line) && closes(open[1]!, BARE_FENCE.exec(line)![1]!))
    const after = closer > 0 ? lines.slice(closer + 1).filter((line) => line.trim() !== '') : []
    if (after.length > 0 && after.length <= 3 && after.every((line) => line.length <= MAX_CHATTER_LENGTH && !FENCE_LINE.test(line))) {
      stripped.push(first.trim(), (lines[closer] ?? '').trim(), ...after.map((line) => line.trim()))
      return trimBlankLines(lines.slice(1, closer))
    }
  }
  if (extra !== 1) return lines
  const sourceStartsWithFence = FENCE_LINE.test(sourceLines[0] ?? '')
  const sourceEndsWithFence = FENCE_LINE.test(sourceLines[sourceLines.length - 1] ?? '')
  if (open && !sourceStartsWithFence) {
    stripped.push(first.trim())
    return trimBlankLines(lines.slice(1))
  }
  if (close && !sourceEndsWithFence) {
    stripped.push(last.trim())
    return trimBlankLines(lines.slice(0, -1))
  }
  return lines
}

/** Unwraps `<translation>…</translation>` / `<source>…</source>`, also on one line or half-echoed. */
function stripTags(lines: string[], sourceFirst: string, sourceLast: string, stripped: string[]): string[] {
  if (lines.length === 0) return lines
  let result = [...lines]
  const first = result[0] ?? ''
  const opening = OPEN_TAG.exec(first.trimStart())
  if (opening && !OPEN_TAG.test(sourceFirst.trimStart())) {
    stripped.push(opening[0])
    const rest = first.trimStart().slice(opening[0].length)
    result = rest.trim() === '' ? result.slice(1) : [rest, ...result.slice(1)]
  }
  const lastIndex = result.length - 1
  const last = result[lastIndex] ?? ''
  const closing = /<\/(translation|source)>\s*$/i.exec(last)
  if (closing && !/<\/(translation|source)>\s*$/i.test(sourceLast)) {
    stripped.push(closing[0].trim())
    const rest = last.slice(0, closing.index)
    result = rest.trim() === '' ? result.slice(0, -1) : [...result.slice(0, -1), rest.trimEnd()]
  }
  return trimBlankLines(result)
}
