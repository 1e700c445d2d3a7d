/**
 * The one Markdown parser configuration used everywhere (source, translation, check),
 * so "what is a paragraph" never differs between stages.
 */
import { unified } from 'unified'
import remarkParse from 'remark-parse'
import remarkGfm from 'remark-gfm'
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

/** Parses Markdown (no frontmatter) into mdast with positions; never throws on content. */
export function parseMarkdown(markdown: string): Root {
  return processor.parse(markdown)
}
