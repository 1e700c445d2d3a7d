import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { readLockSync } from './helpers/lock.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse } from '../pipeline/article/parse.ts'
import { split } from '../pipeline/article/split.ts'
import { createWorkspace, type Workspace } from './helpers/cli.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

// The short example; the first test pseudo-localizes the whole long one.
let ws: Workspace
beforeEach(() => {
  ws = createWorkspace(SHORT_EXAMPLE.source)
})
afterEach(() => ws.remove())

const HAN = /\p{Script=Han}/u

describe('l10n translate (offline providers)', () => {
  it('writes a pseudo-localized en draft beside the source and says which provider made it', async () => {
    cpSync('examples/cn/soundtrack.md', ws.source)
    const run = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('Provider: pseudo')
    expect(run.stdout).toMatch(/Wrote .*examples\/en\/soundtrack\.md \(en\): 10 sections/)
    const out = readFileSync(ws.path('examples/en/soundtrack.md'), 'utf8')
    const source = readFileSync(ws.source, 'utf8')
    const article = parse(out, 'en.md')
    expect(article.frontmatter.yaml).toContain('locale: en\n')
    expect(article.frontmatter.yaml).toContain('createdAt: 2025-07-30\n')
    // Every section survives, markup intact, Chinese gone, locked names in their English form.
    expect(split(article)).toHaveLength(split(parse(source, 'cn.md')).length)
    expect(out.match(/\*\*/g)?.length).toBe(source.match(/\*\*/g)?.length)
    expect(HAN.test(article.body)).toBe(false)
    expect(out).toContain('John Williams')
    expect(out).toContain('Star Wars')
    expect(out).toContain('⟦')
    // The generator leftovers are reported and left out.
    expect(out).not.toContain('当前字数')
    expect(run.stdout).toContain('lint/generator-leftover')
  })

  it('creates an output root that does not exist yet', async () => {
    const { main } = await import('../pipeline/cli/main.ts')
    let stdout = ''
    const code = await main(['translate', ws.source, '--to', 'en', '--provider', 'pseudo', '--out-root', ws.path('fresh/out'), '--out-pattern', '{locale}/{slug}.md', '--state-dir', ws.path('.l10n')], {
      stdout: (text) => void (stdout += text),
      stderr: () => {},
      isTty: false,
      env: { L10N_LANG: 'en' },
    })
    expect(code, stdout).toBe(0)
    expect(ws.files()).toContain('fresh/out/en/soundtrack.md')
    expect(ws.files()).toContain('fresh/out/l10n.lock.yaml')
  })

  it('falls back to pseudo and says so when no endpoint is configured', async () => {
    const run = await ws.run(['translate', ws.source, '--to', 'de'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('neither OPENAI_API_KEY nor OPENAI_BASE_URL is set')
  })

  it('identity provider reproduces the source with only the locale changed', async () => {
    const run = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'identity'])
    expect(run.code).toBe(0)
    const source = readFileSync(ws.source, 'utf8')
    expect(readFileSync(ws.path('examples/en/soundtrack.md'), 'utf8')).toBe(source.replace('\nlocale: cn\n', '\nlocale: en\n'))
  })

  it('writes several locales through an output pattern and a JSON report', async () => {
    const run = await ws.run(['translate', ws.source, '--to', 'de,fr', '--provider', 'pseudo', '--out-pattern', 'site/knowledge-{locale}/{slug}.md', '--report', ws.path('report.json')])
    expect(run.code).toBe(0)
    expect(readFileSync(ws.path('site/knowledge-de/soundtrack.md'), 'utf8')).toContain('locale: de')
    expect(readFileSync(ws.path('site/knowledge-fr/soundtrack.md'), 'utf8')).toContain('locale: fr')
    const report = JSON.parse(readFileSync(ws.path('report.json'), 'utf8'))
    expect(report).toMatchObject({ schemaVersion: 1, command: 'translate', dryRun: false, exitCode: 0 })
    expect(report.run.provider).toBe('pseudo')
    expect(report.run.articles.map((a: { locale: string; status: string }) => `${a.locale}:${a.status}`)).toEqual(['de:written', 'fr:written'])
  })

  it('keeps a hand edit on rerun, and overwrites it only with --force', async () => {
    expect((await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])).code).toBe(0)
    const target = ws.path('examples/en/soundtrack.md')
    // The edit ends the last paragraph, outside any bold span: a bold span must keep marking the locked name.
    const draft = readFileSync(target, 'utf8')
    const edited = draft.replace(/\s*$/, ' (a reviewer was here)\n')
    expect(edited).not.toBe(draft)
    writeFileSync(target, edited)
    const again = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])
    expect(again.code).toBe(0)
    expect(readFileSync(target, 'utf8')).toBe(edited)
    const forced = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo', '--force'])
    expect(forced.code).toBe(0)
    expect(readFileSync(target, 'utf8')).not.toContain('a reviewer was here')
  })

  it('never overwrites an output it did not write, unless --force', async () => {
    const target = ws.path('examples/en/soundtrack.md')
    mkdirSync(ws.path('examples/en'), { recursive: true })
    writeFileSync(target, 'A translation made by someone else.\n')
    const run = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('was not written by this tool')
    expect(readFileSync(target, 'utf8')).toBe('A translation made by someone else.\n')
    expect((await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo', '--force'])).code).toBe(0)
    expect(readFileSync(target, 'utf8')).toContain('locale: en')
  })

  it('reruns over its own output without complaint', async () => {
    expect((await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])).code).toBe(0)
    const again = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Unchanged')
  })

  it('pseudo-localizes a Latin-script source visibly too', async () => {
    const path = ws.path('docs/en/guide.md')
    mkdirSync(ws.path('docs/en'), { recursive: true })
    writeFileSync(path, '---\ntitle: A guide\nlocale: en\n---\n\n## First\n\nSome *text* with a [link](https://example.com/a) and `code`.\n')
    const run = await ws.run(['translate', path, '--to', 'de', '--provider', 'pseudo'])
    expect(run.code).toBe(0)
    const out = readFileSync(ws.path('docs/de/guide.md'), 'utf8')
    expect(out).toBe('---\ntitle: Á ĝúíðé\nlocale: de\n---\n\n## ⟦Ƒíŕšţ⟧\n\n⟦Šóɱé⟧ *⟦ţéẋţ⟧* ⟦ŵíţĥ á⟧ [⟦ļíñķ⟧](https://example.com/a) ⟦áñð⟧ `code`.\n')
  })

  it('speaks Chinese with --lang zh-CN', async () => {
    const run = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo', '--lang', 'zh-CN'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('提供方：pseudo')
    expect(run.stdout).toContain('已写入')
  })
})

