/**
 * The Lab says only what is true of what it shows (issue 16): the header, article card,
 * profile and timing describe the case, the script or the opened trace on screen; a kernel
 * run is explained from its trace; what a student counts on a Linux SYN timeout is said.
 */
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LabScript } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { RECORDED, RECORDED_ON } from '../lib/fixtures/index'
import { MissingNoteParameterError, noteText } from '../lib/note-text'
import { synCount } from '../lib/syn-count'
import { useCatalogStore } from '../stores/catalog'
import { useRunStore } from '../stores/run'
import { createFakeLab, flush, refusedResult, testGlobals } from '../testing/fake-lab'
import LabView from './LabView.vue'

async function labView(language: 'en' | 'zh' = 'en') {
  const fake = createFakeLab()
  const { global } = testGlobals(fake, language)
  const w = mount(LabView, { global, attachTo: document.body })
  const catalog = useCatalogStore()
  await catalog.init()
  await flush()
  return { w, fake, catalog, run: useRunStore() }
}

beforeEach(() => history.replaceState(null, '', '#/lab/connect.refused'))
afterEach(() => {
  document.body.innerHTML = ''
})

const CUSTOM: LabScript = {
  labScript: 1,
  id: 'week3.reset',
  title: { en: 'Week 3: the reset', zh: '第三周：重置' },
  section: 'transfer.4.2',
  profile: 'linux',
  topology: 'direct',
  timers: {},
  limitMs: 2000,
  steps: [
    { actor: 'server', op: 'listen', port: 7002 },
    { actor: 'client', op: 'connect', port: 7002, at: 10 },
  ],
}

describe('the header describes what is shown', () => {
  it('a custom script shows its own title, id and article section, and Run runs it', async () => {
    const { w, fake, run } = await labView()
    expect(w.get('[data-testid="case-title"]').text()).toContain('Connecting to a port nobody')
    await run.runScript(CUSTOM, { source: 'script' })
    await flush()
    fake.push(fake.runId(1), { kind: 'done', result: refusedResult({ id: 'week3.reset' }) })
    await flush()
    const title = w.get('[data-testid="case-title"]').text()
    expect(title).toContain('Week 3: the reset')
    expect(title).toContain('week3.reset')
    expect(title).not.toContain('Connecting to a port nobody')
    expect(w.get('[data-testid="shown-kind"]').text()).toBe('Your script')
    expect(w.get('[data-testid="shown-section"]').text()).toContain('§4.2')
    expect(w.get('[data-testid="article-section"]').text()).toContain('§4.2')
    // Run runs the script on screen, not the case picked before it.
    await w.get('[data-testid="run"]').trigger('click')
    await flush()
    expect(fake.requests.at(-1)).toMatchObject({ script: { id: 'week3.reset' } })
    w.unmount()
  })

  it('a script without a title or section says so, with no article card', async () => {
    const { w, run } = await labView()
    const { title: _t, section: _s, ...bare } = CUSTOM
    await run.runScript({ ...bare, id: undefined } as LabScript, { source: 'script' })
    await flush()
    expect(w.get('[data-testid="case-title"]').text()).toContain('A script without a title')
    expect(w.get('[data-testid="shown-section"]').text()).toBe('No article section named')
    expect(w.find('[data-testid="article-section"]').exists()).toBe(false)
    w.unmount()
  })

  it('an opened macOS trace shows its own title, profile and backend, and the controls follow', async () => {
    const { w, run } = await labView()
    const saved = RECORDED_ON.macos['connect.timeout']
    run.loadResult(saved, null, 'timeout.macos.json')
    await flush()
    const title = w.get('[data-testid="case-title"]').text()
    expect(title).toContain('connect.timeout')
    expect(w.get('[data-testid="shown-kind"]').text()).toBe('Saved trace')
    expect(w.get('[data-testid="shown-section"]').text()).toContain('timeout.macos.json')
    expect(w.get('[data-testid="ran-on"]').text()).toBe('Ran on the simulator, profile macOS')
    expect(run.profile).toBe('macos')
    expect((w.get('[data-testid="profile-macos"]').element as HTMLInputElement).checked).toBe(true)
    w.unmount()
  })

  it('a kernel run names the host, not a simulator profile, and lights no profile', async () => {
    const { w, run } = await labView()
    const kernel: LabResult = {
      ...refusedResult(),
      backend: 'kernel',
      host: { platform: 'linux', release: '6.8.0', isolation: 'netns' },
    }
    run.setBackend('kernel')
    run.loadResult(kernel, null, 'kernel.json')
    await flush()
    expect(w.get('[data-testid="ran-on"]').text()).toBe(
      'Ran on this host’s kernel: linux 6.8.0, isolation netns',
    )
    expect(w.get('[data-testid="ran-on"]').text()).not.toContain('profile')
    w.unmount()
  })

  it('says which clock the run time is on, and when the run ended after its last event', async () => {
    const { w, run } = await labView()
    run.loadResult(RECORDED['handshake.synack-lost']!, null, 'synack.json')
    await flush()
    const result = RECORDED['handshake.synack-lost']!
    expect(w.get('[data-testid="run-status"]').text()).toMatch(/of simulated time$/)
    const last = result.events.at(-1)!.tMs
    expect(result.durationMs).toBeGreaterThan(last)
    expect(w.get('[data-testid="pb-position"]').text()).toContain(
      `run ended at ${(result.durationMs / 1000).toFixed(2)} s`,
    )
    w.unmount()
  })
})

