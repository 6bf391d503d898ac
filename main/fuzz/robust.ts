/**
 * Is a script's answer independent of races? The kernel runs a script in real time, so its
 * timers fire a few per cent off the simulator's (the agreement rule allows 10 %) and a
 * process wakes a few milliseconds late. A script whose answer changes when one of its actions
 * moves by that much, or when the run ends that much earlier or later, does not test TCP's
 * rules: on the kernel it gives one answer one time and another the next. Such a script is a
 * generator bug, not a disagreement, so the fuzzer never runs one.
 *
 * The check is a perturbation of the simulator's run: every scheduled action is moved by
 * ±{@link shiftMs} of its time, one at a time, and the run's end likewise, and each host's
 * timers are run 5 % fast and slow ({@link TIMER_DRIFT}), each program wakes
 * {@link WAKE_DELAY_MS} late, and the final states are read {@link LATE_FINAL_MS} later; every
 * variant must
 * give each step the same class (outcome, sign of the return value, errno: shared/agreement.ts
 * `stepClass`) and both ends the same final state as the unperturbed run.
 */
import { stepClass } from '../../shared/agreement'
import type { LabResult } from '../../shared/lab-result'
import { endpointsOf, type LabScript } from '../../shared/lab-script'
import { profileOf } from '../../shared/profiles'
import { simulate, type SimulateOptions } from '../sim/index'

/** How far an action at `atMs` may move on the kernel: 8 %, and never less than 80 ms. */
export function shiftMs(atMs: number): number {
  return Math.max(80, 0.08 * atMs)
}

/**
 * How much one host's timers may run fast or slow against the other's: two kernels' timers
 * that the simulator fires at the same instant (a SYN retransmission and a SYN-ACK
 * retransmission, both at 1 s) fire in either order on the real kernel.
 */
export const TIMER_DRIFT = [0.95, 1.05] as const

/**
 * How late a woken program may make its next call: on a loaded machine a process woken from a
 * blocking call runs milliseconds later, so two programs woken by one event call in either
 * order.
 */
export const WAKE_DELAY_MS = 5

/** How much later the kernel lab may read the final states than the run's end. */
export const LATE_FINAL_MS = 100

/** How far the run's end may move: the agreement rule's tolerance, max(300 ms, 10 %). */
export function endShiftMs(limitMs: number): number {
  return Math.max(300, 0.1 * limitMs)
}

/** The classes a variant must keep: every step's, and the final states. */
function signature(result: LabResult, steps = Infinity): string {
  const classes = result.steps
    .filter((s) => s.index < steps)
    .map((s) => `${s.index}:${stepClass(s)}`)
  return `${classes.join(' ')} | ${result.final.client}/${result.final.server}`
}

/** A signal this close to the start of the call it is meant for races the call's entry. */
export const SIGNAL_GAP_MS = 50

/** The verdict of {@link checkRobust}. */
export type Robustness = { ok: true } | { ok: false; why: string }

/** Checks a script by perturbation (see the file's comment). */
export function checkRobust(script: LabScript): Robustness {
  const run = simulate(script)
  const base = signature(run)
  // A signal that comes the moment its call starts (its `at` passed while an earlier call
  // still held the actor) races the call's entry into the kernel: on the real kernel it may
  // land just before the call, interrupting nothing (fuzz seed 41 #114). Only where a signal
  // can interrupt a call at all (Windows has no such signals).
  const signals = profileOf(script.profile).signals.kind !== 'none'
  for (const [i, step] of script.steps.entries()) {
    if (step.op !== 'signal' || !signals) continue
    const mine = run.steps.find((x) => x.index === i)
    const before = run.steps.filter((x) => x.actor === step.actor && x.index < i).at(-1)
    if (mine && before && before.op !== 'signal' && mine.startMs - before.startMs < SIGNAL_GAP_MS)
      return {
        ok: false,
        why: `step ${i} (signal) comes ${Math.round(mine.startMs - before.startMs)} ms after its call starts`,
      }
  }
  const variants: { what: string; script: LabScript }[] = []
  script.steps.forEach((step, i) => {
    if (step.op === 'sleep') {
      // A sleep's end is a moment too (the run often ends with one).
      for (const sign of [-1, 1]) {
        const ms = Math.round(step.ms + sign * shiftMs(step.ms))
        const steps = script.steps.map((s, j) => (j === i ? { ...step, ms } : s))
        if (ms > 0)
          variants.push({ what: `step ${i} sleeping ${ms} ms`, script: { ...script, steps } })
      }
    }
    const at = step.at
    // The connect at 10 ms and steps with no time of their own follow the story's order.
    if (at === undefined || at < 50) return
    for (const sign of [-1, 1]) {
      const moved = Math.round(at + sign * shiftMs(at))
      if (moved < 0 || moved > script.limitMs) continue
      const steps = script.steps.map((s, j) => (j === i ? { ...s, at: moved } : s))
      variants.push({ what: `step ${i} at ${moved} ms`, script: { ...script, steps } })
    }
  })
  for (const sign of [-1, 1]) {
    const limitMs = Math.round(script.limitMs + sign * endShiftMs(script.limitMs))
    const latest = Math.max(...script.steps.map((s) => s.at ?? 0))
    if (limitMs <= latest) continue
    variants.push({ what: `the run ending at ${limitMs} ms`, script: { ...script, limitMs } })
  }
  const scaled: { what: string; options: SimulateOptions }[] = []
  for (const host of endpointsOf(script)) {
    for (const factor of TIMER_DRIFT)
      scaled.push({
        what: `the ${host}'s timers ${factor}x`,
        options: { timerScale: { [host]: factor } },
      })
    scaled.push({
      what: `the ${host} waking ${WAKE_DELAY_MS} ms late`,
      options: { wakeDelayMs: { [host]: WAKE_DELAY_MS } },
    })
  }
  // The final states read a little later (the kernel reads its socket table a few ms after
  // the end, later still on a loaded machine), timers and all.
  scaled.push({
    what: `final read ${LATE_FINAL_MS} ms later`,
    options: { lateFinalMs: LATE_FINAL_MS },
  })
  for (const v of scaled) {
    const got = signature(simulate(script, v.options))
    if (got !== base) return { ok: false, why: `${v.what} changes the answer: ${base} -> ${got}` }
  }
  for (const v of variants) {
    // Only the script's own steps count (a variant may add a step at the end).
    const got = signature(simulate(v.script), script.steps.length)
    if (got !== base) return { ok: false, why: `${v.what} changes the answer: ${base} -> ${got}` }
  }
  return { ok: true }
}
