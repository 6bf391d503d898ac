/**
 * TCP states from the kernel's own socket table: `/proc/<pid>/net/tcp` of a process inside
 * the run's namespace, the table `ss` reads (read directly: spawning `ss` would cost more than
 * the states it samples). Sockets are told apart by their 4-tuple, which the programs report
 * (connect: its local port; accept: the peer's port), so `final` follows
 * docs/lab-script-format.md: the client's connection; the server's connection once accept
 * returned one (CLOSED once it is gone from the table), its listener only until then.
 */
import { isClient, type ClientActor, type Endpoint } from '../../shared/lab-script'
import type { FinalStates, SocketDetail, TcpState } from '../../shared/lab-result'
import { clientAddr } from './addresses'

/** One row of /proc/net/tcp. */
export interface TcpRow {
  localAddr: string
  localPort: number
  remoteAddr: string
  remotePort: number
  state: TcpState
  /** Bytes queued to send (not yet acknowledged), and to read (a listener: its accept queue). */
  txQueue: number
  rxQueue: number
}

/** include/net/tcp_states.h numbering, as /proc/net/tcp prints it (hex). */
const KERNEL_STATES: Record<number, TcpState> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RCVD',
  0x04: 'FIN_WAIT_1',
  0x05: 'FIN_WAIT_2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSED',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  // TCP_NEW_SYN_RECV: a request socket (the server's half of a handshake in progress).
  0x0c: 'SYN_RCVD',
}

/** A little-endian hex IPv4 address of /proc/net/tcp (`0100007F`) as dotted quad. */
function addr(hex: string): string {
  const n = Number.parseInt(hex, 16)
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.')
}

/** Parses the text of /proc/net/tcp. */
export function parseTcpTable(text: string): TcpRow[] {
  const rows: TcpRow[] = []
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 5) continue
    const [la, lp] = f[1]!.split(':')
    const [ra, rp] = f[2]!.split(':')
    const [tx, rx] = f[4]!.split(':')
    const state = KERNEL_STATES[Number.parseInt(f[3]!, 16)]
    if (!la || !lp || !ra || !rp || !state) continue
    rows.push({
      localAddr: addr(la),
      localPort: Number.parseInt(lp, 16),
      remoteAddr: addr(ra),
      remotePort: Number.parseInt(rp, 16),
      state,
      txQueue: Number.parseInt(tx ?? '0', 16),
      rxQueue: Number.parseInt(rx ?? '0', 16),
    })
  }
  return rows
}

/** Ports that identify each end's sockets in the table. */
export interface EndpointPorts {
  /** Where the client connects (the server's port, or the relay's). */
  frontPort: number
  /** Where the server listens. */
  serverPort: number
}

/** One connection a program made (connect) or got (accept). */
interface Conn {
  /** Client: its local port; server: the peer's port. Null while a connect is in progress. */
  port: number | null
  /** Server: the peer's address (which client); a client's is its own, clientAddr(actor). */
  addr?: string
  /** The descriptor, once known. */
  fd: number
  /** The program still holds it (it has not closed it and is alive). */
  open: boolean
}

// A connection's state says more than a leftover TIME_WAIT, which says more than LISTEN.
function rank(s: TcpState): number {
  if (s === 'LISTEN') return 0
  if (s === 'TIME_WAIT' || s === 'CLOSED') return 1
  return 2
}

function pick(rows: TcpRow[]): TcpState {
  let best: TcpState = 'CLOSED'
  let bestRank = -1
  for (const r of rows) {
    if (rank(r.state) > bestRank) {
      best = r.state
      bestRank = rank(r.state)
    }
  }
  return best
}

/** What each program holds, as its calls reported it; reads the table with that knowledge. */
export class SocketBook {
  /** Each client's connections, in the order its connects were made. */
  private readonly clients = new Map<ClientActor, Conn[]>()
  private readonly accepted: Conn[] = []
  private readonly gone = new Set<Endpoint>()
  private listener: { fd: number; open: boolean; port: number } | null = null

  constructor(
    readonly ports: EndpointPorts,
    /** The run's endpoints (endpointsOf): `final` has a state for each. */
    readonly endpoints: readonly Endpoint[] = ['client', 'server'],
  ) {}

  private conns(actor: ClientActor): Conn[] {
    let list = this.clients.get(actor)
    if (!list) this.clients.set(actor, (list = []))
    return list
  }

