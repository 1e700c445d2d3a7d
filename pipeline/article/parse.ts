/**
 * parse: decoded file text → {@link Article}. Pure: the orchestrator reads the bytes
 * (see `decodeUtf8`) and hands the text in.
 */
import matter from 'gray-matter'
import { isMap } from 'yaml'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { parseYaml, placeOf } from '../shared/place.ts'
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
 * Parses a decoded Markdown article: frontmatter block (text, offsets) and the body's
 * mdast with positions (MDX for `.mdx` files). Throws typed {@link L10nError}s for
 * input it cannot use; `options.lenient` accepts other sites' files (see {@link ParseOptions}).
 */
export function parse(text: string, file: string, options: ParseOptions = {}): Article {
  const frontmatter = options.lenient ? lenientFrontmatter(text, file) : cutFrontmatter(text, file)
  if (frontmatter.format !== 'toml') validateFrontmatterYaml(frontmatter, text, file)
  const body = text.slice(frontmatter.end)
  if (body.trim() === '' && !options.lenient) {
    throw new L10nError('E_EMPTY_BODY', { file, line: placeOf(text, frontmatter.end).line, column: 1 })
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
    tree: parseBody(body, text, frontmatter.end, file),
  }
}
