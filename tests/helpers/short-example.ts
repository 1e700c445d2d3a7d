/**
 * The short example (`tests/fixtures/short/`): four sections made of the example's own
 * blocks, with their reference English, so the reference translator answers it byte for
 * byte. It keeps what tests lean on: a locked name in three sections (John Williams, and
 * his short form Williams in one), bold and italic spans, both generator leftovers. For
 * tests that need an article to run on but are not about the long example itself: a run
 * of it costs a fraction of the long one's parsing, checking and requests.
 */
export const SHORT_EXAMPLE = {
  /** The Chinese source, `locale: cn`. */
  source: 'tests/fixtures/short/cn/soundtrack.md',
  /** Its reference English. */
  reference: 'tests/fixtures/short/en/soundtrack.md',
  /**
   * The source without the generator leftovers, for generated trees (`generateTree`'s
   * `example`): trees of the long example left them out too, unless they used its
   * sections 6 or 8, and a section's leftover changes what its request looks like.
   */
  tree: 'tests/fixtures/short/cn/tree.md',
} as const
