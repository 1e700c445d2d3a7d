import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { captureMain } from './helpers/cli.ts'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { readLockSync } from './helpers/lock.ts'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'
import { entriesIn } from '../pipeline/glossary/match.ts'
import { isFrontmatterRequest, referenceAnswer, referenceReply } from './helpers/reference-translator.ts'
import { useFakeOpenAi, useWorkspace } from './helpers/setup.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

const fake = useFakeOpenAi({ handler: referenceReply })
// The short example (4 sections; §1 holds 久石让 and John Williams), except where the long one matters.
const workspace = useWorkspace(SHORT_EXAMPLE.source)

const env = () => fake.env({ L10N_REVIEWER: 'tester' })
const run = (args: string[]) => workspace.ws.run(args, { env: env() })
const translate = (extra: string[] = []) => run(['translate', workspace.ws.source, '--to', 'en', ...extra])
const sectionRequests = () => fake.server.requests.filter((r) => r.body && !isFrontmatterRequest(r.body))
const lockfile = () => readLockSync(workspace.ws.path('l10n.lock.yaml'))
const entry = () => lockfile().articles['examples/cn/soundtrack.md']!.en!
const output = () => readFileSync(workspace.ws.path('examples/en/soundtrack.md'), 'utf8')
const editSource = (from: string, to: string) => {
  const text = readFileSync(workspace.ws.source, 'utf8')
  expect(text).toContain(from)
  writeFileSync(workspace.ws.source, text.replace(from, to))
}

