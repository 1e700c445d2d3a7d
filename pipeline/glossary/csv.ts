/**
 * CSV interchange: one row per entry — `source`, `kind`, `aliases`, `marked`, `note`,
 * then one column per target locale (the locked form), one `wrong:<locale>` column where
 * there are known-wrong forms and one `short:<locale>` column where there are short forms.
 * Lists inside a cell are separated by ` | `.
 * RFC 4180 quoting, `\n` line ends, a header row. `exportCsv(importCsv(text))` gives
 * `text` back byte for byte for any text `exportCsv` wrote. Pure.
 */
import { findLocale, LOCALES } from '../article/locales.ts'
import { message } from '../shared/i18n.ts'
import { glossaryError, type GlossaryProblem } from './load.ts'
import { ENTRY_KINDS, type EntryKind } from './model.ts'
import type { EntryText } from './serialize.ts'

const FIXED = ['source', 'kind', 'aliases', 'marked', 'note'] as const
const LIST_SEPARATOR = ' | '

function cell(value: string): string {
  return /[",\n\r]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value
}

/** The locales used by some entry, in the site's order. */
function usedLocales(entries: readonly EntryText[], pick: (entry: EntryText) => Record<string, unknown>): string[] {
  const used = new Set(entries.flatMap((entry) => Object.keys(pick(entry))))
  return LOCALES.map((locale) => locale.code).filter((code) => used.has(code))
}

/** The entries as CSV. */
export function exportCsv(entries: readonly EntryText[]): string {
  const targets = usedLocales(entries, (entry) => entry.targets)
  const wrong = usedLocales(entries, (entry) => entry.wrong)
  const short = usedLocales(entries, (entry) => entry.short ?? {})
  const header = [...FIXED, ...targets, ...wrong.map((code) => `wrong:${code}`), ...short.map((code) => `short:${code}`)]
  const rows = entries.map((entry) => [
    entry.source,
    entry.kind,
    entry.aliases.join(LIST_SEPARATOR),
    entry.marked ? 'true' : '',
    entry.note ?? '',
    ...targets.map((code) => entry.targets[code] ?? ''),
    ...wrong.map((code) => (entry.wrong[code] ?? []).join(LIST_SEPARATOR)),
    ...short.map((code) => (entry.short?.[code] ?? []).join(LIST_SEPARATOR)),
  ])
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n'
}

/** Splits CSV text into rows of cells, with the 1-based line each row starts on. */
function readRows(text: string, file: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = []
  let row: string[] = []
  let value = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let k = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; k < text.length; k++) {
    const char = text[k]!
    if (quoted) {
      if (char === '"' && text[k + 1] === '"') {
        value += '"'
        k++
      } else if (char === '"') quoted = false
      else {
        if (char === '\n') line++
        value += char
      }
      continue
    }
    if (char === '"' && value === '') quoted = true
    else if (char === ',') {
      row.push(value)
      value = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[k + 1] === '\n') k++
      row.push(value)
      if (row.length > 1 || row[0] !== '') rows.push({ cells: row, line: rowLine })
      row = []
      value = ''
      line++
      rowLine = line
    } else value += char
  }
  if (quoted) throw glossaryError([{ file, line: rowLine, column: 1, message: message('glossary:csv-open-quote') }])
  if (value !== '' || row.length > 0) {
    row.push(value)
    rows.push({ cells: row, line: rowLine })
  }
  return rows
}

const list = (value: string) => (value === '' ? [] : value.split(LIST_SEPARATOR).map((item) => item.trim()).filter(Boolean))

/**
 * Reads CSV written by {@link exportCsv} or by hand (columns in any order after the
 * header; unknown columns and locales, kinds and empty sources are problems, all
 * reported at once with `file:line:column`).
 */
export function importCsv(text: string, file: string): EntryText[] {
  const rows = readRows(text, file)
  const problems: GlossaryProblem[] = []
  const [header, ...body] = rows
  if (!header) return []
  const columns = header.cells.map((name, index) => {
    const trimmed = name.trim()
    if ((FIXED as readonly string[]).includes(trimmed)) return { kind: 'fixed' as const, name: trimmed }
    const list = /^(wrong|short):/.exec(trimmed)?.[1] as 'wrong' | 'short' | undefined
    const locale = list ? trimmed.slice(list.length + 1) : trimmed
    if (findLocale(locale)) return { kind: list ?? ('target' as const), name: locale }
    problems.push({ file, line: header.line, column: index + 1, message: message('glossary:csv-column', { column: trimmed }) })
    return { kind: 'unknown' as const, name: trimmed }
  })
  if (!columns.some((column) => column.name === 'source')) problems.push({ file, line: header.line, column: 1, message: message('glossary:csv-no-source') })
  const entries: EntryText[] = []
  const seen = new Map<string, number>()
  for (const row of body) {
    const entry: EntryText = { source: '', aliases: [], kind: 'term', targets: {}, wrong: {} }
    row.cells.forEach((raw, index) => {
      const column = columns[index]
      const value = raw.trim()
      if (!column) {
        if (value !== '') problems.push({ file, line: row.line, column: index + 1, message: message('glossary:csv-extra-cell') })
        return
      }
      if (column.kind === 'fixed') {
        if (column.name === 'source') entry.source = value
        else if (column.name === 'kind') {
          if (!(ENTRY_KINDS as readonly string[]).includes(value)) problems.push({ file, line: row.line, column: index + 1, message: message('glossary:unknown-kind', { kind: value, known: ENTRY_KINDS.join(', ') }) })
          else entry.kind = value as EntryKind
        } else if (column.name === 'aliases') entry.aliases = list(raw)
        else if (column.name === 'marked') {
          if (value !== '' && value !== 'true' && value !== 'false') problems.push({ file, line: row.line, column: index + 1, message: message('glossary:not-boolean', { field: 'marked', got: value }) })
          if (value === 'true') entry.marked = true
        } else if (column.name === 'note' && raw !== '') entry.note = raw
      } else if (column.kind === 'target' && value !== '') entry.targets[column.name] = value
      else if (column.kind === 'wrong' && value !== '') entry.wrong[column.name] = list(raw)
      else if (column.kind === 'short' && value !== '') (entry.short ??= {})[column.name] = list(raw)
    })
    if (entry.source === '') {
      problems.push({ file, line: row.line, column: 1, message: message('glossary:empty-source') })
      continue
    }
    const earlier = seen.get(entry.source)
    if (earlier !== undefined) problems.push({ file, line: row.line, column: 1, message: message('glossary:duplicate-term', { term: entry.source, other: `${file}:${earlier}` }) })
    seen.set(entry.source, row.line)
    entries.push(entry)
  }
  if (problems.length > 0) throw glossaryError(problems)
  return entries
}
