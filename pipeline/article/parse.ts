/**
 * parse: decoded file text → {@link Article}. Pure: the orchestrator reads the bytes
 * (see `decodeUtf8`) and hands the text in.
 */
import { channel } from 'node:diagnostics_channel'
import matter from 'gray-matter'
import { isMap, type Document } from 'yaml'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { parseYaml, placeOf } from '../shared/place.ts'
import { rememberFrontmatterDocument } from './frontmatter.ts'
import { isMdxFile, parseMarkdown } from './markdown.ts'
import type { Article, FrontmatterBlock } from './types.ts'

/**
 * Decodes bytes as UTF-8, refusing anything that is not (no silent U+FFFD).
 * Throws `E_NOT_UTF8` with the offset of the first bad byte.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch (cause) {
    throw new L10nError('E_NOT_UTF8', { file, cause, params: { offset: firstInvalidUtf8Byte(bytes) } })
  }
}

function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  // Binary search on prefixes would split sequences; a linear scan of lead bytes is simple and exact.
  let i = 0
  while (i < bytes.length) {
    const byte = bytes[i]!
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0
    if (length === 0) return i
    try {
      decoder.decode(bytes.subarray(i, i + length))
    } catch {
      return i
    }
    i += length
  }
  return i
}

/** Line and column of an offset in a text (the shared placer, for the article's stages). */
export { placeOf }

const EXECUTABLE_LANGUAGES = new Set(['js', 'javascript', 'coffee', 'coffeescript', 'cson'])

/**
 * Cuts the frontmatter out with gray-matter. gray-matter is only used to find the
 * fences: its own YAML parse turns dates into Date objects and it evaluates `---js`,
 * so every engine is replaced and the YAML text is kept as text.
 */
function cutFrontmatter(text: string, file: string): FrontmatterBlock {
  const start = text.startsWith('\ufeff') ? 1 : 0
  const opening = /^---([^\r\n]*)\r?\n/.exec(text.slice(start))
  if (!opening) throw new L10nError('E_NO_FRONTMATTER', { file, line: 1, column: 1 })
  const language = opening[1]!.trim().toLowerCase()
  if (EXECUTABLE_LANGUAGES.has(language) || (language !== '' && language !== 'yaml' && language !== 'yml')) {
    throw new L10nError('E_FRONTMATTER_EXECUTABLE', { file, line: 1, column: 4, params: { language } })
  }
  const refuse = () => {
    throw new L10nError('E_FRONTMATTER_EXECUTABLE', { file, line: 1, column: 4, params: { language } })
  }
  // The closing fence is `---` or YAML's document end `...`; gray-matter needs to be told which.
  const closing = /^(---|\.\.\.)[ \t]*$/m.exec(text.slice(start + opening[0].length))
  if (!closing) throw new L10nError('E_UNCLOSED_FRONTMATTER', { file, line: 1, column: 1 })
  const inert = { parse: () => ({}), stringify: () => '' }
  // An options object also keeps gray-matter from caching and sharing results across calls.
  const cut = matter(text.slice(start), {
    language: 'yaml',
    delimiters: ['---', closing[1]],
    engines: { yaml: inert, js: { parse: refuse, stringify: refuse }, javascript: { parse: refuse, stringify: refuse } },
  } as unknown as Parameters<typeof matter>[1])
  if (!text.endsWith(cut.content) || cut.content.length === text.length - start) {
    throw new L10nError('E_NO_FRONTMATTER', { file, line: 1, column: 1 })
  }
  const end = text.length - cut.content.length
  const yamlStart = start + opening[0].length
  // The closing fence is the last line before the body.
  const beforeBody = text.slice(0, end)
  const closingMatch = /(?:^|\n)(---|\.\.\.)[ \t]*(?:\r?\n)?$/.exec(beforeBody)
  const yamlEnd = closingMatch ? closingMatch.index + (closingMatch[0].startsWith('\n') ? 1 : 0) : end
  return { yaml: text.slice(yamlStart, Math.max(yamlStart, yamlEnd)), start, yamlStart, yamlEnd: Math.max(yamlStart, yamlEnd), end }
}

/** Validates the YAML text; throws `E_YAML` naming the file line and column of the first problem. */
export function validateFrontmatterYaml(block: FrontmatterBlock, text: string, file: string): void {
  const { document, syntaxErrors } = parseYaml(block.yaml, { firstLine: placeOf(text, block.yamlStart).line })
  // Kept for the check, which reads the same YAML as data: parsed without errors and from
  // the text as it is (no BOM stripped), it is what `parseDocument(block.yaml)` gives.
  if (document.errors.length === 0 && !block.yaml.startsWith('\ufeff')) {
    VALIDATED.set(block, { yaml: block.yaml, document })
    rememberFrontmatterDocument(block.yaml, document)
  }
  const problem = syntaxErrors[0]
  if (problem) {
    throw new L10nError('E_YAML', { file, line: problem.line, column: problem.column, cause: problem.cause, params: { detail: problem.detail } })
  }
  // A scalar or a list at the top has no keys to keep, translate or set.
  if (document.contents !== null && !isMap(document.contents)) {
    throw new L10nError('E_YAML', {
      file,
      line: placeOf(text, block.yamlStart).line,
      column: 1,
      params: { detail: message('errors:yaml-not-mapping') },
    })
  }
}

