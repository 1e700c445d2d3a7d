/**
 * A clock the test moves by hand, for code that takes a `Clock` (LLM client, scheduler,
 * run lock). Nothing waits for real: timers fire only when the test advances time, so a
 * test can check a wait exactly (the backoff was 500 ms, the third start came one window
 * later) on any machine, however busy.
 */
import type { Clock, TimerHandle } from '../../pipeline/shared/clock.ts'

/** A timer waiting on a {@link ManualClock}. */
export interface ManualTimer {
  /** Clock time it fires at. */
  at: number
  /** The delay it was set with. */
  ms: number
}

/** A {@link Clock} whose time moves only when the test says so. */
export interface ManualClock extends Clock {
  /** Timers not fired yet, soonest first. */
  pending(): ManualTimer[]
  /** Every delay ever set, in order (fired, pending or cleared). */
  readonly delays: readonly number[]
  /**
   * Moves time forward by `ms`, firing the timers that fall due on the way, each at its
   * own time and in order; after each one, lets promise callbacks and I/O run, so work
   * the timer started can set the next timer before time moves on.
   */
  advance(ms: number): Promise<void>
  /** Moves time to the soonest pending timer (optionally the soonest matching `which`) and fires it. */
  next(which?: (timer: ManualTimer) => boolean): Promise<ManualTimer>
}

interface Entry extends ManualTimer {
  id: number
  callback: () => void
}

/** Lets pending promise callbacks and ready I/O run (one turn of the event loop). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Creates a {@link ManualClock} starting at `start` (epoch ms; by default the real now, so file times compare). */
export function createManualClock(start = Date.now()): ManualClock {
  let now = start
  let ids = 0
  const timers: Entry[] = []
  const delays: number[] = []
  const soonest = () => [...timers].sort((a, b) => a.at - b.at || a.id - b.id)

  function fire(entry: Entry): void {
    timers.splice(timers.indexOf(entry), 1)
    now = Math.max(now, entry.at)
    entry.callback()
  }

  return {
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      const delay = Math.max(0, Number.isFinite(ms) ? ms : 0)
      delays.push(delay)
      const entry: Entry = { id: ids++, at: now + delay, ms: delay, callback }
      timers.push(entry)
      return entry.id
    },
    clearTimeout(handle) {
      const index = timers.findIndex((entry) => entry.id === handle)
      if (index >= 0) timers.splice(index, 1)
    },
    pending: () => soonest().map(({ at, ms }) => ({ at, ms })),
    delays,
    async advance(ms) {
      const target = now + ms
      await settle()
      for (;;) {
        const due = soonest().find((entry) => entry.at <= target)
        if (!due) break
        fire(due)
        await settle()
      }
      now = target
    },
    async next(which = () => true) {
      await settle()
      const entry = soonest().find((candidate) => which({ at: candidate.at, ms: candidate.ms }))
      if (!entry) throw new Error(`no pending timer matches (pending: ${JSON.stringify(soonest().map(({ at, ms }) => ({ at, ms })))})`)
      fire(entry)
      await settle()
      return { at: entry.at, ms: entry.ms }
    },
  }
}
