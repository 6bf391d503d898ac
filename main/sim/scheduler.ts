/**
 * The timing rule (docs/lab-script-format.md): each actor (client, server, net) runs its steps in
 * script order; a step starts when its actor's previous step has returned and the clock has
 * reached its `at`; a blocking call holds its actor until it returns. At the end, calls still
 * blocked are reported as blocked and steps that never started as skipped, with the reason.
 * One exception: a `signal` step starts at its `at` even while its actor is blocked in an
 * earlier call (as a signal reaches a blocked process), and acts on that call.
 */
import type { Actor, Endpoint, LabScript, Step } from '../../shared/lab-script'
import type { StepResult } from '../../shared/lab-result'
import type { ErrnoSystem } from '../../shared/errno'
import type { CallResult, Pending, Program } from './calls'
import type { EventQueue } from './engine/event-queue'
import { blockedStep, returnedStep, skippedStep, stepNotes } from '../backend/result'
import type { Trace } from './world'

/** One actor's place in the script. */
class ActorRun {
  readonly steps: number[] = []
  pos = 0
  pending: Pending | null = null
  pendingIndex = -1
  pendingStart = 0
  /** The step a wake-up is already scheduled for (its `at` lies in the future). */
  wakeFor = -1
  /** The next step starts no earlier than this (SimulateOptions.wakeDelayMs). */
  notBefore = 0
  /** A blocked call that can be woken returns no earlier than this (-1: not woken yet). */
  wokenAt = -1
  /** How late the program makes its next call, and returns from connect() (wakeDelayMs). */
  wakeDelay = 0

  constructor(
    readonly actor: Actor,
    /** The program that makes the calls (none for `net`). */
    readonly program: Program | null,
  ) {}
}

/** Starts the script's steps when the timing rule allows, and collects their results. */
export class Scheduler {
  private readonly runs: ActorRun[]
  private readonly results: (StepResult | undefined)[]
  /**
   * Each step's `at` and whether it is a thaw, copied out of the step objects once: the steps
   * have as many shapes as there are ops, and reading them after every event was slow.
   */
  private readonly at: number[] = []
  private readonly thaw: boolean[] = []
  private readonly signal: boolean[] = []
  /** Something a call may be waiting for changed since the calls were last asked. */
  dirty = true
  private stuckAt = -1
  private stuckCount = 0
  /** Wakes the scheduler (a bound method: hosts and timers call it). */
  readonly markDirty = (): void => {
    this.dirty = true
  }

  constructor(
    private readonly script: LabScript,
    private readonly q: EventQueue,
    private readonly trace: Trace,
    private readonly errnoSystem: ErrnoSystem,
    /** Each endpoint's program (every endpoint a step names has one). */
    programs: ReadonlyMap<Endpoint, Program>,
    /** Runs a `net` step (never blocks). */
    private readonly netStep: (step: Step, index: number) => CallResult,
    /** Called after every pass (the middlebox moves its bytes). */
    private readonly afterPass: () => void,
    private readonly onStep?: (step: StepResult) => void,
    /** How late each program makes its next call after a step ends (0: at once). */
    wakeDelayMs: Partial<Record<Endpoint, number>> = {},
  ) {
    const byActor = new Map<Actor, ActorRun>()
    for (const [actor, program] of programs) {
      const run = new ActorRun(actor, program)
      run.wakeDelay = Math.max(0, wakeDelayMs[actor] ?? 0)
      byActor.set(actor, run)
    }
    byActor.set('net', new ActorRun('net', null))
    this.runs = [...byActor.values()]
    for (let i = 0; i < script.steps.length; i++) {
      const s = script.steps[i]!
      byActor.get(s.actor)!.steps.push(i)
      this.at.push(s.at ?? 0)
      this.thaw.push(s.op === 'thaw')
      this.signal.push(s.op === 'signal')
    }
    this.results = new Array<StepResult | undefined>(script.steps.length)
  }

