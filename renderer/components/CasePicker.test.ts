import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { useCatalogStore } from '../stores/catalog'
import { createFakeLab, errorResult, flush, testGlobals } from '../testing/fake-lab'
import CasePicker from './CasePicker.vue'

async function picker(language: 'en' | 'zh' = 'en', fake = createFakeLab()) {
  const { global } = testGlobals(fake, language)
  const w = mount(CasePicker, { global, attachTo: document.body })
  const catalog = useCatalogStore()
  await catalog.init()
  await flush()
  return { w, catalog }
}

describe('CasePicker', () => {
  it('lists every case in the article groups, with group names in Chinese', async () => {
    const { w } = await picker('zh')
    const headings = w.findAll('h2').map((h) => h.text())
    expect(headings).toEqual(['建立连接', '通信过程'])
    expect(w.findAll('button[data-case]').map((b) => b.attributes('data-case'))).toEqual([
      'connect.ok',
      'connect.refused',
      'peer.crash-fin',
    ])
    expect(w.get('[data-testid="case-connect.refused"]').text()).toContain('连接服务端未监听的端口')
    expect(w.get('[data-testid="case-peer.crash-fin"]').text()).toContain('仅模拟器')
    w.unmount()
  })

  it('emits the picked case and marks the selected one', async () => {
    const { w, catalog } = await picker()
    await w.get('[data-testid="case-connect.refused"]').trigger('click')
    expect(w.emitted('pick')).toEqual([['connect.refused']])
    await catalog.select('connect.refused')
    await flush()
    expect(w.get('[data-testid="case-connect.refused"]').attributes('aria-current')).toBe('true')
    expect(w.get('[data-testid="case-connect.ok"]').attributes('aria-current')).toBeUndefined()
    w.unmount()
  })

  it('moves focus with the arrow keys', async () => {
    const { w } = await picker()
    const first = w.get('[data-testid="case-connect.ok"]').element as HTMLButtonElement
    first.focus()
    await w.get('nav').trigger('keydown', { key: 'ArrowDown' })
    expect(document.activeElement?.getAttribute('data-case')).toBe('connect.refused')
    await w.get('nav').trigger('keydown', { key: 'ArrowUp' })
    expect(document.activeElement?.getAttribute('data-case')).toBe('connect.ok')
    w.unmount()
  })

  it('shows a catalog failure as a message', async () => {
    const { w } = await picker(
      'en',
      createFakeLab({ scenarios: errorResult('internal', 'disk on fire') }),
    )
    expect(w.get('[role="alert"]').text()).toContain('Could not load the cases: disk on fire')
    w.unmount()
  })
})
