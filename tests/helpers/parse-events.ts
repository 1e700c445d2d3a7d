/**
 * The parses the code under test makes, as the pipeline announces them on its diagnostics
 * channels (`PARSE_CHANNEL` for articles, `PARSE_MARKDOWN_CHANNEL` for any Markdown): tests
 * that hold a command to parsing each file once, or nothing at all, count them here instead
 * of replacing the parser's module. Subscribed for the calling file's tests only, so no
 * other file in the same worker is watched.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { PARSE_MARKDOWN_CHANNEL, type ParseMarkdownEvent } from '../../pipeline/article/markdown.ts'
import { PARSE_CHANNEL, type ParseEvent } from '../../pipeline/article/parse.ts'

/** What {@link useParseEvents} has seen since the current test began (or its last `clear`). */
export interface ParseEvents {
  /** Every `parse` call, in order. */
  readonly articles: ParseEvent[]
  /** Every `parseMarkdown` call (articles' bodies included), in order. */
  readonly markdown: ParseMarkdownEvent[]
  /** Called at each `parse`, as it starts; reset before every test. */
  onArticle: ((event: ParseEvent) => void) | undefined
  /** Forgets what was seen so far. */
  clear(): void
}

/** Records the parses of every test in the calling file; cleared before each test. */
export function useParseEvents(): ParseEvents {
  const events: ParseEvents = {
    articles: [],
    markdown: [],
    onArticle: undefined,
    clear() {
      events.articles.length = 0
      events.markdown.length = 0
    },
  }
  const onArticle = (message: unknown) => {
    events.articles.push(message as ParseEvent)
    events.onArticle?.(message as ParseEvent)
  }
  const onMarkdown = (message: unknown) => void events.markdown.push(message as ParseMarkdownEvent)
  beforeAll(() => {
    subscribe(PARSE_CHANNEL, onArticle)
    subscribe(PARSE_MARKDOWN_CHANNEL, onMarkdown)
  })
  afterAll(() => {
    unsubscribe(PARSE_CHANNEL, onArticle)
    unsubscribe(PARSE_MARKDOWN_CHANNEL, onMarkdown)
  })
  beforeEach(() => {
    events.clear()
    events.onArticle = undefined
  })
  return events
}
