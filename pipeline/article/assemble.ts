/**
 * assemble: the inverse of `split`. Translated chunk text is spliced into the original
 * file at the chunk's offsets; everything between chunks (blank lines, spacing, the
 * frontmatter fences) is copied from the source byte for byte, so an identity
 * translation reproduces the input exactly.
 */
import type { Article } from './types.ts'

/** Replace `start..end` of a text with `text`. */
export interface Replacement {
  start: number
  end: number
  text: string
}

/**
 * Applies non-overlapping replacements to a text. Throws a TypeError on overlapping or
 * out-of-range replacements: that is a bug in the caller, not a content problem.
 */
export function splice(text: string, replacements: readonly Replacement[]): string {
  const ordered = [...replacements].sort((a, b) => a.start - b.start || a.end - b.end)
  let out = ''
  let cursor = 0
  for (const replacement of ordered) {
    if (replacement.start < cursor || replacement.end < replacement.start || replacement.end > text.length) {
      throw new TypeError(`Overlapping or out-of-range replacement ${replacement.start}..${replacement.end} (cursor ${cursor}, length ${text.length})`)
    }
    out += text.slice(cursor, replacement.start) + replacement.text
    cursor = replacement.end
  }
  return out + text.slice(cursor)
}

/** Rewrites every line break of `text` to `eol` (answers come back with `\n`; the file may use CRLF). */
export function withLineEndings(text: string, eol: '\n' | '\r\n'): string {
  return text.replace(/\r?\n/g, eol)
}

/**
 * The range that removes a block together with the blank lines after it, so dropping a
 * block (a generator leftover) leaves the spacing of its neighbours as it was.
 */
export function removalRange(body: string, block: { start: number; end: number }): { start: number; end: number } {
  const rest = /^(?:[ \t]*\r?\n)*/.exec(body.slice(block.end))
  const end = block.end + (rest?.[0].length ?? 0)
  if (end < body.length) return { start: block.start, end }
  // The last block: take the blank lines before it instead, so the file still ends
  // the way it did (one final line break) after the previous block.
  const before = /(?:\r?\n[ \t]*)*$/.exec(body.slice(0, block.start))
  return { start: block.start - (before?.[0].length ?? 0), end: block.end }
}

/** What goes into the new file: the new frontmatter YAML text and the body replacements. */
export interface AssemblyInput {
  /** YAML text between the fences; the source's when omitted. */
  frontmatterYaml?: string
  /** Replacements with offsets into `article.body`. */
  body: readonly Replacement[]
}

/**
 * Builds the output file: BOM, fences and everything not replaced come from the source;
 * replacement text gets the source's line endings.
 */
export function assemble(article: Article, input: AssemblyInput): string {
  const { text, frontmatter, body, eol } = article
  // localizeFrontmatter splices single-line values into the source YAML, keeping its line endings.
  const yaml = input.frontmatterYaml ?? frontmatter.yaml
  // Text equal to what it replaces stays byte-identical, mixed line endings included.
  const newBody = splice(
    body,
    input.body.map((replacement) =>
      replacement.text === body.slice(replacement.start, replacement.end) ? replacement : { ...replacement, text: withLineEndings(replacement.text, eol) },
    ),
  )
  return text.slice(0, frontmatter.yamlStart) + yaml + text.slice(frontmatter.yamlEnd, article.bodyStart) + newBody
}
