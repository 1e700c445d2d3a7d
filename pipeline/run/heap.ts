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
import { setFlagsFromString } from 'node:v8'
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

/** How often a long run collects its whole heap (see {@link collectPeriodically}). */
export const COLLECT_EVERY_MS = 10_000

/**
 * Full garbage collections every {@link COLLECT_EVERY_MS} while a long run goes on; returns
 * the function that stops them. Measured at 1000 × 3 (issue 15), the live heap stays at
 * 54–58 MB all run long, yet V8 let its old space grow past 140 MB of mostly garbage
 * before its first major collections: the old generation's starting limit is set when
 * node starts, so the growth cap above does not reach it. One full collection of ~60 MB
 * costs tens of milliseconds, a fraction of a percent of a run's CPU every 10 s. The
 * collector is V8's own `gc`, taken from a fresh context after `--expose-gc` (node
 * exposes it to contexts made after the flag is set, not to the main one).
 */
export function collectPeriodically(everyMs: number = COLLECT_EVERY_MS): () => void {
  let gc: unknown
  try {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc')
  } catch {
    gc = undefined
  }
  if (typeof gc !== 'function') return () => {}
  const collect = gc as () => void
  const timer = setInterval(() => collect(), everyMs)
  // Never what keeps a process alive.
  timer.unref()
  return () => clearInterval(timer)
}
