/**
 * Code blocks as a translator may touch them: comments and string literals are prose a
 * translator may translate (`# 运行测试命令`, `alert("你好")`); everything else is code
 * and must stay as it is. Language-agnostic: comment markers are recognised by the
 * block's language where it says one, else by the usual markers of shells and C-like
 * languages.
 */

/** A code block split into code and the prose inside it. */
export interface CodeParts {
  /** The code with each comment and string replaced by a marker, trailing spaces trimmed. */
  skeleton: string
  /** Comments and string contents, in order. */
  prose: { kind: 'comment' | 'string'; text: string }[]
}

const HASH_COMMENT = new Set(['sh', 'bash', 'shell', 'zsh', 'console', 'powershell', 'ps1', 'python', 'py', 'ruby', 'rb', 'yaml', 'yml', 'toml', 'ini', 'dockerfile', 'docker', 'r', 'perl', 'make', 'makefile', 'conf', 'nginx', 'properties', 'env', 'dotenv', 'graphql', 'elixir'])
const SLASH_COMMENT = new Set(['js', 'javascript', 'jsx', 'ts', 'typescript', 'tsx', 'mjs', 'cjs', 'java', 'c', 'cpp', 'c++', 'cs', 'csharp', 'go', 'rust', 'rs', 'kotlin', 'kt', 'swift', 'scala', 'php', 'dart', 'json5', 'jsonc', 'groovy', 'css', 'scss', 'less', 'astro', 'vue', 'svelte', 'proto', 'zig'])
const DASH_COMMENT = new Set(['sql', 'lua', 'haskell', 'hs'])
const MARKUP = new Set(['html', 'xml', 'svg', 'vue', 'astro', 'svelte', 'md', 'markdown', 'mdx'])

/**
 * Splits a code block (as `profile` stores it: language, a line break, the code) into its
 * skeleton and its prose. Two blocks with the same skeleton differ only in comments or
 * strings.
 */
export function codeParts(value: string): CodeParts {
  const newline = value.indexOf('\n')
  const lang = (newline === -1 ? value : value.slice(0, newline)).trim().toLowerCase().split(/[\s{]/)[0] ?? ''
  const code = newline === -1 ? '' : value.slice(newline + 1)
  const known = HASH_COMMENT.has(lang) || SLASH_COMMENT.has(lang) || DASH_COMMENT.has(lang) || MARKUP.has(lang)
  const hash = HASH_COMMENT.has(lang) || !known
  const slash = SLASH_COMMENT.has(lang) || !known
  const dash = DASH_COMMENT.has(lang)
  const markup = MARKUP.has(lang) || !known
  const prose: CodeParts['prose'] = []
  let skeleton = ''
  let i = 0
  const atWordStart = (index: number) => index === 0 || /\s/.test(code[index - 1]!)
  while (i < code.length) {
    const rest = code.slice(i)
    let match: RegExpExecArray | null = null
    if (markup && (match = /^<!--[\s\S]*?(?:-->|$)/.exec(rest))) {
      prose.push({ kind: 'comment', text: match[0] })
      skeleton += '<!--…-->'
    } else if (slash && (match = /^\/\*[\s\S]*?(?:\*\/|$)/.exec(rest))) {
      prose.push({ kind: 'comment', text: match[0] })
      skeleton += '/*…*/'
    } else if (slash && atWordStart(i) && (match = /^\/\/[^\n]*/.exec(rest))) {
      prose.push({ kind: 'comment', text: match[0] })
      skeleton += '//…'
    } else if (hash && atWordStart(i) && (match = /^#(?![!{[])[^\n]*/.exec(rest))) {
      prose.push({ kind: 'comment', text: match[0] })
      skeleton += '#…'
    } else if (dash && (match = /^--[^\n]*/.exec(rest))) {
      prose.push({ kind: 'comment', text: match[0] })
      skeleton += '--…'
    } else if ((match = /^"(?:[^"\\\n]|\\.)*"|^'(?:[^'\\\n]|\\.)*'|^`(?:[^`\\]|\\.)*`/.exec(rest)) && !(code[i] === "'" && /\p{L}/u.test(code[i - 1] ?? ''))) {
      // A quote after a letter is an apostrophe (`don't`), not a string.
      prose.push({ kind: 'string', text: match[0].slice(1, -1) })
      skeleton += `${match[0][0]}…${match[0][0]}`
    } else {
      skeleton += code[i]
      i++
      continue
    }
    i += match[0].length
  }
  return { skeleton: `${lang}\n${skeleton.replace(/[ \t]+$/gm, '')}`, prose }
}
