/**
 * TCP's timers: retransmission (SYN, SYN-ACK, data and FIN, with backoff and the profile's
 * give-up rule), the tail-loss probe, the persist timer against a zero window, keepalive,
 * and the TIME_WAIT / FIN_WAIT_2 timers. Every expiry re-checks the socket's state, because
 * a timer may outlive the situation that armed it.
 */
import type { ErrnoName } from '../../../shared/errno'
import { timeBudgetMs, type RetransmitRule } from '../../../shared/profiles'
import { ACK, FIN, PSH } from '../world'
import { unreachable } from '../never'
import { nextSacked } from './ranges'
import { KEEPALIVE_PROBES } from './states'
import { connectNote, type RtxKind, type Tcb } from './tcb'

/** Arms (or re-arms) the retransmission timer; `delayMs` on the host's timer scale. */
export function armRtx(s: Tcb, kind: RtxKind, delayMs: number): void {
  s.rtxKind = kind
  s.rtx = s.world.q.rearm(s.rtx ?? s.rtxSpare, delayMs * s.host.timerScale, onRtx, s)
  s.rtxSpare = null
}

/** Stops the retransmission timer (its entry is kept for the next arm to reuse). */
export function stopRtx(s: Tcb): void {
  if (s.rtx) {
    s.rtx.cancel()
    s.rtxSpare = s.rtx
  }
  s.rtx = null
  s.rtxKind = null
}

function ruleFor(s: Tcb, kind: RtxKind): { rule: RetransmitRule; retries: number } {
  const { profile, timers } = s.world
  switch (kind) {
    case 'syn':
    case 'refused':
      return { rule: profile.syn, retries: timers.synRetries }
    case 'synack':
      return { rule: profile.synack, retries: timers.synackRetries }
    case 'data':
    case 'tlp':
      // A connection its program closed gives up by the orphan count where the OS has one.
      return {
        rule: profile.data,
        retries:
          s.orphan && profile.orphanRetries !== undefined ? profile.orphanRetries : timers.retries2,
      }
    default:
      return unreachable(kind, 'retransmission timer kind')
  }
}

/**
 * The program's retransmission time limit that applies to this timer, in virtual ms (0: none).
 * A SYN_RCVD child has none (the option is set on a descriptor, which accept() gives later).
 */
function userLimit(s: Tcb, kind: RtxKind): number {
  if (s.userTimeoutMs <= 0 || kind === 'synack' || kind === 'refused') return 0
  return s.userTimeoutMs * s.host.timerScale
}

/**
 * The next retransmission timeout, cut so it fires when the program's limit runs out (Linux
 * 4.19+ tcp_clamp_rto_to_user_timeout: min(RTO, what is left), one jiffy once it has passed).
 */
function clampToUserLimit(s: Tcb, kind: RtxKind, rtoMs: number, startedAt: number): number {
  const limit = userLimit(s, kind)
  if (limit <= 0 || startedAt < 0 || !s.world.profile.userTimeout.clampRto) return rtoMs
  const left = (limit - (s.world.q.now - startedAt)) / s.host.timerScale
  const tick = Math.max(1, s.world.profile.data.timerTickMs)
  if (left <= 0) return tick
  return Math.min(rtoMs, Math.ceil(left / tick) * tick)
}

/** Whether the give-up rule says this expiry is the last (`startedAt` < 0: no budget running yet). */
export function givesUp(s: Tcb, kind: RtxKind, startedAt: number): boolean {
  const { rule, retries } = ruleFor(s, kind)
  const limit = userLimit(s, kind)
  if (limit > 0) {
    // Linux retransmits_timed_out: the program's limit counts from retrans_stamp (data: the
    // first timer-driven retransmission; SYN: the first SYN) and, for data, takes the place
    // of the tcp_retries2 budget; a SYN still also stops at its count (tcp_write_timeout,
    // since 5.4). BSD and Winsock check it beside the count.
    // (1e-6: the clamped timer lands on the limit up to float rounding of the clock.)
    if (startedAt >= 0 && s.world.q.now - startedAt >= limit - 1e-6) return true
    if (kind !== 'syn' && s.world.profile.userTimeout.replacesRetries) return false
  }
  if (rule.giveUp.kind === 'count') return s.retransmits >= retries
  if (startedAt < 0) return false
  // The budget is in the host's own timer time, like the intervals that use it up.
  const budget = timeBudgetMs(retries, rule.giveUp.baseMs, rule.maxRtoMs) * s.host.timerScale
  return s.world.q.now - startedAt >= budget
}

