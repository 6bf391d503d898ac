import { beforeEach, describe, expect, it } from 'vitest'
import { createFakeLab, storeContext } from '../testing/fake-lab'
import { STORAGE_KEYS, useSettingsStore } from './settings'
import { nextTick } from 'vue'

beforeEach(() => {
  localStorage.clear()
  history.replaceState(null, '', '#/')
  delete document.documentElement.dataset.theme
})

describe('useSettingsStore', () => {
  it('persists language and theme and applies them to the document', async () => {
    storeContext(createFakeLab())
    const settings = useSettingsStore()
    settings.setLanguage('zh')
    settings.theme = 'light'
    settings.toggleTheme()
    await nextTick()
    expect(localStorage.getItem(STORAGE_KEYS.language)).toBe('zh')
    expect(localStorage.getItem(STORAGE_KEYS.theme)).toBe('dark')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(document.documentElement.dataset.theme).toBe('dark')
    settings.dispose()
  })

  it('starts from the saved choices', () => {
    localStorage.setItem(STORAGE_KEYS.language, 'zh')
    localStorage.setItem(STORAGE_KEYS.theme, 'dark')
    storeContext(createFakeLab())
    const settings = useSettingsStore()
    expect(settings.language).toBe('zh')
    expect(settings.theme).toBe('dark')
    settings.dispose()
  })

  it('reads the route from the hash and writes it back', () => {
    history.replaceState(null, '', '#/lab/connect.refused')
    storeContext(createFakeLab())
    const settings = useSettingsStore()
    expect(settings.route).toEqual({ view: 'lab', caseId: 'connect.refused' })
    settings.navigate('quiz')
    expect(location.hash).toBe('#/quiz')
    settings.dispose()
  })

  it('follows the desktop menu', () => {
    const fake = createFakeLab()
    storeContext(fake)
    const settings = useSettingsStore()
    fake.menu({ command: 'set-language', language: 'zh' })
    fake.menu({ command: 'navigate', view: 'summary' })
    fake.menu({ command: 'about' })
    expect(settings.language).toBe('zh')
    expect(settings.route.view).toBe('summary')
    expect(settings.aboutOpen).toBe(true)
    settings.dispose()
  })
})
