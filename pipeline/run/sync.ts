/**
 * sync: the scheduled job. Discovers every source article, plans per article × locale
 * what is missing, stale or up to date, estimates the cost, and runs the work through
 * one shared queue within a budget. Built on `translate` (which reuses unchanged
 * sections and keeps hand edits) and on the reviewer workflow's status.
 */
import { readdirSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import type { Config } from './config.ts'
import { costOf, estimateRequestTokens, type ModelPrice, type PriceMode, type RequestEstimate } from '../translate/cost.ts'
import { judgePlanEstimate, rubricTokens } from '../translate/judge.ts'
import { promptTextOf, type EstimateBook } from '../translate/estimates.ts'
import { L10nError, isL10nError } from '../shared/errors.ts'
import { formatMessage, t } from '../shared/i18n.ts'
import { escapeHtml } from '../shared/html.ts'
import { translatableValues } from '../article/frontmatter.ts'
import type { Glossary } from '../glossary/model.ts'
import { readTextFile } from '../state/files.ts'
import { requireLocale, type LocaleInfo } from '../article/locales.ts'
import { parse } from '../article/parse.ts'
import type { Article } from '../article/types.ts'
import { loadPrompts, sectionMessages, frontmatterMessages, type PromptTemplates } from '../translate/prompt.ts'
import { split, type SplitOptions } from '../article/split.ts'
import { lint } from '../article/lint.ts'
import type { FrontmatterPolicy } from '../article/frontmatter.ts'
import { entriesIn } from '../glossary/match.ts'
import { articleLocale, articleTitle } from '../article/metadata.ts'
import { uniqueFindings, type RunReport } from './translate.ts'
import { addUsage, spentCost } from './report.ts'
import { translationStatus, type StatusStats, type StatusSummary } from '../review/status.ts'
import { type TranslationState, type WorkflowOptions } from '../review/state.ts'

/** Finds the source articles a pattern such as `/site/src/content/knowledge-{locale}/{slug}.md` names. */
export function discoverSources(sourcePattern: string, sourceLocale: string): string[] {
  const pattern = sourcePattern.replaceAll('{locale}', sourceLocale)
  const slugAt = pattern.indexOf('{slug}')
  if (slugAt === -1) throw new L10nError('E_CONFIG', { params: { detail: t('sync:pattern-needs-slug', { pattern: sourcePattern }) } })
  // Walk from the deepest folder that has no placeholder in it.
  const root = dirname(pattern.slice(0, slugAt) + 'x')
  const matcher = new RegExp(
    '^' +
      pattern
        .split('{slug}')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/\\\\]+') +
      '$',
  )
  let names: string[]
  try {
    names = readdirSync(root, { recursive: true, encoding: 'utf8' })
  } catch (cause) {
    throw new L10nError('E_NOT_FOUND', { file: root, cause })
  }
  return names
    .map((name) => join(root, name))
    .filter((path) => matcher.test(path.split(sep).join('/')) || matcher.test(path))
    .sort()
}

/** State of one article × locale in the plan: a translation state, or `failed` to plan. */
export type PlanState = TranslationState | 'failed'

/** What sync will do for one article × locale. */
export interface PlanItem {
  source: string
  locale: string
  /** The output path ('' when it could not be worked out). */
  output: string
  state: PlanState
  /** Why planning failed (`failed`): an unreadable or unparsable source or output. */
  error?: { code: string; message: string }
  /** An `untracked` output (not written by l10n) that sync leaves alone without `--force`. */
  needsForce?: boolean
  /** Sections to send to the provider (0 when up to date). */
  sections: number
  /** Sections of the output whose source section is gone (the next translate removes them). */
  removed?: number
  requests: number
  promptTokens: number
  completionTokens: number
}

/** The plan of a run, with its estimate. */
export interface SyncPlan {
  items: PlanItem[]
  totals: {
    requests: number
    promptTokens: number
    completionTokens: number
    usd: number
    priceKnown: boolean
    /** Pairs a run would translate. */
    work: number
    /** Untracked outputs a run leaves alone without `--force`. */
    untracked: number
    /** Pairs that could not be planned (their files are reported, the others go ahead). */
    failed: number
    /**
     * With a judge (`judge:` in the config, {@link PlanOptions.judge}): what judging the
     * drafts of the planned sections would add, estimated from their tokens (the drafts do
     * not exist yet). Not included in the totals above.
     */
    judge?: RequestEstimate & { model: string; usd: number; priceKnown: boolean }
  }
}

