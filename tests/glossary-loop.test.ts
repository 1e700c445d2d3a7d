/**
 * The whole term-base loop on a temporary copy of the example tree, against the fake
 * OpenAI server: extract → suggest → accept → translate, every accepted name locked in
 * every occurrence of the draft; audit finds a name rendered two ways across two
 * articles; CSV and TBX round trips through the CLI are byte-stable.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createWorkspace, type Workspace } from './helpers/cli.ts'
import { startFakeOpenAi, type ChatRequestBody, type FakeOpenAi, type Reply } from './helpers/fake-openai.ts'
import { isFrontmatterRequest, requestedLocale, requestedSource } from './helpers/reference-translator.ts'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'
import { loadGlossaryFiles, parseGlossary } from '../pipeline/glossary/load.ts'
import { countForm, findTerms } from '../pipeline/glossary/match.ts'
import { lockedForm, type Glossary } from '../pipeline/glossary/model.ts'
import { parseProposals } from '../pipeline/glossary/proposals.ts'
import { contentHash } from '../pipeline/shared/hash.ts'
import { pseudoLocalize, pseudoText } from '../pipeline/translate/pseudo.ts'
import { lockedSpans } from '../pipeline/translate/translator.ts'

let server: FakeOpenAi
let ws: Workspace
/** The glossary the scripted model translates with (the run's, once accepted). */
let modelGlossary: Glossary | undefined

const userText = (body: ChatRequestBody) => String((body.messages ?? []).filter((m) => m.role === 'user').pop()?.content ?? '')
/** A deterministic Latin form for a name the article gives none for. */
const latinFor = (source: string) => `N${contentHash(source).slice(0, 6).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}`

function model(body: ChatRequestBody): Reply {
  const user = userText(body)
  if (user.includes('<names>\n')) {
    const items = user.split('<names>\n')[1]!.split('\n</names>')[0]!.split('\n').map((line) => JSON.parse(line) as { id: string; source: string; given?: string })
    // Chatter and a fence around the JSON, as models do; one name it does not know.
    const answer = Object.fromEntries(items.map((item) => [item.id, item.source === '王羽佳' ? { en: null } : { en: item.given ?? latinFor(item.source) }]))
    return { content: 'Here are the forms:\n```json\n' + JSON.stringify(answer) + '\n```' }
  }
  const text = requestedSource(body)
  const target = requestedLocale(body)
  if (isFrontmatterRequest(body)) {
    const values = JSON.parse(text) as Record<string, string>
    return { content: JSON.stringify(Object.fromEntries(Object.entries(values).map(([id, value]) => [id, pseudoText(value, lockedSpans(value, modelGlossary, target))]))) }
  }
  return { content: pseudoLocalize(text, (piece) => lockedSpans(piece, modelGlossary, target)) }
}

beforeAll(async () => {
  server = await startFakeOpenAi({ handler: model })
})
afterAll(async () => server.close())
beforeEach(() => {
  server.reset()
  ws = createWorkspace()
  cpSync('tests/fixtures/articles/classical.md', ws.path('examples/cn/classical.md'))
})
afterEach(() => ws.remove())

const env = () => ({ OPENAI_BASE_URL: server.baseURL, L10N_MAX_RETRIES: '1', L10N_TIMEOUT_MS: '5000' })
const place = () => ['--state-dir', ws.path('.l10n'), '--proposals', ws.path('proposals.yaml')]
const glossaryRun = (args: string[], extraEnv: Record<string, string> = {}) => ws.run(['glossary', ...args, ...place()], { env: { ...env(), ...extraEnv } })

