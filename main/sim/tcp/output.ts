/**
 * The output side of a connection: sending what the window and buffers allow (data, then the
 * FIN once all data is out), queueing the FIN, and the timers that watch what was sent: the
 * retransmission timer while data is in flight, the persist timer while the peer's window is
 * shut (Linux keeps tcp_send_probe0 in tcp_output.c for the same reason).
 */
import { ACK, FIN, PSH } from '../world'
import { highestSacked, nextSacked, sackedEnd } from './ranges'
import { SENDS } from './states'
import type { Tcb } from './tcb'
import { armRtx, giveUpNow, stopRtx } from './timers'

/** Sends what the window and buffers allow: data, then the FIN once all data is out. */
export function output(s: Tcb): void {
  if (s.host.down || !SENDS[s.state]) return
  if (inLoss(s)) {
    afterOutput(s)
    return
  }
  const mss = s.world.mss
  while (s.sndNxt < s.writeSeq) {
    // Going back over what was sent (after an RTO), what the receiver holds is skipped
    // (RFC 6675; Linux tcp_xmit_retransmit_queue passes SACKed skbs by).
    if (s.sndNxt < s.sndMax && skipHeld(s)) continue
    let can = Math.min(mss, s.writeSeq - s.sndNxt, s.sndUna + s.sndWnd - s.sndNxt)
    if (can <= 0) break
    const retransmit = s.sndNxt < s.sndMax
    if (retransmit) can = Math.min(can, nextSacked(s.sent, s.sndNxt) - s.sndNxt)
    else if (can < mss && can === s.writeSeq - s.sndNxt && !s.finQueued && nagleHolds(s)) break
    if (!retransmit && can < mss) s.sndSml = s.sndNxt + can
    if (!retransmit && s.rttSample === null)
      s.rttSample = { seq: s.sndNxt + can, at: s.world.q.now }
    if (s.sndNxt === s.sndUna && !retransmit) s.headSentAt = s.world.q.now
    s.emit(ACK | PSH, s.sndNxt, can, retransmit)
    s.sndNxt += can
    s.sndMax = Math.max(s.sndMax, s.sndNxt)
  }
  if (s.finQueued && s.sndNxt === s.finSeq && !(s.sndNxt < s.sndMax && skipHeld(s))) {
    const retransmit = s.sndNxt < s.sndMax
    if (s.sndNxt === s.sndUna && !retransmit) s.headSentAt = s.world.q.now
    s.emit(FIN | ACK, s.finSeq, 0, retransmit)
    s.sndNxt = s.finSeq + 1
    s.sndMax = Math.max(s.sndMax, s.sndNxt)
  }
  afterOutput(s)
}

/**
 * Nagle (profile `nagle`): a short last segment waits while an earlier short one is
 * unacknowledged (Linux, Minshall's variant) or while anything is (classic). A FIN queued
 * behind it goes at once (the caller checks), so does a retransmission.
 */
function nagleHolds(s: Tcb): boolean {
  return s.world.profile.nagle === 'minshall'
    ? s.sndSml > s.sndUna && s.sndSml <= s.sndNxt
    : s.sndMax > s.sndUna
}

/**
 * Whether the connection is in Linux's Loss state: a retransmission timeout went off
 * (tcp_retransmit_timer -> tcp_enter_loss) and nothing was acknowledged since. tcp_enter_loss
 * marks every outstanding segment lost and sets cwnd to packets in flight + 1, so once the
 * head is retransmitted the one segment in flight fills the window and tcp_write_xmit's
 * tcp_cwnd_test sends nothing else: no new data, and no FIN that close() queued meanwhile
 * (tcp_send_fin only queues it and pushes; it leaves when cwnd allows). Only the timer's
 * retransmissions of the head go out until an ACK advances snd.una (ackAdvances clears
 * `rtoLoss`, tcp_try_undo_loss / tcp_process_loss end the state). A tail-loss probe is no
 * RTO (tcp_send_loss_probe keeps the Open state), a fast retransmit enters Recovery, not Loss
 * (recovery.ts), and the persist timer's probes are not retransmissions: none starts it. Measured with the
 * kernel lab: a close() between RTOs during a cut sends no FIN; it follows the ACK of the
 * data retransmitted after the heal. Every profile applies it: RFC 5681 3.1 sets cwnd to one
 * segment (the loss window) after a retransmission timeout for every TCP.
 */
function inLoss(s: Tcb): boolean {
  return s.rtoLoss
}

/** Moves snd.nxt past the held (SACKed) ranges it stands on; true when it moved. */
function skipHeld(s: Tcb): boolean {
  const end = sackedEnd(s.sent, s.sndNxt)
  if (end === s.sndNxt) return false
  s.sndNxt = end
  return true
}

