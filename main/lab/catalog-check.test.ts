// The catalog-wide agreement check (issue: kernel lab): every catalog case the kernel lab can
// run on this host must agree with the simulator under the rule of docs/lab-script-format.md (same
// outcome, same return class and errno, timer-ended steps within max(300 ms, 10 %)). A case
// the host cannot express is named with the reason, never silently passed; where the kernel
// lab cannot run at all, one skip says why. Cases run a few at a time (each has its own
// namespace): most of a run is the kernel's own timers, not CPU; at most four at once.
import { describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { kernelBackend, probeKernel } from '../kernel/index'
import { simBackend } from '../sim/index'
import { limiter } from '../kernel/test-util'
import { formatDifferences } from '../../shared/agreement'
import { checkScript } from './check'

const probe = await probeKernel()
const cases = CATALOG.filter((c) => c.backends.includes('kernel')).map((c) => c.script.id)
const cannot = probe.cases.filter((c) => !c.runnable)
const slot = limiter(4)

describe.skipIf(!probe.available)(`simulator and kernel agree (${probe.detail})`, () => {
  it.concurrent.each(cases)(
    '%s',
    async (id) => {
      const script = scenarioScript(id)
      if (!script) throw new Error(`no case ${id}`)
      const why = await kernelBackend.unsupported(script)
      if (why) {
        // The host cannot express this case: the report names it (test below) instead of
        // pretending it agreed.
        expect(cannot.map((c) => c.id)).toContain(id)
        return
      }
      const checked = await slot(() =>
        checkScript(script, { kernel: kernelBackend, sim: simBackend }),
      )
      if (!checked.ok) throw new Error(checked.error.message)
      expect(formatDifferences(checked.differences)).toEqual([])
    },
    120_000,
  )

  it('names every case this host cannot run on the kernel, with the reason', () => {
    for (const c of cannot) {
      console.log(`check ${c.id}: simulator only on this host (${c.why ?? 'no reason given'})`)
      expect(c.why, c.id).toBeTruthy()
    }
    expect(probe.cases.map((c) => c.id)).toEqual(cases)
  })
})
