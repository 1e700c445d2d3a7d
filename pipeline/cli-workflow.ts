/**
 * The reviewer commands of the CLI: `status`, `review`, `approve` and `memory import`.
 */
import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import pc from 'picocolors'
import { EXIT, GLOSSARY_OPTIONS, chooseProvider, list, loadGlossary, parseCommandArgs, relativePath, usage, type CliIo } from './cli-common.ts'
import { t } from './i18n.ts'
import { writeFileAtomic } from './io.ts'
import { resolveLlmOptions } from './llm.ts'
import type { LocaleInfo } from './locales.ts'
import { requireLocale } from './locales.ts'
import { loadPrompts, promptHash } from './prompt.ts'
import { renderReviewHtml, renderReviewTerminal } from './review-render.ts'
import { createIdentityTranslator, createPseudoTranslator } from './translator.ts'
import { approve, buildReview, importMemory, translationStatus, type TranslationStatus, type WorkflowOptions } from './workflow.ts'

const PLACE_OPTIONS = {
  ...GLOSSARY_OPTIONS,
  to: { type: 'string', multiple: true },
  'out-pattern': { type: 'string' },
  'out-root': { type: 'string' },
  lockfile: { type: 'string' },
  'state-dir': { type: 'string' },
  provider: { type: 'string' },
  model: { type: 'string' },
} as const

type PlaceValues = {
  glossary?: string[] | undefined
  'no-glossary'?: boolean | undefined
  'out-pattern'?: string | undefined
  'out-root'?: string | undefined
  lockfile?: string | undefined
  'state-dir'?: string | undefined
  provider?: string | undefined
  model?: string | undefined
}

/**
 * What a fresh translation would be made with, to tell which sections are stale. Only
 * when the provider or model is named: a CI job without an API key would otherwise
 * see every LLM draft as "made by another provider".
 */
function fingerprintFor(provider: string | undefined, model: string | undefined, env: NodeJS.ProcessEnv): WorkflowOptions['fingerprint'] {
  if (provider === undefined && model === undefined) return undefined
  const name = chooseProvider(provider, env)
  if (name === 'pseudo') return createPseudoTranslator(undefined).fingerprint
  if (name === 'identity') return createIdentityTranslator().fingerprint
  const templates = loadPrompts()
  const resolved = resolveLlmOptions(model ? { model } : {}, env).model
  return (target: LocaleInfo) => ({ model: resolved, promptHash: promptHash(templates, target) })
}

async function workflowOptions(values: PlaceValues, io: CliIo): Promise<WorkflowOptions> {
  const outRoot = values['out-root']
  const glossary = await loadGlossary(values)
  const fingerprint = fingerprintFor(values.provider, values.model, io.env)
  return {
    lockfile: resolve(values.lockfile ?? join(outRoot ?? '.', 'l10n.lock.yaml')),
    stateDir: resolve(values['state-dir'] ?? '.l10n'),
    ...(values['out-pattern'] ? { outPattern: values['out-pattern'] } : {}),
    ...(outRoot ? { outRoot } : {}),
    ...(glossary ? { glossary } : {}),
    ...(fingerprint ? { fingerprint } : {}),
  }
}

function targetsOf(values: { to?: string[] | undefined }): string[] {
  const targets = list(values.to)
  if (targets.length === 0) throw usage(t('cli:need-to'))
  for (const target of targets) requireLocale(target)
  return targets
}

/** Markdown files named on the command line; folders are searched for `*.md`. */
function markdownFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let info
    try {
      info = statSync(path)
    } catch {
      return [path]
    }
    if (!info.isDirectory()) return [path]
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => join(path, name))
  })
}

function colourState(state: string, color: boolean): string {
  if (!color) return state
  if (state === 'approved') return pc.green(state)
  if (state === 'draft') return pc.cyan(state)
  if (state === 'edited') return pc.yellow(state)
  return pc.red(state)
}

function statusLine(status: TranslationStatus, color: boolean): string {
  const counts = new Map<string, number>()
  for (const section of status.sections) counts.set(section.state, (counts.get(section.state) ?? 0) + 1)
  const detail = [...counts].map(([state, count]) => t('workflow:count', { state: t(`workflow:state-${state}`), count })).join(', ')
  return t('workflow:status-line', {
    source: relativePath(status.source),
    locale: status.locale,
    state: colourState(t(`workflow:state-${status.state}`), color),
    detail: detail || '-',
  })
}

