/**
 * Small string helpers shared by the rule groups: measuring and shortening text.
 */

/** Length in code points: a Han character or an emoji is one, not two UTF-16 units. */
export function codePoints(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

/** Runs of white space as one space, trimmed: line wrapping is not a difference. */
export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** At most `length` code points, the last one `…` when cut: for quoting text in messages. */
export function truncate(text: string, length: number): string {
  const chars = [...text]
  return chars.length <= length ? text : `${chars.slice(0, length - 1).join('')}…`
}
