/**
 * The one place that talks to a chat-completion endpoint (OpenAI or any compatible
 * local server). It owns timeouts, retries and the classification of failures into
 * {@link ProviderError} kinds; prompts and answers are other modules' business.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'
import { sleep as clockSleep, systemClock, timeoutSignal, type Clock } from '../shared/clock.ts'
import { linkedSignal } from '../shared/signals.ts'
import { L10nError, redactCredentials } from '../shared/errors.ts'
import { message, type Message } from '../shared/i18n.ts'

/** Settings of the LLM client, after flags and environment are merged. */
export interface LlmOptions {
  /** Model name sent to the server. Env `L10N_MODEL`. @default 'gpt-4o-mini' */
  model: string
  /** Sampling temperature, 0 to 2. Env `L10N_TEMPERATURE`. @default 0.2 */
  temperature: number
  /** Upper bound of tokens in one answer, minimum 1. Env `L10N_MAX_OUTPUT_TOKENS`. @default 4096 */
  maxOutputTokens: number
  /** Time one attempt may take, headers and body together, minimum 1. Env `L10N_TIMEOUT_MS`. @default 120000 */
  timeoutMs: number
  /** Retries after the first attempt, minimum 0. Env `L10N_MAX_RETRIES`. @default 3 */
  maxRetries: number
  /**
   * Longest `retry-after` we are willing to wait, minimum 0. A server asking for more
   * fails the call at once instead. Env `L10N_MAX_RETRY_AFTER_MS`. @default 60000
   */
  maxRetryAfterMs: number
  /** Endpoint such as `http://localhost:11434/v1`. Env `OPENAI_BASE_URL`. @default OpenAI's own */
  baseURL: string | undefined
  /** Env `OPENAI_API_KEY`; a placeholder when only `baseURL` is set (local servers need none). */
  apiKey: string | undefined
}

/** Defaults of the numeric and model settings in {@link LlmOptions}. */
export const LLM_DEFAULTS = {
  model: 'gpt-4o-mini',
  temperature: 0.2,
  maxOutputTokens: 4096,
  timeoutMs: 120_000,
  maxRetries: 3,
  maxRetryAfterMs: 60_000,
} as const

/** API key sent to a custom `baseURL` when none is configured. */
export const PLACEHOLDER_API_KEY = 'sk-no-key'

/**
 * Merges explicit settings (`flags`, e.g. from the command line) over environment
 * variables over {@link LLM_DEFAULTS}. Empty strings count as unset. Throws
 * `E_CONFIG` naming the variable and the bad value when a number is invalid.
 */
export function resolveLlmOptions(flags: Partial<LlmOptions> = {}, env: NodeJS.ProcessEnv = process.env): LlmOptions {
  const given = text(flags.baseURL) ?? text(env.OPENAI_BASE_URL)
  if (given !== undefined && !/^https?:\/\/[^\s]+$/i.test(given)) {
    throw configError(message('llm:config/url', { name: flags.baseURL ? 'baseURL' : 'OPENAI_BASE_URL', value: redactCredentials(given) }))
  }
  // `https://user:KEY@host`: fetch refuses credentials in a URL, and every message that
  // names the endpoint would show them. They are dropped; the key belongs in OPENAI_API_KEY.
  const baseURL = given === undefined ? undefined : withoutCredentials(given)
  const apiKey = text(flags.apiKey) ?? text(env.OPENAI_API_KEY) ?? (baseURL ? PLACEHOLDER_API_KEY : undefined)
  return {
    model: text(flags.model) ?? text(env.L10N_MODEL) ?? LLM_DEFAULTS.model,
    temperature: numberSetting('temperature', 'L10N_TEMPERATURE', flags.temperature, env, { min: 0, max: 2 }),
    maxOutputTokens: numberSetting('maxOutputTokens', 'L10N_MAX_OUTPUT_TOKENS', flags.maxOutputTokens, env, { min: 1 }),
    timeoutMs: numberSetting('timeoutMs', 'L10N_TIMEOUT_MS', flags.timeoutMs, env, { min: 1 }),
    maxRetries: numberSetting('maxRetries', 'L10N_MAX_RETRIES', flags.maxRetries, env, { min: 0 }),
    maxRetryAfterMs: numberSetting('maxRetryAfterMs', 'L10N_MAX_RETRY_AFTER_MS', flags.maxRetryAfterMs, env, { min: 0 }),
    baseURL,
    apiKey,
  }
}

