/**
 * bounded-cache: memos of pure functions of their key (normalized glossary forms, name
 * occurrences of a section, line starts of a text) that keep the entries set last, so
 * a run over a whole site never holds more than `limit` of them.
 */

/** A memo holding at most `limit` entries; the oldest goes first. */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>()

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`Expected \`limit\` to be an integer >= 1, got \`${String(limit)}\``)
  }

  /** The value remembered for `key`, or `compute(key)`, remembered now. */
  get(key: K, compute: (key: K) => V): V {
    // One lookup on a hit; `has` only when the value is `undefined`, which may be remembered
    // too (a form without a near-miss shape).
    const found = this.#entries.get(key)
    if (found !== undefined || this.#entries.has(key)) return found as V
    const value = compute(key)
    if (this.#entries.size >= this.limit) this.#entries.delete(this.#entries.keys().next().value as K)
    this.#entries.set(key, value)
    return value
  }
}
