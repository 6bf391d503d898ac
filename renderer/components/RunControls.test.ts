import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { useCatalogStore } from '../stores/catalog'
import { useRunStore } from '../stores/run'
import { CAPABILITIES, createFakeLab, flush, refusedResult, testGlobals } from '../testing/fake-lab'
import RunControls from './RunControls.vue'

async function controls(fake = createFakeLab(), language: 'en' | 'zh' = 'en') {
  const { global } = testGlobals(fake, language)
  const w = mount(RunControls, { global })
  const catalog = useCatalogStore()
  const run = useRunStore()
  await catalog.init()
  await catalog.select('connect.refused')
  await flush()
  return { w, catalog, run, fake }
}

const input = (w: ReturnType<typeof mount>, id: string) =>
  w.get(`[data-testid="${id}"]`).element as HTMLInputElement

describe('RunControls', () => {
  it('runs the case on the chosen backend and profile', async () => {
    const { w, fake } = await controls()
    await w.get('[data-testid="profile-macos"]').setValue(true)
    await w.get('[data-testid="run"]').trigger('click')
    await flush()
    expect(fake.requests).toEqual([
      { runId: fake.runId(), scenarioId: 'connect.refused', backend: 'sim', profile: 'macos' },
    ])
    expect(w.get('[data-testid="run-status"]').attributes('data-status')).toBe('running')
    expect((w.get('[data-testid="cancel"]').element as HTMLButtonElement).disabled).toBe(false)
    expect((w.get('[data-testid="run"]').element as HTMLButtonElement).disabled).toBe(true)
    fake.push(fake.runId(1), { kind: 'done', result: refusedResult({ durationMs: 1.25 }) })
    await flush()
    expect(w.get('[data-testid="run-status"]').text()).toBe('Finished: 1.3 ms of simulated time')
    expect((w.get('[data-testid="cancel"]').element as HTMLButtonElement).disabled).toBe(true)
  })

  it('disables the kernel with the host’s reason', async () => {
    const fake = createFakeLab({
      capabilities: {
        ok: true,
        value: {
          ...CAPABILITIES,
          kernel: { available: false, isolation: 'none', detail: 'user namespaces are disabled' },
        },
      },
    })
    const { w } = await controls(fake)
    expect(input(w, 'backend-kernel').disabled).toBe(true)
    expect(w.get('[data-testid="kernel-reason"]').text()).toBe(
      'Kernel unavailable: user namespaces are disabled',
    )
  })

  it('switching to the kernel greys out the OS profile and says why', async () => {
    const { w, run } = await controls()
    expect(input(w, 'backend-kernel').disabled).toBe(false)
    await w.get('[data-testid="backend-kernel"]').setValue(true)
    expect(run.backend).toBe('kernel')
    expect((w.get('[data-testid="profile"]').element as HTMLFieldSetElement).disabled).toBe(true)
    expect(w.text()).toContain('applies to the simulator only')
  })

  it('cancel asks the backend to stop', async () => {
    const { w, fake } = await controls()
    await w.get('[data-testid="run"]').trigger('click')
    await flush()
    await w.get('[data-testid="cancel"]').trigger('click')
    await flush()
    expect(fake.cancelled).toEqual([fake.runId(1)])
  })

  it('labels everything in Chinese', async () => {
    const { w } = await controls(createFakeLab(), 'zh')
    expect(w.text()).toContain('模拟器')
    expect(w.text()).toContain('内核')
    expect(w.text()).toContain('Linux（文章）')
    expect(w.get('[data-testid="run"]').text()).toContain('运行')
  })
})
