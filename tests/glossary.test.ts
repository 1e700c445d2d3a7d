import { readFileSync } from 'node:fs'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatError, isL10nError, type L10nError } from '../pipeline/shared/errors.ts'
import { formatMessage } from '../pipeline/shared/i18n.ts'
import { entryHash, lockedForm, type Glossary } from '../pipeline/glossary/model.ts'
import { formatProblem, loadGlossaryFiles, mergeGlossaries, parseGlossary, type GlossaryProblem } from '../pipeline/glossary/load.ts'
import { contentHash } from '../pipeline/shared/hash.ts'
import { entriesIn } from '../pipeline/glossary/match.ts'

const SHIPPED = 'glossary/music.yaml'
const ARTICLE = readFileSync('examples/cn/soundtrack.md', 'utf8')
const REQUIRED_LOCALES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'jp']

/** Runs `action`, expects an E_GLOSSARY error and returns it. */
function glossaryError(action: () => unknown): L10nError {
  try {
    action()
  } catch (error) {
    if (isL10nError(error, 'E_GLOSSARY')) return error
    throw error
  }
  throw new Error('expected an E_GLOSSARY error')
}

function problemsOf(error: L10nError): GlossaryProblem[] {
  return error.params.problems as GlossaryProblem[]
}

const entry = (lines: string) => `sourceLocale: cn\nentries:\n${lines}`

describe('the shipped glossary', () => {
  let glossary: Glossary
  beforeAll(async () => {
    glossary = await loadGlossaryFiles([SHIPPED])
  })

  it('loads without error', () => {
    expect(glossary.files).toEqual([SHIPPED])
    expect(glossary.entries.length).toBeGreaterThanOrEqual(55)
    expect(glossary.version).toMatch(/^[0-9a-f]{16}$/)
  })

  it('has an en/de/fr/es/it/pt/jp form for every non-keep entry', () => {
    for (const item of glossary.entries) {
      for (const locale of REQUIRED_LOCALES) {
        expect(lockedForm(item, locale), `${item.source} → ${locale}`).toBeTruthy()
      }
    }
  })

  it('keeps keep entries as written in every locale', () => {
    const keep = glossary.entries.filter((item) => item.kind === 'keep')
    expect(keep.map((item) => item.source)).toEqual(
      expect.arrayContaining(['Dolby Atmos', 'Spotify', 'Apple Music', 'Yamaha CS-80', 'Love Me Tender']),
    )
    for (const item of keep) {
      for (const locale of REQUIRED_LOCALES) expect(lockedForm(item, locale)).toBe(item.source)
    }
  })

  it('names only terms of the example article (no invented names)', () => {
    for (const item of glossary.entries) expect(ARTICLE, item.source).toContain(item.source)
    // ... and the matcher finds every one of them there.
    const found = new Set(entriesIn(ARTICLE, glossary))
    expect(glossary.entries.filter((item) => !found.has(item)).map((item) => item.source)).toEqual([])
  })

  it('locks the agreed English forms', () => {
    const en = new Map(glossary.entries.map((item) => [item.source, lockedForm(item, 'en')]))
    const expected: Record<string, string> = {
      约翰·威廉姆斯: 'John Williams',
      伯纳德·赫尔曼: 'Bernard Herrmann',
      埃尼奥·莫里康内: 'Ennio Morricone',
      久石让: 'Joe Hisaishi',
      植松伸夫: 'Nobuo Uematsu',
      马克斯·斯坦纳: 'Max Steiner',
      亨利·曼西尼: 'Henry Mancini',
      范吉利斯: 'Vangelis',
      菲尔·柯林斯: 'Phil Collins',
      霍华德·肖: 'Howard Shore',
      汉斯·季默: 'Hans Zimmer',
      猫王: 'Elvis Presley',
      西蒙与加芬克尔: 'Simon & Garfunkel',
      路德维希·戈兰松: 'Ludwig Göransson',
      艾尔顿·约翰: 'Elton John',
      宫崎骏: 'Hayao Miyazaki',
      希区柯克: 'Hitchcock',
      吉卜力工作室: 'Studio Ghibli',
      星球大战: 'Star Wars',
      惊魂记: 'Psycho',
      荒野大镖客: 'A Fistful of Dollars',
      黄金三镖客: 'The Good, the Bad and the Ugly',
      指环王三部曲: 'The Lord of the Rings trilogy',
      指环王: 'The Lord of the Rings',
      千与千寻: 'Spirited Away',
      天空之城: 'Castle in the Sky',
      最终幻想: 'Final Fantasy',
      爵士歌手: 'The Jazz Singer',
      粉红豹主题: 'The Pink Panther Theme',
      银翼杀手: 'Blade Runner',
      人猿泰山: 'Tarzan',
      狮子王: 'The Lion King',
      迈阿密风云: 'Miami Vice',
      疯狂亚洲富豪: 'Crazy Rich Asians',
      冰雪奇缘: 'Frozen',
      侏罗纪公园: 'Jurassic Park',
      哈利·波特: 'Harry Potter',
      辛德勒的名单: "Schindler's List",
      金刚: 'King Kong',
      乱世佳人: 'Gone with the Wind',
      迷魂记: 'Vertigo',
      美国往事: 'Once Upon a Time in America',
      海上钢琴师: 'The Legend of 1900',
      盗梦空间: 'Inception',
      黑暗骑士: 'The Dark Knight',
      敦刻尔克: 'Dunkirk',
      毕业生: 'The Graduate',
      黑豹: 'Black Panther',
      霹雳游侠: 'Knight Rider',
      神探加杰特: 'Inspector Gadget',
      塞尔达传说: 'The Legend of Zelda',
      阿甘正传: 'Forrest Gump',
      爱乐之城: 'La La Land',
      皇家阿尔伯特音乐厅: 'Royal Albert Hall',
      迪士尼乐园: 'Disneyland',
    }
    for (const [source, form] of Object.entries(expected)) expect(en.get(source), source).toBe(form)
  })

  it('gives each entry a stable id and the glossary a content version', () => {
    const first = glossary.entries[0]!
    expect(first.id).toBe(contentHash(first.source))
    expect(new Set(glossary.entries.map((item) => item.id)).size).toBe(glossary.entries.length)
    const again = parseGlossary(readFileSync(SHIPPED, 'utf8'), 'elsewhere.yaml')
    expect(again.version).toBe(glossary.version) // the file name and lines are not content
    const changed = parseGlossary(readFileSync(SHIPPED, 'utf8').replace('en: Spirited Away', 'en: Spirited  Away!'), SHIPPED)
    expect(changed.version).not.toBe(glossary.version)
    expect(entryHash(again.entries[0]!)).toBe(entryHash(first))
  })
})

