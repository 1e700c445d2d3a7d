/**
 * The review app's pages: the list of articles × locales with their state, and the
 * review view of one (the shared HTML view with its buttons, plus the app's script).
 * Pure: data in, HTML out. The script is inline and carries the response's CSP nonce;
 * the page loads nothing else.
 */
import { t, uiLanguage } from '../shared/i18n.ts'
import type { ReviewDocument } from '../review/render.ts'
import { escapeHtml } from '../shared/html.ts'
import { REVIEW_CSS, renderReviewHeader, renderReviewSections } from '../review/html-view.ts'
import type { Glossary } from '../glossary/model.ts'
import type { TranslationStatus } from '../review/state.ts'

/** What every page needs: the access token (links and requests carry it) and the script nonce. */
export interface PageContext {
  token: string
  nonce: string
}

function shell(title: string, body: string, context: PageContext, data: Record<string, string> = {}, script = ''): string {
  const attributes = Object.entries(data)
    .map(([key, value]) => ` data-${key}="${escapeHtml(value)}"`)
    .join('')
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(uiLanguage())}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<meta name="l10n-token" content="${escapeHtml(context.token)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style nonce="${escapeHtml(context.nonce)}">${REVIEW_CSS}</style>`,
    '</head>',
    `<body${attributes}>`,
    body,
    '<div id="toast" role="status" aria-live="polite" hidden></div>',
    script ? `<script nonce="${escapeHtml(context.nonce)}">${script}</script>` : '',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** A link to a page of the app, with the token. */
export function appLink(path: string, params: Record<string, string>, token: string): string {
  const query = new URLSearchParams({ ...params, token })
  return `${path}?${query.toString()}`
}

/** One row of the article list. */
export interface ArticleRow {
  /** The source as listed (what the review page is asked for by). */
  file: string
  status?: TranslationStatus
  locale: string
  /** Why there is no status (unreadable source or output), already in words. */
  problem?: string
}

/** The start page: every source × locale, its state and section counts, and a link to review it. */
export function renderIndexPage(rows: readonly ArticleRow[], paths: readonly string[], context: PageContext): string {
  const title = t('serve:title')
  const body =
    rows.length === 0
      ? `<p>${escapeHtml(t('serve:none', { paths: paths.join(', ') }))}</p>`
      : `<table class="articles"><thead><tr><th>${escapeHtml(t('serve:article'))}</th><th>${escapeHtml(t('serve:locale'))}</th><th>${escapeHtml(t('serve:sections'))}</th><th>${escapeHtml(t('serve:state'))}</th></tr></thead><tbody>` +
        rows
          .map((row) => {
            const state = row.status?.state
            const counts = new Map<string, number>()
            for (const section of row.status?.sections ?? []) counts.set(section.state, (counts.get(section.state) ?? 0) + 1)
            const detail = [...counts].map(([name, count]) => t('workflow:count', { state: t(`workflow:state-${name}`), count })).join(', ')
            const reviewable = state !== undefined && state !== 'missing' && state !== 'untracked'
            const name = reviewable ? `<a href="${escapeHtml(appLink('/review', { file: row.file, locale: row.locale }, context.token))}">${escapeHtml(row.file)}</a>` : escapeHtml(row.file)
            const stateCell = state
              ? `<span class="state-${state}">${escapeHtml(t(`workflow:state-${state}`))}</span>`
              : `<span class="state-missing">${escapeHtml(row.problem ?? '')}</span>`
            return `<tr><td>${name}</td><td>${escapeHtml(row.locale)}</td><td>${escapeHtml(detail)}</td><td>${stateCell}</td></tr>`
          })
          .join('') +
        '</tbody></table>'
  return shell(title, `<header><h1>${escapeHtml(title)}</h1></header><main><h2>${escapeHtml(t('serve:articles'))}</h2>${body}</main>`, context)
}

/** A page saying why something cannot be shown (escaped). */
export function renderMessagePage(text: string, context: PageContext): string {
  return shell(t('serve:title'), `<main><p>${escapeHtml(text)}</p><p><a href="${escapeHtml(appLink('/', {}, context.token))}">${escapeHtml(t('serve:back'))}</a></p></main>`, context)
}

/** The review view of one article × locale, with its buttons and script. */
export function renderReviewPage(doc: ReviewDocument, file: string, locale: string, glossary: Glossary | undefined, context: PageContext): string {
  const title = t('review:title', { article: doc.article })
  const header =
    `<header><p><a href="${escapeHtml(appLink('/', {}, context.token))}">← ${escapeHtml(t('serve:back'))}</a></p>` +
    renderReviewHeader(doc, title) +
    `<p class="legend">${escapeHtml(t('serve:keys'))}</p>` +
    `<div class="actions"><button type="button" data-action="approve-all">${escapeHtml(t('serve:approve-all'))}</button></div></header>`
  const main = `<main>${renderReviewSections(doc, { glossary, interactive: true })}</main>`
  const messages = {
    confirmForce: t('serve:confirm-force', { n: '{count}' }),
    approved: t('serve:approved'),
    approvedAll: t('serve:approved-all', { n: '{count}', refused: '{refused}' }),
    saved: t('serve:saved'),
    resetDone: t('serve:reset-done'),
    failed: t('serve:failed', { message: '{message}' }),
  }
  return shell(title, header + main, context, { file, locale, messages: JSON.stringify(messages) }, APP_SCRIPT)
}

