import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readRecordYaml } from '../pipeline/state/record-yaml.ts'
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

describe('the fast lock record reader', () => {
  it('reads what l10n writes exactly as the YAML parser does, or gives up', () => {
    for (const record of records) {
      const text = serializeLockRecord(record)
      const quick = readRecordYaml(text)
      if (quick !== undefined) expect(quick).toEqual(parse(text))
      expect(parseLockRecord(text, 'record.yaml')).toEqual(record)
    }
    // The plain records a sync writes are read by the fast reader itself.
    const plain: LockRecord = {
      ...records[1]!,
      entry: { ...records[1]!.entry, sections: [section(), section({ status: 'approved', approvedBy: 'Zhang Wei', errors: 1 })], seal: { ...records[1]!.entry.seal!, headings: [null, '作曲家生平', 'Early years'], names: { inputs: 'abcdefabcdefabcd', names: 2, locked: 1, proposed: 0, notCovered: 1, uncovered: ['久石让'] } } },
    }
    const text = serializeLockRecord(plain)
    expect(readRecordYaml(text)).toEqual(parse(text))
    expect(parseLockRecord(text, 'record.yaml')).toEqual(plain)
  })

  it('gives up on YAML outside the subset: the full parser then reads it (and places its errors)', () => {
    for (const text of [
      'source: a.md\nlocale: en\noutput: "quo\\ted.md"\nsections: []\n',
      'source: a.md\nlocale: en\noutput: b.md\nsections: [ {sourceHash: x} ]\n',
      'source: a.md\nsource: b.md\n',
      'source: &x a.md\n',
      'source: a.md\n\tlocale: en\n',
      'source: a.md\nlocale: 1.5\n',
      'source: a.md\nlocale: yes: no\n',
      '<<<<<<< HEAD\nsource: a.md\n',
      'source: |\n  a.md\n',
      'source: a.md\n  locale: en\n',
    ]) {
      expect(readRecordYaml(text), text).toBeUndefined()
    }
    // Scalars YAML reads as numbers or booleans are never taken for strings.
    expect(readRecordYaml('errors: 3\nstatus: draft\n')).toEqual({ errors: 3, status: 'draft' })
    expect(readRecordYaml('status: true\n')).toBeUndefined()
    expect(readRecordYaml('hash: 1e10\n')).toBeUndefined()
    expect(readRecordYaml('approvedBy:\nstatus: draft\n')).toEqual({ approvedBy: null, status: 'draft' })
  })

  it('a record that passes the reader but not the schema is reported by the full parser at its line', () => {
    const text = 'source: a.md\nlocale: en\noutput: b.md\nsections:\n  - sourceHash: 3907decdc949ec1d\n    translationHash: dd1306893cf1b161\n    status: done\n'
    expect(readRecordYaml(text)).toBeDefined()
    expect(() => parseLockRecord(text, 'record.yaml')).toThrow(/record\.yaml:7/)
  })
})
