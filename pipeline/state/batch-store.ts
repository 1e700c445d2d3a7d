/**
 * What `sync --batch` keeps under `<state>/batch/`, so that a killed run never submits the
 * same work twice and never loses a batch it submitted:
 * - `state.json`: every submission and how far it got (prepared → uploaded → submitted →
 *   collected), written atomically before and after each step that talks to the server;
 * - `requests/<submission>.jsonl`: the exact file uploaded, so a run killed mid-upload
 *   uploads the same bytes again;
 * - `answers/<id>.json`: each answer collected from an output file, by request id, until a
 *   sync run validates it like a realtime answer and caches it.
 * Everything read back is validated; a damaged answer is a miss, a damaged `state.json` an
 * error naming the file (it is the only record of batches already paid for).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { writeFileAtomic } from './files.ts'

const BATCH_STATUSES = ['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled'] as const

const labelSchema = z.object({
  file: z.string(),
  locale: z.string(),
  /** The source section (`-1`: the frontmatter); for the judge, the first section its pairs come from. */
  section: z.number().int(),
  /** Set for the judge's review of a draft; a translation's label has none. */
  purpose: z.literal('judge').optional(),
})

const submissionSchema = z.object({
  /** Content hash of the uploaded JSONL: the same lines always make the same submission. */
  id: z.string().min(1),
  state: z.enum(['prepared', 'uploaded', 'submitted', 'collected']),
  fileId: z.string().optional(),
  batchId: z.string().optional(),
  batchStatus: z.enum(BATCH_STATUSES).optional(),
  requestIds: z.array(z.string()),
  /** Which article × locale × section each request is for (for `status`). */
  labels: z.record(z.string(), labelSchema).default({}),
  bytes: z.number().int().nonnegative(),
  estimate: z.object({ promptTokens: z.number().nonnegative(), completionTokens: z.number().nonnegative(), usd: z.number().nonnegative(), known: z.boolean() }),
  counts: z.object({ total: z.number(), completed: z.number(), failed: z.number() }).optional(),
  /** Found on the server by its id after the state that submitted it was lost. */
  adopted: z.boolean().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
})

const stateSchema = z.object({
  version: z.literal(1),
  submissions: z.array(submissionSchema),
  /**
   * Requests whose lines failed, by id, with the line's HTTP status when it had one: after a
   * few failures, or at once for a status that asking again cannot change, they fail like a
   * realtime request.
   */
  failures: z.record(z.string(), z.object({ count: z.number().int().positive(), error: z.string(), status: z.number().int().optional() })).default({}),
})

const answerSchema = z.object({
  requestId: z.string(),
  batchId: z.string(),
  text: z.string(),
  finishReason: z.string(),
  usage: z.object({ promptTokens: z.number().nonnegative(), completionTokens: z.number().nonnegative() }),
  model: z.string(),
})

/** One submission: a JSONL file, the batch made of it, and how far it got. */
export type Submission = z.infer<typeof submissionSchema>
/** The whole recorded state of batch mode. */
export type BatchState = z.infer<typeof stateSchema>
/** The article × locale × section a request serves. */
export type RequestLabel = z.infer<typeof labelSchema>
/** An answer taken from a batch's output file. */
export type StoredAnswer = z.infer<typeof answerSchema>

/** An empty state: nothing submitted yet. */
export function emptyBatchState(): BatchState {
  return { version: 1, submissions: [], failures: {} }
}

/** The batch state files of one state folder. */
export interface BatchStore {
  readonly dir: string
  readState(): Promise<BatchState>
  writeState(state: BatchState): Promise<void>
  writeInput(submissionId: string, jsonl: string): Promise<void>
  readInput(submissionId: string): Promise<string | undefined>
  writeAnswer(answer: StoredAnswer): Promise<void>
  readAnswer(requestId: string): Promise<StoredAnswer | undefined>
  /** Ids of every stored answer. */
  answerIds(): Promise<Set<string>>
}

/** Opens `<stateDir>/batch/` (created on the first write). */
export function openBatchStore(stateDir: string): BatchStore {
  const dir = join(stateDir, 'batch')
  const statePath = join(dir, 'state.json')
  const answerPath = (id: string) => join(dir, 'answers', `${id}.json`)
  return {
    dir,
    async readState() {
      let text: string
      try {
        text = await readFile(statePath, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyBatchState()
        throw new L10nError('E_IO', { file: statePath, cause: error, params: { detail: (error as Error).message } })
      }
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (error) {
        throw new L10nError('E_BATCH_STATE', { file: statePath, cause: error, params: { detail: message('batch:state-not-json', { detail: (error as Error).message }) } })
      }
      const parsed = stateSchema.safeParse(json)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        throw new L10nError('E_BATCH_STATE', { file: statePath, params: { detail: message('batch:state-invalid', { path: issue.path.join('.') || '(root)', detail: issue.message }) } })
      }
      return parsed.data
    },
    async writeState(state) {
      await writeFileAtomic(statePath, JSON.stringify(state, null, 2) + '\n')
    },
    async writeInput(submissionId, jsonl) {
      await writeFileAtomic(join(dir, 'requests', `${submissionId}.jsonl`), jsonl)
    },
    async readInput(submissionId) {
      try {
        return await readFile(join(dir, 'requests', `${submissionId}.jsonl`), 'utf8')
      } catch {
        return undefined
      }
    },
    async writeAnswer(answer) {
      await writeFileAtomic(answerPath(answer.requestId), JSON.stringify(answer) + '\n', answerPath(answer.requestId), { durable: false })
    },
    async readAnswer(requestId) {
      try {
        const parsed = answerSchema.safeParse(JSON.parse(await readFile(answerPath(requestId), 'utf8')))
        // A damaged answer is asked for again rather than trusted.
        return parsed.success && parsed.data.requestId === requestId ? parsed.data : undefined
      } catch {
        return undefined
      }
    },
    async answerIds() {
      try {
        return new Set((await readdir(join(dir, 'answers'))).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5)))
      } catch {
        return new Set()
      }
    },
  }
}
