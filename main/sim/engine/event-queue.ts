/**
 * The simulator's virtual clock and its agenda: a binary heap of timed callbacks ordered by
 * (time, insertion order), so two events at the same instant always run in the order they
 * were scheduled and a run never depends on the host's clock. An event is either a timer or
 * a wire event (a segment or ICMP error arriving): once a run's actors are done, only wire
 * events run (the timing rule's "delivered and answered first, but no timer is run further").
 */

/** A scheduled callback. */
export interface Timer {
  readonly at: number
  readonly cancelled: boolean
  /** Stops it from running (idempotent). */
  cancel(): void
}

class Entry implements Timer {
  cancelled = false
  /** Still in the heap (a cancelled entry there may be revived). */
  queued = true
  /** When it should really run: later than `at` once moved by {@link EventQueue.rearm}. */
  due: number

  constructor(
    public at: number,
    public seq: number,
    readonly fn: (arg: unknown) => void,
    readonly arg: unknown,
    private readonly queue: EventQueue,
    /** A segment or ICMP error arriving, not a timer. */
    readonly wire: boolean,
  ) {
    this.due = at
  }

  cancel(): void {
    if (this.cancelled) return
    this.cancelled = true
    if (this.queued) this.queue.onCancel()
  }
}

/** Discrete-event agenda with a virtual clock in milliseconds. */
export class EventQueue {
  private heap: Entry[] = []
  private seq = 0
  /** Cancelled entries still in the heap (lazy deletion). */
  private dead = 0
  /** The virtual time of the event being processed. */
  now = 0
  /** Events run so far (the bench's events-per-second figure). */
  processed = 0

  /** Runs `fn` after `delayMs` of virtual time (0: after everything already due now). */
  schedule(delayMs: number, fn: () => void): Timer {
    return this.scheduleWith(delayMs, fn, undefined)
  }

  /**
   * Re-arms a timer for `delayMs` from now, reusing its entry (even a cancelled one) when that
   * only moves it later: the entry stays where it is and is moved when its old time comes.
   * Retransmission timers are re-armed on every ACK; without this each ACK would add a heap
   * entry and leave a dead one behind. Returns the timer now armed (the same, or a new one).
   */
  rearm<A>(timer: Timer | null, delayMs: number, fn: (arg: A) => void, arg: A): Timer {
    const e = timer as Entry | null
    const at = this.timeAfter(delayMs)
    if (e && e.queued && e.fn === fn && e.arg === arg && at >= e.at) {
      if (e.cancelled) {
        e.cancelled = false
        this.dead--
      }
      e.due = at
      return e
    }
    e?.cancel()
    return this.add(delayMs, fn, arg, false)
  }

  /** Runs `fn(arg)` after `delayMs` (a timer that needs no closure of its own). */
  scheduleWith<A>(delayMs: number, fn: (arg: A) => void, arg: A): Timer {
    return this.add(delayMs, fn, arg, false)
  }

  /**
   * A wire event: `fn(arg)` runs after `delayMs`, when a segment or ICMP error in flight
   * arrives. Unlike timers, these still run in {@link EventQueue.stepWire}.
   */
  deliver<A>(delayMs: number, fn: (arg: A) => void, arg: A): void {
    this.add(delayMs, fn, arg, true)
  }

  private add<A>(delayMs: number, fn: (arg: A) => void, arg: A, wire: boolean): Entry {
    const entry = new Entry(
      this.timeAfter(delayMs),
      this.seq++,
      fn as (arg: unknown) => void,
      arg,
      this,
      wire,
    )
    this.push(entry)
    return entry
  }

  /**
   * The time `delayMs` from now, in whole nanoseconds (sums of 0.05 ms link delays would
   * otherwise print as 0.15000000000000002). A positive delay always moves the clock, by a
   * nanosecond at least: a timer re-armed for "the rest" of a floating-point remainder must
   * not fire at the same instant forever.
   */
  private timeAfter(delayMs: number): number {
    const at = Math.round((this.now + Math.max(0, delayMs)) * 1e6) / 1e6
    return delayMs > 0 && at <= this.now ? Math.round((this.now + 1e-6) * 1e6) / 1e6 : at
  }