describe('parseGlossary', () => {
  it('parses an entry with defaults', () => {
    const glossary = parseGlossary(entry('  - source: 久石让\n    kind: composer\n    targets:\n      en: Joe Hisaishi\n'), 'g.yaml')
    expect(glossary.entries).toHaveLength(1)
    const [item] = glossary.entries
    expect(item).toMatchObject({ source: '久石让', aliases: [], kind: 'composer', targets: { en: 'Joe Hisaishi' }, wrong: {}, file: 'g.yaml', line: 3 })
    expect(lockedForm(item!, 'ja')).toBeUndefined()
    expect(lockedForm(item!, 'en')).toBe('Joe Hisaishi')
  })

  it('reports a YAML syntax error with its line', () => {
    const error = glossaryError(() => parseGlossary(entry('  - source: 久石让\n    kind: [composer\n'), 'bad.yaml'))
    expect(error.file).toBe('bad.yaml')
    expect(error.line).toBeGreaterThanOrEqual(4)
    expect(error.message).toMatch(/^bad\.yaml:\d+:\d+: YAML syntax error/)
  })

  it('reports a duplicate key in YAML with its line', () => {
    const error = glossaryError(() =>
      parseGlossary(entry('  - source: 久石让\n    kind: composer\n    kind: work\n    targets: { en: Joe Hisaishi }\n'), 'dup.yaml'),
    )
    expect(error.message).toMatch(/^dup\.yaml:5:\d+: /)
  })

  it('reports a term defined twice, naming both lines, even with identical targets', () => {
    const text = entry(
      [
        '  - source: 久石让',
        '    kind: composer',
        '    targets: { en: Joe Hisaishi }',
        '  - source: 久石让',
        '    kind: composer',
        '    targets: { en: Joe Hisaishi }',
      ].join('\n'),
    )
    const error = glossaryError(() => parseGlossary(text, 'g.yaml'))
    expect(error.message).toContain('g.yaml:6:')
    expect(error.message).toContain('g.yaml:3')
    expect(error.message).toMatch(/defined twice/)
  })

  it('reports an alias that repeats another entry’s source (after normalization)', () => {
    const text = entry(
      [
        '  - source: 约翰·威廉姆斯',
        '    kind: composer',
        '    targets: { en: John Williams }',
        '  - source: 约翰·威廉斯',
        '    aliases: [约翰・威廉姆斯]',
        '    kind: composer',
        '    targets: { en: John Williams }',
      ].join('\n'),
    )
    const [problem] = problemsOf(glossaryError(() => parseGlossary(text, 'g.yaml')))
    expect(problem).toMatchObject({ file: 'g.yaml', line: 7 })
    expect(formatMessage(problem!.message)).toContain('g.yaml:3')
  })

  it('keeps its problems as messages and renders them in the language asked for, not the one loaded with', () => {
    const error = glossaryError(() => parseGlossary('sourceLocale: zh\nentrys: []\n', 'g.yaml'))
    const problems = problemsOf(error)
    expect(problems.map((problem) => problem.message.messageId).sort()).toEqual(['glossary:no-entries', 'glossary:unknown-field', 'glossary:unknown-locale'])
    expect(formatProblem(problems[0]!, 'en')).toMatch(/^g\.yaml:1:\d+: unknown locale code "zh"/)
    const chinese = formatError(error, 'zh-CN')
    expect(chinese).toMatch(/术语表中有 3 个问题/)
    expect(chinese).not.toMatch(/unknown (field|locale)/)
    expect(formatError(error, 'en')).toMatch(/3 problems in the glossary:\ng\.yaml:1:\d+: unknown locale code "zh"/)
  })

  it('reports an empty target form, an unknown locale and an unknown kind', () => {
    const cases: [string, RegExp, number][] = [
      ['  - source: 久石让\n    kind: composer\n    targets:\n      en: ""\n', /empty target form for "en"/, 6],
      ['  - source: 久石让\n    kind: composer\n    targets:\n      en:\n', /empty target form for "en"/, 6],
      ['  - source: 久石让\n    kind: composer\n    targets:\n      xx: Joe Hisaishi\n', /unknown locale code "xx" in `targets`/, 6],
      ['  - source: 久石让\n    kind: composer\n    targets: { en: Joe Hisaishi }\n    wrong: { zz: [Jo] }\n', /unknown locale code "zz" in `wrong`/, 6],
      ['  - source: 久石让\n    kind: composr\n    targets: { en: Joe Hisaishi }\n', /unknown kind "composr"/, 4],
    ]
    for (const [lines, message, line] of cases) {
      const error = glossaryError(() => parseGlossary(entry(lines), 'g.yaml'))
      expect(error.message, lines).toMatch(message)
      expect(error.message, lines).toMatch(new RegExp(`^g\\.yaml:${line}:\\d+: `))
      expect(error.line).toBe(line)
    }
  })

  it('reports unknown fields, missing source, missing targets and wrong forms equal to the locked form', () => {
    const cases: [string, RegExp, number][] = [
      ['  - source: 久石让\n    kind: composer\n    tagets: { en: Joe Hisaishi }\n', /unknown field "tagets"/, 5],
      ['  - kind: composer\n    targets: { en: Joe Hisaishi }\n', /no `source`/, 3],
      ['  - source: "  "\n    kind: composer\n    targets: { en: Joe Hisaishi }\n', /`source` is empty/, 3],
      ['  - source: 久石让\n    kind: composer\n', /has no targets/, 3],
      ['  - source: 久石让\n    kind: keep\n', /not written in Latin script/, 3],
      ['  - source: 久石让\n    kind: composer\n    targets: { en: Joe Hisaishi }\n    wrong: { en: [Joe  Hisaishi] }\n', /is the locked form itself/, 6],
      ['  - source: 久石让\n    targets: { en: Joe Hisaishi }\n', /has no `kind`/, 3],
    ]
    for (const [lines, message, line] of cases) {
      const error = glossaryError(() => parseGlossary(entry(lines), 'g.yaml'))
      expect(error.message, lines).toMatch(message)
      expect(error.line, lines).toBe(line)
    }
    const top = glossaryError(() => parseGlossary('sourceLocale: cn\nentrys: []\n', 'g.yaml'))
    expect(top.message).toMatch(/unknown field "entrys"/)
    const locale = glossaryError(() => parseGlossary('sourceLocale: zh\nentries: []\n', 'g.yaml'))
    expect(locale.message).toMatch(/^g\.yaml:1:\d+: unknown locale code "zh"/)
  })

  it('reports all problems at once, one `file:line:col: problem` per line', () => {
    const text = entry(
      [
        '  - source: 久石让',
        '    kind: composr',
        '    targets: { en: Joe Hisaishi }',
        '  - source: 植松伸夫',
        '    kind: composer',
        '    targets: { xx: Nobuo Uematsu, en: "" }',
        '  - source: 久石让',
        '    kind: composer',
        '    targets: { en: Joe Hisaishi }',
      ].join('\n'),
    )
    const error = glossaryError(() => parseGlossary(text, 'many.yaml'))
    const problems = problemsOf(error)
    expect(problems.map((problem) => problem.line)).toEqual([4, 8, 8, 9])
    const lines = error.message.split('\n')
    expect(lines[0]).toMatch(/^many\.yaml:4:\d+: 4 problems/)
    expect(lines.slice(1)).toHaveLength(4)
    for (const line of lines.slice(1)) expect(line).toMatch(/^many\.yaml:\d+:\d+: \S/)
  })
})

