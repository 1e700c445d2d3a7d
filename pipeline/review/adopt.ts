/**
 * `adopt`: records an existing human translation in the lockfile, section by section and
 * its frontmatter strings, as approved (or as a draft), so `status`, `review` and `sync`
 * treat it as tracked. Its records carry no model, prompt or glossary fingerprint: only
 * a change of its source makes `translate` touch a section, and then the human text is
 * the model's reference.
 */
import { join, resolve } from 'node:path'
import { L10nError } from '../shared/errors.ts'
import { message } from '../shared/i18n.ts'
import { readTextFile } from '../state/files.ts'
import type { LockSection, LockTranslation } from '../state/lockfile.ts'
import { lockKey } from '../state/lockfile.ts'
import { updateLockRecord } from '../state/lockfile-store.ts'
import { openMemory, openTextStore } from '../state/text-store.ts'
import { DEFAULT_FRONTMATTER_POLICY, translatableValues } from '../article/frontmatter.ts'
import { requireLocale } from '../article/locales.ts'
import { articleLocale } from '../article/metadata.ts'
import { parse } from '../article/parse.ts'
import { placeOutput } from '../article/paths.ts'
import { split } from '../article/split.ts'
import { translationHash } from './plan.ts'
import { storeValues, type WorkflowOptions } from './state.ts'

/** Options of {@link adopt}. */
export interface AdoptOptions extends WorkflowOptions {
  /** Record the translation as approved (by `by`) or as a draft to review. @default 'approved' */
  status?: 'approved' | 'draft'
  by: string
  /** Replace a record the lockfile already has for this article × locale. @default false */
  force?: boolean
  now?: Date
}

/** What {@link adopt} recorded. */
export interface AdoptResult {
  source: string
  output: string
  locale: string
  sections: number
  status: 'approved' | 'draft'
}

/**
 * Records `translationFile` as the `targetCode` translation of `sourceFile`. The
 * translation must be where l10n places it (the output pattern) and have the same
 * sections as the source; neither file is written.
 */
export async function adopt(sourceFile: string, translationFile: string, targetCode: string, options: AdoptOptions): Promise<AdoptResult> {
  const source = parse(await readTextFile(sourceFile), sourceFile)
  const translation = parse(await readTextFile(translationFile), translationFile)
  const sourceLocale = articleLocale(source)
  const target = requireLocale(targetCode)
  const output = placeOutput(sourceFile, sourceLocale, target, options)
  if (resolve(output) !== resolve(translationFile)) {
    throw new L10nError('E_USAGE', { file: translationFile, params: { detail: message('workflow:adopt-place', { expected: output }) } })
  }
  const sourceSections = split(source)
  const translatedSections = split(translation)
  if (sourceSections.length !== translatedSections.length) {
    throw new L10nError('E_USAGE', {
      file: translationFile,
      params: { detail: message('workflow:adopt-mismatch', { count: translatedSections.length, source: sourceFile, sourceCount: sourceSections.length }) },
    })
  }
  const status = options.status ?? 'approved'
  const when = (options.now ?? new Date()).toISOString()
  const approval = (sourceHash: string, translatedHash: string) =>
    status === 'approved' ? { approvedSourceHash: sourceHash, approvedTranslationHash: translatedHash, approvedBy: options.by, approvedAt: when } : {}
  const texts = openTextStore(join(options.stateDir, 'texts'))
  const memory = openMemory(join(options.stateDir, 'memory'))
  const sections: LockSection[] = []
  for (const [index, section] of sourceSections.entries()) {
    const text = translatedSections[index]!.source
    const hash = translationHash(text)
    await texts.put(section.source, section.hash)
    await texts.put(text, hash)
    if (status === 'approved') await memory.remember(target.code, section.hash, text)
    sections.push({ sourceHash: section.hash, translationHash: hash, status, ...approval(section.hash, hash) })
  }
  const policy = options.policy ?? DEFAULT_FRONTMATTER_POLICY
  const sourceValuesHash = await storeValues(texts, translatableValues(source.frontmatter.yaml, policy))
  const translatedValuesHash = await storeValues(texts, translatableValues(translation.frontmatter.yaml, policy))
  const entry: LockTranslation = {
    output: lockKey(options.lockfile, output),
    frontmatter: { sourceHash: sourceValuesHash, translationHash: translatedValuesHash, status, ...approval(sourceValuesHash, translatedValuesHash) },
    sections,
  }
  const key = lockKey(options.lockfile, sourceFile)
  await updateLockRecord(options.lockfile, key, target.code, (current) => {
    if (current && !options.force) {
      throw new L10nError('E_USAGE', { file: sourceFile, params: { detail: message('workflow:adopt-tracked', { locale: target.code }) } })
    }
    return entry
  })
  return { source: sourceFile, output, locale: target.code, sections: sections.length, status }
}
