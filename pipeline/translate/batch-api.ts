/**
 * The Files and Batches endpoints of an OpenAI-compatible server, for `sync --batch`:
 * upload a JSONL file of chat completion requests, create a batch over it, poll it, cancel
 * it, download its output and error files. The same `openai` package as realtime calls;
 * what the lines say and what is done with the answers is other modules' business.
 */
import OpenAI, { APIConnectionError, APIError, toFile } from 'openai'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { ProviderError, type LlmOptions } from './llm.ts'

/** Where a batch is, as the server says. */
export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled'

/** Batch states after which nothing more will happen to a batch. */
export const FINAL_BATCH_STATUSES: readonly BatchStatus[] = ['failed', 'completed', 'expired', 'cancelled']

/** A batch as the server describes it. */
export interface BatchInfo {
  id: string
  status: BatchStatus
  inputFileId: string
  outputFileId: string | undefined
  errorFileId: string | undefined
  counts: { total: number; completed: number; failed: number }
  metadata: Record<string, string>
}

/** What `sync --batch` needs of a server. */
export interface BatchApi {
  /** Uploads a JSONL file with `purpose: "batch"`; returns its file id. */
  upload(jsonl: string, name: string): Promise<string>
  /** Creates a batch over an uploaded file for `/v1/chat/completions` with a 24 h window. */
  create(fileId: string, metadata: Record<string, string>): Promise<BatchInfo>
  retrieve(id: string): Promise<BatchInfo>
  /** The most recent batches (newest first), to find one whose creation was not recorded. */
  /** Batches of the last two days, newest first (to find a submission whose record was lost). */
  list(): Promise<BatchInfo[]>
  cancel(id: string): Promise<BatchInfo>
  /** A file's content as text (output and error files are JSONL). */
  download(fileId: string): Promise<string>
}

/** How far back `list` looks: twice the completion window. */
const LIST_HORIZON_SECONDS = 2 * 24 * 3600
/** At most this many batches are listed (a site's nightly run makes a handful). */
const LIST_MAX = 2000

/** The completion window every batch is created with (the only one the Batch API offers). */
export const COMPLETION_WINDOW = '24h'

function info(batch: OpenAI.Batch): BatchInfo {
  return {
    id: batch.id,
    status: batch.status as BatchStatus,
    inputFileId: batch.input_file_id,
    outputFileId: batch.output_file_id ?? undefined,
    errorFileId: batch.error_file_id ?? undefined,
    counts: {
      total: batch.request_counts?.total ?? 0,
      completed: batch.request_counts?.completed ?? 0,
      failed: batch.request_counts?.failed ?? 0,
    },
    metadata: (batch.metadata ?? {}) as Record<string, string>,
  }
}

/**
 * Turns what the server or the connection said into our errors: 404 means the server has
 * no Batch API (say so, and that realtime mode works without it); 401/403 are credentials.
 */
function providerFailure(error: unknown, endpoint: string, model: string): never {
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status
    if (status === 404 || status === 405 || status === 501) {
      throw new L10nError('E_PROVIDER', { cause: error, params: { detail: message('batch:unsupported', { endpoint, status }) } })
    }
    const kind = status === 401 || status === 403 ? 'auth' : status === 429 ? 'rate-limited' : status >= 500 ? 'server' : 'bad-request'
    throw new ProviderError(kind, { attempts: 1, status, params: { model, endpoint, message: error.message }, cause: error })
  }
  if (error instanceof APIConnectionError || error instanceof TypeError) {
    throw new ProviderError('network', { attempts: 1, params: { model, endpoint, message: (error as Error).message }, cause: error })
  }
  throw error
}

/** A {@link BatchApi} on the `openai` package, for the endpoint and key of `options`. */
export function createBatchApi(options: LlmOptions): BatchApi {
  const endpoint = options.baseURL ?? 'https://api.openai.com/v1'
  if (!options.apiKey) throw new L10nError('E_CONFIG', { params: { detail: message('llm:no-api-key') } })
  // No retries by the SDK: a retried create whose first attempt did reach the server would
  // submit the work twice. A failed step is finished by the next run, which looks first.
  const openai = new OpenAI({ baseURL: endpoint, apiKey: options.apiKey, maxRetries: 0, timeout: options.timeoutMs })
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call()
    } catch (error) {
      return providerFailure(error, endpoint, options.model)
    }
  }
  return {
    upload: (jsonl, name) =>
      guard(async () => (await openai.files.create({ file: await toFile(Buffer.from(jsonl, 'utf8'), name, { type: 'application/jsonl' }), purpose: 'batch' })).id),
    create: (fileId, metadata) =>
      guard(async () => info(await openai.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: COMPLETION_WINDOW, metadata }))),
    retrieve: (id) => guard(async () => info(await openai.batches.retrieve(id))),
    list: () =>
      guard(async () => {
        // Newest first, page by page, back to the oldest batch that can still be running
        // (or just finished): anything older is no submission of a run we still collect.
        const since = Date.now() / 1000 - LIST_HORIZON_SECONDS
        const found: BatchInfo[] = []
        for await (const batch of openai.batches.list({ limit: 100 })) {
          if (batch.created_at < since || found.length >= LIST_MAX) break
          found.push(info(batch))
        }
        return found
      }),
    cancel: (id) => guard(async () => info(await openai.batches.cancel(id))),
    download: (fileId) => guard(async () => (await openai.files.content(fileId)).text()),
  }
}
