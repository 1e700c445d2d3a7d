/**
 * The LLM provider: translates sections through any OpenAI-compatible endpoint, paced
 * by the run's scheduler, served from the cache when it can. Every answer is cleaned
 * and validated before it is accepted: truncated answers are split and retried, answers
 * that break structure or glossary locks get a bounded number of repair requests, and
 * only accepted answers are cached. What stays wrong is reported, never hidden.
 */
import { join } from 'node:path'
import { cleanAnswer } from './answer.ts'
import { cachedValues, cacheKey, openCache, type TranslationCache } from '../state/cache.ts'
import { checkSection } from '../check/index.ts'
import { L10nError } from '../shared/errors.ts'
import type { Glossary, GlossaryEntry } from '../glossary/model.ts'
import { entryHash } from '../glossary/model.ts'
import { message, t } from '../shared/i18n.ts'
import { createOpenAiClient, ProviderError, resolveLlmOptions, type ChatClient, type ChatMessage, type ClientDeps, type Completion, type LlmOptions } from './llm.ts'
import type { LocaleInfo } from '../article/locales.ts'
import { frontmatterMessages, loadPrompts, promptHash, repairMessages, sectionMessages, type PromptTemplates } from './prompt.ts'
import { createScheduler, type Scheduler } from './queue.ts'
import { chunkMarkdown, measure } from '../article/split.ts'
import { MAX_NESTING, findDeepNesting } from '../article/parse.ts'
import { PROBLEM_WEIGHTS, checkProblems, injectionProblem, languageProblem, problemScore, problemText, type AnswerProblem } from './validate.ts'
import { entriesIn, verifyTerms } from '../glossary/match.ts'
import { SectionFailure, type ChunkBlocks, type SectionJob, type SectionResult, type Translator, type Usage, type ValuesResult } from './translator.ts'
import type { Finding } from '../article/types.ts'
import { contentHash } from '../shared/hash.ts'
import type { BudgetTracker } from './cost.ts'
import { countTokens } from '../shared/tokens.ts'
import { requestEstimate, type EstimateBook } from './estimates.ts'
import { chargedFor, chargedForPending, isBatchPending } from './batch-client.ts'
import type { Clock } from '../shared/clock.ts'
import { linkedSignal } from '../shared/signals.ts'

/** Queue limits of a run. */
export interface QueueSettings {
  /** Requests in flight at once. Env `L10N_CONCURRENCY`. @default 4 */
  concurrency: number
  /** Request starts per minute. Env `L10N_RPM`. @default unlimited */
  requestsPerMinute?: number
  /** Prompt + completion tokens per minute. Env `L10N_TPM`. @default unlimited */
  tokensPerMinute?: number
}

/** Everything the provider needs; the CLI passes flags as given (strings). */
export interface OpenAiProviderOptions {
  env: NodeJS.ProcessEnv
  glossary: Glossary | undefined
  stateDir: string
  /** Use the translation cache. @default true */
  cache?: boolean
  signal?: AbortSignal
  flags?: Partial<Record<'model' | 'temperature' | 'maxOutputTokens' | 'timeoutMs' | 'maxRetries' | 'concurrency' | 'requestsPerMinute' | 'tokensPerMinute', string | undefined>>
  /** Repair requests per unit after the first answer. @default 2 */
  repairAttempts?: number
  /** Spending limits of the run: checked before every request, settled after. */
  budget?: BudgetTracker
  /** Times the LLM client's attempts and retry waits, and the scheduler's windows. @default systemClock */
  clock?: Clock
  /** Told about every HTTP attempt of the client made here (`--debug` request timing). */
  onAttempt?: ClientDeps['onAttempt']
  /** Injected client and scheduler (tests, shared queues of `sync`). */
  client?: ChatClient
  scheduler?: Scheduler
  prompts?: PromptTemplates
  /** Estimates planning already counted (`sync`): a planned prompt is not tokenized again. */
  estimates?: EstimateBook
}

/** A provider instance: the translator, its scheduler, and `close()` to stop it. */
export interface OpenAiProvider {
  translator: Translator
  scheduler: Scheduler
  options: LlmOptions
  close(): Promise<void>
}

function flagNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const number = Number(value)
  if (!Number.isFinite(number)) throw new L10nError('E_USAGE', { params: { detail: message('cli:bad-number', { flag, value }) } })
  return number
}

function positiveSetting(flag: string | undefined, flagName: string, envName: string, env: NodeJS.ProcessEnv): number | undefined {
  const value = flagNumber(flag, flagName) ?? flagNumber(env[envName], envName)
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 1) {
    throw new L10nError('E_CONFIG', { params: { detail: message('cli:bad-number', { flag: flag !== undefined ? flagName : envName, value: String(value) }) } })
  }
  return value
}

/** Queue settings from flags and `L10N_CONCURRENCY`, `L10N_RPM`, `L10N_TPM`. */
export function resolveQueueSettings(flags: OpenAiProviderOptions['flags'] = {}, env: NodeJS.ProcessEnv = process.env): QueueSettings {
  const requestsPerMinute = positiveSetting(flags.requestsPerMinute, '--rpm', 'L10N_RPM', env)
  const tokensPerMinute = positiveSetting(flags.tokensPerMinute, '--tpm', 'L10N_TPM', env)
  return {
    concurrency: positiveSetting(flags.concurrency, '--concurrency', 'L10N_CONCURRENCY', env) ?? 4,
    ...(requestsPerMinute ? { requestsPerMinute } : {}),
    ...(tokensPerMinute ? { tokensPerMinute } : {}),
  }
}

/**
 * A block whose expected answer is this many times the output limit cannot come back
 * whole: it is split before sending, or reported when it cannot be split.
 */
const TOO_LARGE_FACTOR = 2

/** The values of a refusal's message, for the copies later requests throw without being sent. */
function refusedParams(error: ProviderError): Record<string, unknown> {
  const detail = error.params.detail as { values?: Record<string, unknown> } | undefined
  return { ...detail?.values }
}

/** A scheduler with a run's queue settings (limits per minute), stopped by `signal`, timed by `clock`. */
export function queueScheduler(queue: QueueSettings, options: { signal?: AbortSignal | undefined; clock?: Clock | undefined } = {}): Scheduler {
  return createScheduler({
    concurrency: queue.concurrency,
    ...(queue.requestsPerMinute ? { requestsPerInterval: queue.requestsPerMinute } : {}),
    ...(queue.tokensPerMinute ? { tokensPerInterval: queue.tokensPerMinute } : {}),
    intervalMs: 60_000,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  })
}

/** Tokens the answer to `sourceText` is expected to take, to tell a block too large for one answer. */
function expectedAnswerTokens(sourceText: string): number {
  // countTokens is linear in the text: a megabyte without a space must not hang here.
  // The answer is about as many tokens as the source again, more for zh→Latin scripts.
  return Math.ceil(countTokens(sourceText) * 1.5)
}
/** Tokens a chat format adds per message (role and separators), as servers count a prompt. */
const MESSAGE_OVERHEAD_TOKENS = 4

interface UnitContext {
  job: Pick<SectionJob, 'file' | 'section' | 'sourceLocale' | 'targetLocale' | 'title' | 'previous' | 'note'>
  usage: Usage
  findings: Finding[]
  signal: AbortSignal
}

