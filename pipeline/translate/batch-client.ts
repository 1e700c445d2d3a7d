/**
 * A {@link ChatClient} for batch mode. It answers a request from the answers collected out
 * of finished batches; a request not answered yet is put in the outbox (to be submitted as
 * one Batch API line) or, when it is already in a submitted batch, left waiting. Either way
 * the call fails with {@link BatchPendingError}, so the article is not written yet.
 *
 * Because the provider above it runs unchanged, a batch answer goes through exactly the
 * validation of a realtime answer (cleanup, truncation, structure, glossary lock, repair):
 * a repair it asks for is simply the next request, answered by the next batch (or
 * realtime). Drafts made from batch answers are therefore the drafts a realtime run makes.
 */
import { L10nError } from '../shared/errors.ts'
import { contentHash } from '../shared/hash.ts'
import { message } from '../shared/i18n.ts'
import type { BatchState, BatchStore, RequestLabel } from '../state/batch-store.ts'
import type { RequestEstimate } from './cost.ts'
import { chatRequestBody, ProviderError, statusKind, type ChatClient, type ChatRequestBody, type Completion, type CompleteRequest, type LlmOptions } from './llm.ts'

/** A request that will be answered by a batch, not now. Costs no request in this run. */
export class BatchPendingError extends L10nError {
  /** Nothing was sent: reports and budgets count no request for it. */
  readonly attempts = 0
  readonly requestId: string
  readonly submitted: boolean

  constructor(requestId: string, submitted: boolean) {
    super('E_BATCH_PENDING', { params: { detail: message(submitted ? 'batch:waiting' : 'batch:queued', { id: requestId }) } })
    this.name = 'BatchPendingError'
    this.requestId = requestId
    this.submitted = submitted
  }
}

const NOTHING: RequestEstimate = { requests: 0, promptTokens: 0, completionTokens: 0 }

/** What an answer costs the budget now: nothing for a batch answer (paid when its batch was submitted), else what it used. */
export function chargedFor(completion: Completion): RequestEstimate {
  return completion.prepaid ? NOTHING : { requests: completion.attempts, promptTokens: completion.usage.promptTokens, completionTokens: completion.usage.completionTokens }
}

/**
 * What a request queued for a batch costs the budget now: its estimate when it goes into a
 * new batch (paid when submitted, so `--max-cost` limits what is submitted), nothing while it
 * waits in a batch already submitted.
 */
export function chargedForPending(pending: BatchPendingError, estimate: RequestEstimate): RequestEstimate {
  return pending.submitted ? NOTHING : estimate
}

/** True when `error` means "answered by a batch later". */
export function isBatchPending(error: unknown): error is BatchPendingError {
  return error instanceof BatchPendingError
}

/** One line to submit: the request body, its id (the line's `custom_id`) and what it is for. */
export interface BatchLine {
  requestId: string
  body: ChatRequestBody
  label?: RequestLabel
  estimate: { promptTokens: number; completionTokens: number }
}

/** After this many failed lines a request fails like a realtime one instead of being resubmitted. */
export const MAX_LINE_FAILURES = 3

/**
 * Whether a failed line's HTTP status is one that the same request body would get again: a
 * client error other than a timeout, a conflict or a rate limit. Such a line fails like a
 * realtime request at once (with its status, so a caller that can change the request — the
 * judge without `response_format` — does so) instead of being submitted again two more nights.
 */
export function isFinalStatus(status: number | undefined): status is number {
  return status !== undefined && status >= 400 && status < 500 && !statusKind(status).retryable
}

/**
 * The id of a request: a hash of its exact body, so the same request made again (after a
 * kill, on the next night) is recognised as the one already submitted or answered.
 */
export function requestIdOf(body: ChatRequestBody): string {
  return `l10n-${contentHash(JSON.stringify(body))}`
}

/** The request settings a batch line is made with. */
export type BatchLineSettings = Pick<LlmOptions, 'model' | 'temperature' | 'maxOutputTokens' | 'baseURL'>

/** Options of {@link createBatchClient}. */
export interface BatchClientOptions {
  llm: BatchLineSettings
  store: BatchStore
  /** The recorded state at the start of the run (after collecting). */
  state: BatchState
  /** Where requests not yet answered go instead (`--repair realtime`); default: the outbox. */
  realtime?: ChatClient
}

/** The batch client and what it gathered during a run. */
export interface BatchClient extends ChatClient {
  /** Requests to submit, by id. */
  readonly outbox: Map<string, BatchLine>
  /** Requests found waiting in a submitted batch, with their labels. */
  readonly waiting: Map<string, RequestLabel | undefined>
  /** Ids of the collected answers this run used. */
  readonly used: Set<string>
  /**
   * The same client for requests made with other settings (the judge's model at
   * temperature 0), sharing the outbox and the collected answers. `realtime` is that
   * caller's own realtime client, used only when this client sends follow-ups realtime.
   */
  view(llm: BatchLineSettings, realtime?: ChatClient): ChatClient
}

/** Creates a batch client over the recorded state; see {@link BatchClientOptions}. */
export function createBatchClient(options: BatchClientOptions): BatchClient {
  const inFlight = new Set<string>()
  for (const submission of options.state.submissions) {
    if (submission.state !== 'collected') for (const id of submission.requestIds) inFlight.add(id)
  }
  const outbox = new Map<string, BatchLine>()
  const waiting = new Map<string, RequestLabel | undefined>()
  const used = new Set<string>()
  const view = (llm: BatchLineSettings, realtime: ChatClient | undefined): ChatClient => ({
    async complete(request: CompleteRequest): Promise<Completion> {
      const body = chatRequestBody(llm, request)
      const requestId = requestIdOf(body)
      const answer = await options.store.readAnswer(requestId)
      if (answer) {
        used.add(requestId)
        return { text: answer.text, finishReason: answer.finishReason, usage: answer.usage, model: answer.model, attempts: 1, prepaid: true }
      }
      if (inFlight.has(requestId)) {
        waiting.set(requestId, request.label)
        throw new BatchPendingError(requestId, true)
      }
      const failure = options.state.failures[requestId]
      if (failure && (failure.count >= MAX_LINE_FAILURES || isFinalStatus(failure.status))) {
        throw new ProviderError(isFinalStatus(failure.status) ? statusKind(failure.status).kind : 'bad-request', {
          attempts: 0,
          ...(failure.status ? { status: failure.status } : {}),
          params: { model: llm.model, message: failure.error },
        })
      }
      if (realtime) return realtime.complete(request)
      outbox.set(requestId, { requestId, body, ...(request.label ? { label: request.label } : {}), estimate: request.estimate ?? { promptTokens: 0, completionTokens: 0 } })
      throw new BatchPendingError(requestId, false)
    },
  })
  const own = view(options.llm, options.realtime)
  return {
    outbox,
    waiting,
    used,
    complete: own.complete,
    view: (llm, realtime) => view(llm, options.realtime ? realtime : undefined),
  }
}
