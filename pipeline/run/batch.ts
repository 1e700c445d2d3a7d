/**
 * Batch mode of `sync`: the same requests as a realtime run, submitted through the Batch API
 * (answered within 24 h at about half the price) and collected on a later run.
 *
 * One cycle: collect what finished batches answered → run the ordinary sync with a
 * {@link createBatchClient batch client} (answered requests are validated, cached and
 * written like realtime answers; the others are gathered) → submit what was gathered.
 * Every step that talks to the server is recorded in the batch state before and after it,
 * so a run killed at any point neither submits a batch twice nor loses one:
 * - killed before an upload is recorded: the same file is uploaded again (a file is not a
 *   batch and costs nothing);
 * - killed after a batch was created but before it was recorded: the next run finds it by
 *   the submission id in its metadata instead of creating another.
 */
import { resolve } from 'node:path'
import { sleep as sleepOnClock } from '../shared/clock.ts'
import { contentHash } from '../shared/hash.ts'
import { packInOrder } from '../shared/pack.ts'
import { openBatchStore, type BatchState, type BatchStore, type Submission } from '../state/batch-store.ts'
import { FINAL_BATCH_STATUSES, type BatchApi, type BatchInfo } from '../translate/batch-api.ts'
import { createBatchClient, type BatchClient, type BatchLine } from '../translate/batch-client.ts'
import { costOfParts, type ModelPrice } from '../translate/cost.ts'
import { toCompletion, type ChatClient, type LlmOptions } from '../translate/llm.ts'
import type { RunReport } from './translate.ts'

/** Provider limits of one batch. */
export interface BatchLimits {
  /** Lines per batch. @default 50000 (OpenAI's limit) */
  maxRequests: number
  /** Bytes per input file. @default 190 MB (OpenAI allows 200 MB) */
  maxBytes: number
}

/** OpenAI's limits, with a margin on the file size. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxRequests: 50_000, maxBytes: 190 * 1024 * 1024 }

/** The metadata key that ties a batch to its submission, for recovery after a kill. */
export const SUBMISSION_METADATA_KEY = 'l10n_submission'

/** What {@link collectBatches} found. */
export interface CollectResult {
  /** Batches that finished (any final state) and were collected now. */
  collected: number
  /** Answers stored from their output files. */
  answers: number
  /** Lines that failed (error file, or an error status in the output). */
  failedLines: number
  /** Batches still running. */
  running: number
  /** Batches that ended expired, cancelled or failed: their unanswered requests are resubmitted. */
  incomplete: number
}

/** What {@link submitLines} did. */
export interface SubmitResult {
  batches: number
  requests: number
  bytes: number
  estimate: { promptTokens: number; completionTokens: number; usd: number; known: boolean }
}

function addSubmitted(total: SubmitResult, part: SubmitResult): void {
  total.batches += part.batches
  total.requests += part.requests
  total.bytes += part.bytes
  total.estimate.promptTokens += part.estimate.promptTokens
  total.estimate.completionTokens += part.estimate.completionTokens
  total.estimate.usd += part.estimate.usd
  total.estimate.known &&= part.estimate.known
}

/** Prices for batch estimates: the model's batch price. */
export interface BatchPricing {
  model: string
  prices?: Readonly<Record<string, ModelPrice>>
}

const now = () => new Date().toISOString()

/** One Batch API input line for a request. */
function jsonlLine(line: BatchLine): string {
  return JSON.stringify({ custom_id: line.requestId, method: 'POST', url: '/v1/chat/completions', body: line.body })
}

/** Cuts lines into files within the limits, keeping their order. */
export function chunkLines(lines: readonly BatchLine[], limits: BatchLimits): BatchLine[][] {
  return packInOrder(lines, (line) => Buffer.byteLength(jsonlLine(line)) + 1, { maxWeight: limits.maxBytes, maxItems: limits.maxRequests })
}

/** Uploads and creates what a submission still lacks, recording each step. */
async function advance(submission: Submission, state: BatchState, store: BatchStore, api: BatchApi): Promise<void> {
  if (submission.state === 'prepared') {
    const jsonl = await store.readInput(submission.id)
    if (jsonl === undefined) {
      // The input is written before the submission is recorded; without it there is nothing to send.
      state.submissions = state.submissions.filter((item) => item !== submission)
      await store.writeState(state)
      return
    }
    submission.fileId = await api.upload(jsonl, `l10n-${submission.id}.jsonl`)
    submission.state = 'uploaded'
    submission.updatedAt = now()
    await store.writeState(state)
  }
  if (submission.state === 'uploaded') {
    // Killed after creating the batch and before recording it? Then it is on the server already.
    const existing = (await api.list()).find((batch) => batch.metadata[SUBMISSION_METADATA_KEY] === submission.id && batch.inputFileId === submission.fileId)
    const batch = existing ?? (await api.create(submission.fileId!, { [SUBMISSION_METADATA_KEY]: submission.id }))
    submission.batchId = batch.id
    submission.batchStatus = batch.status
    submission.state = 'submitted'
    submission.updatedAt = now()
    await store.writeState(state)
  }
}

