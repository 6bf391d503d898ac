/**
 * The simulator's virtual clock and its agenda: a binary heap of timed callbacks ordered by
 * (time, insertion order), so two events at the same instant always run in the order they
 * were scheduled and a run never depends on the host's clock.
 */

/** A scheduled callback; `cancel()` it instead of removing it from the heap (lazy deletion). */
export interface Timer {
  readonly at: number
  cancelled: boolean
}

interface Entry extends Timer {
  seq: number
  fn: () => void
}

/** Discrete-event agenda with a virtual clock in milliseconds. */
export class EventQueue {
  private heap: Entry[] = []
  private seq = 0
  /** The virtual time of the event being processed. */
  now = 0
  /** Events run so far (the bench's events-per-second figure). */
  processed = 0

  /** Runs `fn` after `delayMs` of virtual time (0: after everything already due now). */
  schedule(delayMs: number, fn: () => void): Timer {
    const entry: Entry = {
      at: this.now + Math.max(0, delayMs),
      seq: this.seq++,
      fn,
      cancelled: false,
    }
    this.push(entry)
    return entry
  }

  /** Runs `fn` at an absolute virtual time (never in the past). */
  scheduleAt(at: number, fn: () => void): Timer {
    return this.schedule(at - this.now, fn)
  }

  /** Time of the next live event, or `undefined` when the agenda is empty. */
  peekTime(): number | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop()
    return this.heap[0]?.at
  }

  /** Advances the clock to the next live event and runs it; false when none is left. */
  step(): boolean {
    for (;;) {
      const entry = this.pop()
      if (!entry) return false
      if (entry.cancelled) continue
      this.now = entry.at
      this.processed++
      entry.fn()
      return true
    }
  }

  private push(entry: Entry): void {
    const h = this.heap
    h.push(entry)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!less(h[i]!, h[parent]!)) break
      ;[h[i], h[parent]] = [h[parent]!, h[i]!]
      i = parent
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap
    if (h.length === 0) return undefined
    const top = h[0]!
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && less(h[l]!, h[m]!)) m = l
        if (r < h.length && less(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    return top
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
