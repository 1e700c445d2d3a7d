/**
 * The one way data read back from disk is checked: a zod schema, and its issues as
 * {@link Message}s `path: expected …, got …` for errors and warnings (rendered at the
 * edge like every message). Placing a problem in a YAML file is `place.ts`'s part.
 */
import { z } from 'zod'
import { message, type Message } from './i18n.ts'

/** Keys and indexes from the root of the data to a value. */
export type DataPath = readonly PropertyKey[]

/** One way the data differs from its schema. */
export interface Mismatch {
  path: DataPath
  /** `path` as text: `articles["a.md"].en.sections[0].errors` (a message for the root). */
  field: string | Message
  expected: Message
  /** The value found: JSON text for a scalar, a message for nothing, a list or a mapping. */
  got: string | Message
  /** The problem is the key itself (an unknown field), not its value. */
  key: boolean
  /** `field: expected …, got …` */
  message: Message
}

/** The outcome of checking data: the typed value, or why not (never an exception). */
export type Checked<T> = { ok: true; value: T } | { ok: false; mismatches: Mismatch[]; detail: Message }

/** `targetLocales[2]`, `articles["a.md"].en`; identifiers stay bare. */
export function formatPath(path: DataPath): string | Message {
  if (path.length === 0) return message('validation:root')
  let text = ''
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`
    else if (/^[A-Za-z_$][\w$/-]*$/.test(String(part))) text += `${text ? '.' : ''}${String(part)}`
    else text += `[${JSON.stringify(String(part))}]`
  }
  return text
}

/** How a received value is shown: text quoted, lists and mappings by kind. */
export function describeValue(value: unknown): string | Message {
  if (value === undefined || value === null) return message('validation:got/nothing')
  if (Array.isArray(value)) return message('validation:got/list')
  if (typeof value === 'object') return message('validation:got/mapping')
  return JSON.stringify(value) ?? String(value)
}

/** The value at `path` in `data`, or undefined where the path leads nowhere. */
export function valueAt(data: unknown, path: DataPath): unknown {
  let value = data
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[part]
  }
  return value
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'number',
  int: 'integer',
  array: 'list',
  tuple: 'list',
  object: 'mapping',
  record: 'mapping',
  map: 'mapping',
  boolean: 'boolean',
}

function expectedOf(issue: z.core.$ZodIssue): Message {
  switch (issue.code) {
    case 'invalid_type': {
      const name = TYPE_NAMES[issue.expected]
      return message(name ? `validation:expected/${name}` : 'validation:expected/value')
    }
    case 'invalid_value':
      return message('validation:expected/one-of', { values: issue.values.map(String).join(', ') })
    case 'too_small': {
      const min = Number(issue.minimum)
      if (issue.origin === 'string') return message('validation:expected/non-empty')
      if (issue.origin === 'array') return message('validation:expected/min-items', { count: min })
      return message(issue.inclusive ? 'validation:expected/min' : 'validation:expected/above', { min })
    }
    case 'too_big': {
      const max = Number(issue.maximum)
      return message(issue.inclusive ? 'validation:expected/max' : 'validation:expected/below', { max })
    }
    default:
      return message('validation:expected/value')
  }
}

function mismatch(path: DataPath, expected: Message, got: string | Message, key = false): Mismatch {
  const field = formatPath(path)
  return { path, field, expected, got, key, message: message('validation:problem', { path: field, expected, got }) }
}

/**
 * The issues of a failed check as {@link Mismatch}es, in the order zod found them.
 * `knownFields` names the fields of the mapping at a path, for unknown-field messages.
 */
export function mismatchesOf(error: z.ZodError, data: unknown, knownFields: (path: DataPath) => readonly string[] = () => []): Mismatch[] {
  return error.issues.flatMap((issue): Mismatch[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownFields(issue.path).join(', ')
      return issue.keys.map((key) => mismatch([...issue.path, key], message('validation:expected/known-field', { known }), JSON.stringify(key), true))
    }
    return [mismatch(issue.path, expectedOf(issue), describeValue(valueAt(data, issue.path)))]
  })
}

/** Checks `data` against `schema`. */
export function check<S extends z.ZodType>(schema: S, data: unknown): Checked<z.output<S>> {
  const result = schema.safeParse(data)
  if (result.success) return { ok: true, value: result.data }
  const mismatches = mismatchesOf(result.error, data)
  return { ok: false, mismatches, detail: mismatches[0]?.message ?? message('validation:expected/value') }
}

/** Parses JSON text and checks it against `schema`; damaged text is a mismatch, not an exception. */
export function checkJson<S extends z.ZodType>(schema: S, text: string): Checked<z.output<S>> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return { ok: false, mismatches: [], detail: message('validation:not-json', { detail: (error as Error).message }) }
  }
  return check(schema, data)
}
