import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useCatalogStore } from '../stores/catalog'
import { useRunStore } from '../stores/run'
import { usePlaybackStore } from '../stores/playback'
import { useSettingsStore } from '../stores/settings'
import {
  createFakeLab,
  errorResult,
  flush,
  REFUSED_STEP,
  refusedResult,
  testGlobals,
} from '../testing/fake-lab'
import { RECORDED } from '../lib/fixtures/index'
import { viewPrefs } from '../lib/view-prefs'
import LabView from './LabView.vue'

async function labView(fake = createFakeLab(), language: 'en' | 'zh' = 'en') {
  const { global } = testGlobals(fake, language)
  const w = mount(LabView, { global, attachTo: document.body })
  const catalog = useCatalogStore()
  const run = useRunStore()
  const playback = usePlaybackStore()
  await catalog.init()
  await flush()
  return { w, catalog, run, playback, fake, settings: useSettingsStore() }
}

beforeEach(() => {
  history.replaceState(null, '', '#/')
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('LabView', () => {
  it('opens the first case when the hash names none', async () => {
    const { w, catalog } = await labView()
    expect(catalog.selectedId).toBe('connect.ok')
    expect(w.get('[data-testid="case-title"]').text()).toContain('Normal three-way handshake')
    w.unmount()
  })

  it('opens the case a deep link names, and picking a case updates the hash', async () => {
    history.replaceState(null, '', '#/lab/connect.refused')
    const { w, catalog } = await labView()
    expect(catalog.selectedId).toBe('connect.refused')
    expect(w.text()).toContain('建立连接 §2')
    await w.get('[data-testid="case-peer.crash-fin"]').trigger('click')
    await flush()
    expect(location.hash).toBe('#/lab/peer.crash-fin')
    expect(catalog.selectedId).toBe('peer.crash-fin')
    w.unmount()
  })

  it('runs connect.refused end to end: errno card, trace and final states', async () => {
    history.replaceState(null, '', '#/lab/connect.refused')
    const { w, fake } = await labView()
    await w.get('[data-testid="run"]').trigger('click')
    await flush()
    fake.push(fake.runId(1), { kind: 'step', step: REFUSED_STEP })
    await flush()
    expect(w.get('[data-testid="errno-call"]').text()).toBe('connect(7002) = -1 ECONNREFUSED')
    fake.push(fake.runId(1), {
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
    fake.push(fake.runId(1), { kind: 'done', result: refusedResult() })
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

  it('shows both state machines, the sequence and the caption for a run, and its panels', async () => {
    history.replaceState(null, '', '#/lab/peer.crash-fin')
    const { w, fake } = await labView()
    await w.get('[data-testid="run"]').trigger('click')
    await flush()
    fake.push(fake.runId(1), { kind: 'done', result: RECORDED['peer.crash-fin']! })
    await flush()
    expect(w.get('[data-testid="sm-client"]').attributes('data-state')).toBe('CLOSED')
    expect(w.get('[data-testid="sm-server"]').attributes('data-state')).toBe('CLOSED')
    expect(w.get('[data-testid="caption"]').text()).toContain('SIGPIPE')
    await w.get('[data-testid="tab-script"]').trigger('click')
    expect(viewPrefs.panel).toBe('script')
    expect(w.get('[data-testid="tab-script"]').attributes('aria-selected')).toBe('true')
    await w.get('[role="tablist"]').trigger('keydown', { key: 'ArrowRight' })
    expect(viewPrefs.panel).toBe('compare')
    viewPrefs.panel = 'diagrams'
    w.unmount()
  })

  it('answers keyboard shortcuts outside text fields, not inside them', async () => {
    history.replaceState(null, '', '#/lab/peer.crash-fin')
    const { w, fake, run, playback } = await labView()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'r' }))
    await flush()
    expect(fake.requests).toHaveLength(1)
    fake.push(fake.runId(1), { kind: 'done', result: RECORDED['peer.crash-fin']! })
    await flush()
    const total = run.events.length
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ',' }))
    expect(playback.shown).toBe(total - 1)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home' }))
    expect(playback.shown).toBe(0)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '1' }))
    expect(playback.speed).toBe('real')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'l' }))
    expect(viewPrefs.axis).toBe('log')
    viewPrefs.axis = 'broken'
    const input = document.createElement('input')
    document.body.append(input)
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }))
    expect(playback.shown).toBe(0)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '?' }))
    expect(viewPrefs.shortcutsOpen).toBe(true)
    viewPrefs.shortcutsOpen = false
    w.unmount()
  })

  it('a deep link chooses the backend and profile and runs the case', async () => {
    history.replaceState(null, '', '#/lab/connect.refused?backend=sim&profile=windows&run')
    const { w, fake, run } = await labView()
    await flush()
    expect(run.profile).toBe('windows')
    expect(fake.requests).toEqual([
      { runId: fake.runId(), scenarioId: 'connect.refused', backend: 'sim', profile: 'windows' },
    ])
    w.unmount()
  })
})
