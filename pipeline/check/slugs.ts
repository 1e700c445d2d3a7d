/**
 * Heading slugs: the `#fragment` a heading gets on a site, so a same-page link can be
 * told to point at a heading (GitHub's algorithm, which Astro, Docusaurus and most
 * site generators share; an explicit `{#id}` after the heading wins, as in VitePress).
 */
import GithubSlugger from 'github-slugger'
import type { Heading } from 'mdast'
import { toString } from 'mdast-util-to-string'
import type { Article } from '../article/types.ts'

const EXPLICIT_ID = /\s*\{#([^}\s]+)\}\s*$/

/** The slugs of an article's headings, in order, lower case (a repeated heading gets `-1`, `-2`…). */
export function headingSlugs(article: Article): string[] {
  const slugger = new GithubSlugger()
  const slugs: string[] = []
  const visit = (nodes: readonly unknown[]) => {
    for (const node of nodes as { type: string; children?: unknown[] }[]) {
      if (node.type === 'heading') {
        const text = toString(node as Heading)
        const explicit = EXPLICIT_ID.exec(text)
        slugs.push(explicit ? explicit[1]!.toLowerCase() : slugger.slug(text))
      } else if (node.children && node.type !== 'code' && node.type !== 'paragraph' && node.type !== 'table') {
        // Headings are block content: paragraphs and tables hold only phrasing, never one.
        visit(node.children)
      }
    }
  }
  visit(article.tree.children)
  return slugs
}
