/**
 * Sequence ranges for the out-of-order queue and SACK (RFC 2018): the ranges a receiver holds
 * beyond rcv.nxt and the blocks it reports, and a sender's record of what it sent and what the
 * receiver said it holds. Pure functions over arrays, so the TCB (tcb.ts) can use them without
 * importing tcp/'s machinery (main/sim/imports.test.ts forbids import circles).
 */

/** [start, end) in sequence space. */
export type SeqRange = [number, number]

/** SACK blocks one segment carries: 3 beside the timestamp option (Linux, RFC 2018 3). */
const MAX_SACK_BLOCKS = 3

/** Adds [start, end) to the sorted, disjoint `ranges`, merged with what it touches or overlaps. */
export function addRange(ranges: SeqRange[], start: number, end: number): void {
  let i = 0
  while (i < ranges.length && ranges[i]![1] < start) i++
  let lo = start
  let hi = end
  let j = i
  while (j < ranges.length && ranges[j]![0] <= end) {
    lo = Math.min(lo, ranges[j]![0])
    hi = Math.max(hi, ranges[j]![1])
    j++
  }
  ranges.splice(i, j - i, [lo, hi])
}

/**
 * The SACK blocks for held `ranges`: the one holding `last` (the segment received most
 * recently) first, as RFC 2018 asks, then the others in sequence order. Fresh arrays: the
 * trace keeps them while the queue changes.
 */
export function sackBlocks(ranges: readonly SeqRange[], last: number): SeqRange[] {
  const first = ranges.find(([a, b]) => last >= a && last < b)
  const out: SeqRange[] = first ? [[first[0], first[1]]] : []
  for (const r of ranges) {
    if (out.length >= MAX_SACK_BLOCKS) break
    if (r !== first) out.push([r[0], r[1]])
  }
  return out
}

/** One piece of the sequence space a sender has sent and that is not acknowledged yet. */
export interface SentRange {
  seq: number
  end: number
  /** Order of its last transmission on the connection (1, 2, ...). */
  n: number
  /** When it was last sent (virtual ms). */
  at: number
  /** It was sent more than once. */
  rtx: boolean
  /** The receiver reported holding it (SACK). */
  sacked: boolean
}

/** Splits the range that straddles `x`, so that a range boundary falls on `x`. */
function splitAt(sent: SentRange[], x: number): void {
  for (let i = 0; i < sent.length; i++) {
    const r = sent[i]!
    if (r.seq >= x) return
    if (r.end > x) {
      sent.splice(i + 1, 0, { ...r, seq: x })
      r.end = x
      return
    }
  }
}

/**
 * Records the `n`th transmission, of [seq, end) at `at`: past what was sent so far it is a
 * new range; otherwise it repeats the ranges it covers (split at its edges).
 */
export function noteSent(sent: SentRange[], seq: number, end: number, n: number, at: number): void {
  const last = sent[sent.length - 1]
  const top = last ? last.end : seq
  if (seq < top) {
    splitAt(sent, seq)
    splitAt(sent, Math.min(end, top))
    for (const r of sent) {
      if (r.seq >= end) break
      if (r.end <= seq) continue
      r.n = n
      r.at = at
      r.rtx = true
    }
  }
  if (end > top) sent.push({ seq: Math.max(seq, top), end, n, at, rtx: false, sacked: false })
}

/**
 * The order of a delivered range's last transmission, or 0 when the delivery may have been of
 * an earlier copy: a repeated range acknowledged sooner than the smallest RTT seen after its
 * last transmission (RFC 8985 6.2 step 2; Linux tcp_rack_advance).
 */
function deliveredOrder(r: SentRange, now: number, minRtt: number): number {
  // Less by more than the clock's nanosecond: 100.1 - 100 is 0.0999999... in floating point.
  return r.rtx && now - r.at < minRtt - 1e-6 ? 0 : r.n
}

/**
 * Drops the ranges acknowledged by `una` (trimming one it cuts); returns the highest
 * transmission order among those delivered whole (0: none).
 */
export function dropAcked(sent: SentRange[], una: number, now: number, minRtt: number): number {
  let top = 0
  let k = 0
  while (k < sent.length && sent[k]!.end <= una) {
    const r = sent[k]!
    if (!r.sacked) top = Math.max(top, deliveredOrder(r, now, minRtt))
    k++
  }
  if (k > 0) sent.splice(0, k)
  const head = sent[0]
  if (head && head.seq < una) head.seq = una
  return top
}

/**
 * Marks [start, end) as held by the receiver; returns the highest transmission order among the
 * ranges newly marked (0: none).
 */
export function markSacked(
  sent: SentRange[],
  start: number,
  end: number,
  now: number,
  minRtt: number,
): number {
  if (end <= start) return 0
  splitAt(sent, start)
  splitAt(sent, end)
  let top = 0
  for (const r of sent) {
    if (r.seq >= end) break
    if (r.seq < start || r.sacked) continue
    r.sacked = true
    top = Math.max(top, deliveredOrder(r, now, minRtt))
  }
  return top
}

/** Where the run of held (SACKed) ranges that covers `seq` ends; `seq` when none covers it. */
export function sackedEnd(sent: readonly SentRange[], seq: number): number {
  let at = seq
  for (const r of sent) {
    if (r.end <= at) continue
    if (r.seq > at || !r.sacked) break
    at = r.end
  }
  return at
}

/** The start of the first held range at or after `seq` (Infinity: none). */
export function nextSacked(sent: readonly SentRange[], seq: number): number {
  for (const r of sent) if (r.sacked && r.end > seq) return Math.max(r.seq, seq)
  return Infinity
}

/** The end of the highest held range (0: nothing held). */
export function highestSacked(sent: readonly SentRange[]): number {
  for (let i = sent.length - 1; i >= 0; i--) if (sent[i]!.sacked) return sent[i]!.end
  return 0
}
