/**
 * A simulated machine: its sockets and descriptors, the demultiplexing of arriving segments
 * (connection, then listener, then RFC 9293's "no such connection: answer with RST"), ICMP
 * errors, and the host's fate (a vanished host neither sends nor answers).
 */
import type { Endpoint } from '../../shared/lab-script'
import type { TcpState } from '../../shared/lab-result'
import { connInput, listenInput } from './tcp/input'
import { TcpSocket } from './tcp/socket'
import {
  ACK,
  FIN,
  RST,
  SYN,
  type HostId,
  type IcmpMessage,
  type Segment,
  type World,
} from './world'

/** A simulated machine. */
export class Host {
  private conns = new Map<number, TcpSocket>()
  private listeners = new Map<number, TcpSocket>()
  private nextFd = 3
  /** The host vanished (`crash --mode silent`): nothing goes in or out any more. */
  down = false
  /** The socket this host's actor is shown with (state events, `final`). */
  primary: TcpSocket | null = null
  /** Called for a SYN no listener wants (the middlebox uses it to open the far side). */
  onUnclaimedSyn: ((seg: Segment) => boolean) | null = null
  /** Called whenever something the application may be waiting for changed. */
  onChange: (() => void) | null = null

  constructor(
    readonly id: HostId,
    readonly world: World,
    /** The actor whose program runs here (none on the middlebox). */
    readonly endpoint: Endpoint | null,
  ) {}

  /** A new socket with the next free descriptor. */
  newSocket(): TcpSocket {
    return new TcpSocket(this, this.nextFd++)
  }

  /** A fresh ephemeral port (Linux ip_local_port_range 32768-60999), from the run's seed. */
  ephemeralPort(): number {
    return this.world.rng.int(32768, 60999)
  }

  bind(s: TcpSocket): void {
    s.bound = true
    if (s.state === 'LISTEN' && !s.parent) this.listeners.set(s.localPort, s)
    else this.conns.set(key(s.localPort, s.remoteHost, s.remotePort), s)
  }

  unbind(s: TcpSocket): void {
    if (!s.bound) return
    s.bound = false
    if (this.listeners.get(s.localPort) === s) this.listeners.delete(s.localPort)
    const k = key(s.localPort, s.remoteHost, s.remotePort)
    if (this.conns.get(k) === s) this.conns.delete(k)
  }

  /** The listener on a port, if any. */
  listenerOn(port: number): TcpSocket | undefined {
    return this.listeners.get(port)
  }

  /** Records a state change when it concerns the socket this host's actor is shown with. */
  reportState(s: TcpSocket, from: TcpState, to: TcpState, cause: string): void {
    if (this.endpoint && this.primary === s)
      this.world.trace.emit({
        tMs: this.world.q.now,
        type: 'state',
        actor: this.endpoint,
        from,
        to,
        cause,
      })
    this.onChange?.()
  }

  /** A child of a listener starts its handshake: the server is shown with it from now on. */
  adoptChild(c: TcpSocket): void {
    this.primary = c
  }

  /** A half-open child dies (RST, SYN-ACK retries exhausted): back to the listener, silently. */
  dropChild(c: TcpSocket, cause: string): void {
    const l = c.parent
    c.stopTimers()
    c.setState(l && l.state === 'LISTEN' ? 'LISTEN' : 'CLOSED', cause)
    c.state = 'CLOSED'
    this.unbind(c)
    if (l) {
      l.children.delete(c)
      if (this.primary === c) this.primary = l
    }
  }

  /** The handshake completed: queue the child for accept(); false when the queue is full. */
  completePassive(c: TcpSocket): boolean {
    const l = c.parent
    if (!l) return true
    if (l.acceptQueue.length >= l.backlog) return false
    l.acceptQueue.push(c)
    this.world.trace.note('handshake-done', { fd: c.fd }, this.endpoint ?? undefined)
    return true
  }

