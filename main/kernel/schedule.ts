/**
 * The order in which the kernel lab lets actors act, so real time keeps the script's order.
 *
 * In the simulator a step that is due at 10 ms happens after everything due before it, in
 * zero time. On the real kernel every step costs a few milliseconds (IPC to a peer process,
 * an nft transaction), so without care a client's connect due at 10 ms could reach the
 * kernel before the server's listen due at 0 ms, or before the drop rule a `net` step
 * installs at 0 ms. The rule here: before an actor starts a step due at T, every other
 * actor's step that is due earlier (or at T and earlier in the script) must have taken
 * effect: returned, for calls that return at once; entered the kernel ("issued"), for calls
 * that may block (connect, accept, send, recv, poll, sleep). Steps that become due later never
 * hold anyone up, so waits are short and no two actors can wait for each other.
 *
 * A step that returns at once takes no time in the script (the simulator's answer), however
 * long the lab took to make it: the step after it is due when it was due, not when the lab
 * finished it. Otherwise a server's `bind` then `listen` (both due at 0) would let a client's
 * connect due at 10 ms go first whenever the two calls took the lab 10 ms.
 *
 * A `signal` step written right after a call that blocks starts at its `at` even while that
 * call is still blocked (docs/lab-script-format.md, "Timing rule"): it is taken aside
 * (`gateAside`, `tookAside`) and, until it has been, counts for the others like a step that is
 * due at its `at`.
 */
import { ACTORS, type Actor, type LabScript, type StepOp } from '../../shared/lab-script'

/** Ops that may block their actor; the others return at once. */
const BLOCKING: ReadonlySet<StepOp> = new Set<StepOp>([
  'connect',
  'accept',
  'send',
  'recv',
  'poll',
  'sleep',
  'reboot',
])

/** True for ops that may block (ordering waits until they are issued, not returned). */
export function mayBlock(op: StepOp): boolean {
  return BLOCKING.has(op)
}

interface ActorState {
  /** Script indices of this actor's steps. */
  steps: number[]
  /** Position in `steps` of the step in progress or next. */
  pos: number
  phase: 'waiting' | 'running' | 'done'
  issued: boolean
  /** When its previous step returned (run clock), 0 before its first. */
  prevEndMs: number
}

/** Tracks every actor's progress and tells an actor when it may start its next step. */
export class Schedule {
  private readonly actors: Record<Actor, ActorState>
  private wake: (() => void)[] = []

  constructor(private readonly script: LabScript) {
    const of = (a: Actor): ActorState => {
      const steps = script.steps.flatMap((s, i) => (s.actor === a ? [i] : []))
      return {
        steps,
        pos: 0,
        phase: steps.length ? 'waiting' : 'done',
        issued: false,
        prevEndMs: 0,
      }
    }
    this.actors = Object.fromEntries(ACTORS.map((a) => [a, of(a)])) as Record<Actor, ActorState>
  }

  /** When the actor's next step is due by the script (its `at`, or when the previous returned). */
  dueMs(actor: Actor): number {
    const a = this.actors[actor]
    const index = a.steps[a.pos]
    if (index === undefined) return Infinity
    return Math.max(a.prevEndMs, this.script.steps[index]!.at ?? 0)
  }

  /** The signal step waiting right after the actor's blocked call, or undefined. */
  aside(actor: Actor): number | undefined {
    const a = this.actors[actor]
    if (a.phase !== 'running' || !a.issued) return undefined
    const index = a.steps[a.pos + 1]
    return index !== undefined && this.script.steps[index]!.op === 'signal' ? index : undefined
  }

  /** The other actor whose progress `actor` must wait for now, or null when it may go. */
  blocker(actor: Actor): Actor | null {
    const me = this.actors[actor]
    const myIndex = me.steps[me.pos]
    if (myIndex === undefined) return null
    return this.blockerFor(actor, myIndex, this.dueMs(actor))
  }

  /** The other actor that step `myIndex` of `actor`, due at `myDue`, must wait for. */
  private blockerFor(actor: Actor, myIndex: number, myDue: number): Actor | null {
    for (const other of ACTORS) {
      if (other === actor) continue
      const o = this.actors[other]
      const index = o.steps[o.pos]
      if (o.phase === 'done' || index === undefined) continue
      const op = this.script.steps[index]!.op
      if (o.phase === 'running') {
        if (mayBlock(op) ? !o.issued : true) return other
        // Its signal, due while its call blocks, comes first if it is due first.
        const aside = this.aside(other)
        if (aside !== undefined) {
          const at = this.script.steps[aside]!.at ?? 0
          if (at < myDue || (at === myDue && aside < myIndex)) return other
        }
        continue
      }
      const due = this.dueMs(other)
      if (due < myDue || (due === myDue && index < myIndex)) return other
    }
    return null
  }

  /** Resolves when `actor` may start its next step, or with 'stop' when `stop` wins. */
  async gate(actor: Actor, stop: Promise<'stop'>): Promise<'go' | 'stop'> {
    while (this.blocker(actor) !== null) {
      const changed = new Promise<'go'>((r) => this.wake.push(() => r('go')))
      if ((await Promise.race([changed, stop])) === 'stop') return 'stop'
    }
    return 'go'
  }

  /**
   * Resolves when the signal taken aside, step `index` of `actor` due at `at`, may be sent, or
   * with 'stop'.
   */
  async gateAside(
    actor: Actor,
    index: number,
    at: number,
    stop: Promise<'stop'>,
  ): Promise<'go' | 'stop'> {
    while (this.blockerFor(actor, index, at) !== null) {
      const changed = new Promise<'go'>((r) => this.wake.push(() => r('go')))
      if ((await Promise.race([changed, stop])) === 'stop') return 'stop'
    }
    return 'go'
  }

  /** The signal after the actor's blocked call has been sent: it leaves the actor's queue. */
  tookAside(actor: Actor): void {
    const a = this.actors[actor]
    a.steps.splice(a.pos + 1, 1)
    this.changed()
  }

  private changed(): void {
    const wake = this.wake
    this.wake = []
    for (const w of wake) w()
  }

  /** The actor's next step has started. */
  started(actor: Actor): void {
    const a = this.actors[actor]
    a.phase = 'running'
    a.issued = false
    this.changed()
  }

  /** The actor's running step has entered the kernel. */
  issued(actor: Actor): void {
    const a = this.actors[actor]
    if (a.phase !== 'running' || a.issued) return
    a.issued = true
    this.changed()
  }

  /** The actor's current step has ended (returned or skipped) at `endMs`. */
  returned(actor: Actor, endMs: number): void {
    const a = this.actors[actor]
    const index = a.steps[a.pos]
    const instant = index !== undefined && !mayBlock(this.script.steps[index]!.op)
    const due = this.dueMs(actor)
    a.pos++
    a.prevEndMs = instant ? Math.min(endMs, due) : endMs
    a.issued = false
    a.phase = a.pos < a.steps.length ? 'waiting' : 'done'
    this.changed()
  }

  /** The actor will do nothing more (its steps ran out, it died, or the run ended). */
  finished(actor: Actor): void {
    this.actors[actor].phase = 'done'
    this.changed()
  }
}