/** Queues the FIN (close or shutdown(SHUT_WR)) and moves to the closing state. */
export function queueFin(s: Tcb): void {
  if (s.finQueued) return
  s.finQueued = true
  s.finSeq = s.writeSeq
  s.wrShut = true
  if (s.state === 'ESTABLISHED' || s.state === 'SYN_RCVD')
    s.setState('FIN_WAIT_1', 'call close/shutdown')
  else if (s.state === 'CLOSE_WAIT') s.setState('LAST_ACK', 'call close/shutdown')
  output(s)
}

/** After sending: keep a timer running while data is in flight, persist when the window is shut. */
function afterOutput(s: Tcb): void {
  const inFlight = s.sndNxt > s.sndUna
  if (inFlight) {
    if (!s.rtx) armDataTimer(s)
    // The window opened: the next shut window is a new episode (tcp_ack_probe).
    s.persistStartedAt = -1
    if (s.persist) {
      s.persist.cancel()
      s.persist = null
    }
    return
  }
  if (s.rtx && (s.rtxKind === 'data' || s.rtxKind === 'tlp')) stopRtx(s)
  if (s.sndNxt < s.writeSeq && s.sndUna + s.sndWnd <= s.sndNxt && !s.persist) armPersist(s)
}

function armDataTimer(s: Tcb): void {
  const p = s.world.profile.data
  // Linux schedules the probe only in the Open state: not during a recovery, nor once the
  // receiver has SACKed something (tcp_schedule_loss_probe: icsk_ca_state).
  const open = s.recoverySeq < 0 && highestSacked(s.sent) === 0
  if (p.tailLossProbe && s.retransmits === 0 && !s.tlpDone && open) {
    // Linux tcp_schedule_loss_probe: PTO = 2 x SRTT (at least 10 ms), plus the delayed-ACK
    // allowance when a single segment is in flight, never later than the RTO itself. In any
    // state with something in flight: a FIN alone after close() is probed too (the kernel lab
    // measured a lost FIN repeated at +208 ms, +212 ms, +432 ms; fuzz seed 7 #284).
    const srtt = s.srtt ?? s.rto
    let pto = Math.max(2 * srtt, 10)
    if (s.sndNxt - s.sndUna <= s.world.mss) pto += p.minRtoMs
    armRtx(s, 'tlp', Math.min(pto, s.rto))
    return
  }
  armRtx(s, 'data', s.retransmits === 0 ? s.rto : s.rtoCur)
}

/** The program's limit on a shut window (profile `userTimeout.zeroWindow`), virtual ms; 0: none. */
function zeroWindowLimit(s: Tcb): number {
  if (!s.world.profile.userTimeout.zeroWindow) return 0
  return s.userTimeoutMs * s.host.timerScale
}

function armPersist(s: Tcb): void {
  if (s.persistRto === 0) s.persistRto = s.rto
  let delay = s.persistRto * s.host.timerScale
  const limit = zeroWindowLimit(s)
  if (limit > 0 && s.persistStartedAt >= 0) {
    // tcp_clamp_probe0_to_user_timeout: no later than the limit, at least TCP_TIMEOUT_MIN.
    const left = limit - (s.world.q.now - s.persistStartedAt)
    const min = 2 * Math.max(1, s.world.profile.data.timerTickMs) * s.host.timerScale
    delay = Math.min(delay, Math.max(left, min))
  }
  s.persist = s.world.q.schedule(delay, () => onPersist(s))
}

function onPersist(s: Tcb): void {
  s.persist = null
  if (s.host.down || s.sndNxt > s.sndUna || s.sndNxt >= s.writeSeq) return
  if (s.sndUna + s.sndWnd > s.sndNxt) {
    s.persistStartedAt = -1
    output(s)
    return
  }
  // Linux tcp_probe_timer: with TCP_USER_TIMEOUT, a window shut that long since the first
  // probe ends the connection, answered probes or not (5.11+).
  const limit = zeroWindowLimit(s)
  const now = s.world.q.now
  if (s.persistStartedAt < 0) s.persistStartedAt = now
  // (1e-6: the clamped timer lands on the limit up to float rounding of the clock.)
  else if (limit > 0 && now - s.persistStartedAt >= limit - 1e-6) {
    s.world.trace.note(
      'user-timeout',
      { ms: s.userTimeoutMs, elapsedMs: Math.round((now - s.persistStartedAt) * 10) / 10 },
      s.host.endpoint ?? undefined,
    )
    giveUpNow(s, 'data', s.softErr ?? s.world.profile.errors.timeout)
    return
  }
  // Linux tcp_probe_timer: unanswered probes beyond retries2 kill the connection; answered
  // ones (a live receiver with a full buffer) never do.
  if (s.persistProbes >= s.world.timers.retries2) {
    giveUpNow(s, 'data', s.softErr ?? s.world.profile.errors.timeout)
    return
  }
  s.persistProbes++
  s.emit(ACK, s.sndUna - 1, 0)
  s.world.trace.note('persist-probe', { n: s.persistProbes }, s.host.endpoint ?? undefined)
  s.persistRto = Math.min(s.persistRto * 2, s.world.profile.data.maxRtoMs)
  armPersist(s)
}
