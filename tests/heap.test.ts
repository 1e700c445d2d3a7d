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
