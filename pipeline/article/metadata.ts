/**
 * What an article says about itself in its frontmatter: the locale it is written in and
 * its title. Pure: a parsed article in, values or a placed error out.
 */
import { L10nError } from '../shared/errors.ts'
import { frontmatterDocument } from './frontmatter.ts'
import { findLocale, LOCALES, type LocaleInfo } from './locales.ts'
import { placeOf } from './parse.ts'
import type { Article } from './types.ts'

/** The site locale of an article, from its `locale:` key. */
export function articleLocale(article: Article): LocaleInfo {
  const document = frontmatterDocument(article.frontmatter.yaml)
  const node = document.get('locale', true) as { value?: unknown; range?: [number, number, number] } | undefined
  const value = node?.value
  if (typeof value !== 'string' || value.trim() === '') {
    throw new L10nError('E_NO_LOCALE', { file: article.file, line: placeOf(article.text, article.frontmatter.yamlStart).line, column: 1 })
  }
  const locale = findLocale(value)
  if (!locale) {
    const place = placeOf(article.text, article.frontmatter.yamlStart + (node?.range?.[0] ?? 0))
    throw new L10nError('E_UNKNOWN_LOCALE', { file: article.file, line: place.line, column: place.column, params: { locale: value, known: LOCALES.map((row) => row.code).join(', ') } })
  }
  return locale
}

/** The article's title from the frontmatter (empty when there is none). */
export function articleTitle(article: Article): string {
  const title = frontmatterDocument(article.frontmatter.yaml).get('title')
  return typeof title === 'string' ? title : ''
}
