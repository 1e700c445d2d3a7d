/**
 * heap: how a long run over a whole site holds its memory. Measured on generated trees
 * (issue 15), what a sync keeps alive stays about flat as it goes (60–70 MB at 400 ×
 * 3 after a full collection: the tokenizer's table, the glossary, the code, the articles in
 * flight), but V8 lets the heap grow to up to four times the live size between major
 * collections while a run allocates fast (parsing, tokenizing, checking), and that
 * headroom is most of the peak RSS. A run therefore asks V8 to grow the heap by at most
 * {@link HEAP_GROWING_PERCENT} per collection: the peak follows the live size, for a few
 * more major collections (measured at 100 × 3: peak RSS 328 → 250 MB, CPU within the noise of a loaded machine).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Growth of the heap limit after a major collection, in percent of the live size (V8 picks 10–300). */
export const HEAP_GROWING_PERCENT = 50

/**
 * Bounds the heap's headroom for a long run (sync, translate). Leaves it as it is when the
 * user already tuned the heap (`--heap-growing-percent` or `--max-old-space-size` in the
 * node flags or `NODE_OPTIONS`). Returns whether it set the growth.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env.NODE_OPTIONS): boolean {
  const tuned = /--(heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size)\b/
  if (execArgv.some((arg) => tuned.test(arg)) || tuned.test(nodeOptions ?? '')) return false
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
  return true
}

/** How often a long run collects its whole heap at the least (see {@link collectPeriodically}). */
export const COLLECT_EVERY_MS = 10_000

/** How often the heap's size is looked at between collections (one cheap statistics call). */
export const HEAP_CHECK_EVERY_MS = 1_000

/**
 * Growth of the heap beyond what the last collection left alive that brings the next
 * collection forward: the garbage a run may pile up before it is collected, whatever
 * the machine's speed.
 */
export const COLLECT_AFTER_GROWTH_BYTES = 24 * 1024 * 1024

/** What {@link collectionDue} compares: the heap after the last collection, and when that was. */
export interface CollectionState {
  /** Bytes of the old generation (old space and large objects) in use right after the last collection. */
  live: number
  /** When the last collection ran, in milliseconds of the same clock as `now`. */
  at: number
}

/**
 * True when a long run should collect its heap now: `limits.everyMs` have passed since the
 * last collection, or the old generation grew by more than `limits.growthBytes` over what
 * that collection left alive ({@link collectPeriodically} passes its own limits).
 */
export function collectionDue(state: CollectionState, now: number, used: number, limits: { everyMs: number; growthBytes: number }): boolean {
  return now - state.at >= limits.everyMs || used - state.live > limits.growthBytes
}

/** Bytes in use in the old generation: what survives young collections and waits for a full one. */
export function oldGenerationUsed(): number {
  let used = 0
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'old_space' || space.space_name === 'large_object_space') used += space.space_used_size
  }
  return used
}

/**
 * Full garbage collections while a long run goes on, at least every {@link COLLECT_EVERY_MS}
 * and sooner when the old generation grew by {@link COLLECT_AFTER_GROWTH_BYTES} since the
 * last one (looked at every {@link HEAP_CHECK_EVERY_MS}); returns the function that stops
 * them. Measured at 1000 × 3 (issue 15), the live heap stays at 54–70 MB all run long,
 * yet V8 let its old space grow past 140 MB of mostly garbage before its first major
 * collections: the old generation's starting limit is set when node starts, so the growth
 * cap above does not reach it. A collection every 10 s alone still let the old space reach
 * 130 MB for ~70 MB alive at 1000 × 3 (its garbage grows with the allocation rate, so a
 * faster machine piles up more between two ticks); bringing the collection forward on
 * growth bounds that garbage by bytes, not by time. One full collection of ~60 MB costs
 * tens of milliseconds. The collector is V8's own `gc`, taken from a fresh context after
 * `--expose-gc` (node exposes it to contexts made after the flag is set, not to the main one).
 */
export function collectPeriodically(everyMs: number = COLLECT_EVERY_MS, options: { checkMs?: number; growthBytes?: number } = {}): () => void {
  let gc: unknown
  try {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc')
  } catch {
    gc = undefined
  }
  if (typeof gc !== 'function') return () => {}
  const collect = gc as () => void
  const limits = { everyMs, growthBytes: options.growthBytes ?? COLLECT_AFTER_GROWTH_BYTES }
  // What is alive is known only after a collection: the first check collects unless the heap is still small.
  const state: CollectionState = { live: 0, at: Date.now() }
  const timer = setInterval(
    () => {
      if (!collectionDue(state, Date.now(), oldGenerationUsed(), limits)) return
      collect()
      state.live = oldGenerationUsed()
      state.at = Date.now()
    },
    Math.min(options.checkMs ?? HEAP_CHECK_EVERY_MS, everyMs),
  )
  // Never what keeps a process alive.
  timer.unref()
  return () => clearInterval(timer)
}
