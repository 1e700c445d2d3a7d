import { describe, expect, it } from 'vitest'
import { boundHeapGrowth } from '../pipeline/run/heap.ts'

describe('a long run bounds the heap headroom (issue 15)', () => {
  it("sets V8's heap growth unless the user tuned the heap already", () => {
    expect(boundHeapGrowth([], undefined)).toBe(true)
    expect(boundHeapGrowth([], '--enable-source-maps')).toBe(true)
    expect(boundHeapGrowth(['--max-old-space-size=4096'], undefined)).toBe(false)
    expect(boundHeapGrowth(['--heap-growing-percent=20'], undefined)).toBe(false)
    expect(boundHeapGrowth([], '--max_old_space_size=512')).toBe(false)
    expect(boundHeapGrowth([], '--enable-source-maps --heap-growing-percent=10')).toBe(false)
  })
})

describe('a long run collects its heap every few seconds (issue 15)', () => {
  it('frees what nothing holds any more while the run goes on, and stops when asked', async () => {
    const { collectPeriodically } = await import('../pipeline/run/heap.ts')
    let garbage: unknown[] | undefined = Array.from({ length: 300_000 }, (_, index) => ({ index, text: `entry ${index}` }))
    const ref = new WeakRef(garbage)
    garbage = undefined
    const stop = collectPeriodically(20)
    try {
      // A WeakRef's target is freed only by a collection; nothing else allocates here.
      for (let round = 0; round < 200 && ref.deref() !== undefined; round++) await new Promise((resolve) => setTimeout(resolve, 25))
      expect(ref.deref()).toBeUndefined()
    } finally {
      stop()
    }
  })
})

describe('a long run collects its heap when the old generation grew, not only on the clock (issue 15)', () => {
  it('is due after the interval, or once the old generation grew past the margin over what the last collection left alive', async () => {
    const { collectionDue } = await import('../pipeline/run/heap.ts')
    const limits = { everyMs: 10_000, growthBytes: 24 }
    expect(collectionDue({ live: 100, at: 0 }, 9_999, 124, limits)).toBe(false)
    expect(collectionDue({ live: 100, at: 0 }, 9_999, 125, limits)).toBe(true)
    expect(collectionDue({ live: 100, at: 0 }, 10_000, 100, limits)).toBe(true)
    // Less in use than after the last collection (V8 collected on its own): not due.
    expect(collectionDue({ live: 100, at: 0 }, 5_000, 60, limits)).toBe(false)
  })

  it('frees garbage of the old generation long before the interval when it grew past the margin', async () => {
    const { collectPeriodically, oldGenerationUsed } = await import('../pipeline/run/heap.ts')
    const before = oldGenerationUsed()
    // Kept alive while young collections run, so it is promoted to the old generation.
    let garbage: unknown[] | undefined = Array.from({ length: 300_000 }, (_, index) => ({ index, text: `entry ${index}` }))
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve))
    const ref = new WeakRef(garbage)
    expect(oldGenerationUsed() - before).toBeGreaterThan(4 * 1024 * 1024)
    garbage = undefined
    // An hour between timed collections: only the growth rule can collect within this test.
    const stop = collectPeriodically(3_600_000, { checkMs: 20, growthBytes: 4 * 1024 * 1024 })
    try {
      for (let round = 0; round < 200 && ref.deref() !== undefined; round++) await new Promise((resolve) => setTimeout(resolve, 25))
      expect(ref.deref()).toBeUndefined()
    } finally {
      stop()
    }
  })
})
