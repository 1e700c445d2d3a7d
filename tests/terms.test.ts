import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { lockedForm, type Glossary } from '../pipeline/glossary/model.ts'
import { loadGlossaryFiles, parseGlossary } from '../pipeline/glossary/load.ts'
import { countForm, entriesIn, findTerms, normalize, verifyTerms } from '../pipeline/glossary/match.ts'

const small = parseGlossary(
  `sourceLocale: cn
entries:
  - source: 指环王
    kind: work
    targets: { en: The Lord of the Rings, de: Der Herr der Ringe }
    wrong: { en: [Lord of the Ring, The Ring King] }
  - source: 指环王三部曲
    kind: work
    targets: { en: The Lord of the Rings trilogy }
  - source: 约翰·威廉姆斯
    aliases: [约翰·威廉斯]
    kind: composer
    targets: { en: John Williams, jp: ジョン・ウィリアムズ }
    wrong: { en: [Johnny Williams] }
  - source: 金刚
    kind: work
    marked: true
    targets: { en: King Kong }
  - source: 猫王
    kind: performer
    targets: { en: Elvis Presley }
    wrong: { en: [The King of Cats, Cat King] }
  - source: Michael Jackson
    kind: keep
  - source: Spotify
    kind: keep
`,
  'small.yaml',
)

const sources = (text: string, glossary: Glossary = small) => findTerms(text, glossary).map((match) => match.entry.source)

describe('findTerms', () => {
  it('prefers the longest term at the same place and never overlaps', () => {
    const text = '《指环王三部曲》的配乐与指环王原声'
    const matches = findTerms(text, small)
    expect(matches.map((match) => [match.entry.source, match.matched])).toEqual([
      ['指环王三部曲', '指环王三部曲'],
      ['指环王', '指环王'],
    ])
    for (const match of matches) expect(text.slice(match.start, match.end)).toBe(match.matched)
    expect(matches[0]!.start).toBe(1)
  })

  it('finds names broken by a line break or spaces, with any interpunct', () => {
    for (const text of ['由**约翰·\n威廉姆斯**作曲', '由约翰・威廉姆斯作曲', '由约翰 • 威廉姆斯作曲', '由约翰.威廉姆斯作曲', '由约翰‧威廉斯作曲', '由约翰･\r\n  威廉姆斯作曲']) {
      const [match] = findTerms(text, small)
      expect(match?.entry.source, text).toBe('约翰·威廉姆斯')
      expect(match!.matched.startsWith('约翰')).toBe(true)
      expect(match!.matched.endsWith('斯')).toBe(true)
    }
    const latin = findTerms('听了 Michael\nJackson 的歌', small)
    expect(latin).toHaveLength(1)
    expect(latin[0]!.matched).toBe('Michael\nJackson')
  })

  it('matches Latin-script terms as whole words only', () => {
    expect(sources('在Spotify上')).toEqual(['Spotify'])
    expect(sources('Spotifyer 与 MySpotify')).toEqual([])
    expect(sources('*Spotify*、Spotify。')).toEqual(['Spotify', 'Spotify'])
  })

  it('matches marked entries only when written as a title', () => {
    expect(sources('他为*金刚*配乐，还有《金刚》')).toEqual(['金刚', '金刚'])
    expect(sources('变形金刚和金刚石')).toEqual([])
  })

  it('lists distinct entries in first-occurrence order', () => {
    expect(entriesIn('猫王、约翰·威廉姆斯、猫王、指环王', small).map((item) => item.source)).toEqual(['猫王', '约翰·威廉姆斯', '指环王'])
    expect(entriesIn('', small)).toEqual([])
  })
})

describe('normalize', () => {
  it('maps every normalized character back to the original', () => {
    const text = '**John\n  Williams**’s 约翰 · 威廉姆斯 😀x'
    const { text: normalized, starts, ends } = normalize(text)
    expect(normalized).toBe("John Williams's约翰·威廉姆斯😀x")
    expect(starts).toHaveLength(normalized.length)
    expect(text.slice(starts[0]!, ends[12]!)).toBe('John\n  Williams')
    const emoji = normalized.indexOf('😀')
    expect(text.slice(starts[emoji]!, ends[emoji]!)).toBe('😀')
  })
})

describe('countForm', () => {
  it('counts whole words, case-sensitively', () => {
    expect(countForm('Frozen and Unfrozen and FrozenX and Frozen.', 'Frozen')).toBe(2)
    expect(countForm('frozen', 'Frozen')).toBe(0)
    expect(countForm('The Lord of the Rings trilogy', 'Lord of the Ring')).toBe(0)
    expect(countForm("Frozen's songs", 'Frozen')).toBe(1)
  })

  it('ignores line breaks, repeated spaces and emphasis inside the form', () => {
    expect(countForm('the *Star Wars* theme', 'Star Wars')).toBe(1)
    expect(countForm('by **John\nWilliams** and John   Williams', 'John Williams')).toBe(2)
    expect(countForm('*The Lord of the Rings* trilogy', 'The Lord of the Rings trilogy')).toBe(1)
    expect(countForm('_Star_ _Wars_', 'Star Wars')).toBe(1)
  })

  it("treats ' and ’ alike", () => {
    expect(countForm('Schindler’s List and Schindler\'s List', "Schindler's List")).toBe(2)
    expect(countForm("Schindler's List", 'Schindler’s List')).toBe(1)
  })

  it('needs no word boundaries for CJK forms', () => {
    expect(countForm('映画『千と千尋の神隠し』の音楽', '千と千尋の神隠し')).toBe(1)
    expect(countForm('作曲はジョン・\nウィリアムズ、ジョン･ウィリアムズ', 'ジョン・ウィリアムズ')).toBe(2)
    expect(countForm('Die Eiskönigin – Völlig unverfroren', 'Die Eiskönigin - Völlig unverfroren')).toBe(1)
  })
})

