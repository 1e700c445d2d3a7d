import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../pipeline/cli/main.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

// The short example pair (the first test checks the long one, as shipped).
const SOURCE = SHORT_EXAMPLE.source
const reference = readFileSync(SHORT_EXAMPLE.reference, 'utf8')
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'l10n-check-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function check(args: string[], lang = 'en') {
  let stdout = ''
  let stderr = ''
  const code = await main(['check', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false, env: { L10N_LANG: lang } })
  return { code, stdout, stderr }
}
function target(text: string): string {
  const path = join(dir, 'en.md')
  writeFileSync(path, text)
  return path
}

describe('l10n check (command line)', () => {
  it('passes the reference translation with exit code 0', async () => {
    for (const pair of [['examples/cn/soundtrack.md', 'examples/en/soundtrack.md'], [SOURCE, SHORT_EXAMPLE.reference]]) {
      const run = await check(pair)
      expect(run.code, pair.join(' ')).toBe(0)
      expect(run.stdout).toMatch(/no problems found/i)
    }
  })

  it('exits 1 on errors and reports them as JSON with places', async () => {
    const dropped = reference.replace(/\n\nIn the Asian context[^\n]*/, '')
    expect(dropped).not.toBe(reference)
    const run = await check([SOURCE, target(dropped), '--format', 'json'])
    expect(run.code).toBe(1)
    const report = JSON.parse(run.stdout)
    expect(report.summary.error).toBeGreaterThan(0)
    const finding = report.findings.find((f: { ruleId: string }) => f.ruleId === 'sections/paragraph-count')
    expect(finding).toMatchObject({ severity: 'error', section: 1 })
    // In §1 (lines 29–33 of the source).
    expect(finding.sourcePosition.line).toBeGreaterThanOrEqual(29)
    expect(finding.sourcePosition.line).toBeLessThanOrEqual(33)
  })

  it('exits 1 on warnings only with --strict, and a config can switch a rule off', async () => {
    const fewerItalics = reference.replace('*main theme*', 'main theme')
    expect(fewerItalics).not.toBe(reference)
    const path = target(fewerItalics)
    // Dropped emphasis is an error by default; a config can make it a warning...
    expect((await check([SOURCE, path])).code).toBe(1)
    writeFileSync(join(dir, 'l10n.config.yaml'), 'check:\n  rules:\n    inline/emphasis-count: warning\n')
    const lenient = await check([SOURCE, path, '--config', join(dir, 'l10n.config.yaml')])
    expect(lenient.code).toBe(0)
    expect(lenient.stdout).toContain('inline/emphasis-count')
    expect((await check([SOURCE, path, '--strict', '--config', join(dir, 'l10n.config.yaml')])).code).toBe(1)
    // ...or switch it off.
    writeFileSync(join(dir, 'l10n.config.yaml'), 'check:\n  rules:\n    inline/emphasis-count: off\n')
    const configured = await check([SOURCE, path, '--strict', '--config', join(dir, 'l10n.config.yaml')])
    expect(configured.code).toBe(0)
    expect(configured.stdout).not.toContain('inline/emphasis-count')
  })

  it('prints a Markdown table for pull-request comments', async () => {
    const run = await check([SOURCE, target(reference.replace('John Williams', 'Johnny Williams')), '--format', 'markdown'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/\|.*glossary\/(wrong-form|locked-form-missing).*\|/)
  })

  it('exits 2 on unreadable input or bad usage, naming the file', async () => {
    const missing = await check([SOURCE, join(dir, 'nope.md')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/nope\.md: file not found/)
    expect((await check([SOURCE])).code).toBe(2)
    expect((await check([SOURCE, SHORT_EXAMPLE.reference, '--format', 'xml'])).code).toBe(2)
  })

  it('speaks Chinese when asked', async () => {
    const run = await check([SOURCE, target(reference.replace('John Williams', 'Johnny Williams'))], 'zh-CN')
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/[错误]/)
  })
})