/** A URL without its user and password. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username === '' && parsed.password === '') return url
    parsed.username = ''
    parsed.password = ''
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '')
  } catch {
    return redactCredentials(url)
  }
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

function configError(detail: Message): L10nError {
  return new L10nError('E_CONFIG', { params: { detail } })
}

type NumericKey = 'temperature' | 'maxOutputTokens' | 'timeoutMs' | 'maxRetries' | 'maxRetryAfterMs'

/** Integer settings have only `min`; the temperature is a real number with `max`. */
function numberSetting(
  key: NumericKey,
  envName: string,
  flag: number | undefined,
  env: NodeJS.ProcessEnv,
  range: { min: number; max?: number },
): number {
  const raw = flag ?? text(env[envName])
  if (raw === undefined) return LLM_DEFAULTS[key]
  const name = flag === undefined ? envName : key
  const value = typeof raw === 'number' ? raw : Number(raw)
  if (range.max !== undefined) {
    if (!Number.isFinite(value) || value < range.min || value > range.max) {
      throw configError(message('llm:config/number-range', { name, min: range.min, max: range.max, value: String(raw) }))
    }
  } else if (!Number.isSafeInteger(value) || value < range.min) {
    throw configError(message('llm:config/integer', { name, min: range.min, value: String(raw) }))
  }
  return value
}

/** Why a call failed; see the `llm` i18n namespace for the text of each. */
export type ProviderErrorKind =
  | 'timeout'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'auth'
  | 'bad-request'
  | 'bad-response'
  | 'aborted'

/** Options of a {@link ProviderError}. */
export interface ProviderErrorOptions {
  /** HTTP requests sent for the call, retries included. */
  attempts: number
  status?: number
  /** How long the server asked us to wait (rate limits). */
  retryAfterMs?: number
  /** Values for the `llm:<kind>` message: model, message, endpoint, timeoutMs... */
  params?: Record<string, unknown>
  /** Message key when a kind has more than one text (`rate-limited/too-long`). */
  messageKey?: string
  cause?: unknown
}

/**
 * A failed LLM call (`E_PROVIDER`; `E_AUTH` for a refused key). `kind` tells the caller what to do: `rate-limited`
 * and `server` may succeed later, `auth` and `bad-request` will not, `aborted` was asked for.
 */
export class ProviderError extends L10nError {
  readonly kind: ProviderErrorKind
  readonly status: number | undefined
  readonly attempts: number
  readonly retryAfterMs: number | undefined

  constructor(kind: ProviderErrorKind, options: ProviderErrorOptions) {
    const values = { status: options.status ?? '-', ...options.params, count: options.attempts }
    const detail = message(`llm:${options.messageKey ?? kind}`, values)
    // A refused key is its own code: it stops the whole run, not just the section.
    super(kind === 'auth' ? 'E_AUTH' : 'E_PROVIDER', {
      params: { detail, kind, status: options.status, attempts: options.attempts },
      cause: options.cause,
    })
    this.name = 'ProviderError'
    this.kind = kind
    this.status = options.status
    this.attempts = options.attempts
    this.retryAfterMs = options.retryAfterMs
  }
}

/**
 * What an HTTP error status means for a request, the same in realtime and in a batch's
 * failed lines: a refused key (`auth`), worth asking again (408, 409, 429, 5xx), or a
 * request the server will refuse again as it is (`bad-request`).
 */
