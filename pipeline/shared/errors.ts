import { t } from './i18n.ts'

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
 * An error that stops the tool from producing output, typed by `code`. Its message is
 * the i18next text `errors:<code>` in the current UI language, with the place prefixed.
 */
export class L10nError extends Error {
  readonly code: ErrorCode
  readonly file: string | undefined
  readonly line: number | undefined
  readonly column: number | undefined
  readonly params: Record<string, unknown>

  constructor(code: ErrorCode, options: L10nErrorOptions = {}) {
    const params = { file: options.file, line: options.line, column: options.column, ...options.params }
    const text = t(`errors:${code}`, params)
    const place = options.file
      ? `${options.file}${options.line ? `:${options.line}${options.column ? `:${options.column}` : ''}` : ''}: `
      : ''
    super(place + text, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'L10nError'
    this.code = code
    this.file = options.file
    this.line = options.line
    this.column = options.column
    this.params = params
  }
}

/** True when `error` is an {@link L10nError} (optionally with the given code). */
export function isL10nError(error: unknown, code?: ErrorCode): error is L10nError {
  return error instanceof L10nError && (code === undefined || error.code === code)
}
