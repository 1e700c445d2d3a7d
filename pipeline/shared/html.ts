/**
 * Escaping text for HTML: the review page, and text quoted from articles or model
 * answers in Markdown reports (a pull-request body renders the HTML it contains). Pure.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * `text` with `&`, `<`, `>` and quotes as entities, for HTML content and quoted attribute
 * values. `{ quotes: false }` leaves quotes as they are: for Markdown, where only markup
 * must not survive and `"` should stay readable in the raw text.
 */
export function escapeHtml(text: string, options: { quotes?: boolean } = {}): string {
  return text.replace(options.quotes === false ? /[&<>]/g : /[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)
}