export function statusKind(status: number): { kind: ProviderErrorKind; retryable: boolean } {
  if (status === 401 || status === 403) return { kind: 'auth', retryable: false }
  if (status === 408 || status === 409 || status === 429 || status >= 500) return { kind: status === 429 ? 'rate-limited' : 'server', retryable: true }
  return { kind: 'bad-request', retryable: false }
}

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** One call of {@link ChatClient.complete}. */
export interface CompleteRequest {
  messages: ChatMessage[]
  /** Aborting it ends the call at once with kind `aborted`, also during a backoff wait. */
  signal?: AbortSignal
  /** Overrides {@link LlmOptions.maxOutputTokens} for this call. */
  maxOutputTokens?: number
  /** The article × locale × section asked for (`purpose: 'judge'`: the judge's review of that draft), for clients that record requests (batch mode). */
  label?: { file: string; locale: string; section: number; purpose?: 'judge' }
  /** Token estimate of the call, for clients that submit it later (batch mode). */
  estimate?: { promptTokens: number; completionTokens: number }
  /** Ask for one JSON object (`response_format: json_object`); servers that do not know it answer 400. */
  json?: boolean
  /** Called before each HTTP request of the call (1 for the first, 2 for the first retry…), for rate windows. */
  beforeAttempt?: (attempt: number) => void
}

/** A successful answer. */
export interface Completion {
  text: string
  /**
   * The server's `finish_reason`: `stop`, `length` (cut at the token limit), `content_filter`...
   * or `unknown` when it sent none. Not an error here; the caller decides.
   */
  finishReason: string
  /** Token counts as reported; 0 when the server reports no usage. */
  usage: { promptTokens: number; completionTokens: number }
  /** The model that answered, as reported by the server. */
  model: string
  /** HTTP requests it took, retries included. */
  attempts: number
  /** Paid for by an earlier run (a Batch API answer): counts in reports, not against this run's budget. */
  prepaid?: boolean
}

/** Something that answers chat messages; the pipeline depends on this, not on `openai`. */
export interface ChatClient {
  complete(request: CompleteRequest): Promise<Completion>
}

/** Reported before each retry, for logs and run reports. */
export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number
  /** How long we wait before the next one. */
  delayMs: number
  kind: ProviderErrorKind
  status: number | undefined
}

/** Seams for tests: time and randomness. */
export interface ClientDeps {
  /**
   * Times each attempt (`timeoutMs`) and, unless `sleep` is given, the waits between
   * attempts. A test moves a hand-driven clock instead of waiting. @default systemClock
   */
  clock?: Clock
  /** Waits `ms`; should reject when `signal` aborts (we also stop waiting on abort either way). @default sleep on `clock` */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Random number in [0, 1) for backoff jitter. @default Math.random */
  random?: () => number
  /** Wall clock, for `retry-after` given as an HTTP date. @default Date.now */
  now?: () => number
  onRetry?: (info: RetryInfo) => void
  /** Called after every HTTP attempt with how it went and how long it took (`--debug`). */
  onAttempt?: (info: AttemptInfo) => void
}

/** One HTTP attempt of a request, for `--debug` timing lines. */
export interface AttemptInfo {
  label: CompleteRequest['label']
  attempt: number
  /** Wall time of the attempt, headers and body. */
  ms: number
  /** `ok`, or why it failed (`rate-limited`, `server`, `timeout`, `aborted`…). */
  outcome: string
  status?: number
  promptTokens?: number
  completionTokens?: number
  finishReason?: string
}

/** First backoff wait; doubles with each retry. */
export const BACKOFF_BASE_MS = 500
/** Longest backoff wait when the server gives no `retry-after`. */
export const BACKOFF_CAP_MS = 8_000

/**
 * Wait before retry number `retry` (from 1): exponential from {@link BACKOFF_BASE_MS},
 * capped at {@link BACKOFF_CAP_MS}, minus up to 25% jitter so parallel calls that
 * failed together do not come back together.
 */
export function backoffDelay(retry: number, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1), BACKOFF_CAP_MS)
  return Math.round(exponential * (1 - 0.25 * random()))
}

/**
 * How long the response headers ask us to wait, in ms: `retry-after-ms` (OpenAI's),
 * then `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const millis = Number(headers?.get('retry-after-ms') ?? Number.NaN)
  if (Number.isFinite(millis) && millis >= 0) return millis
  const value = headers?.get('retry-after')?.trim()
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** A failed attempt, before we decide whether to retry it. */
interface Failure {
  kind: ProviderErrorKind
  retryable: boolean
  status?: number
  retryAfterMs?: number
  message: string | Message
  cause: unknown
}

