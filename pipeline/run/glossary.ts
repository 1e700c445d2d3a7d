/**
 * The glossary orchestrators: read articles, drafts, proposals and glossary files, call
 * the pure stages of `glossary/` and write the results atomically. `suggest` (which
 * talks to the model) is in `glossary-suggest.ts`.
 */
import { createHash } from 'node:crypto'
import { extname, join, resolve } from 'node:path'
import { z } from 'zod'
import { contentHash } from '../shared/hash.ts'
import { fileStampSchema, openMemo, stampFile } from '../state/memo.ts'
import { parse } from '../article/parse.ts'
import type { Article } from '../article/types.ts'
import { L10nError } from '../shared/errors.ts'
import { readTextFile, readTextFileIfExists, writeFileAtomic } from '../state/files.ts'
import { openLockRecords } from '../state/lockfile-store.ts'
import { acceptProposals, type AcceptResult, type Selection } from '../glossary/accept.ts'
import { auditProposal, auditRenderings, type AuditFinding } from '../glossary/audit.ts'
import { nameCoverage, type NameCoverage } from '../glossary/coverage.ts'
import { exportCsv, importCsv } from '../glossary/csv.ts'
import { extractCandidates } from '../glossary/extract.ts'
import { learnRenderings, type LearnResult } from '../glossary/learn.ts'
import { mergeGlossaries, parseGlossary } from '../glossary/load.ts'
import { normalizeTerm } from '../glossary/match.ts'
import type { Glossary, GlossaryEntry } from '../glossary/model.ts'
import { mergeProposals, parseProposals, serializeProposals, type Proposal, type ProposalFile } from '../glossary/proposals.ts'
import { rejectProposals } from '../glossary/reject.ts'
import { sectionRenderings, type Rendering } from '../glossary/renderings.ts'
import { appendEntries, glossaryYaml, updateEntries, type EntryText } from '../glossary/serialize.ts'
import { exportTbx, importTbx } from '../glossary/tbx.ts'
import { load, statusOf, type WorkflowOptions } from '../review/state.ts'

/** The proposals on file, or an empty file when there is none yet. */
export async function readProposals(path: string): Promise<ProposalFile> {
  const text = await readTextFileIfExists(path)
  return text === undefined ? { sourceLocale: 'cn', proposals: [] } : parseProposals(text, path)
}

/** Writes the proposals file atomically. */
export async function writeProposals(path: string, file: ProposalFile): Promise<void> {
  await writeFileAtomic(path, serializeProposals(file))
}

/** What `extract` did. */
export interface ExtractReport {
  articles: number
  /** Candidates found this run (covered names excluded). */
  candidates: number
  /** Of those, names not on the proposals file before. */
  added: number
  proposals: ProposalFile
}

/**
 * Extracts candidates from source articles and merges them into the proposals file:
 * names already on it keep their decision and targets, new ones are appended in rank.
 * Articles are read one at a time, so a big tree is never held in memory together.
 */
export async function extractToFile(options: { files: readonly string[]; glossary: Glossary | undefined; proposalsPath: string; sourceLocale?: string }): Promise<ExtractReport> {
  const articles: Article[] = []
  for (const file of options.files) articles.push(parse(await readTextFile(file), file))
  const fresh = extractCandidates(articles, options.glossary ? { glossary: options.glossary } : {})
  const existing = await readProposals(options.proposalsPath)
  const known = new Set(existing.proposals.map((proposal) => normalizeTerm(proposal.source)))
  const merged = mergeProposals(existing.proposals, fresh, normalizeTerm)
  const file: ProposalFile = { sourceLocale: options.sourceLocale ?? existing.sourceLocale, proposals: merged }
  await writeProposals(options.proposalsPath, file)
  return { articles: articles.length, candidates: fresh.length, added: fresh.filter((proposal) => !known.has(normalizeTerm(proposal.source))).length, proposals: file }
}

/**
 * Accepts proposals into a glossary file: entries are appended to it (comments and
 * layout kept; a missing file is created), accepted proposals leave the proposals file.
 * The glossary file is validated with its new entries before anything is written.
 */
