/**
 * UI settings: language, theme and the current view. Language and theme persist in
 * localStorage; the view lives in the location hash so a case can be deep-linked.
 */
import { defineStore } from 'pinia'
import { inject, ref, watch } from 'vue'
import type { MenuCommand } from '../../shared/contract'
import { LAB_API } from '../api/index'
import { isLanguage, languageFromNavigator, type Language } from '../i18n/index'
import type { ProfileId } from '../../shared/lab-script'
import { formatHash, parseHash, type PageId, type Route } from './route'

/** The two colour themes. */
export type Theme = 'light' | 'dark'

/** localStorage keys. */
export const STORAGE_KEYS = { language: 'sal.language', theme: 'sal.theme' } as const

function readStorage(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null
  } catch {
    return null // Storage can be disabled (privacy settings); the defaults then apply.
  }
}

function writeStorage(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value)
  } catch {
    // Not persisting is acceptable; the choice still applies to this session.
  }
}

function initialTheme(): Theme {
  const saved = readStorage(STORAGE_KEYS.theme)
  if (saved === 'light' || saved === 'dark') return saved
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

/** Settings and navigation. */
export const useSettingsStore = defineStore('settings', () => {
  const api = inject(LAB_API, undefined)
  const saved = readStorage(STORAGE_KEYS.language)
  const language = ref<Language>(
    isLanguage(saved) ? saved : languageFromNavigator(globalThis.navigator?.language),
  )
  const theme = ref<Theme>(initialTheme())
  const route = ref<Route>(parseHash(globalThis.location?.hash ?? ''))
  const aboutOpen = ref(false)

  watch(
    language,
    (value) => {
      writeStorage(STORAGE_KEYS.language, value)
      if (globalThis.document) document.documentElement.lang = value === 'zh' ? 'zh-CN' : 'en'
    },
    { immediate: true },
  )
  watch(
    theme,
    (value) => {
      writeStorage(STORAGE_KEYS.theme, value)
      if (globalThis.document) document.documentElement.dataset.theme = value
    },
    { immediate: true },
  )

  function setLanguage(value: Language): void {
    language.value = value
  }

  function toggleTheme(): void {
    theme.value = theme.value === 'light' ? 'dark' : 'light'
  }

  /**
   * Goes to a view (and, in the Lab or a lab sheet, a case, with a profile); the hash follows
   * so the page can be bookmarked.
   */
  function navigate(view: PageId, caseId?: string, profile?: ProfileId): void {
    const next: Route = caseId ? { view, caseId, ...(profile ? { profile } : {}) } : { view }
    route.value = next
    const hash = formatHash(next)
    if (globalThis.location && globalThis.location.hash !== hash) {
      // replaceState: picking cases should not fill the back button's history.
      globalThis.history?.replaceState(null, '', hash)
    }
  }

  /**
   * Keeps the Lab's backend and profile in its hash, so a link copied from the address bar
   * opens the case as it is set up (`#/lab/peer.crash-fin?backend=sim&profile=windows`).
   */
  function setLabChoice(choice: Pick<Route, 'backend' | 'profile'>): void {
    const current = route.value
    if (current.view !== 'lab' || !current.caseId) return
    const next: Route = { view: 'lab', caseId: current.caseId, ...choice }
    if (formatHash(next) === formatHash(current)) return
    route.value = next
    globalThis.history?.replaceState(null, '', formatHash(next))
  }

  function onHashChange(): void {
    route.value = parseHash(globalThis.location.hash)
  }
  globalThis.addEventListener?.('hashchange', onHashChange)

  function applyMenuCommand(command: MenuCommand): void {
    if (command.command === 'set-language') setLanguage(command.language)
    else if (command.command === 'navigate') navigate(command.view)
    else if (command.command === 'about') aboutOpen.value = true
  }
  const stopMenu = api?.onMenuCommand(applyMenuCommand)

  /** Removes the global listeners (tests, hot reload). */
  function dispose(): void {
    globalThis.removeEventListener?.('hashchange', onHashChange)
    stopMenu?.()
  }

  return {
    language,
    theme,
    route,
    aboutOpen,
    setLanguage,
    toggleTheme,
    navigate,
    setLabChoice,
    applyMenuCommand,
    dispose,
  }
})
