import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { exportCsv, importCsv } from '../pipeline/glossary/csv.ts'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { appendEntries, glossaryYaml, type EntryText } from '../pipeline/glossary/serialize.ts'
import { exportTbx, importTbx } from '../pipeline/glossary/tbx.ts'

const shipped = parseGlossary(readFileSync('glossary/music.yaml', 'utf8'), 'glossary/music.yaml')
const text = (entries: readonly EntryText[]) =>
  entries.map(({ source, aliases, kind, targets, wrong, short, note, marked }) => ({ source, aliases, kind, targets, wrong, ...(short ? { short } : {}), ...(note !== undefined ? { note } : {}), ...(marked ? { marked } : {}) }))
const tricky: EntryText[] = [
  { source: '约翰·威廉姆斯', aliases: ['约翰·威廉斯'], kind: 'composer', targets: { en: 'John Williams', jp: 'ジョン・ウィリアムズ' }, wrong: { en: ['Johnny Williams', 'J. Williams'] }, short: { en: ['Williams'], jp: ['ウィリアムズ'] }, note: 'a "quoted", comma, note\nwith a line break' },
  { source: '金刚', aliases: [], kind: 'work', targets: { en: 'King Kong', fr: 'King Kong & <Co>' }, wrong: {}, marked: true },
  { source: 'Dolby Atmos', aliases: [], kind: 'keep', targets: {}, wrong: {} },
]

describe('CSV', () => {
  it('round-trips the shipped glossary without loss, byte-stable', () => {
    const csv = exportCsv(shipped.entries)
    const back = importCsv(csv, 'music.csv')
    expect(text(back)).toEqual(text(shipped.entries))
    expect(exportCsv(back)).toBe(csv)
    // Fixed columns, then the locales in the site's order, then the wrong forms.
    expect(csv.split('\n')[0]).toBe('source,kind,aliases,marked,note,jp,en,de,es,fr,it,pt,wrong:en,short:en,short:de,short:es,short:fr,short:it,short:pt')
  })

  it('quotes what needs quoting and reads it back', () => {
    const csv = exportCsv(tricky)
    expect(csv).toContain('"a ""quoted"", comma, note\nwith a line break"')
    expect(text(importCsv(csv, 'x.csv'))).toEqual(text(tricky))
    expect(exportCsv(importCsv(csv, 'x.csv'))).toBe(csv)
  })

  it('reads hand-made CSV (columns in any order, CRLF, BOM) and reports every problem with its place', () => {
    const hand = '\uFEFFen,source,kind\r\nLang Lang,郎朗,performer\r\n'
    expect(text(importCsv(hand, 'h.csv'))).toEqual([{ source: '郎朗', aliases: [], kind: 'performer', targets: { en: 'Lang Lang' }, wrong: {} }])
    expect(() => importCsv('source,kind,xx\n郎朗,singer,\n,work,\n郎朗,work,\n', 'bad.csv')).toThrow(/bad\.csv:1:3[\s\S]*bad\.csv:2:2[\s\S]*bad\.csv:3:1[\s\S]*bad\.csv:4:1/)
  })
})

describe('TBX-Basic', () => {
  it('round-trips the shipped glossary without loss, byte-stable', () => {
    const tbx = exportTbx(shipped.entries)
    const back = importTbx(tbx, 'music.tbx')
    expect(text(back)).toEqual(text(shipped.entries))
    expect(exportTbx(back)).toBe(tbx)
    expect(tbx).toContain('<tbx style="dca" type="TBX-Basic" xml:lang="zh-CN" xmlns="urn:iso:std:iso:30042:ed-2">')
    expect(tbx).toContain('<langSec xml:lang="ja">')
  })

  it('escapes markup and keeps notes, marked titles and deprecated forms', () => {
    const tbx = exportTbx(tricky)
    expect(tbx).toContain('King Kong &amp; &lt;Co&gt;')
    expect(tbx).toContain('<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>')
    expect(tbx).toContain('<term>Williams</term>\n            <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>\n            <termNote type="termType">shortForm</termNote>')
    expect(text(importTbx(tbx, 'x.tbx'))).toEqual(text(tricky))
    expect(exportTbx(importTbx(tbx, 'x.tbx'))).toBe(tbx)
  })

  it("reads another tool's TBX (termEntry, langSet, tig) and reports bad documents with their line", () => {
    const other = `<?xml version="1.0"?>\n<martif type="TBX"><text><body>\n<termEntry><langSet xml:lang="zh-CN"><tig><term>郎朗</term></tig></langSet><langSet xml:lang="en"><tig><term>Lang Lang</term></tig></langSet></termEntry>\n</body></text></martif>\n`
    expect(text(importTbx(other, 'o.tbx'))).toEqual([{ source: '郎朗', aliases: [], kind: 'term', targets: { en: 'Lang Lang' }, wrong: {} }])
    expect(() => importTbx('<tbx><text><body>\n<conceptEntry>\n<langSec xml:lang="xx"><termSec><term>a</term></termSec></langSec></conceptEntry>\n</body></text></tbx>', 'b.tbx')).toThrow(/b\.tbx:3:1/)
    expect(() => importTbx('<tbx><body><conceptEntry></body></tbx>', 'c.tbx')).toThrow(/c\.tbx:1:1/)
  })

  it('places a problem deep in a large file at its line, past comments and CDATA that span lines', () => {
    const lines = exportTbx(shipped.entries).split('\n')
    const last = lines.findLastIndex((line) => line.includes('<langSec xml:lang="en">'))
    lines[last] = lines[last]!.replace('xml:lang="en"', 'xml:lang="xx"')
    const header = lines.findIndex((line) => line.includes('<body>'))
    lines.splice(header + 1, 0, '<!-- a comment\nover two lines -->', '<conceptEntry><langSec xml:lang="zh-CN"><termSec><term><![CDATA[多行\n标题]]></term></termSec></langSec></conceptEntry>')
    const xml = lines.join('\n')
    const expected = xml.slice(0, xml.indexOf('xml:lang="xx"')).split('\n').length
    expect(expected).toBeGreaterThan(last + 2)
    expect(() => importTbx(xml, 'big.tbx')).toThrow(new RegExp(`big\\.tbx:${expected}:1`))
    // Minified: one long line, then the problem on the next.
    const minified = xml.replaceAll('\n', '').replace('<langSec xml:lang="xx">', '\n<langSec xml:lang="xx">')
    expect(minified.split('\n')).toHaveLength(2)
    expect(() => importTbx(minified, 'min.tbx')).toThrow(/min\.tbx:2:1/)
  })
})

describe('glossary YAML', () => {
  it('writes a file the loader reads back to the same entries', () => {
    const yaml = glossaryYaml(shipped.entries)
    expect(text(parseGlossary(yaml, 'w.yaml').entries)).toEqual(text(shipped.entries))
  })

  it('appends entries to a file and keeps its comments', () => {
    const before = '# my site\nsourceLocale: cn\nentries:\n  # people\n  - source: 郎朗\n    kind: performer\n    targets: { en: Lang Lang }\n'
    const after = appendEntries(before, [tricky[1]!])
    expect(after.startsWith('# my site\nsourceLocale: cn\nentries:\n  # people\n  - source: 郎朗')).toBe(true)
    expect(parseGlossary(after, 'a.yaml').entries.map((entry) => entry.source)).toEqual(['郎朗', '金刚'])
  })
})
