/**
 * The one Markdown parser configuration used everywhere (source, translation, check),
 * so "what is a paragraph" never differs between stages.
 */
import { channel } from 'node:diagnostics_channel'
import { unified } from 'unified'
import remarkParse from 'remark-parse'
import remarkGfm from 'remark-gfm'
import remarkMdx from 'remark-mdx'
import remarkCjkFriendly from 'remark-cjk-friendly'
import remarkCjkFriendlyGfmStrikethrough from 'remark-cjk-friendly-gfm-strikethrough'
import type { Root } from 'mdast'

// CommonMark alone misreads `**“引号”**后` and `**《命运》**交响曲` as literal asterisks.
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkCjkFriendly)
  .use(remarkCjkFriendlyGfmStrikethrough)
  .freeze()

// MDX: imports and exports are `mdxjsEsm` nodes, components are JSX elements whose
// Markdown children (a list inside `<Steps>`) are parsed as Markdown, not as HTML text.
const mdxProcessor = unified()
  .use(remarkParse)
  .use(remarkMdx)
  .use(remarkGfm)
  .use(remarkCjkFriendly)
  .use(remarkCjkFriendlyGfmStrikethrough)
  .freeze()

/** True for a file that is MDX by its name (`.mdx`). */
export function isMdxFile(file: string): boolean {
  return /\.mdx$/i.test(file)
}

/** The diagnostics channel on which every {@link parseMarkdown} call says what it parses. */
export const PARSE_MARKDOWN_CHANNEL = 'l10n:parse-markdown'

/** What {@link PARSE_MARKDOWN_CHANNEL} carries: the Markdown of one {@link parseMarkdown} call, as it starts. */
export interface ParseMarkdownEvent {
  markdown: string
  mdx: boolean
}

// Whole articles and single sections (a model's answer, a review cell) are parsed here;
// publishing costs nothing while no one listens (see article/parse.ts's PARSE_CHANNEL).
const parseMarkdownEvents = channel(PARSE_MARKDOWN_CHANNEL)

/**
 * Parses Markdown (no frontmatter) into mdast with positions; never throws on plain
 * Markdown. With `mdx`, parses MDX (ESM, JSX, expressions), which throws on invalid
 * JSX (a `VFileMessage` with `line`/`column`); callers turn that into an error with a place.
 * Each call is announced on {@link PARSE_MARKDOWN_CHANNEL} before it starts.
 */
export function parseMarkdown(markdown: string, options: { mdx?: boolean } = {}): Root {
  if (parseMarkdownEvents.hasSubscribers) parseMarkdownEvents.publish({ markdown, mdx: options.mdx === true } satisfies ParseMarkdownEvent)
  return (options.mdx ? mdxProcessor : processor).parse(markdown)
}
