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
 */
import type { Actor, LabScript, StepOp } from '../../shared/lab-script'

/** Ops that may block their actor; the others return at once. */
const BLOCKING: ReadonlySet<StepOp> = new Set<StepOp>([
  'connect',
  'accept',
  'send',
  'recv',
  'poll',
  'sleep',
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
    this.actors = { client: of('client'), server: of('server'), net: of('net') }
  }

  /** When the actor's next step is due by the script (its `at`, or when the previous returned). */
  dueMs(actor: Actor): number {
    const a = this.actors[actor]
    const index = a.steps[a.pos]
    if (index === undefined) return Infinity
    return Math.max(a.prevEndMs, this.script.steps[index]!.at ?? 0)
  }

  /** The other actor whose progress `actor` must wait for now, or null when it may go. */
  blocker(actor: Actor): Actor | null {
    const me = this.actors[actor]
    const myIndex = me.steps[me.pos]
    if (myIndex === undefined) return null
    const myDue = this.dueMs(actor)
    for (const other of ['client', 'server', 'net'] as const) {
      if (other === actor) continue
      const o = this.actors[other]
      const index = o.steps[o.pos]
      if (o.phase === 'done' || index === undefined) continue
      const op = this.script.steps[index]!.op
      if (o.phase === 'running') {
        if (mayBlock(op) ? !o.issued : true) return other
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
    a.pos++
    a.prevEndMs = endMs
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
