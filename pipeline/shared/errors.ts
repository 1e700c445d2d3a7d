import { formatMessage, type UiLanguage } from './i18n.ts'

/**
 * Why the tool cannot produce output. Content problems are findings instead; these
 * are for missing files, unreadable input, bad usage and the like.
 */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_NOT_FOUND'
  | 'E_IS_DIRECTORY'
  | 'E_NOT_UTF8'
  | 'E_NO_FRONTMATTER'
  | 'E_UNCLOSED_FRONTMATTER'
  | 'E_FRONTMATTER_EXECUTABLE'
  | 'E_YAML'
  | 'E_EMPTY_BODY'
  | 'E_MDX'
  | 'E_UNKNOWN_LOCALE'
  | 'E_NO_LOCALE'
  | 'E_OUT_OF_ROOT'
  | 'E_SAME_FILE'
  | 'E_GLOSSARY'
  | 'E_CONFIG'
  | 'E_PROVIDER'
  | 'E_INTERRUPTED'
  | 'E_BUDGET'
  | 'E_LOCKED'
  | 'E_LOCKFILE'
  | 'E_IO'
  | 'E_TARGET_EDITED'
  | 'E_OUTPUT_CONFLICT'
  | 'E_TRANSLATION'
  | 'E_BATCH_STATE'
  | 'E_BATCH_PENDING'
  | 'E_TOO_DEEP'
  | 'E_AUTH'
  | 'E_INTERNAL'

/** Options of an {@link L10nError}: where the problem is, and what caused it. */
export interface L10nErrorOptions {
  file?: string
  line?: number
  column?: number
  cause?: unknown
  /** Extra values interpolated into the message. */
  params?: Record<string, unknown>
}

/**
 * An error that stops the tool from producing output, typed by `code`. It carries the
 * message key `errors:<code>` and its values, not text: the CLI renders it in the user's
 * language with {@link formatError}. `message` renders it in the current UI language when
 * read, so nothing is rendered where the error is raised.
 */
export class L10nError extends Error {
  readonly code: ErrorCode
  readonly file: string | undefined
  readonly line: number | undefined
  readonly column: number | undefined
  readonly params: Record<string, unknown>

  constructor(code: ErrorCode, options: L10nErrorOptions = {}) {
    super(undefined, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'L10nError'
    this.code = code
    this.file = options.file
    this.line = options.line
    this.column = options.column
    this.params = { file: options.file, line: options.line, column: options.column, ...options.params }
  }
}

// A getter on the prototype rather than a field: the text is made when someone reads it.
Object.defineProperty(L10nError.prototype, 'message', {
  configurable: true,
  get(this: L10nError) {
    return formatError(this)
  },
})

/** `file:line:column: ` of an error, or nothing when it has no file. */
export function errorPlace(error: Pick<L10nError, 'file' | 'line' | 'column'>): string {
  if (!error.file) return ''
  return `${error.file}${error.line ? `:${error.line}${error.column ? `:${error.column}` : ''}` : ''}: `
}

/** The error's text in `lng` (default: the UI language), with its place prefixed. */
export function formatError(error: L10nError, lng?: UiLanguage): string {
  return errorPlace(error) + formatMessage({ messageId: `errors:${error.code}`, values: error.params }, lng)
}

/** True when `error` is an {@link L10nError} (optionally with the given code). */
export function isL10nError(error: unknown, code?: ErrorCode): error is L10nError {
  return error instanceof L10nError && (code === undefined || error.code === code)
}

/**
 * An unexpected exception (a bug, not bad input) as an {@link L10nError} `E_INTERNAL`:
 * one line naming the file when known, the original error kept as `cause` so `--debug`
 * can show its trace.
 */
export function internalError(cause: unknown, file?: string): L10nError {
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
  // One line: a multi-line message (a YAML dump, a stack in the text) would read as many errors.
  const detail = text.split('\n')[0]!.slice(0, 300)
  return new L10nError('E_INTERNAL', { ...(file ? { file } : {}), cause, params: { detail } })
}

/**
 * `text` with credentials in URLs hidden: `https://user:KEY@host` → `https://***@host`,
 * and the values of `key`, `api-key`, `api_key`, `token` and `access_token` query
 * parameters → `***`. For every message, report and log that may quote an endpoint.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@')
    .replace(/([?&](?:api[-_]?key|key|token|access_token)=)[^&\s#]+/gi, '$1***')
}
