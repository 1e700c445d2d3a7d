/**
 * `status`: what needs work, per source file × target locale.
 */
import { isL10nError } from '../shared/errors.ts'
import { requireLocale, type LocaleInfo } from '../article/locales.ts'
import { lockKey, type LockSeal } from '../state/lockfile.ts'
import { openLockRecords } from '../state/lockfile-store.ts'
import { stampFile, type Stamped } from '../state/memo.ts'
import type { Article } from '../article/types.ts'
import { load, statusOf, type Loaded, type StatusFailure, type WorkflowOptions } from './state.ts'
import { contentHash } from '../shared/hash.ts'
import { decodeUtf8 } from '../article/parse.ts'
import { recordOutput, statusFromSeal } from './status-seal.ts'
import { memoSlot, openStatusMemo, sameContent, statusContext, statusInputs, summarize, textHash, type StatusMemoEntry, type StatusSummary } from './status-memo.ts'

export type { StatusSummary } from './status-memo.ts'

/** Options of {@link translationStatus}. */
export interface StatusOptions {
  /**
   * Give the status kept in the state folder without parsing when the source, the output,
   * the record and the settings are unchanged (see `status-memo.ts`). @default true
   */
  memo?: boolean | 'read-only'
  /** Counted here: pairs given from the memo, and pairs worked out (parsed). */
  stats?: StatusStats
  /**
   * Sees each file's statuses as soon as they are worked out (with the source when it was
   * parsed here), and is awaited before the next file: a caller can do its per-file work
   * and drop the file's inputs, instead of holding the whole tree until the end.
   */
  onFile?: (file: string, statuses: readonly StatusSummary[], article: Article | undefined) => void | Promise<void>
  /** Sees the name coverage a sealed record kept for its source, when its seal held (see status-seal.ts). */
  onSealedNames?: (file: string, names: NonNullable<LockSeal['names']>) => void
}

/** How a status run got its pairs' statuses. */
export interface StatusStats {
  fromMemo: number
  parsed: number
}

/** A stamp, or undefined when the file cannot be stamped (the full path then says why). */
async function stampOrNone(path: string, known: Parameters<typeof stampFile>[1]): Promise<Stamped | undefined> {
  try {
    return await stampFile(path, known)
  } catch {
    return undefined
  }
}

/** The text of bytes a stamp read, or undefined when there are none or they are not UTF-8 (the full path then says why). */
function textOf(bytes: Buffer | undefined, path: string): string | undefined {
  if (bytes === undefined) return undefined
  try {
    return decodeUtf8(bytes, path)
  } catch {
    return undefined
  }
}

/**
 * Keeps the status of a pair just written by a run (`loaded` as it was written), so that
 * the next `status` or sync plan of an unchanged tree parses nothing. Kept only when the
 * files on disk are the texts judged; a memo that cannot be kept costs only speed. With
 * several settings (sync's, with its provider's fingerprint, and `status`'s, without),
 * a status is kept for each, in one write of the source's memo.
 */
export async function rememberStatus(all: readonly WorkflowOptions[], loaded: Loaded): Promise<void> {
  if (all.length === 0) return
  const file = loaded.article.file
  const source = await stampOrNone(file, undefined)
  const output = await stampOrNone(loaded.output, undefined)
  if (!source || source.stamp.hash !== textHash(loaded.article.text)) return
  if (!loaded.outputArticle || !output || output.stamp.hash !== textHash(loaded.outputArticle.text)) return
  // One memo file per source, in the state folder the settings share.
  const memo = openStatusMemo(all[0]!)
  const known = await memo.get(loaded.sourceKey)
  const locales = known?.source === loaded.sourceKey && known.sourceFile.hash === source.stamp.hash ? { ...known.locales } : {}
  for (const options of all) {
    const status = summarize(statusOf(loaded, options))
    const context = statusContext(options, loaded.target)
    locales[memoSlot(loaded.target.code, context)] = { inputs: statusInputs(file, loaded.target.code, loaded.record, context), outputFile: output.stamp, status }
  }
  await memo.put(loaded.sourceKey, { format: 1, source: loaded.sourceKey, sourceFile: source.stamp, locales }).catch(() => {})
}

/**
 * Status of each file × target locale. With `onError`, a file or output that cannot be
 * read or parsed is handed to it and the others go on; without, it throws. `onSource`
 * sees each source parsed here, so a caller needing more of it does not parse it again.
 *
 * An article × locale whose source, output, lock record and settings are as they were
 * when its status was last worked out gets that status back without any file being
 * parsed (a stat, or a hash where the stat cannot be trusted); any other is worked out
 * and kept. Sections' plans come summarized (`PlanSummary`).
 */
