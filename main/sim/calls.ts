/**
 * The socket calls of a lab script, as a C program on the profile's OS would see them: each
 * call either returns at once or gives a `poll` that the runner asks again after every event
 * until it can return (a blocking call). What a call returns is read from the socket's TCP
 * state and pending error, never decided here per scenario.
 */
import type { CallValue } from '../backend/result'
import type { ErrnoName } from '../../shared/errno'
import type { Endpoint, Step, StepOf } from '../../shared/lab-script'
import type { TcpState } from '../../shared/lab-result'
import type { OsProfile } from '../../shared/profiles'
import { pollNoteKey, type NoteKey } from '../../shared/notes'
import type { Host } from './host'
import { unreachable } from './never'
import { revents, type PollEvents } from './poll'
import type { TcpSocket } from './tcp/index'

/** What a call returned (written down by main/backend/result.ts). */
export interface CallResult {
  ret?: number
  errno?: ErrnoName
  signal?: 'SIGPIPE'
  /** Teaching notes saying why the call returned this, and the values their texts use. */
  notes?: NoteKey[]
  params?: Record<string, string | number>
  /** What poll() or getsockopt() wrote out besides the return value. */
  value?: CallValue
}

/** A call in progress: asked again after every event; `wakeAt` schedules a check. */
export interface Pending {
  poll(): CallResult | null
  wakeAt?: number
  /**
   * Whether the call would return now, without changing anything; only calls whose answer is
   * read from the socket when the process runs again (connect()) have it. A program that wakes
   * late (SimulateOptions.wakeDelayMs) then answers with what the socket says by then.
   */
  woken?(): boolean
  /**
   * A signal's handler ran while the call was blocked (lab step `signal`): the call will fail
   * with EINTR, return what it had done, or go on waiting (SA_RESTART), by the profile's
   * `signals` rule. False when the call is no socket call (the lab's sleep: the program makes
   * no call then) and nothing changes.
   */
  interrupt?(restart: boolean): boolean
}

/**
 * The blocking calls SA_RESTART restarts (signal(7): the socket interfaces accept, connect,
 * recv and send). Any other blocking call a script can make fails with EINTR whatever the
 * handler's flags: signal(7) lists poll() among the calls never restarted.
 */
const RESTARTABLE: ReadonlySet<string> = new Set(['accept', 'connect', 'send', 'recv'])

/**
 * A blocking call in progress. A small object rather than a closure per call: a long run makes
 * thousands of calls, and each closure also costs a name definition under tsx.
 */
class BlockingCall implements Pending {
  /** Bytes a send() has copied into the buffer so far. */
  copied = 0
  /** A signal ended the call (without SA_RESTART, or where the OS does not restart it). */
  interrupted = false
  /** Why it was not restarted: the note its EINTR carries. */
  eintrWhy: NoteKey = 'signal-eintr'
  /** When SO_RCVTIMEO ends a recv() (restarted calls wait their whole timeout again on BSD). */
  wakeAt?: number

  constructor(
    private readonly program: Program,
    /** The op, and the byte count of a send or recv (read once: steps differ in shape). */
    readonly op: 'accept' | 'connect' | 'send' | 'recv' | 'sleep' | 'poll' | 'reboot',
    readonly bytes = 0,
    /** The socket the call waits on: the one connect() made, or accept()'s listener. */
    readonly sock: TcpSocket | null = null,
    wakeAt?: number,
    /** recv()'s SO_RCVTIMEO in ms, if the step set one. */
    readonly timeoutMs?: number,
    /** What a poll() waits for. */
    readonly events: PollEvents = 'out',
  ) {
    this.wakeAt = wakeAt
  }

  poll(): CallResult | null {
    if (this.interrupted) return this.program.interrupted(this)
    return this.program.resume(this)
  }

  interrupt(restart: boolean): boolean {
    // Not calls: the lab's pause, and a host that is down (its program is not running).
    if (this.op === 'sleep' || this.op === 'reboot') return false
    if (!this.interrupted) this.program.signalled(this, restart)
    return true
  }

  woken(): boolean {
    // Linux inet_wait_for_connect: the sleeper wakes when the state leaves SYN_SENT/SYN_RECV
    // and reads the state (TCP_CLOSE: sock_error) only when it runs. A signal wakes the
    // sleeper too (it returns EINTR when it runs). poll() alike: it reads the socket's
    // readiness when it runs again (do_poll calls tcp_poll after the wakeup).
    if (this.interrupted) return true
    if (this.op === 'poll') return this.program.pollReady(this)
    if (this.op !== 'connect') return true
    const s = this.sock!
    return s.err !== null || (s.state !== 'SYN_SENT' && s.state !== 'SYN_RCVD')
  }
}