function onRtx(s: Tcb): void {
  const kind = s.rtxKind
  s.rtx = null
  s.rtxKind = null
  if (!kind || s.host.down) return
  switch (kind) {
    case 'tlp':
      lossProbe(s)
      return
    case 'refused':
      // Windows: the target is reachable (it answered RST), so retry without backing off.
      s.sendSyn(true)
      armRtx(s, 'syn', s.rtoCur)
      return
    case 'syn':
      if (s.state !== 'SYN_SENT') return
      // A soft ICMP error kept from the first SYN does not end the connect here: the SYN goes
      // out again and its fate decides (tcp_v4_err, tcp_write_err; docs/kernel-rules.md).
      retransmit(s, kind)
      return
    case 'synack':
      if (s.state === 'SYN_RCVD') retransmit(s, kind)
      return
    case 'data':
      if (s.sndNxt <= s.sndUna && s.sndUna >= s.writeSeq && !s.finQueued) return
      retransmit(s, kind)
      return
    default:
      unreachable(kind, 'retransmission timer kind')
  }
}

/** The tail-loss probe fired: repeat the most recent segment, then wait a full RTO. */
function lossProbe(s: Tcb): void {
  const world = s.world
  s.tlpDone = true
  s.rttSample = null
  if (s.sndNxt <= s.sndUna) return
  // New data waiting (behind Nagle) is the probe; else the most recent segment is repeated,
  // so a lost tail is answered by a SACK/ACK.
  if (sendNewForProbe(s)) {
    // sent
  } else if (s.finQueued && s.sndNxt === s.finSeq + 1) s.emit(FIN | ACK, s.finSeq, 0, true)
  else {
    const end = Math.min(s.sndNxt, s.finQueued ? s.finSeq : s.sndNxt)
    const len = Math.min(world.mss, end - s.sndUna)
    s.emit(ACK, end - len, len, true)
  }
  world.trace.note('tlp', { ms: round(world.q.now - s.headSentAt) }, s.host.endpoint ?? undefined)
  armRtx(s, 'data', s.rto)
}

/**
 * Sends one segment of data written but not yet sent, whatever Nagle says (Linux
 * tcp_send_loss_probe: new data is the best probe, tcp_write_xmit with TCP_NAGLE_OFF); false
 * when there is none or the window does not allow it.
 */
function sendNewForProbe(s: Tcb): boolean {
  const mss = s.world.mss
  if (s.sndNxt < s.sndMax) return false
  const can = Math.min(mss, s.writeSeq - s.sndNxt, s.sndUna + s.sndWnd - s.sndNxt)
  if (can <= 0) return false
  if (can < mss) s.sndSml = s.sndNxt + can
  s.emit(ACK | PSH, s.sndNxt, can, false)
  s.sndNxt += can
  s.sndMax = Math.max(s.sndMax, s.sndNxt)
  return true
}