describe('mergeGlossaries', () => {
  const a = parseGlossary(entry('  - source: 久石让\n    kind: composer\n    targets: { en: Joe Hisaishi, de: Joe Hisaishi }\n'), 'a.yaml')

  it('rejects a later file that redefines a term with a different target, naming both files and lines', () => {
    const b = parseGlossary(
      entry('  - source: 植松伸夫\n    kind: composer\n    targets: { en: Nobuo Uematsu }\n  - source: 久石让\n    kind: composer\n    targets: { en: Jo Hisaishi }\n'),
      'b.yaml',
    )
    const error = glossaryError(() => mergeGlossaries([a, b]))
    expect(error.message).toMatch(/^b\.yaml:6:1: /)
    expect(error.message).toContain('a.yaml:3')
    expect(error.message).toContain('Jo Hisaishi')
  })

  it('rejects a changed kind and an alias that collides with an earlier term', () => {
    const b = parseGlossary(entry('  - source: 久石譲\n    aliases: [久石让]\n    kind: performer\n    targets: { en: Joe Hisaishi }\n'), 'b.yaml')
    const error = glossaryError(() => mergeGlossaries([a, b]))
    expect(error.message).toMatch(/kind/)
    expect(error.message).toContain('a.yaml:3')
  })

  it('lets a later file add locales, aliases and wrong forms to an earlier term', () => {
    const b = parseGlossary(
      entry('  - source: 久石让\n    aliases: [久石譲]\n    kind: composer\n    targets: { en: Joe Hisaishi, jp: 久石譲 }\n    wrong: { en: [Jo Hisaishi] }\n'),
      'b.yaml',
    )
    const merged = mergeGlossaries([a, b])
    expect(merged.files).toEqual(['a.yaml', 'b.yaml'])
    expect(merged.entries).toHaveLength(1)
    expect(merged.entries[0]).toMatchObject({ file: 'a.yaml', aliases: ['久石譲'], targets: { en: 'Joe Hisaishi', de: 'Joe Hisaishi', jp: '久石譲' }, wrong: { en: ['Jo Hisaishi'] } })
    expect(a.entries[0]!.aliases).toEqual([]) // inputs are not changed
    expect(merged.version).not.toBe(a.version)
  })
})

