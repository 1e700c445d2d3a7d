/**
 * status-seal: the cold fast path of `status` and `sync`'s plan, for a tree without
 * `.l10n/status/` (a fresh checkout, a CI runner). When a run writes a pair whose status
 * follows from its lock record alone (every section reused unchanged as written, nothing
 * stale, edited, failed or sent back), it seals the record (`LockSeal`): the source's hash,
 * the headings, a hash of the settings and of the record itself. A later status that finds
 * the source and the output with the hashes the record names, the record as sealed and the
 * same settings gives that status from the record without parsing either file; anything
 * else is worked out by parsing, as without a seal. Pure: the callers hash the files.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { contentHash } from '../shared/hash.ts'
import type { LocaleInfo } from '../article/locales.ts'
import type { LockSeal, LockTranslation } from '../state/lockfile.ts'
import { statusOf, type Loaded, type WorkflowOptions } from './state.ts'
import { canonical, summarize, textHash, VERSION, type StatusSummary } from './status-memo.ts'

/** Raised when what a seal stands for changes: older seals then count as absent. */
const SEAL_FORMAT = 1

/** A path as the lockfile's folder sees it: the same on every machine that checks the repository out. */
function portable(lockfile: string, path: string | undefined): string | null {
  if (path === undefined) return null
  return isAbsolute(path) ? relative(dirname(lockfile), path).split(sep).join('/') : path
}

/**
 * The settings a sealed status depends on besides the files and the record, as one hash
 * that is the same on every checkout (paths relative to the lockfile's folder). Prompt
 * and model are not in it: they are compared with each section's record instead.
 */
export function sealSettings(options: WorkflowOptions): string {
  return contentHash(
    canonical([
      SEAL_FORMAT,
      VERSION,
      options.glossary ? [options.glossary.version, options.glossary.inflection ?? null] : null,
      options.policy ?? null,
      portable(options.lockfile, options.outPattern),
      portable(options.lockfile, options.outRoot),
    ]),
  )
}

/** The hash of a record without its seal: what a seal was made for. */
export function recordHash(record: LockTranslation): string {
  return contentHash(canonical({ ...record, seal: undefined }))
}

/** The output a record names, as a path (the status's `output`). */
export function recordOutput(lockfile: string, record: LockTranslation): string {
  return resolve(dirname(lockfile), record.output)
}

/** True when no section was made with another prompt or model than the settings' provider would use. */
function sameFingerprint(record: LockTranslation, options: WorkflowOptions, target: LocaleInfo): boolean {
  const fingerprint = options.fingerprint?.(target)
  if (!fingerprint) return true
  return record.sections.every(
    (section) =>
      !(section.promptHash !== undefined && section.promptHash !== fingerprint.promptHash) && !(section.model !== undefined && fingerprint.model !== undefined && section.model !== fingerprint.model),
  )
}

/** The status a sealed record stands for: every section as recorded, reused unchanged. */
function statusOfRecord(source: string, locale: string, lockfile: string, record: LockTranslation, headings: readonly (string | null)[]): StatusSummary {
  const sections = record.sections.map((section, index) => ({
    index,
    heading: headings[index] ?? null,
    state: section.status === 'approved' ? ('approved' as const) : ('draft' as const),
    sourceChanged: false,
    plan: { index, action: 'reuse' as const, reason: 'unchanged' as const, handEdited: false, stale: false },
  }))
  const frontmatterApproved = record.frontmatter?.status === 'approved'
  return {
    source,
    locale,
    output: recordOutput(lockfile, record),
    state: sections.every((section) => section.state === 'approved') && frontmatterApproved ? 'approved' : 'draft',
    sections,
    frontmatterStale: false,
    frontmatterEdited: false,
    frontmatterApproved,
    sectionsRemoved: 0,
  }
}

/**
 * The seal of a pair just written (`loaded` as written, its record the one recorded), or
 * undefined when its status does not follow from the record alone under every one of
 * `settings` (they differ only in the provider's fingerprint): a draft with errors, a
 * hand edit kept, a section sent back, values kept over a changed source...
 */
export function sealFor(loaded: Loaded, settings: readonly WorkflowOptions[], names?: LockSeal['names']): LockSeal | undefined {
  const { record } = loaded
  if (!record || settings.length === 0 || !loaded.outputArticle) return undefined
  const lockfile = settings[0]!.lockfile
  const shared = sealSettings(settings[0]!)
  if (record.outputHash !== contentHash(loaded.outputArticle.text) || recordOutput(lockfile, record) !== loaded.output) return undefined
  if (record.sections.length !== loaded.sourceSections.length) return undefined
  const headings = loaded.sourceSections.map((section) => section.heading)
  for (const options of settings) {
    if (options.lockfile !== lockfile || sealSettings(options) !== shared || !sameFingerprint(record, options, loaded.target)) return undefined
    const expected = statusOfRecord(loaded.article.file, loaded.target.code, lockfile, record, headings)
    if (canonical(summarize(statusOf(loaded, options))) !== canonical(expected)) return undefined
  }
  return { source: textHash(loaded.article.text), settings: shared, record: recordHash(record), headings, ...(names ? { names } : {}) }
}

/** The hashes of a pair's files now (undefined: no such file). */
export interface PairHashes {
  /** sha256 of the source file's bytes (as a memo stamp has it). */
  source: string | undefined
  /** `contentHash` of the output's text, as the record's `outputHash` has it. */
  output: string | undefined
}

/**
 * The status of `source` × `target` from its sealed record, or undefined when the seal
 * does not hold (no seal, a file or the record changed since, other settings).
 */
export function statusFromSeal(source: string, target: LocaleInfo, options: WorkflowOptions, record: LockTranslation | undefined, hashes: PairHashes): StatusSummary | undefined {
  const seal = record?.seal
  if (!record || !seal || hashes.source === undefined || hashes.output === undefined) return undefined
  if (seal.source !== hashes.source || record.outputHash !== hashes.output || seal.headings.length !== record.sections.length) return undefined
  if (seal.settings !== sealSettings(options) || seal.record !== recordHash(record) || !sameFingerprint(record, options, target)) return undefined
  return statusOfRecord(source, target.code, options.lockfile, record, seal.headings)
}
