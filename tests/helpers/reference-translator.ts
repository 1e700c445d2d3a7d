/**
 * A scripted "model" for the fake server: answers each request with the English
 * reference translation (`examples/en/soundtrack.md`) of exactly the blocks it was sent,
 * so a faultless run must reproduce the reference file byte for byte. Tests wrap it to
 * inject faults. The short fixture pair (`tests/fixtures/short/`, see {@link SHORT_EXAMPLE})
 * is answered the same way.
 */
import { readFileSync } from 'node:fs'
import { parseMarkdown } from '../../pipeline/article/markdown.ts'
import { parse } from '../../pipeline/article/parse.ts'
import { findLeftovers } from '../../pipeline/article/lint.ts'
import { parseDocument } from 'yaml'
import type { ChatRequestBody, Reply } from './fake-openai.ts'
import { parseGlossary } from '../../pipeline/glossary/load.ts'
import { requireLocale, type LocaleInfo } from '../../pipeline/article/locales.ts'
import { pseudoLocalize, pseudoText } from '../../pipeline/translate/pseudo.ts'
import { lockedSpans } from '../../pipeline/translate/translator.ts'
import { SHORT_EXAMPLE } from './short-example.ts'

const glossary = parseGlossary(readFileSync('glossary/music.yaml', 'utf8'), 'glossary/music.yaml')
const english = requireLocale('en')

const source = parse(readFileSync('examples/cn/soundtrack.md', 'utf8'), 'cn.md')
const target = parse(readFileSync('examples/en/soundtrack.md', 'utf8'), 'en.md')
const shortSource = parse(readFileSync(SHORT_EXAMPLE.source, 'utf8'), 'short-cn.md')
const shortTarget = parse(readFileSync(SHORT_EXAMPLE.reference, 'utf8'), 'short-en.md')

function blocks(article: typeof source): string[] {
  return article.tree.children
    .map((node) => article.body.slice(node.position!.start.offset!, node.position!.end.offset!))
    .filter((text) => !(findLeftovers(text).length > 0 && text.replace(/[【（(][^】）)]*[】）)]/g, '').trim() === ''))
}

function blockPairs(from: typeof source, to: typeof source): Array<[string, string]> {
  const sourceBlocks = blocks(from)
  const targetBlocks = blocks(to)
  if (sourceBlocks.length !== targetBlocks.length) throw new Error(`reference blocks differ: ${sourceBlocks.length} vs ${targetBlocks.length}`)
  return sourceBlocks.map((block, i) => [block, targetBlocks[i]!])
}
const blockTranslation = new Map([...blockPairs(source, target), ...blockPairs(shortSource, shortTarget)])

const sourceMeta = parseDocument(source.frontmatter.yaml).toJS() as Record<string, unknown>
const targetMeta = parseDocument(target.frontmatter.yaml).toJS() as Record<string, unknown>

/** The source text between the `<source>` delimiters of the first user message. */
export function requestedSource(body: ChatRequestBody): string {
  const user = String((body.messages ?? []).find((message) => message.role === 'user')?.content ?? '')
  const match = /<(source(?:-\d+)?)>\n([\s\S]*)\n<\/\1>/.exec(user)
  if (!match) throw new Error(`no source in request: ${user.slice(0, 200)}`)
  return match[2]!
}

/** True when the request translates frontmatter values (a JSON object). */
export function isFrontmatterRequest(body: ChatRequestBody): boolean {
  return requestedSource(body).startsWith('{')
}

/** The target locale a request asks for (from the system message). */
export function requestedLocale(body: ChatRequestBody): LocaleInfo {
  const system = String((body.messages ?? []).find((message) => message.role === 'system')?.content ?? '')
  const tag = /into .+? \(([\w-]+)\)\./.exec(system)?.[1]
  return tag ? requireLocale(tag) : english
}

/**
 * The reference English for a requested Markdown piece (block by block); for other
 * target locales, or blocks the reference lacks, a pseudo-translation with the target's
 * locked glossary names.
 */
export function referenceMarkdown(markdown: string, target: LocaleInfo = english): string {
  const tree = parseMarkdown(markdown)
  return tree.children
    .map((node) => {
      const text = markdown.slice(node.position!.start.offset!, node.position!.end.offset!)
      // Blocks the reference does not have (edited in a test) get a pseudo-translation
      // with the glossary's locked names, so they still pass the checks.
      const reference = target.code === 'en' ? blockTranslation.get(text) : undefined
      return reference ?? pseudoLocalize(text, (piece) => lockedSpans(piece, glossary, target))
    })
    .join('\n\n')
}

/** The reference English for a frontmatter JSON request (pseudo for other values and locales). */
export function referenceValues(json: string, target: LocaleInfo = english): string {
  const values = JSON.parse(json) as Record<string, string>
  const out: Record<string, string> = {}
  for (const [id, text] of Object.entries(values)) {
    const [key, index] = id.split('.')
    const source = sourceMeta[key!]
    const sourceValue = index === undefined ? source : (source as string[] | undefined)?.[Number(index)]
    const value = targetMeta[key!]
    const reference = index === undefined ? value : (value as string[] | undefined)?.[Number(index)]
    out[id] = target.code === 'en' && sourceValue === text && typeof reference === 'string' ? reference : pseudoText(text, lockedSpans(text, glossary, target))
  }
  return JSON.stringify(out, null, 2)
}

// Answers are a pure function of the requested text and locale, and the sync and workflow
// tests ask for the same pieces run after run: parse and pseudo-localize each piece once.
const answers = new Map<string, string>()

/** The faultless answer to any request of a run. */
export function referenceAnswer(body: ChatRequestBody): string {
  const text = requestedSource(body)
  const target = requestedLocale(body)
  const key = `${target.code}\n${text}`
  let answer = answers.get(key)
  if (answer === undefined) {
    answer = isFrontmatterRequest(body) ? referenceValues(text, target) : referenceMarkdown(text, target)
    answers.set(key, answer)
  }
  return answer
}

/** A reply with the reference answer and plausible usage. */
export function referenceReply(body: ChatRequestBody): Reply {
  const content = referenceAnswer(body)
  return { content, usage: { prompt_tokens: 500, completion_tokens: Math.ceil(content.length / 4) } }
}
