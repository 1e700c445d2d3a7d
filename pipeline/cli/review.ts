/**
 * The reviewer commands of the CLI: `status`, `review`, `approve` and `memory import`.
 */
import { userInfo } from 'node:os'
import { resolve } from 'node:path'
import pc from 'picocolors'
import { EXIT, chooseProvider, colorFor, detail, list, parseCommandArgs, relativePath, usage, type CliIo } from './common.ts'
import { listText } from './output.ts'
import { findingJson } from './report.ts'
import { RUN_OPTIONS, providerFingerprint, resolveRunSettings, workflowOptionsOf, type RunValues } from './run-settings.ts'
import { loadConfig } from '../run/config.ts'
import { formatMessage, t } from '../shared/i18n.ts'
import { writeFileAtomic } from '../state/files.ts'
import { renderReviewTerminal } from '../review/render.ts'
import { waitingJudgeReviews, waitingSections } from '../run/batch.ts'
import { openBatchStore } from '../state/batch-store.ts'
import { approve } from '../review/approve.ts'
import { buildReview } from '../review/review.ts'
import { historyRecovery } from '../review/history.ts'
import { findMarkdownFiles } from '../review/find-sources.ts'
import { importMemory } from '../review/memory.ts'
import { translationStatus } from '../review/status.ts'
import { coverageOf } from '../run/glossary.ts'
import type { NameCoverage } from '../glossary/coverage.ts'
import { defaultProposalsPath } from './glossary-paths.ts'
import { type SectionStatus, type TranslationStatus, type WorkflowOptions } from '../review/state.ts'

const PLACE_KEYS = ['glossary', 'no-glossary', 'config', 'to', 'out-pattern', 'out-root', 'lockfile', 'state-dir', 'provider', 'model'] as const
type PlaceKey = (typeof PLACE_KEYS)[number]

/** The flags of `translate` that say where things are, shared by the reviewer commands. */
const PLACE_OPTIONS = Object.fromEntries(PLACE_KEYS.map((key) => [key, RUN_OPTIONS[key]])) as Pick<typeof RUN_OPTIONS, PlaceKey>

type PlaceValues = Pick<RunValues, PlaceKey>

/** Who approves: `--by`, else `$L10N_REVIEWER`, `$USER`, `$USERNAME`, the login name. */
function reviewer(values: { by?: string | undefined }, io: CliIo): string {
  const by = values.by ?? io.env.L10N_REVIEWER ?? io.env.USER ?? io.env.USERNAME ?? osUser()
  if (!by) throw usage(t('workflow:who'))
  return by
}

/** The login name, when the environment does not say (containers often set no $USER). */
function osUser(): string | undefined {
  try {
    return userInfo().username || undefined
  } catch {
    return undefined
  }
}

/**
 * Where the reviewer commands look, resolved as `translate` and `sync` resolve it
 * (`--config` or `l10n.config.yaml` here: lockfile, content root, output pattern,
 * glossary, frontmatter policy, target locales); flags win.
 */
async function workflowOptions(values: PlaceValues, io: CliIo): Promise<WorkflowOptions & { targets: string[]; sourceLocale: string | undefined }> {
  const settings = await resolveRunSettings(values, io)
  // Prompt and model are compared only when named: a CI job without an API key would
  // otherwise see every LLM draft as "made by another provider".
  const fingerprint =
    values.provider !== undefined || values.model !== undefined
      ? providerFingerprint(chooseProvider(values.provider, io.env), values.model ?? settings.config.model, io.env)
      : undefined
  return { ...workflowOptionsOf(settings, fingerprint), targets: settings.targets, sourceLocale: settings.config.sourceLocale }
}

function colourState(state: string, color: boolean, kind = state): string {
  if (!color) return state
  const c = pc.createColors(true)
  if (kind === 'approved') return c.green(state)
  if (kind === 'draft') return c.cyan(state)
  if (kind === 'edited') return c.yellow(state)
  return c.red(state)
}

function statusLine(status: TranslationStatus, color: boolean): string {
  const counts = new Map<string, number>()
  for (const section of status.sections) counts.set(section.state, (counts.get(section.state) ?? 0) + 1)
  const detail = listText([...counts].map(([state, count]) => t('workflow:count', { state: t(`workflow:state-${state}`), count })))
  return t(detail ? 'workflow:status-line' : 'workflow:status-line-bare', {
    source: relativePath(status.source),
    locale: status.locale,
    state: colourState(t(`workflow:state-${status.state}`), color, status.state),
    detail,
  })
}

