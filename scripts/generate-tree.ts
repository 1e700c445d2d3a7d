/**
 * Generates a content tree like the site's (`src/content/knowledge-cn/*.md`) from the
 * example article, for the sync tests and the benchmark. Every article gets its own
 * title and a unique sentence in each section, so no two sections share a hash (no
 * accidental savings from the cache or translation memory).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'

/** Options of {@link generateTree}. */
export interface TreeOptions {
  /** How many articles. */
  articles: number
  /** Sections of the example per article (1–10), cycled so articles differ. @default 10 */
  sectionsPerArticle?: number
  /** The example to build from. @default examples/cn/soundtrack.md */
  example?: string
}

const DIGITS = '零一二三四五六七八九'

function chineseNumber(n: number): string {
  return String(n)
    .split('')
    .map((digit) => DIGITS[Number(digit)])
    .join('')
}

/** Writes the tree under `root` and returns the article paths. */
export function generateTree(root: string, options: TreeOptions): string[] {
  const text = readFileSync(options.example ?? 'examples/cn/soundtrack.md', 'utf8')
  const article = parse(text, 'example.md')
  const sections = split(article)
  const count = Math.min(Math.max(options.sectionsPerArticle ?? sections.length, 1), sections.length)
  const dir = join(root, 'src/content/knowledge-cn')
  mkdirSync(dir, { recursive: true })
  const frontmatter = article.text.slice(0, article.bodyStart)
  const paths: string[] = []
  for (let i = 0; i < options.articles; i++) {
    const picked = Array.from({ length: count }, (_, k) => sections[(i + k) % sections.length]!)
    const body = picked
      .map((section) => {
        // A unique sentence at the end of the section's first paragraph.
        const [heading, first, ...rest] = section.source.split('\n\n')
        return [heading, `${first}这是第${chineseNumber(i + 1)}篇文章的内容。`, ...rest].join('\n\n')
      })
      .join('\n\n')
    const title = `title: 第${chineseNumber(i + 1)}篇 `
    const path = join(dir, `article-${String(i + 1).padStart(4, '0')}.md`)
    writeFileSync(path, frontmatter.replace(/^title: /m, title) + '\n' + body + '\n')
    paths.push(path)
  }
  return paths
}

/** The `l10n.config.yaml` of a generated tree. */
export function treeConfig(targets: readonly string[], extra = ''): string {
  return [
    'sourceLocale: cn',
    'sourcePattern: src/content/knowledge-{locale}/{slug}.md',
    `targetLocales: [${targets.join(', ')}]`,
    'report:',
    '  json: reports/l10n.json',
    '  markdown: reports/l10n.md',
    extra,
  ].join('\n')
}
