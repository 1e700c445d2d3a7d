/**
 * The judge as the commands open it: which model, the client and queue (the run's own,
 * or the translation provider's), the budget, and the lines that say what it cost.
 */
import { resolve } from 'node:path'
import type { Article, Finding } from '../article/types.ts'
import type { JudgePairOptions } from '../check/judge-pairs.ts'
import { defaultConfig, type Config } from '../run/config.ts'
import { createJudge, type Judge, type JudgePlan, type JudgeReport } from '../run/judge.ts'
import { L10nError } from '../shared/errors.ts'
import { message, t } from '../shared/i18n.ts'
import { costOf, createBudgetTracker, type BudgetTracker } from '../translate/cost.ts'
import { createOpenAiClient, resolveLlmOptions, type ChatClient, type LlmOptions } from '../translate/llm.ts'
import { queueScheduler, resolveQueueSettings } from '../translate/openai.ts'
import type { Scheduler } from '../translate/queue.ts'
import { loadJudgeTemplate } from '../translate/judge.ts'
import type { PlanOptions } from '../run/sync.ts'
import type { Glossary } from '../glossary/model.ts'
import type { ProviderName } from '../translate/translator.ts'
import { costText } from './output.ts'
import { budgetWithFlags, notice, type CliIo } from './common.ts'

/**
 * The model that judges: `--model` (check), else `judge.model`, else the translation
 * model (`L10N_MODEL`, the config's `model`, the default).
 */
export function judgeModel(config: Config, env: NodeJS.ProcessEnv, flag?: string): string {
  if (flag) return flag
  if (config.judge.model) return config.judge.model
  return resolveLlmOptions(env.L10N_MODEL?.trim() ? {} : config.model ? { model: config.model } : {}, env).model
}

/**
 * The client settings of the judge: those of translation (endpoint, key, timeouts,
 * retries, output limit) with the judge's model and temperature 0, so a rerun without a
 * cache asks the same question the same way. Needs an endpoint or a key.
 */
export function judgeLlmOptions(config: Config, env: NodeJS.ProcessEnv, model: string, base?: LlmOptions): LlmOptions {
  const options =
    base ??
    resolveLlmOptions(
      {
        ...(config.timeoutMs !== undefined && !env.L10N_TIMEOUT_MS ? { timeoutMs: config.timeoutMs } : {}),
        ...(config.maxRetries !== undefined && !env.L10N_MAX_RETRIES ? { maxRetries: config.maxRetries } : {}),
        ...(config.maxOutputTokens !== undefined && !env.L10N_MAX_OUTPUT_TOKENS ? { maxOutputTokens: config.maxOutputTokens } : {}),
      },
      env,
    )
  if (!options.apiKey) throw new L10nError('E_CONFIG', { params: { detail: message('cli:judge-not-configured') } })
  return { ...options, model, temperature: 0 }
}

/** What opening a judge takes. */
export interface OpenJudgeOptions {
  config: Config
  io: CliIo
  model: string
  stateDir: string
  cache: boolean
  glossary?: Glossary | undefined
  budget?: BudgetTracker | undefined
  /** The translation provider's client settings and queue, shared when there is one. */
  llm?: LlmOptions | undefined
  scheduler?: Scheduler | undefined
  client?: ChatClient | undefined
  /**
   * Batch mode (`sync --batch`): the judge's requests go through the run's batch client,
   * with the judge's own settings; `realtime` is the judge's own client, for follow-ups sent realtime.
   */
  batchView?: ((llm: LlmOptions, realtime: ChatClient) => ChatClient) | undefined
  /** Only {@link Judge.plan} will be called (`--dry-run`): no endpoint needed, nothing sent. */
  dryRun?: boolean
}

/** A judge and how to let its queue finish. */
export interface OpenedJudge {
  judge: Judge
  close(): Promise<void>
}

/** The client of a dry run: planning never asks. */
const NO_CLIENT: ChatClient = { complete: () => Promise.reject(new TypeError('a dry run sends no request')) }