/** Why a section is not approved, in words; a hand edit says what else changed under it. */
function sectionReason(section: SectionStatus): string {
  // "edited by hand (edited by hand, not yet approved)" would say it twice.
  if (section.state === 'draft' || (section.state === 'edited' && section.plan.reason === 'edited-by-hand' && !section.sourceChanged && !section.plan.stale)) return t('workflow:reason-draft')
  if (section.plan.handEdited && section.sourceChanged) return t('workflow:reason-edited-source-changed')
  if (section.plan.handEdited && section.plan.stale) return t('workflow:reason-edited-stale')
  return t(`workflow:reason-${section.plan.reason}`)
}

/** The frontmatter's line under the status line, or undefined when it is approved and current. */
function frontmatterLine(status: TranslationStatus, color: boolean): string | undefined {
  if (status.state === 'missing' || status.state === 'untracked') return undefined
  const [state, reason] =
    status.frontmatterEdited && status.frontmatterStale
      ? ['stale', 'edited-source-changed']
      : status.frontmatterStale
        ? ['stale', 'source-changed']
        : status.frontmatterEdited
          ? ['edited', 'draft']
          : !status.frontmatterApproved
            ? ['draft', 'draft']
            : [undefined, undefined]
  if (state === undefined) return undefined
  return t('workflow:frontmatter-line', { state: colourState(t(`workflow:state-${state}`), color, state), reason: t(`workflow:reason-${reason}`) })
}

/** The flags of each reviewer command (its `--help` lists every one). */
export const STATUS_OPTIONS = { ...PLACE_OPTIONS, strict: { type: 'boolean' }, format: { type: 'string' }, proposals: { type: 'string' } } as const
export const REVIEW_OPTIONS = {
  ...PLACE_OPTIONS,
  html: { type: 'string' },
  format: { type: 'string' },
  serve: { type: 'boolean' },
  open: { type: 'boolean' },
  port: { type: 'string' },
  by: { type: 'string' },
} as const
export const APPROVE_OPTIONS = {
  ...PLACE_OPTIONS,
  section: { type: 'string', multiple: true },
  frontmatter: { type: 'boolean' },
  all: { type: 'boolean' },
  by: { type: 'string' },
  force: { type: 'boolean' },
  format: { type: 'string' },
} as const
export const MEMORY_OPTIONS = { 'state-dir': { type: 'string' }, config: { type: 'string' }, format: { type: 'string' } } as const

/** `human` or `json`; anything else is a usage error. */
function formatOf(value: string | undefined): 'human' | 'json' {
  const format = value ?? 'human'
  if (format !== 'human' && format !== 'json') throw usage(t('sync:bad-format', { value: format }))
  return format
}

