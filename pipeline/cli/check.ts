/**
 * `l10n check SOURCE TARGET`: the structure check of any translation against its source.
 */
import { check } from '../check/index.ts'
import { loadConfig } from '../run/config.ts'
import { t } from '../shared/i18n.ts'
import { readTextFile } from '../state/files.ts'
import { parse } from '../article/parse.ts'
import { articleLocale } from '../article/metadata.ts'
import type { Finding } from '../article/types.ts'
import { exitCodeFor, renderFindings } from './render-findings.ts'
import { BUDGET_OPTIONS, EXIT, GLOSSARY_OPTIONS, colorFor, loadGlossary, parseCommandArgs, positiveInteger, usage, type CliIo } from './common.ts'

/** The flags `--judge` adds (budget flags as in `sync`). */
const JUDGE_OPTIONS = {
  judge: { type: 'boolean' },
  model: { type: 'string' },
  'dry-run': { type: 'boolean' },
  ...BUDGET_OPTIONS,
  'no-cache': { type: 'boolean' },
  'state-dir': { type: 'string' },
} as const

/** The flags of `check` (its `--help` lists every one). */
export const CHECK_OPTIONS = {
  ...GLOSSARY_OPTIONS,
  format: { type: 'string' },
  strict: { type: 'boolean' },
  'heading-depth': { type: 'string' },
  config: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  ...JUDGE_OPTIONS,
} as const

/** `l10n check`. */
export async function commandCheck(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, CHECK_OPTIONS, 'check')
  if (values.help) {
    io.stdout(t('cli:help-check') + '\n')
    return EXIT.ok
  }
  if (positionals.length !== 2) throw usage(t('cli:check-needs-two'))
  const format = values.format ?? 'human'
  if (format !== 'human' && format !== 'json' && format !== 'markdown') throw usage(t('cli:bad-format', { value: format }))
  for (const flag of ['model', 'dry-run', 'max-cost', 'max-requests', 'max-tokens', 'no-cache', 'state-dir'] as const) {
    if (values[flag] !== undefined && !values.judge) throw usage(t('cli:flag-needs-judge', { flag: `--${flag}` }))
  }
  const [sourceFile, targetFile] = positionals as [string, string]
  // Any pair: other sites' files may have no `locale:`, TOML or no frontmatter, or no body.
  const source = parse(await readTextFile(sourceFile), sourceFile, { lenient: true })
  const target = parse(await readTextFile(targetFile), targetFile, { lenient: true })
  // The config's rule switches and glossary apply here too, so CI checks what translate checks.
  const config = await loadConfig(values.config)
  const glossary = await loadGlossary(values, config?.glossary)
  const headingDepth = positiveInteger(values['heading-depth'], '--heading-depth') ?? config?.check.headingDepth
  const locales = {
    // Without --from and without `locale:`, the check guesses the source's language from its text.
    ...(values.from ? { sourceLocale: values.from } : source.frontmatter.yaml.match(/^locale\s*:/m) ? { sourceLocale: articleLocale(source).code } : {}),
    ...(values.to ? { targetLocale: values.to } : {}),
    ...(config ? { policy: config.frontmatter } : {}),
  }
  const findings: Finding[] = check(source, target, {
    ...locales,
    ...(glossary ? { glossary } : {}),
    ...(headingDepth ? { headingDepth } : {}),
    ...(config ? { rules: config.check.rules } : {}),
  })
  let budgetReached = false
  if (values.judge) {
    // Loaded only with --judge: a plain check starts without the LLM client, queue and tokenizer.
    const { judgeCheck } = await import('./judge.ts')
    const verdict = await judgeCheck({ source, target, values, config, glossary, locales, io })
    findings.push(...verdict.findings)
    budgetReached = verdict.budgetReached
  }
  io.stdout(renderFindings(findings, { format, color: colorFor(io, 'stdout'), source: sourceFile, target: targetFile }) + '\n')
  if (budgetReached) return EXIT.budget
  return exitCodeFor(findings, { strict: Boolean(values.strict) })
}
