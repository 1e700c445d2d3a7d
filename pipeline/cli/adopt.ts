/**
 * `l10n adopt <source> <translation> --to <locale>`: records an existing human
 * translation as tracked (`review/adopt.ts`). Imported lazily by the command table.
 */
import { t } from '../shared/i18n.ts'
import { adopt } from '../review/adopt.ts'
import type { WorkflowOptions } from '../review/state.ts'
import { EXIT, list, parseCommandArgs, relativePath, usage, type CliIo } from './common.ts'
import { RUN_OPTIONS, type RunValues } from './run-settings.ts'

/** The flags that say where things are, as the reviewer commands take them. */
const PLACE_OPTIONS = {
  glossary: RUN_OPTIONS.glossary,
  'no-glossary': RUN_OPTIONS['no-glossary'],
  config: RUN_OPTIONS.config,
  to: RUN_OPTIONS.to,
  'out-pattern': RUN_OPTIONS['out-pattern'],
  'out-root': RUN_OPTIONS['out-root'],
  lockfile: RUN_OPTIONS.lockfile,
  'state-dir': RUN_OPTIONS['state-dir'],
}

/** What `review.ts` hands over, so this module does not import it back. */
export interface AdoptDependencies {
  workflowOptions: (values: RunValues, io: CliIo) => Promise<WorkflowOptions & { targets: string[] }>
  reviewer: (values: { by?: string | undefined }, io: CliIo) => string
}

/** Runs `l10n adopt`. */
export async function commandAdopt(args: string[], io: CliIo, dependencies: AdoptDependencies): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...PLACE_OPTIONS,
    draft: { type: 'boolean' },
    by: { type: 'string' },
    force: { type: 'boolean' },
  }, 'adopt')
  if (values.help) {
    io.stdout(t('workflow:help-adopt') + '\n')
    return EXIT.ok
  }
  if (positionals.length !== 2) throw usage(t('workflow:adopt-two'))
  if (list(values.to).length !== 1) throw usage(t('workflow:adopt-one-locale'))
  const options = await dependencies.workflowOptions(values, io)
  const by = dependencies.reviewer(values, io)
  const result = await adopt(positionals[0]!, positionals[1]!, options.targets[0]!, {
    ...options,
    status: values.draft ? 'draft' : 'approved',
    by,
    force: Boolean(values.force),
  })
  io.stdout(t(result.status === 'approved' ? 'workflow:adopted' : 'workflow:adopted-draft', { count: result.sections, output: relativePath(result.output), locale: result.locale, by }) + '\n')
  return EXIT.ok
}