const VALIDATED = new WeakMap<FrontmatterBlock, { yaml: string; document: Document }>()

/**
 * The YAML document {@link parse} read the block's frontmatter into while validating it,
 * when that parse had no error (then it equals `parseDocument(block.yaml)`); undefined for
 * a block parse did not validate (TOML, built by hand) or whose YAML has changed since.
 * Shared: callers only read it, never change it.
 */
export function validatedFrontmatterDocument(block: FrontmatterBlock): Document | undefined {
  const validated = VALIDATED.get(block)
  return validated && validated.yaml === block.yaml ? validated.document : undefined
}

/** How strict {@link parse} is about the frontmatter. */
export interface ParseOptions {
  /**
   * Accept what other people's sites write, for checking a translation that is not
   * ours: no frontmatter at all (an empty block at offset 0), a TOML block between
   * `+++` fences (Hugo; `frontmatter.format` is `toml`), and an empty body (a page
   * that is all frontmatter). @default false (articles this pipeline translates)
   */
  lenient?: boolean
}

// Hugo's TOML frontmatter: `+++` fences.
const TOML_FENCE = /^\+\+\+[ \t]*\r?\n/
const TOML_CLOSE = /^\+\+\+[ \t]*(?:\r?\n|$)/m

function lenientFrontmatter(text: string, file: string): FrontmatterBlock {
  const start = text.startsWith('\ufeff') ? 1 : 0
  const rest = text.slice(start)
  const toml = TOML_FENCE.exec(rest)
  if (toml) {
    const yamlStart = start + toml[0].length
    const closing = TOML_CLOSE.exec(text.slice(yamlStart))
    if (!closing) throw new L10nError('E_UNCLOSED_FRONTMATTER', { file, line: 1, column: 1 })
    const yamlEnd = yamlStart + closing.index
    return { yaml: text.slice(yamlStart, yamlEnd), start, yamlStart, yamlEnd, end: yamlEnd + closing[0].length, format: 'toml' }
  }
  if (!/^---[^\r\n]*\r?\n/.test(rest)) return { yaml: '', start, yamlStart: start, yamlEnd: start, end: start }
  return cutFrontmatter(text, file)
}

/** Parses the body as MDX when the file is `.mdx`; an MDX syntax error is `E_MDX` with its place. */
function parseBody(body: string, text: string, bodyStart: number, file: string) {
  if (!isMdxFile(file)) return parseMarkdown(body)
  try {
    return parseMarkdown(body, { mdx: true })
  } catch (cause) {
    const place = cause as { line?: number; column?: number; reason?: string; message?: string }
    const bodyLine = placeOf(text, bodyStart).line
    throw new L10nError('E_MDX', {
      file,
      line: bodyLine + (place.line ?? 1) - 1,
      column: place.column ?? 1,
      cause,
      params: { detail: place.reason ?? place.message ?? String(cause) },
    })
  }
}

/**
 * Deepest nesting an article may have: block quotes and list items inside each other,
 * and links or emphasis inside each other. Real articles stay below ten; the Markdown
 * parser's time grows much faster than linearly with depth, and the tree walks of
 * later stages recurse, so deeper input is refused before it is parsed.
 */
export const MAX_NESTING = 32

