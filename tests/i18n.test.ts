import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { detectUiLanguage, setUiLanguage, t } from '../pipeline/shared/i18n.ts'

const namespaces = readdirSync('locales/en').filter((name) => name.endsWith('.json'))
const keys = (language: string, file: string) =>
  new Set(Object.keys(JSON.parse(readFileSync(`locales/${language}/${file}`, 'utf8')) as object).map((key) => key.replace(/_(zero|one|two|few|many|other)$/, '')))
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()

describe('messages', () => {
  it.each(namespaces)('every en message of %s has a zh-CN translation with the same placeholders', (file) => {
    const en = JSON.parse(readFileSync(`locales/en/${file}`, 'utf8')) as Record<string, string>
    const zh = JSON.parse(readFileSync(`locales/zh-CN/${file}`, 'utf8')) as Record<string, string>
    expect([...keys('en', file)].filter((key) => !keys('zh-CN', file).has(key))).toEqual([])
    for (const [key, text] of Object.entries(en)) {
      const base = key.replace(/_(one|other)$/, '')
      const chinese = zh[key] ?? zh[base] ?? zh[`${base}_other`]
      expect(chinese, `${file} ${key}`).toBeDefined()
      // Chinese has no plural forms, so `count` may be dropped when the singular is worded without it.
      const withoutCount = (names: (string | undefined)[]) => [...new Set(names.filter((name) => name !== 'count'))]
      expect(withoutCount(placeholders(chinese!)), `${file} ${key}`).toEqual(withoutCount(placeholders(text)))
    }
  })

  it('picks the language from the environment and uses plurals', () => {
    expect(detectUiLanguage(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh-CN')
    expect(detectUiLanguage(undefined, { LANG: 'de_DE.UTF-8' })).toBe('en')
    expect(detectUiLanguage('zh-CN', { LANG: 'en_US' })).toBe('zh-CN')
    expect(detectUiLanguage(undefined, { L10N_LANG: 'en', LANG: 'zh_CN' })).toBe('en')
    setUiLanguage('en')
    expect(t('workflow:approved', { count: 1, sections: '3', locale: 'en', by: 'a' })).toMatch(/^Approved section 3 /)
    expect(t('workflow:approved', { count: 2, sections: '3, 4', locale: 'en', by: 'a' })).toMatch(/^Approved 2 sections/)
    setUiLanguage('zh-CN')
    expect(t('workflow:approved', { count: 2, sections: '3, 4', locale: 'en', by: 'a' })).toMatch(/^已批准/)
    setUiLanguage('en')
  })
})
