import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseGlossary } from '../pipeline/glossary.ts'
import { parseLockfile } from '../pipeline/lockfile.ts'
import { parse } from '../pipeline/parse.ts'
import { split } from '../pipeline/split.ts'
import { entriesIn } from '../pipeline/terms.ts'
import { createWorkspace, type Workspace } from './helpers/cli.ts'
import { startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai.ts'
import { isFrontmatterRequest, referenceAnswer, referenceReply } from './helpers/reference-translator.ts'

let server: FakeOpenAi
let ws: Workspace
beforeAll(async () => {
  server = await startFakeOpenAi({ handler: referenceReply })
})
afterAll(async () => server.close())
beforeEach(() => {
  server.reset()
  ws = createWorkspace()
})
afterEach(() => ws.remove())

const env = () => ({ OPENAI_BASE_URL: server.baseURL, L10N_REVIEWER: 'tester' })
const run = (args: string[]) => ws.run(args, { env: env() })
const translate = (extra: string[] = []) => run(['translate', ws.source, '--to', 'en', ...extra])
const sectionRequests = () => server.requests.filter((r) => r.body && !isFrontmatterRequest(r.body))
const lockfile = () => parseLockfile(readFileSync(ws.path('l10n.lock.yaml'), 'utf8'), 'l10n.lock.yaml')
const entry = () => lockfile().articles['examples/cn/soundtrack.md']!.en!
const output = () => readFileSync(ws.path('examples/en/soundtrack.md'), 'utf8')
const editSource = (from: string, to: string) => {
  const text = readFileSync(ws.source, 'utf8')
  expect(text).toContain(from)
  writeFileSync(ws.source, text.replace(from, to))
}

describe('reviewer workflow', () => {
  it('translate → approve all → edit one paragraph → one request → review that section → approve', async () => {
    expect((await translate()).code).toBe(0)
    expect(entry().sections).toHaveLength(10)
    expect(entry().sections.every((s) => s.status === 'draft')).toBe(true)

    const status = await run(['status', ws.source, '--to', 'en'])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain('en: draft')

    const approved = await run(['approve', ws.source, '--to', 'en', '--all'])
    expect(approved.code, approved.stderr).toBe(0)
    expect(approved.stdout).toContain('Approved 10 sections')
    expect(entry().sections.every((s) => s.status === 'approved' && s.approvedBy === 'tester')).toBe(true)
    expect(entry().frontmatter?.status).toBe('approved')
    expect((await run(['status', ws.source, '--to', 'en', '--strict'])).code).toBe(0)

    // Edit one paragraph of section 4 (久石让 stays in it).
    editSource('成为动画与跨文化配乐的典型人物', '成为动画与跨文化配乐几十年的典型人物')
    const stale = await run(['status', ws.source, '--to', 'en'])
    expect(stale.code).toBe(1)
    expect(stale.stdout).toMatch(/§4 .*stale \(source changed\)/)

    server.reset()
    expect((await translate()).code).toBe(0)
    expect(sectionRequests()).toHaveLength(1)
    // The model got the earlier translation of the section as reference.
    expect(String(sectionRequests()[0]!.body!.messages![1]!.content)).toContain('<previous-translation>')

    const review = await run(['review', ws.source, '--to', 'en'])
    expect(review.code).toBe(0)
    expect(review.stdout).toContain('§4')
    expect(review.stdout).not.toMatch(/§[0-35-9] /)
    expect(review.stdout).toContain('{+几十年+}')
    expect(review.stdout).toMatch(/\[-.+-\]|\{\+.+\+\}/)

    const html = await run(['review', ws.source, '--to', 'en', '--html', ws.path('review.html')])
    expect(html.code).toBe(0)
    const page = readFileSync(ws.path('review.html'), 'utf8')
    expect(page).toContain('<ins')
    expect(page).toContain('<del')

    const before = entry().sections[4]!
    expect(before.status).toBe('draft')
    expect((await run(['approve', ws.source, '--to', 'en', '--section', '4', '--by', 'alice'])).code).toBe(0)
    const after = entry().sections[4]!
    expect(after).toMatchObject({ status: 'approved', approvedBy: 'alice' })
    expect(after.sourceHash).not.toBe(lockfile().articles['examples/cn/soundtrack.md']!.en!.sections[3]!.sourceHash)
    expect((await run(['status', ws.source, '--to', 'en', '--strict'])).code).toBe(0)
  })

  it('status compares prompt and model only when asked, so CI without an API key is not fooled', async () => {
    expect((await translate()).code).toBe(0)
    const ci = await ws.run(['status', ws.source, '--to', 'en'], { env: {} })
    expect(ci.code).toBe(0)
    expect(ci.stdout).toContain('en: draft (10 draft)')
    const otherModel = await run(['status', ws.source, '--to', 'en', '--model', 'gpt-4.1'])
    expect(otherModel.code).toBe(1)
    expect(otherModel.stdout).toMatch(/§0 .*stale \(prompt or model changed\)/)
    // Such sections are reused unless asked: zero requests, then all of them with --retranslate stale.
    server.reset()
    expect((await translate(['--model', 'gpt-4.1'])).code).toBe(0)
    expect(server.requests).toHaveLength(0)
    expect((await translate(['--model', 'gpt-4.1', '--retranslate', 'stale'])).code).toBe(0)
    expect(sectionRequests()).toHaveLength(10)
  })

  it('a hand edit survives reruns, shows as edited, and approving records it', async () => {
    expect((await translate()).code).toBe(0)
    const edited = output().replace('**John Williams**', '**John Williams** (the maestro)')
    writeFileSync(ws.path('examples/en/soundtrack.md'), edited)
    server.reset()
    expect((await translate()).code).toBe(0)
    expect(server.requests).toHaveLength(0)
    expect(output()).toBe(edited)

    const status = await run(['status', ws.source, '--to', 'en', '--strict'])
    expect(status.code).toBe(1)
    expect(status.stdout).toMatch(/§0 .*edited by hand/)

    // Even when the source of that very section changes, the edit is kept and flagged.
    editSource('旋律世界', '旋律的世界')
    expect((await translate()).code).toBe(0)
    expect(output()).toContain('(the maestro)')

    const approved = await run(['approve', ws.source, '--to', 'en', '--section', '0'])
    expect(approved.code, approved.stderr).toBe(0)
    expect(entry().sections[0]!.status).toBe('approved')
    server.reset()
    expect((await translate()).code).toBe(0)
    expect(server.requests).toHaveLength(0)
    expect(output()).toContain('(the maestro)')
  })

  it('a section inserted in the middle makes exactly one request', async () => {
    expect((await translate()).code).toBe(0)
    editSource('## 万千面孔', '## 新增的一节\n\n这是插入的新段落，介绍**约翰·威廉姆斯**。\n\n## 万千面孔')
    server.reset()
    expect((await translate()).code).toBe(0)
    expect(server.requests).toHaveLength(1)
    expect(entry().sections).toHaveLength(11)
    expect(output()).toContain('John Williams')
  })

  it('a glossary entry change re-translates only the sections containing it', async () => {
    expect((await translate()).code).toBe(0)
    const shipped = readFileSync('glossary/music.yaml', 'utf8')
    const changed = shipped.replace(/en: Joe Hisaishi\n/, 'en: Hisaishi Joe\n')
    expect(changed).not.toBe(shipped)
    writeFileSync(ws.path('glossary.yaml'), changed)
    const glossary = parseGlossary(changed, 'glossary.yaml')
    const containing = split(parse(readFileSync(ws.source, 'utf8'), 'cn.md')).filter((section) =>
      entriesIn(section.source, glossary).some((entry) => entry.source === '久石让'),
    )
    expect(containing.length).toBeGreaterThan(0)
    expect(containing.length).toBeLessThan(10)
    server.reset()
    server.setHandler((body) => ({ content: referenceAnswer(body).replaceAll('Joe Hisaishi', 'Hisaishi Joe') }))
    const rerun = await translate(['--glossary', ws.path('glossary.yaml')])
    expect(rerun.code, rerun.stdout).toBe(0)
    expect(sectionRequests()).toHaveLength(containing.length)
    expect(output()).toContain('Hisaishi Joe')
  })

  it('translation memory: imported pairs are never paid for again', async () => {
    const imported = await run(['memory', 'import', 'examples/cn/soundtrack.md', 'examples/en/soundtrack.md'])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('Stored 10 sections')
    const result = await translate()
    expect(result.code).toBe(0)
    expect(sectionRequests()).toHaveLength(0)
    expect(output()).toContain('John Williams')
  })

  it('approve refuses sections with error findings unless --force, and says why', async () => {
    server.setHandler((body) => ({ content: referenceAnswer(body).replace('**John Williams**', '**Johnny Williams**') }))
    expect((await translate()).code).toBe(1)
    const refused = await run(['approve', ws.source, '--to', 'en', '--all'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/Refused §0 .*glossary\/(locked-form-missing|wrong-form)/s)
    expect(entry().sections[0]!.status).toBe('draft')
    expect((await run(['approve', ws.source, '--to', 'en', '--section', '0', '--force'])).code).toBe(0)
    expect(entry().sections[0]!.status).toBe('approved')
  })

  it('concurrent approve and translate never corrupt the lockfile', async () => {
    expect((await translate()).code).toBe(0)
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([
        translate(['--retranslate', 'all', '--no-cache']),
        run(['approve', ws.source, '--to', 'en', '--section', String(2 * round)]),
        run(['approve', ws.source, '--to', 'en', '--section', String(2 * round + 1)]),
      ])
      expect(results.map((r) => r.code)).toEqual([0, 0, 0])
      const lock = entry()
      expect(lock.sections).toHaveLength(10)
      for (let i = 0; i <= 2 * round + 1; i++) expect(lock.sections[i]!.status).toBe('approved')
      expect(lock.sections.slice(2 * round + 2).every((s) => s.status === 'draft')).toBe(true)
    }
    expect(ws.files().filter((file) => file.endsWith('.tmp') || file.endsWith('.lock'))).toEqual([])
  })
})
