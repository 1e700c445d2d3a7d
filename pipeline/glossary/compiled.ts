/**
 * The shipped glossary, parsed at build time. Parsing `glossary/music.yaml` with its
 * positions takes a noticeable part of every `l10n check`'s start-up, and the file only
 * changes with a release, so `npm run build` stores the validated result as JSON beside
 * the compiled code. A compiled copy is used only while it matches: it records the hash of
 * the YAML text it was made from, and any edit to the file sends loading back to
 * {@link loadGlossaryFiles}'s full parse and validation.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { contentHash } from '../shared/hash.ts'
import { checkJson } from '../shared/validation.ts'
import { ENTRY_KINDS, type Glossary } from './model.ts'

const FORMAT = 'l10n-compiled-glossary/1'

// Read back from disk, so checked like everything else; a copy that does not pass is not
// used (the YAML is parsed instead), never trusted half-way.
const entrySchema = z.strictObject({
  id: z.string(),
  source: z.string(),
  aliases: z.array(z.string()),
  kind: z.enum(ENTRY_KINDS),
  targets: z.record(z.string(), z.string()),
  wrong: z.record(z.string(), z.array(z.string())),
  short: z.record(z.string(), z.array(z.string())).optional(),
  note: z.string().optional(),
  marked: z.boolean().optional(),
  file: z.string(),
  line: z.number().int(),
})
const compiledSchema = z.strictObject({
  format: z.literal(FORMAT),
  /** contentHash of the YAML text the glossary was parsed from. */
  sourceHash: z.string(),
  glossary: z.strictObject({ entries: z.array(entrySchema), files: z.array(z.string()), version: z.string() }),
})

type CompiledGlossary = z.infer<typeof compiledSchema>

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
  let json: string
  try {
    text = await readFile(file, 'utf8')
    json = await readFile(compiledFile, 'utf8')
  } catch {
    return undefined
  }
  const checked = checkJson(compiledSchema, json)
  if (!checked.ok || checked.value.sourceHash !== contentHash(text)) return undefined
  const { glossary } = checked.value
  return { ...glossary, files: [file], entries: glossary.entries.map((entry) => ({ ...entry, file })) }
}
