/**
 * Paces LLM calls: how many run at once (p-queue), how many start per interval and how
 * many tokens go out per interval (two sliding windows here, both on an injectable
 * clock, so tests can check the windows exactly without waiting them out).
 *
 * The windows hold as the server sees them. A request reaches the server some time
 * after the scheduler lets it start (30–115 ms on a busy event loop), so a start
 * stamped when admitted would leave the window too early, and a later start would
 * land in the same server-side minute. Here a request occupies its place in a window
 * from the moment it is admitted until one interval after it finished: it reached the
 * server between those two moments, so any interval of arrival times at the server
 * holds at most the limit (every request arriving in it is still occupying its place at
 * the latest arrival). A retry inside a task (`retried()`) occupies a place of its own.
 */
import { setMaxListeners } from 'node:events'
import PQueue from 'p-queue'
import { systemClock, type Clock, type TimerHandle } from '../shared/clock.ts'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'

/** Options of {@link createScheduler}. */
export interface SchedulerOptions {
  /** Tasks running at the same time. Minimum 1. */
  concurrency: number
  /**
   * Requests allowed in any window of `intervalMs` as the server sees them: a request
   * holds its place from its start until `intervalMs` after it finished. Minimum 1.
   * @default unlimited
   */
  requestsPerInterval?: number
  /** Length of the rate windows. Minimum 1. @default 60000 (providers count per minute) */
  intervalMs?: number
  /**
   * Tokens allowed in any window of `intervalMs`: a task's tokens are held from its
   * admission until `intervalMs` after it finished (at its estimate until it reports
   * what it used). A task larger than the whole budget still runs, alone, once the
   * window is empty. Minimum 1. @default unlimited
   */
  tokensPerInterval?: number
  /** Aborting it stops the scheduler, like {@link Scheduler.stop}. */
  signal?: AbortSignal
  /** Times the windows; tests pass a hand-driven one. @default systemClock */
  clock?: Clock
}

/** What a task reports back: its result, and the tokens it really used. */
export interface TaskResult<T> {
  value: T
  usedTokens: number
}

/** What a running task tells the scheduler. */
export interface TaskControl {
  /** The task sent its request again (a retry): one more request in the start window. */
  retried(): void
}

/** One unit of work for {@link Scheduler.schedule}. */
export interface ScheduledTask<T> {
  /**
   * Tokens reserved in the window until the task reports `usedTokens`. To hold a
   * server's limit this must be at least what the server counts for the request.
   */
  estimatedTokens: number
  /** The work; `signal` aborts when the scheduler stops. */
  run: (signal: AbortSignal, control: TaskControl) => Promise<TaskResult<T>>
}

/** Counters since the scheduler was created. */
export interface SchedulerStats {
  started: number
  finished: number
  failed: number
  /** Sum of the `usedTokens` reported by finished tasks. */
  tokensUsed: number
  /** Most tasks seen running at the same time. */
  maxConcurrent: number
}

/** A running scheduler. */
export interface Scheduler {
  /** Runs `task` when concurrency, start rate and token budget allow; resolves with its value. */
  schedule<T>(task: ScheduledTask<T>): Promise<T>
  /**
   * Rejects waiting tasks with `E_INTERRUPTED` and aborts the signal of running ones.
   * Later `schedule()` calls reject at once.
   */
  stop(reason?: unknown): void
  /** Resolves when no scheduled task is waiting or running. */
  onIdle(): Promise<void>
  readonly stats: Readonly<SchedulerStats>
  readonly stopped: boolean
}

/**
 * A place in a window: held from admission until `intervalMs` after the task finished
 * (`finishedAt` stays undefined while it waits or runs).
 */
interface Reservation {
  tokens: number
  finishedAt: number | undefined
}

interface Waiter {
  tokens: number
  admit: (reservation: Reservation) => void
}

