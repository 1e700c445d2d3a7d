/**
 * json-pieces: `JSON.stringify(value, null, 2)` as a sequence of pieces, for a big document
 * written to a file. A site-wide sync's JSON report is one element per article × locale
 * (6 MB of text at 1000 × 3, 12 MB as a V8 string of two-byte characters, and as much again
 * while it is built and encoded); written piece by piece, only one element's text exists at
 * a time. The pieces join to exactly the text `JSON.stringify` gives.
 */

/** Characters of indentation per level, as the reports are written. */
const INDENT = '  '

/**
 * The pieces of `JSON.stringify(value, null, 2)`: arrays and plain objects down to `depth`
 * levels are opened element by element, deeper values are stringified whole (their
 * line breaks indented to their place). Joined, the pieces are the very same text.
 */
export function* jsonPieces(value: unknown, depth = 3, indent = ''): Generator<string> {
  if (depth > 0 && Array.isArray(value) && value.length > 0) {
    const inner = indent + INDENT
    yield '['
    for (let index = 0; index < value.length; index++) {
      yield `${index > 0 ? ',' : ''}\n${inner}`
      const element: unknown = value[index]
      // As JSON.stringify does in arrays: what has no JSON form is null.
      if (element === undefined || typeof element === 'function' || typeof element === 'symbol') yield 'null'
      else yield* jsonPieces(element, depth - 1, inner)
    }
    yield `\n${indent}]`
    return
  }
  if (depth > 0 && isPlainObject(value)) {
    // As JSON.stringify does in objects: what has no JSON form is left out.
    const keys = Object.keys(value).filter((key) => {
      const item = value[key]
      return item !== undefined && typeof item !== 'function' && typeof item !== 'symbol'
    })
    if (keys.length > 0) {
      const inner = indent + INDENT
      yield '{'
      for (let index = 0; index < keys.length; index++) {
        const key = keys[index]!
        yield `${index > 0 ? ',' : ''}\n${inner}${JSON.stringify(key)}: `
        yield* jsonPieces(value[key], depth - 1, inner)
      }
      yield `\n${indent}}`
      return
    }
  }
  const text = JSON.stringify(value, null, 2)
  // Top level only: JSON.stringify(undefined) has no text; deeper values were filtered above.
  if (text === undefined) return
  // A JSON string never holds a raw line break, so every one is a break between lines.
  yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`)
}

/** An object JSON.stringify writes key by key: no toJSON of its own, not a boxed primitive or a Map. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
