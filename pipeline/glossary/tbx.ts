/**
 * TBX interchange (TBX-Basic, ISO 30042:2019 DCA style). One `conceptEntry` per entry:
 * the kind as `descrip type="subjectField"`, the note as `note`, one `langSec` per
 * language with the source (preferred) and aliases (admitted) under the source language,
 * the locked form (preferred), known-wrong forms (deprecated) and short forms (admitted,
 * `termNote type="termType"` `shortForm`) under each target.
 * `marked` entries carry `termNote type="usageNote"` `title-only` on the source term.
 * Languages are BCP 47 tags (`zh-CN`, `ja`). `exportTbx(importTbx(text))` gives `text`
 * back byte for byte for any text `exportTbx` wrote. Pure; the reader is a small strict
 * tokenizer for this element set, not a general XML parser.
 */
import { LOCALES, findLocale } from '../article/locales.ts'
import { message, type Message } from '../shared/i18n.ts'
import { glossaryError } from './load.ts'
import { ENTRY_KINDS, siteLocaleCode, type EntryKind } from './model.ts'
import { byLocale, type EntryText } from './serialize.ts'

const PREFERRED = 'preferredTerm-admn-sts'
const ADMITTED = 'admittedTerm-admn-sts'
const DEPRECATED = 'deprecatedTerm-admn-sts'
const TITLE_ONLY = 'title-only'
const SHORT_FORM = 'shortForm'

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, name: string) => {
    const lower = name.toLowerCase()
    if (lower === 'amp') return '&'
    if (lower === 'lt') return '<'
    if (lower === 'gt') return '>'
    if (lower === 'quot') return '"'
    if (lower === 'apos') return "'"
    return String.fromCodePoint(lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10))
  })
}

const tagOf = (code: string) => findLocale(code)?.tag ?? code

function termSec(term: string, status: string, usage?: string, termType?: string): string {
  const type = termType ? `\n            <termNote type="termType">${termType}</termNote>` : ''
  const note = usage ? `\n            <termNote type="usageNote">${usage}</termNote>` : ''
  return `          <termSec>\n            <term>${escapeXml(term)}</term>\n            <termNote type="administrativeStatus">${status}</termNote>${type}${note}\n          </termSec>\n`
}