/** Options of {@link planSync}. */
export interface PlanOptions {
  /** Extra model prices (USD per 1M tokens). @default {} */
  prices?: Record<string, ModelPrice>
  /** @default the shipped prompts */
  templates?: PromptTemplates
  /** The run overwrites untracked outputs (`--force`), so they count as work. @default false */
  force?: boolean
  /** The run's `--retranslate`: `all` plans every section, `stale` also those made with another prompt or model. @default 'none' */
  retranslate?: 'none' | 'stale' | 'all'
  /** Receives the estimate of every planned request, so the run does not count its prompt again. */
  estimates?: EstimateBook
  /** Counted here: pairs whose status came from the state folder's memo, and pairs parsed. */
  statusStats?: StatusStats
  /** A read-only run (`--dry-run`, `--frozen`): the status memo is read, never written. @default false */
  readOnly?: boolean
  /** The run's section sizes (`--max-chars`), so the plan counts the chunks the run sends. @default split's */
  split?: SplitOptions
  /** The run judges every draft it writes: the plan also estimates the judge's requests. */
  judge?: { model: string; template: string; requestTokens: number }
}

/**
 * Plans a run: per article × locale, its state and the requests and tokens the missing
 * and stale parts would cost (a real tokenizer over the real prompts). A source or
 * output that cannot be read or parsed makes its pairs `failed`; the others are planned.
 */
