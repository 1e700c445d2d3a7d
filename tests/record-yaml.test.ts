import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { load } from 'js-yaml'
import { parseLockRecord, serializeLockRecord, type LockRecord } from '../pipeline/state/lockfile.ts'

const section = (extra: Record<string, unknown> = {}) => ({ sourceHash: 'f747f5af5cdf58e1', translationHash: 'e985d7e5ac95f727', status: 'draft' as const, model: 'gpt-4o-mini', promptHash: '7a0eb92dde313be8', glossaryHash: '8873d055b7ff5260', ...extra })

const records: LockRecord[] = [
  { source: 'src/content/knowledge-cn/a.md', locale: 'en', entry: { output: 'src/content/knowledge-en/a.md', sections: [] } },
  {
    source: 'src/content/knowledge-cn/article-0040.md',
    locale: 'fr',
    entry: {
      output: 'src/content/knowledge-fr/article-0040.md',
      outputHash: '6c32754db2dfccf7',
      frontmatter: { sourceHash: '3907decdc949ec1d', translationHash: 'dd1306893cf1b161', status: 'approved', approvedBy: 'Zhang Wei', approvedAt: '2026-12-01T16:41:00.000Z', errors: 2 },
      sections: [section(), section({ status: 'approved', approvedBy: 'reviewer@example.org', approvedAt: '2026-12-01T16:41:00.000Z', errors: 1 }), section({ note: 'Keep the title: it is "Spirited Away" # not a comment' })],
      seal: {
        source: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        settings: '1234567890123456',
        record: '0000000000000000',
        headings: [null, '作曲家生平', 'Life: early years', '- a list?', '#1 hit', 'null', 'true', '12', '1e5', '  spaced', 'ends with colon:', "it's", '“引号”与《书名》'],
        names: { inputs: 'abcdefabcdefabcd', names: 3, locked: 1, proposed: 0, notCovered: 2, uncovered: ['久石让', '宫崎骏', 'yes', '0x1F'] },
      },
    },
  },
]

describe('reading lock records (js-yaml for the data, the full parser for problems)', () => {
  it('reads what l10n writes exactly as it was written, tricky strings included', () => {
    for (const record of records) {
      const text = serializeLockRecord(record)
      expect(load(text)).toEqual(parse(text))
      expect(parseLockRecord(text, 'record.yaml')).toEqual(record)
    }
  })

  it('js-yaml and the YAML parser read the same data from YAML 1.2 scalars and collections of every style', () => {
    const values = ['1_000', '0b101', '0o17', '0x1F', 'yes', 'no', 'on', 'y', '.inf', '-.Inf', '.NaN', '1e5', '1.', '+12', '012', '~', 'Null', 'TRUE', 'False', '2025-07-30', '2025-07-30T10:00:00Z', '1:20', '<<', '"a\\tb\\u00e9"', "'it''s'", '|\n  block\n', '|-\n  kept\n', '>\n  folded\n  more\n', '[a, b]', '{a: 1}', '&x a', '!!str 12', '0.5', '-0', '.5', '1e+5', '“引号”与《书名》', 'a # comment', "'#1 hit'", '"- a list?"']
    for (const value of values) {
      const text = `key: ${value}\nother: [${value.includes('\n') ? 'x' : value}]\n`
      let quick: unknown
      try {
        quick = load(text)
      } catch {
        continue
      }
      expect(quick, text).toEqual(parse(text))
    }
  })

  it('what js-yaml refuses or reads into the wrong shape goes to the full parser, which places the problem', () => {
    const cases: [string, RegExp][] = [
      ['<<<<<<< HEAD\nsource: a.md\n', /record\.yaml:1/],
      ['source: a.md\nsource: b.md\nlocale: en\noutput: b.md\nsections: []\n', /record\.yaml:2/],
      ['source: a.md\nlocale: en\noutput: b.md\nsections:\n  - sourceHash: 3907decdc949ec1d\n    translationHash: dd1306893cf1b161\n    status: done\n', /record\.yaml:7/],
      ['source: a.md\nlocale: en\noutput: b.md\nsections: [\n', /record\.yaml:/],
    ]
    for (const [text, place] of cases) expect(() => parseLockRecord(text, 'record.yaml'), text).toThrow(place)
  })
})