/** The entries as a TBX-Basic document; `sourceLocale` is a site code. */
export function exportTbx(entries: readonly EntryText[], sourceLocale = 'cn'): string {
  const sourceTag = tagOf(sourceLocale)
  let out =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<tbx style="dca" type="TBX-Basic" xml:lang="${sourceTag}" xmlns="urn:iso:std:iso:30042:ed-2">\n` +
    '  <tbxHeader>\n    <fileDesc>\n      <sourceDesc>\n        <p>l10n glossary export</p>\n      </sourceDesc>\n    </fileDesc>\n  </tbxHeader>\n' +
    '  <text>\n    <body>\n'
  entries.forEach((entry, index) => {
    out += `      <conceptEntry id="c${index + 1}">\n`
    out += `        <descrip type="subjectField">${entry.kind}</descrip>\n`
    if (entry.note !== undefined) out += `        <note>${escapeXml(entry.note)}</note>\n`
    out += `        <langSec xml:lang="${sourceTag}">\n`
    out += termSec(entry.source, PREFERRED, entry.marked ? TITLE_ONLY : undefined)
    for (const alias of entry.aliases) out += termSec(alias, ADMITTED)
    out += '        </langSec>\n'
    const locales = Object.keys(byLocale({ ...entry.targets, ...entry.wrong, ...entry.short }))
    for (const code of locales) {
      out += `        <langSec xml:lang="${tagOf(code)}">\n`
      if (entry.targets[code] !== undefined) out += termSec(entry.targets[code]!, PREFERRED)
      for (const wrong of entry.wrong[code] ?? []) out += termSec(wrong, DEPRECATED)
      for (const short of entry.short?.[code] ?? []) out += termSec(short, ADMITTED, undefined, SHORT_FORM)
      out += '        </langSec>\n'
    }
    out += '      </conceptEntry>\n'
  })
  return out + '    </body>\n  </text>\n</tbx>\n'
}

interface Token {
  type: 'open' | 'close' | 'text'
  name: string
  attributes: Record<string, string>
  text: string
  line: number
}

/** Tags and text of the document; comments, the declaration and processing instructions are skipped. */
function tokenize(xml: string, file: string): Token[] {
  const tokens: Token[] = []
  // Matches come in text order, so the line count moves forward with them: counting from
  // the start for every token made a large TBX file quadratic to read. The next newline is
  // remembered, so a long line (a minified file) is not searched again for every token.
  let line = 1
  let nextNewline = xml.indexOf('\n')
  const lineAt = (offset: number) => {
    while (nextNewline !== -1 && nextNewline < offset) {
      line++
      nextNewline = xml.indexOf('\n', nextNewline + 1)
    }
    return line
  }
  const pattern = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g
  for (const match of xml.matchAll(pattern)) {
    const [whole, cdata, slash, name, attrs, selfClose, text] = match
    const tokenLine = lineAt(match.index)
    if (whole.startsWith('<!--') || whole.startsWith('<?')) continue
    if (cdata !== undefined) tokens.push({ type: 'text', name: '', attributes: {}, text: cdata, line: tokenLine })
    else if (name !== undefined) {
      const attributes: Record<string, string> = {}
      for (const attribute of (attrs ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attributes[attribute[1]!] = unescapeXml(attribute[2] ?? attribute[3] ?? '')
      tokens.push({ type: slash ? 'close' : 'open', name, attributes, text: '', line: tokenLine })
      if (selfClose) tokens.push({ type: 'close', name, attributes: {}, text: '', line: tokenLine })
    } else if (text !== undefined) tokens.push({ type: 'text', name: '', attributes: {}, text: unescapeXml(text), line: tokenLine })
    else throw glossaryError([{ file, line: tokenLine, column: 1, message: message('glossary:tbx-syntax') }])
  }
  return tokens
}

/**
 * Reads a TBX-Basic document (ours or another tool's: `tig` instead of `termSec` and
 * `termEntry` instead of `conceptEntry` are read too). Unknown languages and kinds and
 * concepts without a source-language term are problems, reported at once.
 */
export function importTbx(xml: string, file: string, sourceLocale = 'cn'): EntryText[] {
  const tokens = tokenize(xml.replace(/^\uFEFF/, ''), file)
  const problems: { file: string; line: number; column: number; message: Message }[] = []
  const entries: EntryText[] = []
  const stack: string[] = []
  let entry: (EntryText & { line: number; sourceSeen: boolean }) | undefined
  let lang: string | undefined
  let term: { text: string; status?: string; usage?: string; type?: string } | undefined
  let capture: { kind: 'term' | 'note' | 'subject' | 'status' | 'usage' | 'type'; text: string } | undefined
  for (const token of tokens) {
    if (token.type === 'open') {
      stack.push(token.name)
      if (token.name === 'conceptEntry' || token.name === 'termEntry') entry = { source: '', aliases: [], kind: 'term', targets: {}, wrong: {}, line: token.line, sourceSeen: false }
      else if (token.name === 'langSec' || token.name === 'langSet') {
        const tag = token.attributes['xml:lang'] ?? ''
        const code = siteLocaleCode(tag)
        if (!findLocale(code)) problems.push({ file, line: token.line, column: 1, message: message('glossary:unknown-locale', { locale: tag, field: 'xml:lang', known: LOCALES.map((row) => row.tag).join(', ') }) })
        lang = code
      } else if (token.name === 'termSec' || token.name === 'tig') term = { text: '' }
      else if (token.name === 'term') capture = { kind: 'term', text: '' }
      else if (token.name === 'note' && entry && !term) capture = { kind: 'note', text: '' }
      else if (token.name === 'descrip' && token.attributes.type === 'subjectField') capture = { kind: 'subject', text: '' }
      else if (token.name === 'termNote' && token.attributes.type === 'administrativeStatus') capture = { kind: 'status', text: '' }
      else if (token.name === 'termNote' && token.attributes.type === 'usageNote') capture = { kind: 'usage', text: '' }
      else if (token.name === 'termNote' && token.attributes.type === 'termType') capture = { kind: 'type', text: '' }
      continue
    }
    if (token.type === 'text') {
      if (capture) capture.text += token.text
      continue
    }
    // A close tag.
    if (stack.pop() !== token.name) {
      problems.push({ file, line: token.line, column: 1, message: message('glossary:tbx-syntax') })
      break
    }
    if (capture && ['term', 'note', 'descrip', 'termNote'].includes(token.name)) {
      const value = capture.text.trim()
      if (capture.kind === 'term' && term) term.text = value
      else if (capture.kind === 'note' && entry) entry.note = capture.text
      else if (capture.kind === 'subject' && entry) {
        if ((ENTRY_KINDS as readonly string[]).includes(value)) entry.kind = value as EntryKind
        else problems.push({ file, line: token.line, column: 1, message: message('glossary:unknown-kind', { kind: value, known: ENTRY_KINDS.join(', ') }) })
      } else if (capture.kind === 'status' && term) term.status = value
      else if (capture.kind === 'usage' && term) term.usage = value
      else if (capture.kind === 'type' && term) term.type = value
      capture = undefined
    } else if ((token.name === 'termSec' || token.name === 'tig') && term && entry && lang) {
      if (term.text !== '') {
        if (lang === sourceLocale) {
          if (!entry.sourceSeen && term.status !== ADMITTED) {
            entry.source = term.text
            entry.sourceSeen = true
            if (term.usage === TITLE_ONLY) entry.marked = true
          } else entry.aliases.push(term.text)
        } else if (term.status === DEPRECATED) (entry.wrong[lang] ??= []).push(term.text)
        else if (term.type === SHORT_FORM && term.status !== PREFERRED) ((entry.short ??= {})[lang] ??= []).push(term.text)
        else if (entry.targets[lang] === undefined) entry.targets[lang] = term.text
      }
      term = undefined
    } else if (token.name === 'langSec' || token.name === 'langSet') lang = undefined
    else if ((token.name === 'conceptEntry' || token.name === 'termEntry') && entry) {
      if (!entry.sourceSeen) problems.push({ file, line: entry.line, column: 1, message: message('glossary:tbx-no-source', { locale: tagOf(sourceLocale) }) })
      else {
        const { line: _line, sourceSeen: _seen, ...text } = entry
        entries.push(text)
      }
      entry = undefined
    }
  }
  if (stack.length > 0 && problems.length === 0) problems.push({ file, line: tokens[tokens.length - 1]?.line ?? 1, column: 1, message: message('glossary:tbx-syntax') })
  if (problems.length > 0) throw glossaryError(problems)
  return entries
}
