/**
 * `l10n review --serve [paths…]`: starts the review app (`serve/server.ts`), prints its
 * URL with the access token, optionally opens a browser, and runs until Ctrl-C.
 * Imported lazily by `review`, so the other commands never load the server.
 */
import { spawn } from 'node:child_process'
import { t } from '../shared/i18n.ts'
import { historyRecovery } from '../review/history.ts'
import type { WorkflowOptions } from '../review/state.ts'
import { startReviewServer } from '../serve/server.ts'
import { EXIT, positiveInteger, type CliIo } from './common.ts'

/** Opens `url` in the desktop's browser; a missing opener is not an error (the URL is printed). */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {
    // No opener: the printed URL is enough.
  }
}

/** Runs the review app until the CLI's signal aborts (Ctrl-C / SIGTERM). */
export async function serveReview(
  paths: readonly string[],
  values: { open?: boolean | undefined; port?: string | undefined },
  options: WorkflowOptions & { targets: string[]; sourceLocale: string | undefined },
  by: string,
  io: CliIo,
): Promise<number> {
  const server = await startReviewServer({
    ...options,
    paths: paths.length > 0 ? paths : ['.'],
    by,
    recover: historyRecovery(options),
    ...(values.port !== undefined ? { port: positiveInteger(values.port, '--port')! } : {}),
  })
  io.stdout(t('serve:listening', { url: server.url }) + '\n')
  if (values.open) openBrowser(server.url)
  const signal = io.signal ?? new AbortController().signal
  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    signal.addEventListener('abort', () => resolve(), { once: true })
  })
  await server.close()
  return EXIT.ok
}