export async function acceptToFile(options: { proposalsPath: string; glossaryPath: string; selection: Selection; glossary: Glossary | undefined }): Promise<AcceptResult> {
  const file = await readProposals(options.proposalsPath)
  const result = acceptProposals(file.proposals, options.selection, options.glossary)
  if (result.entries.length === 0) return result
  const before = (await readTextFileIfExists(options.glossaryPath)) ?? ''
  const after = appendEntries(before, result.entries, file.sourceLocale)
  // Refuse to write a file that would not load, or would clash with the other glossary files.
  const written = parseGlossary(after, options.glossaryPath)
  if (options.glossary) mergeGlossaries([withoutFile(options.glossary, options.glossaryPath), written])
  await writeFileAtomic(options.glossaryPath, after)
  await writeProposals(options.proposalsPath, { ...file, proposals: result.remaining })
  return result
}

/** The glossary without the entries read from `file` (which is being rewritten). */
function withoutFile(glossary: Glossary, file: string): Glossary {
  return { ...glossary, entries: glossary.entries.filter((entry) => entry.file !== file), files: glossary.files.filter((name) => name !== file) }
}

/** Marks proposals rejected on file. */
export async function rejectInFile(options: { proposalsPath: string; selection: Selection }): Promise<{ rejected: number; unknown: string[] }> {
  const file = await readProposals(options.proposalsPath)
  const result = rejectProposals(file.proposals, options.selection)
  if (result.rejected > 0) await writeProposals(options.proposalsPath, { ...file, proposals: result.proposals })
  return { rejected: result.rejected, unknown: result.unknown }
}

/** The source and translated sections of each article × locale that has an output whose sections line up. */
async function sectionPairs(
  files: readonly string[],
  locale: string,
  workflow: WorkflowOptions,
  keep: (state: string) => boolean,
): Promise<(Rendering & { file: string })[]> {
  const lock = openLockRecords(workflow.lockfile)
  const out: (Rendering & { file: string })[] = []
  for (const file of files) {
    const loaded = await load(file, locale, workflow, lock)
    if (!loaded.outputSections || loaded.outputSections.length !== loaded.sourceSections.length) continue
    const states = loaded.record ? statusOf(loaded, workflow).sections : []
    loaded.sourceSections.forEach((section, index) => {
      const state = states.find((status) => status.index === index)?.state ?? 'untracked'
      if (!keep(state)) return
      for (const rendering of sectionRenderings(section.source, loaded.outputSections![index]!.source)) out.push({ ...rendering, file: loaded.output })
    })
  }
  return out
}

/** `audit`: names rendered several ways across the translated articles of a locale (drafts included). */
export async function auditTree(options: { files: readonly string[]; locale: string; workflow: WorkflowOptions; glossary: Glossary | undefined; proposalsPath?: string }): Promise<{ findings: AuditFinding[]; proposed: number }> {
  const renderings = await sectionPairs(options.files, options.locale, options.workflow, () => true)
  const findings = auditRenderings(renderings, options.locale, options.glossary)
  let proposed = 0
  if (options.proposalsPath && findings.length > 0) {
    const file = await readProposals(options.proposalsPath)
    const fresh = findings.filter((finding) => finding.locked === undefined).map((finding) => auditProposal(finding))
    const known = new Set(file.proposals.map((proposal) => normalizeTerm(proposal.source)))
    const merged: Proposal[] = [...file.proposals]
    for (const proposal of fresh) {
      const at = merged.findIndex((old) => normalizeTerm(old.source) === normalizeTerm(proposal.source))
      if (at >= 0) {
        const old = merged[at]!
        if (old.targets[options.locale] === undefined) merged[at] = { ...old, targets: { ...old.targets, ...proposal.targets }, suggestedBy: { ...old.suggestedBy, ...proposal.suggestedBy } }
      } else merged.push(proposal)
      if (!known.has(normalizeTerm(proposal.source))) proposed++
    }
    await writeProposals(options.proposalsPath, { ...file, proposals: merged })
  }
  return { findings, proposed }
}

