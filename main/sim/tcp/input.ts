/**
 * Segment arrival (RFC 9293 3.10.7 "SEGMENT ARRIVES"), for a listening socket and for a
 * connection, with the Linux details that decide what the application sees: which errno an
 * RST becomes in each state, RST for data that arrives after close(), window updates.
 */
import { unreachable } from '../never'
import { ACK, FIN, RST, SYN, type Segment } from '../world'
import { output } from './output'
import { receive, type Arrival } from './reassembly'
import { ackArrived, isDupAck } from './recovery'
import { ackRtt, noteTimestamp, startTimestamps } from './rtt'
import { connectNote, resetFor, type Tcb } from './tcb'
import { armDeadline, armFinWait2, armRtx, enterTimeWait, stopRtx } from './timers'

/** Linux sysctl net.ipv4.tcp_invalid_ratelimit (ms): answers to out-of-window segments. */
const OOW_RATE_LIMIT_MS = 500

/**
 * Whether a listener's queue is full (profile `acceptQueue.limit`): Linux counts completed
 * connections against backlog + 1, BSD every unaccepted one against 3/2 of the backlog.
 */
function queueFull(l: Tcb): boolean {
  switch (l.world.profile.acceptQueue.limit) {
    case 'backlog+1':
      return l.acceptQueue.length > l.backlog
    case 'bsd':
      return l.children.size > Math.floor((3 * l.backlog) / 2)
    case 'backlog':
      return l.acceptQueue.length >= l.backlog
    default:
      return unreachable(l.world.profile.acceptQueue.limit, 'accept queue limit')
  }
}

/** A segment for a socket in LISTEN. */
export function listenInput(l: Tcb, seg: Segment): void {
  const host = l.host
  if (seg.flags & RST) return
  if (seg.flags & ACK) {
    resetFor(host, seg)
    return
  }
  if (!(seg.flags & SYN)) return
  const world = l.world
  if (queueFull(l)) {
    // Linux and BSD drop the SYN while the queue is full (the client will retransmit it);
    // Winsock refuses it (profile `acceptQueue`).
    const refuse = world.profile.acceptQueue.overflow === 'refuse'
    const note = refuse ? 'backlog-refused' : 'backlog-full'
    world.trace.note(note, { backlog: l.backlog }, host.endpoint ?? undefined)
    if (refuse) resetFor(host, seg)
    return
  }
  const c = l.table.spawn()
  c.parent = l
  l.children.add(c)
  c.localPort = l.localPort
  c.reuse = l.reuse
  c.remoteHost = seg.src
  c.remotePort = seg.sport
  c.irs = seg.seq
  c.rcvNxt = seg.seq + 1
  c.sndWnd = seg.win
  c.startedAt = world.q.now
  c.lastRcvAt = world.q.now
  c.rtoCur = world.profile.synack.initialRtoMs
  startTimestamps(c, seg, world.profile.timestamps)
  c.state = 'LISTEN'
  l.table.bind(c)
  // The server is shown with the connection being made from its first SYN on.
  l.table.shown = c
  c.setState('SYN_RCVD', 'rcv SYN')
  c.rttSample = { seq: c.iss + 1, at: world.q.now }
  c.sendSynAck(false)
  armRtx(c, 'synack', c.rtoCur)
  armDeadline(c, world.profile.synack, 'synack')
}

