/**
 * The shipped glossary, parsed at build time. Parsing `glossary/music.yaml` with its
 * positions takes a noticeable part of every `l10n check`'s start-up, and the file only
 * changes with a release, so `npm run build` stores the validated result as JSON beside
 * the compiled code. A compiled copy is used only while it matches: it records the hash of
 * the YAML text it was made from, and any edit to the file sends loading back to
 * {@link loadGlossaryFiles}'s full parse and validation.
 */
import { readFile } from 'node:fs/promises'
import { contentHash } from '../shared/hash.ts'
import type { Glossary } from './model.ts'

const FORMAT = 'l10n-compiled-glossary/1'

interface CompiledGlossary {
  format: typeof FORMAT
  /** contentHash of the YAML text the glossary was parsed from. */
  sourceHash: string
  glossary: Glossary
}

/**
 * The JSON that {@link readCompiledGlossary} reads: `glossary` (as loaded from one file)
 * and the hash of that file's `text`.
 */
export function compileGlossary(glossary: Glossary, text: string): string {
  const compiled: CompiledGlossary = { format: FORMAT, sourceHash: contentHash(text), glossary }
  return JSON.stringify(compiled) + '\n'
}

/**
 * The glossary of the YAML file `file` from its compiled copy `compiledFile`, with `file`
 * as the path of every entry; undefined when there is no readable compiled copy or it was
 * made from other text than `file` holds now (the caller then parses the YAML).
 */
export async function readCompiledGlossary(file: string, compiledFile: string): Promise<Glossary | undefined> {
  let text: string
  let compiled: Partial<CompiledGlossary>
  try {
    text = await readFile(file, 'utf8')
    compiled = JSON.parse(await readFile(compiledFile, 'utf8')) as Partial<CompiledGlossary>
  } catch {
    return undefined
  }
  const glossary = compiled.glossary
  if (compiled.format !== FORMAT || compiled.sourceHash !== contentHash(text) || !glossary || !Array.isArray(glossary.entries)) return undefined
  return { ...glossary, files: [file], entries: glossary.entries.map((entry) => ({ ...entry, file })) }
}
