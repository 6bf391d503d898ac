/**
 * An index over a run's time-ordered events, so the view can answer "what was true after the
 * first n events" in O(log n): each end's TCP state, the transition it just took, the latest
 * teaching note, which calls had returned. Scrubbing a 10,000-event trace must stay instant,
 * so nothing here walks the whole trace per question.
 */
import type { Endpoint } from '../../shared/lab-script'
import type {
  NoteEvent,
  StateEvent,
  StepResult,
  TcpState,
  TraceEvent,
} from '../../shared/lab-result'

/** What one end looked like after the first `shown` events. */
export interface EndpointView {
  state: TcpState
  /** The transition that led there (absent before the first one). */
  last?: StateEvent
  /** Index of {@link last} in the events. */
  lastIndex: number
}

/** Lookup tables built once per trace (and extended as a live run streams in). */
export class TraceIndex {
  readonly times: number[] = []
  private readonly stateIdx: Record<Endpoint, number[]> = { client: [], server: [] }
  private readonly noteIdx: number[] = []
  /** Step index -> index of its syscall event. */
  private readonly syscallOf = new Map<number, number>()
  private events: readonly TraceEvent[] = []

  constructor(events: readonly TraceEvent[] = []) {
    this.extend(events)
  }

  /** Number of events indexed. */
  get length(): number {
    return this.times.length
  }

  /** Indexes events appended since the last call (`events` must start with the old ones). */
  extend(events: readonly TraceEvent[]): void {
    this.events = events
    for (let i = this.times.length; i < events.length; i++) {
      const e = events[i]!
      // Time never goes backwards on screen even if a backend's clock wobbles.
      const prev = this.times[i - 1] ?? 0
      this.times.push(Math.max(prev, e.tMs))
      if (e.type === 'state') this.stateIdx[e.actor].push(i)
      else if (e.type === 'note') this.noteIdx.push(i)
      else if (e.type === 'syscall' && !this.syscallOf.has(e.step)) this.syscallOf.set(e.step, i)
    }
  }

  /** How many events happened at or before `tMs`. */
  countAt(tMs: number): number {
    return upperBound(this.times, tMs)
  }

  /** Run time after the first `shown` events (0 before any). */
  timeOf(shown: number): number {
    return shown <= 0 ? 0 : (this.times[Math.min(shown, this.times.length) - 1] ?? 0)
  }

  /** One end's state after the first `shown` events. */
  endpoint(actor: Endpoint, shown: number): EndpointView {
    const list = this.stateIdx[actor]
    const k = upperBound(list, shown - 1) - 1
    if (k < 0) return { state: 'CLOSED', lastIndex: -1 }
    const i = list[k]!
    const last = this.events[i] as StateEvent
    return { state: last.to, last, lastIndex: i }
  }

  /** Every state an end passed through up to `shown` (for the diagram's trail). */
  visited(actor: Endpoint, shown: number): Set<TcpState> {
    const out = new Set<TcpState>()
    for (const i of this.stateIdx[actor]) {
      if (i >= shown) break
      const e = this.events[i] as StateEvent
      out.add(e.from)
      out.add(e.to)
    }
    return out
  }

  /** The latest teaching note among the first `shown` events. */
  lastNote(shown: number): { note: NoteEvent; index: number } | undefined {
    const k = upperBound(this.noteIdx, shown - 1) - 1
    if (k < 0) return undefined
    const index = this.noteIdx[k]!
    return { note: this.events[index] as NoteEvent, index }
  }

  /** Index of a step's syscall event, or -1 when the call never returned. */
  syscallIndex(step: number): number {
    return this.syscallOf.get(step) ?? -1
  }

  /**
   * True when a step's result should be visible after the first `shown` events: it returned
   * among them, or (blocked, skipped) the whole trace is shown.
   */
  stepShown(step: StepResult, shown: number): boolean {
    const at = this.syscallIndex(step.index)
    return at >= 0 ? at < shown : shown >= this.length
  }
}

/** First position in sorted `list` whose value is greater than `value`. */
export function upperBound(list: readonly number[], value: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid]! <= value) lo = mid + 1
    else hi = mid
  }
  return lo
}
