/**
 * The kernel lab: lab scripts on real sockets. Each run gets a private network namespace
 * (unprivileged user namespaces) where the client and the server are small Perl programs
 * making each call as one real system call; nft for faults, per-namespace timers, states from
 * the kernel's socket table, segments from a packet socket and nft trace. Where the host
 * cannot (not Linux, no perl, no namespaces...) it refuses, saying why (probe.ts).
 */
import { UnsupportedError, type Backend } from '../backend/backend'
import { probeKernel, whyNot, type KernelProbe } from './probe'
import { runOnKernel } from './runner'

export { probeKernel, probeHost, whyNot } from './probe'
export type { KernelProbe, ProbeCheck, ProbeHost } from './probe'

/** A kernel backend bound to a probe (the real host's by default; tests pass others). */
export function createKernelBackend(probe: () => Promise<KernelProbe> = probeKernel): Backend {
  return {
    id: 'kernel',
    async unsupported(script) {
      return whyNot(script, await probe())
    },
    async run(script, context) {
      const p = await probe()
      const why = whyNot(script, p)
      if (why) throw new UnsupportedError(why)
      return runOnKernel(script, context, p)
    },
  }
}

/** The kernel backend on this host. */
export const kernelBackend: Backend = createKernelBackend()