  /** A connect step of `actor` is about to be issued (its port is not known yet). */
  connecting(actor: ClientActor = 'client'): void {
    this.conns(actor).push({ port: null, fd: -1, open: true })
  }

  /** The connect returned: `port` from getsockname (0 when none was bound), its descriptor. */
  connected(port: number, fd: number, actor: ClientActor = 'client'): void {
    const c = this.conns(actor).at(-1)
    if (c) Object.assign(c, { port, fd })
  }

  /**
   * listen returned 0 on `fd`, listening on `port` (the server's port; an ephemeral one when
   * the bind before it failed and listen() bound one itself; -1 or 0: unknown).
   */
  listening(fd: number, port = -1): void {
    this.listener = { fd, open: true, port: port > 0 ? port : this.ports.serverPort }
  }

  /** accept returned descriptor `fd` for a connection from `peerPort` at `peerAddr`. */
  acceptedFrom(peerPort: number, fd: number, peerAddr = '127.0.0.1'): void {
    this.accepted.push({ port: peerPort, fd, open: true, addr: peerAddr })
  }

  /** The program closed descriptor `fd` (close or abort returned 0). */
  closed(actor: Endpoint, fd: number): void {
    const list = isClient(actor) ? this.conns(actor) : this.accepted
    for (const c of list) if (c.fd === fd) c.open = false
    if (actor === 'server' && this.listener?.fd === fd) this.listener.open = false
  }

  /** The program died: its kernel closed everything it held. */
  died(actor: Endpoint): void {
    for (const c of isClient(actor) ? this.conns(actor) : this.accepted) c.open = false
    if (actor === 'server' && this.listener) this.listener.open = false
  }

  /**
   * The actor's host rebooted: every socket it had is gone, and its program starts afresh
   * (what it makes from now on is its connection or listener).
   */
  rebooted(actor: Endpoint): void {
    if (isClient(actor)) this.conns(actor).length = 0
    else {
      this.accepted.length = 0
      this.listener = null
    }
  }

  /**
   * The actor's host vanished (crash silent). The lab can only kill its program and drop
   * everything it sends, so its kernel still closes the sockets (FIN_WAIT_1 in the table, the
   * FIN going nowhere); a host that lost power has no sockets at all. `final` and
   * `finalDetail` describe the host the script asked for: CLOSED, nothing listed
   * (docs/lab-script-format.md, "final"; the socket table still shows what the kernel kept).
   */
  vanished(actor: Endpoint): void {
    this.gone.add(actor)
  }

  /** A client's local ports known so far (its connects returned). */
  clientPorts(actor: ClientActor = 'client'): number[] {
    return this.conns(actor).flatMap((c) => (c.port ? [c.port] : []))
  }

  /** Whether a row is the socket of connection `c` of client `actor`. */
  private isClientRow(r: TcpRow, actor: ClientActor, c: Conn): boolean {
    const { frontPort } = this.ports
    if (r.remotePort !== frontPort || r.localPort === frontPort) return false
    if (r.localAddr !== clientAddr(actor)) return false
    if (c.port !== null) return r.localPort === c.port
    // In progress: a socket of this client to the front port that no earlier connect owns.
    return !this.clientPorts(actor).includes(r.localPort)
  }

  private clientState(rows: TcpRow[], actor: ClientActor): TcpState {
    const c = this.conns(actor).at(-1)
    if (!c || c.port === 0) return 'CLOSED'
    return pick(rows.filter((r) => this.isClientRow(r, actor, c)))
  }

  /** The server's sockets: on its port, and its listener wherever listen() bound it. */
  private serverRows(rows: TcpRow[]): TcpRow[] {
    const own = this.listener?.port ?? this.ports.serverPort
    return rows.filter(
      (r) => r.localPort === this.ports.serverPort || (r.state === 'LISTEN' && r.localPort === own),
    )
  }

  /** Whether a server row is the accepted connection `a`. */
  private static isAccepted(r: TcpRow, a: Conn): boolean {
    return r.remotePort === a.port && r.remoteAddr === (a.addr ?? '127.0.0.1')
  }