async function commandStatus(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, STATUS_OPTIONS, 'status')
  if (values.help) {
    io.stdout(t('workflow:help-status') + '\n')
    return EXIT.ok
  }
  if (positionals.length === 0) throw usage(t('workflow:need-articles'))
  const options = await workflowOptions(values, io)
  const files = findMarkdownFiles(positionals, { skip: [options.stateDir], sources: { sourceLocale: options.sourceLocale, targets: options.targets } })
  const format = formatOf(values.format)
  const stats = { fromMemo: 0, parsed: 0 }
  const sealedNames = new Map<string, NameCoverage & { inputs: string }>()
  const statuses = await translationStatus(files, options.targets, options, undefined, undefined, { stats, onSealedNames: (file, names) => sealedNames.set(file, names) })
  detail(io, t('workflow:status-memo', stats))
  // How many of each article's names are locked, proposed or not covered (with a glossary).
  const names = options.glossary ? await coverageOf(files, options.glossary, resolve(values.proposals ?? defaultProposalsPath(options.stateDir)), options.stateDir, sealedNames) : undefined
  const color = colorFor(io, 'stdout')
  // Sections whose requests wait in a Batch API batch (`sync --batch`), by source and locale.
  const batchState = await openBatchStore(options.stateDir).readState()
  const batchWaiting = waitingSections(batchState)
  // Drafts whose judge review waits in a batch: written once it is answered.
  const judgeWaiting = waitingJudgeReviews(batchState)
  const pairKey = (status: { source: string; locale: string }) => `${resolve(status.source)}\u0000${status.locale}`
  const waitingOf = (status: { source: string; locale: string }) => batchWaiting.get(pairKey(status))?.size ?? 0
  if (format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          schemaVersion: 1,
          command: 'status',
          statuses: statuses.map((status) => ({
            ...status,
            sections: status.sections.map(({ plan, ...section }) => ({ ...section, reason: plan.reason })),
            batchWaiting: waitingOf(status),
            judgeWaiting: judgeWaiting.has(pairKey(status)),
            ...(names?.get(status.source) ? { names: names.get(status.source) } : {}),
          })),
        },
        null,
        2,
      ) + '\n',
    )
  } else {
    for (const status of statuses) {
      io.stdout(statusLine(status, color) + '\n')
      const waiting = waitingOf(status)
      if (waiting > 0) io.stdout(t('batch:status-waiting', { count: waiting }) + '\n')
      if (judgeWaiting.has(pairKey(status))) io.stdout(t('batch:status-judge-waiting') + '\n')
      const frontmatter = frontmatterLine(status, color)
      if (frontmatter) io.stdout(frontmatter + '\n')
      // Fresh drafts are summed up in the line above; once a reviewer has approved
      // anything (or with --strict), every section still waiting is listed.
      const listDrafts = Boolean(values.strict) || status.sections.some((section) => section.state === 'approved')
      for (const section of status.sections) {
        if (section.state === 'approved' || (section.state === 'draft' && !listDrafts)) continue
        io.stdout(
          t('workflow:section-line', {
            index: section.index,
            heading: section.heading ?? t('workflow:preamble'),
            state: colourState(t(`workflow:state-${section.state}`), color, section.state),
            reason: sectionReason(section),
          }) + '\n',
        )
      }
      if (status.sectionsRemoved > 0) io.stdout(t('workflow:sections-removed', { count: status.sectionsRemoved }) + '\n')
    }
    for (const [file, coverage] of names ?? []) {
      io.stdout(t('glossary:status-names', { source: relativePath(file), names: coverage.names, locked: coverage.locked, proposed: coverage.proposed, notCovered: coverage.notCovered }) + '\n')
    }
  }
  // Missing or stale work fails CI; drafts and hand edits fail it only with --strict.
  const blocking = new Set(values.strict ? ['missing', 'untracked', 'stale', 'edited', 'draft'] : ['missing', 'untracked', 'stale'])
  return statuses.some((status) => blocking.has(status.state)) ? EXIT.findings : EXIT.ok
}

async function commandReview(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, REVIEW_OPTIONS, 'review')
  if (values.help) {
    io.stdout(t('workflow:help-review') + '\n')
    return EXIT.ok
  }
  if (values.serve) {
    if (values.html) throw usage(t('workflow:serve-or-html'))
    const options = await workflowOptions(values, io)
    // Loaded only here: the other commands never load the web server.
    const { serveReview } = await import('./serve-review.ts')
    return serveReview(positionals, values, options, reviewer(values, io), io)
  }
  if (positionals.length !== 1) throw usage(t('workflow:one-article'))
  const format = formatOf(values.format)
  const options = await workflowOptions(values, io)
  const targets = options.targets
  const documents: unknown[] = []
  for (const target of targets) {
    const document = await buildReview(positionals[0]!, target, { ...options, recover: historyRecovery(options) })
    if (format === 'json') {
      documents.push({ ...document, items: document.items.map((item) => ({ ...item, findings: item.findings.map(findingJson) })) })
      continue
    }
    if (values.html) {
      const path = targets.length > 1 ? values.html.replace(/(\.html?)?$/, `.${target}$1`) : values.html
      // Loaded only for --html: the Markdown → HTML packages are not needed otherwise.
      const { renderReviewHtml } = await import('../review/html-view.ts')
      await writeFileAtomic(resolve(path), renderReviewHtml(document, { glossary: options.glossary }))
      io.stdout(t('workflow:html-written', { path: relativePath(resolve(path)) }) + '\n')
    } else {
      io.stdout(renderReviewTerminal(document, { color: colorFor(io, 'stdout') }) + '\n')
    }
  }
  if (format === 'json') io.stdout(JSON.stringify({ schemaVersion: 1, command: 'review', reviews: documents }, null, 2) + '\n')
  return EXIT.ok
}

