/**
 * check: a translation against its source. Pure: two parsed articles (or two Markdown
 * fragments) in, findings out; nothing is read, written or timed here.
 *
 * The comparison is structural and language-independent: same frontmatter keys, same
 * sections, and inside each section the same paragraphs, lists, tables, code, URLs,
 * HTML, footnotes, emphasis and numbers. A few text heuristics catch what a model tends
 * to do wrong (Chinese left in an English paragraph, a paragraph left untranslated, a
 * section cut short). Every rule has an id and a default severity in {@link RULES};
 * `options.rules` switches a rule off or changes its severity.
 *
 * `checkSection` is the one implementation of "is this section intact": `check` calls
 * it for each aligned pair of sections, and the translator calls it on each answer
 * before accepting it.
 *
 * This file only re-exports; the implementation is in `check/`, one concern a file:
 * - `article.ts` `check`; `section.ts` `checkSection`
 * - rule groups: `frontmatter.ts`, `structure.ts`, `inline.ts`, `text.ts`, `glossary.ts`
 * - what they share: `comparison.ts` (a section pair), `features.ts` (what rules read of
 *   a text block, computed once), `profile.ts` (one walk of a
 *   fragment's mdast), `references.ts` (reference links resolved through definitions),
 *   `align.ts`, `numbers.ts`, `language.ts`, `reporter.ts`, `places.ts`, `strings.ts`,
 *   `sequences.ts`
 * - `rules.ts` (the rule table) and `options.ts`
 */
export { check } from './article.ts'
export { align } from './align.ts'
export { expectedLengthRatio, looksUntranslated } from './language.ts'
export { extractNumbers } from './numbers.ts'
export type { CheckOptions, LengthRatio, SectionCheckContext } from './options.ts'
export { RULES, type RuleId, type RuleSetting, type RuleSettings } from './rules.ts'
export { checkSection } from './section.ts'
export { unpairedBrackets } from './text.ts'
