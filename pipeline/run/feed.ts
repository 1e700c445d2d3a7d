/**
 * feed: work goes into a queue as the queue takes it, not all at once. A sync over a site
 * adds one job per article × locale; adding the thousands of them up front kept a closure,
 * a promise and a context per job for the whole run (~3,000 pending jobs, a few MB at
 * 1000 × 3 in heap snapshots: memory that grew with the tree, not with the work in
 * flight). Waiting for room before adding keeps the queue at a few jobs beyond those running.
 */
import type PQueue from 'p-queue'

/**
 * Resolves once fewer than `maxWaiting` jobs wait in `queue` (not counting those running):
 * at once when there is room already. Await it before adding the next job.
 */
export async function roomIn(queue: PQueue, maxWaiting: number): Promise<void> {
  if (queue.size >= maxWaiting) await queue.onSizeLessThan(maxWaiting)
}
