/**
 * Every Markdown file the check's equivalence tests read: both examples, the article
 * fixtures and both sides of every real pair. Paths are relative to the repository root.
 */
import { readdirSync, readFileSync } from 'node:fs'

const root = new URL('../../', import.meta.url)

/** A repository file's text. */
export const readRepoFile = (path: string): string => readFileSync(new URL(path, root), 'utf8')

/** The examples, `tests/fixtures/article/*` and `tests/fixtures/real-pairs/<pair>/*`, in that order. */
export function fixtureMarkdownFiles(): string[] {
  const realPairs = new URL('tests/fixtures/real-pairs/', root)
  return [
    'examples/cn/soundtrack.md',
    'examples/en/soundtrack.md',
    ...readdirSync(new URL('tests/fixtures/article/', root)).map((name) => `tests/fixtures/article/${name}`),
    ...readdirSync(realPairs, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => readdirSync(new URL(`${entry.name}/`, realPairs)).map((name) => `tests/fixtures/real-pairs/${entry.name}/${name}`)),
  ]
}
