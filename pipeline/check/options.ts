/**
 * The options of `check` and `checkSection`, documented where they are defined, and the
 * validation of the ones that are numbers.
 */
import type { RootContent } from 'mdast'
import type { FrontmatterPolicy } from '../article/frontmatter.ts'
import type { TermRenderings } from '../glossary/match.ts'
import type { Glossary } from '../glossary/model.ts'
import type { Profile } from './profile.ts'
import type { Definitions } from './references.ts'
import type { RuleSettings } from './rules.ts'
import type { HeadingSlugs, UrlRewrite } from './urls.ts'

/** A target/source length ratio range (target units / source units, see `lengthUnits`). */
export interface LengthRatio {
  min: number
  max: number
}

/** Options of {@link check}. */
export interface CheckOptions {
  /**
   * Site code (or BCP 47 tag) of the source. @default the source frontmatter's `locale:`
   */
  sourceLocale?: string
  /**
   * Site code (or BCP 47 tag) the translation is for. When given, the target's
   * `locale:` must equal it. @default the target frontmatter's `locale:`
   */
  targetLocale?: string
  /** Per-rule severity or `off`, by rule id. @default each rule's severity in {@link RULES} */
  rules?: RuleSettings
  /** Compare heading sequences only down to this depth (1–6). @default 6 */
  headingDepth?: number
  /** Glossary whose locked forms the translation must use; glossary rules run only with one. */
  glossary?: Glossary
  /** Which frontmatter keys are translated and set. @default DEFAULT_FRONTMATTER_POLICY */
  policy?: FrontmatterPolicy
  /**
   * Allowed target/source length ratio per section (units, see `lengthUnits`),
   * overriding the calibrated warning range of the language pair (`LENGTH_CALIBRATION`).
   * `0 < min < max`.
   */
  lengthRatio?: LengthRatio
  /**
   * Site rules for localized links: `source` in a source URL may be written `target` in
   * the translation (`{sourceLocale}`/`{targetLocale}` stand for any spelling of the
   * locale). Added to the built-in rules (locale path segments, `-xx` suffixes, host labels).
   */
  urlRewrites?: UrlRewrite[]
}

/** Where a fragment checked by {@link checkSection} sits, and what to compare it with. */
export interface SectionCheckContext {
  /** Index of the section in the source article (copied into findings). */
  section: number
  /** Heading text of the source section (copied into findings). */
  heading: string | null
  /** The target file (copied into findings). */
  file: string
  /** Site code or BCP 47 tag of each side. */
  sourceLocale: string
  targetLocale: string
  /** Offset of the source fragment in `sourceText`. @default 0 */
  sourceOffset?: number
  /** Offset of the target fragment in `targetText`. @default 0 */
  targetOffset?: number
  /**
   * The whole source file, for line and column. Without it, lines and columns are
   * counted within the fragment (offsets are still shifted by `sourceOffset`).
   */
  sourceText?: string
  /** The whole target file, for line and column (see `sourceText`). */
  targetText?: string
  glossary?: Glossary
  rules?: RuleSettings
  /** @default 6 */
  headingDepth?: number
  lengthRatio?: LengthRatio
  urlRewrites?: UrlRewrite[]
  /** Heading slugs of the whole articles, in order, so same-page `#fragment` links compare by the heading they name. */
  headingSlugs?: { source: HeadingSlugs; target: HeadingSlugs }
  /**
   * Blocks already parsed from a larger text (what `check` passes, so an article is
   * parsed once). Node offsets minus `sourceBase`/`targetBase` must be offsets into the
   * fragments. Without it, the fragments are parsed here.
   */
  blocks?: {
    source: readonly RootContent[]
    target: readonly RootContent[]
    sourceBase: number
    targetBase: number
    /**
     * The definitions references resolve through: the whole articles', since a
     * definition often sits in another section. @default those among the blocks
     */
    definitions?: { source: Definitions; target: Definitions }
    /**
     * The blocks' profiles when the caller walked them already (`check` keeps one per
     * section for the section alignment and the article-wide rules), with the same
     * bases and definitions. @default walked here
     */
    profiles?: { source: Profile; target: Profile }
    /**
     * How the target fragment renders the glossary entries the source fragment names
     * (`termRenderings` of the two fragments with `glossary` and the target locale), when
     * the caller computed them (`check` reads them for the article-wide consistency too).
     * @default computed here
     */
    terms?: TermRenderings
  }
  /**
   * The source fragment's blocks, already parsed from its article (the translator's
   * answer check: the source was parsed with its article, only the answer is new). Node
   * offsets minus `base` are offsets into the source fragment. Only for a fragment that
   * parses alone to the same blocks (no definition elsewhere that a reference in it could
   * resolve through). Ignored when `blocks` is given.
   */
  sourceBlocks?: { nodes: readonly RootContent[]; base: number }
}

/** The heading depth to compare down to; throws a TypeError unless it is an integer from 1 to 6. */
export function validateHeadingDepth(depth: number | undefined): number {
  if (depth === undefined) return 6
  if (!Number.isInteger(depth) || depth < 1 || depth > 6) {
    throw new TypeError(`Expected \`headingDepth\` to be an integer from 1 to 6, got \`${String(depth)}\` (${typeof depth})`)
  }
  return depth
}

/** Throws a TypeError unless the ratio is `{min, max}` with `0 < min < max`. */
export function validateLengthRatio(ratio: LengthRatio | undefined): void {
  if (ratio === undefined) return
  const { min, max } = ratio
  if (!(Number.isFinite(min) && Number.isFinite(max) && min > 0 && max > min)) {
    throw new TypeError(`Expected \`lengthRatio\` to be {min, max} with 0 < min < max, got \`${JSON.stringify(ratio)}\``)
  }
}
