/**
 * The reporter: turns a rule hit into a finding with its severity (or drops it when the
 * rule is off), its message key and values (rendered at the edge) and its places.
 */
import type { Finding, Place } from '../article/types.ts'
import { RULES, type RuleId, type RuleSetting, type RuleSettings } from './rules.ts'

/** What every finding of one reporter shares: the file and the section. */
export interface Where {
  file: string
  section?: number
  heading?: string | null
}

/** One rule hit, before the severity and message are settled. */
export interface Report {
  /** Message context (i18next `context`), for rules with several messages. */
  context?: string
  params?: Record<string, unknown>
  source?: Place
  target?: Place
  expected?: unknown
  actual?: unknown
}

/** Collects the findings of one file or section; rule settings decide what is kept and how severe. */
export class Reporter {
  readonly findings: Finding[] = []
  constructor(
    private readonly rules: RuleSettings | undefined,
    private readonly where: Where,
  ) {}

  on(rule: RuleId): boolean {
    return this.setting(rule) !== 'off'
  }

  private setting(rule: RuleId): RuleSetting {
    return this.rules?.[rule] ?? RULES[rule]
  }

  add(rule: RuleId, report: Report): void {
    const severity = this.setting(rule)
    if (severity === 'off') return
    const finding: Finding = {
      ruleId: rule,
      severity,
      messageId: `check:${rule}`,
      values: { ...report.params, ...(report.context ? { context: report.context } : {}) },
      file: this.where.file,
    }
    if (this.where.section !== undefined) finding.section = this.where.section
    if (this.where.heading !== undefined) finding.heading = this.where.heading
    if (report.source) finding.sourcePosition = report.source
    if (report.target) finding.targetPosition = report.target
    if (report.expected !== undefined) finding.expected = report.expected
    if (report.actual !== undefined) finding.actual = report.actual
    this.findings.push(finding)
  }
}