export async function planSync(
  files: readonly string[],
  targets: readonly string[],
  workflow: WorkflowOptions,
  model: string,
  options: PlanOptions = {},
): Promise<SyncPlan> {
  const prices = options.prices ?? {}
  // Each prompt is tokenized once per run: here, and the request takes the count from the book.
  const estimated = (messages: readonly { content: string }[], sourceText: string, target: LocaleInfo) => {
    const promptText = promptTextOf(messages)
    const estimate = estimateRequestTokens(promptText, sourceText, target.script)
    options.estimates?.put(promptText, target.script, { promptTokens: estimate.promptTokens, completionTokens: estimate.completionTokens })
    return estimate
  }
  const templates = options.templates ?? loadPrompts()
  const chunking: Chunking = { split: options.split, policy: workflow.policy }
  const items: PlanItem[] = []
  const judged: RequestEstimate = { requests: 0, promptTokens: 0, completionTokens: 0 }
  const rubrics = new Map<string, number>()
  const rubricFor = (source: LocaleInfo, target: LocaleInfo) => {
    const key = `${source.code}:${target.code}`
    if (!rubrics.has(key)) rubrics.set(key, rubricTokens(options.judge!.template, source, target))
    return rubrics.get(key)!
  }
  const failed = (source: string, locale: string, error: L10nError): PlanItem => ({
    source,
    locale,
    output: '',
    state: 'failed',
    error: { code: error.code, message: error.message },
    sections: 0,
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
  })
  // One bad article never stops the others: its pairs are planned as failed.
  // Planned file by file as the statuses come: each source is parsed at most once (the
  // status's parse is reused, a source whose statuses came from the memo is parsed only
  // for work), and dropped once its pairs are planned. What is kept per pair is its
  // counts, so the whole tree is never held at once while the totals stay exact.
  const planFile = async (statuses: readonly StatusSummary[], parsed: Article | undefined): Promise<void> => {
    let loaded: ArticleSummary | undefined
    for (const status of statuses) {
      const target = requireLocale(status.locale)
      const untracked = status.state === 'untracked'
      const refused = untracked && !options.force
      const retranslate = options.retranslate ?? 'none'
      const everything = !refused && (status.state === 'missing' || untracked || status.sections.length === 0)
      const frontmatter = !refused && (status.state === 'missing' || untracked || status.frontmatterStale || retranslate === 'all')
      // What the run will send: the plan must name the same work the run then does.
      // Hand edits win over --retranslate; only --force replaces them.
      const kept = (section: (typeof status.sections)[number]) => section.plan.handEdited && !options.force
      const some =
        refused || everything
          ? []
          : status.sections
              .filter(
                (section) =>
                  section.plan.action === 'translate' ||
                  (retranslate === 'all' && !kept(section)) ||
                  (retranslate === 'stale' && section.plan.stale && !kept(section)) ||
                  (options.force === true && section.plan.handEdited),
              )
              .map((section) => section.index)
      // The source is parsed only for a pair with work to estimate: an up-to-date tree is planned from its statuses.
      const needsSource = everything || frontmatter || some.length > 0
      if (needsSource && !loaded) {
        try {
          loaded = parsed ? summarize(parsed, chunking) : await loadArticle(status.source, chunking)
        } catch (error) {
          if (!isL10nError(error)) throw error
          items.push(failed(status.source, status.locale, error))
          continue
        }
      }
      const source = needsSource ? loaded : undefined
      const wanted = everything ? source!.sections.map((section) => section.index) : some
      const item: PlanItem = {
        source: status.source,
        locale: status.locale,
        output: status.output,
        state: status.state,
        ...(refused ? { needsForce: true } : {}),
        sections: wanted.length,
        ...(status.sectionsRemoved > 0 ? { removed: status.sectionsRemoved } : {}),
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
      }
      // What a judge would read of this pair's new drafts: each section's source and translation.
      let pairTokens = 0
      for (const index of source ? wanted : []) {
        const section = source!.sections[index]!
        for (const chunk of section.chunks) {
          const messages = sectionMessages(templates, {
            source: source!.sourceLocale,
            target,
            title: source!.title,
            heading: section.heading,
            entries: workflow.glossary ? entriesIn(chunk.source, workflow.glossary) : [],
            text: chunk.source,
          })
          const estimate = estimated(messages, chunk.source, target)
          addUsage(item, estimate)
          pairTokens += estimate.sourceTokens + estimate.completionTokens
        }
      }
      if (options.judge && pairTokens > 0 && !refused) {
        addUsage(judged, judgePlanEstimate(pairTokens, rubricFor(source!.sourceLocale, target), options.judge.requestTokens))
      }
      if (source && frontmatter) {
        const values = Object.fromEntries(source.values.map((value) => [value.id, value.text]))
        const messages = frontmatterMessages(templates, { source: source.sourceLocale, target, values, entries: glossaryEntries(source.valueText, workflow.glossary) })
        addUsage(item, estimated(messages, source.valueText, target))
      }
      items.push(item)
    }
  }
  await translationStatus(files, targets, workflow, (failure) => items.push(failed(failure.source, failure.locale, failure.error)), undefined, {
    ...(options.statusStats ? { stats: options.statusStats } : {}),
    ...(options.readOnly ? { memo: 'read-only' as const } : {}),
    onFile: (_file, statuses, parsed) => planFile(statuses, parsed),
  })
  // In the order the files and locales were given, failures included.
  const fileOrder = new Map(files.map((file, index) => [file, index]))
  const localeOrder = new Map(targets.map((code, index) => [requireLocale(code).code, index]))
  items.sort((a, b) => (fileOrder.get(a.source) ?? 0) - (fileOrder.get(b.source) ?? 0) || (localeOrder.get(a.locale) ?? 0) - (localeOrder.get(b.locale) ?? 0))
  const promptTokens = items.reduce((sum, item) => sum + item.promptTokens, 0)
  const completionTokens = items.reduce((sum, item) => sum + item.completionTokens, 0)
  const cost = costOf(model, promptTokens, completionTokens, prices)
  const judgeCost = options.judge ? costOf(options.judge.model, judged.promptTokens, judged.completionTokens, prices) : undefined
  return {
    items,
    totals: {
      requests: items.reduce((sum, item) => sum + item.requests, 0),
      promptTokens,
      completionTokens,
      usd: cost.usd,
      priceKnown: cost.known,
      // Work is what a run would send: sections made with an older prompt are reused unless asked.
      work: items.filter((item) => needsWork(item) && !isBlocked(item)).length,
      untracked: items.filter((item) => item.needsForce === true).length,
      failed: items.filter((item) => item.state === 'failed').length,
      ...(options.judge && judgeCost ? { judge: { ...judged, model: options.judge.model, usd: judgeCost.usd, priceKnown: judgeCost.known } } : {}),
    },
  }
}

/** True when the run cannot do this item's work: it failed to plan, or needs `--force`. */
export function isBlocked(item: PlanItem): boolean {
  return item.state === 'failed' || item.needsForce === true
}

/**
 * True when a run visits this item: it translates something, or it must report why it
 * cannot (a failed source, an untracked output without `--force`).
 */
export function needsWork(item: PlanItem): boolean {
  return item.requests > 0 || (item.removed ?? 0) > 0 || item.state === 'missing' || item.state === 'untracked' || item.state === 'failed'
}

function glossaryEntries(text: string, glossary: Glossary | undefined) {
  return glossary ? entriesIn(text, glossary) : []
}

/** What the estimate needs of a source: its sections, locale, title and frontmatter strings. */
interface ArticleSummary {
  sections: ReturnType<typeof split>
  sourceLocale: LocaleInfo
  title: string
  values: ReturnType<typeof translatableValues>
  valueText: string
}

/** How the run will cut and fill its requests: what the estimate must count the same way. */
interface Chunking {
  split: SplitOptions | undefined
  policy: FrontmatterPolicy | undefined
}

