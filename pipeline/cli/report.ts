/**
 * The JSON report of `translate` and `sync` (one schema, `schemaVersion`), as written by
 * `--report`/`--report-json` and printed by `--format json`.
 */
import { formatMessage } from '../shared/i18n.ts'
import type { Finding } from '../article/types.ts'
import type { SyncReport } from '../run/sync.ts'
import { jsonPieces } from '../shared/json-pieces.ts'

/** A finding as machines get it: its message rendered beside the id and values. */
export function findingJson(finding: Finding): Finding & { message: string } {
  return { ...finding, message: formatMessage(finding) }
}

/** The report as JSON text, every finding carrying its rendered message. */
export function reportJson(report: SyncReport): string {
  return [...reportJsonPieces(report)].join('')
}

/**
 * The text of {@link reportJson} in pieces, one element of the plan and of each article
 * list at a time, for writing a site's report without holding its whole text (issue 15).
 */
export function reportJsonPieces(report: SyncReport): Generator<string> {
  const run = report.run && { ...report.run, articles: report.run.articles.map((article) => ({ ...article, findings: article.findings.map(findingJson) })) }
  return jsonPieces({ ...report, ...(run ? { run } : {}) })
}