/** Creates a {@link Scheduler}. Throws a `TypeError` quoting the value for invalid options. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const concurrency = checkInteger('concurrency', options.concurrency)
  const intervalMs = checkInteger('intervalMs', options.intervalMs ?? 60_000)
  const requestsPerInterval =
    options.requestsPerInterval === undefined ? undefined : checkInteger('requestsPerInterval', options.requestsPerInterval)
  const tokenBudget =
    options.tokensPerInterval === undefined ? undefined : checkInteger('tokensPerInterval', options.tokensPerInterval)
  const clock = options.clock ?? systemClock
  const now = () => clock.now()

  const queue = new PQueue({ concurrency })
  const stopper = new AbortController()
  // Every waiting or running task listens on this one signal (and removes its listener
  // when done); a batch of hundreds is normal, not a leak.
  setMaxListeners(0, stopper.signal)
  const stats: SchedulerStats = { started: 0, finished: 0, failed: 0, tokensUsed: 0, maxConcurrent: 0 }
  let running = 0
  let outstanding = 0
  let idleWaiters: Array<() => void> = []

  // Token window: reservations of waiting and recent tasks, and tasks waiting for room.
  const reservations = new Set<Reservation>()
  const waiters: Waiter[] = []
  let timer: TimerHandle | undefined

  // Start window: the requests started and not yet one interval past their finish, and
  // the tasks (holding a concurrency slot) waiting for a start. A sliding window, so no
  // burst of 2× the cap across a window boundary.
  const starts = new Set<Reservation>()
  const startWaiters: Array<() => void> = []
  let startTimer: TimerHandle | undefined

  function used(at: number): number {
    let total = 0
    for (const reservation of reservations) {
      if (reservation.finishedAt !== undefined && at - reservation.finishedAt >= intervalMs) reservations.delete(reservation)
      else total += reservation.tokens
    }
    return total
  }

  /** Requests in the start window at `at` (dropping those one interval past their finish). */
  function startsIn(at: number): number {
    for (const start of starts) {
      if (start.finishedAt !== undefined && at - start.finishedAt >= intervalMs) starts.delete(start)
    }
    return starts.size
  }

  /** When the oldest finished place of `places` leaves its window (undefined: none finished yet). */
  function nextExpiry(places: Iterable<Reservation>): number | undefined {
    let oldest = Number.POSITIVE_INFINITY
    for (const place of places) {
      if (place.finishedAt !== undefined) oldest = Math.min(oldest, place.finishedAt)
    }
    return Number.isFinite(oldest) ? oldest + intervalMs : undefined
  }

  /** Lets waiting tasks start, in order, while the start window has room; otherwise wakes up when it may. */
  function pumpStarts(): void {
    if (startTimer !== undefined) clock.clearTimeout(startTimer)
    startTimer = undefined
    while (startWaiters.length > 0) {
      if (requestsPerInterval !== undefined && startsIn(now()) >= requestsPerInterval) break
      ;(startWaiters.shift() as () => void)()
    }
    if (startWaiters.length === 0) return
    // Room appears when a finished request leaves the window; a finish also calls pumpStarts().
    const expiry = nextExpiry(starts)
    if (expiry !== undefined) startTimer = clock.setTimeout(pumpStarts, Math.max(1, expiry - now()))
  }

  /** Resolves with the task's place when the start window lets one more task start. */
  function startSlot(signal: AbortSignal): Promise<Reservation> {
    if (signal.aborted) return Promise.reject(signal.reason)
    return new Promise((resolve, reject) => {
      const admit = () => {
        signal.removeEventListener('abort', onAbort)
        const place: Reservation = { tokens: 0, finishedAt: undefined }
        starts.add(place)
        resolve(place)
      }
      const onAbort = () => {
        const index = startWaiters.indexOf(admit)
        if (index >= 0) startWaiters.splice(index, 1)
        reject(signal.reason)
      }
      startWaiters.push(admit)
      signal.addEventListener('abort', onAbort, { once: true })
      pumpStarts()
    })
  }

  /** Admits waiters in order while the window has room; otherwise wakes up when it may. */
  function pump(): void {
    if (timer !== undefined) clock.clearTimeout(timer)
    timer = undefined
    while (waiters.length > 0) {
      const head = waiters[0] as Waiter
      const inWindow = tokenBudget === undefined ? 0 : used(now())
      // An empty window admits anything, so a task above the whole budget cannot deadlock.
      if (tokenBudget !== undefined && inWindow > 0 && inWindow + head.tokens > tokenBudget) break
      waiters.shift()
      const reservation: Reservation = { tokens: head.tokens, finishedAt: undefined }
      if (tokenBudget !== undefined) reservations.add(reservation)
      head.admit(reservation)
    }
    if (waiters.length === 0) return
    // Room appears when the oldest finished reservation leaves the window; a finish, a
    // correction or a release also calls pump().
    const expiry = nextExpiry(reservations)
    if (expiry !== undefined) timer = clock.setTimeout(pump, Math.max(0, expiry - now()) + 1)
  }

  function reserve(tokens: number, signal: AbortSignal): Promise<Reservation> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = waiters.indexOf(waiter)
        if (index >= 0) waiters.splice(index, 1)
        reject(signal.reason)
        // The head may have been the only one blocking the others.
        pump()
      }
      const waiter: Waiter = {
        tokens,
        admit: (reservation) => {
          signal.removeEventListener('abort', onAbort)
          resolve(reservation)
        },
      }
      waiters.push(waiter)
      signal.addEventListener('abort', onAbort, { once: true })
      pump()
    })
  }

  function settle(): void {
    outstanding--
    if (outstanding > 0) return
    const resolvers = idleWaiters
    idleWaiters = []
    for (const resolve of resolvers) resolve()
  }

  async function schedule<T>(task: ScheduledTask<T>): Promise<T> {
    if (!(Number.isFinite(task.estimatedTokens) && task.estimatedTokens >= 0)) {
      throw new TypeError(`Expected \`estimatedTokens\` to be a finite number >= 0, got \`${task.estimatedTokens}\``)
    }
    if (stopper.signal.aborted) throw stopper.signal.reason
    outstanding++
    const signal = stopper.signal
    let reservation: Reservation | undefined
    let started = false
    try {
      reservation = await reserve(task.estimatedTokens, signal)
      const admitted = reservation
      return await queue.add(
        async () => {
          // The task's places in the start window: its request, and one per retry.
          const places: Reservation[] = []
          if (requestsPerInterval !== undefined) places.push(await startSlot(signal))
          started = true
          stats.started++
          running++
          stats.maxConcurrent = Math.max(stats.maxConcurrent, running)
          const control: TaskControl = {
            retried() {
              if (requestsPerInterval === undefined) return
              const place: Reservation = { tokens: 0, finishedAt: undefined }
              starts.add(place)
              places.push(place)
            },
          }
          try {
            const result = await task.run(signal, control)
            stats.finished++
            stats.tokensUsed += result.usedTokens
            // The estimate was a guess; the window now holds what was really spent.
            if (Number.isFinite(result.usedTokens) && result.usedTokens >= 0) admitted.tokens = result.usedTokens
            return result.value
          } catch (error) {
            // Failed calls keep their estimate: the provider may have counted the tokens.
            stats.failed++
            throw error
          } finally {
            running--
            // The request reached the server before now: its places leave the windows one
            // interval from here.
            const finished = now()
            admitted.finishedAt = finished
            for (const place of places) place.finishedAt = finished
            pump()
            if (places.length > 0) pumpStarts()
          }
        },
        { signal },
      )
    } finally {
      if (reservation && !started) {
        reservations.delete(reservation)
        pump()
      }
      settle()
    }
  }

  function stop(reason?: unknown): void {
    if (stopper.signal.aborted) return
    const error =
      reason instanceof L10nError ? reason : new L10nError('E_INTERRUPTED', { params: { detail: message('llm:stopped') }, cause: reason })
    // One abort does it all: p-queue drops and rejects queued tasks with the reason,
    // the token waiters reject, and running tasks see their signal abort.
    stopper.abort(error)
    if (timer !== undefined) clock.clearTimeout(timer)
    timer = undefined
    if (startTimer !== undefined) clock.clearTimeout(startTimer)
    startTimer = undefined
  }

  if (options.signal) {
    const outer = options.signal
    if (outer.aborted) stop(outer.reason)
    else outer.addEventListener('abort', () => stop(outer.reason), { once: true })
  }

  return {
    schedule,
    stop,
    onIdle() {
      if (outstanding === 0) return Promise.resolve()
      return new Promise((resolve) => idleWaiters.push(resolve))
    },
    get stats() {
      return { ...stats }
    },
    get stopped() {
      return stopper.signal.aborted
    },
  }
}

function checkInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`Expected \`${name}\` to be an integer >= 1, got \`${String(value)}\` (${typeof value})`)
  }
  return value
}
