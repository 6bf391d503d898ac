/**
 * The agreement rule of lab-script.md: the simulator and the kernel must tell the same story
 * for the same script. Step by step: same outcome; for returned steps the same sign class of
 * `ret` (positive, zero, -1) and the same errno; and `endMs` within max(300 ms, 10 %) for
 * steps that end on a timer.
 *
 * Whether a step ended on a timer is read from the simulator, which knows: its calls take no
 * virtual time unless a timer ends them, so a call it kept blocked for at least
 * {@link TIMER_MS} ended on one. The kernel's own duration says little below a second: on a
 * loaded 2-core machine killing a process or starting a call can take hundreds of
 * milliseconds of scheduling. Only a kernel call that stayed blocked {@link KERNEL_BLOCKED_MS}
 * or more where the simulator answered at once is a different story, and is compared.
 */
import type { LabResult, StepResult } from '../../shared/lab-result'

/** A simulator call blocked at least this long (virtual time) ended on a timer. */
export const TIMER_MS = 200
/** A kernel call blocked this long (wall time) did not return at once, whatever the load. */
export const KERNEL_BLOCKED_MS = 1000

/** One difference between the two results. */
export interface Difference {
  step: number
  field: 'outcome' | 'ret' | 'errno' | 'endMs' | 'missing'
  sim: string
  kernel: string
}

function signClass(ret: number | undefined): string {
  if (ret === undefined) return 'none'
  if (ret > 0) return 'positive'
  return ret === 0 ? 'zero' : String(ret)
}

function endedOnTimer(sim: StepResult, kernel: StepResult): boolean {
  return sim.endMs - sim.startMs >= TIMER_MS || kernel.endMs - kernel.startMs >= KERNEL_BLOCKED_MS
}

/** Compares two results of the same script; an empty list means they agree. */
export function compareResults(sim: LabResult, kernel: LabResult): Difference[] {
  const differences: Difference[] = []
  const byIndex = new Map(kernel.steps.map((s) => [s.index, s]))
  for (const a of sim.steps) {
    const b = byIndex.get(a.index)
    if (!b) {
      differences.push({ step: a.index, field: 'missing', sim: a.outcome, kernel: '(no result)' })
      continue
    }
    if (a.outcome !== b.outcome) {
      differences.push({ step: a.index, field: 'outcome', sim: a.outcome, kernel: b.outcome })
      continue
    }
    if (a.outcome !== 'returned') continue
    if (signClass(a.ret) !== signClass(b.ret)) {
      differences.push({ step: a.index, field: 'ret', sim: String(a.ret), kernel: String(b.ret) })
    }
    if ((a.errno ?? '') !== (b.errno ?? '')) {
      differences.push({
        step: a.index,
        field: 'errno',
        sim: a.errno ?? '-',
        kernel: b.errno ?? '-',
      })
    }
    if (endedOnTimer(a, b)) {
      const tolerance = Math.max(300, 0.1 * Math.max(a.endMs, b.endMs))
      if (Math.abs(a.endMs - b.endMs) > tolerance) {
        differences.push({
          step: a.index,
          field: 'endMs',
          sim: a.endMs.toFixed(1),
          kernel: b.endMs.toFixed(1),
        })
      }
    }
  }
  return differences
}

/** One line per difference, for the CLI and the UI. */
export function formatDifferences(differences: Difference[]): string[] {
  return differences.map(
    (d) => `step ${d.step}: ${d.field} differs: simulator ${d.sim}, kernel ${d.kernel}`,
  )
}
