/**
 * The socket calls of a lab script, as a C program on the profile's OS would see them: each
 * call either returns at once or gives a `poll` that the runner asks again after every event
 * until it can return (a blocking call). What a call returns is read from the socket's TCP
 * state and pending error, never decided here per scenario.
 */
import type { ErrnoName } from '../../shared/errno'
import type { Endpoint, Step, StepOf } from '../../shared/lab-script'
import type { NoteKey } from '../../shared/notes'
import type { Host } from './host'
import type { TcpSocket } from './tcp/socket'
import { armDeadline, armFinWait2, armKeepalive, armRtx } from './tcp/timers'

/** What a call returned (written down by main/backend/result.ts). */
export interface CallResult {
  ret?: number
  errno?: ErrnoName
  signal?: 'SIGPIPE'
  /** Teaching notes saying why the call returned this, and the values their texts use. */
  notes?: NoteKey[]
  params?: Record<string, string | number>
}

/** A call in progress: asked again after every event; `wakeAt` schedules a check. */
export interface Pending {
  poll(): CallResult | null
  wakeAt?: number
}

/**
 * A blocking call in progress. A small object rather than a closure per call: a long run makes
 * thousands of calls, and each closure also costs a name definition under tsx.
 */
class BlockingCall implements Pending {
  /** Bytes a send() has copied into the buffer so far. */
  copied = 0

  constructor(
    private readonly program: Program,
    /** The op, and the byte count of a send or recv (read once: steps differ in shape). */
    readonly op: 'accept' | 'connect' | 'send' | 'recv' | 'sleep',
    readonly bytes = 0,
    /** The socket connect() created. */
    readonly sock: TcpSocket | null = null,
    readonly wakeAt?: number,
  ) {}

  poll(): CallResult | null {
    return this.program.resume(this)
  }
}

/** The program of one endpoint: its descriptors. */
export class Program {
  /** The connected socket (client: the last connect; server: the last accepted). */
  sock: TcpSocket | null = null
  listener: TcpSocket | null = null
  /** The connection's descriptor was closed: data calls on it fail with EBADF. */
  closedFd = false
  dead = false
  frozen = false

  constructor(
    readonly actor: Endpoint,
    readonly host: Host,
    /** Where connect() sends its SYN (the server, or the middlebox in front of it). */
    private readonly peer: Host['id'],
  ) {}

  private get world() {
    return this.host.world
  }

  /** The socket later calls act on. */
  private target(): TcpSocket | null {
    return this.sock ?? this.listener
  }

  private note(key: NoteKey): void {
    this.world.trace.note(key, undefined, this.actor)
  }

  /** Starts a call: a result now, or a pending call. */
  start(step: Step): CallResult | Pending {
    switch (step.op) {
      case 'listen':
        return this.listen(step)
      case 'accept':
        return new BlockingCall(this, 'accept')
      case 'connect':
        return this.connect(step)
      case 'send':
        return this.send(step)
      case 'recv':
        return this.recv(step)
      case 'close':
        return this.close()
      case 'shutdown':
        return this.shutdown(step)
      case 'abort':
        return this.abort()
      case 'keepalive':
        return this.keepalive()
      case 'sleep':
        return new BlockingCall(this, 'sleep', 0, null, this.world.q.now + step.ms)
      case 'crash':
        return this.crash(step.mode)
      case 'freeze':
        this.frozen = true
        this.note('frozen')
        return { ret: 0 }
      case 'thaw':
        this.frozen = false
        this.note('thawed')
        return { ret: 0 }
      default:
        return {}
    }
  }

  /** Asks a blocking call again: its result, or null while it must keep waiting. */
  resume(call: BlockingCall): CallResult | null {
    switch (call.op) {
      case 'accept':
        return this.acceptPoll()
      case 'connect':
        return this.connectPoll(call.sock!)
      case 'send':
        return this.sendOnce(call, call.bytes)
      case 'recv':
        return this.recvOnce(call, call.bytes)
      case 'sleep':
        return this.world.q.now >= call.wakeAt! ? { ret: 0 } : null
    }
  }

  private listen(step: StepOf<'listen'>): CallResult {
    if (this.listener && this.listener.state === 'LISTEN') return { ret: 0 }
    const l = this.host.newSocket()
    l.localPort = step.port
    l.backlog = this.world.profile.backlog
    if (!this.host.primary || this.host.primary.state === 'CLOSED') this.host.primary = l
    l.setState('LISTEN', 'call listen')
    this.host.bind(l)
    this.listener = l
    this.closedFd = false
    return { ret: 0 }
  }

  private acceptPoll(): CallResult | null {
    const l = this.listener
    if (!l || l.state !== 'LISTEN') return { ret: -1, errno: 'EINVAL' }
    const c = l.acceptQueue.shift()
    if (!c) return null
    l.children.delete(c)
    c.parent = null
    this.sock = c
    this.closedFd = false
    this.host.primary = c
    return { ret: c.fd, notes: ['accept-returns'] }
  }