/** An RTO with something to repeat: give up by the profile's rule, or back off and resend. */
function retransmit(s: Tcb, kind: 'syn' | 'synack' | 'data'): void {
  const world = s.world
  // Data: Linux counts the budget from the first timer-driven retransmission
  // (retransmits_timed_out: nothing retransmitted yet means not timed out), measured in a
  // namespace as a tail-loss probe at 0.2 s, RTOs at 0.4, 0.8, 1.6, 3.2 s and, for
  // tcp_retries2 = 3 (a 3 s budget), ETIMEDOUT at the 6.4 s tick, not the 3.2 s one.
  const startedAt = kind === 'data' ? s.retransStamp : s.startedAt
  if (givesUp(s, kind, startedAt)) {
    const limit = userLimit(s, kind)
    if (limit > 0 && startedAt >= 0 && world.q.now - startedAt >= limit - 1e-6)
      world.trace.note(
        'user-timeout',
        { ms: s.userTimeoutMs, elapsedMs: round(world.q.now - startedAt) },
        s.host.endpoint ?? undefined,
      )
    giveUpNow(s, kind, s.softErr ?? world.profile.errors.timeout)
    return
  }
  const { rule } = ruleFor(s, kind)
  s.retransmits++
  if (s.retransmits > rule.linearTimeouts) s.rtoCur = Math.min(s.rtoCur * 2, rule.maxRtoMs)
  const actor = s.host.endpoint ?? undefined
  switch (kind) {
    case 'syn':
      s.sendSyn(true)
      world.trace.note('syn-retransmit', { n: s.retransmits, nextS: round(s.rtoCur / 1000) }, actor)
      break
    case 'synack':
      s.sendSynAck(true)
      world.trace.note('synack-retransmit', { n: s.retransmits }, actor)
      break
    case 'data':
      // Go back to the oldest unacknowledged byte; ACKs will clock the rest out again.
      s.rttSample = null
      s.sndNxt = s.sndUna
      resendHead(s)
      s.rtxAt = world.q.now
      if (s.retransStamp < 0) s.retransStamp = world.q.now
      // Linux tcp_enter_loss: the Loss state replaces a fast recovery (the SACK record stays).
      s.rtoLoss = true
      s.recoverySeq = -1
      s.dupAcks = 0
      world.trace.note('data-retransmit', { n: s.retransmits, rtoMs: round(s.rtoCur) }, actor)
      break
    default:
      unreachable(kind, 'retransmission timer kind')
  }
  armRtx(
    s,
    kind,
    clampToUserLimit(s, kind, s.rtoCur, kind === 'data' ? s.retransStamp : s.startedAt),
  )
}

/**
 * RFC 6069 (Linux tcp_ld_RTO_revert): a host or net unreachable about the head segment, while
 * it is being retransmitted on timeouts, undoes one backoff: the timer is set again for what
 * is left of the halved timeout since that retransmission, or the head is sent now.
 */
export function revertBackoff(s: Tcb, aboutSeq: number): void {
  if (aboutSeq !== s.sndUna || s.retransmits === 0 || s.rtxKind !== 'data') return
  if (s.rtoCur <= s.rto) return
  s.rtoCur = Math.max(s.rto, s.rtoCur / 2)
  const remaining = s.rtoCur - (s.world.q.now - s.rtxAt)
  if (remaining > 0) armRtx(s, 'data', remaining)
  else armRtx(s, 'data', 0)
}

/** Sends the segment at snd.una again (one segment: the congestion window after an RTO). */
function resendHead(s: Tcb): void {
  const dataEnd = s.finQueued ? s.finSeq : s.writeSeq
  if (s.sndUna < dataEnd) {
    const held = nextSacked(s.sent, s.sndUna) - s.sndUna // stop where the receiver holds data
    const len = Math.min(s.world.mss, dataEnd - s.sndUna, Math.max(1, s.sndWnd), held)
    s.emit(ACK, s.sndUna, len, true)
    s.sndNxt = s.sndUna + len
  } else if (s.finQueued) {
    s.emit(FIN | ACK, s.finSeq, 0, true)
    s.sndNxt = s.finSeq + 1
  }
}

/** The give-up rule fired: the connection dies with `err`. */
export function giveUpNow(s: Tcb, kind: 'syn' | 'synack' | 'data', err: ErrnoName): void {
  const world = s.world
  const actor = s.host.endpoint ?? undefined
  const secs = round((world.q.now - (kind === 'data' ? s.headSentAt : s.startedAt)) / 1000)
  const params = { n: s.retransmits, s: secs, errno: err }
  switch (kind) {
    case 'synack':
      world.trace.note('synack-give-up', { n: s.retransmits, s: secs }, actor)
      s.dropChild('timer SYN-ACK retries exhausted')
      return
    case 'syn': {
      const key = connectNote(s, 'syn-give-up')
      world.trace.note(key, params, actor)
      s.done(err, 'timer SYN retries exhausted', { key, params })
      return
    }
    case 'data':
      world.trace.note('data-give-up', params, actor)
      s.done(err, 'timer retransmissions exhausted', { key: 'data-give-up', params })
      return
    default:
      unreachable(kind, 'give-up kind')
  }
}