/** `learn`: renderings of names in approved and hand-edited sections, proposed as entries. */
export async function learnTree(options: { files: readonly string[]; locales: readonly string[]; workflow: WorkflowOptions; glossary: Glossary | undefined; proposalsPath: string }): Promise<LearnResult> {
  let file = await readProposals(options.proposalsPath)
  const total: LearnResult = { proposals: file.proposals, added: 0, updated: 0 }
  for (const locale of options.locales) {
    const renderings = await sectionPairs(options.files, locale, options.workflow, (state) => state === 'approved' || state === 'edited')
    const result = learnRenderings(renderings, locale, total.proposals, options.glossary)
    total.proposals = result.proposals
    total.added += result.added
    total.updated += result.updated
  }
  if (total.added + total.updated > 0) {
    file = { ...file, proposals: total.proposals }
    await writeProposals(options.proposalsPath, file)
  }
  return total
}

const coverageMemoSchema = z.object({
  file: z.string(),
  sourceFile: fileStampSchema,
  inputs: z.string(),
  coverage: z.object({ names: z.int().min(0), locked: z.int().min(0), proposed: z.int().min(0), notCovered: z.int().min(0), uncovered: z.array(z.string()) }),
})

/** What a name coverage depends on besides the article's text: the glossary and the open proposals. */
export function coverageInputs(glossary: Glossary | undefined, open: readonly string[]): string {
  return contentHash('names', glossary?.version ?? '-', JSON.stringify(glossary?.inflection ?? null), JSON.stringify(open))
}

const coverageKey = (file: string) => `names\u0000${resolve(file)}`

/**
 * Keeps the name coverage a run worked out for a source (`text` as judged; `open` the open
 * proposals' sources and aliases), so that the next `status` does not parse the source for
 * it. Kept only while the file on disk is that text; a memo that cannot be kept costs only speed.
 */
export async function rememberCoverage(stateDir: string, file: string, text: string, glossary: Glossary | undefined, open: readonly string[], coverage: NameCoverage): Promise<void> {
  const stamped = await stampFile(file).catch(() => undefined)
  if (!stamped || stamped.stamp.hash !== createHash('sha256').update(text, 'utf8').digest('hex')) return
  const memo = openMemo(join(stateDir, 'status'), coverageMemoSchema)
  await memo.put(coverageKey(file), { file: resolve(file), sourceFile: stamped.stamp, inputs: coverageInputs(glossary, open), coverage }).catch(() => {})
}

/**
 * The name coverage of each source article: locked, proposed, not covered. With `stateDir`,
 * an article whose text, glossary and open proposals are unchanged since the last time is
 * not parsed again (its coverage is kept in `.l10n/status/`, like the status memo).
 */
export async function coverageOf(
  files: readonly string[],
  glossary: Glossary | undefined,
  proposalsPath: string,
  stateDir?: string,
  sealed?: ReadonlyMap<string, NameCoverage & { inputs: string }>,
): Promise<Map<string, NameCoverage>> {
  const proposals = await readProposals(proposalsPath)
  const open = proposals.proposals.filter((proposal) => proposal.status === 'proposed').flatMap((proposal) => [proposal.source, ...proposal.aliases])
  const memo = stateDir === undefined ? undefined : openMemo(join(stateDir, 'status'), coverageMemoSchema)
  const inputs = coverageInputs(glossary, open)
  const out = new Map<string, NameCoverage>()
  for (const file of files) {
    const key = coverageKey(file)
    const known = await memo?.get(key)
    const stamped = memo ? await stampFile(file, known?.file === resolve(file) ? known.sourceFile : undefined).catch(() => undefined) : undefined
    if (known && stamped && known.file === resolve(file) && known.inputs === inputs && known.sourceFile.hash === stamped.stamp.hash) {
      out.set(file, known.coverage)
      if (stamped.read) await memo!.put(key, { ...known, sourceFile: stamped.stamp }).catch(() => {})
      continue
    }
    // Counted by the run that sealed this source's records (status saw the seal hold).
    const kept = sealed?.get(file)
    if (kept && kept.inputs === inputs) {
      const { inputs: _inputs, ...coverage } = kept
      out.set(file, coverage)
      if (memo && stamped) await memo.put(key, { file: resolve(file), sourceFile: stamped.stamp, inputs, coverage }).catch(() => {})
      continue
    }
    const text = await readTextFile(file)
    const coverage = nameCoverage(parse(text, file).tree, glossary, open)
    out.set(file, coverage)
    // Kept only when the text judged is the one stamped.
    if (memo && stamped && stamped.stamp.hash === createHash('sha256').update(text, 'utf8').digest('hex')) {
      await memo.put(key, { file: resolve(file), sourceFile: stamped.stamp, inputs, coverage }).catch(() => {})
    }
  }
  return out
}