/**
 * The app's script: buttons and keys call the JSON API with the token in a header, and
 * the server's answer (the section rendered again, findings re-checked) replaces the
 * section in place. Plain DOM, no library.
 */
const APP_SCRIPT = `
(() => {
  const token = document.querySelector('meta[name="l10n-token"]').content;
  const { file, locale } = document.body.dataset;
  const text = JSON.parse(document.body.dataset.messages);
  const say = (template, values = {}) => template.replace(/\\{(\\w+)\\}/g, (_, key) => String(values[key] ?? ''));
  const toast = document.getElementById('toast');
  let toastTimer;
  const show = (message) => {
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toast.hidden = true; }, 4000);
  };
  const post = async (path, body) => {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-l10n-token': token },
      body: JSON.stringify({ file, locale, ...body }),
    });
    const data = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), { status: response.status, data });
    return data;
  };
  const sections = () => [...document.querySelectorAll('section.item')];
  let current = sections()[0];
  const focus = (section) => {
    if (!section) return;
    current = section;
    section.focus({ preventScroll: true });
    section.scrollIntoView({ block: 'start', behavior: 'smooth' });
  };
  const replace = (section, html) => {
    const template = document.createElement('template');
    template.innerHTML = html;
    const fresh = template.content.firstElementChild;
    section.replaceWith(fresh);
    current = fresh;
    fresh.focus({ preventScroll: true });
    return fresh;
  };
  const fail = (error) => show(say(text.failed, { message: error.message }));
  const busy = async (section, work) => {
    const buttons = section ? [...section.querySelectorAll('button')] : [];
    buttons.forEach((button) => { button.disabled = true; });
    try { await work(); } catch (error) { fail(error); } finally { buttons.forEach((button) => { button.disabled = false; }); }
  };
  const approve = (section) => busy(section, async () => {
    const index = Number(section.dataset.section);
    try {
      const data = await post('/api/approve', { section: index });
      replace(section, data.html);
      show(text.approved);
    } catch (error) {
      if (error.status !== 409 || !error.data || !error.data.errors) throw error;
      if (!confirm(say(text.confirmForce, { count: error.data.errors }))) return;
      const data = await post('/api/approve', { section: index, force: true });
      replace(section, data.html);
      show(text.approved);
    }
  });
  const open = (section, which) => {
    const form = section.querySelector('form.' + which);
    if (!form) return;
    section.querySelector('details').open = true;
    for (const other of section.querySelectorAll('form')) other.hidden = other !== form;
    form.querySelector('textarea').focus();
  };
  const close = (section) => { for (const form of section.querySelectorAll('form')) form.hidden = true; };
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) {
      const section = event.target.closest('section.item');
      if (section) current = section;
      return;
    }
    const section = button.closest('section.item');
    if (section) current = section;
    const action = button.dataset.action;
    if (action === 'approve') approve(section);
    else if (action === 'edit') open(section, 'editor');
    else if (action === 'reset') open(section, 'resetter');
    else if (action === 'cancel') close(section);
    else if (action === 'approve-all') busy(undefined, async () => {
      const data = await post('/api/approve-all', {});
      show(say(text.approvedAll, { count: data.approved, refused: data.refused }));
      setTimeout(() => location.reload(), 600);
    });
  });
  document.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const section = form.closest('section.item');
    const index = Number(section.dataset.section);
    if (form.classList.contains('editor')) {
      busy(section, async () => {
        const data = await post('/api/edit', { section: index, base: section.dataset.base, text: form.elements.text.value });
        replace(section, data.html);
        show(text.saved);
      });
    } else if (form.classList.contains('resetter')) {
      busy(section, async () => {
        const data = await post('/api/reset', { section: index, note: form.elements.note.value });
        replace(section, data.html);
        show(text.resetDone);
      });
    }
  });
  document.addEventListener('keydown', (event) => {
    const typing = event.target.closest && event.target.closest('textarea, input');
    if (typing) {
      if (event.key === 'Escape') { close(event.target.closest('section.item')); focus(current); }
      else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const list = sections();
    const at = list.indexOf(current);
    if (event.key === 'j') focus(list[Math.min(list.length - 1, at + 1)]);
    else if (event.key === 'k') focus(list[Math.max(0, at - 1)]);
    else if (event.key === 'a' && current) approve(current);
    else if (event.key === 'e' && current) { event.preventDefault(); open(current, 'editor'); }
    else if (event.key === 'r' && current) { event.preventDefault(); open(current, 'resetter'); }
    else return;
  });
})();
`