/**
 * A TCP socket the program made that is neither bound nor connected (its first socket before
 * listen or connect, or one whose bind failed), with the shutdown marks Linux sets on it
 * (profile `shutdownUnconnected`); a connect() made on it keeps them.
 */
class RawSocket {
  rdShut = false
  wrShut = false
  /** The port a bind() gave it (null: not bound), and SO_REUSEADDR at that bind. */
  port: number | null = null
  reuse = false
  /** TCP_USER_TIMEOUT set before connect() (ms; 0: none): the connection inherits it. */
  userTimeoutMs = 0

  markShutdown(how: StepOf<'shutdown'>['how']): void {
    if (how !== 'wr') this.rdShut = true
    if (how !== 'rd') this.wrShut = true
  }
}

/**
 * Whether a socket in `holder`'s state (with SO_REUSEADDR or not) keeps a new socket from
 * binding its port, by the profile's rule (OsProfile.bindConflict): the errno, or null.
 */
function conflict(
  rule: OsProfile['bindConflict'],
  holder: { state: TcpState | 'BOUND'; reuse: boolean },
  reuse: boolean,
): ErrnoName | null {
  switch (rule) {
    case 'both-reuse':
      return holder.state === 'LISTEN' || !(reuse && holder.reuse) ? 'EADDRINUSE' : null
    case 'new-reuse':
      return holder.state === 'LISTEN' || holder.state === 'BOUND' || !reuse ? 'EADDRINUSE' : null
    case 'winsock':
      if (holder.state === 'TIME_WAIT') return null
      if (!reuse) return 'EADDRINUSE'
      return holder.reuse ? null : 'EACCES'
    default:
      return unreachable(rule, 'bind rule')
  }
}

/**
 * A variable of the program holding a descriptor number (perl-peer.ts's `%conn` and `%lsn`):
 * the number stays in the variable after close(), and `open` says whether the program closed
 * it through this variable.
 */
interface Slot {
  fd: number
  open: boolean
}

/**
 * The program of one endpoint, holding its descriptors the way a C program written from the
 * script would, and the way the kernel lab's program does (main/kernel/perl-peer.ts, decision
 * 006; every case checked with `socklab check` against the kernel, see calls.test.ts):
 * - it makes one TCP socket when it starts (socket() is no script call): listen binds it, the
 *   first connect connects it, and calls before either act on it (send EPIPE, recv ENOTCONN,
 *   accept EINVAL);
 * - every later listen or connect makes a new socket; accept's descriptor is the connection;
 * - data calls use the connection even once the program closed it (EBADF), else the listener;
 *   close and abort take the open connection, else the open listener, else the last number
 *   (EBADF once nothing is left).
 * Descriptor numbers are what the kernel hands out: the lowest free one (POSIX open(): "the
 * lowest numbered file descriptor not currently open"; Linux fs/file.c alloc_fd from
 * files->next_fd), so a number closed earlier can name a new socket. A call on a number
 * that is not open fails with EBADF (net/socket.c sockfd_lookup_light: fdget finds no file).
 */
export class Program {
  /** Open descriptors and the socket each names. */
  private readonly fds = new Map<number, TcpSocket | RawSocket>()
  /** The socket made at start while listen or connect has not used it (-1 once used). */
  private spare: number
  /** The last connection connect() made or accept() returned (perl-peer.ts `%conn`). */
  private conn: Slot | null = null
  /** The last listen()'s descriptor (perl-peer.ts `%lsn`). */
  private lsn: Slot | null = null
  /** The last connection connect() made or accept() returned, even once closed (`final`). */
  private connection: TcpSocket | null = null
  /** The last listener listen() made, even once closed (`final` before any accept). */
  private listening: TcpSocket | null = null
  /**
   * Sockets the program made non-blocking (O_NONBLOCK before a non-blocking connect): the flag
   * stays on, so their send() and recv() return EAGAIN where they would wait.
   */
  private readonly nonblocking = new Set<TcpSocket>()
  dead = false
  frozen = false

  constructor(
    readonly actor: Endpoint,
    readonly host: Host,
    /** Where connect() sends its SYN (the server, or the middlebox in front of it). */
    private readonly peer: Host['id'],
  ) {
    this.spare = this.allocate(new RawSocket())
  }

  private get world() {
    return this.host.world
  }

  /** The lowest descriptor number not open (0-2 are the standard streams). */
  private allocate(sock: TcpSocket | RawSocket): number {
    let fd = 3
    while (this.fds.has(fd)) fd++
    this.fds.set(fd, sock)
    return fd
  }