  private connect(step: StepOf<'connect'>): Pending {
    const world = this.world
    const s = this.host.newSocket()
    this.sock = s
    this.closedFd = false
    this.host.primary = s
    s.localPort = this.host.ephemeralPort()
    s.remoteHost = this.peer
    s.remotePort = step.port
    s.startedAt = world.q.now
    s.headSentAt = world.q.now
    s.rtoCur = world.profile.syn.initialRtoMs
    this.host.bind(s)
    s.setState('SYN_SENT', 'call connect')
    s.rttSample = { seq: 1, at: world.q.now }
    s.sendSyn(false)
    armRtx(s, 'syn', s.rtoCur)
    armDeadline(s, world.profile.syn, 'syn')
    return new BlockingCall(this, 'connect', 0, s)
  }

  private connectPoll(s: TcpSocket): CallResult | null {
    if (s.err) {
      const r = this.takeError(s)
      s.disconnect()
      return r
    }
    if (s.state === 'SYN_SENT' || s.state === 'SYN_RCVD') return null
    if (s.state === 'CLOSED') return { ret: -1, errno: 'ECONNABORTED' }
    return { ret: 0, notes: ['connect-returns'] }
  }

  /**
   * Reports the socket's pending error, with the note that explains it. POSIX systems report
   * it once (`consume`); Winsock keeps failing every call the same way.
   */
  private takeError(s: TcpSocket, consume = true): CallResult & { errno: ErrnoName } {
    const errno = s.err!
    const r: CallResult & { errno: ErrnoName } = { ret: -1, errno }
    if (s.errWhy) {
      r.notes = [s.errWhy.key]
      r.params = { ...s.errWhy.params, errno }
    }
    if (consume) {
      s.err = null
      s.errReported = true
    }
    return r
  }

  /** An error for a send(), with SIGPIPE where the OS raises it for EPIPE. */
  private sendError(errno: ErrnoName, s?: TcpSocket | null, base: CallResult = {}): CallResult {
    const notes = [...(base.notes ?? [])]
    // The connection had already failed and said so: what is left is the shut socket.
    if (errno !== base.errno && s?.errReported && s.state === 'CLOSED') notes.push('reported-once')
    const r: CallResult = { ...base, ret: -1, errno }
    if (errno === 'EPIPE' && this.world.profile.sigpipe) {
      r.signal = 'SIGPIPE'
      notes.push('sigpipe')
    }
    if (notes.length) r.notes = notes
    return r
  }

  private send(step: StepOf<'send'>): CallResult | Pending {
    const call = new BlockingCall(this, 'send', step.bytes)
    return this.sendOnce(call, step.bytes) ?? call
  }

  /** One attempt of a send(): copy what fits, return when all is copied or it must fail. */
  private sendOnce(call: BlockingCall, bytes: number): CallResult | null {
    const errors = this.world.profile.errors
    const copied = call.copied
    if (this.closedFd) return { ret: -1, errno: 'EBADF' }
    const s = this.target()
    if (!s || s.state === 'LISTEN') return this.sendError(errors.sendNotConnected)
    if (errors.sticky && s.err) return copied ? { ret: copied } : this.takeError(s, false)
    if (errors.sendShutdownBeforeError && s.wrShut)
      return copied ? { ret: copied } : this.sendError('EPIPE', s)
    if (s.err) {
      if (copied) return { ret: copied }
      const r = this.takeError(s)
      return this.sendError(r.errno, s, r)
    }
    if (s.wrShut) return copied ? { ret: copied } : this.sendError(errors.sendAfterShutdown, s)
    if (s.state === 'SYN_SENT' || s.state === 'SYN_RCVD') return null
    if (s.state === 'CLOSED') return this.sendError(errors.sendNotConnected, s)
    const n = Math.min(s.sendSpace, bytes - copied)
    if (n > 0) {
      s.writeSeq += n
      call.copied += n
      s.output()
    }
    if (call.copied === bytes) return { ret: bytes, notes: ['send-buffered'] }
    return null
  }

  private recv(step: StepOf<'recv'>): CallResult | Pending {
    const wakeAt = step.timeoutMs !== undefined ? this.world.q.now + step.timeoutMs : undefined
    const call = new BlockingCall(this, 'recv', step.bytes ?? 65536, null, wakeAt)
    return this.recvOnce(call, call.bytes) ?? call
  }

  /** One attempt of a recv(): data, end of stream, an error, the timeout, or keep waiting. */
  private recvOnce(call: BlockingCall, max: number): CallResult | null {
    const errors = this.world.profile.errors
    if (this.closedFd) return { ret: -1, errno: 'EBADF' }
    const s = this.target()
    if (!s || s.state === 'LISTEN') return { ret: -1, errno: errors.recvNotConnected }
    if (errors.sticky && s.err) return this.takeError(s, false)
    if (s.rcvQueued > 0) {
      const n = Math.min(max, s.rcvQueued)
      const before = s.rcvWnd
      s.rcvQueued -= n
      // Reading reopened a window the sender saw closed (or nearly): tell it.
      if (before < this.world.mss && s.rcvWnd >= this.world.mss && s.state !== 'CLOSED') s.sendAck()
      return { ret: n }
    }
    if (errors.recvFinBeforeError && s.finReceived) return { ret: 0, notes: ['recv-fin'] }
    if (s.err) return this.takeError(s)
    if (s.finReceived) return { ret: 0, notes: ['recv-fin'] }
    if (s.rdShut) return s.errReported ? { ret: 0, notes: ['reported-once'] } : { ret: 0 }
    if (s.state === 'CLOSED') return { ret: -1, errno: errors.recvNotConnected }
    if (call.wakeAt !== undefined && this.world.q.now >= call.wakeAt)
      return { ret: -1, errno: errors.recvTimeout, notes: ['recv-timeout'] }
    return null
  }

