/**
 * What a TCP socket shows outside main/sim/tcp/: what the socket calls (calls.ts) and the relay
 * (net/middlebox.ts) may read of it and do to it. Its sequence space, timers and buffer
 * bookkeeping stay inside tcp/ (tcb.ts), so one folder changes a socket and every change goes
 * through TCP's rules.
 */
import type { ErrnoName } from '../../../shared/errno'
import type { Endpoint, StepOf } from '../../../shared/lab-script'
import type { TcpState } from '../../../shared/lab-result'
import type { NoteKey } from '../../../shared/notes'
import type { HostId, Segment, World } from '../world'

/** Why a connection failed: the teaching note (and its values) for the call that reports it. */
export interface ErrorWhy {
  key: NoteKey
  params?: Record<string, string | number>
}

/** A socket's pending error (sk_err) and the note that explains it. */
export interface PendingError {
  errno: ErrnoName
  why: ErrorWhy | null
}

/** shutdown()'s `how`: stop reading, writing, or both. */
export type ShutdownHow = StepOf<'shutdown'>['how']

/** What the sockets of a machine need from it. */
export interface SocketHost {
  readonly id: HostId
  readonly world: World
  /** The actor whose program runs here (none on the middlebox). */
  readonly endpoint: Endpoint | null
  /** The host vanished (`crash --mode silent`): nothing goes in or out any more. */
  readonly down: boolean
  /**
   * How fast this host's TCP timers run: every retransmission and probe interval (SYN,
   * SYN-ACK, data RTO, tail-loss probe, persist, keepalive, delayed ACK, the handshake
   * deadline) and the give-up budgets measured against them are multiplied by it. 1 but in
   * the fuzzer's race check (SimulateOptions.timerScale).
   */
  readonly timerScale: number
  /** Puts a segment on the wire unless the host is gone. */
  transmit(seg: Segment): void
  /** Something an application may be waiting for changed (wakes blocked calls). */
  changed(): void
}

/** A TCP socket on a simulated host, as its application (or the relay) sees it. */
export interface TcpSocket {
  /** The descriptor number its program knows it by. */
  readonly fd: number
  /** RFC 9293 state. */
  readonly state: TcpState
  readonly localPort: number
  /** SO_REUSEADDR was on when it was bound (inherited by accepted connections). */
  readonly reuse: boolean
  readonly remotePort: number
  /** The pending error (sk_err), or null; {@link TcpSocket.takeError} reports it. */
  readonly err: ErrnoName | null
  /** The connection's error has already been reported to a call (Linux reports it once). */
  readonly errReported: boolean
  /** A FIN arrived (Linux SOCK_DONE): reads past the data return 0. */
  readonly finReceived: boolean
  /** Bytes received and not yet read. */
  readonly unread: number
  /** Free space in the send buffer. */
  readonly sendSpace: number
  /** Bytes in the send buffer (unacknowledged plus unsent). */
  readonly sendQueued: number
  /** A listener: connections waiting in its accept queue. */
  readonly queued: number
  /**
   * An ICMP error waits on the socket's error queue (profile `nonblocking.icmpErrorQueue`):
   * poll() reports POLLERR. Nothing the lab calls empties it.
   */
  readonly errQueued: boolean
  /** RCV_SHUTDOWN: shutdown(SHUT_RD), close(), or the connection's death. */
  readonly rdShut: boolean
  /** SEND_SHUTDOWN: shutdown(SHUT_WR), close(), or the connection's death. */
  readonly wrShut: boolean

  /**
   * A listener hands over the oldest connection in its accept queue; null when there is none.
   * From then on the host's actor is shown with that connection.
   */
  accept(): TcpSocket | null
  /** Copies up to `max` bytes into the send buffer and sends what the window allows; returns the count. */
  write(max: number): number
  /**
   * Reads up to `max` received bytes; returns the count. When reading reopens a window the
   * sender saw closed (or nearly), a window update goes out.
   */
  read(max: number): number
  /**
   * shutdown() on a socket that is not connected, where the OS marks it anyway (Linux
   * inet_shutdown, TCP_CLOSE): the flags only, no FIN (profile `shutdownUnconnected`).
   */
  markShutdown(how: ShutdownHow): void
  /** shutdown(): `rd` stops reading; `wr` queues the FIN after the data (half-close). */
  shutdown(how: ShutdownHow): void
  /**
   * close() (Linux tcp_close): a listener resets its unaccepted connections; unread data means
   * RST; otherwise a FIN follows the queued data and the kernel keeps the socket until TCP is
   * done with it.
   */
  close(): void
  /** SO_LINGER {1, 0} then close(): RST from any synchronized state. */
  abort(): void
  /** Its OS resets it (a process dying with RST): RST, without the program's SO_LINGER. */
  reset(): void
  /** SO_KEEPALIVE on: the first check comes one idle period (the run's timers) from now. */
  enableKeepalive(): void
  /**
   * The per-connection retransmission time limit (Linux TCP_USER_TIMEOUT; the profile's
   * `userTimeout` says how each OS counts and applies it), in the lab's ms.
   */
  setUserTimeout(ms: number): void
  /**
   * Reports the pending error. `consume` (POSIX) clears it and remembers it was reported;
   * without it (Winsock) every later call fails the same way. Null when there is none.
   */
  takeError(consume?: boolean): PendingError | null
  /** getsockopt(SO_ERROR) with no pending error, on Linux: the soft error, cleared. */
  takeSoftError(): ErrnoName | null
  /**
   * The program gives up a connection attempt (shutdown() while connecting, profile
   * `nonblocking.shutdownConnecting`): CLOSED at once, nothing sent, `err` left pending.
   */
  abandon(err: ErrnoName | null, why: ErrorWhy | null): void
  /** After a failed connect(): the socket may be used again (tcp_disconnect clears shutdown). */
  disconnect(): void
}
