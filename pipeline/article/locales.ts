/**
 * The site's own locale codes and what they mean. One table serves frontmatter
 * `locale:` values, output paths and prompts, so a code can never mean two things.
 */
import { L10nError } from '../shared/errors.ts'

/** One row of the locale table. */
export interface LocaleInfo {
  /** The site's code, as written in frontmatter and paths (`cn`, `jp`, ...). */
  code: string
  /** BCP 47 language tag. */
  tag: string
  /** English name of the language, used in prompts. */
  name: string
  /** The language's own name. */
  nativeName: string
  /** Writing system: Han (Chinese), Japanese (kanji + kana), Latin or Cyrillic. */
  script: 'Hans' | 'Jpan' | 'Latn' | 'Cyrl'
}

/** Every locale the site knows. */
export const LOCALES: readonly LocaleInfo[] = [
  { code: 'cn', tag: 'zh-CN', name: 'Simplified Chinese', nativeName: '简体中文', script: 'Hans' },
  { code: 'jp', tag: 'ja', name: 'Japanese', nativeName: '日本語', script: 'Jpan' },
  { code: 'en', tag: 'en', name: 'English', nativeName: 'English', script: 'Latn' },
  { code: 'de', tag: 'de', name: 'German', nativeName: 'Deutsch', script: 'Latn' },
  { code: 'es', tag: 'es', name: 'Spanish', nativeName: 'Español', script: 'Latn' },
  { code: 'fr', tag: 'fr', name: 'French', nativeName: 'Français', script: 'Latn' },
  { code: 'it', tag: 'it', name: 'Italian', nativeName: 'Italiano', script: 'Latn' },
  { code: 'pt', tag: 'pt', name: 'Portuguese', nativeName: 'Português', script: 'Latn' },
  { code: 'da', tag: 'da', name: 'Danish', nativeName: 'Dansk', script: 'Latn' },
  { code: 'nl', tag: 'nl', name: 'Dutch', nativeName: 'Nederlands', script: 'Latn' },
  { code: 'sv', tag: 'sv', name: 'Swedish', nativeName: 'Svenska', script: 'Latn' },
  { code: 'fi', tag: 'fi', name: 'Finnish', nativeName: 'Suomi', script: 'Latn' },
  { code: 'ru', tag: 'ru', name: 'Russian', nativeName: 'Русский', script: 'Cyrl' },
  { code: 'uk', tag: 'uk', name: 'Ukrainian', nativeName: 'Українська', script: 'Cyrl' },
]

const byCode = new Map(LOCALES.map((locale) => [locale.code, locale]))
const byTag = new Map(LOCALES.map((locale) => [locale.tag.toLowerCase(), locale]))

/** The row for a site code, or undefined. */
export function findLocale(code: string): LocaleInfo | undefined {
  return byCode.get(code)
}

/**
 * The row for a site code; also accepts a BCP 47 tag (`zh-CN`, `ja`) and maps it to
 * the site code. Throws `E_UNKNOWN_LOCALE` naming the known codes otherwise.
 */
export function requireLocale(codeOrTag: string, file?: string): LocaleInfo {
  const found = byCode.get(codeOrTag) ?? byTag.get(codeOrTag.toLowerCase())
  if (found) return found
  throw new L10nError('E_UNKNOWN_LOCALE', {
    file,
    params: { locale: codeOrTag, known: LOCALES.map((locale) => locale.code).join(', ') },
  })
}

/** True for targets written without spaces between words (Chinese, Japanese). */
export function isCjk(locale: LocaleInfo): boolean {
  return locale.script === 'Hans' || locale.script === 'Jpan'
}
