/**
 * Places: file offsets turned into line and column, for fragments that sit somewhere
 * inside a larger file.
 */
import type { Place } from '../article/types.ts'
import { BoundedCache } from '../shared/bounded-cache.ts'

// Line starts per text, so a line:column costs a binary search. Two texts (source and
// target) are looked up over and over; a handful of entries is plenty.
const lineStartCache = new BoundedCache<string, number[]>(8)

function lineStarts(text: string): number[] {
  return lineStartCache.get(text, () => {
    const starts = [0]
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
    return starts
  })
}

/** The line, column and offset of `offset` in `text`. */
export function placeIn(text: string, offset: number): Place {
  const starts = lineStarts(text)
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if (starts[middle]! <= offset) low = middle
    else high = middle - 1
  }
  return { line: low + 1, column: offset - starts[low]! + 1, offset }
}

/** Maps fragment offsets to file places: `text` is the file (or the fragment), `shift` the fragment's offset in it. */
export interface Locator {
  text: string
  shift: number
}

/** The file place of an offset into the fragment; a negative offset is the fragment's start. */
export function locate(locator: Locator, fragmentOffset: number): Place {
  return placeIn(locator.text, locator.shift + Math.max(0, fragmentOffset))
}
