/**
 * The TCP layer of one simulated machine: its socket table (listeners by port, connections by
 * 4-tuple), the demultiplexing of arriving segments and ICMP errors (connection, then
 * listener; what neither wants is the host's business), the calls that make sockets, and
 * what the sockets are at the end of a run. The rest of the simulator reaches tcp/ only
 * through this class and socket.ts's types (both exported by tcp/index.ts).
 */
import type { Endpoint } from '../../../shared/lab-script'
import type { SocketDetail, SocketRole, TcpState } from '../../../shared/lab-result'
import type { HostId, IcmpMessage, Segment } from '../world'
import { icmpArrives } from './icmp'
import { connInput, listenInput } from './input'
import type { SocketHost, TcpSocket } from './socket'
import { SocketImpl } from './socket-impl'
import { resetFor, type SocketTable, type Tcb } from './tcb'
import { armDeadline, armRtx } from './timers'

const HOST_INDEX: Record<HostId, number> = {
  client: 0,
  server: 1,
  middlebox: 2,
  client2: 3,
  client3: 4,
  client4: 5,
}
const HOSTS = 6

/**
 * The demultiplexing key of a connection. A number rather than a string: building and hashing
 * a string per arriving segment was the largest single cost of a run.
 */
function key(localPort: number, remoteHost: HostId, remotePort: number): number {
  return (localPort * 65536 + remotePort) * HOSTS + HOST_INDEX[remoteHost]
}

class Table implements SocketTable {
  readonly conns = new Map<number, Tcb>()
  readonly listeners = new Map<number, Tcb>()
  shown: Tcb | null = null
  private nextFd = 3

  constructor(private readonly host: SocketHost) {}

  spawn(): Tcb {
    return new SocketImpl(this.host, this, this.nextFd++)
  }

  bind(s: Tcb): void {
    s.bound = true
    if (s.state === 'LISTEN' && !s.parent) this.listeners.set(s.localPort, s)
    else this.conns.set(key(s.localPort, s.remoteHost, s.remotePort), s)
  }

  unbind(s: Tcb): void {
    if (!s.bound) return
    s.bound = false
    if (this.listeners.get(s.localPort) === s) this.listeners.delete(s.localPort)
    const k = key(s.localPort, s.remoteHost, s.remotePort)
    if (this.conns.get(k) === s) this.conns.delete(k)
  }

  /** Every socket still in the table (listeners first). */
  bound(): Tcb[] {
    return [...this.listeners.values(), ...this.conns.values()]
  }
}

/**
 * What a socket is to its program at the end of a run (`finalDetail`). A child still in its
 * handshake (SYN_RCVD) counts as `accept-queue` too: like the queued ones, it is the
 * listener's, never accepted (Linux keeps it as a request sock; `ss` lists it as SYN-RECV).
 */
function roleOf(s: Tcb): SocketRole {
  if (s.parent) return 'accept-queue'
  if (s.orphan) return 'closed'
  return s.state === 'LISTEN' ? 'listener' : 'connection'
}

/** The TCP layer of one host. */
export class TcpStack {
  readonly #table: Table

  constructor(private readonly host: SocketHost) {
    this.#table = new Table(host)
  }

  /**
   * listen(): a new listening socket on `port`, bound and in LISTEN. `reuse`: SO_REUSEADDR was
   * on when it was bound.
   */
  listen(port: number, backlog: number, reuse = false): TcpSocket {
    const t = this.#table
    const l = t.spawn()
    l.localPort = port
    l.backlog = backlog
    l.reuse = reuse
    if (!t.shown || t.shown.state === 'CLOSED') t.shown = l
    l.setState('LISTEN', 'call listen')
    t.bind(l)
    return l
  }