export async function translationStatus(
  files: readonly string[],
  targets: readonly string[],
  options: WorkflowOptions,
  onError?: (failure: StatusFailure) => void,
  onSource?: (article: Article) => void,
  statusOptions: StatusOptions = {},
): Promise<StatusSummary[]> {
  const results: StatusSummary[] = []
  // One reader: each record is read once, only the records of these files.
  const records = openLockRecords(options.lockfile)
  const memo = statusOptions.memo === false ? undefined : openStatusMemo(options)
  const contexts = new Map<string, string>()
  const contextOf = (target: LocaleInfo) => {
    let context = contexts.get(target.code)
    if (context === undefined) contexts.set(target.code, (context = statusContext(options, target)))
    return context
  }
  for (const file of files) {
    const sources = new Map<string, Article>()
    const firstOfFile = results.length
    const sourceKey = lockKey(options.lockfile, file)
    const known = memo ? await memo.get(sourceKey) : undefined
    const kept = known?.source === sourceKey ? known : undefined
    const source = memo ? await stampOrNone(file, kept?.sourceFile) : undefined
    const sourceSame = source !== undefined && kept !== undefined && kept.sourceFile.hash === source.stamp.hash
    const next: StatusMemoEntry | undefined = source && { format: 1, source: sourceKey, sourceFile: source.stamp, locales: sourceSame ? { ...kept.locales } : {} }
    let dirty = source !== undefined && (!sourceSame || source.read)
    for (const target of targets) {
      try {
        const locale = requireLocale(target)
        const record = await records.get(sourceKey, locale.code)
        const inputs = statusInputs(file, locale.code, record, contextOf(locale))
        const slot = memoSlot(locale.code, contextOf(locale))
        const hit = sourceSame ? kept.locales[slot] : undefined
        if (hit && hit.inputs === inputs) {
          const output = await stampOrNone(hit.status.output, hit.outputFile ?? undefined)
          if (sameContent(hit.outputFile, output?.stamp)) {
            results.push(hit.status)
            if (statusOptions.stats) statusOptions.stats.fromMemo++
            if (output?.read) {
              next!.locales[slot] = { ...hit, outputFile: output.stamp }
              dirty = true
            }
            continue
          }
        }
        // No memo (a fresh checkout): a record sealed by the run that wrote the pair gives
        // its status while both files have the hashes the record names (see status-seal.ts).
        if (next && record?.seal) {
          const outputPath = recordOutput(options.lockfile, record)
          // Stamped without a known stamp, so read: its bytes are the text judged, read once.
          const output = await stampOrNone(outputPath, undefined)
          const outputText = textOf(output?.bytes, outputPath)
          const sealed = statusFromSeal(file, locale, options, record, { source: next.sourceFile.hash, output: outputText === undefined ? undefined : contentHash(outputText) })
          if (sealed) {
            results.push(sealed)
            if (record.seal.names) statusOptions.onSealedNames?.(file, record.seal.names)
            if (statusOptions.stats) statusOptions.stats.fromMemo++
            // Kept for the next look only when the text judged is the one stamped.
            if (outputText !== undefined && textHash(outputText) === output!.stamp.hash) next.locales[slot] = { inputs, outputFile: output!.stamp, status: sealed }
            else delete next.locales[slot]
            dirty = true
            continue
          }
        }
        const loaded = await load(file, target, options, records, sources)
        const status = summarize(statusOf(loaded, options))
        results.push(status)
        if (statusOptions.stats) statusOptions.stats.parsed++
        if (!next) continue
        // Kept only when what was judged is what the stamps say (no edit came in between).
        const output = await stampOrNone(loaded.output, undefined)
        const outputSame = loaded.outputArticle ? output !== undefined && output.stamp.hash === textHash(loaded.outputArticle.text) : output === undefined
        if (outputSame && textHash(loaded.article.text) === next.sourceFile.hash) {
          next.locales[slot] = { inputs, outputFile: output?.stamp ?? null, status }
        } else {
          delete next.locales[slot]
        }
        dirty = true
      } catch (error) {
        if (!onError || !isL10nError(error)) throw error
        onError({ source: file, locale: requireLocale(target).code, error })
      }
    }
    // A memo that cannot be written costs the next run its fast path, nothing else.
    if (memo && next && dirty && statusOptions.memo !== 'read-only') await memo.put(sourceKey, next).catch(() => {})
    const article = sources.get(file)
    if (article && onSource) onSource(article)
    await statusOptions.onFile?.(file, results.slice(firstOfFile), article)
  }
  return results
}
