/**
 * The JSON report of `translate` and `sync` (one schema, `schemaVersion`), as written by
 * `--report`/`--report-json` and printed by `--format json`.
 */
import { formatMessage } from '../shared/i18n.ts'
import type { Finding } from '../article/types.ts'
import type { SyncReport } from '../run/sync.ts'

/** A finding as machines get it: its message rendered beside the id and values. */
export function findingJson(finding: Finding): Finding & { message: string } {
  return { ...finding, message: formatMessage(finding) }
}

/** The report as JSON text, every finding carrying its rendered message. */
export function reportJson(report: SyncReport): string {
  const run = report.run && { ...report.run, articles: report.run.articles.map((article) => ({ ...article, findings: article.findings.map(findingJson) })) }
  return JSON.stringify({ ...report, ...(run ? { run } : {}) }, null, 2)
}
