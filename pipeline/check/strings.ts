/**
 * Small string helpers shared by the rule groups: measuring and shortening text.
 */

/** Length in code points: a Han character or an emoji is one, not two UTF-16 units. */
export function codePoints(text: string): number {
  // What `for…of` counts (a surrogate pair once, a lone surrogate once), by character
  // codes: the string iterator was a visible part of profiling every text node.
  const length = text.length
  let count = 0
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    count++
  }
  return count
}

/**
 * False when a text has no UTF-16 unit from U+2E80 up: then it has no Han or kana and no
 * full-width punctuation (none of those lies below), and the Unicode property patterns
 * that look for them, slow on a long English paragraph, need not run.
 */
export function mayHoldCjk(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x2e80) return true
  return false
}

/** Runs of white space as one space, trimmed: line wrapping is not a difference. */
export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** At most `length` code points, the last one `…` when cut: for quoting text in messages. */
export function truncate(text: string, length: number): string {
  const chars = [...text]
  return chars.length <= length ? text : `${chars.slice(0, length - 1).join('')}…`
}
