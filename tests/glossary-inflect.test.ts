import { describe, expect, it } from 'vitest'
import { parseGlossary } from '../pipeline/glossary/load.ts'
import { countForm, verifyTerms } from '../pipeline/glossary/match.ts'
import { DEFAULT_INFLECTION, inflectionFor } from '../pipeline/glossary/inflect.ts'

const glossary = (extra = '') =>
  parseGlossary(
    `sourceLocale: cn
${extra}entries:
  - source: 贝多芬
    kind: composer
    targets: { de: Beethoven, ru: Бетховен, uk: Бетховен, fr: Beethoven, en: Beethoven }
  - source: 约翰·威廉姆斯
    kind: composer
    targets: { ru: Джон Уильямс, de: John Williams }
  - source: 柴可夫斯基
    kind: composer
    targets: { ru: Чайковский, uk: Чайковський }
  - source: 指环王
    kind: work
    targets: { fr: Le Seigneur des anneaux }
  - source: 莫里康内
    kind: composer
    targets: { fr: Ennio Morricone }
`,
    'g.yaml',
  )

const missing = (source: string, target: string, locale: string, g = glossary()) =>
  verifyTerms(source, target, g, locale).filter((problem) => problem.kind === 'missing').map((problem) => problem.entry.source)

describe('inflected locked forms', () => {
  it('German: the genitive -s of the last word counts', () => {
    expect(missing('贝多芬的交响曲', 'Beethovens Sinfonien', 'de')).toEqual([])
    expect(missing('约翰·威廉姆斯的配乐', "John Williams' Musik", 'de')).toEqual([])
    // Not any longer word: "Beethovenhalle" is a different word.
    expect(missing('贝多芬', 'die Beethovenhalle', 'de')).toEqual(['贝多芬'])
    // English has no such rule: "Beethovens" is not "Beethoven".
    expect(missing('贝多芬', 'Beethovens', 'en')).toEqual(['贝多芬'])
  })

  it('Russian and Ukrainian: case endings on every word, also replacing the ending of the form', () => {
    expect(missing('贝多芬的交响曲', 'симфонии Бетховена', 'ru')).toEqual([])
    expect(missing('约翰·威廉姆斯的配乐', 'музыка Джона Уильямса', 'ru')).toEqual([])
    expect(missing('柴可夫斯基的芭蕾', 'балеты Чайковского', 'ru')).toEqual([])
    expect(missing('柴可夫斯基', 'музика Чайковського', 'uk')).toEqual([])
    expect(missing('贝多芬', 'з Бетховеном', 'uk')).toEqual([])
    expect(missing('贝多芬', 'Бетховенский зал', 'ru')).toEqual(['贝多芬'])
  })

  it("French: contracted articles before a locked title, elision needs nothing", () => {
    expect(missing('指环王的配乐', 'la musique du Seigneur des anneaux', 'fr')).toEqual([])
    expect(missing('莫里康内的音乐', "la musique d'Ennio Morricone", 'fr')).toEqual([])
    expect(missing('指环王', 'le Seigneur des anneaux', 'fr')).toEqual([])
    expect(missing('指环王', 'Seigneur des agneaux', 'fr')).toEqual(['指环王'])
  })

  it('is configurable per locale in the glossary file: replace a rule, or switch it off with {}', () => {
    const custom = glossary('inflection:\n  de: {}\n  en:\n    suffixes: ["\'s"]\n')
    expect(missing('贝多芬', 'Beethovens Sinfonien', 'de', custom)).toEqual(['贝多芬'])
    expect(missing('贝多芬', "Beethoven's symphonies", 'en', custom)).toEqual([])
    expect(inflectionFor(custom.inflection, 'ru')).toEqual(DEFAULT_INFLECTION.ru)
    expect(() => glossary('inflection:\n  xx: {}\n  de:\n    words: some\n    nope: 1\n')).toThrow(/g\.yaml:3:3[\s\S]*g\.yaml:5:12[\s\S]*g\.yaml:6:5/)
  })

  it('counts inflected forms in the article-wide consistency check', () => {
    const rule = inflectionFor(undefined, 'de')
    expect(countForm('Beethovens Fünfte und Beethoven', 'Beethoven', rule)).toBe(2)
    expect(countForm('Beethovens Fünfte und Beethoven', 'Beethoven')).toBe(1)
  })
})
