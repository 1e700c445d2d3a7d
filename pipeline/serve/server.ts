/**
 * `review --serve`: the review app, a local web server (node:http) on 127.0.0.1 and a
 * free port. Every request needs the random access token printed with the URL (as
 * notebook servers do): in the query for pages, in the `x-l10n-token` header for the
 * JSON API. Writes go through the same code as the CLI (`approve`, and the section edit
 * and reset of `review/edit.ts`), under the lockfile's lock and atomic.
 *
 * Defences: the Host header must name this server (DNS rebinding), POSTs must be JSON
 * with the token header and, when the browser says, come from this origin (a cross-site
 * form can set neither), pages carry a CSP that allows only their own inline style and
 * script (by nonce) and requests to this origin, and only source articles found under the
 * given paths are served — a file is looked up among them, never opened by the name a
 * request gives.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { formatError, isL10nError } from '../shared/errors.ts'
import { t } from '../shared/i18n.ts'
import { approve } from '../review/approve.ts'
import { editSection, resetSection } from '../review/edit.ts'
import { findMarkdownFiles } from '../review/find-sources.ts'
import { buildReview, type BuildReviewOptions } from '../review/review.ts'
import { renderReviewSection } from '../review/html-view.ts'
import { FRONTMATTER_ITEM } from '../review/render.ts'
import { translationStatus } from '../review/status.ts'
import { appLink, renderIndexPage, renderMessagePage, renderReviewPage, type ArticleRow, type PageContext } from './pages.ts'

/** Options of {@link startReviewServer}. */
export interface ReviewServerOptions extends BuildReviewOptions {
  /** Files and folders whose source articles are served (as `status` takes them). */
  paths: readonly string[]
  targets: readonly string[]
  sourceLocale: string | undefined
  /** Who approves (recorded in the lockfile). */
  by: string
  /** Port to listen on. @default 0 (a free one) */
  port?: number
  /** The access token. @default 24 random bytes, base64url */
  token?: string
}

/** A running review app. */
export interface ReviewServer {
  /** The start page's URL, token included. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const MAX_BODY = 4 * 1024 * 1024

class HttpError extends Error {
  constructor(
    readonly status: number,
    text: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(text)
  }
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new HttpError(413, t('serve:bad-request', { detail: 'body too large' }))
    chunks.push(chunk as Buffer)
  }
  try {
    const data: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object')
    return data as Record<string, unknown>
  } catch {
    throw new HttpError(400, t('serve:bad-request', { detail: 'JSON object expected' }))
  }
}

function field<T extends 'string' | 'number' | 'boolean'>(data: Record<string, unknown>, name: string, type: T, optional = false): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const value = data[name]
  if (value === undefined && optional) return undefined
  if (typeof value !== type || (type === 'number' && !Number.isInteger(value))) throw new HttpError(400, t('serve:bad-request', { detail: `${name}: ${type} expected` }))
  return value as never
}

/** Starts the review app; resolves once it listens. */
export async function startReviewServer(options: ReviewServerOptions): Promise<ReviewServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  let port = 0
  const origins = () => [`127.0.0.1:${port}`, `localhost:${port}`]

  const sources = () =>
    findMarkdownFiles(options.paths, { skip: [options.stateDir], sources: { sourceLocale: options.sourceLocale, targets: options.targets } })
  /** The listed source a request names, or a 404: nothing else is ever read for a request. */
  const sourceOf = (file: unknown, locale: unknown): { file: string; locale: string } => {
    if (typeof file !== 'string' || typeof locale !== 'string' || !options.targets.includes(locale) || !sources().includes(file)) {
      throw new HttpError(404, t('serve:not-found'))
    }
    return { file, locale }
  }
  const reviewOf = (file: string, locale: string) => buildReview(file, locale, { ...options, includeApproved: true })
  const sectionHtml = async (file: string, locale: string, section: number) => {
    const doc = await reviewOf(file, locale)
    const item = doc.items.find((candidate) => candidate.section === section)
    return item ? renderReviewSection(doc, item, { glossary: options.glossary, interactive: true }) : ''
  }

