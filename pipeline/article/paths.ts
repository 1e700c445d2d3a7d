/**
 * paths: where a translation of a source file goes. A pattern such as
 * `src/content/knowledge-{locale}/{slug}.md` names it; by default the source's locale
 * folder is swapped for the target's (`examples/cn/a.md` → `examples/en/a.md`).
 */
import { existsSync, realpathSync } from 'node:fs'
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { L10nError } from '../shared/errors.ts'
import type { LocaleInfo } from './locales.ts'

/** What an output path is made from. */
export interface OutputPathInput {
  source: string
  sourceLocale: LocaleInfo
  targetLocale: LocaleInfo
  /** Placeholders: {locale} {tag} {slug} {ext} {dir} {sourceLocale}. */
  pattern?: string
  /** Every output must lie inside this folder. @default process.cwd() */
  root?: string
}

function swapLocaleFolder(source: string, from: string, to: string): string | undefined {
  const parts = dirname(source).split(/[\\/]/)
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!
    const match = new RegExp(`^(.*[-_.])?${from}$`).exec(part)
    if (match) {
      parts[i] = `${match[1] ?? ''}${to}`
      return join(parts.join(sep) || '.', basename(source))
    }
  }
  return undefined
}

/**
 * Resolves the output path of one source × target locale. Throws E_OUT_OF_ROOT when the
 * path escapes the root and E_SAME_FILE when it is the source itself.
 */
export function outputPath(input: OutputPathInput): string {
  const root = resolve(input.root ?? process.cwd())
  const ext = extname(input.source)
  const slug = basename(input.source, ext)
  const from = input.sourceLocale.code
  const to = input.targetLocale.code
  const relativeDir = relative(root, resolve(dirname(input.source))) || '.'
  const target = input.pattern
    ? input.pattern
        .replaceAll('{locale}', to)
        .replaceAll('{tag}', input.targetLocale.tag)
        .replaceAll('{slug}', slug)
        .replaceAll('{ext}', ext.replace(/^\./, ''))
        .replaceAll('{dir}', relativeDir)
        .replaceAll('{sourceLocale}', from)
    : (swapLocaleFolder(input.source, from, to) ?? join(dirname(input.source), `${slug}.${to}${ext}`))
  // A pattern is relative to the root; the default is relative to the source, as given.
  const absolute = input.pattern && !isAbsolute(target) ? resolve(root, target) : resolve(target)
  const inside = relative(root, absolute)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new L10nError('E_OUT_OF_ROOT', { file: input.source, params: { target, root } })
  }
  if (absolute === resolve(input.source)) throw new L10nError('E_SAME_FILE', { file: input.source, params: { target } })
  return absolute
}

/** Where outputs go, as the commands take it from flags or config. */
export interface OutputPlacement {
  outPattern?: string | undefined
  outRoot?: string | undefined
}

/** {@link outputPath} from a command's placement options. */
export function placeOutput(source: string, sourceLocale: LocaleInfo, targetLocale: LocaleInfo, placement: OutputPlacement): string {
  return outputPath({
    source,
    sourceLocale,
    targetLocale,
    ...(placement.outPattern ? { pattern: placement.outPattern } : {}),
    ...(placement.outRoot ? { root: placement.outRoot } : {}),
  })
}

/** The real path of a path that may not exist yet: its nearest existing folder resolved, the rest appended. */
function realPath(path: string): string {
  let existing = path
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing)
  return join(realpathSync(existing), relative(existing, path))
}

/**
 * Follows symlinks: the nearest existing folder of `path` must really lie inside
 * `root`, or a symlinked folder would carry outputs out of the output root.
 */
export function assertReallyInside(path: string, root: string | undefined, source: string): void {
  const realRoot = realPath(resolve(root ?? process.cwd()))
  const real = realPath(dirname(resolve(path)))
  const inside = relative(realRoot, real)
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new L10nError('E_OUT_OF_ROOT', { file: source, params: { target: path, root: root ?? process.cwd() } })
  }
}

/** A path as messages show it: relative to the current folder when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
}
