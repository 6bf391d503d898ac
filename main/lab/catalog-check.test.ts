// The catalog-wide agreement check (issue: kernel lab): every catalog case the kernel lab can
// run on this host must agree with the simulator under the rule of lab-script.md. Where the
// kernel lab cannot run at all, one skip says why.
import { describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { kernelBackend, probeKernel } from '../kernel/index'
import { simBackend } from '../sim/index'
import { compareResults, formatDifferences } from './agreement'
import { runScript } from './session'

const probe = await probeKernel()
const cases = CATALOG.filter((c) => c.backends.includes('kernel')).map((c) => c.script.id)

describe.skipIf(!probe.available)(`simulator and kernel agree (${probe.detail})`, () => {
  it.each(cases)(
    '%s',
    async (id) => {
      const script = scenarioScript(id)
      if (!script) throw new Error(`no case ${id}`)
      const why = await kernelBackend.unsupported(script)
      if (why) {
        // The host cannot express this case: say so in the report instead of pretending.
        console.log(`check ${id}: kernel lab cannot run it here (${why})`)
        return
      }
      const kernel = await runScript(script, kernelBackend)
      if (!kernel.ok) throw new Error(kernel.error.message)
      const sim = await runScript({ ...script, profile: kernel.value.profile }, simBackend)
      if (!sim.ok) throw new Error(sim.error.message)
      expect(formatDifferences(compareResults(sim.value, kernel.value))).toEqual([])
    },
    120_000,
  )
})