async function loadArticle(file: string, chunking: Chunking): Promise<ArticleSummary> {
  return summarize(parse(await readTextFile(file), file), chunking)
}

/**
 * The requests of a source as the openai provider will make them (run/translate-article.ts):
 * chunks of the run's size, generator leftovers left out of the prompts, the frontmatter
 * values of the run's policy. Each prompt is then the one the request sends, so its
 * count in the estimate book is used instead of tokenizing it again.
 */
function summarize(article: Article, chunking: Chunking): ArticleSummary {
  const values = translatableValues(article.frontmatter.yaml, chunking.policy)
  const sections = split(article, chunking.split)
  const { leftoverBlocks } = lint(article, sections)
  return {
    sections: leftoverBlocks.length > 0 ? split(article, { ...chunking.split, skip: leftoverBlocks }) : sections,
    sourceLocale: articleLocale(article),
    title: articleTitle(article),
    values,
    valueText: values.map((value) => value.text).join('\n'),
  }
}

/** One article × locale in the sync report. */
export interface SyncReportArticle {
  source: string
  locale: string
  output?: string | undefined
  status: string
  error?: { code: string; message: string } | undefined
  findings: { error: number; warning: number; info: number }
  requests: number
  promptTokens: number
  completionTokens: number
  /** USD; null when the model has no known price. */
  cost: number | null
  durationMs: number
  /**
   * With a glossary: the distinct names of the source article, how many a glossary entry
   * locks, how many are on the proposals file, and how many neither (the same for every
   * locale of one source).
   */
  names?: { names: number; locked: number; proposed: number; notCovered: number } | undefined
}

/** Version of the JSON report ({@link SyncReport}); raised when a field changes meaning or goes away. */
export const REPORT_SCHEMA_VERSION = 1

/**
 * The report of a `translate` or `sync` run, one schema for both (README: "JSON report"):
 * the plan it followed (sync, dry runs), per article × locale results, totals, exit code.
 */
export interface SyncReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION
  command: 'translate' | 'sync'
  /** A dry run: only the plan, nothing was translated. */
  dryRun: boolean
  /** `sync --shard i/n`: which shard this is, how many articles it took, its rate limits. */
  shard?: { index: number; count: number; articles: number; of: number; limits: Record<string, number | undefined> }
  /** `report merge`: the reports joined into this one, in the order given. */
  merged?: { file: string; shard?: { index: number; count: number } | undefined; exitCode: number }[]
  plan?: SyncPlan | undefined
  articles?: SyncReportArticle[]
  run?: RunReport
  cost?: { usd: number; known: boolean }
  budget?: { reached: boolean; limit?: string | undefined }
  /** `sync --batch`: what was collected and submitted (see run/batch.ts). */
  batch?: Record<string, unknown>
  exitCode: number
}

/** Per article × locale lines of the report, with findings counted by severity and cost. */
export function reportArticles(run: RunReport, model: string, prices: Record<string, ModelPrice> = {}, mode: PriceMode = {}): SyncReportArticle[] {
  return run.articles.map((article) => {
    const count = (severity: string) => article.findings.filter((finding) => finding.severity === severity).length
    const cost = spentCost(article, model, prices, mode)
    return {
      source: article.source,
      locale: article.locale,
      output: article.output,
      status: article.status,
      error: article.error,
      findings: { error: count('error'), warning: count('warning'), info: count('info') },
      requests: article.requests,
      promptTokens: article.promptTokens,
      completionTokens: article.completionTokens,
      cost: cost.known ? cost.usd : null,
      durationMs: article.durationMs,
      ...(article.names
        ? { names: { names: article.names.names, locked: article.names.locked, proposed: article.names.proposed, notCovered: article.names.notCovered } }
        : {}),
    }
  })
}

/** Error findings listed by name in the Markdown report; a pull-request body has a size limit. */
const REPORT_ERRORS_LISTED = 200