  /** Runs `fn` at an absolute virtual time (never in the past). */
  scheduleAt(at: number, fn: () => void): Timer {
    return this.schedule(at - this.now, fn)
  }

  /** Time of the next live event, or `undefined` when the agenda is empty. */
  peekTime(): number | undefined {
    const h = this.heap
    while (h.length > 0 && (h[0]!.cancelled || h[0]!.due > h[0]!.at)) this.settleTop()
    return h.length > 0 ? h[0]!.at : undefined
  }

  /** Drops a cancelled top entry, or moves a re-armed one to its real time. */
  private settleTop(): void {
    const e = this.pop()!
    if (e.cancelled) {
      e.queued = false
      this.dead--
      return
    }
    e.at = e.due
    e.seq = this.seq++
    this.push(e)
  }

  /** Advances the clock to the next live event and runs it; false when none is left. */
  step(): boolean {
    for (;;) {
      const top = this.heap[0]
      if (!top) return false
      if (top.cancelled || top.due > top.at) {
        this.settleTop()
        continue
      }
      const entry = this.pop()!
      entry.queued = false
      this.now = entry.at
      this.processed++
      entry.fn(entry.arg)
      return true
    }
  }

  /**
   * The time of the next wire event due no later than `until`, or `undefined`. Timers due
   * before it are dropped on the way: this is only used once the run's actors are done, when
   * no timer is run further.
   */
  nextWire(until: number): number | undefined {
    for (;;) {
      const top = this.heap[0]
      if (!top || top.at > until) return undefined
      if (top.cancelled || top.due > top.at) this.settleTop()
      else if (top.wire) return top.at
      else {
        this.pop()
        top.queued = false
      }
    }
  }

  /** Runs the next wire event due no later than `until` (see nextWire); false when none is. */
  stepWire(until: number): boolean {
    if (this.nextWire(until) === undefined) return false
    const entry = this.pop()!
    entry.queued = false
    this.now = entry.at
    this.processed++
    entry.fn(entry.arg)
    return true
  }

  /**
   * A timer was cancelled. Retransmission timers are re-armed on every ACK, so a long transfer
   * would otherwise fill the heap with dead entries and slow every push and pop: once they are
   * the majority, rebuild the heap from the live ones (amortised O(1); order is unchanged, since
   * it depends only on (at, seq)).
   */
  onCancel(): void {
    this.dead++
    if (this.dead > 32 && this.dead * 2 > this.heap.length) {
      for (const e of this.heap) if (e.cancelled) e.queued = false
      const live = this.heap.filter((e) => !e.cancelled)
      this.heap = live
      this.dead = 0
      for (let i = (live.length >> 1) - 1; i >= 0; i--) this.siftDown(i, live[i]!)
    }
  }

  // Sift with a moving hole instead of swaps: no temporary arrays in the hottest loop.
  private push(entry: Entry): void {
    const h = this.heap
    let i = h.length
    h.push(entry)
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = h[parent]!
      if (!less(entry, p)) break
      h[i] = p
      i = parent
    }
    h[i] = entry
  }

  private pop(): Entry | undefined {
    const h = this.heap
    if (h.length === 0) return undefined
    const top = h[0]!
    const last = h.pop()!
    if (h.length > 0) this.siftDown(0, last)
    return top
  }

  /** Places `entry` at hole `i` or below it. */
  private siftDown(i: number, entry: Entry): void {
    const h = this.heap
    const size = h.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= size) break
      const r = l + 1
      const m = r < size && less(h[r]!, h[l]!) ? r : l
      if (!less(h[m]!, entry)) break
      h[i] = h[m]!
      i = m
    }
    h[i] = entry
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
