/**
 * record-yaml: a fast reader for the YAML that l10n itself writes for lock records (block
 * style, one `key: value` per line, plain or simply quoted scalars, `- ` sequences), so that a status of a
 * whole site reads thousands of records without the full YAML parser's document model
 * (1.6 ms a record, a quarter of a cold `status`). It understands only that subset and
 * gives up (`undefined`) on anything else — an escape in a quoted scalar, a multi-line one, a flow
 * collection other than `[]`/`{}`, an anchor, a tab, a duplicate key, a scalar that YAML
 * would read as anything but a string or a plain integer — and the caller then parses
 * the text with the full parser, which also places every error. What it returns is still
 * checked against the record's schema. Pure.
 */

interface Line {
  indent: number
  text: string
}

/** Thrown inside the reader to give up; never leaves this module. */
const GIVE_UP = Symbol('give up')

const KEY = /^([A-Za-z][A-Za-z0-9_]*):(?: (.*))?$/
/** A plain scalar read as a string: no indicator first, nothing YAML would treat as a comment, a key or a tag. */
const PLAIN = /^[^\s\-?:,[\]{}#&*!|>'"%@`][^\t]*$/
const INTEGER = /^(?:0|[1-9][0-9]{0,14})$/
/**
 * Plain scalars that YAML reads (in the 1.2 core schema, or in 1.1, to be safe) as null, a
 * boolean or a number other than a plain integer: never taken for strings here.
 */
const NOT_A_STRING = [
  /^(?:~|null|true|false|yes|no|on|off|y|n)$/i,
  /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?0[xob][0-9a-fA-F_]+$/i,
  /^[-+]?\.(?:inf|nan)$/i,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
]

/** A quoted scalar without escapes or inner quotes (`"1234567890123456"`, `'Life: early years'`): its text as it stands. */
const QUOTED = /^"([^"\\]*)"$|^'([^']*)'$/

function scalar(text: string): unknown {
  const quoted = QUOTED.exec(text)
  if (quoted) return quoted[1] ?? quoted[2]!
  if (text === 'null' || text === '~') return null
  if (text === '[]') return []
  if (text === '{}') return {}
  if (INTEGER.test(text)) return Number(text)
  if (NOT_A_STRING.some((pattern) => pattern.test(text)) || !PLAIN.test(text) || text.includes(': ') || text.includes(' #') || text.endsWith(':') || text.endsWith(' ')) throw GIVE_UP
  return text
}

/**
 * The data of a lock record's text as the full YAML parser would give it, or undefined
 * when the text is not in the subset l10n writes (the caller then uses the full parser).
 */
export function readRecordYaml(text: string): unknown {
  const lines: Line[] = []
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('#')) continue
    if (raw.includes('\t') || raw.includes('\r')) return undefined
    const indent = raw.length - raw.trimStart().length
    lines.push({ indent, text: raw.slice(indent) })
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined
  let at = 0
  const block = (indent: number): unknown => (lines[at]!.text.startsWith('- ') || lines[at]!.text === '-' ? sequence(indent) : mapping(indent))
  const value = (rest: string | undefined, indent: number): unknown => {
    if (rest !== undefined) return scalar(rest)
    // A key with nothing after it: a nested block below, or null.
    const next = lines[at]
    if (next === undefined || next.indent <= indent) return next !== undefined && next.indent === indent && next.text.startsWith('- ') ? sequence(indent) : null
    return block(next.indent)
  }
  const mapping = (indent: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    while (at < lines.length && lines[at]!.indent === indent && !lines[at]!.text.startsWith('- ')) {
      const match = KEY.exec(lines[at]!.text)
      if (!match || Object.hasOwn(out, match[1]!)) throw GIVE_UP
      at++
      out[match[1]!] = value(match[2], indent)
    }
    if (at < lines.length && lines[at]!.indent > indent) throw GIVE_UP
    return out
  }
  const sequence = (indent: number): unknown[] => {
    const out: unknown[] = []
    while (at < lines.length && lines[at]!.indent === indent && lines[at]!.text.startsWith('- ')) {
      const rest = lines[at]!.text.slice(2)
      if (KEY.test(rest)) {
        // A mapping item: its first key is on the dash's line, the others below it.
        lines[at] = { indent: indent + 2, text: rest }
        out.push(mapping(indent + 2))
      } else {
        at++
        out.push(scalar(rest))
      }
    }
    if (at < lines.length && lines[at]!.indent > indent) throw GIVE_UP
    return out
  }
  try {
    const data = mapping(0)
    return at === lines.length ? data : undefined
  } catch (error) {
    if (error === GIVE_UP) return undefined
    throw error
  }
}
