/**
 * Small string helpers shared by the rule groups: measuring and shortening text.
 */

export function codePoints(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

export function truncate(text: string, length: number): string {
  const chars = [...text]
  return chars.length <= length ? text : `${chars.slice(0, length - 1).join('')}…`
}
