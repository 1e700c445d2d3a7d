/**
 * The only file-system helpers of the pipeline: reading an article with errors that name
 * the file, and atomic writes (temp file + rename), so an interrupted run never leaves
 * half a file where a reader would take it for a whole one.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { L10nError } from '../shared/errors.ts'
import { decodeUtf8 } from '../article/parse.ts'
import { message } from '../shared/i18n.ts'

/** Reads a text file as strict UTF-8; E_NOT_FOUND, E_IS_DIRECTORY, E_NOT_UTF8 or E_IO. */
export async function readTextFile(path: string): Promise<string> {
  let info
  try {
    info = await stat(path)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw new L10nError('E_NOT_FOUND', { file: path, cause })
    throw new L10nError('E_IO', { file: path, cause, params: { detail: (cause as Error).message } })
  }
  if (info.isDirectory()) throw new L10nError('E_IS_DIRECTORY', { file: path })
  try {
    return decodeUtf8(await readFile(path), path)
  } catch (cause) {
    if (cause instanceof L10nError) throw cause
    throw new L10nError('E_IO', { file: path, cause, params: { detail: (cause as Error).message } })
  }
}

/** Reads a text file, or returns undefined when it does not exist. */
export async function readTextFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readTextFile(path)
  } catch (error) {
    if (error instanceof L10nError && error.code === 'E_NOT_FOUND') return undefined
    throw error
  }
}

/**
 * Writes `text` to `path` atomically: a temp file beside it is written and flushed, then
 * renamed over the target. Readers see the old file or the new one, never a mix.
 * Errors name `shownAs` (the path the user knows) rather than an internal file name.
 * `durable: false` skips the flush to disk: for records that are checked when read back and
 * can be made again (cache, section texts), where a site-wide run would otherwise wait on
 * thousands of fsyncs; the rename still makes the write atomic for readers and for kills.
 * `text` may come in pieces (a big report, see `shared/json-pieces.ts`): they are written as
 * they come, so the whole text is never held at once.
 */
export async function writeFileAtomic(path: string, text: string | Iterable<string>, shownAs: string = path, options: { durable?: boolean } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const handle = await open(temp, 'w')
    try {
      if (typeof text === 'string') await handle.writeFile(text, 'utf8')
      else await writePieces(handle, text)
      if (options.durable !== false) await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (cause) {
    await unlink(temp).catch(() => {})
    // Named as the user knows the file, not by its temp or pending name.
    const code = (cause as NodeJS.ErrnoException).code
    throw new L10nError('E_IO', { file: shownAs, cause, params: { detail: code ? message('errors:io-detail', { code }) : (cause as Error).message } })
  }
}

/** Pieces big enough that a long document takes few writes, small enough that it is never held whole. */
const PIECES_PER_WRITE_CHARS = 64 * 1024

/** Writes `pieces` in order, gathered into writes of about {@link PIECES_PER_WRITE_CHARS}. */
async function writePieces(handle: FileHandle, pieces: Iterable<string>): Promise<void> {
  let pending: string[] = []
  let size = 0
  for (const piece of pieces) {
    pending.push(piece)
    size += piece.length
    if (size >= PIECES_PER_WRITE_CHARS) {
      await handle.writeFile(pending.join(''), 'utf8')
      pending = []
      size = 0
    }
  }
  if (pending.length > 0) await handle.writeFile(pending.join(''), 'utf8')
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes temp files that {@link writeFileAtomic} left beside `path` when its process
 * was killed mid-write (`<name>.<pid>.<hex>.tmp` of a pid that is gone), so no garbage
 * ends up committed with the translations.
 */
export async function removeStaleTemps(path: string): Promise<void> {
  const dir = dirname(path)
  const prefix = `${basename(path)}.`
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return
  }
  for (const name of names) {
    const match = /^(.*)\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)
    if (!match || !name.startsWith(prefix)) continue
    if (!processAlive(Number(match[2]))) await unlink(join(dir, name)).catch(() => {})
  }
}

/**
 * Removes every temp file a killed writer left anywhere under `dir` (the state folder:
 * cache, section texts, memory), as {@link removeStaleTemps} does beside one output.
 * Temps of live processes stay: another run may be writing them right now.
 */
export async function removeStaleTempsUnder(dir: string): Promise<number> {
  let names: string[]
  try {
    names = await readdir(dir, { recursive: true, encoding: 'utf8' })
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    const match = /\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)
    if (!match || processAlive(Number(match[1]))) continue
    await unlink(join(dir, name)).then(() => removed++, () => {})
  }
  return removed
}
