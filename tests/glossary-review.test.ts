import { describe, expect, it } from 'vitest'
import { requireLocale } from '../pipeline/article/locales.ts'
import { acceptProposals } from '../pipeline/glossary/accept.ts'
import { auditRenderings } from '../pipeline/glossary/audit.ts'
import { learnRenderings } from '../pipeline/glossary/learn.ts'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { mergeProposals, parseProposals, serializeProposals, type Proposal } from '../pipeline/glossary/proposals.ts'
import { rejectProposals } from '../pipeline/glossary/reject.ts'
import { sectionRenderings } from '../pipeline/glossary/renderings.ts'
import { offlineTargets, parseSuggestAnswer, suggestItems, suggestPrompt } from '../pipeline/glossary/suggest.ts'
import { normalizeTerm } from '../pipeline/glossary/match.ts'

const proposal = (source: string, extra: Partial<Proposal> = {}): Proposal => ({ source, aliases: [], kind: 'performer', targets: {}, status: 'proposed', count: 1, articles: ['a.md'], context: `${source}来了。`, score: 5, ...extra })
const glossary = parseGlossary('sourceLocale: cn\nentries:\n  - source: 郎朗\n    kind: performer\n    targets: { en: Lang Lang }\n', 'g.yaml')
const en = requireLocale('en')
const jp = requireLocale('jp')

describe('proposals file', () => {
  it('reads back what it writes, byte for byte, and places problems', () => {
    const text = serializeProposals({ sourceLocale: 'cn', proposals: [proposal('马友友', { given: 'Yo-Yo Ma', targets: { en: 'Yo-Yo Ma' }, suggestedBy: { en: 'article' }, signals: ['strong'] }), proposal('夜曲', { kind: 'term', status: 'rejected' })] })
    expect(text.startsWith('# Glossary proposals')).toBe(true)
    expect(serializeProposals(parseProposals(text, 'p.yaml'))).toBe(text)
    expect(() => parseProposals('entries:\n  - source: 甲\n    kind: singer\n    status: maybe\n    count: -1\n', 'p.yaml')).toThrow(/p\.yaml:3:11[\s\S]*p\.yaml:4:13[\s\S]*p\.yaml:5:12/)
  })

  it('merges fresh candidates: decisions and targets stay, counts refresh, new names come last', () => {
    const merged = mergeProposals([proposal('甲', { status: 'rejected', count: 1 }), proposal('乙', { targets: { en: 'B' } })], [proposal('乙', { count: 7 }), proposal('丙')], normalizeTerm)
    expect(merged.map((p) => [p.source, p.status, p.count, p.targets])).toEqual([['甲', 'rejected', 1, {}], ['乙', 'proposed', 7, { en: 'B' }], ['丙', 'proposed', 1, {}]])
  })
})

describe('accept and reject', () => {
  const list = [proposal('马友友', { targets: { en: 'Yo-Yo Ma' }, suggestedBy: { en: 'gpt-4o-mini' } }), proposal('王羽佳'), proposal('郎朗', { targets: { en: 'Lang Lang' } }), proposal('柏林爱乐乐团', { kind: 'ensemble', targets: { en: 'Berlin Philharmonic' } }), proposal('赵成珍', { status: 'rejected', targets: { en: 'Seong-Jin Cho' } })]

  it('accepts named or all open proposals, never without a target or twice', () => {
    const all = acceptProposals(list, { all: true }, glossary)
    expect(all.entries.map((entry) => entry.source)).toEqual(['马友友', '柏林爱乐乐团'])
    expect(all.entries[0]).toMatchObject({ targets: { en: 'Yo-Yo Ma' }, note: 'targets proposed by gpt-4o-mini' })
    expect(all.skipped).toEqual([{ source: '王羽佳', reason: 'no-targets' }, { source: '郎朗', reason: 'covered' }])
    expect(all.remaining.map((p) => p.source)).toEqual(['王羽佳', '郎朗', '赵成珍'])
    expect(acceptProposals(list, { all: true, kinds: ['ensemble'] }).entries.map((e) => e.source)).toEqual(['柏林爱乐乐团'])
    // A rejected proposal is accepted only when named.
    expect(acceptProposals(list, { terms: ['赵成珍', '无名'] })).toMatchObject({ entries: [{ source: '赵成珍' }], unknown: ['无名'] })
  })

  it('rejects and keeps the rejected proposals on file', () => {
    const result = rejectProposals(list, { terms: ['王羽佳'] })
    expect(result.rejected).toBe(1)
    expect(result.proposals.find((p) => p.source === '王羽佳')!.status).toBe('rejected')
    expect(result.proposals).toHaveLength(list.length)
  })
})

