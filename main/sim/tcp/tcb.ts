/**
 * One TCP endpoint's control block (RFC 9293's TCB): its state, sequence space, buffers,
 * pending error and timers, and the output primitives every part of tcp/ shares (state
 * changes, building segments, the end of a connection). Its fields are for main/sim/tcp/
 * only: everyone else holds a {@link TcpSocket} (socket.ts), whose methods are implemented in
 * socket-impl.ts on top of input.ts, output.ts, timers.ts and close.ts. This file imports none
 * of those, so the folder has no import circle: what a TCB needs from its host's socket table
 * is the small {@link SocketTable} interface below.
 */
import type { ErrnoName } from '../../../shared/errno'
import type { TcpState } from '../../../shared/lab-result'
import type { NoteKey } from '../../../shared/notes'
import type { Timer } from '../engine/event-queue'
import { unreachable } from '../never'
import { ACK, FIN, RST, SYN, type HostId, type Segment } from '../world'
import { noteSent, sackBlocks, type SeqRange, type SentRange } from './ranges'
import type { ErrorWhy, PendingError, ShutdownHow, SocketHost, TcpSocket } from './socket'

/** What the retransmission timer is currently waiting for. */
export type RtxKind = 'syn' | 'synack' | 'data' | 'tlp' | 'refused'

/** The host's socket table, as a TCB sees it (implemented in stack.ts). */
export interface SocketTable {
  /** Registers the socket for demultiplexing (a listener by port, a connection by 4-tuple). */
  bind(t: Tcb): void
  unbind(t: Tcb): void
  /** A new socket with the next free descriptor (a listener's child). */
  spawn(): Tcb
  /** The socket this host's actor is shown with in the trace's state events. */
  shown: Tcb | null
}

/** A TCP socket's control block; the methods the application calls are in socket-impl.ts. */
export abstract class Tcb implements TcpSocket {
  state: TcpState = 'CLOSED'
  localPort = 0
  remoteHost: HostId = 'server'
  remotePort = 0
  /** Registered in the host's demultiplexing table. */
  bound = false

  // Send sequence space (relative: ISN 0, so the first data byte is 1).
  iss = 0
  sndUna = 0
  sndNxt = 0
  /** Highest sequence number sent so far (retransmissions stay below it). */
  sndMax = 0
  /** The end of the last segment shorter than the MSS sent (Linux snd_sml, Nagle). */
  sndSml = 0
  sndWnd = 0
  /** Sequence number after the last byte the application wrote. */
  writeSeq = 1
  /** The application asked for a FIN (close/shutdown); it goes at `finSeq`. */
  finQueued = false
  finSeq = 0

  // Receive side.
  irs = 0
  rcvNxt = 0
  /** Bytes received and not yet read by the application. */
  rcvQueued = 0
  /** Window last advertised (to send an update when reading opens a closed window). */
  advertised = 0
  /** A FIN arrived (Linux SOCK_DONE). */
  finReceived = false
  /**
   * The out-of-order queue: ranges received beyond rcv.nxt, sorted and merged, waiting for the
   * gap before them (a FIN held there takes its one sequence number).
   */
  ofo: SeqRange[] = []
  /** The sequence number of a FIN held in `ofo` (-1: none). */
  ofoFin = -1
  /** Where the out-of-order segment received last starts (its SACK block goes first). */
  ofoLast = -1
  /** RCV_SHUTDOWN / SEND_SHUTDOWN (shutdown(), close(), or the connection's death). */
  rdShut = false
  wrShut = false

  /** Pending error (sk_err), reported once to the next call (or every call, when sticky). */
  err: ErrnoName | null = null
  /** The teaching note that explains `err` (attached to the call that reports it). */
  errWhy: ErrorWhy | null = null
  /** The connection's error has been reported to a call (Linux reports it only once). */
  errReported = false
  /** Soft error (sk_err_soft) from ICMP, reported only if the connection then times out. */
  softErr: ErrnoName | null = null
  /** An ICMP error waits on the error queue (Linux ip_icmp_error; poll() says POLLERR). */
  errQueued = false
  /** The application closed it (or died): nobody will read or write it again. */
  orphan = false
  keepaliveOn = false

