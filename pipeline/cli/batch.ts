/**
 * `l10n batch status` and `l10n batch cancel`: the Batch API submissions of
 * `sync --batch`, as recorded in the state folder (and, with `--refresh` or for `cancel`,
 * as the server says).
 */
import { resolve } from 'node:path'
import { EXIT, parseCommandArgs, usage, type CliIo } from './common.ts'
import { loadConfig } from '../run/config.ts'
import { cancelBatches } from '../run/batch.ts'
import { openBatchStore, type Submission } from '../state/batch-store.ts'
import { t } from '../shared/i18n.ts'
import { createBatchApi } from '../translate/batch-api.ts'
import { resolveLlmOptions } from '../translate/llm.ts'

async function stateDirOf(values: { config?: string | undefined; 'state-dir'?: string | undefined }): Promise<string> {
  if (values['state-dir'] !== undefined) return resolve(values['state-dir'])
  return (await loadConfig(values.config))?.stateDir ?? resolve('.l10n')
}

function line(submission: Submission): string {
  const counts = submission.counts ?? { total: submission.requestIds.length, completed: 0, failed: 0 }
  return t('batch:status-line', {
    batch: submission.batchId ?? `(${t('batch:no-batch')})`,
    status: submission.state === 'collected' ? `${submission.batchStatus ?? 'completed'}, collected` : (submission.batchStatus ?? submission.state),
    requests: submission.requestIds.length,
    completed: counts.completed,
    failed: counts.failed,
    cost: submission.estimate.known ? `$${submission.estimate.usd.toFixed(4)}` : t('sync:cost-unknown'),
    created: submission.createdAt,
  })
}

async function commandBatch(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseCommandArgs(rest, {
    config: { type: 'string' },
    'state-dir': { type: 'string' },
    refresh: { type: 'boolean' },
    format: { type: 'string' },
    model: { type: 'string' },
  }, `batch ${sub ?? ''}`.trimEnd())
  if (values.help || sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(t('batch:help') + '\n')
    return sub === undefined ? EXIT.usage : EXIT.ok
  }
  const stateDir = await stateDirOf(values)
  const store = openBatchStore(stateDir)
  const config = await loadConfig(values.config)
  const llm = () => resolveLlmOptions({ ...((values.model ?? config?.model) ? { model: values.model ?? config!.model! } : {}) }, io.env)
  if (sub === 'cancel') {
    const cancelled = await cancelBatches(store, createBatchApi(llm()), positionals)
    io.stdout(t('batch:cancelled', { count: cancelled.length }) + '\n')
    return EXIT.ok
  }
  if (sub !== 'status') throw usage(t('batch:unknown-subcommand', { name: sub }))
  if (values.refresh) {
    const api = createBatchApi(llm())
    const state = await store.readState()
    for (const submission of state.submissions) {
      if (submission.state !== 'submitted' || !submission.batchId) continue
      const batch = await api.retrieve(submission.batchId)
      submission.batchStatus = batch.status
      submission.counts = batch.counts
    }
    await store.writeState(state)
  }
  const state = await store.readState()
  const answers = (await store.answerIds()).size
  if (values.format === 'json') {
    io.stdout(JSON.stringify({ schemaVersion: 1, stateDir, submissions: state.submissions, answers }, null, 2) + '\n')
    return EXIT.ok
  }
  if (state.submissions.length === 0) {
    io.stdout(t('batch:status-none', { dir: store.dir }) + '\n')
    return EXIT.ok
  }
  for (const submission of state.submissions) io.stdout(line(submission) + '\n')
  io.stdout(
    t('batch:status-total', {
      count: state.submissions.length,
      running: state.submissions.filter((submission) => submission.state !== 'collected').length,
      collected: state.submissions.filter((submission) => submission.state === 'collected').length,
      answers,
    }) + '\n',
  )
  return EXIT.ok
}

/** `batch`, merged into the CLI's command table. */
export const BATCH_COMMANDS = { batch: commandBatch }
