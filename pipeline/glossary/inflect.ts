/**
 * Inflection of locked forms: in languages that inflect names, a locked form must still
 * be found when the grammar changes it — German genitive *Beethovens*, Russian and
 * Ukrainian case endings (*Чайковского*, *Джона Уильямса*), French contracted articles
 * (*du Seigneur des anneaux* for *Le Seigneur des anneaux*). Elision (*d'Ennio*) needs no
 * rule: an apostrophe is a word boundary already. Rules are per target locale, shipped
 * for de, ru, uk and fr and configurable in the glossary file (`inflection:`). Pure.
 */

/** How locked forms inflect in one target locale. An empty rule means: exact forms only. */
export interface InflectionRule {
  /** Endings a word of the form may take (`s` for the German genitive). */
  suffixes?: string[]
  /**
   * Endings of a word that a case ending replaces (`ий` in Чайковский → Чайковского):
   * the word without it takes any of `suffixes` too.
   */
  stems?: string[]
  /** Which words inflect: only the last (German) or each (Russian: Джона Уильямса). @default 'last' */
  words?: 'last' | 'each'
  /**
   * Leading words that change with the grammar, each with what may stand instead
   * (French `Le ` → `du `, `au `, `le `).
   */
  articles?: Record<string, string[]>
}

const RU_ENDINGS = ['а', 'я', 'у', 'ю', 'ом', 'ем', 'ём', 'ой', 'ей', 'е', 'и', 'ы', 'ого', 'его', 'ому', 'ему', 'ым', 'им', 'ых', 'их', 'ыми', 'ими']
const UK_ENDINGS = ['а', 'я', 'у', 'ю', 'ові', 'еві', 'єві', 'ом', 'ем', 'єм', 'ою', 'ею', 'єю', 'і', 'ї', 'е', 'ого', 'ього', 'ому', 'ьому', 'им', 'ім', 'их', 'іх', 'ий', 'ій']

/** The shipped rules; a glossary's `inflection:` replaces a locale's rule as a whole. */
export const DEFAULT_INFLECTION: Readonly<Record<string, InflectionRule>> = {
  de: { suffixes: ['s', "'", "'s", 'es'], words: 'last' },
  ru: { suffixes: RU_ENDINGS, stems: ['ий', 'ый', 'ой', 'ая', 'яя', 'а', 'я', 'ь', 'й', 'о'], words: 'each' },
  uk: { suffixes: UK_ENDINGS, stems: ['ий', 'ій', 'а', 'я', 'ь', 'й', 'о'], words: 'each' },
  fr: { articles: { 'Le ': ['du ', 'au ', 'le '], 'Les ': ['des ', 'aux ', 'les '], 'La ': ['la '], "L'": ["l'"] } },
}

/** The rule for a target locale: the glossary's own, else the shipped one, else none. */
export function inflectionFor(rules: Readonly<Record<string, InflectionRule>> | undefined, locale: string): InflectionRule | undefined {
  const rule = rules?.[locale] ?? DEFAULT_INFLECTION[locale]
  if (!rule) return undefined
  const empty = !rule.suffixes?.length && !rule.articles
  return empty ? undefined : rule
}

const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}]'
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A letter of a space-separated script: only such words inflect (not Han or kana). */
const INFLECTING = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u

function wordAlternatives(word: string, rule: InflectionRule): string {
  if (!INFLECTING.test([...word].pop() ?? '')) return escape(word)
  const forms = new Set<string>([word])
  for (const suffix of rule.suffixes ?? []) forms.add(word + suffix)
  for (const stem of rule.stems ?? []) {
    if (word.endsWith(stem) && word.length > stem.length + 1) {
      const base = word.slice(0, -stem.length)
      for (const suffix of rule.suffixes ?? []) forms.add(base + suffix)
    }
  }
  // Longest first, so the alternation takes "Beethovens" rather than stopping at "Beethoven".
  return `(?:${[...forms].sort((a, b) => b.length - a.length).map(escape).join('|')})`
}

const patterns = new Map<string, RegExp>()

/**
 * A global regular expression matching a normalized locked form and its inflected
 * forms, as a whole (no letter or digit right before or after). `needle` is the form
 * as `normalizeTerm` returns it; the text searched must be normalized the same way.
 */
export function inflectedPattern(needle: string, rule: InflectionRule): RegExp {
  const key = JSON.stringify([needle, rule])
  const cached = patterns.get(key)
  if (cached) {
    cached.lastIndex = 0
    return cached
  }
  let head = ''
  let rest = needle
  for (const [article, replacements] of Object.entries(rule.articles ?? {})) {
    if (needle.startsWith(article)) {
      head = `(?:${[article, ...replacements].map(escape).join('|')})`
      rest = needle.slice(article.length)
      break
    }
  }
  const words = rest.split(' ')
  const each = rule.words === 'each'
  const body = words.map((word, index) => (each || index === words.length - 1 ? wordAlternatives(word, rule) : escape(word))).join(' ')
  const startsWord = new RegExp(`^${WORD_CHAR}`, 'u').test(needle)
  const endsWord = new RegExp(`${WORD_CHAR}$`, 'u').test(needle)
  const pattern = new RegExp(`${startsWord ? `(?<!${WORD_CHAR})` : ''}${head}${body}${endsWord ? `(?!${WORD_CHAR})` : ''}`, 'gu')
  if (patterns.size > 5000) patterns.clear()
  patterns.set(key, pattern)
  return pattern
}
