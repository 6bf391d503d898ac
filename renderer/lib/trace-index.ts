/**
 * An index over a run's time-ordered events, so the view can answer "what was true after the
 * first n events" in O(log n): each end's TCP state, the transition it just took, the latest
 * teaching note, which calls had returned. Scrubbing a 10,000-event trace must stay instant,
 * so nothing here walks the whole trace per question.
 */
import { EXTRA_CLIENTS, type Endpoint, type ExtraClient } from '../../shared/lab-script'
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

/** The lookup tables of one events array; they only grow, as the array does. */
interface Tables {
  /** The array indexed (a live run's is pushed to in place). */
  events: readonly TraceEvent[]
  times: number[]
  stateIdx: Record<Endpoint, number[]>
  noteIdx: number[]
  /** Step index -> index of its syscall event. */
  syscallOf: Map<number, number>
}

function emptyTables(): Tables {
  return {
    events: [],
    times: [],
    stateIdx: { client: [], server: [], client2: [], client3: [], client4: [] },
    noteIdx: [],
    syscallOf: new Map(),
  }
}

/**
 * Lookup tables built once per trace and extended as a live run streams in. An index answers
 * for the events it has seen ({@link length}); {@link follow} gives the index of a grown array
 * as a new object that shares these tables, so a computed that derives it changes identity
 * (and Vue notices) without re-indexing the whole trace on every event.
 */
export class TraceIndex {
  private tables: Tables = emptyTables()
  private count = 0

  constructor(events: readonly TraceEvent[] = []) {
    this.extend(events)
  }

  /** Number of events indexed. */
  get length(): number {
    return this.count
  }

  /** Indexes events appended since the last call (`events` must start with the old ones). */
  extend(events: readonly TraceEvent[]): void {
    const t = this.tables
    t.events = events
    for (let i = t.times.length; i < events.length; i++) {
      const e = events[i]!
      // Time never goes backwards on screen even if a backend's clock wobbles.
      const prev = t.times[i - 1] ?? 0
      t.times.push(Math.max(prev, e.tMs))
      if (e.type === 'state') t.stateIdx[e.actor].push(i)
      else if (e.type === 'note') t.noteIdx.push(i)
      else if (e.type === 'syscall' && !t.syscallOf.has(e.step)) t.syscallOf.set(e.step, i)
    }
    this.count = events.length
  }

  /**
   * The index of `events`: when it is the array this index was built over, grown in place (a
   * live run), a new index sharing these tables and indexing only the new events; otherwise
   * (a new run, a result that replaced the live events) one built from scratch.
   */
  follow(events: readonly TraceEvent[]): TraceIndex {
    const t = this.tables
    if (events !== t.events || events.length < t.times.length) return new TraceIndex(events)
    const next = new TraceIndex()
    next.tables = t
    next.extend(events)
    return next
  }

  /** How many events happened at or before `tMs`. */
  countAt(tMs: number): number {
    return Math.min(upperBound(this.tables.times, tMs), this.count)
  }

  /** Run time after the first `shown` events (0 before any). */
  timeOf(shown: number): number {
    return shown <= 0 ? 0 : (this.tables.times[Math.min(shown, this.count) - 1] ?? 0)
  }

  /** The further clients (client2...) whose states the trace has shown so far. */
  extraClients(): ExtraClient[] {
    return EXTRA_CLIENTS.filter((c) => this.tables.stateIdx[c].length > 0)
  }

  /** One end's state after the first `shown` events. */
  endpoint(actor: Endpoint, shown: number): EndpointView {
    const list = this.tables.stateIdx[actor]
    const k = upperBound(list, Math.min(shown, this.count) - 1) - 1
    if (k < 0) return { state: 'CLOSED', lastIndex: -1 }
    const i = list[k]!
    const last = this.tables.events[i] as StateEvent
    return { state: last.to, last, lastIndex: i }
  }

  /** Every state an end passed through up to `shown` (for the diagram's trail). */
  visited(actor: Endpoint, shown: number): Set<TcpState> {
    const out = new Set<TcpState>()
    const end = Math.min(shown, this.count)
    for (const i of this.tables.stateIdx[actor]) {
      if (i >= end) break
      const e = this.tables.events[i] as StateEvent
      out.add(e.from)
      out.add(e.to)
    }
    return out
  }

  /** The latest teaching note among the first `shown` events. */
  lastNote(shown: number): { note: NoteEvent; index: number } | undefined {
    const notes = this.tables.noteIdx
    const k = upperBound(notes, Math.min(shown, this.count) - 1) - 1
    if (k < 0) return undefined
    const index = notes[k]!
    return { note: this.tables.events[index] as NoteEvent, index }
  }

  /**
   * The params of a step's note events, by note key: the values (`{s}`, `{n}`, `{errno}`) its
   * notes are rendered with. Reads only the note events, a handful per run.
   */
  stepNoteParams(step: number): Record<string, Record<string, string | number>> {
    const out: Record<string, Record<string, string | number>> = {}
    for (const i of this.tables.noteIdx) {
      if (i >= this.count) break
      const e = this.tables.events[i] as NoteEvent
      if (e.step === step && e.params) out[e.key] = e.params
    }
    return out
  }

  /** Index of a step's syscall event, or -1 when the call never returned. */
  syscallIndex(step: number): number {
    const at = this.tables.syscallOf.get(step)
    return at !== undefined && at < this.count ? at : -1
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
