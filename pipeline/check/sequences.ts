/**
 * Comparing two lists: what one holds that the other lacks, and where they first differ.
 */

/** The difference of two multisets: items of `a` not matched in `b`. */
export function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>()
  for (const item of b) counts.set(item, (counts.get(item) ?? 0) + 1)
  const rest: string[] = []
  for (const item of a) {
    const count = counts.get(item) ?? 0
    if (count > 0) counts.set(item, count - 1)
    else rest.push(item)
  }
  return rest
}

/** The first index where the lists differ (a missing item counts), or undefined when they are equal. */
export function firstDifference<T>(a: readonly T[], b: readonly T[]): number | undefined {
  const length = Math.max(a.length, b.length)
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return index
  return undefined
}
