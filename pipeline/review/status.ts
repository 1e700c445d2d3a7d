/**
 * `status`: what needs work, per source file × target locale.
 */
import { isL10nError } from '../shared/errors.ts'
import { requireLocale } from '../article/locales.ts'
import { openLockRecords } from '../state/lockfile-store.ts'
import type { Article } from '../article/types.ts'
import { load, statusOf, type StatusFailure, type TranslationStatus, type WorkflowOptions } from './state.ts'

/**
 * Status of each file × target locale. With `onError`, a file or output that cannot be
 * read or parsed is handed to it and the others go on; without, it throws. `onSource`
 * sees each source parsed here, so a caller needing more of it does not parse it again.
 */
export async function translationStatus(
  files: readonly string[],
  targets: readonly string[],
  options: WorkflowOptions,
  onError?: (failure: StatusFailure) => void,
  onSource?: (article: Article) => void,
): Promise<TranslationStatus[]> {
  const results: TranslationStatus[] = []
  // Read once: a lockfile of a big tree takes a while to parse (and a broken one stops everything).
  const lock = openLockRecords(options.lockfile)
  for (const file of files) {
    const sources = new Map<string, Article>()
    for (const target of targets) {
      try {
        results.push(statusOf(await load(file, target, options, lock, sources), options))
      } catch (error) {
        if (!onError || !isL10nError(error)) throw error
        onError({ source: file, locale: requireLocale(target).code, error })
      }
    }
    const article = sources.get(file)
    if (article && onSource) onSource(article)
  }
  return results
}
