/**
 * Time as a dependency. Code that waits (retry backoff, request timeouts, rate windows,
 * lock polling) asks a {@link Clock} instead of calling `setTimeout` and `Date.now`
 * itself, so tests can pass a clock they move by hand and check the waits exactly,
 * without sleeping and without racing the real clock on a busy machine.
 */

/** A timer handle returned by {@link Clock.setTimeout}; opaque to callers. */
export type TimerHandle = unknown

/** Where time comes from. The real one is {@link systemClock}. */
export interface Clock {
  /** Milliseconds since the Unix epoch, comparable with file modification times. */
  now(): number
  /** Calls `callback` once, `ms` from now. A pending real timer keeps the process alive, like `setTimeout`. */
  setTimeout(callback: () => void, ms: number): TimerHandle
  /** Cancels a timer of this clock; harmless when it already fired. */
  clearTimeout(handle: TimerHandle): void
}

/** The real clock: `Date.now` and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/**
 * Resolves after `ms` on `clock`; rejects with `signal.reason` as soon as `signal`
 * aborts (at once when it already has), like `timers/promises` `setTimeout`.
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clock.clearTimeout(handle)
      reject(signal?.reason)
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** A signal that aborts after `ms` on `clock`, and `cancel` to stop its timer when it is no longer needed. */
export interface TimeoutSignal {
  signal: AbortSignal
  cancel: () => void
}

/**
 * Like `AbortSignal.timeout(ms)` but on `clock`: aborts with a `TimeoutError`
 * DOMException, the reason `AbortSignal.timeout` gives.
 */
export function timeoutSignal(ms: number, clock: Clock = systemClock): TimeoutSignal {
  const controller = new AbortController()
  const handle = clock.setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms)
  return { signal: controller.signal, cancel: () => clock.clearTimeout(handle) }
}
