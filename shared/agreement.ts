/**
 * The agreement rule (docs/lab-script-format.md, "Agreement between backends"): the simulator
 * and the real kernel must tell the same story for the same script. Step by step: the same
 * outcome; for returned steps the same sign class of `ret` (positive, zero, -1), the same
 * errno and the same `value` (poll()'s revents, getsockopt()'s error); `endMs` within max(300 ms, 10 %) for steps that end on a timer; and the same `final`
 * state of each end.
 *
 * This is the only copy of the rule: `socklab check`, the fuzzer, the app's Compare panel, the
 * socket shell and every test that compares backends call it.
 *
 * Whether a step ended on a timer is read from the simulator, which knows: its calls take no
 * virtual time unless a timer ends them, so a call it kept blocked for at least
 * {@link TIMER_MS} ended on one. The kernel's own duration says little below a second: on a
 * loaded 2-core machine killing a process or starting a call can take hundreds of
 * milliseconds of scheduling. Only a kernel call that stayed blocked {@link KERNEL_BLOCKED_MS}
 * or more where the simulator answered at once is a different story, and is compared.
 */
import { ENDPOINTS, type Endpoint } from './lab-script'
import type { LabResult, StepResult } from './lab-result'

/** A simulator call blocked at least this long (virtual time) ended on a timer. */
export const TIMER_MS = 200
/** A kernel call blocked this long (wall time) did not return at once, whatever the load. */
export const KERNEL_BLOCKED_MS = 1000

/** What two results may differ in. */
export type DifferenceField = 'outcome' | 'ret' | 'errno' | 'value' | 'endMs' | 'missing' | 'final'

/** One difference between the two results. */
export interface Difference {
  /** The step index; for `final`, -1. */
  step: number
  field: DifferenceField
  /** For `final`: which end. */
  endpoint?: Endpoint
  sim: string
  kernel: string
}

/** Which parts of the rule to apply (all by default). */
export interface CompareOptions {
  /** Compare only the steps this accepts (the shell compares the calls before a new one). */
  steps?: (index: number) => boolean
  /** Compare `final` states (default true). */
  final?: boolean
}

/** The sign class of a return value: `positive`, `zero`, `-1`, or `none` for a non-call. */
export function signClass(ret: number | undefined): string {
  if (ret === undefined) return 'none'
  if (ret > 0) return 'positive'
  return ret === 0 ? 'zero' : String(ret)
}

/**
 * The class of one step that two backends must share, without timing: `blocked`,
 * `skipped`, or `returned positive`, `returned -1 ECONNRESET`...
 */
export function stepClass(step: StepResult | undefined): string {
  if (!step) return 'missing'
  if (step.outcome !== 'returned') return step.outcome
  const value = step.value !== undefined ? ` [${step.value}]` : ''
  return `returned ${signClass(step.ret)}${step.errno ? ` ${step.errno}` : ''}${value}`
}

function endedOnTimer(sim: StepResult, kernel: StepResult): boolean {
  return sim.endMs - sim.startMs >= TIMER_MS || kernel.endMs - kernel.startMs >= KERNEL_BLOCKED_MS
}

/** The timing tolerance of a timer-ended step: max(300 ms, 10 % of the later end). */
export function timingTolerance(simEndMs: number, kernelEndMs: number): number {
  return Math.max(300, 0.1 * Math.max(simEndMs, kernelEndMs))
}

function compareStep(a: StepResult, b: StepResult | undefined, out: Difference[]): void {
  if (!b) {
    out.push({ step: a.index, field: 'missing', sim: a.outcome, kernel: '(no result)' })
    return
  }
  if (a.outcome !== b.outcome) {
    out.push({ step: a.index, field: 'outcome', sim: a.outcome, kernel: b.outcome })
    return
  }
  if (a.outcome !== 'returned') return
  if (signClass(a.ret) !== signClass(b.ret))
    out.push({ step: a.index, field: 'ret', sim: String(a.ret), kernel: String(b.ret) })
  if ((a.errno ?? '') !== (b.errno ?? ''))
    out.push({ step: a.index, field: 'errno', sim: a.errno ?? '-', kernel: b.errno ?? '-' })
  if ((a.value ?? '') !== (b.value ?? ''))
    out.push({ step: a.index, field: 'value', sim: a.value ?? '-', kernel: b.value ?? '-' })
  if (endedOnTimer(a, b) && Math.abs(a.endMs - b.endMs) > timingTolerance(a.endMs, b.endMs))
    out.push({ step: a.index, field: 'endMs', sim: a.endMs.toFixed(1), kernel: b.endMs.toFixed(1) })
}

/**
 * Compares two results of the same script (the simulator's first); an empty list means they
 * agree.
 */
export function compareResults(
  sim: LabResult,
  kernel: LabResult,
  options: CompareOptions = {},
): Difference[] {
  const differences: Difference[] = []
  const byIndex = new Map(kernel.steps.map((s) => [s.index, s]))
  for (const a of sim.steps) {
    if (options.steps && !options.steps(a.index)) continue
    compareStep(a, byIndex.get(a.index), differences)
  }
  if (options.final !== false) {
    for (const endpoint of ENDPOINTS) {
      if (sim.final[endpoint] === undefined && kernel.final[endpoint] === undefined) continue
      if (sim.final[endpoint] !== kernel.final[endpoint])
        differences.push({
          step: -1,
          field: 'final',
          endpoint,
          sim: sim.final[endpoint] ?? '(none)',
          kernel: kernel.final[endpoint] ?? '(none)',
        })
    }
  }
  return differences
}

/** One line per difference, for the CLI, the fuzzer's report and the UI. */
export function formatDifferences(differences: Difference[]): string[] {
  return differences.map((d) =>
    d.field === 'final'
      ? `final state of the ${d.endpoint}: simulator ${d.sim}, kernel ${d.kernel}`
      : `step ${d.step}: ${d.field} differs: simulator ${d.sim}, kernel ${d.kernel}`,
  )
}
