/**
 * Component tests of the Lab view's diagrams and playback, driven by a recorded simulator
 * result pushed through the fake contract.
 */
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { RECORDED } from '../lib/fixtures/index'
import { TraceIndex } from '../lib/trace-index'
import { useCatalogStore } from '../stores/catalog'
import { useRunStore } from '../stores/run'
import { usePlaybackStore } from '../stores/playback'
import { createFakeLab, flush, testGlobals } from '../testing/fake-lab'
import PlaybackBar from './PlaybackBar.vue'
import SequenceDiagram from './SequenceDiagram.vue'
import StateMachine from './StateMachine.vue'

afterEach(() => {
  document.body.innerHTML = ''
})

async function ranCrashFin(component: object = SequenceDiagram) {
  const fake = createFakeLab()
  const { global } = testGlobals(fake)
  const w = mount(component, { global, attachTo: document.body })
  const catalog = useCatalogStore()
  const run = useRunStore()
  const playback = usePlaybackStore()
  await catalog.init()
  await catalog.select('peer.crash-fin')
  await run.run()
  fake.push(fake.runId(1), { kind: 'done', result: RECORDED['peer.crash-fin']! })
  await flush()
  return { w, catalog, run, playback, fake }
}

describe('StateMachine', () => {
  it('lights the current state and labels the transition just taken with its cause', () => {
    const r = RECORDED['peer.crash-fin']!
    const index = new TraceIndex(r.events)
    const at = r.events.findIndex(
      (e) => e.type === 'state' && e.actor === 'client' && e.to === 'CLOSE_WAIT',
    )
    const { global } = testGlobals(createFakeLab())
    const w = mount(StateMachine, {
      global,
      props: {
        actor: 'client',
        view: index.endpoint('client', at + 1),
        visited: index.visited('client', at + 1),
      },
    })
    expect(w.attributes('data-state')).toBe('CLOSE_WAIT')
    expect(w.attributes('data-last')).toBe('ESTABLISHED->CLOSE_WAIT')
    expect(w.get('[data-node="CLOSE_WAIT"]').classes()).toContain('is-current')
    expect(w.get('[data-node="ESTABLISHED"]').classes()).toContain('is-visited')
    expect(w.get('[data-testid="sm-cause"]').text()).toBe('segment received: FIN')
    expect(w.find('desc').text()).toContain(
      'client is in CLOSE_WAIT, after ESTABLISHED to CLOSE_WAIT',
    )
    // Eleven states, CLOSED drawn twice as in the RFC; the figure's twenty arrows.
    expect(w.findAll('[data-node]')).toHaveLength(12)
    expect(w.findAll('.sm__edges path')).toHaveLength(20)
  })

  it('before any transition it shows CLOSED and no cause', () => {
    const { global } = testGlobals(createFakeLab(), 'zh')
    const w = mount(StateMachine, {
      global,
      props: {
        actor: 'server',
        view: { state: 'CLOSED', lastIndex: -1 },
        visited: new Set<never>(),
      },
    })
    expect(w.find('[data-testid="sm-last"]').exists()).toBe(false)
    expect(w.text()).toContain('服务端 TCP 状态')
  })
})

describe('SequenceDiagram', () => {
  it('draws the run up to the cursor: segments, states and calls', async () => {
    const { w, playback } = await ranCrashFin()
    const r = RECORDED['peer.crash-fin']!
    const segments = r.events.filter((e) => e.type === 'segment').length
    expect(w.attributes('data-segments')).toBe(String(segments))
    expect(w.findAll('[data-testid="seq-segment"]')).toHaveLength(segments)
    expect(w.find('[data-testid="seq-segment"][data-flags="RST|ACK"]').exists()).toBe(true)
    expect(w.findAll('[data-testid="seq-call"]').length).toBeGreaterThanOrEqual(5)
    expect(w.text()).toContain('send() = -1 EPIPE')
    playback.seek(3)
    await flush()
    expect(w.attributes('data-segments')).toBe(
      String(r.events.slice(0, 3).filter((e) => e.type === 'segment').length),
    )
    expect(w.text()).not.toContain('EPIPE')
    expect(w.get('[data-testid="sequence-description"]').text()).toMatch(/Cursor at/)
  })

  it('marks dropped segments and counts them by flags', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(SequenceDiagram, { global, attachTo: document.body })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    await catalog.select('connect.refused')
    await run.run()
    fake.push(fake.runId(1), { kind: 'done', result: RECORDED['connect.timeout']! })
    await flush()
    const dropped = w.findAll('[data-testid="seq-segment"][data-fate="dropped"]')
    expect(dropped.length).toBeGreaterThanOrEqual(3)
    expect(dropped[0]!.text()).toContain('dropped')
    expect(w.attributes('data-dropped-kinds')).toMatch(/^SYN=\d+$/)
    expect(w.findAll('.seq__seg.is-retx').length).toBe(dropped.length - 1)
  })

  it('switches between the broken and the log axis', async () => {
    const { w } = await ranCrashFin()
    const height = () => w.get('svg').attributes('viewBox')
    const before = height()
    await w.get('[data-testid="axis-log"]').setValue(true)
    await flush()
    expect(height()).not.toBe(before)
    await w.get('[data-testid="axis-broken"]').setValue(true)
  })

  it('exports a full copy of itself with styles inline', async () => {
    const { w } = await ranCrashFin()
    const snap = await (
      w.vm as unknown as { snapshot(): Promise<{ svg: SVGSVGElement } | null> }
    ).snapshot()
    expect(snap?.svg.querySelectorAll('[data-testid="seq-segment"]').length).toBeGreaterThan(5)
    expect(snap?.svg.querySelector('[class]')).toBeNull()
  })
})

describe('PlaybackBar', () => {
  it('steps, scrubs, plays and changes speed through the store', async () => {
    const { w, run, playback } = await ranCrashFin(PlaybackBar)
    const total = run.events.length
    expect(w.get('[data-testid="pb-position"]').attributes('data-shown')).toBe(String(total))
    await w.get('[data-testid="pb-back"]').trigger('click')
    expect(playback.shown).toBe(total - 1)
    await w.get('[data-testid="pb-scrub"]').setValue('2')
    expect(playback.shown).toBe(2)
    expect(w.get('[data-testid="pb-scrub"]').attributes('aria-valuetext')).toMatch(
      /^event 2 of \d+, at /,
    )
    await w.get('[data-testid="pb-forward"]').trigger('click')
    expect(playback.shown).toBe(3)
    await w.get('[data-testid="speed-real"]').setValue(true)
    expect(playback.speed).toBe('real')
    await w.get('[data-testid="pb-play"]').trigger('click')
    expect(playback.playback.playing).toBe(true)
    playback.tick(1e9)
    expect(playback.shown).toBe(total)
    expect(playback.playback.playing).toBe(false)
    await w.get('[data-testid="pb-replay"]').trigger('click')
    // Back at time 0: only what happened at the very start is shown.
    expect(playback.playback.cursorMs).toBe(0)
    expect(playback.shown).toBe(run.events.filter((e) => e.tMs === 0).length)
    expect(playback.playback.playing).toBe(true)
  })
})
