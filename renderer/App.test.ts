import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import App from './App.vue'
import { useSettingsStore } from './stores/settings'
import { createFakeLab, flush, testGlobals } from './testing/fake-lab'

beforeEach(() => {
  localStorage.clear()
  history.replaceState(null, '', '#/')
})
afterEach(() => {
  document.body.innerHTML = ''
})

async function app(fake = createFakeLab()) {
  const { global } = testGlobals(fake)
  const w = mount(App, { global, attachTo: document.body })
  await flush()
  return { w, fake, settings: useSettingsStore() }
}

describe('App', () => {
  it('switches the whole UI to Chinese and remembers it', async () => {
    const { w } = await app()
    expect(w.get('[data-testid="nav-summary"]').text()).toBe('Summary')
    await w.get('[data-testid="lang-zh"]').trigger('click')
    await flush()
    expect(w.get('[data-testid="nav-summary"]').text()).toBe('总结表')
    expect(w.get('[data-testid="lang-zh"]').attributes('aria-pressed')).toBe('true')
    expect(w.get('[data-testid="group-connect"]').text()).toContain('建立连接')
    expect(document.title).toBe('网络异常实验室')
    expect(localStorage.getItem('sal.language')).toBe('zh')
    w.unmount()
  })

  it('toggles the theme on the document', async () => {
    const { w, settings } = await app()
    settings.theme = 'light'
    await flush()
    await w.get('[data-testid="theme-toggle"]').trigger('click')
    await flush()
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(w.get('[data-testid="theme-toggle"]').attributes('aria-label')).toBe(
      'Switch to the light theme',
    )
    w.unmount()
  })

  it('shows the Summary, Quiz and Classroom views, and keeps the Lab mounted', async () => {
    const { w, settings } = await app()
    for (const view of ['summary', 'quiz', 'classroom'] as const) {
      settings.navigate(view)
      await flush()
      expect(w.find(`[data-testid="${view}-view"]`).exists()).toBe(true)
      expect(w.get(`[data-testid="nav-${view}"]`).attributes('aria-current')).toBe('page')
    }
    expect(w.find('[data-testid="planned-quiz"]').exists()).toBe(false)
    settings.navigate('lab')
    await flush()
    expect(w.find('[data-testid="classroom-view"]').exists()).toBe(false)
    expect(w.get('[data-testid="lab-view"]').isVisible()).toBe(true)
    w.unmount()
  })

  it('opens About from the desktop menu and closes it', async () => {
    const { w, fake } = await app()
    fake.menu({ command: 'about' })
    await flush()
    const dialog = w.get('[data-testid="about-dialog"]')
    expect(dialog.attributes('role')).toBe('dialog')
    expect(dialog.text()).toContain('0.1.0-test')
    expect(dialog.text()).toContain('browser mode')
    await dialog.get('button').trigger('click')
    await flush()
    expect(w.find('[data-testid="about-dialog"]').exists()).toBe(false)
    w.unmount()
  })
})