  /** The socket made at start if listen or connect has not used it yet, else a new one. */
  private fresh(): number {
    if (this.spare < 0) return this.allocate(new RawSocket())
    const fd = this.spare
    this.spare = -1
    return fd
  }

  /**
   * What a data call (send, recv, shutdown, keepalive) acts on: the connection's number even
   * once closed, else the listener's, else the socket made at start. `closed` when that
   * number is not open (EBADF).
   */
  private target(): { closed: true } | { closed: false; sock: TcpSocket | RawSocket } {
    const fd = this.conn?.fd ?? this.lsn?.fd ?? this.spare
    if (!this.fds.has(fd)) return { closed: true }
    return { closed: false, sock: this.fds.get(fd)! }
  }

  private note(key: NoteKey): void {
    this.world.trace.note(key, undefined, this.actor)
  }

  /**
   * This endpoint's `final` state (docs/lab-script-format.md, "Timing rule"): its connection
   * once connect() made one or accept() returned one (CLOSED once it is gone); before that,
   * its listener's LISTEN (or CLOSED); CLOSED when it never had a socket.
   */
  finalState(): TcpState {
    // A host that vanished (crash silent) has no sockets left: whatever its TCP last held
    // went with it (docs/lab-script-format.md, "final").
    if (this.host.down) return 'CLOSED'
    return (this.connection ?? this.listening)?.state ?? 'CLOSED'
  }

  /** Starts a call: a result now, or a pending call. */
  start(step: Step): CallResult | Pending {
    switch (step.op) {
      case 'listen':
        return this.listen(step)
      case 'bind':
        return this.bind(step)
      case 'accept':
        return this.accept()
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
      case 'signal':
        // Not blocked (the scheduler hands a blocked call's signal to signal()): the handler
        // runs, and nothing else changes.
        this.note(this.world.profile.signals.kind === 'none' ? 'signal-windows' : 'signal-idle')
        return { ret: 0 }
      case 'usertimeout':
        return this.userTimeout(step.ms)
      case 'sleep':
        return new BlockingCall(this, 'sleep', 0, null, this.world.q.now + step.ms)
      case 'poll':
        return this.poll(step)
      case 'getsockopt':
        return this.getsockopt()
      case 'crash':
        return this.crash(step.mode)
      case 'reboot':
        return this.reboot(step.ms)
      case 'freeze':
        this.frozen = true
        this.note('frozen')
        return { ret: 0 }
      case 'thaw':
        this.frozen = false
        this.note('thawed')
        return { ret: 0 }
      case 'cut':
      case 'drop':
      case 'reject':
      case 'heal':
      case 'hold':
      case 'release':
        throw new Error(`step op "${step.op}" belongs to the net actor, not to a program`)
      default:
        return unreachable(step, 'step')
    }
  }

  /** Asks a blocking call again: its result, or null while it must keep waiting. */
  resume(call: BlockingCall): CallResult | null {
    switch (call.op) {
      case 'accept':
        return this.acceptPoll(call.sock!)
      case 'connect':
        return this.connectPoll(call.sock!)
      case 'send':
        return this.sendOnce(call, call.bytes)
      case 'recv':
        return this.recvOnce(call, call.bytes)
      case 'sleep':
        return this.world.q.now >= call.wakeAt! ? { ret: 0 } : null
      case 'poll':
        return this.pollOnce(call)
      case 'reboot':
        return this.world.q.now >= call.wakeAt! ? this.booted() : null
      default:
        return unreachable(call.op, 'blocking call')
    }
  }

  /**
   * bind() and listen() on a socket: the one made at start, else a new one. bind() without
   * SO_REUSEADDR fails with EADDRINUSE while any socket holds the port: a listener, a
   * connection TCP still keeps (TIME_WAIT included), or a socket whose descriptor is still open
   * (Linux inet_csk_get_port / inet_csk_bind_conflict over the port's bind bucket; a socket
   * bound by bind() keeps its port when it closes, tcp_set_state(TCP_CLOSE) and tcp_disconnect
   * skip inet_put_port under SOCK_BINDPORT_LOCK, which accepted sockets inherit). The new
   * socket then stays unbound: accept() on it gives EINVAL.
   */
  private listen(step: StepOf<'listen'>): CallResult {
    const fd = this.fresh()
    const raw = this.fds.get(fd)
    this.lsn = { fd, open: true }
    let port: number
    let reuse: boolean
    if (raw instanceof RawSocket && raw.port !== null) {
      // A bind step bound it: listen() only.
      port = raw.port
      reuse = raw.reuse
    } else if (step.port === undefined) {
      // listen() on a socket whose bind failed: the kernel binds an ephemeral port first
      // (Linux inet_csk_listen_start -> get_port(0); BSD in_pcbbind with port 0).
      port = this.world.rng.int(32768, 60999)
      reuse = false
    } else {
      port = step.port
      reuse = step.reuseaddr ?? false
      const refused = this.bindRefused(port, reuse)
      if (refused) return refused
    }
    const l = this.host.tcp.listen(port, step.backlog ?? this.world.profile.backlog, reuse)
    this.fds.set(fd, l)
    this.listening = l
    return { ret: 0 }
  }