/** Finishes submissions a killed run left half-done (prepared or uploaded). */
export async function recoverSubmissions(store: BatchStore, api: BatchApi): Promise<number> {
  const state = await store.readState()
  const unfinished = state.submissions.filter((submission) => submission.state === 'prepared' || submission.state === 'uploaded')
  for (const submission of unfinished) await advance(submission, state, store, api)
  return unfinished.length
}

interface OutputLine {
  custom_id?: string
  response?: { status_code?: number; body?: unknown } | null
  error?: { code?: string; message?: string } | null
}

function parseJsonl(text: string): OutputLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as OutputLine]
      } catch {
        // A damaged line answers nothing; its request is asked again.
        return []
      }
    })
}

function recordFailure(state: BatchState, requestId: string, error: string, status?: number): void {
  const known = state.failures[requestId]
  state.failures[requestId] = { count: (known?.count ?? 0) + 1, error, ...(status ? { status } : {}) }
}

/** Stores the answers and failures of a finished batch. */
async function collectOne(submission: Submission, batch: BatchInfo, state: BatchState, store: BatchStore, api: BatchApi, model: string): Promise<{ answers: number; failed: number }> {
  let answers = 0
  let failed = 0
  const ours = new Set(submission.requestIds)
  if (batch.outputFileId) {
    for (const line of parseJsonl(await api.download(batch.outputFileId))) {
      const id = line.custom_id
      if (!id || !ours.has(id)) continue
      const status = line.response?.status_code ?? 0
      if (status === 200 && line.response?.body) {
        try {
          const completion = toCompletion(line.response.body as Parameters<typeof toCompletion>[0], 1, model)
          await store.writeAnswer({ requestId: id, batchId: batch.id, text: completion.text, finishReason: completion.finishReason, usage: completion.usage, model: completion.model })
          answers++
          continue
        } catch (error) {
          recordFailure(state, id, (error as Error).message)
          failed++
          continue
        }
      }
      recordFailure(state, id, line.error?.message ?? `HTTP ${status}`, status)
      failed++
    }
  }
  if (batch.errorFileId) {
    for (const line of parseJsonl(await api.download(batch.errorFileId))) {
      const id = line.custom_id
      if (!id || !ours.has(id)) continue
      recordFailure(state, id, line.error?.message ?? (line.response?.body ? JSON.stringify(line.response.body).slice(0, 300) : `HTTP ${line.response?.status_code ?? '?'}`), line.response?.status_code)
      failed++
    }
  }
  return { answers, failed }
}

/**
 * Polls every submitted batch; stores the answers of finished ones and marks them collected.
 * Requests of a batch that expired, was cancelled or failed, and failed lines, are no longer
 * in flight afterwards, so the next run submits them again.
 */
export async function collectBatches(store: BatchStore, api: BatchApi, model: string): Promise<CollectResult> {
  await recoverSubmissions(store, api)
  const state = await store.readState()
  const result: CollectResult = { collected: 0, answers: 0, failedLines: 0, running: 0, incomplete: 0 }
  for (const submission of state.submissions) {
    if (submission.state !== 'submitted' || !submission.batchId) continue
    const batch = await api.retrieve(submission.batchId)
    submission.batchStatus = batch.status
    submission.counts = batch.counts
    submission.updatedAt = now()
    if (!FINAL_BATCH_STATUSES.includes(batch.status)) {
      result.running++
      continue
    }
    const { answers, failed } = await collectOne(submission, batch, state, store, api, model)
    result.answers += answers
    result.failedLines += failed
    if (batch.status !== 'completed') result.incomplete++
    // Recorded only after every answer is stored: a kill before this collects it again.
    submission.state = 'collected'
    result.collected++
    await store.writeState(state)
  }
  await store.writeState(state)
  return result
}

/** What a file's lines cost at the batch price, each at its own model's (the judge may ask another model). */
function batchCost(lines: readonly BatchLine[], pricing: BatchPricing): { usd: number; known: boolean } {
  return costOfParts(lines.map((line) => ({ model: line.body.model || pricing.model, ...line.estimate })), pricing.prices, { batch: true })
}