async function commandStatus(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...PLACE_OPTIONS, strict: { type: 'boolean' }, format: { type: 'string' } })
  if (values.help) {
    io.stdout(t('workflow:help-status') + '\n')
    return EXIT.ok
  }
  if (positionals.length === 0) throw usage(t('cli:need-files'))
  const options = await workflowOptions(values, io)
  const statuses = await translationStatus(markdownFiles(positionals), targetsOf(values), options)
  const color = io.isTty && !io.env.NO_COLOR
  if (values.format === 'json') {
    io.stdout(
      JSON.stringify(
        statuses.map((status) => ({ ...status, sections: status.sections.map(({ plan, ...section }) => ({ ...section, reason: plan.reason })) })),
        null,
        2,
      ) + '\n',
    )
  } else {
    for (const status of statuses) {
      io.stdout(statusLine(status, color) + '\n')
      for (const section of status.sections) {
        // Drafts are summed up in the line above; list only what needs action.
        if (section.state === 'approved' || section.state === 'draft') continue
        io.stdout(`  §${section.index} ${section.heading ?? t('workflow:preamble')}: ${colourState(t(`workflow:state-${section.state}`), color)} (${t(`workflow:reason-${section.plan.reason}`)})\n`)
      }
    }
  }
  // Missing or stale work fails CI; drafts and hand edits fail it only with --strict.
  const blocking = new Set(values.strict ? ['missing', 'untracked', 'stale', 'edited', 'draft'] : ['missing', 'untracked', 'stale'])
  return statuses.some((status) => blocking.has(status.state)) ? EXIT.findings : EXIT.ok
}

async function commandReview(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...PLACE_OPTIONS, html: { type: 'string' } })
  if (values.help) {
    io.stdout(t('workflow:help-review') + '\n')
    return EXIT.ok
  }
  if (positionals.length !== 1) throw usage(t('workflow:one-article'))
  const targets = targetsOf(values)
  const options = await workflowOptions(values, io)
  for (const target of targets) {
    const document = await buildReview(positionals[0]!, target, options)
    if (values.html) {
      const path = targets.length > 1 ? values.html.replace(/(\.html?)?$/, `.${target}$1`) : values.html
      await writeFileAtomic(resolve(path), renderReviewHtml(document))
      io.stdout(t('workflow:html-written', { path: relativePath(resolve(path)) }) + '\n')
    } else {
      io.stdout(renderReviewTerminal(document, { color: io.isTty && !io.env.NO_COLOR }) + '\n')
    }
  }
  return EXIT.ok
}

async function commandApprove(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...PLACE_OPTIONS,
    section: { type: 'string', multiple: true },
    all: { type: 'boolean' },
    by: { type: 'string' },
    force: { type: 'boolean' },
  })
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
  if (sections.length === 0 && !values.all) throw usage(t('workflow:which-sections'))
  if (sections.length > 0 && values.all) throw usage(t('workflow:sections-or-all'))
  const by = values.by ?? io.env.L10N_REVIEWER ?? io.env.USER ?? io.env.USERNAME
  if (!by) throw usage(t('workflow:who'))
  const options = await workflowOptions(values, io)
  let refused = 0
  for (const target of targetsOf(values)) {
    const result = await approve(positionals[0]!, target, { ...options, ...(values.all ? {} : { sections }), by, force: Boolean(values.force) })
    if (result.approved.length > 0) io.stdout(t('workflow:approved', { count: result.approved.length, sections: result.approved.join(', '), locale: target, by }) + '\n')
    if (result.frontmatterApproved) io.stdout(t('workflow:frontmatter-approved', { locale: target }) + '\n')
    for (const item of result.refused) {
      refused++
      io.stderr(t('workflow:refused', { section: item.section, heading: item.heading ?? t('workflow:preamble'), count: item.errors.length }) + '\n')
      for (const error of item.errors) io.stderr(`    ${error.ruleId}: ${error.message}\n`)
    }
  }
  return refused > 0 ? EXIT.findings : EXIT.ok
}

async function commandMemory(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'state-dir': { type: 'string' } })
  if (values.help || positionals[0] !== 'import' || positionals.length !== 3) {
    io.stdout(t('workflow:help-memory') + '\n')
    return values.help ? EXIT.ok : EXIT.usage
  }
  const result = await importMemory(positionals[1]!, positionals[2]!, resolve(values['state-dir'] ?? '.l10n'))
  io.stdout(t('workflow:memory-imported', { count: result.sections, locale: result.locale }) + '\n')
  return EXIT.ok
}

/** The reviewer commands, merged into the CLI's command table. */
export const WORKFLOW_COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  status: commandStatus,
  review: commandReview,
  approve: commandApprove,
  memory: commandMemory,
}
