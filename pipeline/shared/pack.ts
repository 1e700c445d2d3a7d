/**
 * pack: items into consecutive groups, in order, each up to a limit. What request
 * batching needs wherever it happens (Batch API files, judge requests).
 */

/** Limits of one group: its total weight, and optionally how many items it holds. */
export interface PackLimits {
  /** Most total weight of a group; an item heavier than this alone makes a group of its own. */
  maxWeight: number
  /** Most items in a group. @default unlimited */
  maxItems?: number
}

/**
 * Packs `items` greedily in order: a group closes when the next item would pass
 * `maxWeight` or `maxItems`. Never an empty group; the order of the items is kept.
 */
export function packInOrder<T>(items: readonly T[], weight: (item: T) => number, limits: PackLimits): T[][] {
  const groups: T[][] = []
  let current: T[] = []
  let total = 0
  for (const item of items) {
    const size = weight(item)
    if (current.length > 0 && (current.length >= (limits.maxItems ?? Infinity) || total + size > limits.maxWeight)) {
      groups.push(current)
      current = []
      total = 0
    }
    current.push(item)
    total += size
  }
  if (current.length > 0) groups.push(current)
  return groups
}
