/**
 * The receiving side of a connection's stream: bytes at rcv.nxt go to the application's
 * buffer; bytes and a FIN beyond it wait in the out-of-order queue until the gap before them
 * fills (RFC 9293 3.10.7.4 "seventh"; Linux tcp_data_queue_ofo, BSD tcp_reass). The queue
 * is bounded by the window: what lies beyond rcv.nxt + window is dropped, as the window's
 * right edge never moves left.
 */
import { FIN, type Segment } from '../world'
import { addRange } from './ranges'
import type { Tcb } from './tcb'

/** What an arriving segment did to the stream. */
export interface Arrival {
  /** It carried data, new or not: it is acknowledged. */
  data: boolean
  /** The FIN is now in order (this segment's, or one the queue held). */
  fin: boolean
  /**
   * Acknowledge at once: a segment beyond rcv.nxt (the duplicate ACK with SACK that tells the
   * sender what is missing) or one that fills a gap (RFC 5681 4.2; Linux ICSK_ACK_NOW, BSD
   * TF_ACKNOW), also when a FIN comes out of the queue.
   */
  now: boolean
}

/** Takes the data and FIN of an acceptable segment; `wnd` is the window before it arrived. */
export function receive(s: Tcb, seg: Segment, wnd: number): Arrival {
  const out: Arrival = { data: seg.len > 0, fin: false, now: false }
  let fin = seg.flags & FIN ? seg.seq + seg.len : -1
  const edge = s.rcvNxt + wnd
  if (seg.len > 0) {
    const start = Math.max(seg.seq, s.rcvNxt)
    const stop = Math.min(seg.seq + seg.len, edge)
    if (stop < seg.seq + seg.len) fin = -1 // cut at the window: the FIN is not taken either
    if (stop > start) {
      if (start === s.rcvNxt) {
        s.rcvQueued += stop - start
        s.rcvNxt = stop
        if (s.ofo.length > 0) {
          drain(s)
          out.now = true
        }
      } else {
        addRange(s.ofo, start, stop)
        s.ofoLast = start
        out.now = true
      }
    }
  }
  if (fin >= 0 && fin > s.rcvNxt && fin < Math.max(edge, s.rcvNxt + 1)) {
    // A FIN beyond rcv.nxt is held with the data (Linux queues the skb, BSD tcp_reass keeps
    // its flags) and answered at once like any out-of-order segment.
    s.ofoFin = fin
    addRange(s.ofo, fin, fin + 1)
    if (seg.len === 0) s.ofoLast = fin
    out.now = true
  } else if (fin === s.rcvNxt) out.fin = true
  if (!out.fin && s.ofoFin >= 0 && s.ofoFin === s.rcvNxt) {
    out.fin = true
    out.now = true
  }
  if (out.fin) s.ofoFin = -1
  return out
}

/** Moves what the queue holds at rcv.nxt into the application's buffer. */
function drain(s: Tcb): void {
  const q = s.ofo
  let k = 0
  while (k < q.length && q[k]![0] <= s.rcvNxt) {
    const end = q[k]![1]
    // A held FIN is the last sequence number of its range; it is not a byte to read.
    const dataEnd = s.ofoFin >= 0 && end === s.ofoFin + 1 ? s.ofoFin : end
    if (dataEnd > s.rcvNxt) {
      s.rcvQueued += dataEnd - s.rcvNxt
      s.rcvNxt = dataEnd
    }
    k++
  }
  q.splice(0, k)
}