/** The JSON body of a chat completion request, exactly as sent (also inside Batch API lines). */
export interface ChatRequestBody {
  model: string
  messages: ChatMessage[]
  temperature: number
  max_tokens?: number
  max_completion_tokens?: number
  response_format?: { type: 'json_object' }
}

/**
 * The body sent for `request`: the same for a realtime call and a Batch API line, so a
 * batch answers exactly what a realtime run would have asked.
 */
export function chatRequestBody(options: Pick<LlmOptions, 'model' | 'temperature' | 'maxOutputTokens' | 'baseURL'>, request: Pick<CompleteRequest, 'messages' | 'maxOutputTokens' | 'json'>): ChatRequestBody {
  const endpoint = options.baseURL ?? 'https://api.openai.com/v1'
  // OpenAI's newer models reject `max_tokens`; many compatible servers only know it.
  const tokenParam = new URL(endpoint).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens'
  return {
    model: options.model,
    messages: request.messages.map((item) => ({ role: item.role, content: item.content })),
    temperature: options.temperature,
    [tokenParam]: request.maxOutputTokens ?? options.maxOutputTokens,
    ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
  }
}

/**
 * A {@link ChatClient} on the official `openai` package. The SDK's own retries are
 * off (`maxRetries: 0`): its backoff sleep ignores abort signals and it would wait out
 * any `retry-after` under a minute, so the loop here does retries instead.
 */
