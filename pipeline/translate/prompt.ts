/**
 * prompt: chat messages for a section, a repair and the frontmatter, from the template
 * files in `prompts/`. The fixed part (system message: rules and style of the target
 * language) comes first and is identical for every request of a language pair, so
 * provider-side prompt caching can reuse it; the per-request data follows.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../shared/package-root.ts'
import type { GlossaryEntry } from '../glossary/model.ts'
import { lockedForm } from '../glossary/model.ts'
import { contentHash } from '../shared/hash.ts'
import type { ChatMessage } from './llm.ts'
import type { LocaleInfo } from '../article/locales.ts'

/** The template texts; `style` maps a site locale code (or `default`) to its style note. */
export interface PromptTemplates {
  system: string
  user: string
  previous: string
  repair: string
  frontmatter: string
  /** Wraps a reviewer's note for the model (`{{note}}`); appended to the section request. */
  note: string
  style: Record<string, string>
}

/** The prompts shipped with the tool. */
export const DEFAULT_PROMPTS_DIR = join(PACKAGE_ROOT, 'prompts')

/** Reads the templates of a prompts folder (`system.md`, `user.md`, ..., `style/<locale>.md`). */
export function loadPrompts(dir: string = DEFAULT_PROMPTS_DIR): PromptTemplates {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8')
  const styleDir = join(dir, 'style')
  const style: Record<string, string> = {}
  if (existsSync(styleDir)) {
    for (const name of readdirSync(styleDir)) if (name.endsWith('.md')) style[name.slice(0, -3)] = read(join('style', name))
  }
  // note.md is optional, so a prompts folder made before it existed still loads.
  const note = existsSync(join(dir, 'note.md')) ? read('note.md') : readFileSync(join(DEFAULT_PROMPTS_DIR, 'note.md'), 'utf8')
  return { system: read('system.md'), user: read('user.md'), previous: read('previous.md'), repair: read('repair.md'), frontmatter: read('frontmatter.md'), note, style }
}

/**
 * Fills `{{name}}` placeholders in one pass, so text inserted for one placeholder is
 * never scanned for others (a source containing `{{title}}` stays as it is).
 */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole)
}

/**
 * The prompt hash recorded with every translation: templates used for this target locale.
 * `note.md` is left out: it is used only for sections a reviewer sent back, which are
 * translated again anyway, and changing it must not make every other draft look stale.
 */
export function promptHash(templates: PromptTemplates, target: LocaleInfo): string {
  return contentHash(templates.system, templates.user, templates.previous, templates.repair, templates.frontmatter, styleFor(templates, target))
}

function styleFor(templates: PromptTemplates, target: LocaleInfo): string {
  return templates.style[target.code] ?? templates.style.default ?? ''
}

/** A delimiter tag that does not occur in the text, so the data cannot close it early. */
export function delimiterFor(text: string): string {
  let tag = 'source'
  for (let n = 2; text.includes(`<${tag}`) || text.includes(`</${tag}`); n++) tag = `source-${n}`
  return tag
}

/** The glossary lines of a prompt: only the entries of this section, in their locked form. */
export function glossaryLines(entries: readonly GlossaryEntry[], target: LocaleInfo): string {
  const lines = entries.flatMap((entry) => {
    const form = lockedForm(entry, target.code)
    return form === undefined ? [] : [`- ${entry.source} → ${form}`]
  })
  return lines.length > 0 ? lines.join('\n') : '- (none)'
}

/** Everything a section prompt is made from. */
export interface SectionPromptInput {
  source: LocaleInfo
  target: LocaleInfo
  title: string
  heading: string | null
  entries: readonly GlossaryEntry[]
  text: string
  /** The earlier translation of this section, when the source changed (reviewer workflow). */
  previous?: string
  /** A reviewer's note for the model (the section was sent back with it). */
  note?: string
}

function languageValues(source: LocaleInfo, target: LocaleInfo, templates: PromptTemplates): Record<string, string> {
  return {
    sourceLanguage: source.name,
    sourceTag: source.tag,
    targetLanguage: target.name,
    targetTag: target.tag,
    style: styleFor(templates, target).trim(),
  }
}

/** The system message for a language pair (the cacheable fixed part). */
export function systemMessage(templates: PromptTemplates, source: LocaleInfo, target: LocaleInfo): ChatMessage {
  return { role: 'system', content: fill(templates.system, languageValues(source, target, templates)).trim() }
}

/** Messages translating one section (or one chunk of it). */
export function sectionMessages(templates: PromptTemplates, input: SectionPromptInput): ChatMessage[] {
  const tag = delimiterFor(input.text + (input.previous ?? '') + (input.note ?? ''))
  const user = fill(templates.user, {
    ...languageValues(input.source, input.target, templates),
    title: input.title || '-',
    heading: input.heading ?? '-',
    glossary: glossaryLines(input.entries, input.target),
    previous: input.previous ? fill(templates.previous, { previous: input.previous }) : '',
    tag,
    text: input.text,
  })
  // The note comes last, after the text, where the model reads it as the final instruction.
  const note = input.note?.trim() ? `\n\n${fill(templates.note, { note: input.note.trim() }).trim()}` : ''
  return [systemMessage(templates, input.source, input.target), { role: 'user', content: user.trim() + note }]
}

/** Messages asking to fix an answer: the original request, the answer, and the problems. */
export function repairMessages(templates: PromptTemplates, original: ChatMessage[], answer: string, problems: readonly string[]): ChatMessage[] {
  return [
    ...original,
    { role: 'assistant', content: answer },
    { role: 'user', content: fill(templates.repair, { problems: problems.map((problem) => `- ${problem}`).join('\n') }).trim() },
  ]
}

/** Messages translating frontmatter strings, sent as one JSON object. */
export function frontmatterMessages(
  templates: PromptTemplates,
  input: { source: LocaleInfo; target: LocaleInfo; values: Record<string, string>; entries: readonly GlossaryEntry[] },
): ChatMessage[] {
  const text = JSON.stringify(input.values, null, 2)
  const user = fill(templates.frontmatter, {
    ...languageValues(input.source, input.target, templates),
    glossary: glossaryLines(input.entries, input.target),
    tag: delimiterFor(text),
    text,
  })
  return [systemMessage(templates, input.source, input.target), { role: 'user', content: user.trim() }]
}
