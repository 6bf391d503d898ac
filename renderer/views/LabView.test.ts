import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useLabStore } from '../stores/lab'
import { useSettingsStore } from '../stores/settings'
import {
  createFakeLab,
  errorResult,
  flush,
  REFUSED_STEP,
  refusedResult,
  testGlobals,
} from '../testing/fake-lab'
import LabView from './LabView.vue'

async function labView(fake = createFakeLab(), language: 'en' | 'zh' = 'en') {
  const { global } = testGlobals(fake, language)
  const w = mount(LabView, { global, attachTo: document.body })
  const lab = useLabStore()
  await lab.init()
  await flush()
  return { w, lab, fake, settings: useSettingsStore() }
}

beforeEach(() => {
  history.replaceState(null, '', '#/')
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('LabView', () => {
  it('opens the first case when the hash names none', async () => {
    const { w, lab } = await labView()
    expect(lab.selectedId).toBe('connect.ok')
    expect(w.get('[data-testid="case-title"]').text()).toContain('Normal three-way handshake')
    w.unmount()
  })

  it('opens the case a deep link names, and picking a case updates the hash', async () => {
    history.replaceState(null, '', '#/lab/connect.refused')
    const { w, lab } = await labView()
    expect(lab.selectedId).toBe('connect.refused')
    expect(w.text()).toContain('建立连接 §2')
    await w.get('[data-testid="case-peer.crash-fin"]').trigger('click')
    await flush()
    expect(location.hash).toBe('#/lab/peer.crash-fin')
    expect(lab.selectedId).toBe('peer.crash-fin')
    w.unmount()
  })

  it('runs connect.refused end to end: errno card, trace and final states', async () => {
    history.replaceState(null, '', '#/lab/connect.refused')
    const { w, fake } = await labView()
    await w.get('[data-testid="run"]').trigger('click')
    await flush()
    fake.push('run-1', { kind: 'step', step: REFUSED_STEP })
    await flush()
    expect(w.get('[data-testid="errno-call"]').text()).toBe('connect(7002) = -1 ECONNREFUSED')
    fake.push('run-1', {
      kind: 'done',
      result: refusedResult({ timersShortened: true, host: undefined }),
    })
    await flush()
    expect(w.get('[data-testid="final-states"]').text()).toContain('client CLOSED, server CLOSED')
    expect(w.get('[data-testid="timers-notice"]').text()).toContain('Timers shortened')
    expect(w.get('[data-testid="ran-on"]').text()).toBe('Ran on Simulator, profile Linux 6.5+')
    w.unmount()
  })

  it('shows no timers notice when the run kept the profile’s timers', async () => {
    history.replaceState(null, '', '#/lab/connect.refused')
    const { w, fake } = await labView()
    await w.get('[data-testid="run"]').trigger('click')
    await flush()
    fake.push('run-1', { kind: 'done', result: refusedResult() })
    await flush()
    expect(w.find('[data-testid="timers-notice"]').exists()).toBe(false)
    w.unmount()
  })

  it('shows a failed start as an alert', async () => {
    const { w } = await labView(
      createFakeLab({
        startRun: errorResult('unsupported', 'This host has no network namespaces.'),
      }),
    )
    await w.get('[data-testid="run"]').trigger('click')
    await flush()
    expect(w.get('[data-testid="run-error"]').text()).toBe(
      'The run failed: This host has no network namespaces.',
    )
    w.unmount()
  })

  it('is all Chinese in Chinese', async () => {
    history.replaceState(null, '', '#/lab/connect.refused')
    const { w } = await labView(createFakeLab(), 'zh')
    expect(w.get('[data-testid="case-title"]').text()).toContain('连接服务端未监听的端口')
    expect(w.text()).toContain('运行案例后')
    expect(w.text()).toContain('运行跟踪')
    w.unmount()
  })
})
