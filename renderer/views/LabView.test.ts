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
import { PROFILE_IDS } from '../../shared/lab-script'
import { PROFILES } from '../../shared/profiles'
import { RECORDED, RECORDED_ON } from '../lib/fixtures/index'
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
    expect(location.hash).toBe('#/lab/peer.crash-fin?backend=sim&profile=linux')
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
    expect(w.get('[data-testid="ran-on"]').text()).toBe('Ran on the simulator, profile Linux 6.5+')
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

  it('words the caption for the run’s OS: a Windows run’s note names WSAETIMEDOUT, with its values', async () => {
    const { w, run } = await labView()
    run.loadResult(RECORDED_ON.windows['peer.host-down'], null, 'host-down.json')
    await flush()
    const caption = w.get('[data-testid="caption"]').text()
    expect(caption).toContain('After 4.5 s and 3 retransmission(s)')
    expect(caption).toContain('WSAETIMEDOUT')
    expect(caption).not.toMatch(/\{\w+\}/)
    w.unmount()
  })

  it('shows the default-timer figure and the OS’s own setting beside a shortened timer', async () => {
    const { w, run } = await labView()
    run.loadResult(RECORDED_ON.windows['peer.host-down'], null, 'host-down.json')
    await flush()
    const windows = w.get('[data-testid="timers-notice"]')
    expect(windows.text()).toContain('Timers shortened')
    const figure = windows.get('li[data-timer="retries2"]')
    expect(figure.text()).toMatch(/^With default timers: WSAETIMEDOUT after \d+ s\./)
    expect(figure.text()).toContain('TcpMaxDataRetransmissions')
    expect(figure.attributes('data-simulator-only')).toBe('false')

    // macOS has no setting for a SYN count: the figure says so, and names what it has instead.
    run.loadResult(RECORDED_ON.macos['connect.timeout'], null, 'timeout.json')
    await flush()
    const macos = w.get('[data-testid="timers-notice"] li[data-timer="synRetries"]')
    expect(macos.get('[data-testid="simulator-only"]').text()).toBe('simulator only')
    expect(macos.text()).toContain('With default timers: ETIMEDOUT after 75 s.')
    expect(macos.text()).toContain('net.inet.tcp.keepinit')
    w.unmount()
  })

  it('gives connect.timeout’s default-timer figure on every profile, in both languages', async () => {
    // The catalog shortens the SYN retries to 2: shorter than Linux's 6 and macOS's 12, and
    // Windows' own default, so a Windows run is not shortened at all.
    const expected = {
      linux: { en: 'ETIMEDOUT after 131 s', zh: '131 秒后 ETIMEDOUT' },
      'linux-legacy': { en: 'ETIMEDOUT after 127 s', zh: '127 秒后 ETIMEDOUT' },
      windows: null,
      macos: { en: 'ETIMEDOUT after 75 s', zh: '75 秒后 ETIMEDOUT' },
    } as const
    for (const language of ['en', 'zh'] as const) {
      const { w, run } = await labView(createFakeLab(), language)
      for (const profile of PROFILE_IDS) {
        const p = PROFILES[profile]
        const timers = {
          synRetries: 2,
          synackRetries: p.synack.retries,
          retries2: p.data.retries,
          keepalive: { ...p.keepalive },
        }
        const shortened = timers.synRetries < p.syn.retries
        run.loadResult(
          { ...RECORDED['connect.timeout']!, profile, timers, timersShortened: shortened },
          null,
          `timeout.${profile}.json`,
        )
        await flush()
        const notice = w.find('[data-testid="timers-notice"]')
        const want = expected[profile]
        expect(notice.exists(), profile).toBe(want !== null)
        if (want) expect(notice.get('li[data-timer="synRetries"]').text()).toContain(want[language])
      }
      w.unmount()
    }
  })
})
