/**
 * Earlier texts from git history, for a review on a fresh clone. The lockfile names
 * each approved (or last written) section and frontmatter by content hash; the texts
 * themselves live in `.l10n/texts/`, which is local state and not committed. When a
 * hash is missing there, the committed history of the source and of the translation
 * file is searched (`git log`, then `git show <rev>:<file>` per revision, newest
 * first), each revision split into sections and hashed the same way, and what matches
 * is put into the text store — so the next review finds it at once.
 */
import { execFile } from 'node:child_process'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { translatableValues, DEFAULT_FRONTMATTER_POLICY, valuesHash } from '../article/frontmatter.ts'
import { parse } from '../article/parse.ts'
import { split } from '../article/split.ts'
import { openTextStore } from '../state/text-store.ts'
import { translationHash } from './plan.ts'
import { storeValues, type WorkflowOptions } from './state.ts'

const run = promisify(execFile)

/** Revisions of one file searched at most, newest first: enough for any approval still reviewed. */
export const HISTORY_DEPTH = 200

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['-C', cwd, ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' })
    return stdout
  } catch {
    // No git, not a repository, or the file was never committed: nothing to recover.
    return undefined
  }
}

/**
 * Looks for `hashes` in the committed versions of `file`; `kind` says how its sections
 * are hashed (`source`: as the source is, `translation`: as a translation is recorded).
 * Returns the hashes still not found.
 */
async function searchFile(file: string, kind: 'source' | 'translation', hashes: Set<string>, options: Pick<WorkflowOptions, 'stateDir' | 'policy'>): Promise<void> {
  const cwd = dirname(file)
  const name = basename(file)
  const revisions = (await git(cwd, ['log', `-n${HISTORY_DEPTH}`, '--format=%H', '--', name]))?.split('\n').filter(Boolean) ?? []
  const texts = openTextStore(join(options.stateDir, 'texts'))
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  for (const revision of revisions) {
    if (hashes.size === 0) return
    const text = await git(cwd, ['show', `${revision}:./${name}`])
    if (text === undefined) continue
    let article
    try {
      article = parse(text, file)
    } catch {
      continue
    }
    for (const section of split(article)) {
      const hash = kind === 'source' ? section.hash : translationHash(section.source)
      if (!hashes.has(hash)) continue
      await texts.put(section.source, hash)
      hashes.delete(hash)
    }
    const values = translatableValues(article.frontmatter.yaml, policy)
    const hash = valuesHash(values)
    if (hashes.has(hash)) {
      await storeValues(texts, values)
      hashes.delete(hash)
    }
  }
}

/**
 * A `recover` for `buildReview`: finds missing earlier texts in the git history of the
 * source and of its translation.
 */
export function historyRecovery(options: Pick<WorkflowOptions, 'stateDir' | 'policy'>) {
  return async (files: { source: string; output: string }, wanted: ReadonlySet<string>): Promise<void> => {
    const hashes = new Set(wanted)
    await searchFile(files.source, 'source', hashes, options)
    if (hashes.size > 0) await searchFile(files.output, 'translation', hashes, options)
  }
}