/** A wall-clock cut of the handshake (macOS keepinit), armed when the handshake starts. */
export function armDeadline(s: Tcb, rule: RetransmitRule, kind: 'syn' | 'synack'): void {
  if (rule.deadlineMs === undefined) return
  s.deadline = s.world.q.schedule(rule.deadlineMs * s.host.timerScale, () => {
    s.deadline = null
    if (s.host.down) return
    if (
      (kind === 'syn' && s.state === 'SYN_SENT') ||
      (kind === 'synack' && s.state === 'SYN_RCVD')
    ) {
      s.world.trace.note(
        'handshake-deadline',
        { s: round(rule.deadlineMs! / 1000) },
        s.host.endpoint ?? undefined,
      )
      giveUpNow(s, kind, s.softErr ?? s.world.profile.errors.timeout)
    }
  })
}

/** The keepalive idle time, in virtual ms on the host's timer scale. */
export function keepaliveIdleMs(s: Tcb): number {
  return s.world.timers.keepalive.idleS * 1000 * s.host.timerScale
}

/** Schedules the next keepalive check `delayMs` (virtual, already scaled) from now. */
export function armKeepalive(s: Tcb, delayMs: number): void {
  s.ka?.cancel()
  s.ka = s.world.q.schedule(delayMs, () => onKeepalive(s))
}

function onKeepalive(s: Tcb): void {
  s.ka = null
  if (!s.keepaliveOn || s.host.down) return
  if (!KEEPALIVE_PROBES[s.state]) return
  const { intervalS, count } = s.world.timers.keepalive
  const idle = keepaliveIdleMs(s)
  // With data outstanding the retransmission timer watches the connection instead.
  if (s.sndNxt > s.sndUna || s.sndNxt < s.writeSeq) {
    armKeepalive(s, idle)
    return
  }
  const elapsed = s.world.q.now - s.lastRcvAt
  if (elapsed < idle) {
    armKeepalive(s, idle - elapsed)
    return
  }
  const actor = s.host.endpoint ?? undefined
  // Linux tcp_keepalive_timer: with TCP_USER_TIMEOUT the connection is dropped once it has
  // been silent that long with a probe out, whatever keepcnt says.
  const limit = s.world.profile.userTimeout.keepalive ? s.userTimeoutMs * s.host.timerScale : 0
  if (limit > 0 ? elapsed >= limit && s.kaProbes > 0 : s.kaProbes >= count) {
    // tcp_keepalive_timer: tcp_send_active_reset() then tcp_write_err().
    s.world.trace.note('keepalive-give-up', { n: s.kaProbes }, actor)
    s.sendReset()
    s.done(s.softErr ?? s.world.profile.errors.timeout, 'timer keepalive probes unanswered', {
      key: 'keepalive-give-up',
      params: { n: s.kaProbes },
    })
    return
  }
  s.kaProbes++
  s.emit(ACK, s.sndUna - 1, 0)
  s.world.trace.note('keepalive-probe', { n: s.kaProbes, count }, actor)
  armKeepalive(s, intervalS * 1000 * s.host.timerScale)
}

/** Enters TIME_WAIT (or restarts its 2 MSL when a FIN is repeated). */
export function enterTimeWait(s: Tcb, cause: string): void {
  s.stopTimers()
  s.setState('TIME_WAIT', cause)
  s.stateTimer = s.world.q.schedule(s.world.profile.timeWaitMs, () => {
    s.stateTimer = null
    s.done(null, 'timer 2MSL')
  })
}

/** An orphaned FIN_WAIT_2 does not wait forever for the peer's FIN (tcp_fin_timeout). */
export function armFinWait2(s: Tcb): void {
  if (!s.orphan || s.stateTimer) return
  s.stateTimer = s.world.q.schedule(s.world.profile.finWait2Ms, () => {
    s.stateTimer = null
    if (s.state === 'FIN_WAIT_2') s.done(null, 'timer FIN_WAIT_2')
  })
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}
