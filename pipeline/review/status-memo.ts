/**
 * status-memo: the no-op fast path of `status` and `sync`. The status of an article ×
 * locale is a function of the source's and the output's contents, the lock record and
 * the settings it is judged with (prompt and model, glossary, frontmatter policy, output
 * paths). It is kept in `.l10n/status/` with the stamps of both files (`state/memo.ts`),
 * and given again without parsing anything while all of those are unchanged: the files'
 * stamps (a trusted stat, else the content hash) and a hash over the record and the
 * settings. Anything that differs is worked out again, and kept for the next run.
 */
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import type { LocaleInfo } from '../article/locales.ts'
import { contentHash } from '../shared/hash.ts'
import { PACKAGE_ROOT } from '../shared/package-root.ts'
import type { LockTranslation } from '../state/lockfile.ts'
import { fileStampSchema, openMemo, type FileStamp, type Memo } from '../state/memo.ts'
import type { SectionPlan } from './plan.ts'
import type { SectionStatus, TranslationStatus, WorkflowOptions } from './state.ts'

/** Raised when the status logic changes what it concludes from the same inputs: old memos then miss. */
const MEMO_FORMAT = 1

/** What a status keeps of a section's plan: enough for `status` and `sync`'s plan. */
export type PlanSummary = Pick<SectionPlan, 'index' | 'action' | 'reason' | 'handEdited' | 'stale'>

/** A status as `translationStatus` gives it: its sections' plans summarized. */
export type StatusSummary = Omit<TranslationStatus, 'sections'> & { sections: (Omit<SectionStatus, 'plan'> & { plan: PlanSummary })[] }

const reasons = ['unchanged', 'edited-by-hand', 'new', 'source-changed', 'glossary-changed', 'prompt-changed', 'memory', 'forced', 'had-errors', 'reset'] as const satisfies readonly SectionPlan['reason'][]

const statusSchema = z.object({
  source: z.string(),
  locale: z.string(),
  output: z.string(),
  state: z.enum(['missing', 'untracked', 'stale', 'edited', 'draft', 'approved']),
  sections: z.array(
    z.object({
      index: z.int().min(0),
      heading: z.string().nullable(),
      state: z.enum(['approved', 'draft', 'edited', 'stale', 'missing']),
      sourceChanged: z.boolean(),
      plan: z.object({ index: z.int().min(0), action: z.enum(['reuse', 'translate']), reason: z.enum(reasons), handEdited: z.boolean(), stale: z.boolean() }),
    }),
  ),
  frontmatterStale: z.boolean(),
  frontmatterEdited: z.boolean(),
  frontmatterApproved: z.boolean(),
  sectionsRemoved: z.int().min(0),
}) satisfies z.ZodType<StatusSummary, unknown>

const entrySchema = z.object({
  format: z.literal(MEMO_FORMAT),
  /** The source's lockfile key: a memo file is found by a hash of it, so it says whose it is. */
  source: z.string(),
  /** By {@link memoSlot}: locale and settings. */
  sourceFile: fileStampSchema,
  locales: z.record(z.string(), z.object({ inputs: z.string(), outputFile: fileStampSchema.nullable(), status: statusSchema })),
})

/** The memo of one source: its stamp, and per locale the status with what it was made from. */
export type StatusMemoEntry = z.output<typeof entrySchema>

/** The memo of one article × locale. */
export type StatusMemoLocale = StatusMemoEntry['locales'][string]

export const VERSION = (() => {
  try {
    return String((JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version)
  } catch {
    return ''
  }
})()

/** Opens the memo of a workflow's state folder (`.l10n/status/`). */
export function openStatusMemo(options: WorkflowOptions): Memo<StatusMemoEntry> {
  return openMemo(join(options.stateDir, 'status'), entrySchema)
}

/** The settings a status is judged with, per target locale, as one text (cached per run by the caller). */
export function statusContext(options: WorkflowOptions, target: LocaleInfo): string {
  return canonical([
    MEMO_FORMAT,
    VERSION,
    options.fingerprint?.(target) ?? null,
    options.glossary ? [options.glossary.version, options.glossary.inflection ?? null] : null,
    options.policy ?? null,
    options.outPattern ?? null,
    options.outRoot ?? null,
    options.lockfile,
  ])
}

/**
 * Where a locale's status is kept in its source's memo: one slot per locale and settings, so
 * that `status` and `sync` judging with different settings (a provider's fingerprint or
 * none) do not push each other's statuses out.
 */
export function memoSlot(locale: string, context: string): string {
  return `${locale} ${contentHash(context)}`
}

/** JSON with keys in sorted order and absent fields left out: the same record read back or just made gives one text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).filter(([, inner]) => inner !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : field,
  )
}

/** The hash of everything besides the two files that a status of `file` × `locale` depends on. */
export function statusInputs(file: string, locale: string, record: LockTranslation | undefined, context: string): string {
  return contentHash(file, locale, canonical(record ?? null), context)
}

/** sha256 of a decoded text as its file's bytes (UTF-8), to match a stamp's hash. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** A status with its plans summarized, as the memo keeps it. */
export function summarize(status: TranslationStatus | StatusSummary): StatusSummary {
  return {
    ...status,
    sections: status.sections.map((section) => ({
      index: section.index,
      heading: section.heading,
      state: section.state,
      sourceChanged: section.sourceChanged,
      plan: { index: section.plan.index, action: section.plan.action, reason: section.plan.reason, handEdited: section.plan.handEdited, stale: section.plan.stale },
    })),
  }
}

/** True when a memo's stamp and a fresh one say the same content (both absent included). */
export function sameContent(memo: FileStamp | null | undefined, now: FileStamp | undefined): boolean {
  return (memo?.hash ?? null) === (now?.hash ?? null)
}