/** Creates the provider; see {@link OpenAiProviderOptions}. */
export function createOpenAiProvider(options: OpenAiProviderOptions): OpenAiProvider {
  const { env, glossary } = options
  const flags = options.flags ?? {}
  const llm = resolveLlmOptions(
    {
      ...(flags.model ? { model: flags.model } : {}),
      ...(flagNumber(flags.temperature, '--temperature') !== undefined ? { temperature: flagNumber(flags.temperature, '--temperature')! } : {}),
      ...(flagNumber(flags.maxOutputTokens, '--max-output-tokens') !== undefined ? { maxOutputTokens: flagNumber(flags.maxOutputTokens, '--max-output-tokens')! } : {}),
      ...(flagNumber(flags.timeoutMs, '--timeout-ms') !== undefined ? { timeoutMs: flagNumber(flags.timeoutMs, '--timeout-ms')! } : {}),
      ...(flagNumber(flags.maxRetries, '--max-retries') !== undefined ? { maxRetries: flagNumber(flags.maxRetries, '--max-retries')! } : {}),
    },
    env,
  )
  if (!llm.apiKey && !options.client) {
    throw new L10nError('E_CONFIG', { params: { detail: message('cli:openai-not-configured') } })
  }
  const scheduler = options.scheduler ?? queueScheduler(resolveQueueSettings(flags, env), options)
  const client = options.client ?? createOpenAiClient(llm, { ...(options.clock ? { clock: options.clock } : {}), ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}) })
  const cache: TranslationCache = openCache(join(options.stateDir, 'cache'), options.cache !== false)
  const templates = options.prompts ?? loadPrompts()
  const repairAttempts = options.repairAttempts ?? 2
  // The first 401/403 holds for every later request: none of them is sent.
  let refused: ProviderError | undefined

  async function request(messages: ChatMessage[], sourceText: string, context: UnitContext): Promise<Completion> {
    // Counted once per prompt: planning's count when it planned this very prompt.
    const estimate = requestEstimate(messages, sourceText, context.job.targetLocale.script, options.estimates)
    // What a token-per-minute limit counts when the request arrives (OpenAI's rule): the
    // prompt and the whole completion allowance, not a guess at the answer's length.
    // Reserving less lets a window carry more than the limit once the answers come in.
    const estimatedTokens = estimate.promptTokens + MESSAGE_OVERHEAD_TOKENS * messages.length + llm.maxOutputTokens
    const completion = await scheduler.schedule({
      estimatedTokens,
      run: async (taskSignal, control) => {
        if (refused) throw new ProviderError('auth', { attempts: 0, ...(refused.status ? { status: refused.status } : {}), params: refusedParams(refused) })
        // Checked when the request would start, not when it was queued: once the budget
        // is reached nothing new starts, while requests already sent finish.
        const reservation = options.budget?.reserve({ requests: 1, ...estimate })
        let value: Completion
        const label = { file: context.job.file, locale: context.job.targetLocale.code, section: context.job.section.index }
        // Released when the request is done: the run's signals do not keep one listener per request (shared/signals.ts).
        const requestSignal = linkedSignal([context.signal, taskSignal])
        try {
          value = await client.complete({
            messages,
            signal: requestSignal.signal,
            label,
            estimate,
            // A retry is one more request in the server's window.
            beforeAttempt: (attempt) => {
              if (attempt > 1) control.retried()
            },
          })
        } catch (error) {
          // A request queued for a batch is paid when it is submitted: it counts against the
          // budget at its estimate (at the batch price), so --max-cost limits what is submitted.
          if (isBatchPending(error)) {
            if (reservation) options.budget!.settle(reservation, chargedForPending(error, { requests: 1, ...estimate }))
            throw error
          }
          if (error instanceof ProviderError && error.kind === 'auth') refused ??= error
          // Failed requests were still sent (and may be billed): count them.
          const sent = error instanceof ProviderError ? error.attempts : 1
          context.usage.requests += sent
          if (reservation) options.budget!.settle(reservation, { requests: sent, promptTokens: 0, completionTokens: 0 })
          throw error
        } finally {
          requestSignal.release()
        }
        // A batch answer was paid for when its batch was submitted.
        if (reservation) options.budget!.settle(reservation, chargedFor(value))
        const used = value.usage.promptTokens + value.usage.completionTokens
        // The window keeps what the server counted on arrival, or more when it says so;
        // an answer from a batch never reached the realtime endpoint.
        return { value, usedTokens: value.prepaid ? used : Math.max(used, estimatedTokens) }
      },
    })
    context.usage.requests += completion.attempts
    context.usage.promptTokens += completion.usage.promptTokens
    context.usage.completionTokens += completion.usage.completionTokens
    return completion
  }

  /**
   * Problems of an answer, weighted (see `validate.ts`): structure errors, glossary
   * names, and signs it is no translation at all (length far outside the calibrated
   * range, another language, an echo of the instructions, a chat answer).
   */
  function problemsOf(sourceText: string, answer: string, entries: readonly GlossaryEntry[], context: UnitContext, instructions: string, sourceBlocks?: ChunkBlocks): AnswerProblem[] {
    if (answer.trim() === '') return [{ messageId: 'translate:problem-empty', weight: PROBLEM_WEIGHTS.empty }]
    // A hostile answer nested a thousand levels deep would overflow the check's tree walks.
    if (findDeepNesting(answer)) return [{ messageId: 'translate:problem-too-deep', values: { max: MAX_NESTING }, weight: PROBLEM_WEIGHTS.tooDeep }]
    const findings = checkSection(sourceText, answer, {
      file: context.job.file,
      section: context.job.section.index,
      heading: context.job.section.heading,
      sourceLocale: context.job.sourceLocale.code,
      targetLocale: context.job.targetLocale.code,
      // The source was parsed with its article: only the answer is parsed here.
      ...(sourceBlocks ? { sourceBlocks } : {}),
    })
    const other = [languageProblem(answer, context.job.targetLocale), injectionProblem(sourceText, answer, instructions)].filter(
      (problem): problem is AnswerProblem => problem !== undefined,
    )
    const terms = entries.length > 0 ? termProblems(sourceText, answer, context.job.targetLocale) : []
    return [...other, ...checkProblems(findings), ...terms]
  }

  /** Stores an accepted answer; only accepted ones ever get here. */
  async function remember(key: string, text: string, completion: Completion, target: LocaleInfo): Promise<void> {
    await cache.set(key, {
      text,
      model: completion.model || llm.model,
      promptHash: promptHash(templates, target),
      createdAt: new Date().toISOString(),
      promptTokens: completion.usage.promptTokens,
      completionTokens: completion.usage.completionTokens,
    })
  }

  /** Glossary names missing, dropped at some occurrences or in a wrong form in an answer. */
  function termProblems(sourceText: string, answer: string, target: LocaleInfo): AnswerProblem[] {
    if (!glossary) return []
    return verifyTerms(sourceText, answer, glossary, target.code).map((problem): AnswerProblem => {
      const weight = PROBLEM_WEIGHTS.term
      if (problem.kind === 'missing') return { messageId: 'translate:problem-term-missing', values: { source: problem.entry.source, form: problem.expected }, weight }
      // Per occurrence: a name dropped at one of two places asks for a repair too.
      if (problem.kind === 'too-few') {
        return { messageId: 'translate:problem-term-too-few', values: { source: problem.entry.source, form: problem.expected, count: problem.sourceCount, found: problem.targetCount }, weight }
      }
      return { messageId: 'translate:problem-term-wrong', values: { source: problem.entry.source, form: problem.form, expected: problem.expected }, weight }
    })
  }

  function finding(ruleId: string, severity: Finding['severity'], key: string, context: UnitContext, params: Record<string, unknown> = {}): Finding {
    return {
      ruleId,
      severity,
      messageId: `translate:${key}`,
      values: params,
      file: context.job.file,
      // The frontmatter (index -1) belongs to the article, not to a section.
      ...(context.job.section.index >= 0 ? { section: context.job.section.index, heading: context.job.section.heading } : {}),
    }
  }

  /**
   * Translates one block-aligned piece of a section. Truncated answers are never
   * accepted: the piece is cut in half at block boundaries and each half translated.
   */
  async function translateUnit(text: string, context: UnitContext, depth = 0, previous?: string, sourceBlocks?: ChunkBlocks): Promise<string> {
    const entries = glossary ? entriesIn(text, glossary) : []
    const key = cacheKey({
      kind: 'section',
      source: text,
      sourceLocale: context.job.sourceLocale.code,
      targetLocale: context.job.targetLocale.code,
      model: llm.model,
      promptHash: promptHash(templates, context.job.targetLocale),
      entryHashes: [
        ...entries.map(entryHash),
        ...(previous ? [`previous:${contentHash(previous)}`] : []),
        ...(context.job.note ? [`note:${contentHash(context.job.note)}`] : []),
      ],
    })
    const cached = await cache.get(key)
    if (cached) {
      context.usage.cached++
      return cached.text
    }
    const messages = sectionMessages(templates, {
      source: context.job.sourceLocale,
      target: context.job.targetLocale,
      title: context.job.title,
      heading: context.job.section.heading,
      entries,
      text,
      ...(previous ? { previous } : {}),
      ...(context.job.note ? { note: context.job.note } : {}),
    })
    // A block whose answer could never fit in one reply is split before anything is
    // sent; one that cannot be split is reported instead of being sent in vain.
    const expected = expectedAnswerTokens(text)
    if (expected > TOO_LARGE_FACTOR * llm.maxOutputTokens) {
      const pieces = chunkMarkdown(text, { maxSize: Math.max(1, Math.ceil(measure(text) / 2)) })
      if (pieces.length > 1 && depth < 12) return translatePieces(text, pieces, context, depth)
      context.findings.push(finding('translate/block-too-large', 'error', 'block-too-large', context, { tokens: expected, max: llm.maxOutputTokens }))
      return text
    }
    let completion = await request(messages, text, context)
    let attempt = 0
    let answer = ''
    let problems: AnswerProblem[] = []
    // The best attempt so far: a repair can make things worse (lose the structure to
    // fix one name), and then the earlier answer is the better draft.
    let best: { answer: string; problems: AnswerProblem[]; score: number } | undefined
    const english = (list: readonly AnswerProblem[]) => list.map(problemText)
    for (;;) {
      if (completion.finishReason === 'length') {
        const pieces = chunkMarkdown(text, { maxSize: Math.max(1, Math.ceil(measure(text) / 2)) })
        if (pieces.length > 1 && depth < 6) {
          context.findings.push(finding('translate/split-after-truncation', 'info', 'split-after-truncation', context, { count: pieces.length }))
          return translatePieces(text, pieces, context, depth)
        }
        context.findings.push(finding('translate/truncated', 'error', 'truncated', context))
        return text
      }
      answer = cleanAnswer(completion.text, text).text
      problems = problemsOf(text, answer, entries, context, messages[0]!.content, sourceBlocks)
      const score = problemScore(problems)
      if (!best || score < best.score) best = { answer, problems, score }
      if (problems.length === 0 || attempt >= repairAttempts) break
      attempt++
      completion = await request(repairMessages(templates, messages, completion.text, english(problems)), text, context)
    }
    if (best && best.answer !== answer) ({ answer, problems } = best)
    if (answer.trim() === '') {
      context.findings.push(finding('translate/empty-answer', 'error', 'empty-answer', context))
      return text
    }
    if (problems.length > 0) {
      // Written as a draft; the article check reports exactly what is still wrong.
      // An error: every problem that asked for a repair was an error, and it is still there.
      context.findings.push(finding('translate/repair-failed', 'error', 'repair-failed', context, { count: attempt, problems: english(problems).join('; ') }))
      return answer
    }
    if (attempt > 0) context.findings.push(finding('translate/repaired', 'info', 'repaired', context, { count: attempt }))
    await remember(key, answer, completion, context.job.targetLocale)
    return answer
  }

  /** Translates the block-aligned pieces of `text` one by one and joins them with the source's spacing. */
  async function translatePieces(text: string, pieces: readonly { source: string; end: number; start: number }[], context: UnitContext, depth: number): Promise<string> {
    const translated = await Promise.all(pieces.map((piece) => translateUnit(piece.source, context, depth + 1)))
    return pieces.map((piece, i) => translated[i] + (i + 1 < pieces.length ? text.slice(piece.end, pieces[i + 1]!.start) : '')).join('')
  }

  const translator: Translator = {
    name: 'openai',
    offline: false,
    keepsLeftovers: false,
    model: llm.model,
    fingerprint: (target) => ({ model: llm.model, promptHash: promptHash(templates, target) }),
    async translateSection(job, signal): Promise<SectionResult> {
      const context: UnitContext = { job, usage: { requests: 0, promptTokens: 0, completionTokens: 0, cached: 0 }, findings: [], signal }
      // The earlier translation helps only when it covers the same text: single-chunk sections.
      const previous = job.chunks.length === 1 ? job.previous : undefined
      const settled = await Promise.allSettled(job.chunks.map((chunk, index) => translateUnit(chunk.source, context, 0, previous, job.chunkBlocks?.[index])))
      const failure = settled.find((result) => result.status === 'rejected')
      // What the section cost so far travels with the failure, so reports count it.
      if (failure) throw new SectionFailure(failure.reason, context.usage)
      const texts = settled.map((result) => (result as PromiseFulfilledResult<string>).value)
      return { ...context.usage, texts, findings: context.findings }
    },
    async translateValues(values, valueContext, signal): Promise<ValuesResult> {
      const context: UnitContext = {
        job: { file: valueContext.file, section: { index: -1, heading: 'frontmatter' } as SectionJob['section'], sourceLocale: valueContext.sourceLocale, targetLocale: valueContext.targetLocale, title: '' },
        usage: { requests: 0, promptTokens: 0, completionTokens: 0, cached: 0 },
        findings: [],
        signal,
      }
      try {
        if (values.length === 0) return { ...context.usage, values: new Map(), findings: [] }
        const input = Object.fromEntries(values.map((value) => [value.id, value.text]))
        const source = JSON.stringify(input)
        const key = cacheKey({
          kind: 'frontmatter',
          source,
          sourceLocale: valueContext.sourceLocale.code,
          targetLocale: valueContext.targetLocale.code,
          model: llm.model,
          promptHash: promptHash(templates, valueContext.targetLocale),
          entryHashes: valueContext.entries.map(entryHash),
        })
        // A record whose text is not the strings by id is a miss like any damaged one.
        const cached = await cache.get(key)
        const cachedStrings = cached ? cachedValues(cached) : undefined
        if (cachedStrings) {
          context.usage.cached++
          return { ...context.usage, values: new Map(Object.entries(cachedStrings)), findings: [] }
        }
        const messages = frontmatterMessages(templates, { source: valueContext.sourceLocale, target: valueContext.targetLocale, values: input, entries: valueContext.entries })
        let completion = await request(messages, source, context)
        let parsed: Record<string, string> | undefined
        let problems: string[] = []
        for (let attempt = 0; ; attempt++) {
          ;({ parsed, problems } = parseValues(completion, input, valueContext.targetLocale))
          if (problems.length === 0 || attempt >= repairAttempts) break
          completion = await request(repairMessages(templates, messages, completion.text, problems), source, context)
        }
        if (!parsed || problems.length > 0) {
          context.findings.push(finding('translate/frontmatter-failed', 'error', 'frontmatter-failed', context, { problems: problems.join('; ') }))
          return { ...context.usage, values: new Map(parsed ? Object.entries(parsed) : []), findings: context.findings }
        }
        await remember(key, JSON.stringify(parsed), completion, valueContext.targetLocale)
        return { ...context.usage, values: new Map(Object.entries(parsed)), findings: context.findings }
      } catch (error) {
        throw new SectionFailure(error, context.usage)
      }
    },
  }

  function parseValues(completion: Completion, input: Record<string, string>, target: LocaleInfo): { parsed: Record<string, string> | undefined; problems: string[] } {
    if (completion.finishReason === 'length') return { parsed: undefined, problems: [t('translate:problem-truncated', { lng: 'en' })] }
    const cleaned = cleanAnswer(completion.text, '').text
    const json = /\{[\s\S]*\}/.exec(cleaned)?.[0]
    let value: unknown
    try {
      value = json ? JSON.parse(json) : undefined
    } catch {
      value = undefined
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { parsed: undefined, problems: [t('translate:problem-json', { lng: 'en' })] }
    const record = value as Record<string, unknown>
    const problems: string[] = []
    const parsed: Record<string, string> = {}
    for (const [id, source] of Object.entries(input)) {
      const translated = record[id]
      if (typeof translated !== 'string' || translated.trim() === '') {
        problems.push(t('translate:problem-json-key', { lng: 'en', key: id }))
        continue
      }
      parsed[id] = translated.trim()
      problems.push(...termProblems(source, translated, target).map(problemText))
    }
    return { parsed, problems }
  }

  return {
    translator,
    scheduler,
    options: llm,
    async close() {
      await scheduler.onIdle().catch(() => {})
    },
  }
}
