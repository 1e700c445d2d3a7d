/**
 * Name coverage where reviewers see it: the sync report (JSON and Markdown) says per
 * article how many names the glossary locks, how many are proposed and how many nothing
 * covers; and `glossary learn` at the CLI turns an approved draft's renderings into
 * proposals.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseProposals } from '../pipeline/glossary/proposals.ts'
import { treeConfig } from '../scripts/generate-tree.ts'
import { captureMain, createWorkspace, type Workspace } from './helpers/cli.ts'

async function cli(args: string[]) {
  return captureMain(args, { env: { L10N_LANG: 'en' } })
}

describe('the sync report counts names per article', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'l10n-names-report-'))
    mkdirSync(join(root, 'src/content/knowledge-cn'), { recursive: true })
    cpSync('examples/cn/soundtrack.md', join(root, 'src/content/knowledge-cn/soundtrack.md'))
    cpSync('tests/fixtures/articles/mayday.md', join(root, 'src/content/knowledge-cn/mayday.md'))
    writeFileSync(join(root, 'l10n.config.yaml'), treeConfig(['en'], 'provider: pseudo'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('as locked, proposed (on the proposals file) and not covered, in JSON and Markdown', async () => {
    const config = ['--config', join(root, 'l10n.config.yaml'), '--state-dir', join(root, '.l10n')]
    const mayday = join(root, 'src/content/knowledge-cn/mayday.md')
    // Propose the Mayday article's names (the shipped glossary locks the example's).
    const extracted = await cli(['glossary', 'extract', mayday, ...config])
    expect(extracted.code, extracted.stderr).toBe(0)
    const proposals = parseProposals(readFileSync(join(root, '.l10n/glossary-proposals.yaml'), 'utf8'), 'p').proposals
    expect(proposals.some((proposal) => proposal.source === '五月天')).toBe(true)

    // Pseudo-localization leaves the article's 「」 in place (error findings, exit 1): the
    // drafts are written all the same, and the counts are what this test is about.
    const run = await cli(['sync', ...config])
    expect(run.code, run.stdout + run.stderr).toBeLessThanOrEqual(1)
    const report = JSON.parse(readFileSync(join(root, 'reports/l10n.json'), 'utf8'))
    expect(report.run.totals.written).toBe(2)
    const names = (file: string) => report.articles.find((article: { source: string }) => article.source.endsWith(file)).names
    const example = names('soundtrack.md')
    const band = names('mayday.md')
    // The example's names are locked by the shipped glossary; the band's are proposed.
    expect(example.locked).toBeGreaterThan(40)
    expect(example.names).toBe(example.locked + example.proposed + example.notCovered)
    expect(band.proposed).toBeGreaterThan(20)
    expect(band.locked).toBeLessThan(band.proposed)
    expect(band.names).toBe(band.locked + band.proposed + band.notCovered)
    // The run report keeps the names not covered.
    expect(report.run.articles.find((article: { source: string }) => article.source.endsWith('mayday.md')).names.proposed).toBe(band.proposed)

    const markdown = readFileSync(join(root, 'reports/l10n.md'), 'utf8')
    expect(markdown).toContain('### Names')
    expect(markdown).toContain('| Article | Names | Locked | Proposed | Not covered |')
    expect(markdown).toContain(`| src/content/knowledge-cn/mayday.md | ${band.names} | ${band.locked} | ${band.proposed} | ${band.notCovered} |`)
  })
})

describe('l10n glossary learn', () => {
  let ws: Workspace
  beforeEach(() => {
    ws = createWorkspace()
  })
  afterEach(() => ws.remove())

  it('approve → learn writes the approved renderings of names no entry locks as proposals', async () => {
    const place = ['--state-dir', ws.path('.l10n'), '--proposals', ws.path('proposals.yaml'), '--out-root', ws.dir]
    // An empty glossary: every marked name of the example is unlocked, so learnable.
    writeFileSync(ws.path('empty.yaml'), 'entries: []\n')
    const glossary = ['--glossary', ws.path('empty.yaml')]
    const translated = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo', ...glossary])
    expect(translated.code, translated.stdout + translated.stderr).toBe(0)

    // Before approval nothing is learned: drafts are not reviewed work.
    const early = await ws.run(['glossary', 'learn', ws.source, '--to', 'en', ...glossary, ...place])
    expect(early.code, early.stderr).toBe(0)
    expect(early.stdout).toContain('0 names proposed')

    const approved = await ws.run(['approve', ws.source, '--to', 'en', '--all', '--by', 'tester', ...glossary])
    expect(approved.code, approved.stdout + approved.stderr).toBe(0)
    const learned = await ws.run(['glossary', 'learn', ws.source, '--to', 'en', ...glossary, ...place])
    expect(learned.code, learned.stderr).toBe(0)
    const file = parseProposals(readFileSync(ws.path('proposals.yaml'), 'utf8'), 'proposals.yaml')
    expect(file.proposals.length).toBeGreaterThan(10)
    expect(file.proposals.every((proposal) => proposal.status === 'proposed' && proposal.targets.en !== undefined)).toBe(true)
    expect(learned.stdout).toContain(`${file.proposals.length} names proposed`)
  })
})