  const send = (response: ServerResponse, status: number, type: string, body: string, nonce?: string) => {
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'content-security-policy': nonce
        ? `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`
        : "default-src 'none'; frame-ancestors 'none'",
    })
    response.end(body)
  }
  const json = (response: ServerResponse, status: number, data: unknown) => send(response, status, 'application/json; charset=utf-8', JSON.stringify(data))

  const handlePage = async (url: URL, response: ServerResponse, context: PageContext) => {
    if (url.pathname === '/') {
      const rows: ArticleRow[] = []
      const files = sources()
      const statuses = await translationStatus(files, options.targets, options, (failure) =>
        rows.push({ file: failure.source, locale: failure.locale, problem: formatError(failure.error) }),
      )
      for (const status of statuses) rows.push({ file: status.source, locale: status.locale, status })
      rows.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.locale.localeCompare(b.locale))
      return send(response, 200, 'text/html; charset=utf-8', renderIndexPage(rows, options.paths, context), context.nonce)
    }
    if (url.pathname === '/review') {
      const { file, locale } = sourceOf(url.searchParams.get('file'), url.searchParams.get('locale'))
      let doc
      try {
        doc = await reviewOf(file, locale)
      } catch (error) {
        if (!isL10nError(error)) throw error
        return send(response, 409, 'text/html; charset=utf-8', renderMessagePage(t('serve:cannot-review', { message: formatError(error) }), context), context.nonce)
      }
      return send(response, 200, 'text/html; charset=utf-8', renderReviewPage(doc, file, locale, options.glossary, context), context.nonce)
    }
    throw new HttpError(404, t('serve:not-found'))
  }

  const handleApi = async (url: URL, request: IncomingMessage, response: ServerResponse) => {
    const data = await readJson(request)
    const { file, locale } = sourceOf(data.file, data.locale)
    if (url.pathname === '/api/approve') {
      const section = field(data, 'section', 'number')!
      const frontmatter = section === FRONTMATTER_ITEM
      const result = await approve(file, locale, { ...options, sections: frontmatter ? [] : [section], frontmatter, by: options.by, force: field(data, 'force', 'boolean', true) ?? false })
      const refused = frontmatter ? result.frontmatterRefused : result.refused[0]
      if (refused) {
        const errors = 'errors' in refused ? refused.errors.length : 0
        const detail = refused && 'reason' in refused && refused.reason === 'stale' ? t('workflow:frontmatter-refused-stale', { locale }) : t('workflow:refused', { section, heading: '', count: errors })
        throw new HttpError(409, detail, { errors })
      }
      return json(response, 200, { html: await sectionHtml(file, locale, section) })
    }
    if (url.pathname === '/api/approve-all') {
      const result = await approve(file, locale, { ...options, by: options.by, force: false })
      return json(response, 200, { approved: result.approved.length + (result.frontmatterApproved ? 1 : 0), refused: result.refused.length + (result.frontmatterRefused ? 1 : 0) })
    }
    if (url.pathname === '/api/edit') {
      const section = field(data, 'section', 'number')!
      await editSection(file, locale, { section, base: field(data, 'base', 'string')!, text: field(data, 'text', 'string')! }, options)
      return json(response, 200, { html: await sectionHtml(file, locale, section) })
    }
    if (url.pathname === '/api/reset') {
      const section = field(data, 'section', 'number')!
      await resetSection(file, locale, section, field(data, 'note', 'string')!, options)
      return json(response, 200, { html: await sectionHtml(file, locale, section) })
    }
    throw new HttpError(404, t('serve:not-found'))
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const nonce = randomBytes(16).toString('base64')
    const isApi = (request.url ?? '').startsWith('/api/')
    try {
      // DNS rebinding: a page of another site resolving its name to 127.0.0.1 sends its own Host.
      if (!origins().includes(request.headers.host ?? '')) throw new HttpError(403, t('serve:forbidden'))
      const url = new URL(request.url ?? '/', `http://${request.headers.host}`)
      if (request.method === 'GET' && !isApi) {
        if (!sameToken(url.searchParams.get('token'), token)) throw new HttpError(403, t('serve:forbidden'))
        return await handlePage(url, response, { token, nonce })
      }
      if (request.method === 'POST' && isApi) {
        const origin = request.headers.origin
        const site = request.headers['sec-fetch-site']
        const foreign = (origin !== undefined && !origins().some((host) => origin === `http://${host}`)) || (site !== undefined && site !== 'same-origin' && site !== 'none')
        if (foreign || !sameToken(request.headers['x-l10n-token'] as string | undefined, token)) throw new HttpError(403, t('serve:forbidden'))
        if (!(request.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, t('serve:bad-request', { detail: 'application/json expected' }))
        return await handleApi(url, request, response)
      }
      throw new HttpError(isApi || request.method === 'GET' ? 405 : 404, t('serve:not-found'))
    } catch (error) {
      const status = error instanceof HttpError ? error.status : isL10nError(error) ? 409 : 500
      const text = error instanceof HttpError ? error.message : isL10nError(error) ? formatError(error) : t('serve:failed', { message: String((error as Error)?.message ?? error) })
      if (status === 500) process.emitWarning(error as Error)
      if (response.headersSent) return void response.end()
      if (isApi) return json(response, status, { error: text, ...(error instanceof HttpError ? error.extra : {}) })
      return send(response, status, 'text/plain; charset=utf-8', text)
    }
  }

  const server: Server = createServer((request, response) => void handle(request, response))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}${appLink('/', {}, token)}`
  return {
    url,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

