import { describe, expect, it } from 'vitest'
import { nameOccurrences } from '../pipeline/glossary/names.ts'

/** The names found in a Markdown text, as written. */
const names = (markdown: string) => nameOccurrences(markdown).map((occurrence) => occurrence.text)
const find = (markdown: string, text: string) => nameOccurrences(markdown).find((occurrence) => occurrence.text === text)

describe('name occurrences in articles that leave names unmarked', () => {
  it('takes a title in 〈〉 (songs in Taiwan and Hong Kong usage) as a work', () => {
    expect(find('10 万人齐唱〈倔强〉的画面。', '倔强')).toMatchObject({ signals: ['title'], kind: 'work' })
    expect(names('包括〈小情歌〉、〈无与伦比的美丽〉等作品')).toEqual(expect.arrayContaining(['小情歌', '无与伦比的美丽']))
  })

  it('does not take a quoted sentence in 「」 for a name, but keeps a quoted name', () => {
    const found = names('他说那个嗓音「不男不女、高的吓人」，又说「我一直把他当父亲，我不知道」。他们报名「野台开唱」音乐节。')
    expect(found).toContain('野台开唱')
    expect(found).not.toContain('不男不女、高的吓人')
    expect(found.some((name) => name.startsWith('我一直'))).toBe(false)
  })

  it('skips bold callout labels that an emoji introduces', () => {
    const found = names('📝 **策展人笔记**\n\n> ⚠️ **争议观点**\n\n> **📝 策展人笔记**\n\n**郎朗**是钢琴家。\n')
    expect(found).toEqual(['郎朗'])
  })

  it('reads a surname-led name after a role noun, as long as the article uses it', () => {
    const text = '主唱林耕佑和吉他手詹为筑是高中同学。歌手蔡琴写了一封信，蔡琴说好。原住民歌手Panai Kusui拿下大奖。当主唱大声喊出口号。'
    const found = names(text)
    expect(found).toEqual(expect.arrayContaining(['林耕佑', '詹为筑', '蔡琴', 'Panai Kusui']))
    expect(found).not.toContain('蔡琴写')
    expect(found.some((name) => name.startsWith('大声'))).toBe(false)
    expect(find(text, '林耕佑')?.signals).toEqual(['role'])
  })

  it('takes both names of a person given with another Han name in parentheses', () => {
    const found = names('阿信（陈信宏，北投人，1975 年生）和怪兽（温尚翊，新竹人）在吉他社认识，后来玛莎（蔡升晏）加入。成为第二大市场（仅次于日本）。')
    expect(found).toEqual(expect.arrayContaining(['阿信', '陈信宏', '怪兽', '温尚翊', '玛莎', '蔡升晏']))
    expect(found).not.toContain('仅次于日本')
  })

  it('takes the name before an alias verb', () => {
    expect(names('团员各自取了艺名，如青峰化名为「日出」、馨仪化名为「香我」。')).toEqual(expect.arrayContaining(['青峰', '馨仪', '日出', '香我']))
  })

  it('takes an institution after a verb of winning or used twice, even with no proper part', () => {
    expect(find('他们横扫金曲奖。', '金曲奖')?.kind).toBe('award')
    expect(names('他们拿过金曲奖。')).not.toContain('金曲奖')
    expect(find('同年，滚石唱片签下他们。滚石唱片的制作人很忙。', '滚石唱片')?.kind).toBe('studio')
    expect(names('同年，滚石唱片签下他们。')).not.toContain('滚石唱片')
    // A suffix followed by more of a word is not one (台湾唱片业).
    expect(names('台湾唱片业下滑。台湾唱片业概况。').some((name) => name.startsWith('台湾唱片'))).toBe(false)
    // An edition number is not part of the name.
    expect(names('2017 年第28届金曲奖与第35届金曲奖')).toContain('金曲奖')
    expect(names('2017 年第28届金曲奖与第35届金曲奖')).not.toContain('届金曲奖')
  })

  it('knows stadiums, domes, music centres and 音乐祭 as institutions, after a verb inside the run', () => {
    expect(find('五月天首度登上北京国家体育场。', '北京国家体育场')?.kind).toBe('venue')
    expect(find('在台北小巨蛋的舞台上。', '台北小巨蛋')?.kind).toBe('venue')
    expect(find('2021年，台北流行音乐中心启用。', '台北流行音乐中心')?.kind).toBe('venue')
    expect(find('贡寮海洋音乐祭的舞台。回到贡寮海洋音乐祭。', '贡寮海洋音乐祭')?.kind).toBe('award')
  })

  it('reads names written with characters outside the BMP whole', () => {
    expect(names('跟前经纪人林𬀩哲之间。当时的制作人林𬀩哲在台下。')).toContain('林𬀩哲')
    // Read backwards from a parenthesis, the run must not stop inside the pair.
    expect(find('制作人是林𬀩哲（Will Lin）。', '林𬀩哲')?.given).toBe('Will Lin')
  })

  it('knows 文 as a transcription character (斯文豪 for Swinhoe)', () => {
    expect(find('## 余韵：斯文豪的黑冠麻鹭\n', '斯文豪')?.signals).toEqual(['transliteration'])
  })
})
