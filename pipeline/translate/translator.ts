/**
 * The translator contract between the orchestrator and a provider, and the two offline
 * providers: `pseudo` (visible pseudo-localization) and `identity` (copies the source,
 * for round-trip checks). The LLM provider lives in `openai.ts`.
 */
import type { FrontmatterText } from '../article/frontmatter.ts'
import type { Glossary, GlossaryEntry } from '../glossary/model.ts'
import type { LocaleInfo } from '../article/locales.ts'
import { pseudoLocalize, pseudoText, type LockedSpan, type PseudoOptions } from './pseudo.ts'
import { findTerms } from '../glossary/match.ts'
import { lockedForm } from '../glossary/model.ts'
import type { Chunk, Finding, Section } from '../article/types.ts'
import type { RootContent } from 'mdast'

/** Names of the providers the CLI knows. */
export type ProviderName = 'pseudo' | 'identity' | 'openai'

/** One section to translate, with everything a prompt may need. */
export interface SectionJob {
  file: string
  section: Section
  /** The section's chunks, leftovers already left out. */
  chunks: Chunk[]
  sourceLocale: LocaleInfo
  targetLocale: LocaleInfo
  /** Article title in the source language, for context. */
  title: string
  /** Glossary entries that occur in this section (only those). */
  entries: GlossaryEntry[]
  /** The earlier translation of this section (its source changed): reference wording for the model. */
  previous?: string
  /** A reviewer's note for the model, given when they sent the section back. */
  note?: string
  /**
   * Per chunk, its blocks as parsed with the article (offsets minus `base` are offsets
   * into the chunk), so checking an answer parses only the answer; undefined where the
   * chunk must be parsed alone to check it the same way.
   */
  chunkBlocks?: ReadonlyArray<ChunkBlocks | undefined>
}

/** A chunk's top-level blocks from its article's tree; `base` is the chunk's offset in the body. */
export interface ChunkBlocks {
  nodes: readonly RootContent[]
  base: number
}

/** Usage counters every provider reports (zero for offline ones). */
export interface Usage {
  requests: number
  promptTokens: number
  completionTokens: number
  /** Units answered from the cache. */
  cached: number
}

/** No requests, no tokens, nothing cached. */
export const NO_USAGE: Readonly<Usage> = Object.freeze({ requests: 0, promptTokens: 0, completionTokens: 0, cached: 0 })

/**
 * A section (or the frontmatter strings) that could not be translated, with what it
 * cost until then: requests already sent may be billed, so reports and budgets count
 * them. `cause` is the error that stopped it (a `ProviderError`, a budget stop, an
 * abort...); the orchestrator reports that error, never this wrapper.
 */
export class SectionFailure extends Error {
  readonly usage: Usage
  override readonly cause: unknown

  constructor(cause: unknown, usage: Usage) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'SectionFailure'
    this.cause = cause
    this.usage = { ...usage }
  }
}

/** A translated section: one text per chunk, plus findings the provider could not repair. */
export interface SectionResult extends Usage {
  texts: string[]
  findings: Finding[]
}

/** Translated frontmatter strings by {@link FrontmatterText.id}. */
export interface ValuesResult extends Usage {
  values: Map<string, string>
  findings: Finding[]
}

/** What every provider implements. */
export interface Translator {
  readonly name: ProviderName
  /** True when no model is involved: the output is not a translation. */
  readonly offline: boolean
  /** Whether generator leftovers stay in the output (identity keeps the source whole). */
  readonly keepsLeftovers: boolean
  /** The model behind the provider, for reports. */
  readonly model: string | undefined
  /** What the lockfile records as "made with": a changed prompt or model marks sections stale. */
  fingerprint(target: LocaleInfo): { model: string | undefined; promptHash: string }
  /** Rejects with a {@link SectionFailure} when it fails after spending anything. */
  translateSection(job: SectionJob, signal: AbortSignal): Promise<SectionResult>
  /** Rejects like {@link Translator.translateSection}. */
  translateValues(
    values: readonly FrontmatterText[],
    context: { file: string; sourceLocale: LocaleInfo; targetLocale: LocaleInfo; entries: GlossaryEntry[] },
    signal: AbortSignal,
  ): Promise<ValuesResult>
}

/** Glossary spans of a text as locked target forms (used by pseudo). */
export function lockedSpans(text: string, glossary: Glossary | undefined, target: LocaleInfo): LockedSpan[] {
  if (!glossary) return []
  return findTerms(text, glossary).flatMap((match) => {
    const form = lockedForm(match.entry, target.code)
    return form === undefined ? [] : [{ start: match.start, end: match.end, form }]
  })
}

/** A source in Latin or Cyrillic script has no Han characters to mark: its letters are disguised instead. */
function pseudoOptions(source: LocaleInfo): PseudoOptions {
  return { accentLatin: source.script === 'Latn' || source.script === 'Cyrl' }
}

/** Pseudo-localization: markup kept, text runs marked ⟦…⟧, locked names in their target form. */
export function createPseudoTranslator(glossary: Glossary | undefined): Translator {
  return {
    name: 'pseudo',
    offline: true,
    keepsLeftovers: false,
    model: undefined,
    fingerprint: () => ({ model: 'pseudo', promptHash: 'pseudo-1' }),
    async translateSection(job) {
      const options = pseudoOptions(job.sourceLocale)
      const texts = job.chunks.map((chunk) => pseudoLocalize(chunk.source, (text) => lockedSpans(text, glossary, job.targetLocale), options))
      return { ...NO_USAGE, texts, findings: [] }
    },
    async translateValues(values, context) {
      const options = pseudoOptions(context.sourceLocale)
      const translated = new Map(values.map((value) => [value.id, pseudoText(value.text, lockedSpans(value.text, glossary, context.targetLocale), options)]))
      return { ...NO_USAGE, values: translated, findings: [] }
    },
  }
}

/** Identity: the source text unchanged, for byte-for-byte round-trip checks. */
export function createIdentityTranslator(): Translator {
  return {
    name: 'identity',
    offline: true,
    keepsLeftovers: true,
    model: undefined,
    fingerprint: () => ({ model: 'identity', promptHash: 'identity-1' }),
    async translateSection(job) {
      return { ...NO_USAGE, texts: job.chunks.map((chunk) => chunk.source), findings: [] }
    },
    async translateValues(values) {
      return { ...NO_USAGE, values: new Map(values.map((value) => [value.id, value.text])), findings: [] }
    },
  }
}
