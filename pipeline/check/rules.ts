/**
 * The rule table: every rule id with its default severity, and the validation of the
 * per-rule settings a caller passes in.
 */
import type { Severity } from '../article/types.ts'

/**
 * Every rule with its default severity. This is the only list: the renderers, the CLI
 * and the translator read rule ids from here.
 */
export const RULES = {
  'frontmatter/yaml-invalid': 'error',
  'frontmatter/keys': 'error',
  'frontmatter/kept-changed': 'error',
  'frontmatter/kept-translated': 'info',
  'frontmatter/translated-missing': 'error',
  'frontmatter/untranslated': 'warning',
  'frontmatter/locale': 'error',
  'sections/count': 'error',
  'sections/heading-depth': 'error',
  'sections/paragraph-count': 'error',
  'sections/paragraph-split': 'warning',
  'sections/order': 'error',
  'sections/list-count': 'error',
  'sections/list-item-count': 'error',
  'sections/table-shape': 'error',
  'sections/table-cell': 'error',
  'sections/code-block': 'error',
  'sections/code-comment': 'info',
  'sections/inline-code': 'error',
  'sections/link-urls': 'error',
  'sections/link-order': 'error',
  'sections/image-urls': 'error',
  'sections/html': 'error',
  'sections/jsx': 'error',
  'sections/mdx-esm': 'warning',
  'sections/line-break': 'warning',
  'sections/footnotes': 'error',
  'inline/strong-count': 'error',
  'inline/emphasis-count': 'error',
  'inline/broken-emphasis': 'error',
  'inline/marked-term': 'error',
  'text/han-residue': 'error',
  'text/fullwidth-punctuation': 'error',
  'text/identical-paragraph': 'warning',
  'text/numbers': 'warning',
  'text/number-changed': 'error',
  'text/sentence-count': 'error',
  'text/sentence-extra': 'warning',
  'text/duplicate-sentence': 'error',
  'text/language': 'error',
  'text/length-ratio': 'warning',
  'text/length-extreme': 'error',
  'text/paragraph-too-short': 'error',
  'text/doubled-word': 'error',
  'text/unpaired-brackets': 'warning',
  'glossary/locked-form-missing': 'error',
  'glossary/wrong-form': 'error',
  'glossary/inconsistent': 'warning',
  'glossary/not-locked': 'info',
  // The judge (`check --judge`): a model's reading of aligned text pairs. Severity by
  // what the rubric category costs a reader: lost or wrong meaning is an error; an
  // addition or a term is worth a look; fluency is advice.
  'judge/omission': 'error',
  'judge/addition': 'warning',
  'judge/mistranslation': 'error',
  'judge/terminology': 'warning',
  'judge/fluency': 'info',
  'judge/unreadable': 'warning',
  'judge/not-judged': 'warning',
  'judge/failed': 'error',
} as const satisfies Record<string, Severity>

/** A rule id of {@link RULES}. */
export type RuleId = keyof typeof RULES

/** What `options.rules` may set a rule to: a severity, or `off`. */
export type RuleSetting = Severity | 'off'

/** Per-rule overrides, by rule id. Unknown ids are a programmer error (TypeError). */
export type RuleSettings = Partial<Record<string, RuleSetting>>

/** Throws a TypeError quoting the first unknown rule id or a setting that is no severity. */
export function validateRules(rules: RuleSettings | undefined): void {
  if (!rules) return
  for (const [id, setting] of Object.entries(rules)) {
    if (!(id in RULES)) {
      throw new TypeError(`Expected a rule id of RULES in \`rules\`, got \`${id}\`; known: ${Object.keys(RULES).join(', ')}`)
    }
    if (setting !== undefined && setting !== 'error' && setting !== 'warning' && setting !== 'info' && setting !== 'off') {
      throw new TypeError(`Expected \`rules['${id}']\` to be error, warning, info or off, got \`${String(setting)}\` (${typeof setting})`)
    }
  }
}
