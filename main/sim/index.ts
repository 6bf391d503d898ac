/**
 * The simulator backend: any lab script, run in virtual time in milliseconds of real time,
 * with outcomes that follow from TCP's rules and the chosen OS profile.
 */
import type { Backend, RunContext } from '../backend/backend'
import type { LabScript } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { simulate } from './simulate'

export { simulate, effectiveTimers, type SimulateOptions } from './simulate'

/** The simulator as a session backend: it can run every valid script. */
export const simBackend: Backend = {
  id: 'sim',
  async unsupported(): Promise<string | null> {
    return null
  },
  async run(script: LabScript, ctx: RunContext): Promise<LabResult> {
    if (ctx.signal.aborted) throw new Error('cancelled before the run started')
    return simulate(script, { signal: ctx.signal, onEvent: ctx.onEvent, onStep: ctx.onStep })
  },
}