describe('the term-base loop', () => {
  it('extract → suggest → accept → translate locks every accepted name in every occurrence', async () => {
    const classical = ws.path('examples/cn/classical.md')
    const site = ws.path('glossary/site.yaml')

    const extracted = await glossaryRun(['extract', classical, ws.source])
    expect(extracted.code, extracted.stderr).toBe(0)
    expect(extracted.stdout).toMatch(/candidates in 2 articles/)
    const proposals = parseProposals(readFileSync(ws.path('proposals.yaml'), 'utf8'), 'proposals.yaml').proposals
    // The shipped glossary covers the example's names: they are not proposed again.
    expect(proposals.some((proposal) => proposal.source === '约翰·威廉姆斯')).toBe(false)
    expect(proposals.find((proposal) => proposal.source === '马友友')).toMatchObject({ kind: 'performer', given: 'Yo-Yo Ma', status: 'proposed' })

    // Offline, only what the article gives.
    const offline = await glossaryRun(['suggest', '--to', 'en', '--provider', 'pseudo'])
    expect(offline.code, offline.stderr).toBe(0)
    expect(server.requests).toHaveLength(0)
    let file = parseProposals(readFileSync(ws.path('proposals.yaml'), 'utf8'), 'p')
    expect(file.proposals.find((p) => p.source === '马友友')).toMatchObject({ targets: { en: 'Yo-Yo Ma' }, suggestedBy: { en: 'article' } })
    expect(file.proposals.find((p) => p.source === '郎朗')!.targets).toEqual({})

    // Through the model: batched JSON requests, recorded as the model's proposals.
    const suggested = await glossaryRun(['suggest', '--to', 'en', '--provider', 'openai'])
    expect(suggested.code, suggested.stderr).toBe(0)
    expect(suggested.stderr).toContain('These are proposals')
    const open = file.proposals.filter((p) => p.status === 'proposed' && p.targets.en === undefined).length
    expect(server.requests).toHaveLength(Math.ceil(open / 20))
    expect(server.requests.filter((request) => userText(request.body!).includes('"source":"郎朗"'))).toHaveLength(1)
    file = parseProposals(readFileSync(ws.path('proposals.yaml'), 'utf8'), 'p')
    expect(file.proposals.find((p) => p.source === '郎朗')).toMatchObject({ targets: { en: latinFor('郎朗') }, suggestedBy: { en: 'gpt-4o-mini' } })
    expect(file.proposals.find((p) => p.source === '马友友')!.suggestedBy).toEqual({ en: 'article' })
    expect(file.proposals.find((p) => p.source === '王羽佳')!.targets).toEqual({})
    // Asked again: answered from the cache, nothing sent.
    server.reset()
    writeFileSync(ws.path('proposals.yaml'), readFileSync(ws.path('proposals.yaml'), 'utf8'))
    const again = await glossaryRun(['suggest', '--to', 'de', '--provider', 'pseudo'])
    expect(again.code).toBe(0)
    expect(server.requests).toHaveLength(0)

    // Reject one, accept the names (not the generic terms) into the site glossary.
    expect((await glossaryRun(['reject', '赵成珍'])).code).toBe(0)
    const kinds = ['composer', 'performer', 'ensemble', 'work', 'venue', 'award']
    const accepted = await glossaryRun(['accept', '--all', ...kinds.flatMap((kind) => ['--kind', kind]), '--into', site])
    expect(accepted.code, accepted.stderr).toBe(0)
    expect(accepted.stderr).toContain('not accepted: "王羽佳" has no target yet')
    const siteGlossary = parseGlossary(readFileSync(site, 'utf8'), site)
    const sources = siteGlossary.entries.map((entry) => entry.source)
    expect(sources).toContain('马友友')
    expect(sources).toContain('柏林爱乐乐团')
    expect(sources).not.toContain('赵成珍')
    expect(sources).not.toContain('王羽佳')
    expect(siteGlossary.entries.length).toBeGreaterThan(50)
    const left = parseProposals(readFileSync(ws.path('proposals.yaml'), 'utf8'), 'p').proposals
    expect(left.find((p) => p.source === '赵成珍')?.status).toBe('rejected')
    expect(left.some((p) => p.source === '马友友')).toBe(false)

    // Translate with both glossaries through the fake server.
    const glossaries = ['--glossary', 'glossary/music.yaml', '--glossary', site]
    modelGlossary = await loadGlossaryFiles(['glossary/music.yaml', site])
    server.reset()
    const translated = await ws.run(['translate', classical, '--to', 'en', ...glossaries, '--report', ws.path('report.json')], { env: env() })
    expect(translated.code, translated.stdout + translated.stderr).toBe(0)
    const draft = parse(readFileSync(ws.path('examples/en/classical.md'), 'utf8'), 'en.md')
    const source = parse(readFileSync(classical, 'utf8'), 'cn.md')
    const sourceSections = split(source)
    const draftSections = split(draft)
    expect(draftSections).toHaveLength(sourceSections.length)
    let occurrences = 0
    sourceSections.forEach((section, index) => {
      const counts = new Map<string, number>()
      for (const match of findTerms(section.source, siteGlossary)) counts.set(match.entry.source, (counts.get(match.entry.source) ?? 0) + 1)
      for (const [name, count] of counts) {
        const entry = siteGlossary.entries.find((candidate) => candidate.source === name)!
        const form = lockedForm(entry, 'en')!
        occurrences += count
        expect(countForm(draftSections[index]!.source, form), `§${index} ${name} → ${form}`).toBeGreaterThanOrEqual(count)
      }
    })
    expect(occurrences).toBeGreaterThan(50)
    const report = JSON.parse(readFileSync(ws.path('report.json'), 'utf8'))
    expect(report.run.articles[0].names.locked).toBeGreaterThan(50)
    expect(report.run.articles[0].findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([])

    // status counts each article's names: locked, proposed, not covered.
    const status = await ws.run(['status', classical, '--to', 'en', ...glossaries, '--proposals', ws.path('proposals.yaml')])
    expect(status.stdout).toMatch(/names in .*classical\.md: \d+ \(\d+ locked, \d+ proposed, \d+ not covered\)/)
  }, 60_000)

  it('audit finds a name rendered two ways across two articles and proposes the majority form', async () => {
    mkdirSync(ws.path('examples/en'), { recursive: true })
    const article = (body: string, locale = 'cn') => `---\ntitle: t\nlocale: ${locale}\n---\n\n## A\n\n${body}\n`
    writeFileSync(ws.path('examples/cn/a.md'), article('**马友友**演奏了*巴赫无伴奏大提琴组曲*。\n\n后来**马友友**又来了。'))
    writeFileSync(ws.path('examples/cn/b.md'), article('**马友友**在**卡内基音乐厅**演出。'))
    writeFileSync(ws.path('examples/en/a.md'), article('**Yo-Yo Ma** played the *Bach Cello Suites*.\n\nLater **Yo-Yo Ma** came back.', 'en'))
    writeFileSync(ws.path('examples/en/b.md'), article('**Yo Yo Ma** played at **Carnegie Hall**.', 'en'))
    const run = await glossaryRun(['audit', '--to', 'en', ws.path('examples/cn/a.md'), ws.path('examples/cn/b.md'), '--out-root', ws.dir, '--lockfile', ws.path('l10n.lock.yaml')])
    expect(run.code, run.stderr).toBe(1)
    expect(run.stdout).toContain('"马友友" (en) is rendered "Yo-Yo Ma" ×2')
    expect(run.stdout).toContain('"Yo Yo Ma" ×1')
    expect(run.stdout).toContain('proposed: "Yo-Yo Ma"')
    expect(run.stdout).toContain('1 names rendered more than one way')
    const proposals = parseProposals(readFileSync(ws.path('proposals.yaml'), 'utf8'), 'p').proposals
    expect(proposals).toEqual([expect.objectContaining({ source: '马友友', targets: { en: 'Yo-Yo Ma' }, suggestedBy: { en: 'audit' } })])
    // Rendered one way everywhere: nothing to report.
    writeFileSync(ws.path('examples/en/b.md'), article('**Yo-Yo Ma** played at **Carnegie Hall**.', 'en'))
    const clean = await glossaryRun(['audit', '--to', 'en', ws.path('examples/cn/a.md'), ws.path('examples/cn/b.md'), '--out-root', ws.dir, '--lockfile', ws.path('l10n.lock.yaml'), '--no-propose'])
    expect(clean.code).toBe(0)
  })

  it('CSV and TBX round trips through the CLI are byte-stable', async () => {
    for (const format of ['csv', 'tbx']) {
      const first = ws.path(`first.${format}`)
      const second = ws.path(`second.${format}`)
      const into = ws.path(`imported-${format}.yaml`)
      expect((await glossaryRun(['export', '--glossary', 'glossary/music.yaml', '--out', first])).code).toBe(0)
      const imported = await glossaryRun(['import', first, '--into', into, '--no-glossary'])
      expect(imported.code, imported.stderr).toBe(0)
      expect(imported.stdout).toContain('63 entries read: 63 added')
      expect((await glossaryRun(['export', '--glossary', into, '--out', second])).code).toBe(0)
      expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'))
    }
    // Importing again merges: nothing new, and a conflicting target is refused, naming both places.
    const csv = readFileSync(ws.path('first.csv'), 'utf8').replace('John Williams', 'Johnny W.')
    writeFileSync(ws.path('conflict.csv'), csv)
    const conflict = await glossaryRun(['import', ws.path('conflict.csv'), '--into', ws.path('imported-csv.yaml'), '--no-glossary'])
    expect(conflict.code).toBe(2)
    expect(conflict.stderr).toMatch(/redefines the en target of .*imported-csv\.yaml:\d+: "Johnny W\." here, "John Williams" there/)
    expect(existsSync(ws.path('imported-csv.yaml'))).toBe(true)
  })
})