export function createOpenAiClient(options: LlmOptions, deps: ClientDeps = {}): ChatClient {
  if (!options.apiKey) throw configError(message('llm:no-api-key'))
  const random = deps.random ?? Math.random
  const now = deps.now ?? Date.now
  const clock = deps.clock ?? systemClock
  const sleep = deps.sleep ?? ((ms: number, signal: AbortSignal) => clockSleep(ms, signal, clock))
  const endpoint = options.baseURL ?? 'https://api.openai.com/v1'
  const openai = new OpenAI({
    // Explicit, so the SDK does not read OPENAI_BASE_URL behind resolveLlmOptions' back.
    baseURL: endpoint,
    apiKey: options.apiKey,
    maxRetries: 0,
    // Covers only the wait for headers; the per-attempt signal below also covers the body.
    // The SDK's timer runs on real time, so with an injected clock the signal alone times
    // attempts (the SDK keeps its own 10-minute default as a backstop).
    ...(clock === systemClock ? { timeout: options.timeoutMs } : {}),
  })
  const base = { model: options.model }

  async function attempt(request: CompleteRequest, signal: AbortSignal): Promise<unknown> {
    return openai.chat.completions.create(chatRequestBody(options, request) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal })
  }

  function classify(error: unknown): Failure {
    const text = error instanceof Error ? error.message : String(error)
    if (error instanceof APIError && typeof error.status === 'number') {
      const status = error.status
      const retryAfterMs = parseRetryAfter(error.headers, now())
      const { kind, retryable } = statusKind(status)
      return { kind, retryable, status, ...(retryable ? { retryAfterMs } : {}), message: text, cause: error }
    }
    // Connection refused or reset, and bodies cut off mid-way (undici's TypeError "terminated").
    if (error instanceof APIConnectionError || error instanceof APIUserAbortError || error instanceof TypeError) {
      return { kind: 'network', retryable: true, message: text, cause: error }
    }
    // A 200 whose JSON body does not parse: a proxy hiccup more often than not.
    if (error instanceof SyntaxError) {
      return { kind: 'bad-response', retryable: true, message: message('llm:not-json'), cause: error }
    }
    throw error
  }

  return {
    async complete(request) {
      const { signal } = request
      let attempts = 0
      for (;;) {
        if (signal?.aborted) throw new ProviderError('aborted', { attempts, params: base, cause: signal.reason })
        attempts++
        request.beforeAttempt?.(attempts)
        const { signal: timeout, cancel: cancelTimeout } = timeoutSignal(options.timeoutMs, clock)
        const startedAt = performance.now()
        const timed = (outcome: string, extra: Partial<AttemptInfo> = {}) =>
          deps.onAttempt?.({ label: request.label, attempt: attempts, ms: performance.now() - startedAt, outcome, ...extra })
        // Not AbortSignal.any: the SDK's listener on it would keep it alive for the whole run (shared/signals.ts).
        const attemptSignal = linkedSignal([signal, timeout])
        let failure: Failure
        try {
          const response = await attempt(request, attemptSignal.signal)
          if (response === null || typeof response !== 'object') {
            failure = { kind: 'bad-response', retryable: true, message: message('llm:not-json'), cause: undefined }
          } else {
            const completion = toCompletion(response as OpenAI.ChatCompletion, attempts, options.model)
            timed('ok', { status: 200, promptTokens: completion.usage.promptTokens, completionTokens: completion.usage.completionTokens, finishReason: completion.finishReason })
            return completion
          }
        } catch (error) {
          if (error instanceof ProviderError) throw error
          if (signal?.aborted) {
            timed('aborted')
            throw new ProviderError('aborted', { attempts, params: base, cause: signal.reason })
          }
          // A request that hung for the whole timeout is not retried: the same prompt
          // tends to hang again, and retrying would multiply the wait by maxRetries + 1.
          if (timeout.aborted || error instanceof APIConnectionTimeoutError) {
            timed('timeout')
            throw new ProviderError('timeout', { attempts, params: { ...base, timeoutMs: options.timeoutMs }, cause: error })
          }
          failure = classify(error)
        } finally {
          cancelTimeout()
          attemptSignal.release()
        }
        timed(failure.kind, failure.status !== undefined ? { status: failure.status } : {})

        const params = { ...base, endpoint: redactCredentials(endpoint), message: typeof failure.message === 'string' ? redactCredentials(failure.message) : failure.message }
        const fail = () =>
          new ProviderError(failure.kind, { attempts, status: failure.status, retryAfterMs: failure.retryAfterMs, params, cause: failure.cause })
        if (!failure.retryable || attempts > options.maxRetries) throw fail()
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > options.maxRetryAfterMs) {
          // Waiting an hour inside a batch run helps nobody; say so and let the caller reschedule.
          throw new ProviderError('rate-limited', {
            attempts,
            status: failure.status,
            retryAfterMs: failure.retryAfterMs,
            messageKey: 'rate-limited/too-long',
            params: { ...params, wait: formatDuration(failure.retryAfterMs), cap: formatDuration(options.maxRetryAfterMs) },
            cause: failure.cause,
          })
        }
        const waitMs = failure.retryAfterMs ?? backoffDelay(attempts, random)
        deps.onRetry?.({ attempt: attempts, delayMs: waitMs, kind: failure.kind, status: failure.status })
        try {
          await abortable(sleep, waitMs, signal)
        } catch (error) {
          if (signal?.aborted) throw new ProviderError('aborted', { attempts, params: base, cause: signal.reason })
          throw error
        }
      }
    },
  }
}

/** Runs `sleep` but settles as soon as `signal` aborts, even if an injected sleep ignores it. */
function abortable(
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const own = new AbortController()
  const combined = signal ? AbortSignal.any([signal, own.signal]) : own.signal
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    sleep(ms, combined)
      .then(resolve, reject)
      .finally(() => {
        signal?.removeEventListener('abort', onAbort)
        own.abort()
      })
  })
}

/** A server's chat completion JSON as a {@link Completion}; throws `bad-response` when it has no choice. */
export function toCompletion(response: OpenAI.ChatCompletion, attempts: number, model: string): Completion {
  const choice = Array.isArray(response.choices) ? response.choices[0] : undefined
  if (!choice?.message) {
    throw new ProviderError('bad-response', { attempts, params: { model, message: message('llm:no-choices') } })
  }
  return {
    text: choice.message.content ?? '',
    finishReason: choice.finish_reason ?? 'unknown',
    usage: {
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
    },
    model: response.model || model,
    attempts,
  }
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`
}
