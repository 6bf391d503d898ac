/**
 * One script on both backends, judged by the agreement rule (shared/agreement.ts): the kernel
 * first, then the simulator on the kernel's own profile, so the comparison is like for like.
 * Used by `socklab check`, the differential fuzzer and every test that compares backends.
 *
 * The kernel lab runs in real time and says how late it kept its own time (host.lateMs). A
 * run that disagrees after its steps started more than {@link LATE_MS} late (the machine was
 * busy: two programs woken in the wrong order, a timer that fired long after its moment) is no
 * evidence either way, so the pair is run again, at most {@link LATE_RETRIES} more times; the
 * last pair is the answer, with how many runs were repeated.
 */
import { compareResults, type Difference } from '../../shared/agreement'
import type { LabError, LabResult } from '../../shared/lab-result'
import type { LabScript } from '../../shared/lab-script'
import type { Backends } from '../backend/registry'
import { runScript } from './session'

/** A kernel run whose steps started this late (ms) is repeated before a disagreement counts. */
export const LATE_MS = 50
/** How many times a late, disagreeing pair is run again. */
export const LATE_RETRIES = 2

/** The answer of {@link checkScript}. */
export type CheckResult =
  | {
      ok: true
      sim: LabResult
      kernel: LabResult
      differences: Difference[]
      /** Kernel runs repeated because they were late. */
      reruns: number
    }
  | { ok: false; error: LabError }

/** The kernel's lateness in a result (0 when it did not say). */
export function lateOf(result: LabResult): number {
  return result.host?.lateMs ?? 0
}

/** Runs `script` on the kernel, then on the simulator, and compares (see the file's comment). */
export async function checkScript(
  script: LabScript,
  backends: Pick<Backends, 'sim' | 'kernel'>,
  options: { signal?: AbortSignal; retries?: number } = {},
): Promise<CheckResult> {
  const retries = options.retries ?? LATE_RETRIES
  for (let reruns = 0; ; reruns++) {
    const kernel = await runScript(script, backends.kernel, { signal: options.signal })
    if (!kernel.ok) return kernel
    const sim = await runScript({ ...script, profile: kernel.value.profile }, backends.sim, {
      signal: options.signal,
    })
    if (!sim.ok) return sim
    const differences = compareResults(sim.value, kernel.value)
    const again =
      differences.length > 0 &&
      lateOf(kernel.value) > LATE_MS &&
      reruns < retries &&
      !options.signal?.aborted
    if (!again) return { ok: true, sim: sim.value, kernel: kernel.value, differences, reruns }
  }
}