/** A segment for a connection (any state but LISTEN and CLOSED). */
export function connInput(s: Tcb, seg: Segment): void {
  const world = s.world
  s.lastRcvAt = world.q.now
  if (s.state === 'SYN_SENT') {
    synSentInput(s, seg)
    return
  }
  // 0. A pure retransmitted SYN in SYN_RCVD (our SYN-ACK was lost, or the peer's timer fired
  // first) is answered with the SYN-ACK again, at most once per 500 ms (sysctl
  // tcp_invalid_ratelimit), and the SYN-ACK timer restarts from now with its current timeout
  // (Linux tcp_check_req, "Reset timer after retransmitting SYNACK"). The sequence check below
  // would only ACK it, and the client would wait for its own next SYN (fuzzer, seed 1 #34).
  if (s.state === 'SYN_RCVD' && seg.flags === SYN && seg.seq === s.irs) {
    if (world.q.now - s.synRepliedAt >= OOW_RATE_LIMIT_MS) {
      s.synRepliedAt = world.q.now
      s.sendSynAck(true)
      armRtx(s, 'synack', s.rtoCur)
    }
    return
  }
  // 1. Sequence check. A zero-length segment is acceptable at rcv.nxt or inside the window;
  // data must bring something new: at rcv.nxt (even into a shut window, to be acknowledged),
  // or beyond it inside the window, for the out-of-order queue (reassembly.ts).
  const wnd = s.rcvWnd
  const seqOk =
    seg.len === 0
      ? seg.seq === s.rcvNxt || (wnd > 0 && seg.seq > s.rcvNxt && seg.seq < s.rcvNxt + wnd)
      : (seg.seq <= s.rcvNxt && seg.seq + seg.len > s.rcvNxt) ||
        (wnd > 0 && seg.seq > s.rcvNxt && seg.seq < s.rcvNxt + wnd)
  const finOnly = seg.len === 0 && seg.flags & FIN && seg.seq === s.rcvNxt
  if (!seqOk && !finOnly) {
    if (seg.flags & RST) return
    if (s.state === 'TIME_WAIT' && seg.flags & FIN) enterTimeWait(s, 'rcv FIN again')
    // Keepalive and window probes (seq = rcv.nxt - 1) are answered here, as RFC 9293 says.
    s.sendAck()
    return
  }
  // 2. RST (profile `rstCheck`: RFC 5961 3.2 resets only at the exact sequence number and
  // answers any other in-window RST with a challenge ACK; a handshake not yet accepted by a
  // listener takes any in-window RST, Linux tcp_check_req).
  if (seg.flags & RST) {
    if (!rstAccepted(s, seg)) {
      s.sendAck()
      return
    }
    resetArrives(s)
    return
  }
  // 3. SYN in a synchronized state.
  if (seg.flags & SYN) {
    if (s.state === 'SYN_RCVD' && seg.seq === s.irs) s.sendSynAck(true)
    else s.sendAck() // RFC 5961 challenge ACK
    return
  }
  if (!(seg.flags & ACK)) return
  noteTimestamp(s, seg)
  // 4. ACK.
  if (s.state === 'SYN_RCVD') {
    if (seg.ack <= s.sndUna || seg.ack > s.sndMax) {
      resetFor(s.host, seg)
      return
    }
    if (!completePassive(s)) return // accept queue full: the ACK is dropped
    s.setState('ESTABLISHED', 'rcv ACK')
  }
  if (seg.ack > s.sndMax) {
    s.sendAck()
    return
  }
  s.persistProbes = 0
  s.kaProbes = 0
  if (world.profile.softErrorClear === 'any-ack' && seg.ack >= s.sndUna) s.softErr = null
  const dup = isDupAck(s, seg)
  if (seg.ack > s.sndUna) ackAdvances(s, seg)
  s.sndWnd = seg.win
  if (s.state === 'CLOSED') return
  // What the ACK and its SACK blocks say was delivered; lost segments are repeated at once.
  if (seg.ack >= s.sndUna) ackArrived(s, seg, dup)
  const finAcked = s.finQueued && s.sndUna > s.finSeq
  if (finAcked) {
    if (s.state === 'FIN_WAIT_1') {
      s.setState('FIN_WAIT_2', 'rcv ACK of FIN')
      armFinWait2(s)
    } else if (s.state === 'CLOSING') {
      enterTimeWait(s, 'rcv ACK of FIN')
      return
    } else if (s.state === 'LAST_ACK') {
      s.done(null, 'rcv ACK of FIN')
      return
    }
  }
  // 5. Data, at rcv.nxt or into the out-of-order queue (a FIN is held there too).
  let arrival: Arrival = { data: false, fin: false, now: false }
  const st = s.state
  if (st === 'ESTABLISHED' || st === 'FIN_WAIT_1' || st === 'FIN_WAIT_2') {
    if (seg.len > 0) {
      if (
        st !== 'ESTABLISHED' &&
        s.rdShut &&
        (s.orphan || world.profile.dataAfterShutRd === 'reset')
      ) {
        // New data for a socket the application has closed (or, on Linux, shut for reading)
        // cannot be delivered to anyone: abort with RST. Linux resets its own socket too
        // (tcp_reset): a program that still holds it gets ECONNRESET from its next call
        // (fuzz seed 7 #116, measured).
        const actor = s.host.endpoint ?? undefined
        s.sendReset()
        if (s.orphan) {
          world.trace.note('rst-data-after-close', undefined, actor)
          s.done(null, 'rcv data after close')
        } else {
          const params = { errno: world.profile.errors.rstOther }
          world.trace.note('rst-data-after-shutdown', params, actor)
          s.done(params.errno, 'rcv data after shutdown', {
            key: 'rst-data-after-shutdown',
            params,
          })
        }
        return
      }
    }
    arrival = receive(s, seg, wnd)
  } else if (seg.flags & FIN && seg.seq + seg.len === s.rcvNxt) arrival.fin = true
  let needAck = arrival.data || arrival.now
  // 6. FIN (only when everything before it has been received).
  if (arrival.fin) {
    s.rcvNxt += 1
    s.finReceived = true
    // Linux acknowledges a FIN that arrives in ESTABLISHED on the delayed-ACK timer (tcp_fin
    // enters pingpong mode), unless more than a segment's worth waits to be acknowledged
    // (__tcp_ack_snd_check); data or our own FIN sent meanwhile carries the ACK instead.
    // The timer waits `ato`: TCP_ATO_MIN (40 ms) once data has arrived, but 0 on a connection
    // that never received any (only the first data sets icsk_ack.ato: tcp_event_data_recv),
    // which fires at the next timer tick: 4 ms at HZ=250, as the kernel lab measured.
    // A FIN that fills a gap, or comes out of the queue, is acknowledged at once (RFC 5681 4.2;
    // measured: 0.02 ms after the repeated data that filled the gap before a held FIN).
    const delay = world.profile.finAckDelayMs
    const canWait = !arrival.now && s.rcvNxt - s.ackedTo <= world.mss + 1
    if (s.state === 'ESTABLISHED' && delay > 0 && canWait) {
      const gotData = s.rcvNxt - s.irs > 2 // the SYN and the FIN take one sequence number each
      delayAck(s, gotData ? delay : Math.max(world.profile.data.timerTickMs, 1))
    } else s.sendAck()
    needAck = false
    switch (s.state) {
      case 'ESTABLISHED':
        s.setState('CLOSE_WAIT', 'rcv FIN')
        break
      case 'FIN_WAIT_1':
        if (s.sndUna > s.finSeq) enterTimeWait(s, 'rcv FIN')
        else s.setState('CLOSING', 'rcv FIN')
        break
      case 'FIN_WAIT_2':
        enterTimeWait(s, 'rcv FIN')
        break
      // RFC 9293 3.10.7.4 "eighth": CLOSE_WAIT, CLOSING, LAST_ACK and TIME_WAIT remain (a
      // repeated FIN in TIME_WAIT is out of window and handled with the sequence check above).
      // Not reached: SYN_RCVD became ESTABLISHED at the ACK above, and a listener gets no
      // connection's segments (SYN_SENT and CLOSED returned above).
      case 'CLOSE_WAIT':
      case 'CLOSING':
      case 'LAST_ACK':
      case 'TIME_WAIT':
      case 'SYN_RCVD':
      case 'LISTEN':
        break
      default:
        unreachable(s.state, 'TCP state')
    }
  }
  if (needAck) s.sendAck()
  output(s)
}

