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