  /**
   * bind() on the socket the next listen or connect will use (the one made at start, else a
   * new one), which stays unused until then. Binding a bound socket fails with EINVAL (Linux
   * inet_bind: inet_num already set); a port another socket holds, per the profile's
   * `bindConflict`.
   */
  private bind(step: StepOf<'bind'>): CallResult {
    if (this.spare < 0) this.spare = this.allocate(new RawSocket())
    const raw = this.fds.get(this.spare) as RawSocket
    if (raw.port !== null) return { ret: -1, errno: 'EINVAL', notes: ['bind-bound'] }
    const refused = this.bindRefused(step.port, step.reuseaddr)
    if (refused) return refused
    raw.port = step.port
    raw.reuse = step.reuseaddr
    return { ret: 0 }
  }

  /**
   * Why bind() to `port` with SO_REUSEADDR `reuse` fails (profile `bindConflict`), with the
   * note that says which socket holds the port; null when it may bind.
   */
  private bindRefused(port: number, reuse: boolean): CallResult | null {
    const rule = this.world.profile.bindConflict
    const holders: { state: TcpState | 'BOUND'; reuse: boolean }[] = this.host.tcp
      .holders(port)
      .map((s) => ({ state: s.state, reuse: s.reuse }))
    // Sockets the program still holds: a bound one (bind, no listen yet), and connections TCP
    // is done with whose descriptor is open (they keep their port until closed).
    for (const s of this.fds.values()) {
      if (s instanceof RawSocket) {
        if (s.port === port) holders.push({ state: 'BOUND', reuse: s.reuse })
      } else if (s.localPort === port) holders.push({ state: s.state, reuse: s.reuse })
    }
    for (const h of holders) {
      const errno = conflict(rule, h, reuse)
      if (!errno) continue
      const note = h.state === 'TIME_WAIT' ? 'bind-time-wait' : 'bind-in-use'
      return { ret: -1, errno, notes: [note], params: { port, errno } }
    }
    return null
  }

  /**
   * accept() on the listener's number, else on the socket made at start. Not open: EBADF;
   * not listening (never listened, or shut with SHUT_RD): EINVAL (inet_csk_accept).
   */
  private accept(): CallResult | Pending {
    const fd = this.lsn?.fd ?? this.spare
    if (!this.fds.has(fd)) return { ret: -1, errno: 'EBADF' }
    const l = this.fds.get(fd)!
    if (l instanceof RawSocket) return { ret: -1, errno: 'EINVAL' }
    return new BlockingCall(this, 'accept', 0, l)
  }

  private acceptPoll(l: TcpSocket): CallResult | null {
    if (l.state !== 'LISTEN') return { ret: -1, errno: 'EINVAL' }
    const c = l.accept()
    if (!c) return null
    // A connection reset while it waited in the queue (profile `acceptAborted`).
    const aborted = this.world.profile.acceptAborted
    if (c.state === 'CLOSED' && aborted !== 'hand-out') {
      const errno = aborted === 'econnaborted' ? 'ECONNABORTED' : 'ECONNRESET'
      return { ret: -1, errno, notes: ['accept-aborted'], params: { errno } }
    }
    const fd = this.allocate(c)
    this.conn = { fd, open: true }
    this.connection = c
    if (c.state === 'CLOSED' && c.err)
      return { ret: fd, notes: ['accept-returns', 'accept-reset'], params: { errno: c.err } }
    return { ret: fd, notes: ['accept-returns'] }
  }