  /** Every actor has finished its steps or died. */
  finished(): boolean {
    const runs = this.runs
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i]!
      if (r.pending || (r.pos < r.steps.length && !(r.program?.dead ?? false))) return false
    }
    return true
  }

  /**
   * Asks the blocked calls again and starts what may start, until nothing moves. Calls are
   * asked only after something that could wake one (`dirty`): a timer that changed nothing a
   * call looks at (a retransmission) costs no polling.
   */
  settle(): void {
    while (this.dirty) {
      this.dirty = false
      this.pass()
      this.watchdog()
    }
  }

  /**
   * A run whose clock stops moving is a simulator bug (a timer re-arming itself for zero time,
   * a relay feeding itself): fail with a message instead of hanging the caller.
   */
  watchdog(): void {
    if (this.q.now !== this.stuckAt) {
      this.stuckAt = this.q.now
      this.stuckCount = 0
    } else if (++this.stuckCount > 1_000_000)
      throw new Error(
        `simulator livelock: a million events at ${this.q.now} ms without time moving`,
      )
  }

  private pass(): void {
    for (;;) {
      let progressed = false
      const runs = this.runs
      for (let ri = 0; ri < runs.length; ri++) {
        const run = runs[ri]!
        if (!run.pending) continue
        if (!this.awake(run, run.pending)) continue
        const r = run.pending.poll()
        if (r) {
          run.pending = null
          run.wokenAt = -1
          this.finish(run, run.pendingIndex, run.pendingStart, r)
          progressed = true
        }
      }
      // Of the steps ready now, the one written first starts first.
      let best: ActorRun | null = null
      let bestIndex = Infinity
      for (let ri = 0; ri < runs.length; ri++) {
        const run = runs[ri]!
        const i = this.ready(run)
        if (i !== -1 && i < bestIndex) {
          best = run
          bestIndex = i
        }
      }
      if (best) {
        this.start(best, bestIndex)
        progressed = true
      }
      this.afterPass()
      if (!progressed) return
    }
  }

  /**
   * Whether a blocked call may be asked now: at once, unless its program wakes late
   * (wakeDelayMs) and the call reads its answer when the process runs again (Pending.woken):
   * then only that delay after the wake-up, so what happened meanwhile (an RST after the
   * SYN-ACK) decides, as on a busy kernel.
   */
  private awake(run: ActorRun, pending: Pending): boolean {
    if (run.wakeDelay === 0 || !pending.woken) return true
    if (run.wokenAt < 0) {
      if (!pending.woken()) return false
      run.wokenAt = this.q.now + run.wakeDelay
      this.q.scheduleAt(run.wokenAt, this.markDirty)
    }
    return this.q.now >= run.wokenAt
  }

  /** The index of the run's next step if it may start now, else -1. */
  private ready(run: ActorRun): number {
    if (run.pos >= run.steps.length || run.program?.dead) return -1
    // While a call blocks, only the signal written right after it may start (its `at` rules).
    const index = run.pending ? (run.steps[run.pos + 1] ?? -1) : run.steps[run.pos]!
    if (index < 0 || (run.pending && !this.signal[index])) return -1
    if (run.program?.frozen && !this.thaw[index]) return -1
    const at = Math.max(this.at[index]!, run.notBefore)
    if (at > this.q.now) {
      if (run.wakeFor !== index) {
        run.wakeFor = index
        this.q.scheduleAt(at, this.markDirty)
      }
      return -1
    }
    return index
  }

  private start(run: ActorRun, index: number): void {
    const step = this.script.steps[index]!
    const startMs = this.q.now
    if (run.pending && step.op === 'signal') {
      // The signal reaches the blocked call; the step leaves the actor's queue, which still
      // waits for that call (pass() asks it again at once).
      const r = run.program!.signal(run.pending, step.restart)
      run.steps.splice(run.pos + 1, 1)
      this.finish(run, index, startMs, r, false)
      return
    }
    const out = run.program ? run.program.start(step) : this.netStep(step, index)
    if ('poll' in out) {
      run.pending = out
      run.pendingIndex = index
      run.pendingStart = startMs
      if (out.wakeAt !== undefined) this.q.scheduleAt(out.wakeAt, this.markDirty)
      const r = out.poll()
      if (r) {
        run.pending = null
        this.finish(run, index, startMs, r)
      }
    } else this.finish(run, index, startMs, out)
  }

  private finish(
    run: ActorRun,
    index: number,
    startMs: number,
    r: CallResult,
    advance = true,
  ): void {
    const step = this.script.steps[index]!
    const res = returnedStep(index, step, startMs, this.q.now, r, this.errnoSystem)
    for (const note of stepNotes(res, r)) this.trace.emit(note)
    this.results[index] = res
    this.trace.emit({ tMs: this.q.now, type: 'syscall', step: index })
    this.onStep?.(res)
    if (!advance) return
    run.pos++
    if (run.wakeDelay > 0) run.notBefore = this.q.now + run.wakeDelay
  }

  /** Reports calls still blocked and steps that never started; returns every step's result. */
  close(end: number): StepResult[] {
    for (const run of this.runs) {
      if (run.pending) {
        const step = this.script.steps[run.pendingIndex]!
        this.report(blockedStep(run.pendingIndex, step, run.pendingStart, end))
        run.pending = null
        run.pos++
      }
      for (; run.pos < run.steps.length; run.pos++) {
        const index = run.steps[run.pos]!
        const why = run.program?.dead ? 'dead' : run.program?.frozen ? 'frozen' : 'stuck'
        this.report(skippedStep(index, this.script.steps[index]!, end, why))
      }
    }
    return this.results.filter((r): r is StepResult => r !== undefined)
  }

  private report(res: StepResult): void {
    this.results[res.index] = res
    this.onStep?.(res)
  }
}
