/**
 * signals: one abort signal that follows several, for a single piece of work, and lets go
 * of them when the work is done.
 *
 * Why not `AbortSignal.any`: Node keeps a signal made by `AbortSignal.any` alive for as long
 * as it has an `abort` listener and has not aborted (so that a listener still fires after
 * the caller dropped it). The `openai` package adds such a listener to the signal of every
 * request and never removes it, so each request's combined signal — its listener, the
 * SDK's AbortController, the weak references its sources keep — stayed in memory until
 * the process ended: ~0.7 KB per request, every request of a site-wide sync (issue 15,
 * found in heap snapshots: `gcPersistentSignals` grew by one entry per request). A signal
 * of a plain AbortController has no such root: once the work and its listeners are gone,
 * so is it.
 */

/** A signal that aborts when any source does, and `release` to stop following them. */
export interface LinkedSignal {
  signal: AbortSignal
  /** Removes the listeners on the sources; call it when the work is done (idempotent). */
  release: () => void
}

/**
 * A plain signal that aborts, with the source's reason, as soon as one of `sources` does
 * (at once when one already has). Undefined sources are skipped. The sources hold a
 * listener only until {@link LinkedSignal.release}, so a long-lived source (a run's stop
 * signal) does not collect one per piece of work.
 */
export function linkedSignal(sources: readonly (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController()
  const live = sources.filter((source): source is AbortSignal => source !== undefined)
  const already = live.find((source) => source.aborted)
  if (already) {
    controller.abort(already.reason)
    return { signal: controller.signal, release: () => {} }
  }
  const listeners = live.map((source) => {
    const onAbort = () => {
      release()
      controller.abort(source.reason)
    }
    source.addEventListener('abort', onAbort, { once: true })
    return { source, onAbort }
  })
  let released = false
  function release(): void {
    if (released) return
    released = true
    for (const { source, onAbort } of listeners) source.removeEventListener('abort', onAbort)
  }
  return { signal: controller.signal, release }
}
