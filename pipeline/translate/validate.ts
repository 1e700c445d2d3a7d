/**
 * Answer validation beyond structure: signs that a model did not translate the text it
 * was given — an answer far outside the length a faithful translation has (the check's
 * `text/length-extreme`), an answer not in the target language (the check's language
 * guess), an answer that repeats its instructions or talks to the user (an obeyed
 * injection). Pure; each problem has a weight, so the provider can keep the attempt with
 * the fewest and least severe problems.
 */
import type { LocaleInfo } from '../article/locales.ts'
import type { Finding } from '../article/types.ts'
import { otherLanguage } from '../check/language.ts'
import { formatMessage, t } from '../shared/i18n.ts'

/** One thing wrong with an answer, as a message for the model and a weight for ranking attempts. */
export interface AnswerProblem {
  /** A key of `locales/<lang>/translate.json` (rendered in English for the model). */
  messageId: string
  values?: Record<string, unknown>
  /** How bad it is; attempts are ranked by the sum. See {@link PROBLEM_WEIGHTS}. */
  weight: number
}

/**
 * Weights of problem kinds. An empty or non-translation answer is worse than a broken
 * structure, which is worse than one missing name: a repair that lost the structure
 * must not replace a first answer that only missed a name.
 */
export const PROBLEM_WEIGHTS = {
  empty: 100,
  tooDeep: 50,
  notTranslation: 40,
  structure: 10,
  language: 20,
  length: 20,
  term: 3,
} as const

/** A problem as the model reads it (in English, like the prompts). */
export function problemText(problem: AnswerProblem): string {
  return t(problem.messageId, { lng: 'en', ...problem.values })
}

/** The sum of the weights: lower is better. */
export function problemScore(problems: readonly AnswerProblem[]): number {
  return problems.reduce((sum, problem) => sum + problem.weight, 0)
}

/**
 * The error findings of the section check as problems, in English for the model. A
 * length far outside anything real (`text/length-extreme`: a summary, a chat answer, an
 * added essay) weighs as a sign of no translation, the rest as broken structure.
 */
export function checkProblems(findings: readonly Finding[]): AnswerProblem[] {
  return findings
    .filter((finding) => finding.severity === 'error')
    .map((finding) => ({
      messageId: 'translate:problem-check',
      values: { text: formatMessage(finding, 'en') },
      weight: finding.ruleId === 'text/length-extreme' ? PROBLEM_WEIGHTS.length : PROBLEM_WEIGHTS.structure,
    }))
}

/** Letters outside code, URLs and HTML tags: what a reader reads. */
function prose(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```|~~~[\s\S]*?~~~/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/\]\([^)\s]*\)/g, ']')
    .replace(/<[^>\n]*>/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
}

/** An answer whose prose reads as another language than the target's (see `otherLanguage`). */
export function languageProblem(answer: string, target: LocaleInfo): AnswerProblem | undefined {
  if (otherLanguage(prose(answer), target) === undefined) return undefined
  return { messageId: 'translate:problem-not-target-language', values: { language: target.name }, weight: PROBLEM_WEIGHTS.language }
}

/** Openings of an assistant talking to the user, not of a translated article. */
const CHAT_OPENING = /^(?:(?:sure|okay|ok|alright)[.!,]|i(?:'m| am) sorry\b|as an ai\b|as a language model\b|my (?:system )?(?:prompt|instructions)\b|i (?:can(?:not|'t)|won't) (?:help|translate|comply)\b|i(?:'ll| will) (?:now )?translate\b)/i
/** The same openings in a source, which a faithful translation may then have too. */
const SOURCE_CHAT_OPENING = /^(?:好的|好|当然|没问题|抱歉|对不起|作为|这是|以下|我(?:会|将|可以|不能|无法))/

/** Words of at least this many in a row shared with the instructions make an echo. */
const ECHO_WORDS = 8

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []

/** Word n-grams of a text (joined by spaces). */
function grams(text: string, n: number): Set<string> {
  const list = words(text)
  const out = new Set<string>()
  for (let i = 0; i + n <= list.length; i++) out.add(list.slice(i, i + n).join(' '))
  return out
}

const instructionGrams = new Map<string, Set<string>>()

/**
 * Signs of an obeyed instruction instead of a translation: the answer repeats
 * {@link ECHO_WORDS} words in a row of the instructions (`instructions`, the system
 * message) that the source does not have, or opens like an assistant talking to the
 * user ("Sure.", "My system prompt says…", "I'm sorry") where the source does not.
 */
export function injectionProblem(source: string, answer: string, instructions: string): AnswerProblem | undefined {
  let known = instructionGrams.get(instructions)
  if (!known) {
    known = grams(instructions, ECHO_WORDS)
    if (instructionGrams.size > 64) instructionGrams.clear()
    instructionGrams.set(instructions, known)
  }
  const sourceGrams = grams(source, ECHO_WORDS)
  for (const gram of grams(answer, ECHO_WORDS)) {
    if (known.has(gram) && !sourceGrams.has(gram)) return { messageId: 'translate:problem-instructions-echoed', weight: PROBLEM_WEIGHTS.notTranslation }
  }
  // Paragraph openings: an injection answered in place of one paragraph keeps the rest.
  const openings = (text: string) => text.split(/\n\s*\n/).map((block) => block.trimStart().replace(/^[#>*_\-\s]+/, ''))
  const sourceChats = openings(source).some((opening) => CHAT_OPENING.test(opening) || SOURCE_CHAT_OPENING.test(opening))
  if (sourceChats) return undefined
  const chat = openings(answer).find((opening) => CHAT_OPENING.test(opening))
  if (chat !== undefined) return { messageId: 'translate:problem-chat', values: { opening: chat.slice(0, 40) }, weight: PROBLEM_WEIGHTS.notTranslation }
  return undefined
}
