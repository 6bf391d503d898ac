/**
 * Round-trip time samples (RFC 6298) and the timestamps that supply them where Karn's rule
 * forbids timing a segment (RFC 7323): which ACK gives a sample, of what, and the TS.Recent a
 * connection echoes. The RTT decides the RTO and the tail-loss probe's delay, so a sample taken
 * or missed changes when a lost segment is repeated (fuzz seed 17 #455: a client whose SYN was
 * repeated had, on Linux, an RTT from the SYN-ACK's echo of its SYN, and probed a lost byte
 * 204 ms after sending it, where a simulator without timestamps waited a second).
 */
import type { Segment } from '../world'
import { tsClock, type Tcb } from './tcb'

/**
 * Timestamps for a connection that a SYN or SYN-ACK is setting up: in use when we offer them
 * (our SYN carried them, or our profile would) and the peer's segment carries them too; its
 * TSval is the first TS.Recent. Linux keeps this value through a repeated SYN in SYN_RCVD
 * (tcp_check_req answers a pure retransmitted SYN before it updates req->ts_recent), so a
 * repeated SYN-ACK echoes the SYN that made the request.
 */
export function startTimestamps(s: Tcb, seg: Segment, offered: boolean): void {
  s.tsOk = offered && seg.tsVal !== undefined
  if (s.tsOk && seg.tsVal !== undefined) s.tsRecent = seg.tsVal
}

/**
 * RFC 7323 4.3 (Linux tcp_replace_ts_recent): an acceptable segment that starts at or before
 * what we last acknowledged (Linux rcv_wup), with a TSval no older than TS.Recent, sets it. So
 * a delayed ACK echoes the earliest segment it covers, and an ACK of a repeat echoes the repeat.
 */
export function noteTimestamp(s: Tcb, seg: Segment): void {
  if (!s.tsOk || seg.tsVal === undefined) return
  if (seg.seq <= s.ackedTo && seg.tsVal >= s.tsRecent) s.tsRecent = seg.tsVal
}

/**
 * Karn's rule (RFC 6298 3; Linux FLAG_RETRANS_DATA_ACKED): an ACK to `ack` covers something
 * that was sent more than once (our SYN or SYN-ACK, or data), so when it left is unknown.
 */
function coversRepeat(s: Tcb, ack: number): boolean {
  if (s.synRepeated && s.sndUna === s.iss && ack > s.iss) return true
  for (const r of s.sent) {
    if (r.seq >= ack) break
    if (r.rtx) return true
  }
  return false
}

/**
 * Takes the RTT sample an ACK that moves snd.una to `seg.ack` gives, if any; true when it did.
 * Linux (tcp_clean_rtx_queue, tcp_ack_update_rtt): the time since the timed segment was sent,
 * unless the ACK covers a repeat; then, with timestamps, now - TSecr in whole milliseconds and
 * at least 1 ms (tcp_rtt_tsopt_us); without them, none. The server's sample from the ACK of a
 * repeated SYN-ACK follows the same rule (tcp_synack_rtt_meas).
 */
export function ackRtt(s: Tcb, seg: Segment): boolean {
  const { ack } = seg
  const now = s.world.q.now
  const timed = s.rttSample
  const reached = timed !== null && ack >= timed.seq
  if (reached) s.rttSample = null
  if (!coversRepeat(s, ack)) {
    if (!reached) return false
    s.sampleRtt(now - timed.at)
    return true
  }
  if (!s.tsOk || seg.tsEcr === undefined) return false
  s.sampleRtt(Math.max(1, tsClock(now) - seg.tsEcr))
  return true
}