async function commandApprove(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, APPROVE_OPTIONS, 'approve')
  if (values.help) {
    io.stdout(t('workflow:help-approve') + '\n')
    return EXIT.ok
  }
  if (positionals.length !== 1) throw usage(t('workflow:one-article'))
  const sections = list(values.section).map((value) => {
    const index = Number(value)
    if (!Number.isInteger(index) || index < 0) throw usage(t('cli:bad-number', { flag: '--section', value }))
    return index
  })
  if (sections.length === 0 && !values.all && !values.frontmatter) throw usage(t('workflow:which-sections'))
  if (sections.length > 0 && values.all) throw usage(t('workflow:sections-or-all'))
  const format = formatOf(values.format)
  // With --format json the one JSON document goes to stdout; what was approved is in it.
  const out = format === 'json' ? (_: string) => {} : io.stdout
  const results: unknown[] = []
  const by = reviewer(values, io)
  const options = await workflowOptions(values, io)
  let refused = 0
  for (const target of options.targets) {
    const result = await approve(positionals[0]!, target, {
      ...options,
      // --frontmatter alone approves only the frontmatter; --all approves everything.
      ...(values.all ? {} : { sections }),
      frontmatter: Boolean(values.all || values.frontmatter),
      by,
      force: Boolean(values.force),
    })
    results.push({
      locale: target,
      approved: result.approved,
      frontmatterApproved: result.frontmatterApproved,
      refused: result.refused.map((item) => ({ ...item, errors: item.errors.map(findingJson) })),
      ...(result.frontmatterRefused ? { frontmatterRefused: result.frontmatterRefused.reason === 'errors' ? { ...result.frontmatterRefused, errors: result.frontmatterRefused.errors.map(findingJson) } : result.frontmatterRefused } : {}),
    })
    if (result.approved.length > 0) out(t('workflow:approved', { count: result.approved.length, sections: listText(result.approved.map(String)), locale: target, by }) + '\n')
    if (result.frontmatterApproved) out(t('workflow:frontmatter-approved', { locale: target }) + '\n')
    for (const item of result.refused) {
      refused++
      io.stderr(t('workflow:refused', { section: item.section, heading: item.heading ?? t('workflow:preamble'), count: item.errors.length }) + '\n')
      for (const error of item.errors) io.stderr(`    ${error.ruleId}: ${formatMessage(error)}\n`)
    }
    const frontmatter = result.frontmatterRefused
    if (frontmatter) {
      refused++
      if (frontmatter.reason === 'stale') io.stderr(t('workflow:frontmatter-refused-stale', { locale: target }) + '\n')
      else {
        io.stderr(t('workflow:frontmatter-refused', { locale: target, count: frontmatter.errors.length }) + '\n')
        for (const error of frontmatter.errors) io.stderr(`    ${error.ruleId}: ${formatMessage(error)}\n`)
      }
    }
  }
  const code = refused > 0 ? EXIT.findings : EXIT.ok
  if (format === 'json') io.stdout(JSON.stringify({ schemaVersion: 1, command: 'approve', by, results, exitCode: code }, null, 2) + '\n')
  return code
}

async function commandMemory(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, MEMORY_OPTIONS, 'memory')
  if (values.help || positionals[0] !== 'import' || positionals.length !== 3) {
    io.stdout(t('workflow:help-memory') + '\n')
    return values.help ? EXIT.ok : EXIT.usage
  }
  // The same state folder as the other commands: beside the config file when there is one.
  const stateDir = values['state-dir'] !== undefined ? resolve(values['state-dir']) : ((await loadConfig(values.config))?.stateDir ?? resolve('.l10n'))
  const result = await importMemory(positionals[1]!, positionals[2]!, stateDir)
  if (formatOf(values.format) === 'json') {
    io.stdout(JSON.stringify({ schemaVersion: 1, command: 'memory import', ...result }, null, 2) + '\n')
    return EXIT.ok
  }
  io.stdout(t('workflow:memory-imported', { count: result.sections, locale: result.locale }) + '\n')
  return EXIT.ok
}

/** The reviewer commands, merged into the CLI's command table. */
export const WORKFLOW_COMMANDS = {
  status: commandStatus,
  review: commandReview,
  approve: commandApprove,
  memory: commandMemory,
  // Loaded on use, like the review app.
  adopt: async (args: string[], io: CliIo) => (await import('./adopt.ts')).commandAdopt(args, io, { workflowOptions, reviewer }),
}
