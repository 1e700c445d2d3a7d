/**
 * Waiting for a condition in tests: polls on the real event loop until `condition()`
 * holds. The limit only turns a hang into a readable failure; no test asserts on how
 * long anything took.
 */

/** Resolves once `condition()` is true; rejects naming `what` after `limitMs` (a failure cut-off, not a timing check). */
export async function waitFor(condition: () => boolean, what = 'condition', limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${limitMs} ms for ${what}; it never happened`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
