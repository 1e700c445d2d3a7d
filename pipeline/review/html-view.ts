/**
 * The review as HTML: per section, rows of a source block beside its translated block,
 * both rendered as Markdown, with old → new diffs inside them, glossary names marked and
 * the check's findings on their row. One renderer for the static page (`review --html`,
 * read-only) and the local review app (`review --serve`, which adds buttons and its
 * script). Pure: a {@link ReviewDocument} in, HTML out; every text from the content is
 * escaped (see `markdown-html.ts`).
 */
import { countForm, entriesIn, findTerms, normalize, normalizeTerm } from '../glossary/match.ts'
import { lockedForm, siteLocaleCode, type Glossary } from '../glossary/model.ts'
import { formatMessage, t, uiLanguage } from '../shared/i18n.ts'
import type { LocaleInfo } from '../article/locales.ts'
import type { Finding, Severity } from '../article/types.ts'
import { renderMarkdownHtml, type TextMark } from './markdown-html.ts'
import { escapeHtml } from '../shared/html.ts'
import { FRONTMATTER_ITEM, itemTitle, summaryParts, type ReviewDocument, type ReviewItem } from './render.ts'
import { buildRows, type RowSide } from './rows.ts'
import { translationHash } from './plan.ts'

/** Options of {@link renderReviewSection} and {@link renderReviewHtml}. */
export interface HtmlViewOptions {
  /** Marks the glossary's names on both sides: locked, wrong, missing. */
  glossary?: Glossary | undefined
  /** Adds the review app's buttons (approve, edit, reset) and edit forms. @default false */
  interactive?: boolean
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 }

/** Spans of `form` in `text` (whole words for Latin forms), as offsets into `text`. */
function formSpans(text: string, form: string): [number, number][] {
  const normalized = normalize(text)
  const needle = normalizeTerm(form)
  if (needle === '') return []
  const spans: [number, number][] = []
  const word = /[\p{L}\p{N}]/u
  for (let at = normalized.text.indexOf(needle); at >= 0; at = normalized.text.indexOf(needle, at + 1)) {
    const end = at + needle.length
    const before = normalized.text[at - 1]
    const after = normalized.text[end]
    if (word.test(needle[0]!) && before !== undefined && word.test(before) && !/\p{Script=Han}/u.test(before)) continue
    if (word.test(needle[needle.length - 1]!) && after !== undefined && word.test(after) && !/\p{Script=Han}/u.test(after)) continue
    spans.push([normalized.starts[at]!, normalized.ends[end - 1]!])
  }
  return spans
}

/**
 * Glossary marks for one section: in the source, each name, as locked (its locked form
 * is in the translation), missing (it is not) or free (no locked form for this
 * language); in the translation, the locked forms and the known-wrong forms.
 */
function termMarkers(glossary: Glossary | undefined, sourceSection: string, targetSection: string, target: LocaleInfo) {
  if (!glossary) return { source: undefined, target: undefined }
  const code = siteLocaleCode(target.code)
  const source = (text: string): TextMark[] =>
    findTerms(text, glossary).map((match): TextMark => {
      const form = lockedForm(match.entry, code)
      if (form === undefined) return { start: match.start, end: match.end, className: 'term term-free', title: t('review:term-free') }
      const present = countForm(targetSection, form) > 0
      return { start: match.start, end: match.end, className: present ? 'term term-locked' : 'term term-missing', title: t(present ? 'review:term-locked' : 'review:term-missing', { form }) }
    })
  const entries = entriesIn(sourceSection, glossary)
  const targetMarks = (text: string): TextMark[] => {
    const marks: TextMark[] = []
    for (const entry of entries) {
      const form = lockedForm(entry, code)
      if (form === undefined) continue
      const locked = formSpans(text, form)
      for (const [start, end] of locked) marks.push({ start, end, className: 'term term-locked', title: t('review:term-locked', { form: entry.source }) })
      for (const wrong of entry.wrong[code] ?? []) {
        for (const [start, end] of formSpans(text, wrong)) {
          if (locked.some(([a, b]) => start >= a && end <= b)) continue
          marks.push({ start, end, className: 'term term-wrong', title: t('review:term-wrong', { form }) })
        }
      }
    }
    // Marks never overlap: the earlier (and at one place the longer) wins.
    marks.sort((a, b) => a.start - b.start || b.end - a.end)
    return marks.filter((mark, index) => index === 0 || mark.start >= marks[index - 1]!.end)
  }
  return { source, target: targetMarks }
}

