/**
 * Shared data shapes of the pipeline. Stages exchange these plain objects; only the
 * orchestrator (`translate.ts`, `cli.ts`) touches the disk, the network and the clock.
 */
import type { Root } from 'mdast'

/** How serious a finding is; mirrors vfile's fatal true/false/undefined. */
export type Severity = 'error' | 'warning' | 'info'

/** A 1-based line and column, plus the 0-based offset into the whole file when known. */
export interface Place {
  line: number
  column: number
  offset?: number
}

/**
 * A problem found in content. Content problems are findings, never exceptions, so a
 * run can report all of them and still write its draft.
 */
export interface Finding {
  /** Stable id such as `sections/paragraph-count` or `glossary/locked-form-missing`. */
  ruleId: string
  severity: Severity
  /**
   * Catalogue key of the message (`check:sections/paragraph-count`), rendered in the
   * user's language at the edge (`formatMessage` in `shared/i18n.ts`), never here.
   */
  messageId: string
  /** Values the message interpolates (i18next `count`, `context`, ...). */
  values?: Record<string, unknown>
  file?: string
  /** Index of the section (0 = preamble when the article has one, see `Section.index`). */
  section?: number
  /** Heading text of that section, for people. */
  heading?: string | null
  sourcePosition?: Place
  targetPosition?: Place
  expected?: unknown
  actual?: unknown
}

/** The frontmatter block cut out of an article, as text and offsets into `Article.text`. */
export interface FrontmatterBlock {
  /** The YAML text between the fences, including its final line break. */
  yaml: string
  /** Offset of the opening `---` (after a BOM). */
  start: number
  /** Offset where `yaml` starts (after the opening fence's line break). */
  yamlStart: number
  /** Offset where `yaml` ends (start of the closing fence line). */
  yamlEnd: number
  /** Offset just past the closing fence's line break: where the body starts. */
  end: number
  /** `toml` for a Hugo `+++` block (read leniently, see `parse`); YAML otherwise. */
  format?: 'yaml' | 'toml'
}

/** A parsed article. Offsets in `tree` are relative to `body`, not to `text`. */
export interface Article {
  file: string
  /** The whole file as decoded, BOM included when present. */
  text: string
  hasBom: boolean
  /** Dominant line ending of the file. */
  eol: '\n' | '\r\n'
  frontmatter: FrontmatterBlock
  body: string
  /** Offset of `body` within `text`. */
  bodyStart: number
  /** mdast of `body`, parsed with gfm + CJK-friendly emphasis, positions kept. */
  tree: Root
}

/** A unit of translation: a run of whole top-level blocks inside one section. */
export interface Chunk {
  /** Offsets into `Article.body`: start of the first block, end of the last block. */
  start: number
  end: number
  source: string
  /** Content hash of `source` (hex, 16 chars). */
  hash: string
}

/**
 * One `##` section (or the preamble before the first one). `start..end` covers its
 * blocks only; the whitespace between sections belongs to no section and is kept as is.
 */
export interface Section {
  /** 0-based position in the article (the preamble, when present, is index 0). */
  index: number
  /** True for the text before the first `##` heading. */
  isPreamble: boolean
  /** Plain text of the heading, or null for the preamble. */
  heading: string | null
  /** Heading depth (1 or 2), or 0 for the preamble. */
  depth: number
  start: number
  end: number
  source: string
  /** Content hash of `source` (hex, 16 chars): sections are identified by it, not only by index. */
  hash: string
  /** The section cut at block boundaries to fit the size budget; one chunk when it fits. */
  chunks: Chunk[]
}

/** Site locale code as used in frontmatter and paths (`cn`, `jp`, `en`, ...). */
export type SiteLocale = string