  /**
   * Each end's state by the definition of `final`: each client's current connection; the
   * server's last accepted connection once there is one, else its listener (LISTEN while it
   * is in the table).
   */
  finalStates(rows: TcpRow[]): FinalStates {
    const a = this.accepted.at(-1)
    const server = this.serverRows(rows)
    // Before any accept: the last listener the program made (not an older one still open).
    const listening = this.listener
      ? this.listener.open &&
        rows.some((r) => r.state === 'LISTEN' && r.localPort === this.listener!.port)
      : server.some((r) => r.state === 'LISTEN')
    const state = a
      ? (server.find((r) => SocketBook.isAccepted(r, a))?.state ?? 'CLOSED')
      : listening
        ? 'LISTEN'
        : 'CLOSED'
    const out: FinalStates = {
      client: this.gone.has('client') ? 'CLOSED' : this.clientState(rows, 'client'),
      server: this.gone.has('server') ? 'CLOSED' : state,
    }
    for (const e of this.endpoints)
      if (e !== 'client' && isClient(e))
        out[e] = this.gone.has(e) ? 'CLOSED' : this.clientState(rows, e)
    return out
  }

  /**
   * The states shown while the run goes on: as `final`, except that before accept the
   * server shows the handshake in progress (a connection waiting to be accepted), so a
   * state diagram sees SYN_RCVD and ESTABLISHED happen where they happen.
   */
  liveStates(rows: TcpRow[]): FinalStates {
    const states = this.finalStates(rows)
    if (this.accepted.length === 0) states.server = pick(this.serverRows(rows))
    return states
  }

  /** Every socket of the programs in the table, with what it is to its program. */
  detail(rows: TcpRow[]): SocketDetail[] {
    const out: SocketDetail[] = []
    for (const actor of this.endpoints) {
      if (!isClient(actor) || this.gone.has(actor)) continue
      const conns = this.conns(actor)
      for (const r of rows) {
        const mine = conns.find((c) => this.isClientRow(r, actor, c))
        if (mine) out.push({ actor, role: mine.open ? 'connection' : 'closed', state: r.state })
      }
    }
    for (const r of this.gone.has('server') ? [] : this.serverRows(rows)) {
      if (r.state === 'LISTEN') {
        out.push({ actor: 'server', role: 'listener', state: r.state })
        continue
      }
      const a = this.accepted.find((c) => SocketBook.isAccepted(r, c))
      const role = a ? (a.open ? 'connection' : 'closed') : 'accept-queue'
      out.push({ actor: 'server', role, state: r.state })
    }
    return out
  }
}

/** ss's names of the states. */
const SS_NAMES: Record<TcpState, string> = {
  CLOSED: 'UNCONN',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN-SENT',
  SYN_RCVD: 'SYN-RECV',
  ESTABLISHED: 'ESTAB',
  FIN_WAIT_1: 'FIN-WAIT-1',
  FIN_WAIT_2: 'FIN-WAIT-2',
  CLOSE_WAIT: 'CLOSE-WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST-ACK',
  TIME_WAIT: 'TIME-WAIT',
}

/**
 * The table as `ss -tan` prints it (state, queues, addresses), from the same read of
 * /proc/net/tcp as `final`. A listener's Recv-Q is its accept queue; its Send-Q (the backlog
 * in ss) is not in /proc and shows as 0.
 */
export function ssLines(rows: TcpRow[]): string[] {
  const cols = (c: string[]): string =>
    [c[0]!.padEnd(11), c[1]!.padStart(6), c[2]!.padStart(7), ` ${c[3]!.padEnd(21)}`, c[4]!].join(
      ' ',
    )
  const peer = (r: TcpRow): string =>
    r.state === 'LISTEN' ? '0.0.0.0:*' : `${r.remoteAddr}:${r.remotePort}`
  return [
    cols(['State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port']),
    ...rows.map((r) =>
      cols([
        SS_NAMES[r.state],
        String(r.rxQueue),
        String(r.txQueue),
        `${r.localAddr}:${r.localPort}`,
        peer(r),
      ]),
    ),
  ]
}

/** Two reads of the table show the same sockets in the same states with the same queues. */
export function sameTable(a: TcpRow[], b: TcpRow[]): boolean {
  const key = (rows: TcpRow[]): string =>
    rows
      .map((r) => `${r.localPort}>${r.remotePort}:${r.state}:${r.txQueue}:${r.rxQueue}`)
      .sort()
      .join(' ')
  return key(a) === key(b)
}