/**
 * Submits lines as batches within the limits. A file with exactly the same lines as a
 * submission still running is not submitted again.
 */
export async function submitLines(store: BatchStore, api: BatchApi, lines: readonly BatchLine[], limits: BatchLimits, pricing: BatchPricing): Promise<SubmitResult> {
  const result: SubmitResult = { batches: 0, requests: 0, bytes: 0, estimate: { promptTokens: 0, completionTokens: 0, usd: 0, known: true } }
  if (lines.length === 0) return result
  const state = await store.readState()
  // Batches already on the server, asked for once and only when a submission is new here.
  let onServer: BatchInfo[] | undefined
  // Requests are queued in the order answers happen to arrive; sorted by id, the same
  // requests always make the same files, so a submission's id (the file's hash) finds it again.
  const ordered = [...lines].sort((a, b) => (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0))
  for (const chunk of chunkLines(ordered, limits)) {
    const jsonl = chunk.map(jsonlLine).join('\n') + '\n'
    const id = contentHash(jsonl)
    const promptTokens = chunk.reduce((sum, line) => sum + line.estimate.promptTokens, 0)
    const completionTokens = chunk.reduce((sum, line) => sum + line.estimate.completionTokens, 0)
    const cost = batchCost(chunk, pricing)
    addSubmitted(result, { batches: 1, requests: chunk.length, bytes: Buffer.byteLength(jsonl), estimate: { promptTokens, completionTokens, usd: cost.usd, known: cost.known } })
    if (state.submissions.some((submission) => submission.id === id && submission.state !== 'collected')) continue
    const submission: Submission = {
      id,
      state: 'prepared',
      requestIds: chunk.map((line) => line.requestId),
      labels: Object.fromEntries(chunk.flatMap((line) => (line.label ? [[line.requestId, line.label]] : []))),
      bytes: Buffer.byteLength(jsonl),
      estimate: { promptTokens, completionTokens, usd: cost.usd, known: cost.known },
      createdAt: now(),
      updatedAt: now(),
    }
    // The file first, then the record, then the server: every kill leaves a state we can finish.
    await store.writeInput(id, jsonl)
    // The state folder was lost (a CI cache that missed) but the same requests were
    // submitted before: the id is the hash of the file, so the server's batch is ours
    // to collect, not to pay for twice.
    onServer ??= await api.list()
    const adopted = onServer.find((batch) => batch.metadata[SUBMISSION_METADATA_KEY] === id && batch.status !== 'failed')
    if (adopted) {
      Object.assign(submission, { state: 'submitted', fileId: adopted.inputFileId, batchId: adopted.id, batchStatus: adopted.status, adopted: true })
      state.submissions.push(submission)
      await store.writeState(state)
      continue
    }
    state.submissions.push(submission)
    await store.writeState(state)
    await advance(submission, state, store, api)
  }
  return result
}

/**
 * Sections waiting in batches not collected yet, by `resolvedSourcePath\u0000locale`
 * (`-1` stands for the frontmatter), for `l10n status`.
 */
export function waitingSections(state: BatchState): Map<string, Set<number>> {
  const waiting = new Map<string, Set<number>>()
  for (const submission of state.submissions) {
    if (submission.state === 'collected') continue
    for (const label of Object.values(submission.labels)) {
      if (label.purpose === 'judge') continue
      const key = `${resolve(label.file)}\u0000${label.locale}`
      if (!waiting.has(key)) waiting.set(key, new Set())
      waiting.get(key)!.add(label.section)
    }
  }
  return waiting
}

/**
 * Drafts whose judge review waits in batches not collected yet (the draft is written once
 * it is answered), as `resolvedSourcePath\u0000locale`, for `l10n status`.
 */
export function waitingJudgeReviews(state: BatchState): Set<string> {
  const waiting = new Set<string>()
  for (const submission of state.submissions) {
    if (submission.state === 'collected') continue
    for (const label of Object.values(submission.labels)) {
      if (label.purpose === 'judge') waiting.add(`${resolve(label.file)}\u0000${label.locale}`)
    }
  }
  return waiting
}

/** Cancels running batches (all, or those with the given batch or submission ids). */
export async function cancelBatches(store: BatchStore, api: BatchApi, ids: readonly string[] = []): Promise<Submission[]> {
  const state = await store.readState()
  const chosen = state.submissions.filter(
    (submission) => submission.state === 'submitted' && submission.batchId && (ids.length === 0 || ids.includes(submission.batchId) || ids.includes(submission.id)),
  )
  for (const submission of chosen) {
    const batch = await api.cancel(submission.batchId!)
    submission.batchStatus = batch.status
    submission.updatedAt = now()
  }
  await store.writeState(state)
  return chosen
}

