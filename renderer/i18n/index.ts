/**
 * vue-i18n setup: the two UI languages, and how the first one is chosen (a saved choice, else
 * the browser's language: Chinese for any `zh-*`, English otherwise).
 */
import { createI18n } from 'vue-i18n'
import { en } from './en'
import { strictCompiler } from './strict-messages'
import { zh } from './zh'

/** The UI languages. */
export const LANGUAGES = ['zh', 'en'] as const
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number]

/** True when a value names a UI language. */
export function isLanguage(value: unknown): value is Language {
  return value === 'zh' || value === 'en'
}

/** The language a browser's `navigator.language` suggests. */
export function languageFromNavigator(tag: string | undefined): Language {
  return tag && /^zh\b/i.test(tag) ? 'zh' : 'en'
}

/**
 * Creates the app's i18n instance (Composition API mode, so `useI18n` works everywhere). A
 * message formatted without one of its parameters throws under test (strict, the default when
 * Vitest runs) and shows an ellipsis in the app (renderer/i18n/strict-messages.ts).
 */
export function createLabI18n(locale: Language, options: { strict?: boolean } = {}) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, zh },
    // Vite sets import.meta.env; Playwright's loader (e2e/web/completeness.spec.ts) does not.
    messageCompiler: strictCompiler(
      options.strict ?? (import.meta as { env?: { MODE?: string } }).env?.MODE === 'test',
    ),
  })
}
