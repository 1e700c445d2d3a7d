/**
 * records: what the stores under the state folder share. A record read back is checked
 * before it is used; a damaged one (not UTF-8, not JSON, wrong field types, truncated)
 * is a miss, never an exception, and is told to whoever asked to hear about it.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { message, type Message } from '../shared/i18n.ts'
import { check, checkJson, type Checked } from '../shared/validation.ts'

/** A record that exists but cannot be used. */
export interface DamagedRecord {
  /** Path of the record's file. */
  file: string
  /** What is wrong with it. */
  detail: Message
}

/** Told about each damaged record met; the record itself counts as missing. */
export type OnDamaged = (damage: DamagedRecord) => void

/** Text records (section texts, translations) are never empty: an empty file is a truncated one. */
const textRecord = z.string().min(1)

/** Bytes of a text record as strict UTF-8 text, checked. */
export function checkText(bytes: Uint8Array): Checked<string> {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return { ok: false, mismatches: [], detail: message('validation:not-utf8') }
  }
  const checked = check(textRecord, text)
  return checked.ok ? checked : { ...checked, detail: message('validation:empty') }
}

/** Bytes of a JSON record, checked against `schema`. */
export function checkJsonRecord<S extends z.ZodType>(schema: S, bytes: Uint8Array): Checked<z.output<S>> {
  const text = checkText(bytes)
  return text.ok ? checkJson(schema, text.value) : text
}

/** The value of a checked record, or undefined after telling `onDamaged` what is wrong with it. */
export function usable<T>(checked: Checked<T>, file: string, onDamaged: OnDamaged | undefined): T | undefined {
  if (checked.ok) return checked.value
  onDamaged?.({ file, detail: checked.detail })
  return undefined
}

/** Why a record that exists could not be read (a folder where a file should be, no permission...). */
export function unreadable(error: unknown): Message {
  return message('validation:unreadable', { reason: (error as Error).message })
}

/**
 * The bytes of a record's file, or undefined when there is none (a miss) or it cannot be
 * read (told to `onDamaged` as damage, then a miss).
 */
export async function readRecordBytes(path: string, onDamaged: OnDamaged | undefined): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path)
  } catch (error) {
    if (!isMissing(error)) onDamaged?.({ file: path, detail: unreadable(error) })
    return undefined
  }
}

/** True for "there is no such file" (a plain miss, not damage). */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
