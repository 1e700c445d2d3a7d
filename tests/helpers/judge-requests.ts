/**
 * The judge's requests as the fake server sees them: how to tell them from translation
 * requests and which aligned pairs they carry (the rubric in prompts/judge lists them as
 * JSON lines between `<pairs>` tags).
 */
import type { ChatRequestBody } from './fake-openai.ts'

/** One aligned pair in a judge request. */
export interface JudgeItem {
  id: string
  source: string
  target: string
}

/** Whether a request is the judge's: its rubric's opening words. */
export const isJudgeRequest = (body: ChatRequestBody): boolean => (body.messages ?? []).some((m) => String(m.content).startsWith('You review translations'))

/** The pairs of a judge request, in the order the prompt lists them. */
export function judgeItemsOf(body: ChatRequestBody): JudgeItem[] {
  const text = (body.messages ?? []).map((m) => String(m.content)).join('\n')
  const inside = /<pairs>\n([\s\S]*)\n<\/pairs>/.exec(text)?.[1] ?? ''
  return inside
    .split('\n')
    .filter((line) => line.startsWith('{"id"'))
    .map((line) => JSON.parse(line) as JudgeItem)
}

/** A judge that finds a mistranslation in the first pair of every request, so its verdicts show in the lock records' error counts. */
export function firstPairFlagged(body: ChatRequestBody): string {
  return JSON.stringify({
    pairs: judgeItemsOf(body).map((item, k) => ({
      id: item.id,
      issues: k === 0 ? [{ category: 'mistranslation', source: item.source.slice(0, 4), target: item.target.slice(0, 8), explanation: 'Says something else.' }] : [],
    })),
  })
}