describe('bad input: a clear message naming the place, exit 2, and no file left behind', () => {
  const write = (name: string, content: string | Uint8Array) => {
    const path = ws.path('examples/cn', name)
    writeFileSync(path, content)
    return path
  }
  const cases: [string, () => string[], RegExp][] = [
    ['a missing file', () => [ws.path('examples/cn/missing.md')], /missing\.md: file not found/],
    ['a directory', () => [ws.path('examples/cn')], /examples\/cn: is a directory/],
    ['text that is not UTF-8', () => [write('latin1.md', Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x74, 0x3a, 0x20, 0xe9, 0x0a]))], /latin1\.md: is not valid UTF-8 text \(first bad byte at offset 7\)/],
    ['no frontmatter', () => [write('bare.md', '# 标题\n\n正文\n')], /bare\.md:1:1: has no frontmatter/],
    ['invalid YAML', () => [write('yaml.md', '---\ntitle: 标题\nkeywords: [a, b\nlocale: cn\n---\n\n正文\n')], /yaml\.md:\d+:\d+: invalid YAML in the frontmatter/],
    ['a list instead of a mapping', () => [write('list.md', '---\n- a\n- b\n---\n\n正文\n')], /list\.md:2:1: invalid YAML in the frontmatter: the frontmatter must be a mapping/],
    ['executable ---js frontmatter', () => [write('js.md', '---js\n{ title: (globalThis.evaluated = true, "x"), locale: "cn" }\n---\n\n正文\n')], /js\.md:1:4: frontmatter opened with `---js` would be executed/],
    ['an empty body', () => [write('empty.md', '---\ntitle: 空\nlocale: cn\n---\n\n   \n')], /empty\.md:\d+:1: the article has no body/],
    ['no locale: key', () => [write('nolocale.md', '---\ntitle: 标题\n---\n\n正文\n')], /nolocale\.md:2:1: the frontmatter has no `locale:` key/],
    ['an unknown source locale', () => [write('zz.md', '---\ntitle: 标题\nlocale: zz\n---\n\n正文\n')], /zz\.md:3:9: unknown locale code "zz"/],
  ]

  it.each(cases)('%s', async (_name, files, message) => {
    const inputs = files()
    const before = ws.files()
    const run = await ws.run(['translate', ...inputs, '--to', 'en', '--provider', 'pseudo'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(ws.files().filter((file) => !before.includes(file) && !file.startsWith('.l10n'))).toEqual([])
    expect((globalThis as { evaluated?: boolean }).evaluated).toBeUndefined()
  })

  it('an unknown target locale', async () => {
    const run = await ws.run(['translate', ws.source, '--to', 'xx', '--provider', 'pseudo'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/unknown locale code "xx"; known codes: cn, jp, en/)
    expect(ws.files()).toEqual(['examples/cn/soundtrack.md'])
  })

  it('an output path outside the output root', async () => {
    const run = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo', '--out-pattern', '../escaped/{slug}.md'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/output path "\.\.\/escaped\/soundtrack\.md" lies outside the output root/)
    expect(ws.files()).toEqual(['examples/cn/soundtrack.md'])
  })

  it('one bad file does not stop the good one', async () => {
    mkdirSync(ws.path('examples/cn/sub'), { recursive: true })
    const run = await ws.run(['translate', ws.path('examples/cn/nope.md'), ws.source, '--to', 'en', '--provider', 'pseudo'])
    expect(run.code).toBe(2)
    expect(run.stdout).toContain('Wrote')
    expect(ws.files()).toContain('examples/en/soundtrack.md')
  })

  it('translates a file named twice once, and refuses two sources writing one output', async () => {
    const twice = await ws.run(['translate', ws.source, ws.source, '--to', 'en', '--provider', 'pseudo'])
    expect(twice.code).toBe(0)
    expect(twice.stdout.match(/Wrote/g)).toHaveLength(1)
    const other = ws.path('examples/cn/other.md')
    writeFileSync(other, readFileSync(ws.source, 'utf8'))
    const clash = await ws.run(['translate', ws.source, other, '--to', 'de', '--provider', 'pseudo', '--out-pattern', 'de/one.md'])
    expect(clash.code).toBe(2)
    expect(clash.stderr).toMatch(/writes to .*de\/one\.md, which .* writes too/)
  })

  it('translates a locale named twice once; two locales never share one output', async () => {
    const twice = await ws.run(['translate', ws.source, '--to', 'en,en', '--provider', 'pseudo'])
    expect(twice.code).toBe(0)
    expect(twice.stdout.match(/Wrote/g)).toHaveLength(1)
    const shared = await ws.run(['translate', ws.source, '--to', 'de,fr', '--provider', 'pseudo', '--out-pattern', 'out/{slug}.md'])
    expect(shared.code).toBe(2)
    expect(shared.stderr).toMatch(/writes to .*out\/soundtrack\.md, which .*soundtrack\.md → de writes too/)
    expect(readFileSync(ws.path('out/soundtrack.md'), 'utf8')).toContain('locale: de')
    expect(readLockSync(ws.path('l10n.lock.yaml')).articles['examples/cn/soundtrack.md']?.fr?.output).not.toBe('out/soundtrack.md')
  })

  it('skips the source\'s own locale and translates the others', async () => {
    const run = await ws.run(['translate', ws.source, '--to', 'cn,en', '--provider', 'pseudo'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Skipped')
    expect(ws.files()).toContain('examples/en/soundtrack.md')
  })

  it('keeps outputs inside the output root even through a symlinked folder', async () => {
    const outside = createWorkspace()
    try {
      symlinkSync(outside.dir, ws.path('escape'))
      const run = await ws.run(['translate', ws.source, '--to', 'en', '--provider', 'pseudo', '--out-pattern', 'escape/{slug}.md'])
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/lies outside the output root/)
      expect(outside.files()).toEqual(['examples/cn/soundtrack.md'])
    } finally {
      outside.remove()
    }
  })

  it('takes --lang before the command, and refuses a language it does not speak', async () => {
    const { main } = await import('../pipeline/cli/main.ts')
    let stderr = ''
    const io = { stdout: () => {}, stderr: (text: string) => void (stderr += text), isTty: false, env: {} }
    expect(await main(['--lang', 'zh-CN', 'translate', ws.path('nope.md'), '--to', 'en', '--provider', 'pseudo', '--out-root', ws.dir], io)).toBe(2)
    expect(stderr).toContain('文件不存在')
    stderr = ''
    expect(await main(['translate', '--lang', 'fr', ws.source, '--to', 'en'], io)).toBe(2)
    expect(stderr).toContain('--lang takes en or zh-CN, got "fr"')
  })

  it('usage errors name what is missing', async () => {
    expect((await ws.run(['translate', ws.source])).stderr).toMatch(/--to/)
    expect((await ws.run(['translate', '--to', 'en'])).stderr).toMatch(/at least one Markdown file/)
    expect((await ws.run(['frobnicate'])).code).toBe(2)
    expect((await ws.run(['translate', ws.source, '--to', 'en', '--bogus'])).code).toBe(2)
  })
})