function synSentInput(s: Tcb, seg: Segment): void {
  const world = s.world
  if (seg.flags & ACK && seg.ack !== s.iss + 1) {
    if (!(seg.flags & RST)) resetFor(s.host, seg)
    return
  }
  if (seg.flags & RST) {
    if (!(seg.flags & ACK)) return
    const actor = s.host.endpoint ?? undefined
    const retry = world.profile.refusedRetryMs
    if (retry !== null && s.refusedRetries < world.timers.synRetries) {
      s.refusedRetries++
      world.trace.note('refused-retry', { n: s.refusedRetries, ms: retry }, actor)
      armRtx(s, 'refused', retry)
      return
    }
    const key = connectNote(s, 'rst-in-syn-sent')
    world.trace.note(key, undefined, actor)
    s.done(world.profile.errors.rstInSynSent, 'rcv RST', { key })
    return
  }
  if (!(seg.flags & SYN)) return
  s.irs = seg.seq
  s.rcvNxt = seg.seq + 1
  s.sndWnd = seg.win
  startTimestamps(s, seg, s.tsOk)
  if (seg.flags & ACK) {
    // Linux passes the SYN-ACK through tcp_ack too: a soft error of the first SYN is forgotten.
    if (world.profile.softErrorClear === 'any-ack') s.softErr = null
    ackAdvances(s, seg)
    s.deadline?.cancel()
    s.deadline = null
    s.setState('ESTABLISHED', 'rcv SYN-ACK')
    s.sendAck()
    output(s)
    return
  }
  // Simultaneous open (RFC 9293 Figure 8): answer with SYN-ACK from SYN_RCVD.
  s.setState('SYN_RCVD', 'rcv SYN')
  s.sendSynAck(true)
  armRtx(s, 'synack', world.profile.synack.initialRtoMs)
}

