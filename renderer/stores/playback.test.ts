import { describe, expect, it } from 'vitest'
import { computed } from 'vue'
import { RECORDED } from '../lib/fixtures/index'
import { createFakeLab, flush, storeContext } from '../testing/fake-lab'
import { useCatalogStore } from './catalog'
import { usePlaybackStore } from './playback'
import { useRunStore } from './run'

const crash = RECORDED['peer.crash-fin']!

async function ready() {
  const fake = createFakeLab()
  storeContext(fake)
  const catalog = useCatalogStore()
  const run = useRunStore()
  const playback = usePlaybackStore()
  await catalog.init()
  await catalog.select('peer.crash-fin')
  return { fake, run, playback }
}

describe('usePlaybackStore', () => {
  it('derives the trace index from the run’s events as they stream in', async () => {
    const { fake, run, playback } = await ready()
    // A computed over the index re-runs on every event: the index is a plain derivation.
    const states = computed(() => playback.index.endpoint('client', playback.shown).state)
    await run.run()
    expect(playback.playback.playing).toBe(true)
    const first = playback.index
    for (const event of crash.events.slice(0, 4)) fake.push(fake.runId(), { kind: 'event', event })
    expect(playback.index).not.toBe(first)
    expect(playback.index.length).toBe(4)
    // Instant speed keeps to the live edge while the run goes on.
    expect(playback.shown).toBe(4)
    expect(states.value).toBe(playback.index.endpoint('client', 4).state)
    fake.push(fake.runId(), { kind: 'done', result: crash })
    await flush()
    expect(playback.index.length).toBe(crash.events.length)
    expect(playback.shown).toBe(crash.events.length)
    // The run is over: playing stopped at its end.
    expect(playback.playback.playing).toBe(false)
    expect(playback.shownSteps).toHaveLength(crash.steps.length)
  })

  it('starts over for a new run, and shows an opened trace at its end', async () => {
    const { fake, run, playback } = await ready()
    await run.run()
    fake.push(fake.runId(), { kind: 'done', result: crash })
    await flush()
    playback.seek(3)
    expect(playback.shown).toBe(3)
    await run.run()
    expect(playback.shown).toBe(0)
    expect(playback.playback.playing).toBe(true)
    run.loadResult(crash, null, 'crash.json')
    expect(playback.playback.playing).toBe(false)
    expect(playback.shown).toBe(crash.events.length)
    run.clear()
    expect(playback.shown).toBe(0)
    expect(playback.index.length).toBe(0)
  })

  it('plays at real speed up to the run’s end, then stops', async () => {
    const { fake, run, playback } = await ready()
    await run.run()
    fake.push(fake.runId(), { kind: 'done', result: crash })
    await flush()
    playback.setSpeed('real')
    playback.replay()
    expect(playback.playback.playing).toBe(true)
    playback.tick(1)
    expect(playback.shown).toBeLessThan(crash.events.length)
    playback.tick(crash.durationMs + 1)
    expect(playback.shown).toBe(crash.events.length)
    expect(playback.playback.playing).toBe(false)
  })
})