describe('reviewer workflow', () => {
  it('translate → approve all → edit one paragraph → one request → review that section → approve', async () => {
    expect((await translate()).code).toBe(0)
    expect(entry().sections).toHaveLength(4)
    expect(entry().sections.every((s) => s.status === 'draft')).toBe(true)

    const status = await run(['status', workspace.ws.source, '--to', 'en'])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain('en: draft')

    const approved = await run(['approve', workspace.ws.source, '--to', 'en', '--all'])
    expect(approved.code, approved.stderr).toBe(0)
    expect(approved.stdout).toContain('Approved 4 sections')
    expect(entry().sections.every((s) => s.status === 'approved' && s.approvedBy === 'tester')).toBe(true)
    expect(entry().frontmatter?.status).toBe('approved')
    expect((await run(['status', workspace.ws.source, '--to', 'en', '--strict'])).code).toBe(0)

    // Edit one paragraph of section 1 (久石让 stays in it).
    editSource('成为动画与跨文化配乐的典型人物', '成为动画与跨文化配乐几十年的典型人物')
    const stale = await run(['status', workspace.ws.source, '--to', 'en'])
    expect(stale.code).toBe(1)
    expect(stale.stdout).toMatch(/§1 .*stale \(source changed\)/)

    fake.server.reset()
    expect((await translate()).code).toBe(0)
    expect(sectionRequests()).toHaveLength(1)
    // The model got the earlier translation of the section as reference.
    expect(String(sectionRequests()[0]!.body!.messages![1]!.content)).toContain('<previous-translation>')

    const review = await run(['review', workspace.ws.source, '--to', 'en'])
    expect(review.code).toBe(0)
    expect(review.stdout).toContain('§1')
    expect(review.stdout).not.toMatch(/§[02-9] /)
    expect(review.stdout).toContain('{+几十年+}')
    expect(review.stdout).toMatch(/\[-.+-\]|\{\+.+\+\}/)

    const html = await run(['review', workspace.ws.source, '--to', 'en', '--html', workspace.ws.path('review.html')])
    expect(html.code).toBe(0)
    const page = readFileSync(workspace.ws.path('review.html'), 'utf8')
    expect(page).toContain('<ins')
    expect(page).toContain('<del')

    const before = entry().sections[1]!
    expect(before.status).toBe('draft')
    expect((await run(['approve', workspace.ws.source, '--to', 'en', '--section', '1', '--by', 'alice'])).code).toBe(0)
    const after = entry().sections[1]!
    expect(after).toMatchObject({ status: 'approved', approvedBy: 'alice' })
    expect(after.sourceHash).not.toBe(lockfile().articles['examples/cn/soundtrack.md']!.en!.sections[0]!.sourceHash)
    expect((await run(['status', workspace.ws.source, '--to', 'en', '--strict'])).code).toBe(0)
  })

  it('status compares prompt and model only when asked, so CI without an API key is not fooled', async () => {
    expect((await translate()).code).toBe(0)
    const ci = await workspace.ws.run(['status', workspace.ws.source, '--to', 'en'], { env: {} })
    expect(ci.code).toBe(0)
    expect(ci.stdout).toContain('en: draft (4 draft)')
    const otherModel = await run(['status', workspace.ws.source, '--to', 'en', '--model', 'gpt-4.1'])
    expect(otherModel.code).toBe(1)
    expect(otherModel.stdout).toMatch(/§0 .*stale \(prompt or model changed\)/)
    // Such sections are reused unless asked: zero requests, then all of them with --retranslate stale.
    fake.server.reset()
    expect((await translate(['--model', 'gpt-4.1'])).code).toBe(0)
    expect(fake.server.requests).toHaveLength(0)
    expect((await translate(['--model', 'gpt-4.1', '--retranslate', 'stale'])).code).toBe(0)
    expect(sectionRequests()).toHaveLength(4)
  })

  it('a hand edit survives reruns, shows as edited, and approving records it', async () => {
    expect((await translate()).code).toBe(0)
    const edited = output().replace('**John Williams**', '**John Williams** (the maestro)')
    writeFileSync(workspace.ws.path('examples/en/soundtrack.md'), edited)
    fake.server.reset()
    expect((await translate()).code).toBe(0)
    expect(fake.server.requests).toHaveLength(0)
    expect(output()).toBe(edited)

    const status = await run(['status', workspace.ws.source, '--to', 'en', '--strict'])
    expect(status.code).toBe(1)
    expect(status.stdout).toMatch(/§0 .*edited by hand/)

    // Even when the source of that very section changes, the edit is kept and flagged.
    editSource('旋律世界', '旋律的世界')
    expect((await translate()).code).toBe(0)
    expect(output()).toContain('(the maestro)')
    // Both facts are said.
    const both = await run(['status', workspace.ws.source, '--to', 'en'])
    expect(both.stdout).toMatch(/§0 .*edited by hand; the source changed since/)

    const approved = await run(['approve', workspace.ws.source, '--to', 'en', '--section', '0'])
    expect(approved.code, approved.stderr).toBe(0)
    expect(entry().sections[0]!.status).toBe('approved')
    fake.server.reset()
    expect((await translate()).code).toBe(0)
    expect(fake.server.requests).toHaveLength(0)
    expect(output()).toContain('(the maestro)')
  })

  it('a section inserted in the middle makes exactly one request', async () => {
    expect((await translate()).code).toBe(0)
    editSource('## 音乐与银幕边界的消解', '## 新增的一节\n\n这是插入的新段落，介绍**约翰·威廉姆斯**。\n\n## 音乐与银幕边界的消解')
    fake.server.reset()
    expect((await translate()).code).toBe(0)
    expect(fake.server.requests).toHaveLength(1)
    expect(entry().sections).toHaveLength(5)
    expect(output()).toContain('John Williams')
  })

  it('a glossary entry change re-translates only the sections containing it', async () => {
    expect((await translate()).code).toBe(0)
    const shipped = readFileSync('glossary/music.yaml', 'utf8')
    const changed = shipped.replace(/en: Joe Hisaishi\n/, 'en: Hisaishi Joe\n')
    expect(changed).not.toBe(shipped)
    writeFileSync(workspace.ws.path('glossary.yaml'), changed)
    const glossary = parseGlossary(changed, 'glossary.yaml')
    const containing = split(parse(readFileSync(workspace.ws.source, 'utf8'), 'cn.md')).filter((section) =>
      entriesIn(section.source, glossary).some((entry) => entry.source === '久石让'),
    )
    expect(containing.length).toBeGreaterThan(0)
    expect(containing.length).toBeLessThan(4)
    fake.server.reset()
    fake.server.setHandler((body) => ({ content: referenceAnswer(body).replaceAll('Joe Hisaishi', 'Hisaishi Joe') }))
    const rerun = await translate(['--glossary', workspace.ws.path('glossary.yaml')])
    expect(rerun.code, rerun.stdout).toBe(0)
    expect(sectionRequests()).toHaveLength(containing.length)
    expect(output()).toContain('Hisaishi Joe')
  })

  it('translation memory: imported pairs are never paid for again', async () => {
    // The long pair imports too (the README's `memory import` block runs on the short one).
    const long = await run(['memory', 'import', 'examples/cn/soundtrack.md', 'examples/en/soundtrack.md'])
    expect(long.code, long.stderr).toBe(0)
    expect(long.stdout).toMatch(/Stored \d+ sections/)
    const imported = await run(['memory', 'import', SHORT_EXAMPLE.source, SHORT_EXAMPLE.reference])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('Stored 4 sections')
    const result = await translate()
    expect(result.code).toBe(0)
    expect(sectionRequests()).toHaveLength(0)
    expect(output()).toContain('John Williams')
  })

  it('approve refuses sections with error findings unless --force, and says why', async () => {
    fake.server.setHandler((body) => ({ content: referenceAnswer(body).replace('**John Williams**', '**Johnny Williams**') }))
    expect((await translate()).code).toBe(1)
    const refused = await run(['approve', workspace.ws.source, '--to', 'en', '--all'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/Refused §0 .*glossary\/(locked-form-missing|wrong-form)/s)
    expect(entry().sections[0]!.status).toBe('draft')
    expect((await run(['approve', workspace.ws.source, '--to', 'en', '--section', '0', '--force'])).code).toBe(0)
    expect(entry().sections[0]!.status).toBe('approved')
  })

  it('concurrent approve and translate never corrupt the lockfile', async () => {
    // The long example: six sections to approve, and a translate long enough to overlap them.
    cpSync('examples/cn/soundtrack.md', workspace.ws.source)
    expect((await translate()).code).toBe(0)
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([
        translate(['--retranslate', 'all', '--no-cache']),
        run(['approve', workspace.ws.source, '--to', 'en', '--section', String(2 * round)]),
        run(['approve', workspace.ws.source, '--to', 'en', '--section', String(2 * round + 1)]),
      ])
      expect(results.map((r) => r.code)).toEqual([0, 0, 0])
      const lock = entry()
      expect(lock.sections).toHaveLength(10)
      for (let i = 0; i <= 2 * round + 1; i++) expect(lock.sections[i]!.status).toBe('approved')
      expect(lock.sections.slice(2 * round + 2).every((s) => s.status === 'draft')).toBe(true)
    }
    expect(workspace.ws.files().filter((file) => file.endsWith('.tmp') || file.endsWith('.lock'))).toEqual([])
  })

  it('status lists every section not approved once any is approved, or with --strict', async () => {
    expect((await translate()).code).toBe(0)
    // Fresh drafts are summed up…
    const fresh = await run(['status', workspace.ws.source, '--to', 'en'])
    expect(fresh.stdout).not.toMatch(/§\d/)
    // …unless --strict asks for every one.
    const strict = await run(['status', workspace.ws.source, '--to', 'en', '--strict'])
    expect(strict.stdout.match(/^ {2}§\d+ .*: draft \(not yet approved\)$/gm)).toHaveLength(4)
    expect((await run(['approve', workspace.ws.source, '--to', 'en', '--section', '0'])).code).toBe(0)
    const partly = await run(['status', workspace.ws.source, '--to', 'en'])
    expect(partly.code).toBe(0)
    expect(partly.stdout).not.toMatch(/§0 /)
    for (let i = 1; i < 4; i++) expect(partly.stdout).toMatch(new RegExp(`§${i} .*: draft \\(not yet approved\\)`))
  })

  it('review and approve say that sections were added or removed, and status counts removed ones', async () => {
    expect((await translate()).code).toBe(0)
    const text = readFileSync(workspace.ws.source, 'utf8')
    const last = text.indexOf('## 从默片伴奏到数字宇宙')
    expect(last).toBeGreaterThan(0)
    writeFileSync(workspace.ws.source, text.slice(0, last))
    for (const command of [['review'], ['approve', '--all']]) {
      const refused = await run([...command, workspace.ws.source, '--to', 'en'])
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain('sections were added or removed')
      expect(refused.stderr).not.toContain('sections waiting')
    }
    const status = await run(['status', workspace.ws.source, '--to', 'en'])
    expect(status.code).toBe(1)
    expect(status.stdout).toContain('en: stale')
    expect(status.stdout).toContain('1 section of the translation is no longer in the source')
  })

  it('frontmatter hand edits and source changes show in status and review; approve records them', async () => {
    expect((await translate()).code).toBe(0)
    const fresh = await run(['status', workspace.ws.source, '--to', 'en'])
    expect(fresh.stdout).toContain('frontmatter: draft (not yet approved)')
    expect((await run(['approve', workspace.ws.source, '--to', 'en', '--all'])).code).toBe(0)
    const approved = await run(['status', workspace.ws.source, '--to', 'en', '--strict'])
    expect(approved.code).toBe(0)
    expect(approved.stdout).not.toContain('frontmatter:')

    // A reviewer rewrites the title in the output.
    const title = 'A Musical Journey into the Soul of Legendary Soundtracks and Film Scores'
    expect(output()).toContain(`title: ${title}`)
    writeFileSync(workspace.ws.path('examples/en/soundtrack.md'), output().replace(`title: ${title}`, 'title: Legendary Soundtracks and Film Scores'))
    const edited = await run(['status', workspace.ws.source, '--to', 'en', '--strict'])
    expect(edited.code).toBe(1)
    expect(edited.stdout).toContain('en: edited by hand')
    expect(edited.stdout).toContain('frontmatter: edited by hand (not yet approved)')
    // A rerun keeps the edit and makes no request.
    fake.server.reset()
    expect((await translate()).code).toBe(0)
    expect(fake.server.requests).toHaveLength(0)
    expect(output()).toContain('title: Legendary Soundtracks and Film Scores')

    const review = await run(['review', workspace.ws.source, '--to', 'en'])
    expect(review.code).toBe(0)
    expect(review.stdout).toContain('Frontmatter — edited by hand (edited)')
    expect(review.stdout).not.toMatch(/§-1/)
    expect(review.stdout).toContain('[-A Musical Journey into the Soul of -]')
    expect(review.stdout).toContain('the frontmatter need')

    // --frontmatter approves the edited strings as they are.
    const approving = await run(['approve', workspace.ws.source, '--to', 'en', '--frontmatter'])
    expect(approving.code, approving.stderr).toBe(0)
    expect(approving.stdout).toContain('Approved the frontmatter')
    expect(entry().frontmatter).toMatchObject({ status: 'approved', approvedBy: 'tester' })
    expect((await run(['status', workspace.ws.source, '--to', 'en', '--strict'])).code).toBe(0)

    // The source title changes: stale until translated, and review shows the old → new source.
    editSource('title: 音乐盛宴之旅 探秘传奇原声带与影视配乐的灵魂', 'title: 音乐盛宴之旅 探秘传奇原声带')
    const stale = await run(['status', workspace.ws.source, '--to', 'en'])
    expect(stale.code).toBe(1)
    expect(stale.stdout).toContain('en: stale')
    expect(stale.stdout).toContain('frontmatter: stale (source changed)')
    const sourceReview = await run(['review', workspace.ws.source, '--to', 'en'])
    expect(sourceReview.stdout).toContain('Frontmatter — source changed')
    expect(sourceReview.stdout).toContain('title: 音乐盛宴之旅 探秘传奇原声带[-与影视配乐的灵魂-]')
    const refused = await run(['approve', workspace.ws.source, '--to', 'en', '--frontmatter'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('run l10n translate first')
  })
})

describe('status, review and approve with l10n.config.yaml', () => {
  let root: string
  let cwd: string
  beforeEach(() => {
    cwd = process.cwd()
    root = mkdtempSync(join(tmpdir(), 'l10n-workflow-config-'))
    cpSync(SHORT_EXAMPLE.source, join(root, 'content/knowledge-cn/soundtrack.md'))
    writeFileSync(
      join(root, 'l10n.config.yaml'),
      ['contentRoot: content', 'sourceLocale: cn', 'sourcePattern: knowledge-{locale}/{slug}.md', 'targetLocales: [en]', ''].join('\n'),
    )
  })
  afterEach(() => {
    process.chdir(cwd)
    rmSync(root, { recursive: true, force: true })
  })

  async function cli(args: string[]) {
    return captureMain(args, { env: { ...env(), L10N_LANG: 'en' } })
  }

  it('finds the lockfile, outputs and state through the config in the current folder', async () => {
    process.chdir(root)
    const synced = await cli(['sync'])
    expect(synced.code, synced.stdout + synced.stderr).toBe(0)
    // Everything of the config lives beside it; the state folder too.
    expect(Object.keys(readLockSync(join(root, 'l10n.lock.yaml')).articles)).toContain('content/knowledge-cn/soundtrack.md')
    expect(readFileSync(join(root, 'content/knowledge-en/soundtrack.md'), 'utf8')).toContain('locale: en')
    // Files that are no articles: a hidden folder, and a broken file in it.
    mkdirSync(join(root, 'content/knowledge-cn/.drafts'), { recursive: true })
    writeFileSync(join(root, 'content/knowledge-cn/.drafts/broken.md'), '---\ntitle: [unclosed\n---\n\ntext\n')

    for (const args of [['status', 'content/knowledge-cn'], ['status', 'content/knowledge-cn', '--to', 'en']]) {
      const status = await cli(args)
      expect(status.code, status.stdout + status.stderr).toBe(0)
      expect(status.stdout).toContain('content/knowledge-cn/soundtrack.md → en: draft')
      expect(status.stdout).not.toContain('untracked')
      expect(status.stdout).not.toContain('broken')
    }
    const review = await cli(['review', 'content/knowledge-cn/soundtrack.md'])
    expect(review.code, review.stderr).toBe(0)
    expect(review.stdout).toContain('sections and the frontmatter need review')
    const approved = await cli(['approve', 'content/knowledge-cn/soundtrack.md', '--all', '--by', 'alice'])
    expect(approved.code, approved.stderr).toBe(0)
    expect((await cli(['status', 'content/knowledge-cn', '--strict'])).code).toBe(0)
  })

  it('never reads the state folder as articles, even when it lies in the content', async () => {
    const config = join(root, 'l10n.config.yaml')
    const state = join(root, 'content/knowledge-cn/state')
    expect((await cli(['sync', '--config', config, '--state-dir', state])).code).toBe(0)
    // The section texts are Markdown files under the state folder.
    expect(Object.keys(readLockSync(join(root, 'l10n.lock.yaml')).articles)).toContain('content/knowledge-cn/soundtrack.md')
    const status = await cli(['status', join(root, 'content/knowledge-cn'), '--config', config, '--state-dir', state])
    expect(status.code, status.stdout + status.stderr).toBe(0)
    expect(status.stdout.trim().split('\n').filter((line) => line.includes('→'))).toHaveLength(1)
    const again = await cli(['sync', join(root, 'content/knowledge-cn'), '--config', config, '--state-dir', state, '--frozen'])
    expect(again.code, again.stdout + again.stderr).toBe(0)
  })
})
