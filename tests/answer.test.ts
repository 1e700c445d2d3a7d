import { describe, expect, it } from 'vitest'
import { cleanAnswer } from '../pipeline/translate/answer.ts'

const source = '## 配乐\n\n这部电影的配乐由 **久石让** 创作。\n\n- 第一首\n- 第二首'
const translation = '## Soundtrack\n\nThe score of this film was written by **Joe Hisaishi**.\n\n- First piece\n- Second piece'

describe('cleanAnswer', () => {
  it('leaves a clean answer alone', () => {
    expect(cleanAnswer(translation, source)).toEqual({ text: translation, stripped: [] })
  })

  it('trims only leading and trailing blank lines', () => {
    const indented = '    indented code\n\n  two  spaces  inside  '
    expect(cleanAnswer(`\n\n${indented}\n\n\n`, 'x').text).toBe(indented)
  })

  it.each(['```markdown', '```md', '```', '~~~markdown', '```Markdown'])('strips a %s fence around the whole answer', (opener) => {
    const closer = opener.startsWith('~') ? '~~~' : '```'
    const result = cleanAnswer(`${opener}\n${translation}\n${closer}\n`, source)
    expect(result.text).toBe(translation)
    expect(result.stripped).toEqual([opener, closer])
  })

  it('keeps fences inside the answer when stripping the wrapper', () => {
    const withCode = 'Intro\n\n```js\nconsole.log(1)\n```'
    const answer = `\`\`\`markdown\n${withCode}\n\`\`\``
    expect(cleanAnswer(answer, '介绍\n\n```js\nconsole.log(1)\n```').text).toBe(withCode)
  })

  it('keeps the fence when the source itself is a code block', () => {
    const code = '```\nnpm install\n```'
    expect(cleanAnswer(code, code)).toEqual({ text: code, stripped: [] })
    const md = '```md\n# Title\n```'
    expect(cleanAnswer(md, '```md\n# 标题\n```')).toEqual({ text: md, stripped: [] })
  })

  it('still unwraps a source code block that the model wrapped once more', () => {
    const code = '```bash\nnpm install\n```'
    expect(cleanAnswer(`\`\`\`markdown\n${code}\n\`\`\``, code).text).toBe(code)
  })

  it('does not take the closing fence of a final code block for a wrapper', () => {
    const answer = 'Run this:\n\n```\nnpm test\n```'
    expect(cleanAnswer(answer, '运行：\n\n```\nnpm test\n```')).toEqual({ text: answer, stripped: [] })
  })

  it('strips a wrapper the model opened but never closed', () => {
    expect(cleanAnswer(`\`\`\`markdown\n${translation}`, source).text).toBe(translation)
  })

  it.each([
    'Here is the translation:',
    "Here's the translated text:",
    'Translation:',
    '以下是翻译：',
    '好的，以下是译文：',
    'Sure! Here is the translation of your Markdown into English:',
    'Sure! Here is the text:',
  ])('strips the leading chatter %j', (chatter) => {
    const result = cleanAnswer(`${chatter}\n\n${translation}`, source)
    expect(result.text).toBe(translation)
    expect(result.stripped).toEqual([chatter])
  })

  it('strips "Sure!" on its own line followed by an announcement', () => {
    const result = cleanAnswer(`Sure!\nHere's the translation:\n\n${translation}`, source)
    expect(result.text).toBe(translation)
    expect(result.stripped).toEqual(['Sure!', "Here's the translation:"])
  })

  it.each([
    'Let me know if you need any changes.',
    'I hope this helps!',
    'Hope this helps.',
    'Feel free to ask if anything is unclear.',
    '如果您需要进一步修改，请告诉我。',
  ])('strips the trailing chatter %j', (chatter) => {
    const result = cleanAnswer(`${translation}\n\n${chatter}\n`, source)
    expect(result.text).toBe(translation)
    expect(result.stripped).toEqual([chatter])
  })

  it('keeps content that only looks like chatter', () => {
    const listIntro = 'Here is the list of features:\n\n- fast\n- small'
    expect(cleanAnswer(listIntro, '以下是功能列表：\n\n- 快\n- 小').text).toBe(listIntro)
    const sure = 'Sure, the film was long, but it never felt slow.'
    expect(cleanAnswer(sure, '当然，这部电影很长，但从不觉得拖沓。').text).toBe(sure)
    // An article about translating may start with such a line; then it is content.
    const heading = 'Translation:\n\nA short note.'
    expect(cleanAnswer(heading, '翻译：\n\n简短说明。').text).toBe(heading)
  })

  it('never strips the only line', () => {
    expect(cleanAnswer('Translation:', 'Translation:').text).toBe('Translation:')
  })

  it('unwraps echoed delimiter tags', () => {
    expect(cleanAnswer(`<translation>\n${translation}\n</translation>`, source)).toEqual({
      text: translation,
      stripped: ['<translation>', '</translation>'],
    })
    expect(cleanAnswer(`<source>\n${translation}\n</source>`, source).text).toBe(translation)
    expect(cleanAnswer('<translation>Hello world</translation>', '你好世界').text).toBe('Hello world')
    expect(cleanAnswer(`<translation lang="en">\n${translation}\n</translation>`, source).text).toBe(translation)
  })

  it('peels wrappers in any nesting', () => {
    const answer = `Here is the translation:\n\n\`\`\`markdown\n<translation>\n${translation}\n</translation>\n\`\`\`\n\nLet me know if you need anything else!`
    const result = cleanAnswer(answer, source)
    expect(result.text).toBe(translation)
    expect(result.stripped).toEqual([
      'Here is the translation:',
      'Let me know if you need anything else!',
      '```markdown',
      '```',
      '<translation>',
      '</translation>',
    ])
  })

  it('keeps CRLF line breaks', () => {
    const crlf = translation.replace(/\n/g, '\r\n')
    expect(cleanAnswer(`\`\`\`markdown\r\n${crlf}\r\n\`\`\`\r\n`, source).text).toBe(crlf)
  })

  it('returns an empty string when nothing is left', () => {
    expect(cleanAnswer('```markdown\n```', source).text).toBe('')
    expect(cleanAnswer('  \n\n', source)).toEqual({ text: '', stripped: [] })
    expect(cleanAnswer('<translation></translation>', source).text).toBe('')
  })
})
