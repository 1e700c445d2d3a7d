/**
 * Which files of the given paths are source articles: Markdown files found in folders,
 * without the translations that live beside them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { findLocale } from '../article/locales.ts'

// The `locale:` line of a frontmatter, read without parsing the whole article.
const FRONTMATTER_HEAD = /^\ufeff?---[^\n]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/
const LOCALE_LINE = /^locale:[ \t]*["']?([\w-]+)/m

/**
 * Keeps the source articles among files found in folders: a content folder holds the
 * translations too, and translating a translation is never wanted. A file whose locale
 * cannot be read quickly is kept, so its real problem is reported where it is parsed.
 */
export function keepSourceArticles(files: readonly string[], sourceLocale: string | undefined, targets: readonly string[]): string[] {
  return files.filter((file) => {
    let head: string
    try {
      head = readFileSync(file, 'utf8').slice(0, 4096)
    } catch {
      return true
    }
    const frontmatter = FRONTMATTER_HEAD.exec(head)?.[1]
    const locale = frontmatter === undefined ? undefined : LOCALE_LINE.exec(frontmatter)?.[1]
    if (locale === undefined) return true
    const code = findLocale(locale)?.code ?? locale
    return sourceLocale !== undefined ? code === sourceLocale : !targets.includes(code)
  })
}

/** Options of {@link findMarkdownFiles}. */
export interface FindOptions {
  /** Folders never searched (the state folder); absolute or relative to the current folder. */
  skip?: readonly (string | undefined)[]
  /** Keep only source articles among files found in folders (see {@link keepSourceArticles}). */
  sources?: { sourceLocale: string | undefined; targets: readonly string[] }
}

/**
 * Markdown files named on the command line: files as given, folders searched for
 * `*.md`. Hidden files and folders (a name starting with `.`, such as `.l10n/`) and the
 * folders in `skip` are neither searched nor listed: they hold state, not articles.
 */
export function findMarkdownFiles(paths: readonly string[], options: FindOptions = {}): string[] {
  const skip = new Set((options.skip ?? []).filter((dir): dir is string => dir !== undefined).map((dir) => resolve(dir)))
  const walk = (dir: string, prefix: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name.startsWith('.')) return []
      const name = prefix ? join(prefix, entry.name) : entry.name
      if (entry.isDirectory()) return skip.has(resolve(dir, entry.name)) ? [] : walk(join(dir, entry.name), name)
      return entry.name.endsWith('.md') ? [name] : []
    })
  return paths.flatMap((path) => {
    let info
    try {
      info = statSync(path)
    } catch {
      // Reported as "file not found" where it is read.
      return [path]
    }
    if (!info.isDirectory()) return [path]
    if (skip.has(resolve(path))) return []
    const found = walk(path, '')
      .sort()
      .map((name) => join(path, name))
    return options.sources ? keepSourceArticles(found, options.sources.sourceLocale, options.sources.targets) : found
  })
}