/** Options of {@link runBatchCycle}. */
export interface BatchCycleOptions {
  stateDir: string
  api: BatchApi
  llm: Pick<LlmOptions, 'model' | 'temperature' | 'maxOutputTokens' | 'baseURL'>
  pricing: BatchPricing
  limits?: BatchLimits
  /** Poll until every batch is answered and every repair is done. */
  wait?: boolean
  /** Send follow-up requests (repairs, failed or expired lines) realtime through this client. */
  realtime?: ChatClient
  /** Waits between polls with `--wait`; gets the 1-based poll number. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** First poll interval with `--wait`; doubles up to {@link BatchCycleOptions.maxPollMs}. @default 30000 */
  pollMs?: number
  /** @default 600000 */
  maxPollMs?: number
  /** Cycles at most with `--wait` (each repair round is one). @default 8 */
  maxRounds?: number
  signal?: AbortSignal
  onProgress?: (event: BatchProgress) => void
}

/** Progress of a batch cycle, for the CLI. */
export type BatchProgress =
  | { type: 'collected'; result: CollectResult }
  | { type: 'submitted'; result: SubmitResult }
  | { type: 'waiting'; running: number; nextPollMs: number }

/** What a batch cycle did, beside the run report of its last sync pass. */
export interface BatchCycleResult {
  run: RunReport
  collected: CollectResult
  submitted: SubmitResult
  /** Requests waiting in batches still running after the cycle. */
  waiting: number
  rounds: number
}

/**
 * One `sync --batch`: collect, run the sync with a batch client (`runSync`), submit what it
 * gathered; with `wait`, poll and repeat until nothing is left to answer.
 */
export async function runBatchCycle(options: BatchCycleOptions, runSync: (client: BatchClient) => Promise<RunReport>): Promise<BatchCycleResult> {
  const store = openBatchStore(options.stateDir)
  const limits = options.limits ?? DEFAULT_BATCH_LIMITS
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => sleepOnClock(ms, signal))
  const totalCollected: CollectResult = { collected: 0, answers: 0, failedLines: 0, running: 0, incomplete: 0 }
  const totalSubmitted: SubmitResult = { batches: 0, requests: 0, bytes: 0, estimate: { promptTokens: 0, completionTokens: 0, usd: 0, known: true } }
  const maxRounds = options.maxRounds ?? 8
  for (let round = 1; ; round++) {
    const collected = await collectBatches(store, options.api, options.llm.model)
    options.onProgress?.({ type: 'collected', result: collected })
    totalCollected.collected += collected.collected
    totalCollected.answers += collected.answers
    totalCollected.failedLines += collected.failedLines
    totalCollected.incomplete += collected.incomplete
    totalCollected.running = collected.running
    const state = await store.readState()
    // Follow-ups go realtime only when asked and once something was collected: the first
    // submission of new work always goes to a batch.
    const collectedBefore = state.submissions.some((submission) => submission.state === 'collected')
    const client = createBatchClient({ llm: options.llm, store, state, ...(options.realtime && collectedBefore ? { realtime: options.realtime } : {}) })
    const run = await runSync(client)
    const lines = [...client.outbox.values()]
    const submitted = run.interrupted ? totalSubmitted : await submitLines(store, options.api, lines, limits, options.pricing)
    if (!run.interrupted) {
      options.onProgress?.({ type: 'submitted', result: submitted })
      addSubmitted(totalSubmitted, submitted)
    }
    const waiting = client.waiting.size + lines.length
    if (!options.wait || waiting === 0 || run.interrupted || round >= maxRounds) {
      return { run, collected: totalCollected, submitted: totalSubmitted, waiting, rounds: round }
    }
    // Wait until every batch is final, polling less and less often.
    let pollMs = options.pollMs ?? 30_000
    for (;;) {
      const running = (await store.readState()).submissions.filter((submission) => submission.state === 'submitted')
      const states = await Promise.all(running.map((submission) => options.api.retrieve(submission.batchId!)))
      const stillRunning = states.filter((batch) => !FINAL_BATCH_STATUSES.includes(batch.status)).length
      if (stillRunning === 0) break
      options.onProgress?.({ type: 'waiting', running: stillRunning, nextPollMs: pollMs })
      await sleep(pollMs, options.signal)
      pollMs = Math.min(pollMs * 2, options.maxPollMs ?? 600_000)
    }
  }
}