/** Opens the judge: the provider's queue when given, else one of its own from the queue settings. */
export function openJudge(options: OpenJudgeOptions): OpenedJudge {
  const { config, io } = options
  const llm = options.dryRun ? { ...resolveLlmOptions({}, io.env), model: options.model } : judgeLlmOptions(config, io.env, options.model, options.llm)
  const queue = resolveQueueSettings(
    {
      ...(config.concurrency !== undefined ? { concurrency: String(config.concurrency) } : {}),
      ...(config.requestsPerMinute !== undefined ? { requestsPerMinute: String(config.requestsPerMinute) } : {}),
      ...(config.tokensPerMinute !== undefined ? { tokensPerMinute: String(config.tokensPerMinute) } : {}),
    },
    io.env,
  )
  const own = options.scheduler ? undefined : queueScheduler(queue, { signal: io.signal, clock: io.clock })
  const scheduler = options.scheduler ?? own!
  const direct = options.client ?? (options.dryRun ? NO_CLIENT : createOpenAiClient(llm, io.clock ? { clock: io.clock } : {}))
  const judge = createJudge({
    client: options.batchView && !options.dryRun ? options.batchView(llm, direct) : direct,
    scheduler,
    model: llm.model,
    stateDir: options.stateDir,
    cache: options.cache,
    requestTokens: config.judge.requestTokens,
    rules: config.check.rules,
    ...(options.glossary ? { glossary: options.glossary } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
  })
  return {
    judge,
    close: async () => {
      if (own) await own.onIdle()
    },
  }
}

/**
 * The judge of a `translate` or `sync` run when the config switches it on (`judge:`),
 * else undefined. It shares the openai provider's queue, endpoint and budget; with an
 * offline provider it needs an endpoint of its own (OPENAI_BASE_URL / OPENAI_API_KEY).
 * The identity provider copies the source, so there is nothing to judge.
 */
export function runJudge(
  run: { config: Config; provider: ProviderName; stateDir: string; glossary: Glossary | undefined; providerFlags: Record<string, string | undefined> },
  provider: { options?: LlmOptions | undefined; scheduler?: Scheduler | undefined },
  io: CliIo,
  options: { cache: boolean; budget?: BudgetTracker | undefined; batchView?: OpenJudgeOptions['batchView'] },
): OpenedJudge | undefined {
  if (!run.config.judge.enabled || run.provider === 'identity') return undefined
  const model = runJudgeModel(run, provider.options?.model, io.env)
  return openJudge({ config: run.config, io, model, stateDir: run.stateDir, cache: options.cache, glossary: run.glossary, budget: options.budget, llm: provider.options, scheduler: provider.scheduler, batchView: options.batchView })
}

/**
 * The judge model of a `translate`/`sync` run: `judge.model`, else the model the openai
 * provider translates with, else the model `check --judge` would pick.
 */
function runJudgeModel(run: { config: Config; providerFlags: Record<string, string | undefined> }, translationModel: string | undefined, env: NodeJS.ProcessEnv): string {
  return run.config.judge.model ?? translationModel ?? judgeModel(run.config, env, run.providerFlags.model)
}

/**
 * What a plan needs to estimate the judge of `translate`/`sync` (`judge:` in the config):
 * its model (as {@link runJudge} picks it), rubric and request size; undefined without a judge.
 */
export function judgePlanOptions(
  run: { config: Config; provider: ProviderName; providerFlags: Record<string, string | undefined> },
  translationModel: string,
  io: CliIo,
): PlanOptions['judge'] {
  if (!run.config.judge.enabled || run.provider === 'identity') return undefined
  const model = runJudgeModel(run, run.provider === 'openai' ? translationModel : undefined, io.env)
  return { model, template: loadJudgeTemplate(), requestTokens: run.config.judge.requestTokens }
}

/** `Judge (gpt-4o-mini): 113 text pairs, 90 from the cache, 2 requests, 9,000 tokens, cost $0.0014`. */
export function judgeSummaryLine(report: JudgeReport, model: string, config: Config): string {
  const cost = costOf(model, report.promptTokens, report.completionTokens, config.prices)
  return t('cli:judge-done', { model, pairs: report.pairs, cached: report.cached, requests: t('cli:n-requests', { count: report.requests }), tokens: report.promptTokens + report.completionTokens, cost: costText(cost.known, cost.usd) })
}

/** `Judge plan (gpt-4o-mini): 113 text pairs, 90 from the cache; 2 requests, about 9,000 tokens, cost about $0.0014`. */
export function judgePlanLine(plan: JudgePlan, model: string, config: Config): string {
  const cost = costOf(model, plan.promptTokens, plan.completionTokens, config.prices)
  return t('cli:judge-plan', { model, pairs: plan.pairs, cached: plan.cached, requests: t('cli:n-requests', { count: plan.requests }), tokens: plan.promptTokens + plan.completionTokens, cost: costText(cost.known, cost.usd) })
}

/** The values of `check`'s judge flags. */
export interface JudgeFlagValues {
  model?: string | undefined
  'dry-run'?: boolean | undefined
  'max-cost'?: string | undefined
  'max-requests'?: string | undefined
  'max-tokens'?: string | undefined
  'no-cache'?: boolean | undefined
  'state-dir'?: string | undefined
}

/**
 * `check --judge`: judges the pair (or with `--dry-run` prints what that would cost) and
 * returns the findings to add. A provider failure is thrown (exit 77 for refused credentials, else 2), as for translations.
 */
export async function judgeCheck(input: {
  source: Article
  target: Article
  values: JudgeFlagValues
  config: Config | undefined
  glossary: Glossary | undefined
  locales: JudgePairOptions
  io: CliIo
}): Promise<{ findings: Finding[]; budgetReached: boolean }> {
  const { values, io } = input
  const config = input.config ?? defaultConfig()
  const model = judgeModel(config, io.env, values.model)
  const stateDir = resolve(values['state-dir'] ?? config.stateDir)
  const options: JudgePairOptions = { ...input.locales, ...(input.glossary ? { glossary: input.glossary } : {}) }
  if (values['dry-run']) {
    // Read-only: the cache is looked at, nothing is sent or written.
    const opened = openJudge({ config, io, model, stateDir, cache: !values['no-cache'], dryRun: true })
    notice(io, judgePlanLine(await opened.judge.plan(input.source, input.target, options), model, config))
    return { findings: [], budgetReached: false }
  }
  const budget = createBudgetTracker(budgetWithFlags(values, config.budget), model, config.prices)
  const opened = openJudge({ config, io, model, stateDir, cache: !values['no-cache'], budget, glossary: input.glossary })
  const report = await opened.judge.judge(input.source, input.target, options).finally(() => opened.close())
  // A provider that cannot answer (401, 403, the network after retries) is an error of the command.
  if (report.error !== undefined) throw report.error
  notice(io, judgeSummaryLine(report, model, config))
  return { findings: report.findings, budgetReached: report.budgetReached }
}