/** The interchange format of a path: `.csv`, `.tbx` (or `.xml`), `.yaml`/`.yml`. */
export function formatOf(path: string, given?: string): 'csv' | 'tbx' | 'yaml' {
  const format = (given ?? extname(path).slice(1)).toLowerCase()
  if (format === 'csv') return 'csv'
  if (format === 'tbx' || format === 'xml') return 'tbx'
  if (format === 'yaml' || format === 'yml') return 'yaml'
  throw new L10nError('E_USAGE', { params: { detail: `--format: csv, tbx or yaml, got "${format}"` } })
}

/** The glossary as CSV, TBX or YAML text. */
export function exportText(glossary: Glossary, format: 'csv' | 'tbx' | 'yaml', sourceLocale = 'cn'): string {
  if (format === 'csv') return exportCsv(glossary.entries)
  if (format === 'tbx') return exportTbx(glossary.entries, sourceLocale)
  return glossaryYaml(glossary.entries, sourceLocale, glossary.inflection)
}

/** What `import` did: entries read, and how many were new to the target file. */
export interface ImportReport {
  read: number
  added: number
  /** Entries of the target file that gained targets, aliases or wrong forms. */
  updated: number
  /** Entries another loaded glossary file already defines (left there). */
  elsewhere: number
}

/**
 * Imports a CSV, TBX or YAML file into a glossary file. Entries are merged with the
 * target's (and the other loaded glossaries') by `mergeGlossaries`: a conflicting target
 * or kind is an `E_GLOSSARY` error naming both places, and nothing is written.
 */
export async function importToFile(options: { input: string; format?: string; glossaryPath: string; glossary: Glossary | undefined; sourceLocale?: string }): Promise<ImportReport> {
  const format = formatOf(options.input, options.format)
  const text = await readTextFile(options.input)
  const sourceLocale = options.sourceLocale ?? 'cn'
  const read: EntryText[] =
    format === 'csv' ? importCsv(text, options.input) : format === 'tbx' ? importTbx(text, options.input, sourceLocale) : parseGlossary(text, options.input).entries
  // Validate the imported entries as a glossary of their own (placed in the input file).
  const incoming = parseGlossary(glossaryYaml(read, sourceLocale), options.input)
  const before = (await readTextFileIfExists(options.glossaryPath)) ?? ''
  const target = before.trim() === '' ? undefined : parseGlossary(before, options.glossaryPath)
  const others = options.glossary ? withoutFile(options.glossary, options.glossaryPath) : undefined
  // Conflicts (another target, another kind) throw here, naming both files and lines.
  mergeGlossaries([...(others ? [others] : []), ...(target ? [target] : []), incoming])
  const terms = (entries: readonly GlossaryEntry[]) => new Set(entries.flatMap((entry) => [entry.source, ...entry.aliases]).map(normalizeTerm))
  const inTarget = terms(target?.entries ?? [])
  const inOthers = terms(others?.entries ?? [])
  const fresh = read.filter((entry) => !inTarget.has(normalizeTerm(entry.source)) && !inOthers.has(normalizeTerm(entry.source)))
  const updates = read.filter((entry) => inTarget.has(normalizeTerm(entry.source)))
  const updated = updateEntries(before, updates)
  const after = fresh.length > 0 ? appendEntries(updated.text, fresh, sourceLocale) : updated.text
  if (after !== before) {
    parseGlossary(after, options.glossaryPath)
    await writeFileAtomic(options.glossaryPath, after)
  }
  return { read: read.length, added: fresh.length, updated: updated.updated, elsewhere: read.length - fresh.length - updates.length }
}