function findingHtml(finding: Finding): string {
  return (
    `<li class="finding sev-${finding.severity}"><span class="badge sev-${finding.severity}">${escapeHtml(t(`review:severity/${finding.severity}`))}</span> ` +
    `${escapeHtml(formatMessage(finding))} <code>${escapeHtml(finding.ruleId)}</code></li>`
  )
}

function findingsHtml(findings: readonly Finding[]): string {
  if (findings.length === 0) return ''
  const sorted = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
  return `<ul class="findings" aria-label="${escapeHtml(t('review:findings'))}">${sorted.map(findingHtml).join('')}</ul>`
}

function cellHtml(side: RowSide | undefined, locale: LocaleInfo, marks: ((text: string) => TextMark[]) | undefined, label: string): string {
  if (!side) return `<div class="cell empty" data-label="${escapeHtml(label)}"><span class="none">${escapeHtml(t('review:no-counterpart'))}</span></div>`
  const changed = side.before !== undefined && side.before !== side.after
  const html = renderMarkdownHtml(side.afterNodes ?? side.after, { before: side.beforeNodes ?? side.before, script: locale.script, ...(marks ? { marks } : {}) })
  return `<div class="cell md${changed ? ' changed' : ''}" lang="${escapeHtml(locale.tag)}" data-label="${escapeHtml(label)}">${html}</div>`
}

/** The id of a section's element, and what the app's requests name it by. */
export function itemAnchor(item: Pick<ReviewItem, 'section'>): string {
  return item.section === FRONTMATTER_ITEM ? 'frontmatter' : `s${item.section}`
}

function button(action: string, label: string, key: string, extra = ''): string {
  return `<button type="button" data-action="${action}" title="${escapeHtml(t('review:shortcut', { key }))}"${extra}>${escapeHtml(label)}</button>`
}

