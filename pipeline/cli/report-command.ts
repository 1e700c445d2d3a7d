/**
 * `l10n report merge <report.json...>`: the JSON reports of a sharded sync's runners joined
 * into one (schemaVersion kept), written as JSON and Markdown like a sync's own report.
 */
import { resolve } from 'node:path'
import { EXIT, notice, parseCommandArgs, relativePath, say, summary, usage, type CliIo } from './common.ts'
import { reportJson } from './report.ts'
import { costText } from './output.ts'
import { loadConfig } from '../run/config.ts'
import { mergeReports, readReport } from '../run/report-merge.ts'
import { syncReportMarkdown } from '../run/sync.ts'
import { t } from '../shared/i18n.ts'
import { writeFileAtomic } from '../state/files.ts'

const OPTIONS = {
  config: { type: 'string' },
  'report-json': { type: 'string' },
  'report-md': { type: 'string' },
  format: { type: 'string' },
} as const

async function commandReport(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseCommandArgs(rest, OPTIONS, 'report')
  if (values.help || sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(t('sync:help-report') + '\n')
    return sub === undefined ? EXIT.usage : EXIT.ok
  }
  if (sub !== 'merge') throw usage(t('sync:report-unknown-subcommand', { name: sub }))
  const format = values.format ?? 'human'
  if (format !== 'human' && format !== 'json') throw usage(t('sync:bad-format', { value: format }))
  if (positionals.length === 0) throw usage(t('sync:merge-none'))
  const log: CliIo = format === 'json' ? { ...io, stdout: io.stderr, stdoutIsTty: io.isTty } : io
  const read = []
  for (const file of positionals) read.push(await readReport(resolve(file)))
  const merged = mergeReports(read)
  // Shards of one matrix: each once, none missing (a missing one is said, not refused: its runner may have died).
  const shards = read.flatMap(({ file, report }) => (report.shard ? [{ file, ...report.shard }] : []))
  const counts = new Set(shards.map((shard) => shard.count))
  const seen = new Map<number, string>()
  for (const shard of shards) {
    const other = seen.get(shard.index)
    if (other !== undefined && counts.size === 1) throw usage(t('sync:merge-duplicate-shard', { index: shard.index, count: shard.count, file: relativePath(shard.file), other: relativePath(other) }))
    seen.set(shard.index, shard.file)
  }
  if (counts.size > 1) notice(log, t('sync:merge-shard-counts', { counts: [...counts].join(', ') }))
  else if (counts.size === 1) {
    const count = [...counts][0]!
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index))
    if (missing.length > 0) notice(log, t('sync:merge-missing-shards', { missing: missing.map((index) => `${index}/${count}`).join(', ') }))
  }
  const contentRoot = (await loadConfig(values.config))?.contentRoot ?? process.cwd()
  if (values['report-json']) {
    await writeFileAtomic(resolve(values['report-json']), reportJson(merged) + '\n')
    say(log, t('cli:report-written', { path: relativePath(resolve(values['report-json'])) }))
  }
  if (values['report-md']) {
    await writeFileAtomic(resolve(values['report-md']), syncReportMarkdown(merged, { contentRoot }))
    say(log, t('cli:report-written', { path: relativePath(resolve(values['report-md'])) }))
  }
  const totals = merged.run?.totals
  summary(
    log,
    t('sync:merged', {
      count: read.length,
      pairs: totals?.articles ?? merged.plan?.items.length ?? 0,
      written: totals?.written ?? 0,
      failed: totals?.failed ?? merged.plan?.totals.failed ?? 0,
      requests: totals?.requests ?? merged.plan?.totals.requests ?? 0,
      cost: merged.cost ? costText(merged.cost.known, merged.cost.usd) : t('sync:cost-unknown'),
      code: merged.exitCode,
    }),
  )
  if (format === 'json') io.stdout(reportJson(merged) + '\n')
  // The exit code the merged report records: a collecting CI step fails when a shard did.
  return merged.exitCode
}

/** `report`, merged into the CLI's command table. */
export const REPORT_COMMANDS = { report: commandReport }
