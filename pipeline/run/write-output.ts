/**
 * write-output: putting a translation in place together with its lockfile record. The
 * draft waits beside the output (`<out>.l10n-pending`) until the lockfile records it,
 * so a crash never leaves an output the lockfile does not know; the next run finishes
 * or discards what a dead run left.
 */
import { rename, unlink } from 'node:fs/promises'
import { contentHash } from '../shared/hash.ts'
import { readTextFileIfExists, removeStaleTemps, writeFileAtomic } from '../state/files.ts'
import type { LockTranslation } from '../state/lockfile.ts'

/** Where a draft waits until the lockfile records it. */
export function pendingPath(out: string): string {
  return `${out}.l10n-pending`
}

/**
 * Finishes or discards the commit of a run that died: a pending draft the lockfile
 * recorded goes into place; one it never recorded is removed. Temp files of dead
 * writers beside the output are removed too.
 */
export async function recoverPending(out: string, record: LockTranslation | undefined): Promise<void> {
  await removeStaleTemps(out)
  const pending = await readTextFileIfExists(pendingPath(out))
  if (pending === undefined) return
  if (record?.outputHash === contentHash(pending)) await rename(pendingPath(out), out)
  else await unlink(pendingPath(out))
}

/**
 * Two-phase commit of one output: `text` (undefined when the output stays as it is) is
 * written beside `out`, `record` stores its lockfile record, and only then does the
 * draft replace the output. When recording fails, the draft goes too: not recorded,
 * not written.
 */
export async function commitOutput(out: string, text: string | undefined, record: () => Promise<void>): Promise<void> {
  if (text !== undefined) await writeFileAtomic(pendingPath(out), text, out)
  try {
    await record()
  } catch (error) {
    if (text !== undefined) await unlink(pendingPath(out)).catch(() => {})
    throw error
  }
  if (text !== undefined) await rename(pendingPath(out), out)
}