  /** close(): FIN after the queued data, or RST when unread data would be lost. */
  private close(): CallResult {
    return this.release('close')
  }

  /**
   * close() or abort(): the connection's descriptor if it is open, else the listener's. Once
   * the connection's descriptor is closed, data calls on it fail with EBADF, even while the
   * server's listener is still open (a second close() closes that; a new accept() or
   * connect() gives a new descriptor).
   */
  private release(how: 'close' | 'abort'): CallResult {
    const s = this.sock ?? this.listener
    if (!s) return this.closedFd ? { ret: -1, errno: 'EBADF' } : { ret: 0 }
    if (s === this.sock) this.sock = null
    else this.listener = null
    this.closedFd = true
    closeSocket(s, how)
    return { ret: 0 }
  }

  private shutdown(step: StepOf<'shutdown'>): CallResult {
    if (this.closedFd) return { ret: -1, errno: 'EBADF' }
    const s = this.target()
    const connected = s && s.state !== 'CLOSED' && s.state !== 'LISTEN' && s.state !== 'SYN_SENT'
    if (!s || !connected) return { ret: -1, errno: 'ENOTCONN' }
    if (step.how !== 'wr') s.rdShut = true
    if (step.how !== 'rd') {
      this.note('half-close')
      s.queueFin()
    }
    return { ret: 0 }
  }

  private abort(): CallResult {
    return this.release('abort')
  }

  private keepalive(): CallResult {
    if (this.closedFd) return { ret: -1, errno: 'EBADF' }
    const s = this.target()
    if (s) {
      s.keepaliveOn = true
      s.kaProbes = 0
      armKeepalive(s, this.world.timers.keepalive.idleS * 1000)
    }
    return { ret: 0 }
  }

  /** The process dies; what its OS does with the sockets depends on the mode and profile. */
  private crash(mode: StepOf<'crash'>['mode']): CallResult {
    this.dead = true
    const world = this.world
    if (mode === 'silent') {
      this.note('crash-silent')
      this.host.down = true
      for (const s of this.host.sockets()) s.stopTimers()
      return { ret: 0 }
    }
    const how = mode === 'rst' || world.profile.processExit === 'reset' ? 'abort' : 'close'
    this.note(how === 'abort' ? 'crash-rst' : 'crash-fin')
    // Every descriptor the process still holds (older connections included); not the sockets
    // it already closed (the kernel owns those now) nor unaccepted ones (the listener's).
    const open = this.host.sockets().filter((s) => !s.orphan && !s.parent)
    this.sock = null
    this.listener = null
    this.closedFd = true
    for (const s of open) closeSocket(s, how)
    return { ret: 0 }
  }
}

/**
 * Linux tcp_close(): a listener resets its unaccepted connections; unread data means RST
 * (RFC 9293 3.10.4 leaves it open, Linux and RFC 2525 say reset); otherwise a FIN follows the
 * queued data. `abort` is SO_LINGER {1, 0}: RST from any synchronized state.
 */
export function closeSocket(s: TcpSocket, how: 'close' | 'abort'): void {
  const { trace } = s.world
  const actor = s.host.endpoint ?? undefined
  s.orphan = true
  s.rdShut = true
  s.keepaliveOn = false
  if (s.state === 'LISTEN') {
    for (const c of [...s.acceptQueue]) closeSocket(c, 'abort')
    for (const c of [...s.children]) s.host.dropChild(c, 'listener closed')
    s.acceptQueue = []
    s.done(null, 'call close')
    return
  }
  const synced =
    s.state === 'ESTABLISHED' ||
    s.state === 'CLOSE_WAIT' ||
    s.state === 'FIN_WAIT_1' ||
    s.state === 'FIN_WAIT_2' ||
    s.state === 'SYN_RCVD'
  if (s.state === 'SYN_SENT' || s.state === 'CLOSED') {
    s.done(null, 'call close')
    return
  }
  if (how === 'abort' || (synced && s.rcvQueued > 0)) {
    if (synced) {
      trace.note(how === 'abort' ? 'abort-rst' : 'close-unread-rst', { bytes: s.rcvQueued }, actor)
      s.sendReset()
    }
    s.done(null, how === 'abort' ? 'call close (SO_LINGER 0)' : 'call close (unread data)')
    return
  }
  s.queueFin()
  // Already half-closed and now orphaned: the FIN_WAIT_2 timer applies.
  if (s.state === 'FIN_WAIT_2') armFinWait2(s)
}
