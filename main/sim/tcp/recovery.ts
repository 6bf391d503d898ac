/**
 * Loss recovery before the retransmission timer: what the receiver holds (its SACK blocks and
 * cumulative ACK) tells the sender which segments are lost, and it repeats them at once, by
 * the profile's rule (`lossDetection`): Linux's RACK (RFC 8985) or duplicate-ACK counting
 * (RFC 5681 fast retransmit, RFC 6675, RFC 5827 early retransmit). No congestion window is
 * kept (decision 004): the holes are repeated together, and new data is not held back.
 */
import { ACK, FIN, RST, SYN, type Segment } from '../world'
import { dropAcked, highestSacked, markSacked } from './ranges'
import { SENDS } from './states'
import type { Tcb } from './tcb'
import { armRtx } from './timers'

/**
 * A duplicate ACK (RFC 5681 2): it acknowledges nothing new, carries no data, SYN or FIN,
 * leaves the window as it was, and data is outstanding. Asked before the ACK is processed.
 */
export function isDupAck(s: Tcb, seg: Segment): boolean {
  return (
    seg.ack === s.sndUna &&
    seg.len === 0 &&
    !(seg.flags & (SYN | FIN | RST)) &&
    seg.win === s.sndWnd &&
    s.sndMax > s.sndUna
  )
}

/**
 * An acceptable ACK was processed (snd.una is its ack): record what was delivered, find the
 * segments it shows lost, and repeat them.
 */
export function ackArrived(s: Tcb, seg: Segment, dup: boolean): void {
  const now = s.world.q.now
  // A repeated range acknowledged sooner than any RTT seen may be the first copy's delivery.
  const minRtt = Number.isFinite(s.minRtt) ? s.minRtt : 0
  let delivered = dropAcked(s.sent, s.sndUna, now, minRtt)
  if (seg.sack)
    for (const [a, b] of seg.sack)
      delivered = Math.max(delivered, markSacked(s.sent, Math.max(a, s.sndUna), b, now, minRtt))
  if (delivered > s.rackN) s.rackN = delivered
  s.dupAcks = dup ? s.dupAcks + 1 : 0
  if (s.recoverySeq >= 0 && s.sndUna >= s.recoverySeq) s.recoverySeq = -1
  // After an RTO the Loss rule decides what is sent (output.ts inLoss), and while the sender
  // goes back over what it sent (snd.nxt below snd.max) output() repeats the holes itself.
  if (s.sent.length === 0 || s.rtoLoss || s.sndNxt < s.sndMax) return
  if (!SENDS[s.state] || s.host.down) return
  const lost = lostRanges(s)
  if (lost.length === 0) return
  if (s.recoverySeq < 0) {
    s.recoverySeq = s.sndMax
    s.recoveryN = s.xmits
  }
  repeat(s, lost)
}

/**
 * The ranges the profile's rule finds lost now, as [seq, end) pairs. Plain loops: this runs on
 * every acceptable ACK, and closures per call showed in the engine's profile.
 */
function lostRanges(s: Tcb): [number, number][] {
  const rule = s.world.profile.lossDetection
  const lost: [number, number][] = []
  const sent = s.sent
  switch (rule.kind) {
    case 'rack':
      // Lost: sent before the last-sent transmission known delivered (Linux tcp_rack_detect_loss
      // with a zero reordering window; a repeat is sent after it and waits for a newer one).
      for (const r of sent) if (!r.sacked && r.n < s.rackN) lost.push([r.seq, r.end])
      return lost
    case 'dupack': {
      const recovering = s.recoverySeq >= 0
      if (!recovering && s.dupAcks < dupThreshold(s, rule.threshold, rule.earlyRetransmit))
        return lost
      // The head and every hole below the highest SACKed byte, each once per recovery (RFC
      // 6675 NextSeg; a partial ACK exposes the next head, as NewReno repeats it).
      const before = recovering ? s.recoveryN : s.xmits
      const high = highestSacked(sent)
      for (const r of sent)
        if (!r.sacked && r.n <= before && (r.seq === s.sndUna || r.end <= high))
          lost.push([r.seq, r.end])
      return lost
    }
    default: {
      const never: never = rule
      throw new Error(`unknown loss detection rule ${JSON.stringify(never)}`)
    }
  }
}

/**
 * The duplicate ACKs that start a fast retransmit. RFC 5827 early retransmit (XNU
 * tcp_early_rexmt_check): with fewer than four segments in flight and nothing new to send,
 * one less than the segments in flight, at least one.
 */
function dupThreshold(s: Tcb, threshold: number, early: boolean): number {
  if (!early) return threshold
  const inFlight = s.sndMax - s.sndUna
  const segs = Math.ceil(inFlight / s.world.mss)
  const sent = Math.min(s.sndMax, s.writeSeq) - s.sndUna
  const canSend = Math.min(s.writeSeq - s.sndUna, s.sndWnd) - sent > 0
  if (segs >= 4 || canSend) return threshold
  return Math.min(threshold, Math.max(1, segs - 1))
}

/**
 * Sends the lost ranges again, adjacent ones together up to a segment (Linux
 * tcp_retrans_try_collapse, sysctl tcp_retrans_collapse = 1; measured: two lost 1000-byte
 * sends were repeated as one of 2000 bytes); the head's repeat restarts the retransmission
 * timer.
 */
function repeat(s: Tcb, lost: [number, number][]): void {
  const finSeq = s.finQueued ? s.finSeq : -1
  const mss = s.world.mss
  const merged: [number, number][] = []
  for (const [seq, end] of lost) {
    const last = merged[merged.length - 1]
    if (last && last[1] === seq && end - last[0] <= mss && end !== finSeq + 1) last[1] = end
    else merged.push([seq, end])
  }
  let head = false
  for (const [seq, end] of merged) {
    const dataEnd = end === finSeq + 1 ? finSeq : end
    if (dataEnd > seq) s.emit(ACK, seq, dataEnd - seq, true)
    if (dataEnd < end) s.emit(FIN | ACK, finSeq, 0, true)
    if (seq === s.sndUna) head = true
    // Karn: an RTT sample that a repeat covers can no longer be told apart.
    if (s.rttSample && s.rttSample.seq > seq) s.rttSample = null
  }
  // Linux tcp_retransmit_skb starts retrans_stamp (the data give-up budget) at any
  // retransmission, and re-arms the RTO when the head goes out again (tcp_xmit_retransmit_queue;
  // BSD's fast retransmit clears TCPT_REXMT and tcp_output sets it from now).
  if (s.retransStamp < 0) s.retransStamp = s.world.q.now
  if (head) armRtx(s, 'data', s.rtoCur)
}
