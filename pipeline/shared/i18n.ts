/**
 * Everything the tool says to people goes through here. Stages do not render text: they
 * return {@link Message}s (a catalogue key and its values) inside findings and errors, and
 * the edge (the CLI, a report renderer) turns them into the user's language with
 * {@link formatMessage}. Resources live in
 * `locales/<language>/<namespace>.json`; each module owns its namespace file, so
 * `t('check:sections/paragraph-count', {...})` reads `locales/en/check.json`.
 */
import i18next, { type i18n as I18n, type TOptions } from 'i18next'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGE_ROOT } from './package-root.ts'

/** The UI languages the tool speaks. */
export const UI_LANGUAGES = ['en', 'zh-CN'] as const
export type UiLanguage = (typeof UI_LANGUAGES)[number]

const localesDir = join(PACKAGE_ROOT, 'locales')

function loadResources(): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {}
  for (const language of UI_LANGUAGES) {
    const namespaces: Record<string, Record<string, unknown>> = {}
    for (const name of readdirSync(join(localesDir, language))) {
      if (!name.endsWith('.json')) continue
      namespaces[name.slice(0, -5)] = JSON.parse(readFileSync(join(localesDir, language, name), 'utf8'))
    }
    resources[language] = namespaces
  }
  return resources
}

/**
 * Picks the UI language: an explicit choice first, then `L10N_LANG`, `LC_ALL`,
 * `LC_MESSAGES`, `LANG`. Any `zh*` means zh-CN; everything else falls back to en.
 */
export function detectUiLanguage(explicit?: string, env: NodeJS.ProcessEnv = process.env): UiLanguage {
  const candidates = [explicit, env.L10N_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG]
  for (const candidate of candidates) {
    if (!candidate || candidate === 'C' || candidate === 'POSIX') continue
    return candidate.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
  }
  return 'en'
}

let instance: I18n | undefined

function ensure(): I18n {
  if (instance) return instance
  instance = i18next.createInstance()
  void instance.init({
    lng: detectUiLanguage(),
    fallbackLng: 'en',
    resources: loadResources(),
    defaultNS: 'cli',
    nsSeparator: ':',
    // Rule ids contain slashes and dots are rare in keys; keep keys flat.
    keySeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<I18n['init']>[0])
  return instance
}

/** Switches the UI language for the rest of the process. */
export function setUiLanguage(language: UiLanguage): void {
  void ensure().changeLanguage(language)
}

/** The current UI language. */
export function uiLanguage(): UiLanguage {
  return ensure().language === 'zh-CN' ? 'zh-CN' : 'en'
}

/** Translates a message key (`namespace:key`) with interpolation and plurals (`count`). */
export function t(key: string, options?: TOptions & Record<string, unknown>): string {
  return ensure().t(key, options as TOptions) as string
}

/**
 * Something to tell a person, not yet in any language: a catalogue key (`namespace:key`)
 * and the values it interpolates. A value may itself be a Message (rendered in the same
 * language) or a list of Messages (rendered one per line).
 */
export interface Message {
  messageId: string
  values?: Record<string, unknown>
}

/** A {@link Message} for `messageId` with `values`. */
export function message(messageId: string, values?: Record<string, unknown>): Message {
  return values === undefined ? { messageId } : { messageId, values }
}

/** True for a {@link Message}-shaped value. */
export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).messageId === 'string'
}

function renderValue(value: unknown, lng: UiLanguage | undefined): unknown {
  if (isMessage(value)) return formatMessage(value, lng)
  if (Array.isArray(value) && value.length > 0 && value.every(isMessage)) return value.map((item) => formatMessage(item, lng)).join('\n')
  return value
}

/**
 * Renders a message in `lng` (default: the UI language chosen by the CLI). Nested messages
 * among the values are rendered first, in the same language.
 */
export function formatMessage(text: Message, lng?: UiLanguage): string {
  const values: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(text.values ?? {})) values[key] = renderValue(value, lng)
  return t(text.messageId, { ...values, ...(lng ? { lng } : {}) })
}