/** A table cell of the Markdown report: no pipes, no line breaks, HTML from articles shown as text. */
function escapeCell(text: string): string {
  return escapeHtml(text, { quotes: false }).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** The Markdown report: a pull-request body or a notification (in the UI language). */
export function syncReportMarkdown(report: SyncReport, config: Pick<Config, 'contentRoot'>): string {
  const rel = (path: string) => relative(config.contentRoot, path).split(sep).join('/') || path
  const lines: string[] = [`## ${t('sync:report-title')}`, '']
  const run = report.run
  if (run) {
    const cost = report.cost ? (report.cost.known ? t('sync:cost-known', { usd: report.cost.usd.toFixed(4) }) : t('sync:cost-unknown')) : '-'
    lines.push(
      t('sync:report-summary', {
        provider: run.provider + (run.model ? ` (${run.model})` : ''),
        count: run.totals.articles,
        written: run.totals.written,
        failed: run.totals.failed,
        requests: run.totals.requests,
        tokens: run.totals.promptTokens + run.totals.completionTokens,
        cost,
        seconds: (run.durationMs / 1000).toFixed(1),
      }),
      '',
    )
    if (report.budget?.reached) lines.push(`**${t('sync:budget-reached', { limit: report.budget.limit ?? '' })}**`, '')
    if (run.interrupted) lines.push(`**${t('cli:interrupted-summary', { written: run.totals.written, total: run.totals.articles, requests: run.totals.requests })}**`, '')
    lines.push(`| ${t('sync:report-columns')} |`, '|---|---|---|---|---|---|---|---|---|')
    const money = (usd: number | null | undefined) => (usd === null || usd === undefined ? '-' : `$${usd.toFixed(4)}`)
    run.articles.forEach((article, index) => {
      const summary = report.articles?.[index]
      const errors = article.findings.filter((f) => f.severity === 'error').length
      const warnings = article.findings.filter((f) => f.severity === 'warning').length
      const s = article.sections
      lines.push(
        `| ${escapeCell(rel(article.source))} | ${article.locale} | ${article.status}${article.error ? `: ${escapeCell(article.error.message)}` : ''} | ${s.translated} / ${s.cached} / ${s.reused} / ${s.failed} | ${errors} | ${warnings} | ${article.requests} | ${article.promptTokens + article.completionTokens} | ${money(summary?.cost)} |`,
      )
    })
    lines.push(
      `| **${t('sync:report-total')}** | | | | **${run.totals.errors}** | **${run.totals.warnings}** | **${run.totals.requests}** | **${run.totals.promptTokens + run.totals.completionTokens}** | **${report.cost?.known ? money(report.cost.usd) : '-'}** |`,
    )
    // Names per source article (once, not per locale): what the glossary locks, what is
    // proposed and what nothing covers yet.
    const named = [...new Map(run.articles.filter((article) => article.names).map((article) => [article.source, article.names!])).entries()]
    if (named.length > 0) {
      lines.push('', `### ${t('sync:report-names-title')}`, '', `| ${t('sync:report-names-columns')} |`, '|---|---|---|---|---|')
      for (const [source, names] of named) lines.push(`| ${escapeCell(rel(source))} | ${names.names} | ${names.locked} | ${names.proposed} | ${names.notCovered} |`)
    }
    const errors = uniqueFindings(run.articles).filter((finding) => finding.severity === 'error')
    if (errors.length > 0) {
      lines.push('', `### ${t('sync:report-errors', { count: errors.length })}`, '')
      const article = new Map(run.articles.flatMap((a) => a.findings.map((finding) => [finding, a] as const)))
      for (const finding of errors.slice(0, REPORT_ERRORS_LISTED)) {
        const owner = article.get(finding)
        const where = finding.section === undefined ? t('sync:report-frontmatter') : t('sync:report-section', { index: finding.section, heading: finding.heading ?? '' }).trimEnd()
        const file = owner ? `${rel(owner.source)} → ${owner.locale}` : rel(finding.file ?? '')
        lines.push(`- \`${file}\` · ${escapeCell(where)}: ${escapeCell(formatMessage(finding))} (\`${finding.ruleId}\`)`)
      }
      if (errors.length > REPORT_ERRORS_LISTED) lines.push(`- ${t('sync:report-more-errors', { count: errors.length - REPORT_ERRORS_LISTED })}`)
    }
  } else if (report.plan) {
    lines.push(`| ${t('sync:report-plan-columns')} |`, '|---|---|---|---|---|---|')
    for (const item of report.plan.items) {
      const state = item.error ? `${item.state}: ${escapeCell(item.error.message)}` : item.needsForce ? `${item.state} (${t('sync:report-needs-force')})` : item.state
      lines.push(`| ${escapeCell(rel(item.source))} | ${item.locale} | ${state} | ${item.sections} | ${item.requests} | ${item.promptTokens + item.completionTokens} |`)
    }
    const totals = report.plan.totals
    lines.push(
      '',
      t('sync:report-estimate', {
        requests: totals.requests,
        promptTokens: totals.promptTokens,
        completionTokens: totals.completionTokens,
        cost: totals.priceKnown ? t('sync:cost-known', { usd: totals.usd.toFixed(4) }) : t('sync:cost-unknown'),
      }),
    )
  }
  lines.push('', t('sync:report-exit', { code: report.exitCode }))
  return lines.join('\n') + '\n'
}