  /**
   * connect() on the socket made at start (bound by a bind step, maybe), else on a new one. A
   * non-blocking one returns -1 EINPROGRESS once its SYN is out (Linux __inet_stream_connect;
   * Winsock WSAEWOULDBLOCK). Either way the SYN leaves inside the call, so an ICMP error the
   * lab's own kernel sends back for it arrives while the call still holds the socket
   * (icmp.ts; measured: EHOSTUNREACH as the soft error, at once, on a non-blocking connect
   * too).
   */
  private connect(step: StepOf<'connect'>): CallResult | Pending {
    const fd = this.fresh()
    const raw = this.fds.get(fd)
    const nb = step.nonblocking === true
    const bound =
      raw instanceof RawSocket && raw.port !== null
        ? { port: raw.port, reuse: raw.reuse }
        : undefined
    const s = this.host.tcp.connect(this.peer, step.port, 'call connect', true, nb, bound)
    // Shutdown marks set before the connect stay (nothing but tcp_disconnect clears them).
    if (raw instanceof RawSocket && (raw.rdShut || raw.wrShut))
      s.markShutdown(raw.rdShut && raw.wrShut ? 'rdwr' : raw.rdShut ? 'rd' : 'wr')
    if (raw instanceof RawSocket && raw.userTimeoutMs > 0) s.setUserTimeout(raw.userTimeoutMs)
    this.fds.set(fd, s)
    this.conn = { fd, open: true }
    this.connection = s
    if (nb) {
      this.nonblocking.add(s)
      return { ret: -1, errno: 'EINPROGRESS', notes: ['connect-inprogress'] }
    }
    return new BlockingCall(this, 'connect', 0, s)
  }

  /** poll() on the descriptor the data calls use, for `events`, until ready or the timeout. */
  private poll(step: StepOf<'poll'>): CallResult | Pending {
    const wakeAt = step.timeoutMs !== undefined ? this.world.q.now + step.timeoutMs : undefined
    const call = new BlockingCall(this, 'poll', 0, null, wakeAt, undefined, step.events)
    return this.pollOnce(call) ?? call
  }

  /** Whether a poll() would return now (ready, or its timeout is up), changing nothing. */
  pollReady(call: BlockingCall): boolean {
    const t = this.target()
    if (t.closed || revents(this.world.profile, t.sock, call.events).length > 0) return true
    return call.wakeAt !== undefined && this.world.q.now >= call.wakeAt
  }

  /**
   * One look of a poll(): 1 with the revents once the socket is ready, 0 at the timeout, or
   * keep waiting. A number that is not open is POLLNVAL (poll(2): "fd not open"), ret 1.
   */
  private pollOnce(call: BlockingCall): CallResult | null {
    const t = this.target()
    if (t.closed) return { ret: 1, value: { revents: ['POLLNVAL'] }, notes: ['poll-nval'] }
    const bits = revents(this.world.profile, t.sock, call.events)
    const queued = !(t.sock instanceof RawSocket) && t.sock.errQueued
    if (bits.length > 0)
      return { ret: 1, value: { revents: bits }, notes: [pollNoteKey(1, bits, queued)] }
    if (call.wakeAt !== undefined && this.world.q.now >= call.wakeAt)
      return { ret: 0, value: { revents: [] }, notes: ['poll-timeout'] }
    return null
  }

  /**
   * getsockopt(SO_ERROR) on the descriptor the data calls use: 0, with the pending error
   * (cleared), else on Linux the soft error (cleared), else 0.
   */
  private getsockopt(): CallResult {
    const t = this.target()
    if (t.closed) return { ret: -1, errno: 'EBADF' }
    const s = t.sock
    if (s instanceof RawSocket) return { ret: 0, value: { soError: null } }
    const { nonblocking } = this.world.profile
    // Reading SO_ERROR clears it everywhere (sock_error; BSD sogetopt; Winsock "retrieves
    // error status and clear"): a Winsock socket's later calls then see it not connected.
    const pending = s.takeError(true)
    if (pending)
      return {
        ret: 0,
        value: { soError: pending.errno },
        notes: ['so-error-pending'],
        params: { errno: pending.errno },
      }
    const soft = nonblocking.soErrorSoft ? s.takeSoftError() : null
    if (soft)
      return {
        ret: 0,
        value: { soError: soft },
        notes: ['so-error-soft'],
        params: { errno: soft },
      }
    const connecting = s.state === 'SYN_SENT' || s.state === 'SYN_RCVD'
    return { ret: 0, value: { soError: null }, notes: connecting ? ['so-error-connecting'] : [] }
  }

  private connectPoll(s: TcpSocket): CallResult | null {
    if (s.err) {
      const r = this.takeError(s)
      s.disconnect()
      return r
    }
    switch (s.state) {
      case 'SYN_SENT':
      case 'SYN_RCVD':
        return null
      case 'CLOSED':
        return { ret: -1, errno: 'ECONNABORTED' }
      // Connected (a FIN or more may have followed already). LISTEN is not reached: a socket
      // connect() made never listens.
      case 'ESTABLISHED':
      case 'FIN_WAIT_1':
      case 'FIN_WAIT_2':
      case 'CLOSE_WAIT':
      case 'CLOSING':
      case 'LAST_ACK':
      case 'TIME_WAIT':
      case 'LISTEN':
        return { ret: 0, notes: ['connect-returns'] }
      default:
        return unreachable(s.state, 'TCP state')
    }
  }