  /** What our last segment acknowledged (its ACK field), and the delayed ACK waiting, if any. */
  ackedTo = 0
  /** When a retransmitted SYN in SYN_RCVD was last answered (tcp_oow_rate_limited). */
  synRepliedAt = -Infinity
  delack: Timer | null = null

  // Retransmission.
  rtx: Timer | null = null
  rtxKind: RtxKind | null = null
  /** The last stopped retransmission timer, which the next arm may reuse (EventQueue.rearm). */
  rtxSpare: Timer | null = null
  retransmits = 0
  /** Timeout to use when the retransmission timer is next armed. */
  rtoCur = 1000
  /** RFC 6298 state. */
  srtt: number | null = null
  rttvar = 0
  rto = 1000
  rttSample: { seq: number; at: number } | null = null
  /** Our SYN or SYN-ACK went out more than once: Karn's rule forbids timing the handshake. */
  synRepeated = false
  /**
   * RFC 7323 timestamps are in use: offered in our SYN (the profile's `timestamps`), kept when
   * the peer's SYN or SYN-ACK carries them too.
   */
  tsOk = false
  /** TS.Recent: the peer's TSval our segments echo (-1: none yet). */
  tsRecent = -1
  /** The smallest RTT sample so far (RACK's min RTT). */
  minRtt = Infinity
  /** A tail-loss probe was sent in this loss episode. */
  tlpDone = false
  /** What was sent and is not acknowledged yet, per range, with what the receiver holds. */
  sent: SentRange[] = []
  /** Data and FIN transmissions so far (orders them for RACK). */
  xmits = 0
  /** RACK: the order of the last-sent transmission known delivered (RFC 8985 RACK.xmit_ts). */
  rackN = 0
  /** Duplicate ACKs in a row (RFC 5681). */
  dupAcks = 0
  /** Fast recovery lasts until snd.una reaches this (-1: not recovering). */
  recoverySeq = -1
  /** Transmissions up to this order went out before the recovery began. */
  recoveryN = 0
  /** A retransmission timeout fired and nothing was acknowledged since (output.ts inLoss). */
  rtoLoss = false
  /** When the oldest unacknowledged data was first sent. */
  headSentAt = 0
  /** When the head was last retransmitted on a timeout (RFC 6069's revert counts from it). */
  rtxAt = 0
  /**
   * When the first timer-driven retransmission of this loss episode went out (Linux
   * `retrans_stamp`, set in tcp_retransmit_skb; a tail-loss probe does not set it): where the
   * time-based data give-up budget starts. -1 while nothing was retransmitted.
   */
  retransStamp = -1
  /**
   * The program's retransmission time limit in ms as its OS counts it (lab step
   * `usertimeout`, profile `userTimeout`; already rounded up to seconds where the OS counts
   * seconds); 0: none.
   */
  userTimeoutMs = 0
  startedAt = 0
  /** connect() blocks in the call (a program's) rather than returning EINPROGRESS (the relay's). */
  blockingConnect = true
  /** A non-blocking connect() returned EINPROGRESS: nobody waits in the call (notes). */
  inProgress = false
  /** SYNs sent by this connection attempt (the first one comes from connect() itself). */
  synsSent = 0
  refusedRetries = 0
  deadline: Timer | null = null

  persist: Timer | null = null
  persistProbes = 0
  persistRto = 0
  /** When the first window probe of this zero-window episode went out (Linux icsk_probes_tstamp); -1: none. */
  persistStartedAt = -1
  ka: Timer | null = null
  kaProbes = 0
  lastRcvAt = 0
  stateTimer: Timer | null = null

  /**
   * SO_REUSEADDR was on when it was bound (Linux sk_reuse); an accepted connection inherits
   * its listener's, and a connection in TIME_WAIT keeps it (tw_reuse).
   */
  reuse = false

  // Listener / child.
  backlog = 0
  acceptQueue: Tcb[] = []
  children = new Set<Tcb>()
  parent: Tcb | null = null

  constructor(
    readonly host: SocketHost,
    readonly table: SocketTable,
    readonly fd: number,
  ) {
    this.rto = host.world.profile.data.initialRtoMs
  }