/** Where Markdown first nests deeper than `max`, or undefined. See {@link MAX_NESTING}. */
export interface NestingProblem {
  /** Offset into the text of the line (or marker) where the limit was crossed. */
  offset: number
  depth: number
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/
const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/

/**
 * One linear pass estimating how deep `markdown` nests, without parsing it: per line,
 * the container markers it opens (`>`, `- `, `1. `, and indentation in front of a list
 * marker), and per paragraph, how deep `[` brackets and emphasis runs stack. Lines of
 * top-level fenced code are skipped. An estimate that errs high only for input no
 * article has (dozens of unclosed `*` or `[` in one paragraph).
 */
export function findDeepNesting(markdown: string, max: number = MAX_NESTING): NestingProblem | undefined {
  let fence: string | undefined
  let brackets = 0
  let emphasis = 0
  let lineStart = 0
  while (lineStart <= markdown.length) {
    let lineEnd = markdown.indexOf('\n', lineStart)
    if (lineEnd === -1) lineEnd = markdown.length
    const line = markdown.slice(lineStart, lineEnd)
    const fenceMatch = FENCE_OPEN.exec(line)
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length && line.trim() === fenceMatch[0].trim()) fence = undefined
    } else if (fenceMatch) {
      fence = fenceMatch[1]!
    } else if (line.trim() === '') {
      brackets = 0
      emphasis = 0
    } else {
      // Containers: markers in a row, and indentation that nests a list item.
      let depth = 0
      let at = 0
      for (;;) {
        let spaces = 0
        while (at < line.length && (line[at] === ' ' || line[at] === '\t')) {
          spaces += line[at] === '\t' ? 4 : 1
          at++
        }
        if (line[at] === '>') {
          depth++
          at++
          continue
        }
        const marker = LIST_MARKER.exec(line.slice(at, at + 12))
        if (marker) {
          // `  - ` under a list item is one level deeper per two columns of indentation.
          if (depth === 0) depth += Math.floor(spaces / 2)
          depth++
          at += marker[0].length
          continue
        }
        break
      }
      if (depth > max) return { offset: lineStart, depth }
      // Inline: brackets and emphasis runs that open without closing.
      for (let i = at; i < line.length; i++) {
        const char = line[i]
        if (char === '\\') {
          i++
        } else if (char === '[') {
          if (++brackets > max) return { offset: lineStart + i, depth: brackets }
        } else if (char === ']') {
          if (brackets > 0) brackets--
        } else if (char === '*' || char === '_') {
          let end = i
          while (line[end + 1] === char) end++
          const before = line[i - 1]
          const after = line[end + 1]
          const space = (c: string | undefined) => c === undefined || /\s/.test(c)
          const opens = !space(after)
          const closes = !space(before)
          if (opens && (!closes || emphasis === 0)) {
            if (++emphasis > max) return { offset: lineStart + i, depth: emphasis }
          } else if (closes && emphasis > 0) {
            emphasis--
          }
          i = end
        }
      }
    }
    lineStart = lineEnd + 1
  }
  return undefined
}

/** Depth of an mdast tree, without recursion (the tree may be the deep thing). */
function treeDepth(root: { children?: unknown[] }): number {
  let deepest = 0
  const stack: [{ children?: unknown[] }, number][] = [[root, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (depth > deepest) deepest = depth
    for (const child of node.children ?? []) stack.push([child as { children?: unknown[] }, depth + 1])
  }
  return deepest
}

/** The diagnostics channel on which every {@link parse} call says what it parses. */
export const PARSE_CHANNEL = 'l10n:parse'

/** What {@link PARSE_CHANNEL} carries: the file and text of one {@link parse} call, as it starts. */
export interface ParseEvent {
  file: string
  text: string
}

// Parsing is most of what a run costs, so which files a command parses (and how often) is
// worth watching from outside: a profiler, a library caller, the tests that hold a status
// of an unchanged tree to parsing nothing. Publishing costs nothing while no one listens.
const parseEvents = channel(PARSE_CHANNEL)

/**
 * Parses a decoded Markdown article: frontmatter block (text, offsets) and the body's
 * mdast with positions (MDX for `.mdx` files). Throws typed {@link L10nError}s for
 * input it cannot use, among them `E_TOO_DEEP` for nesting beyond {@link MAX_NESTING}
 * (refused by a linear pre-scan before any parser sees the body, lenient or not);
 * `options.lenient` accepts other sites' files (see {@link ParseOptions}). Each call is
 * announced on {@link PARSE_CHANNEL} (`node:diagnostics_channel`) before it starts.
 */
export function parse(text: string, file: string, options: ParseOptions = {}): Article {
  if (parseEvents.hasSubscribers) parseEvents.publish({ file, text } satisfies ParseEvent)
  const frontmatter = options.lenient ? lenientFrontmatter(text, file) : cutFrontmatter(text, file)
  if (frontmatter.format !== 'toml') validateFrontmatterYaml(frontmatter, text, file)
  const body = text.slice(frontmatter.end)
  if (body.trim() === '' && !options.lenient) {
    throw new L10nError('E_EMPTY_BODY', { file, line: placeOf(text, frontmatter.end).line, column: 1 })
  }
  const deep = findDeepNesting(body)
  if (deep) {
    const place = placeOf(text, frontmatter.end + deep.offset)
    throw new L10nError('E_TOO_DEEP', { file, line: place.line, column: place.column, params: { max: MAX_NESTING } })
  }
  const crlf = (text.match(/\r\n/g) ?? []).length
  const lf = (text.match(/\n/g) ?? []).length - crlf
  return {
    file,
    text,
    hasBom: text.startsWith('\ufeff'),
    eol: crlf > lf ? '\r\n' : '\n',
    frontmatter,
    body,
    bodyStart: frontmatter.end,
    tree: parsedBody(body, text, frontmatter.end, file),
  }
}

/** The body's tree; one deeper than the estimate allowed (each level is a list and its item, at most) is refused too. */
function parsedBody(body: string, text: string, bodyStart: number, file: string): Article['tree'] {
  const tree = parseBody(body, text, bodyStart, file)
  if (treeDepth(tree) > 4 * MAX_NESTING) {
    throw new L10nError('E_TOO_DEEP', { file, line: placeOf(text, bodyStart).line, column: 1, params: { max: MAX_NESTING } })
  }
  return tree
}