  /**
   * Reports the socket's pending error, with the note that explains it. POSIX systems report
   * it once (`consume`); Winsock keeps failing every call the same way.
   */
  private takeError(s: TcpSocket, consume = true): CallResult & { errno: ErrnoName } {
    const { errno, why } = s.takeError(consume)!
    const r: CallResult & { errno: ErrnoName } = { ret: -1, errno }
    if (why) {
      r.notes = [why.key]
      r.params = { ...why.params, errno }
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
    const t = this.target()
    if (t.closed) return { ret: -1, errno: 'EBADF' }
    const s = t.sock
    if (s instanceof RawSocket || s.state === 'LISTEN')
      return this.sendError(errors.sendNotConnected)
    if (errors.sticky && s.err) return copied ? { ret: copied } : this.takeError(s, false)
    if (errors.sendShutdownBeforeError && s.wrShut)
      return copied ? { ret: copied } : this.sendError('EPIPE', s)
    if (s.err) {
      if (copied) return { ret: copied }
      const r = this.takeError(s)
      return this.sendError(r.errno, s, r)
    }
    if (s.wrShut) return copied ? { ret: copied } : this.sendError(errors.sendAfterShutdown, s)
    if (s.state === 'SYN_SENT' || s.state === 'SYN_RCVD') return this.wouldBlock(s, copied)
    if (s.state === 'CLOSED') return this.sendError(errors.sendNotConnected, s)
    call.copied += s.write(bytes - copied)
    if (call.copied === bytes) return { ret: bytes, notes: ['send-buffered'] }
    return this.wouldBlock(s, call.copied)
  }

  /**
   * A send() or recv() that would wait: a blocking socket waits (null); a non-blocking one
   * returns what it copied, or -1 EAGAIN (Linux sk_stream_wait_connect and tcp_recvmsg with
   * no timeout; Winsock WSAEWOULDBLOCK).
   */
  private wouldBlock(s: TcpSocket, copied = 0): CallResult | null {
    if (!this.nonblocking.has(s)) return null
    if (copied > 0) return { ret: copied }
    return { ret: -1, errno: 'EAGAIN', notes: ['would-block'] }
  }

  private recv(step: StepOf<'recv'>): CallResult | Pending {
    const wakeAt = step.timeoutMs !== undefined ? this.world.q.now + step.timeoutMs : undefined
    const call = new BlockingCall(this, 'recv', step.bytes ?? 65536, null, wakeAt, step.timeoutMs)
    return this.recvOnce(call, call.bytes) ?? call
  }

  /** One attempt of a recv(): data, end of stream, an error, the timeout, or keep waiting. */
  private recvOnce(call: BlockingCall, max: number): CallResult | null {
    const errors = this.world.profile.errors
    const t = this.target()
    if (t.closed) return { ret: -1, errno: 'EBADF' }
    const s = t.sock
    // tcp_recvmsg on a socket never connected: RCV_SHUTDOWN gives 0 before ENOTCONN.
    if (s instanceof RawSocket)
      return s.rdShut ? { ret: 0 } : this.notConnected(errors.recvNotConnected)
    if (s.state === 'LISTEN') return this.notConnected(errors.recvNotConnected)
    if (errors.sticky && s.err) return this.takeError(s, false)
    if (s.unread > 0) return { ret: s.read(max) }
    if (errors.recvFinBeforeError && s.finReceived) return { ret: 0, notes: ['recv-fin'] }
    if (s.err) return this.takeError(s)
    if (s.finReceived) return { ret: 0, notes: ['recv-fin'] }
    if (s.rdShut) return s.errReported ? { ret: 0, notes: ['reported-once'] } : { ret: 0 }
    if (s.state === 'CLOSED') return { ret: -1, errno: errors.recvNotConnected }
    if (call.wakeAt !== undefined && this.world.q.now >= call.wakeAt)
      return { ret: -1, errno: errors.recvTimeout, notes: ['recv-timeout'] }
    return this.wouldBlock(s)
  }

  /** A recv() on a descriptor that holds no connection (a listener, or never connected). */
  private notConnected(errno: ErrnoName): CallResult {
    return { ret: -1, errno, notes: ['recv-not-connected'], params: { errno } }
  }

  /** close(): FIN after the queued data, or RST when unread data would be lost. */
  private close(): CallResult {
    return this.release('close')
  }

  /**
   * close() or abort(): the open connection, else the open listener, else the last number
   * (EBADF: it is closed already), else the socket made at start. Once the connection's
   * number is closed, data calls on it fail with EBADF even while the server's listener is
   * still open (a second close() closes that; a new accept() or connect() gives a new one).
   */
  private release(how: 'close' | 'abort'): CallResult {
    const slot = this.releaseTarget()
    if (!this.fds.has(slot.fd)) return { ret: -1, errno: 'EBADF' }
    const s = this.fds.get(slot.fd)!
    this.fds.delete(slot.fd)
    slot.open = false
    if (s instanceof RawSocket) return { ret: 0 }
    if (how === 'abort') s.abort()
    else s.close()
    return { ret: 0 }
  }

  private releaseTarget(): Slot {
    const { conn, lsn } = this
    if (conn?.open) return conn
    if (lsn?.open) return lsn
    if (conn) return conn
    if (lsn) return lsn
    // Nothing made yet: the socket made at start is closed, and its number is the last one.
    this.conn = { fd: this.spare, open: true }
    this.spare = -1
    return this.conn
  }

  private shutdown(step: StepOf<'shutdown'>): CallResult {
    const t = this.target()
    if (t.closed) return { ret: -1, errno: 'EBADF' }
    const s = t.sock
    const { profile } = this.world
    // Linux's socket is closed once its connection is in TIME_WAIT (tcp_time_wait, tcp_done).
    const closed =
      s instanceof RawSocket ||
      s.state === 'CLOSED' ||
      (s.state === 'TIME_WAIT' && profile.timeWaitSocket === 'detached')
    if (closed) {
      // Never connected, its connect failed, or it is over. Linux inet_shutdown, case
      // TCP_CLOSE: -ENOTCONN, then falls through to sk_shutdown |= how (a later recv returns
      // 0); BSD soshutdown and Winsock return first.
      if (profile.shutdownUnconnected === 'enotconn-and-shut') s.markShutdown(step.how)
      return { ret: -1, errno: 'ENOTCONN' }
    }
    if (s.state === 'LISTEN' && profile.shutdownListener === 'disconnect') {
      // Linux inet_shutdown: a listener shut for reading stops listening (tcp_disconnect);
      // SHUT_WR alone does nothing. The descriptor stays open: accept() now fails with EINVAL.
      // tcp_disconnect also clears sk_shutdown: a recv() on it fails with ENOTCONN, not 0.
      if (step.how !== 'wr') {
        s.close()
        s.disconnect()
      }
      return { ret: 0 }
    }
    if (s.state === 'SYN_SENT') return this.shutdownConnecting(s, step.how)
    if (s.state === 'LISTEN') return { ret: -1, errno: 'ENOTCONN' }
    if (step.how !== 'rd') this.note('half-close')
    s.shutdown(step.how)
    return { ret: 0 }
  }

  /**
   * shutdown() while the socket is still connecting (a non-blocking connect), by the profile's
   * rule (`nonblocking.shutdownConnecting`, shared/profiles.ts).
   */
  private shutdownConnecting(s: TcpSocket, how: StepOf<'shutdown'>['how']): CallResult {
    const rule = this.world.profile.nonblocking.shutdownConnecting
    switch (rule) {
      case 'enotconn':
        return { ret: -1, errno: 'ENOTCONN' }
      case 'disconnect':
        // tcp_disconnect: CLOSE, ECONNRESET pending, the shutdown marks cleared.
        s.abandon('ECONNRESET', { key: 'shutdown-connecting' })
        s.disconnect()
        return { ret: 0, notes: ['shutdown-connecting'] }
      case 'usrclosed':
        if (how === 'rd') s.markShutdown('rd')
        else s.abandon(null, null)
        return { ret: 0 }
      default:
        return unreachable(rule, 'shutdown rule')
    }
  }

  private abort(): CallResult {
    return this.release('abort')
  }

  private keepalive(): CallResult {
    const t = this.target()
    if (t.closed) return { ret: -1, errno: 'EBADF' }
    if (!(t.sock instanceof RawSocket)) t.sock.enableKeepalive()
    return { ret: 0 }
  }

  /**
   * setsockopt(IPPROTO_TCP, TCP_USER_TIMEOUT) on the data descriptor (macOS
   * TCP_RXT_CONNDROPTIME, Windows TCP_MAXRT: the profile's `userTimeout`). On the socket made
   * at start it is kept for the connect() that uses it.
   */
  private userTimeout(ms: number): CallResult {
    const t = this.target()
    if (t.closed) return { ret: -1, errno: 'EBADF' }
    if (t.sock instanceof RawSocket) t.sock.userTimeoutMs = ms
    else t.sock.setUserTimeout(ms)
    return { ret: 0 }
  }

  /**
   * A signal whose handler runs while `call` is blocked (signal(7)). Linux: a socket call
   * restarts under SA_RESTART unless the socket has a timeout (sock_intr_errno), else fails
   * with EINTR; a send() that had copied bytes returns their count (tcp_sendmsg: copied wins
   * over the error); connect() fails with EINTR and its handshake goes on (the socket stays
   * SYN_SENT; a later connect() on it would say EALREADY). Windows: nothing reaches the call.
   * Returns the signal step's own result.
   */
  signal(call: Pending, restart: boolean): CallResult {
    const rule = this.world.profile.signals
    if (rule.kind === 'none') {
      this.note('signal-windows')
      return { ret: 0 }
    }
    if (!call.interrupt?.(restart)) this.note('signal-idle')
    return { ret: 0 }
  }

  /** The signal's rule applied to a blocked call (BlockingCall.interrupt). */
  signalled(call: BlockingCall, restart: boolean): void {
    const rule = this.world.profile.signals
    if (rule.kind === 'none') return
    const timeout = call.timeoutMs !== undefined
    const restarts =
      restart &&
      RESTARTABLE.has(call.op) &&
      (call.op !== 'connect' || rule.connectRestarts) &&
      (!timeout || rule.restartWithTimeout)
    // A send that copied part of its bytes returns that count, restart or not.
    if (restarts && !(call.op === 'send' && call.copied > 0)) {
      this.note('signal-restart')
      // BSD: the restarted recv() is a new call, with its whole SO_RCVTIMEO again.
      if (timeout) {
        const at = this.world.q.now + call.timeoutMs!
        call.wakeAt = at
        this.world.q.scheduleAt(at, () => this.host.changed())
      }
      return
    }
    call.interrupted = true
    call.eintrWhy =
      call.op === 'connect'
        ? 'signal-eintr-connect'
        : restart && timeout
          ? 'signal-eintr-timeout'
          : 'signal-eintr'
  }

  /** What a call a signal ended returns: the bytes a send() had copied, else -1 EINTR. */
  interrupted(call: BlockingCall): CallResult {
    if (call.op === 'send' && call.copied > 0)
      return { ret: call.copied, notes: ['signal-partial'], params: { n: call.copied } }
    return { ret: -1, errno: 'EINTR', notes: [call.eintrWhy] }
  }

  /**
   * `reboot`: the host goes down as in `crash silent` (nothing more leaves it, not even a FIN
   * or an RST) and boots again `ms` later. The program starts afresh then: no descriptors but
   * the socket it makes at start, no connection, no listener.
   */
  private reboot(ms: number): Pending {
    const { trace, q } = this.world
    trace.note('host-reboot', { s: Math.round(ms / 100) / 10 }, this.actor)
    const was = this.host.tcp.shownState()
    this.host.vanish()
    // What the state diagram shows: the host's sockets are gone with it.
    if (was && was !== 'CLOSED')
      trace.emit({
        tMs: q.now,
        type: 'state',
        actor: this.actor,
        from: was,
        to: 'CLOSED',
        cause: 'host down',
      })
    this.fds.clear()
    this.conn = null
    this.lsn = null
    this.connection = null
    this.listening = null
    this.spare = this.allocate(new RawSocket())
    return new BlockingCall(this, 'reboot', 0, null, q.now + ms)
  }

  /** The host is back up, with an empty socket table. */
  private booted(): CallResult {
    this.host.revive()
    this.note('host-rebooted')
    return { ret: 0 }
  }

  /** The process dies; what its OS does with the sockets depends on the mode and profile. */
  private crash(mode: StepOf<'crash'>['mode']): CallResult {
    this.dead = true
    let how: 'abort' | 'close'
    switch (mode) {
      case 'silent':
        this.note('crash-silent')
        this.host.vanish()
        return { ret: 0 }
      case 'rst':
        how = 'abort'
        break
      case 'fin':
        how = this.world.profile.processExit === 'reset' ? 'abort' : 'close'
        break
      default:
        return unreachable(mode, 'crash mode')
    }
    this.note(how === 'abort' ? 'crash-rst' : 'crash-fin')
    // Every descriptor the process still holds (older connections included); not the sockets
    // it already closed (the kernel owns those now) nor unaccepted ones (the listener's).
    const open = this.host.tcp.held()
    this.fds.clear()
    for (const s of open) {
      if (how === 'abort') s.reset()
      else s.close()
    }
    return { ret: 0 }
  }
}
