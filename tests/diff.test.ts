import { describe, expect, it, vi } from 'vitest'
import { diffStats, diffText, type DiffPart } from '../pipeline/review/diff.ts'

// The cost of a diff, counted instead of timed: every token comparison the `diff`
// package makes goes through this comparator (the same `===` it uses by default).
const work = vi.hoisted(() => ({ comparisons: 0 }))
vi.mock('diff', async (importOriginal) => {
  const actual = await importOriginal<typeof import('diff')>()
  const counting = (left: unknown, right: unknown) => (work.comparisons++, left === right)
  return {
    ...actual,
    diffArrays: (a: unknown[], b: unknown[], options: Record<string, unknown> = {}) =>
      actual.diffArrays(a, b, { ...options, comparator: counting } as Parameters<typeof actual.diffArrays>[2]),
  }
})
/** Token comparisons `fn` costs. */
function comparisonsOf(fn: () => void): number {
  const start = work.comparisons
  fn()
  return work.comparisons - start
}

/** The old text: kept and removed parts. */
function before(parts: readonly DiffPart[]): string {
  return parts.filter((part) => part.kind !== 'added').map((part) => part.text).join('')
}
/** The new text: kept and added parts. */
function after(parts: readonly DiffPart[]): string {
  return parts.filter((part) => part.kind !== 'removed').map((part) => part.text).join('')
}
function changes(parts: readonly DiffPart[]): DiffPart[] {
  return parts.filter((part) => part.kind !== 'same')
}

const HAN = '这首曲子的旋律由约翰威廉斯创作在伦敦交响乐团录音室完成首演于纽约观众反响热烈乐评人称赞其配器精妙主题动机贯穿全片'
/** A deterministic pseudo-random Chinese text of `n` characters. */
function hanText(n: number, seed: number): string {
  let x = seed
  let out = ''
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648
    out += HAN[x % HAN.length]
  }
  return out
}

