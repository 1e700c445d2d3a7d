/**
 * `memory import`: seeds translation memory from an existing pair (source, translation),
 * section by section.
 */
import { join } from 'node:path'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { readTextFile } from '../state/files.ts'
import { parse } from '../article/parse.ts'
import { split } from '../article/split.ts'
import { openMemory } from '../state/text-store.ts'
import { articleLocale } from '../article/metadata.ts'

/**
 * Seeds translation memory from an existing pair (source article, its translation),
 * section by section. Returns the number of sections stored.
 */
export async function importMemory(sourceFile: string, translationFile: string, stateDir: string): Promise<{ sections: number; locale: string }> {
  const source = parse(await readTextFile(sourceFile), sourceFile)
  const translation = parse(await readTextFile(translationFile), translationFile)
  const locale = articleLocale(translation)
  const sourceSections = split(source)
  const translatedSections = split(translation)
  if (sourceSections.length !== translatedSections.length) {
    throw new L10nError('E_USAGE', {
      file: translationFile,
      params: { detail: message('workflow:memory-mismatch', { count: translatedSections.length, source: sourceFile, sourceCount: sourceSections.length }) },
    })
  }
  const memory = openMemory(join(stateDir, 'memory'))
  for (const [index, section] of sourceSections.entries()) await memory.remember(locale.code, section.hash, translatedSections[index]!.source)
  return { sections: sourceSections.length, locale: locale.code }
}
