/**
 * Places in text for messages: offsets as 1-based line and column, and YAML documents
 * whose syntax errors and nodes (by path) are placed that way. Every YAML file the tool
 * reads (frontmatter, lockfile, glossary, config) is parsed and placed through here, so
 * a problem is reported at the same `file:line:column` whoever finds it.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml'

/** A 1-based line and column. */
export interface Place {
  line: number
  column: number
}

/** Line and column (1-based) of an offset in a text. */
export function placeOf(text: string, offset: number): Place & { offset: number } {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: offset - lineStart + 1, offset }
}

/** Keys and indexes from the document root to a node, as zod reports them. */
export type YamlPath = readonly PropertyKey[]

/** A YAML syntax error, placed. */
export interface YamlSyntaxProblem extends Place {
  offset: number
  /** The first line of the parser's message. */
  detail: string
  cause: YAMLError
}

/** A parsed YAML text whose offsets and nodes can be placed. */
export interface PlacedYaml {
  document: Document.Parsed
  /** Syntax errors (duplicate keys included), placed, in text order. */
  syntaxErrors: YamlSyntaxProblem[]
  /** Place of an offset in the parsed text. */
  placeAt(offset: number): Place
  /**
   * Offset of the node at `path`, or of its nearest ancestor that exists (an absent
   * field is reported where its mapping is). `key: true` points at the mapping key of
   * the last step instead of its value (unknown fields).
   */
  offsetOf(path: YamlPath, options?: { key?: boolean }): number
  /** {@link PlacedYaml.placeAt} of {@link PlacedYaml.offsetOf}. */
  placeOfPath(path: YamlPath, options?: { key?: boolean }): Place
}

/** Options of {@link parseYaml}. */
export interface ParseYamlOptions {
  /** Line of the text's first line in its file (a frontmatter block starts below its fence). @default 1 */
  firstLine?: number
}

function rangeStart(node: unknown): number | undefined {
  const range = node && typeof node === 'object' && 'range' in node ? (node as { range?: readonly number[] | null }).range : undefined
  return range?.[0]
}

/**
 * Parses YAML text (a leading BOM ignored; duplicate keys are errors) without throwing:
 * syntax problems come back placed in {@link PlacedYaml.syntaxErrors}.
 */
export function parseYaml(text: string, options: ParseYamlOptions = {}): PlacedYaml {
  const lineCounter = new LineCounter()
  const document = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true })
  const lineShift = (options.firstLine ?? 1) - 1
  const placeAt = (offset: number): Place => {
    const position = lineCounter.linePos(offset)
    return { line: position.line + lineShift, column: position.col }
  }
  const offsetOf = (path: YamlPath, { key = false }: { key?: boolean } = {}): number => {
    if (key && path.length > 0) {
      const parent = document.getIn(path.slice(0, -1), true)
      const name = String(path[path.length - 1])
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === name)
        const start = isScalar(pair?.key) ? rangeStart(pair.key) : undefined
        if (start !== undefined) return start
      }
    }
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = length === 0 ? document.contents : document.getIn(path.slice(0, length), true)
      const start = rangeStart(node)
      if (start !== undefined) return start
    }
    return 0
  }
  return {
    document,
    syntaxErrors: document.errors.map((error) => ({ ...placeAt(error.pos[0]), offset: error.pos[0], detail: error.message.split('\n')[0] ?? '', cause: error })),
    placeAt,
    offsetOf,
    placeOfPath: (path, pathOptions) => placeAt(offsetOf(path, pathOptions)),
  }
}