describe('loadGlossaryFiles', () => {
  it('reports a missing file as E_NOT_FOUND naming it', async () => {
    const error = await loadGlossaryFiles(['glossary/nope.yaml']).catch((caught: unknown) => caught)
    expect(isL10nError(error, 'E_NOT_FOUND')).toBe(true)
    expect((error as L10nError).file).toBe('glossary/nope.yaml')
  })

  it('reads and merges several files in order, collecting problems of all files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glossary-'))
    const good = join(dir, 'good.yaml')
    const extra = join(dir, 'extra.yaml')
    const bad1 = join(dir, 'bad1.yaml')
    const bad2 = join(dir, 'bad2.yaml')
    writeFileSync(extra, entry('  - source: 久石让\n    kind: composer\n    targets: { en: Joe Hisaishi, jp: 久石譲 }\n'))
    writeFileSync(good, readFileSync(SHIPPED, 'utf8'))
    writeFileSync(bad1, entry('  - source: x\n    kind: nope\n    targets: { en: x }\n'))
    writeFileSync(bad2, 'entries: [\n')
    const merged = await loadGlossaryFiles([good, extra])
    expect(merged.files).toEqual([good, extra])
    const error = await loadGlossaryFiles([bad1, bad2]).catch((caught: unknown) => caught)
    expect(isL10nError(error, 'E_GLOSSARY')).toBe(true)
    expect((error as L10nError).message).toContain(`${bad1}:4:`)
    expect((error as L10nError).message).toContain(`${bad2}:`)
  })

  it('parses a text once per process, yet every load is its own copy and an edit is read anew', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glossary-'))
    const file = join(dir, 'music.yaml')
    const later = join(dir, 'later.yaml')
    writeFileSync(file, `inflection:\n  de: { suffixes: [s] }\n${entry('  - source: 久石让\n    kind: composer\n    targets: { en: Joe Hisaishi }\n    short: { en: [Hisaishi] }\n')}`)
    writeFileSync(later, entry('  - source: 久石让\n    kind: composer\n    targets: { en: Joe Hisaishi }\n    short: { en: [Joe] }\n'))
    const first = await loadGlossaryFiles([file, later])
    expect(first.entries[0]).toMatchObject({ aliases: [], short: { en: ['Hisaishi', 'Joe'] } })
    // What a caller (or a merge) does to one load's entries reaches no later load.
    first.entries[0]!.aliases.push('久石譲')
    first.entries[0]!.targets.de = 'Joe Hisaishi'
    first.entries[0]!.short!.en!.push('J. H.')
    first.inflection!.de!.suffixes!.push('es')
    const again = await loadGlossaryFiles([file, later])
    expect(again.entries[0]).toMatchObject({ aliases: [], targets: { en: 'Joe Hisaishi' }, short: { en: ['Hisaishi', 'Joe'] } })
    expect(again.entries[0]!.targets).not.toHaveProperty('de')
    expect(again.version).toBe(first.version)
    expect(again.inflection).toEqual({ de: { suffixes: ['s'] } })
    expect((await loadGlossaryFiles([file])).entries[0]!.short).toEqual({ en: ['Hisaishi'] })

    writeFileSync(file, entry('  - source: 久石让\n    kind: composer\n    targets: { en: Jo Hisaishi }\n'))
    expect((await loadGlossaryFiles([file])).entries[0]!.targets.en).toBe('Jo Hisaishi')
    writeFileSync(file, entry('  - source: 久石让\n    kind: nope\n    targets: { en: x }\n'))
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await loadGlossaryFiles([file]).catch((caught: unknown) => caught)
      expect(isL10nError(error, 'E_GLOSSARY')).toBe(true)
      expect((error as L10nError).message).toContain(`${file}:4:`)
    }
  })
})