describe('what just happened, and what a student counts', () => {
  it('explains a kernel run from its trace (it has no notes of its own)', async () => {
    const { w, run } = await labView()
    const sim = RECORDED['connect.timeout']!
    const kernel: LabResult = {
      ...sim,
      backend: 'kernel',
      host: { platform: 'linux', release: '6.8.0', isolation: 'netns' },
      events: sim.events.filter((e) => e.type !== 'note'),
      steps: sim.steps.map((s) => ({ ...s, notes: [] })),
    }
    run.loadResult(kernel, null, 'kernel-timeout.json')
    await flush()
    const caption = w.get('[data-testid="caption"]').text()
    expect(caption).toContain('the give-up rule fired: connect() fails with ETIMEDOUT')
    expect(caption).not.toMatch(/—\s*$/)
    expect(
      w
        .get('[data-testid="errno-card"][data-errno="ETIMEDOUT"] [data-testid="errno-notes"]')
        .text(),
    ).toContain('SYN retransmission')
    w.unmount()
  })

  it('keeps the kernel lab’s notes about itself apart, as how the lab measured this', async () => {
    const { w, run } = await labView()
    const sim = RECORDED['peer.crash-fin']!
    const crash = sim.steps.find((s) => s.op === 'send' && s.errno === 'EPIPE')!
    const kernel: LabResult = {
      ...sim,
      backend: 'kernel',
      events: sim.events.filter((e) => e.type !== 'note'),
      steps: sim.steps.map((s) =>
        s.index === crash.index ? { ...s, notes: ['kernel.sigpipe-handled'] } : { ...s, notes: [] },
      ),
    }
    run.loadResult(kernel, null, 'kernel-crash.json')
    await flush()
    const card = w.get(`[data-testid="errno-card"][data-step="${crash.index}"]`)
    expect(card.get('[data-testid="errno-measured"]').text()).toContain('How the lab measured this')
    expect(card.get('[data-testid="errno-notes"]').text()).not.toContain('lab program')
    expect(w.get('[data-testid="caption"]').text()).not.toContain('lab program')
    w.unmount()
  })

  it('says what a student counts on Linux 6.5+: five SYN retransmissions for tcp_syn_retries 2', async () => {
    const { w, run } = await labView()
    run.loadResult(RECORDED['connect.timeout']!, null, 'timeout.json')
    await flush()
    const count = synCount(RECORDED['connect.timeout']!)!
    expect(count).toMatchObject({ rule: 'linear', retransmissions: 5, retries: 2, budgetS: 7 })
    expect(count.times).toEqual([0, 1, 2, 3, 4, 5])
    const line = w.get('[data-testid="syn-count"]').text()
    expect(line).toContain('5 SYN retransmissions (SYNs at 0, 1, 2, 3, 4, 5 s)')
    expect(line).toContain('tcp_syn_linear_timeouts')
    expect(line).toContain('2^(2+1) − 1 = 7 s')
    w.unmount()
  })

  it('never renders a note with a placeholder left: under test a missing value throws', () => {
    expect(() => noteText('syn-give-up', 'en', { params: { n: 2 } })).toThrow(
      MissingNoteParameterError,
    )
    expect(noteText('syn-give-up', 'zh', { params: { n: 2, s: 7, errno: 'ETIMEDOUT' } })).toContain(
      '7 秒、2 次 SYN 重传',
    )
    expect(noteText('no-such-note', 'en', {})).toBe('')
  })
})

describe('deep links', () => {
  it('says when a link names an unknown case, instead of silently opening another', async () => {
    history.replaceState(null, '', '#/lab/no.such-case')
    const { w, catalog } = await labView()
    expect(catalog.selectedId).toBe('connect.ok')
    expect(w.get('[data-testid="unknown-case"]').text()).toContain('no.such-case')
    w.unmount()
  })

  it('keeps the backend and profile chosen in the hash, so a copied link keeps them', async () => {
    history.replaceState(null, '', '#/lab/connect.refused')
    const { w, run } = await labView()
    run.setProfile('windows')
    await flush()
    expect(location.hash).toBe('#/lab/connect.refused?backend=sim&profile=windows')
    w.unmount()
  })
})
