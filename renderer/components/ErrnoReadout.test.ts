import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { useCatalogStore } from '../stores/catalog'
import { useRunStore } from '../stores/run'
import { createFakeLab, flush, REFUSED_STEP, refusedResult, testGlobals } from '../testing/fake-lab'
import ErrnoReadout from './ErrnoReadout.vue'

describe('ErrnoReadout', () => {
  it('shows the article section, then one card per step live, then the final states', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(ErrnoReadout, { global })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    await catalog.select('connect.ok')
    await flush()
    expect(w.get('[data-testid="article-section"]').text()).toContain('建立连接 §1')
    expect(w.text()).toContain('each call’s return value appears here')
    await run.run()
    await flush()
    expect(w.text()).toContain('Waiting for the first call to return')
    // Steps arrive out of script order; the readout keeps script order.
    const accept = {
      ...REFUSED_STEP,
      index: 2,
      actor: 'server' as const,
      op: 'accept' as const,
      ret: 5,
      errno: undefined,
      errnoNumber: undefined,
      message: undefined,
    }
    const connect = {
      ...REFUSED_STEP,
      index: 1,
      ret: 0,
      errno: undefined,
      errnoNumber: undefined,
      message: undefined,
    }
    fake.push(fake.runId(1), { kind: 'step', step: accept })
    fake.push(fake.runId(1), { kind: 'step', step: connect })
    await flush()
    expect(w.findAll('[data-testid="errno-call"]').map((c) => c.text())).toEqual([
      'connect(7001) = 0',
      'accept() = 5',
    ])
    fake.push(fake.runId(1), {
      kind: 'done',
      result: refusedResult({
        steps: [connect, accept],
        final: { client: 'ESTABLISHED', server: 'ESTABLISHED' },
      }),
    })
    await flush()
    expect(w.get('[data-testid="final-states"]').text()).toContain(
      'client ESTABLISHED, server ESTABLISHED',
    )
  })

  it('says on a macOS or Windows run that the article describes Linux, with this OS’s errno', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(ErrnoReadout, { global })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    await catalog.select('connect.refused')
    await flush()
    // Linux: the article's own numbers, nothing to add.
    expect(w.find('[data-testid="article-on-system"]').exists()).toBe(false)
    run.setProfile('macos')
    await flush()
    expect(w.get('[data-testid="article-on-system"]').text()).toBe(
      'The article describes Linux: ECONNREFUSED (111) is ECONNREFUSED (61) on macOS.',
    )
    run.setProfile('windows')
    await flush()
    expect(w.get('[data-testid="article-on-system"]').text()).toBe(
      'The article describes Linux: ECONNREFUSED (111) is WSAECONNREFUSED (10061) on Windows.',
    )
    // The article's kernels are Linux too.
    run.setProfile('linux-legacy')
    await flush()
    expect(w.find('[data-testid="article-on-system"]').exists()).toBe(false)
  })

  it('says it in Chinese, for the OS the shown run used', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake, 'zh')
    const w = mount(ErrnoReadout, { global })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    await catalog.select('connect.refused')
    run.setProfile('macos')
    await run.run()
    await flush()
    expect(fake.requests.at(-1)?.profile).toBe('macos')
    fake.push(fake.runId(1), {
      kind: 'done',
      result: refusedResult({
        profile: 'macos',
        steps: [{ ...REFUSED_STEP, errnoNumber: 61 }],
      }),
    })
    await flush()
    // Choosing another profile afterwards does not change what the shown run was.
    run.setProfile('linux')
    await flush()
    expect(w.get('[data-testid="article-on-system"]').text()).toBe(
      '文章描述的是 Linux：ECONNREFUSED（111）在 macOS 上是 ECONNREFUSED（61）。',
    )
  })
})