  /**
   * connect() (without waiting): a new socket on a fresh ephemeral port sends its SYN to
   * `to`:`port`, with the profile's SYN timers running; the host's actor is shown with it.
   * `blocking`: a program's connect() holds the socket while its first SYN goes out (the
   * relay's does not; it matters for an ICMP error about the first SYN, icmp.ts).
   * `inProgress`: the program's connect() was non-blocking and has returned EINPROGRESS, so
   * nobody waits in it: the notes of the connection's fate speak of poll() and SO_ERROR.
   * `bound`: the port (and SO_REUSEADDR) a bind() gave the socket; otherwise an ephemeral port.
   */
  connect(
    to: HostId,
    port: number,
    cause: string,
    blocking = true,
    inProgress = false,
    bound?: { port: number; reuse: boolean },
  ): TcpSocket {
    const { world } = this.host
    const t = this.#table
    const s = t.spawn()
    t.shown = s
    // Linux ip_local_port_range 32768-60999, from the run's seed.
    s.localPort = bound ? bound.port : world.rng.int(32768, 60999)
    s.reuse = bound?.reuse ?? false
    s.remoteHost = to
    s.remotePort = port
    s.startedAt = world.q.now
    s.headSentAt = world.q.now
    s.rtoCur = world.profile.syn.initialRtoMs
    s.blockingConnect = blocking
    s.inProgress = inProgress
    s.tsOk = world.profile.timestamps // offered in the SYN; kept if the SYN-ACK has them too
    t.bind(s)
    s.setState('SYN_SENT', cause)
    s.rttSample = { seq: 1, at: world.q.now }
    s.sendSyn(false)
    armRtx(s, 'syn', s.rtoCur)
    armDeadline(s, world.profile.syn, 'syn')
    return s
  }

  /** A segment arrives: false when no connection or listener wants it. */
  receive(seg: Segment): boolean {
    const t = this.#table
    const conn = t.conns.get(key(seg.dport, seg.src, seg.sport))
    if (conn) {
      connInput(conn, seg)
      return true
    }
    const l = t.listeners.get(seg.dport)
    if (!l) return false
    listenInput(l, seg)
    return true
  }

  /** An ICMP error about a segment this host sent: false when its connection is gone. */
  receiveIcmp(msg: IcmpMessage): boolean {
    const s = this.#table.conns.get(key(msg.about.sport, msg.about.dst, msg.about.dport))
    if (!s) return false
    icmpArrives(s, msg)
    return true
  }

  /** RFC 9293 3.10.7.1: the RST that answers a segment for no connection (never for an RST). */
  resetFor(seg: Segment): void {
    resetFor(this.host, seg)
  }

  /**
   * Whether a socket in this stack holds `port`: a listener, or a connection TCP still keeps
   * (accepted ones share the listener's port; TIME_WAIT and other orphans included).
   */
  portInUse(port: number): boolean {
    return this.holders(port).length > 0
  }

  /** The sockets in this stack that hold `port` (see {@link TcpStack.portInUse}). */
  holders(port: number): TcpSocket[] {
    return this.#table.bound().filter((s) => s.localPort === port)
  }

  /**
   * The sockets the application still holds a descriptor for: not those it closed (the
   * kernel owns them now) nor unaccepted ones (the listener's).
   */
  held(): TcpSocket[] {
    return this.#table.bound().filter((s) => !s.orphan && !s.parent)
  }

  /** The state of the socket the host's actor is shown with (null: none yet). */
  shownState(): TcpState | null {
    return this.#table.shown?.state ?? null
  }

  /** The host vanished: none of its timers will ever fire. */
  halt(): void {
    for (const s of this.#table.bound()) s.stopTimers()
  }

  /**
   * Every socket still in this host's TCP stack (docs/lab-script-format.md, "final and
   * finalDetail"; what `ss` lists): listeners, connections, the orphans TCP still keeps and
   * the listener's unaccepted children, in the order they were made. A socket TCP is done
   * with is not listed, even while its program still holds the descriptor.
   */
  detail(actor: Endpoint): SocketDetail[] {
    return this.#table
      .bound()
      .sort((a, b) => a.fd - b.fd)
      .map((s) => ({ actor, role: roleOf(s), state: s.state }))
  }
}