/** One section (or the frontmatter) as an HTML `<section>`, rows and findings included. */
export function renderReviewSection(doc: ReviewDocument, item: ReviewItem, options: HtmlViewOptions = {}): string {
  const markers = termMarkers(item.section === FRONTMATTER_ITEM ? undefined : options.glossary, item.sourceAfter, item.translationAfter, doc.targetLocale)
  const { rows, unplaced } =
    item.section === FRONTMATTER_ITEM
      ? frontmatterRows(item)
      : buildRows({
          sourceAfter: item.sourceAfter,
          sourceBefore: item.sourceBefore,
          translationAfter: item.translationAfter,
          translationBefore: item.translationBefore,
          sourceLocale: doc.sourceLocale,
          targetLocale: doc.targetLocale,
          findings: item.findings,
          sourceOffset: item.sourceOffset,
          targetOffset: item.targetOffset,
        })
  const errors = item.findings.filter((finding) => finding.severity === 'error').length
  const collapsed = item.status === 'approved' && item.sourceBefore === undefined && item.translationBefore === undefined
  const badges =
    // "approved (approved)" says it twice: an approved item shows its status only.
    (item.reason === 'approved' ? '' : `<span class="badge reason">${escapeHtml(t(`review:reason/${item.reason}`))}</span>`) +
    `<span class="badge status status-${item.status}">${escapeHtml(t(`review:status/${item.status}`))}</span>` +
    (errors > 0 ? `<span class="badge sev-error">${escapeHtml(t('review:errors', { count: errors }))}</span>` : '')
  const sourceLabel = t('review:source')
  const targetLabel = t('review:translation')
  const rowsHtml = rows
    .map(
      (row) =>
        `<div class="row${row.findings.some((finding) => finding.severity === 'error') ? ' has-error' : ''}">` +
        cellHtml(row.source, doc.sourceLocale, markers.source, sourceLabel) +
        cellHtml(row.target, doc.targetLocale, markers.target, targetLabel) +
        (row.findings.length > 0 ? `<div class="row-findings">${findingsHtml(row.findings)}</div>` : '') +
        `</div>`,
    )
    .join('')
  const actions =
    options.interactive === true
      ? `<div class="actions">` +
        button('approve', t('review:approve'), 'a', errors > 0 ? ` data-errors="${errors}"` : '') +
        (item.section === FRONTMATTER_ITEM ? '' : button('edit', t('review:edit'), 'e') + button('reset', t('review:reset'), 'r')) +
        `</div>`
      : ''
  const editor =
    options.interactive === true && item.section !== FRONTMATTER_ITEM
      ? `<form class="editor" hidden><label>${escapeHtml(t('review:edit-label'))}<textarea name="text" lang="${escapeHtml(doc.targetLocale.tag)}" rows="12">${escapeHtml(item.translationAfter)}</textarea></label>` +
        `<div class="actions"><button type="submit" data-action="save">${escapeHtml(t('review:save'))}</button><button type="button" data-action="cancel">${escapeHtml(t('review:cancel'))}</button></div></form>` +
        `<form class="resetter" hidden><label>${escapeHtml(t('review:reset-label'))}<textarea name="note" rows="3"></textarea></label>` +
        `<div class="actions"><button type="submit" data-action="reset-save">${escapeHtml(t('review:reset'))}</button><button type="button" data-action="cancel">${escapeHtml(t('review:cancel'))}</button></div></form>`
      : ''
  const note = item.note !== undefined ? `<p class="note">${escapeHtml(t('review:note-kept', { note: item.note }))}</p>` : ''
  return (
    `<section class="item status-${item.status}" id="${itemAnchor(item)}" data-section="${item.section}"` +
    // What an edit starts from: the server refuses it when the file changed meanwhile.
    (options.interactive === true && item.section !== FRONTMATTER_ITEM ? ` data-base="${translationHash(item.translationAfter)}"` : '') +
    ` tabindex="-1">` +
    `<details${collapsed ? '' : ' open'}><summary><h2><span>${escapeHtml(itemTitle(item))}</span>${badges}</h2></summary>` +
    actions +
    note +
    (unplaced.length > 0 ? `<div class="section-findings">${findingsHtml(unplaced)}</div>` : '') +
    `<div class="rows"><div class="row head" aria-hidden="true"><div class="cell">${escapeHtml(sourceLabel)}</div><div class="cell">${escapeHtml(targetLabel)}</div></div>${rowsHtml}</div>` +
    editor +
    `</details></section>`
  )
}

