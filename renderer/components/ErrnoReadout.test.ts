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
})
