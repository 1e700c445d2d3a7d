/**
 * lint: problems in the source article that a translation should not silently carry
 * over: generator leftovers (`【当前字数：1034】`), emphasis markers the parser could not
 * pair (a literal `**` left in text) and sections with a heading but no content.
 */
import type { Paragraph, Text } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { visit } from 'unist-util-visit'
import { placeOf } from './parse.ts'
import { sectionBlocks, type BlockRange } from './split.ts'
import type { Article, Finding, Section } from './types.ts'

// Word-count stamps left by writing tools: 【当前字数：1034】 【词数：1053】 （字数：38） （全文约954字）.
const LEFTOVER = /[【（(]\s*(?:当前字数|总字数|字数|词数|字符数)\s*[：:]\s*\d+\s*字?\s*[】）)]|[【（(]\s*全文约?\s*\d+\s*字\s*[】）)]/gu

/** What lint found: findings, and the blocks that are nothing but a leftover (to drop from drafts). */
export interface LintResult {
  findings: Finding[]
  leftoverBlocks: BlockRange[]
}

function place(article: Article, bodyOffset: number) {
  return placeOf(article.text, article.bodyStart + bodyOffset)
}

/** Finds generator leftovers anywhere in a text (used by lint and by check on translations). */
export function findLeftovers(text: string): { start: number; end: number; match: string }[] {
  // Every stamp holds 字 or 词 (字数, 词数, 全文…字): text without either has none. The
  // check calls this for every text node of a source.
  if (!text.includes('字') && !text.includes('词')) return []
  return [...text.matchAll(LEFTOVER)].map((match) => ({ start: match.index, end: match.index + match[0].length, match: match[0] }))
}

/** Lints a parsed article whose sections came from `split`. Pure. */
export function lint(article: Article, sections: readonly Section[]): LintResult {
  const findings: Finding[] = []
  const leftoverBlocks: BlockRange[] = []
  for (const section of sections) {
    const where = { file: article.file, section: section.index, heading: section.heading }
    const blocks = sectionBlocks(article, section)
    if (!section.isPreamble && blocks.length === 1) {
      findings.push({
        ruleId: 'lint/empty-section',
        severity: 'warning',
        messageId: 'lint:empty-section',
        values: { heading: section.heading },
        ...where,
        sourcePosition: place(article, section.start),
      })
    }
    for (const block of blocks) {
      if (block.type === 'paragraph') {
        const text = toString(block as Paragraph)
        const leftovers = findLeftovers(text)
        const whole = leftovers.length > 0 && text.replace(LEFTOVER, '').trim() === ''
        if (whole) leftoverBlocks.push({ start: block.position!.start.offset!, end: block.position!.end.offset!, type: block.type })
        for (const leftover of leftovers) {
          findings.push({
            ruleId: 'lint/generator-leftover',
            severity: 'warning',
            messageId: whole ? 'lint:generator-leftover-dropped' : 'lint:generator-leftover',
            values: { text: leftover.match },
            ...where,
            sourcePosition: place(article, block.position!.start.offset!),
            actual: leftover.match,
          })
        }
      }
      visit(block, 'text', (node: Text) => {
        // `**`/`__` left over, or `_x_` glued to Chinese (intraword, so CommonMark leaves it literal).
        const marker = /\*\*|__|(?<=\p{Script=Han})_(?=[^_\s])|(?<=[^_\s])_(?=\p{Script=Han})/u.exec(node.value)
        if (!marker) return
        findings.push({
          ruleId: 'lint/unparsed-emphasis',
          severity: 'warning',
          messageId: 'lint:unparsed-emphasis',
          values: { marker: marker[0] },
          ...where,
          sourcePosition: place(article, node.position!.start.offset! + marker.index),
          actual: node.value.slice(Math.max(0, marker.index - 10), marker.index + 12),
        })
      })
    }
  }
  return { findings, leftoverBlocks }
}
