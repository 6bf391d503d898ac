/**
 * The agreement rule of lab-script.md: the simulator and the kernel must tell the same story
 * for the same script. Step by step: same outcome; for returned steps the same sign class of
 * `ret` (positive, zero, -1) and the same errno; and `endMs` within max(300 ms, 10 %) for
 * steps that end on a timer (a call that stayed blocked for at least {@link TIMER_MS} on
 * either backend: what ended it was a timer, not an immediate answer).
 */
import type { LabResult, StepResult } from '../../shared/lab-result'

/** A call blocked at least this long on either side ended on a timer. */
export const TIMER_MS = 200

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

function endedOnTimer(a: StepResult, b: StepResult): boolean {
  return a.endMs - a.startMs >= TIMER_MS || b.endMs - b.startMs >= TIMER_MS
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