/** The frontmatter's strings: one row per `key: value` line, paired by key. */
function frontmatterRows(item: ReviewItem) {
  const lines = (text: string | undefined) => new Map((text ?? '').split('\n').filter((line) => line !== '').map((line) => [line.slice(0, line.indexOf(':')), line] as const))
  const source = lines(item.sourceAfter)
  const target = lines(item.translationAfter)
  const sourceBefore = item.sourceBefore === undefined ? undefined : lines(item.sourceBefore)
  const targetBefore = item.translationBefore === undefined ? undefined : lines(item.translationBefore)
  const keys = [...new Set([...source.keys(), ...target.keys()])]
  // Each line as inline code would hide the diff; as a paragraph of plain text (escaped) it reads well.
  const asText = (line: string | undefined) => (line === undefined ? undefined : line.replace(/[\\`*_[\]<>#!|~&]/g, '\\$&'))
  const side = (now: Map<string, string>, before: Map<string, string> | undefined, key: string): RowSide | undefined =>
    now.has(key) ? { after: asText(now.get(key))!, ...(before ? { before: asText(before.get(key)) ?? '' } : {}) } : undefined
  const rows = keys.map((key) => ({ source: side(source, sourceBefore, key), target: side(target, targetBefore, key), findings: [] as Finding[] }))
  return { rows, unplaced: item.findings }
}

/** The CSS of the review pages (static and app). */
export const REVIEW_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --card: #f6f8fa; --line: #d1d9e0;
  --ins-bg: #dafbe1; --ins-fg: #116329; --del-bg: #ffebe9; --del-fg: #a40e26;
  --error: #cf222e; --warning: #9a6700; --info: #0969da; --ok: #1a7f37; --mark: #fff8c5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --line: #3d444d;
  --ins-bg: #12361f; --ins-fg: #7ee787; --del-bg: #3c1618; --del-fg: #ffa198;
  --error: #ff7b72; --warning: #d29922; --info: #58a6ff; --ok: #3fb950; --mark: #3b2e00; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem; font: 15px/1.6 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans", "Noto Sans CJK SC", sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.3rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
a { color: var(--info); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0 0 .5rem; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
p.summary { font-weight: 600; } p.legend { color: var(--muted); font-size: .9rem; }
nav ol { padding-left: 1.2rem; columns: 2 20rem; }
section.item { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; background: var(--card); overflow: hidden; }
section.item:focus { outline: 2px solid var(--info); }
section.item > details > summary { list-style: none; cursor: pointer; }
section.item > details > summary::-webkit-details-marker { display: none; }
section.item > details > summary h2 { font-size: 1.05rem; margin: 0; padding: .6rem .8rem; display: flex; flex-wrap: wrap; gap: .4rem; align-items: baseline; overflow-wrap: anywhere; }
section.item > details[open] > summary h2 { border-bottom: 1px solid var(--line); }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: 0 .5rem; border-radius: 999px; border: 1px solid currentColor; white-space: nowrap; }
.reason { color: var(--info); } .status { color: var(--muted); } .status-approved .status { color: var(--ok); }
.rows { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
.row { display: contents; }
.row > .cell { padding: .4rem .8rem; border-top: 1px solid var(--line); min-width: 0; overflow-wrap: anywhere; }
.row > .cell + .cell { border-left: 1px solid var(--line); }
.row.head > .cell { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); border-top: 0; padding-top: .3rem; padding-bottom: .1rem; }
.row.has-error > .cell { background: color-mix(in srgb, var(--del-bg) 35%, transparent); }
.row-findings { grid-column: 1 / -1; }
.md > :first-child { margin-top: 0; } .md > :last-child { margin-bottom: 0; }
.md p, .md ul, .md ol, .md blockquote, .md table, .md pre { margin: .3rem 0; }
.md h1, .md h2, .md h3, .md h4 { font-size: 1rem; margin: .2rem 0; }
.md pre { white-space: pre-wrap; background: var(--bg); padding: .4rem; border-radius: 6px; overflow-wrap: anywhere; }
.md code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; font-size: .85em; }
.md table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; }
.md th, .md td { border: 1px solid var(--line); padding: .1rem .4rem; }
.md blockquote { border-left: 3px solid var(--line); padding-left: .6rem; color: var(--muted); }
.md .image { color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: underline; text-decoration-thickness: 1px; }
del { background: var(--del-bg); color: var(--del-fg); text-decoration: line-through; }
mark.term { background: none; color: inherit; border-bottom: 2px solid var(--muted); }
mark.term-locked { border-bottom-color: var(--ok); }
mark.term-missing { border-bottom: 2px dashed var(--warning); }
mark.term-wrong { background: var(--del-bg); border-bottom-color: var(--error); }
mark.term-free { border-bottom: 2px dotted var(--muted); }
ul.findings { list-style: none; margin: 0; padding: .3rem .8rem .5rem; }
.section-findings { border-bottom: 1px solid var(--line); }
ul.findings li { margin: .2rem 0; overflow-wrap: anywhere; }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); } .sev-info { color: var(--info); }
li.finding { color: var(--fg); }
.actions { display: flex; flex-wrap: wrap; gap: .4rem; padding: .5rem .8rem; }
button { font: inherit; padding: .25rem .8rem; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; min-height: 2.2rem; }
button[data-action="approve"], button[data-action="save"] { border-color: var(--ok); color: var(--ok); font-weight: 600; }
button[disabled] { opacity: .5; cursor: default; }
form.editor, form.resetter { padding: .5rem .8rem; border-top: 1px solid var(--line); }
form label { display: block; font-size: .85rem; color: var(--muted); }
textarea { display: block; width: 100%; margin-top: .3rem; font: .9rem/1.5 ui-monospace, Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .4rem; }
p.note { margin: .4rem .8rem; color: var(--warning); }
table.articles { border-collapse: collapse; width: 100%; }
table.articles th, table.articles td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.state-approved { color: var(--ok); } .state-draft { color: var(--info); } .state-edited { color: var(--warning); }
.state-stale, .state-missing, .state-untracked { color: var(--error); }
#toast { position: fixed; bottom: 1rem; left: 50%; transform: translateX(-50%); max-width: 90vw; padding: .5rem 1rem; border-radius: 6px; background: var(--fg); color: var(--bg); }
@media (max-width: 800px) {
  body { padding: .5rem; }
  .rows { grid-template-columns: minmax(0, 1fr); }
  .row.head { display: none; }
  .row > .cell + .cell { border-left: 0; border-top: 1px dashed var(--line); }
  .row > .cell::before { content: attr(data-label); display: block; font-size: .7rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
  table.articles th:nth-child(3), table.articles td:nth-child(3) { display: none; }
}
`

/** The items of a review as HTML sections, in order. */
export function renderReviewSections(doc: ReviewDocument, options: HtmlViewOptions = {}): string {
  return doc.items.map((item) => renderReviewSection(doc, item, options)).join('\n')
}

/** The page header: article, target, time, counts and the legend. */
export function renderReviewHeader(doc: ReviewDocument, title: string): string {
  // Approved items shown (collapsed) by the app are not "in need of review".
  const summary = summaryParts({ ...doc, items: doc.items.filter((item) => item.status !== 'approved') })
  const target = `${doc.target} (${doc.targetLocale.nativeName}, ${doc.targetLocale.code})`
  return [
    `<h1>${escapeHtml(title)}</h1>`,
    '<dl class="meta">',
    `<dt>${escapeHtml(t('review:article'))}</dt><dd>${escapeHtml(doc.article)}</dd>`,
    `<dt>${escapeHtml(t('review:target'))}</dt><dd>${escapeHtml(target)}</dd>`,
    `<dt>${escapeHtml(t('review:generated'))}</dt><dd><time datetime="${escapeHtml(doc.generatedAt)}">${escapeHtml(doc.generatedAt)}</time></dd>`,
    '</dl>',
    `<p class="summary">${escapeHtml(summary.sections)}${summary.findings ? ` · ${escapeHtml(summary.findings)}` : ''}</p>`,
    `<p class="legend">${escapeHtml(t('review:legend'))} ${escapeHtml(t('review:legend-terms'))}</p>`,
  ].join('\n')
}

/**
 * The review as one self-contained, read-only HTML page (inline CSS, no script, nothing
 * fetched): the header, a table of contents, then every section as aligned rows.
 */
export function renderReviewHtml(doc: ReviewDocument, options: Omit<HtmlViewOptions, 'interactive'> = {}): string {
  const title = t('review:title', { article: doc.article })
  const nav =
    doc.items.length > 1 ? `<nav><ol>${doc.items.map((item) => `<li><a href="#${itemAnchor(item)}">${escapeHtml(itemTitle(item))}</a></li>`).join('')}</ol></nav>` : ''
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(uiLanguage())}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REVIEW_CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    renderReviewHeader(doc, title),
    nav,
    '</header>',
    '<main>',
    renderReviewSections(doc, { ...options, interactive: false }),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
