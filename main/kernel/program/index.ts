/**
 * The service entry of "your own program" (issue 14): a kernel backend whose run has a
 * student's command play one role. It is a `Backend` like the others, so whoever runs
 * scripts (main/lab/session.ts `runScript`, `Sessions.start`, the CLI) runs it the same way,
 * with the same cancellation, wall-clock guard, streaming and errors as data:
 *
 *   runScript(script, createProgramBackend({ role: 'client', command: ['python3', 'c.py'] }))
 */
import type { Endpoint } from '../../../shared/lab-script'
import { UnsupportedError, type Backend } from '../../backend/backend'
import { probeKernel, whyNot, type KernelProbe } from '../probe'
import { runOnKernel } from '../runner'
import { PROGRAM_START_MS, ProgramActor, type ProgramSpec } from './actor'
import { programSupport, type ProgramSupport } from './support'

export { PROGRAM_HOST, PROGRAM_START_MS, substitute } from './actor'
export type { ProgramSpec } from './actor'
export { probeProgramSupport, programSupport } from './support'
export type { ProgramSupport } from './support'

/** What the backend asks the host (injectable for tests). */
export interface ProgramProbes {
  kernel(): Promise<KernelProbe>
  support(kernel: KernelProbe): Promise<ProgramSupport>
}

const realProbes: ProgramProbes = { kernel: probeKernel, support: programSupport }

/** Why a command cannot be run as `role` (a sentence), or null. */
export function badCommand(command: readonly string[], role: Endpoint): string | null {
  if (command.length === 0 || !command[0])
    return `Name the ${role} program to run after "--", e.g. -- python3 client.py {host} {port}.`
  return null
}

/** A kernel backend whose runs have `spec.command` play `spec.role`. */
export function createProgramBackend(spec: ProgramSpec, probes = realProbes): Backend {
  const why = async (script: Parameters<Backend['unsupported']>[0]): Promise<string | null> => {
    const bad = badCommand(spec.command, spec.role)
    if (bad) return bad
    const kernel = await probes.kernel()
    const support = await probes.support(kernel)
    if (!support.available) return support.detail
    return whyNot(script, kernel)
  }
  return {
    id: 'kernel',
    unsupported: why,
    async run(script, context) {
      const reason = await why(script)
      if (reason) throw new UnsupportedError(reason)
      const limitMs = spec.limitMs ?? script.limitMs + PROGRAM_START_MS
      return runOnKernel(
        { ...script, limitMs },
        context,
        await probes.kernel(),
        new ProgramActor(spec),
      )
    },
  }
}