  abstract accept(): TcpSocket | null
  abstract write(max: number): number
  abstract read(max: number): number
  abstract shutdown(how: ShutdownHow): void
  abstract markShutdown(how: ShutdownHow): void
  abstract close(): void
  abstract abort(): void
  abstract reset(): void
  abstract enableKeepalive(): void
  abstract setUserTimeout(ms: number): void

  get world() {
    return this.host.world
  }

  get unread(): number {
    return this.rcvQueued
  }

  /** Bytes in the send buffer (unacknowledged plus unsent). */
  get sendQueued(): number {
    return this.writeSeq - Math.max(this.sndUna, this.iss + 1)
  }

  /** Free space in the send buffer. */
  get sendSpace(): number {
    return Math.max(0, this.host.world.profile.buffers.send - this.sendQueued)
  }

  /** The window we advertise: free space in the receive buffer. */
  get rcvWnd(): number {
    return Math.max(0, this.host.world.profile.buffers.receive - this.rcvQueued)
  }

  takeError(consume = true): PendingError | null {
    const errno = this.err
    if (!errno) return null
    const r: PendingError = { errno, why: this.errWhy }
    if (consume) {
      this.err = null
      this.errReported = true
    }
    return r
  }

  abandon(err: ErrnoName | null, why: ErrorWhy | null): void {
    this.done(err, 'call shutdown', why)
  }

  takeSoftError(): ErrnoName | null {
    const e = this.softErr
    this.softErr = null
    return e
  }

  get queued(): number {
    return this.acceptQueue.length
  }

  disconnect(): void {
    this.rdShut = false
    this.wrShut = false
    this.finReceived = false
  }

  /** Changes state; records it when this socket is the one its actor is shown with. */
  setState(to: TcpState, cause: string): void {
    const from = this.state
    if (from === to) return
    this.state = to
    const { host } = this
    if (host.endpoint && this.table.shown === this)
      host.world.trace.emit({
        tMs: host.world.q.now,
        type: 'state',
        actor: host.endpoint,
        from,
        to,
        cause,
      })
    host.changed()
  }

  /** Builds and transmits a segment from this socket. */
  emit(flags: number, seq: number, len: number, retransmit = false): void {
    const seg: Segment = {
      src: this.host.id,
      dst: this.remoteHost,
      sport: this.localPort,
      dport: this.remotePort,
      seq,
      ack: flags & ACK ? this.rcvNxt : 0,
      flags,
      len,
      win: this.rcvWnd,
      retransmit,
    }
    if (this.tsOk) {
      seg.tsVal = tsClock(this.host.world.q.now)
      if (flags & ACK) seg.tsEcr = this.tsRecent
    }
    // What we hold beyond rcv.nxt rides on every ACK (Linux adds SACK blocks to every segment).
    if (this.ofo.length > 0 && flags & ACK && !(flags & RST))
      seg.sack = sackBlocks(this.ofo, this.ofoLast)
    if ((len > 0 || flags & FIN) && !(flags & (SYN | RST)))
      noteSent(
        this.sent,
        seq,
        seq + len + (flags & FIN ? 1 : 0),
        ++this.xmits,
        this.host.world.q.now,
      )
    if (flags & ACK) {
      this.advertised = seg.win
      // Whatever leaves carries the ACK a delayed ACK was waiting to send.
      this.ackedTo = seg.ack
      this.delack?.cancel()
      this.delack = null
    }
    this.host.transmit(seg)
  }

  /** A pure ACK of what we have received. */
  sendAck(): void {
    this.emit(ACK, this.sndNxt, 0)
  }

  /** RST for this connection (abort, close with unread data, data after close). */
  sendReset(): void {
    this.emit(RST | ACK, this.sndNxt, 0)
  }

  sendSyn(retransmit: boolean): void {
    this.synsSent++
    if (retransmit) this.synRepeated = true
    this.emit(SYN, this.iss, 0, retransmit)
    this.sndNxt = this.iss + 1
    this.sndMax = Math.max(this.sndMax, this.sndNxt)
  }

  sendSynAck(retransmit: boolean): void {
    if (retransmit) this.synRepeated = true
    this.emit(SYN | ACK, this.iss, 0, retransmit)
    this.sndNxt = this.iss + 1
    this.sndMax = Math.max(this.sndMax, this.sndNxt)
  }