  /** Puts a segment on the wire unless this host is gone. */
  transmit(seg: Segment): void {
    if (this.down) return
    this.world.transmit(seg)
  }

  /** A segment arrives from the wire. */
  receive(seg: Segment): void {
    if (this.down) return
    const conn = this.conns.get(key(seg.dport, seg.src, seg.sport))
    if (conn) connInput(conn, seg)
    else {
      const l = this.listeners.get(seg.dport)
      if (l) listenInput(l, seg)
      else if (!(seg.flags & SYN && !(seg.flags & ACK) && this.onUnclaimedSyn?.(seg))) {
        if (seg.flags & SYN && !(seg.flags & ACK))
          this.world.trace.note('rst-closed-port', { port: seg.dport }, this.endpoint ?? undefined)
        this.resetFor(seg)
      }
    }
    this.onChange?.()
  }

  /** RFC 9293 3.10.7.1: the RST that answers a segment for no connection (never for an RST). */
  resetFor(seg: Segment): void {
    if (seg.flags & RST) return
    const len = seg.len + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0)
    const reply: Segment = {
      src: this.id,
      dst: seg.src,
      sport: seg.dport,
      dport: seg.sport,
      seq: seg.flags & ACK ? seg.ack : 0,
      ack: seg.flags & ACK ? 0 : seg.seq + len,
      flags: seg.flags & ACK ? RST : RST | ACK,
      len: 0,
      win: 0,
      retransmit: false,
    }
    this.transmit(reply)
  }

  /** An ICMP error about a segment this host sent. */
  receiveIcmp(msg: IcmpMessage): void {
    if (this.down) return
    const s = this.conns.get(key(msg.about.sport, msg.about.dst, msg.about.dport))
    if (!s) return
    const { profile, trace } = this.world
    const err = profile.errors.icmp[msg.kind]
    const actor = this.endpoint ?? undefined
    if (s.state === 'SYN_SENT') {
      const rule = profile.icmpConnect
      if (rule.kind === 'ignore') {
        trace.note('icmp-ignored', { icmp: msg.kind }, actor)
      } else if (rule.kind === 'hard-unless-first-syn' && s.synsSent <= 1) {
        s.softErr = err
        trace.note('icmp-soft-connect', { icmp: msg.kind, errno: err }, actor)
      } else if (rule.kind === 'soft-until' && s.retransmits <= rule.afterRetransmits) {
        s.softErr = err
        trace.note('icmp-soft-connect', { icmp: msg.kind, errno: err }, actor)
      } else {
        trace.note('icmp-hard', { icmp: msg.kind, errno: err }, actor)
        s.done(err, `rcv ICMP ${msg.kind}`, {
          key: 'icmp-hard',
          params: { icmp: msg.kind, errno: err },
        })
      }
    } else if (s.state !== 'SYN_RCVD') {
      const rule = profile.icmpEstablished
      const unreachable = msg.kind === 'host-unreachable' || msg.kind === 'net-unreachable'
      if (rule === 'ignore' || (rule === 'soft-except-unreachable' && unreachable)) {
        trace.note('icmp-ignored', { icmp: msg.kind }, actor)
      } else {
        s.softErr = err
        trace.note('icmp-soft', { icmp: msg.kind, errno: err }, actor)
      }
    }
    this.onChange?.()
  }

  /** Every socket of this host that is still in use (for crash and final states). */
  sockets(): TcpSocket[] {
    return [...this.listeners.values(), ...this.conns.values()]
  }
}

const HOST_INDEX: Record<HostId, number> = { client: 0, server: 1, middlebox: 2 }

/**
 * The demultiplexing key of a connection. A number rather than a string: building and hashing
 * a string per arriving segment was the largest single cost of a run.
 */
function key(localPort: number, remoteHost: HostId, remotePort: number): number {
  return (localPort * 65536 + remotePort) * 3 + HOST_INDEX[remoteHost]
}