describe('diffText', () => {
  it('marks only the changed word of an English sentence', () => {
    const parts = diffText('The theme was written in 1977.', 'The theme was composed in 1977.', 'Latn')
    expect(parts).toEqual([
      { kind: 'same', text: 'The theme was ' },
      { kind: 'removed', text: 'written' },
      { kind: 'added', text: 'composed' },
      { kind: 'same', text: ' in 1977.' },
    ])
  })

  it('keeps Cyrillic words whole', () => {
    const parts = diffText('Тема была написана в 1977 году.', 'Тема была сочинена в 1977 году.', 'Cyrl')
    expect(changes(parts)).toEqual([
      { kind: 'removed', text: 'написана' },
      { kind: 'added', text: 'сочинена' },
    ])
  })

  it('joins two changed words separated by a space into one change', () => {
    const parts = diffText('The theme was written in 1977.', 'The theme is composed in 1977.', 'Latn')
    expect(changes(parts)).toEqual([
      { kind: 'removed', text: 'was written' },
      { kind: 'added', text: 'is composed' },
    ])
  })

  it('diffs Chinese by character: one changed character in a long paragraph is a small diff', () => {
    const paragraph = '《星球大战》的主题曲由约翰·威廉斯于1977年创作，' + hanText(400, 7) + '。伦敦交响乐团在录音室完成了全部配乐的录制。'
    const edited = paragraph.replace('创作', '谱写').replace('录制', '录音')
    const parts = diffText(paragraph, edited, 'Hans')
    expect(before(parts)).toBe(paragraph)
    expect(after(parts)).toBe(edited)
    const stats = diffStats(parts)
    expect(stats.added).toBeLessThanOrEqual(4)
    expect(stats.removed).toBeLessThanOrEqual(4)
    expect(changes(parts).length).toBeLessThanOrEqual(4)
  })

  it('reads a Chinese rewrite as a phrase, not as scraps around a shared character', () => {
    const parts = diffText('他的音乐很好听。', '她写的歌很好听。', 'Hans')
    expect(parts).toEqual([
      { kind: 'removed', text: '他的音乐' },
      { kind: 'added', text: '她写的歌' },
      { kind: 'same', text: '很好听。' },
    ])
  })

  it('merges a one-character kept run between two changes (Japanese too)', () => {
    const parts = diffText('主題は1977年に作曲された。', '主題は1978年に編曲された。', 'Jpan')
    expect(before(parts)).toBe('主題は1977年に作曲された。')
    expect(after(parts)).toBe('主題は1978年に編曲された。')
    for (const part of parts) if (part.kind === 'same') expect(part.text.length).toBeGreaterThan(1)
  })

  it('shows a new section as all added', () => {
    expect(diffText(undefined, '新的一节。', 'Hans')).toEqual([{ kind: 'added', text: '新的一节。' }])
    expect(diffText(undefined, '', 'Latn')).toEqual([])
    expect(diffStats(diffText(undefined, 'New 🎵 text', 'Latn'))).toEqual({ added: 10, removed: 0 })
  })

  it('returns one kept part for identical texts, and all removed for an emptied text', () => {
    expect(diffText('same', 'same', 'Latn')).toEqual([{ kind: 'same', text: 'same' }])
    expect(diffText('gone', '', 'Latn')).toEqual([{ kind: 'removed', text: 'gone' }])
  })

  it('keeps line breaks and whitespace exactly', () => {
    const a = 'First line.\r\n\r\n  Second   line with  spaces.\n- item one\n- item two'
    const b = 'First line.\r\n\r\n  Second   line with spaces!\n- item one\n- item 2\n- item three'
    const parts = diffText(a, b, 'Latn')
    expect(before(parts)).toBe(a)
    expect(after(parts)).toBe(b)
  })

  it('stays cheap on a 3,000-character section rewritten from scratch', () => {
    const a = hanText(3000, 1)
    const b = hanText(3000, 2)
    let parts: DiffPart[] = []
    const cost = comparisonsOf(() => (parts = diffText(a, b, 'Hans')))
    // About 210,000 comparisons with the edit-length cap; 3.4 million without it.
    expect(cost).toBeLessThan(400_000)
    expect(before(parts)).toBe(a)
    expect(after(parts)).toBe(b)
  })

  it('stays cheap on a long section with many edited sentences', () => {
    const sentencesA = Array.from({ length: 100 }, (_, i) => hanText(29, i + 10) + '。')
    const sentencesB = sentencesA.map((sentence, i) => (i % 3 === 0 ? hanText(29, i + 500) + '。' : sentence))
    const a = sentencesA.join('')
    const b = sentencesB.join('')
    let parts: DiffPart[] = []
    const cost = comparisonsOf(() => (parts = diffText(a, b, 'Hans')))
    // About 220,000 comparisons with the cap; 620,000 without it.
    expect(cost).toBeLessThan(400_000)
    expect(before(parts)).toBe(a)
    expect(after(parts)).toBe(b)
    // Untouched sentences stay kept text.
    expect(parts.filter((part) => part.kind === 'same').map((part) => part.text).join('')).toContain(sentencesA[1]! + sentencesA[2]!)
  })

  it('throws a TypeError for a non-string text', () => {
    expect(() => diffText('a', 42 as unknown as string, 'Latn')).toThrow(TypeError)
  })
})

describe('diffStats', () => {
  it('counts added and removed characters (code points)', () => {
    expect(
      diffStats([
        { kind: 'same', text: 'abc' },
        { kind: 'removed', text: '写' },
        { kind: 'added', text: '创作' },
        { kind: 'added', text: '🎵' },
      ]),
    ).toEqual({ added: 3, removed: 1 })
  })
})

describe('diffText with Intl.Segmenter words', () => {
  it('replaces a changed Chinese word whole, not the one character that differs', () => {
    // Per character this reads 作[-曲-]{+词+}家; a reviewer reads words.
    const parts = diffText('他是一位作曲家。', '他是一位作词家。', 'Hans')
    expect(changes(parts)).toEqual([
      { kind: 'removed', text: '作曲家' },
      { kind: 'added', text: '作词家' },
    ])
  })

  it('cuts Japanese into words: a changed word is one change', () => {
    const parts = diffText('映画音楽の作曲家として知られている。', '映画音楽の作詞家として知られている。', 'Jpan')
    expect(before(parts)).toBe('映画音楽の作曲家として知られている。')
    expect(after(parts)).toBe('映画音楽の作詞家として知られている。')
    expect(changes(parts)).toEqual([
      { kind: 'removed', text: '作曲家' },
      { kind: 'added', text: '作詞家' },
    ])
  })
})
