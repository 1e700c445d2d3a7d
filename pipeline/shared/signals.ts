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
 * (at once when one already has). Undefined sources are skipped. A source holds one
 * listener however many signals follow it (a run's signal is followed by every request
 * in flight: one listener each would pass Node's warning limit of 10), and only until
 * the last of them is released, so a long-lived source collects nothing per request.
 */
export function linkedSignal(sources: readonly (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController()
  const live = sources.filter((source): source is AbortSignal => source !== undefined)
  const already = live.find((source) => source.aborted)
  if (already) {
    controller.abort(already.reason)
    return { signal: controller.signal, release: () => {} }
  }
  let released = false
  const unfollow: (() => void)[] = []
  function release(): void {
    if (released) return
    released = true
    for (const stop of unfollow) stop()
  }
  for (const source of live) {
    unfollow.push(
      follow(source, () => {
        release()
        controller.abort(source.reason)
      }),
    )
  }
  return { signal: controller.signal, release }
}

/** The signals following a source, and the one listener on it that tells them. */
interface Followers {
  onAbort: Set<() => void>
  listener: () => void
}

const FOLLOWERS = new WeakMap<AbortSignal, Followers>()

/** Calls `onAbort` when `source` aborts, until the returned function is called. */
function follow(source: AbortSignal, onAbort: () => void): () => void {
  let followers = FOLLOWERS.get(source)
  if (!followers) {
    const created: Followers = {
      onAbort: new Set(),
      listener: () => {
        FOLLOWERS.delete(source)
        for (const call of [...created.onAbort]) call()
      },
    }
    followers = created
    FOLLOWERS.set(source, created)
    source.addEventListener('abort', created.listener, { once: true })
  }
  const own = followers
  own.onAbort.add(onAbort)
  return () => {
    own.onAbort.delete(onAbort)
    if (own.onAbort.size === 0 && FOLLOWERS.get(source) === own) {
      FOLLOWERS.delete(source)
      source.removeEventListener('abort', own.listener)
    }
  }
}