describe('suggest', () => {
  const items = suggestItems([proposal('马友友', { given: 'Yo-Yo Ma' }), proposal('郎朗')])

  it('sends each name with its kind, context and given form, as data', () => {
    const prompt = suggestPrompt('{{sourceLanguage}} → {{targetLanguages}} [{{targetCodes}}]\n<names>\n{{items}}\n</names>', items, requireLocale('cn'), [en, jp])
    expect(prompt).toBe('Simplified Chinese → English (en), Japanese (jp) [en, jp]\n<names>\n{"id":"1","source":"马友友","kind":"performer","context":"马友友来了。","given":"Yo-Yo Ma"}\n{"id":"2","source":"郎朗","kind":"performer","context":"郎朗来了。"}\n</names>')
  })

  it('reads answers with chatter and fences, drops nulls, unknown ids and locales, and says what was wrong', () => {
    const answer = parseSuggestAnswer('Sure!\n```json\n{"1": {"en": " Yo-Yo Ma ", "jp": null, "xx": "?"}, "9": {"en": "?"}}\n```', items, [en, jp])
    expect([...answer.forms]).toEqual([['1', { en: 'Yo-Yo Ma' }]])
    expect(answer.problems).toEqual(['Unknown id "9".', 'Id 2 is missing.'])
    expect(parseSuggestAnswer('no json here', items, [en]).problems).toEqual(['The answer is not one JSON object.'])
  })

  it('offline, fills Latin-script locales with what the article gives, and nothing else', () => {
    expect(offlineTargets({ source: '马友友', given: 'Yo-Yo Ma' }, [en, jp, requireLocale('ru')])).toEqual({ en: 'Yo-Yo Ma' })
    expect(offlineTargets({ source: 'Love Me Tender' }, [en])).toEqual({ en: 'Love Me Tender' })
    expect(offlineTargets({ source: '郎朗' }, [en])).toEqual({})
  })
})

describe('renderings, audit and learn', () => {
  it('pairs the marked names of a section with the marked spans of its translation, paragraph by paragraph', () => {
    expect(sectionRenderings('**马友友**演奏了《四季》和*交响配乐*。\n\n**郎朗**来了。', '**Yo-Yo Ma** played *The Four Seasons* and *film scoring*.\n\n**Lang Lang** came.')).toEqual([
      { source: '马友友', rendering: 'Yo-Yo Ma' },
      { source: '四季', rendering: 'The Four Seasons' },
      { source: '郎朗', rendering: 'Lang Lang' },
    ])
    // Marks that do not line up are not guessed.
    expect(sectionRenderings('**马友友**和**郎朗**', '**Yo-Yo Ma** and Lang Lang')).toEqual([])
  })

  it('audit reports names with two renderings and the majority; learn proposes approved renderings', () => {
    const renderings = [
      { source: '马友友', rendering: 'Yo-Yo Ma', file: 'en/a.md' },
      { source: '马友友', rendering: 'Yo-Yo Ma', file: 'en/a.md' },
      { source: '马友友', rendering: 'Yo Yo Ma', file: 'en/b.md' },
      { source: '郎朗', rendering: 'Lang Lang', file: 'en/a.md' },
      { source: '郎朗', rendering: 'Lang  Lang', file: 'en/b.md' },
    ]
    expect(auditRenderings(renderings, 'en', glossary)).toEqual([
      { source: '马友友', locale: 'en', renderings: [{ form: 'Yo-Yo Ma', count: 2, files: ['en/a.md'] }, { form: 'Yo Yo Ma', count: 1, files: ['en/b.md'] }], majority: 'Yo-Yo Ma' },
    ])
    const learned = learnRenderings(renderings, 'en', [proposal('马友友', { targets: { de: 'Yo-Yo Ma' } })], glossary)
    expect(learned).toMatchObject({ added: 0, updated: 1 })
    expect(learned.proposals[0]).toMatchObject({ targets: { de: 'Yo-Yo Ma', en: 'Yo-Yo Ma' }, suggestedBy: { en: 'review' } })
    // 郎朗 is locked already: nothing to learn.
    expect(learned.proposals).toHaveLength(1)
  })
})