  /** RFC 6298 2.2-2.3, with the profile's floor and ceiling. */
  sampleRtt(r: number): void {
    const { minRtoMs, maxRtoMs, rtoRule, timerTickMs } = this.world.profile.data
    if (r < this.minRtt) this.minRtt = r
    if (this.srtt === null) {
      this.srtt = r
      this.rttvar = r / 2
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r)
      this.srtt = 0.875 * this.srtt + 0.125 * r
    }
    const rto =
      rtoRule === 'linux'
        ? this.srtt + Math.max(4 * this.rttvar, minRtoMs)
        : Math.max(minRtoMs, this.srtt + 4 * this.rttvar)
    const ticked = timerTickMs > 0 ? Math.ceil(rto / timerTickMs) * timerTickMs : rto
    this.rto = Math.min(maxRtoMs, ticked)
  }

  /** Cancels every timer of this socket. */
  stopTimers(): void {
    for (const t of [this.rtx, this.persist, this.ka, this.stateTimer, this.deadline, this.delack])
      t?.cancel()
    this.rtx = this.persist = this.ka = this.stateTimer = this.deadline = this.rtxSpare = null
    this.delack = null
    this.rtxKind = null
  }

  /**
   * The connection is over (RFC "delete the TCB"): CLOSED, timers off, unsent data dropped,
   * both directions shut (Linux tcp_done sets SHUTDOWN_MASK). `err` is what the application
   * will be told, if anyone is still there to hear it.
   */
  done(err: ErrnoName | null, cause: string, why: ErrorWhy | null = null): void {
    this.stopTimers()
    if (err && !this.orphan) {
      this.err = err
      this.errWhy = why
    }
    this.rdShut = true
    this.wrShut = true
    this.writeSeq = Math.max(this.sndUna, this.iss + 1)
    this.setState('CLOSED', cause)
    this.table.unbind(this)
  }

  /**
   * A listener's child that never became a connection dies (RST, SYN-ACK retries exhausted,
   * the listener closed): back to the listener, silently (a request sock, not a socket).
   */
  dropChild(cause: string): void {
    const l = this.parent
    this.stopTimers()
    this.setState(l && l.state === 'LISTEN' ? 'LISTEN' : 'CLOSED', cause)
    this.state = 'CLOSED'
    this.table.unbind(this)
    if (l) {
      l.children.delete(this)
      if (this.table.shown === this) this.table.shown = l
    }
  }
}

/**
 * The timestamp clock (RFC 7323 TSval): whole milliseconds, as Linux's default clock
 * (tcp_time_stamp_ms; microseconds only on routes with the tcp_usec_ts feature).
 */
export function tsClock(now: number): number {
  return Math.floor(now)
}

/** RFC 9293 3.10.7.1: the RST that answers a segment for no connection (never for an RST). */
export function resetFor(host: SocketHost, seg: Segment): void {
  if (seg.flags & RST) return
  const len = seg.len + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0)
  host.transmit({
    src: host.id,
    dst: seg.src,
    sport: seg.dport,
    dport: seg.sport,
    seq: seg.flags & ACK ? seg.ack : 0,
    ack: seg.flags & ACK ? 0 : seg.seq + len,
    flags: seg.flags & ACK ? RST : RST | ACK,
    len: 0,
    win: 0,
    retransmit: false,
  })
}

/**
 * The note for how a connection attempt ended: the blocking connect()'s own note, or, when a
 * non-blocking connect() has already returned EINPROGRESS, the one that says the error now
 * waits for poll() and getsockopt(SO_ERROR).
 */
export function connectNote(
  s: Tcb,
  key: 'rst-in-syn-sent' | 'syn-give-up' | 'icmp-soft-connect' | 'icmp-hard' | 'icmp-reported',
): NoteKey {
  if (!s.inProgress) return key
  switch (key) {
    case 'rst-in-syn-sent':
      return 'nb-refused'
    case 'syn-give-up':
      return 'nb-give-up'
    case 'icmp-soft-connect':
      return 'nb-icmp-soft'
    case 'icmp-hard':
    case 'icmp-reported':
      return 'nb-icmp-hard'
    default:
      return unreachable(key, 'connect note')
  }
}