describe('verifyTerms', () => {
  const source = '**约翰·威廉姆斯**为《指环王》配乐；**猫王**也在 Spotify 上。'

  it('accepts a translation with every locked form', () => {
    const translation = '**John Williams** scored *The Lord of the Rings*; **Elvis Presley** is on Spotify too.'
    expect(verifyTerms(source, translation, small, 'en')).toEqual([])
  })

  it('reports missing locked forms with counts', () => {
    const translation = '**John Williams** scored the *Rings* films; **Elvis** is on Spotify too.'
    const problems = verifyTerms(source + '约翰·威廉姆斯', translation, small, 'en')
    // 约翰·威廉姆斯 twice in the source, once in the translation: dropped once (per occurrence).
    expect(problems.filter((problem) => problem.kind === 'too-few').map((problem) => [problem.entry.source, problem.sourceCount, problem.targetCount])).toEqual([['约翰·威廉姆斯', 2, 1]])
    expect(problems.filter((problem) => problem.kind !== 'too-few').map((problem) => problem.kind === 'missing' && [problem.entry.source, problem.expected, problem.sourceCount, problem.targetCount])).toEqual([
      ['指环王', 'The Lord of the Rings', 1, 0],
      ['猫王', 'Elvis Presley', 1, 0],
    ])
  })

  it('reports known-wrong forms, but not inside the locked form', () => {
    const translation = 'Johnny Williams scored The Lord of the Rings; The King of Cats and Cat King are on Spotify.'
    const problems = verifyTerms(source, translation, small, 'en')
    expect(problems.filter((problem) => problem.kind === 'wrong-form').map((problem) => problem.kind === 'wrong-form' && [problem.form, problem.count])).toEqual([
      ['Johnny Williams', 1],
      ['The King of Cats', 1],
      ['Cat King', 1],
    ])
    expect(problems.filter((problem) => problem.kind === 'missing').map((problem) => problem.entry.source)).toEqual(['约翰·威廉姆斯', '猫王'])
    // "Lord of the Ring" is part of the locked form: not reported.
    expect(verifyTerms('指环王', 'The Lord of the Rings', small, 'en')).toEqual([])
    expect(verifyTerms('指环王', 'Lord of the Ring', small, 'en').map((problem) => problem.kind)).toEqual(['missing', 'wrong-form'])
  })

  it('skips entries without a form for the locale; keep terms stay as written', () => {
    // de has only 指环王; jp only 约翰·威廉姆斯 (and the keep term).
    expect(verifyTerms(source, 'Der Herr der Ringe, Spotify', small, 'de')).toEqual([])
    const jp = verifyTerms(source, 'ジョン・ウィリアムズが作曲', small, 'ja')
    expect(jp.map((problem) => problem.kind === 'missing' && problem.expected)).toEqual(['Spotify'])
    expect(verifyTerms('没有术语', 'nothing', small, 'en')).toEqual([])
  })
})

describe('the example articles', () => {
  let glossary: Glossary
  beforeAll(async () => {
    glossary = await loadGlossaryFiles(['glossary/music.yaml'])
  })

  /** `##` sections of an article body (the frontmatter and preamble dropped). */
  const sections = (path: string) => readFileSync(path, 'utf8').split(/^## /m).slice(1)

  it('finds the names of the Chinese article in the right places', () => {
    const cn = readFileSync('examples/cn/soundtrack.md', 'utf8')
    const matches = findTerms(cn, glossary)
    for (const match of matches) expect(cn.slice(match.start, match.end)).toBe(match.matched)
    const count = (source: string) => matches.filter((match) => match.entry.source === source).length
    expect(count('指环王三部曲')).toBe(7)
    expect(count('指环王')).toBe(3) // 10 in all, 7 of them inside 指环王三部曲
    expect(count('金刚')).toBe(4)
    expect(count('毕业生')).toBe(2)
    expect(count('爵士歌手')).toBe(1)
  })

  it('the English article uses the locked form of every name in the same section', () => {
    const cn = sections('examples/cn/soundtrack.md')
    const en = sections('examples/en/soundtrack.md')
    expect(en).toHaveLength(cn.length)
    const problems = cn.flatMap((section, index) =>
      verifyTerms(section, en[index] ?? '', glossary, 'en').map(
        (problem) => `§${index + 1} ${problem.kind} ${problem.entry.source} → ${problem.kind === 'wrong-form' ? problem.form : problem.expected}`,
      ),
    )
    expect(problems).toEqual([])
    expect(lockedForm(glossary.entries.find((item) => item.source === '千与千寻')!, 'en')).toBe('Spirited Away')
  })
})