/** `seg` acknowledges new data: RTT sample (rtt.ts), timers reset, send buffer space freed. */
function ackAdvances(s: Tcb, seg: Segment): void {
  const now = s.world.q.now
  const ack = seg.ack
  // BSD forgets a soft error when an ACK gives an RTT sample (tcp_xmit_timer).
  if (ackRtt(s, seg) && s.world.profile.softErrorClear === 'rtt-sample') s.softErr = null
  s.sndUna = ack
  if (s.sndNxt < s.sndUna) s.sndNxt = s.sndUna
  s.retransmits = 0
  s.retransStamp = -1
  s.rtoLoss = false
  s.tlpDone = false
  s.rtoCur = s.rto
  s.persistRto = 0
  s.headSentAt = now
  stopRtx(s)
}

/** Whether an in-window RST resets the connection (profile `rstCheck`, RFC 5961 3.2). */
function rstAccepted(s: Tcb, seg: Segment): boolean {
  if (s.world.profile.rstCheck === 'window' || s.parent) return true
  if (seg.seq === s.rcvNxt) return true
  // Linux tcp_reset_check: RCV.NXT - 1 once the peer's FIN is in (CLOSE_WAIT, LAST_ACK,
  // CLOSING); and the right edge of the highest SACK block we hold.
  const afterFin = s.state === 'CLOSE_WAIT' || s.state === 'LAST_ACK' || s.state === 'CLOSING'
  if (afterFin && seg.seq === s.rcvNxt - 1) return true
  return s.ofo.length > 0 && seg.seq === Math.max(...s.ofo.map(([, end]) => end))
}

/** RFC 9293 3.10.7.4 "second, check the RST bit", with Linux's errno per state. */
function resetArrives(s: Tcb): void {
  const { profile, trace } = s.world
  const actor = s.host.endpoint ?? undefined
  switch (s.state) {
    case 'SYN_RCVD':
      if (s.parent) {
        s.dropChild('rcv RST')
        return
      }
      trace.note(connectNote(s, 'rst-in-syn-sent'), undefined, actor)
      s.done(profile.errors.rstInSynSent, 'rcv RST', { key: connectNote(s, 'rst-in-syn-sent') })
      return
    case 'ESTABLISHED':
    case 'FIN_WAIT_1':
    case 'FIN_WAIT_2':
      // Still in the accept queue: no program holds it, so no call of theirs is "next".
      trace.note(
        s.parent ? 'rst-in-accept-queue' : 'rst-received',
        { errno: profile.errors.rstOther },
        actor,
      )
      s.done(profile.errors.rstOther, 'rcv RST', { key: 'rst-received' })
      return
    case 'CLOSE_WAIT':
      trace.note('rst-in-close-wait', { errno: profile.errors.rstInCloseWait }, actor)
      s.done(profile.errors.rstInCloseWait, 'rcv RST', { key: 'rst-in-close-wait' })
      return
    // The connection is over anyway. SYN_SENT has its own rule (synSentInput), and LISTEN
    // and CLOSED sockets get no connection's segments.
    case 'CLOSING':
    case 'LAST_ACK':
    case 'TIME_WAIT':
    case 'SYN_SENT':
    case 'LISTEN':
    case 'CLOSED':
      s.done(null, 'rcv RST')
      return
    default:
      unreachable(s.state, 'TCP state')
  }
}

/** The handshake completed: queue the child for accept(); false when the queue is full. */
function completePassive(c: Tcb): boolean {
  const l = c.parent
  if (!l) return true
  // Linux checks again when the final ACK arrives (tcp_v4_syn_recv_sock: exit_overflow); BSD
  // made the socket at the SYN (sonewconn) and only moves it to the completed queue.
  if (l.world.profile.acceptQueue.limit !== 'bsd' && queueFull(l)) return false
  l.acceptQueue.push(c)
  c.world.trace.note('handshake-done', { fd: c.fd }, c.host.endpoint ?? undefined)
  return true
}

/**
 * Sends an ACK after `ms` (on the host's timer scale) unless a segment that carries it leaves
 * first (Tcb.emit).
 */
function delayAck(s: Tcb, ms: number): void {
  if (s.delack) return
  s.delack = s.world.q.schedule(ms * s.host.timerScale, () => {
    s.delack = null
    if (!s.host.down && s.ackedTo < s.rcvNxt && s.state !== 'CLOSED') s.sendAck()
  })
}
