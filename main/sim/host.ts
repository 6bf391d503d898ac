/**
 * A simulated machine: its TCP layer (tcp/), what it does with a segment no socket wants
 * (RFC 9293's "no such connection: answer with RST"), and its fate
 * (a vanished host neither sends nor answers).
 */
import type { Endpoint } from '../../shared/lab-script'
import { TcpStack, type SocketHost } from './tcp/index'
import { ACK, SYN, type HostId, type IcmpMessage, type Segment, type World } from './world'

/** A simulated machine. */
export class Host implements SocketHost {
  /** The host vanished (`crash --mode silent`): nothing goes in or out any more. */
  down = false
  /** Called whenever something the application may be waiting for changed. */
  onChange: (() => void) | null = null
  /** This machine's sockets (a new, empty stack after a reboot). */
  tcp: TcpStack

  constructor(
    readonly id: HostId,
    readonly world: World,
    /** The actor whose program runs here (none on the middlebox). */
    readonly endpoint: Endpoint | null,
    /** How fast its TCP timers run (SocketHost.timerScale). */
    readonly timerScale = 1,
  ) {
    this.tcp = new TcpStack(this)
  }

  changed(): void {
    this.onChange?.()
  }

  /** Puts a segment on the wire unless this host is gone. */
  transmit(seg: Segment): void {
    if (this.down) return
    this.world.transmit(seg)
  }

  /** A segment arrives from the wire. */
  receive(seg: Segment): void {
    if (this.down) return
    if (!this.tcp.receive(seg)) {
      const syn = (seg.flags & SYN) !== 0 && (seg.flags & ACK) === 0
      if (syn)
        this.world.trace.note('rst-closed-port', { port: seg.dport }, this.endpoint ?? undefined)
      this.tcp.resetFor(seg)
    }
    this.onChange?.()
  }

  /** An ICMP error about a segment this host sent. */
  receiveIcmp(msg: IcmpMessage): void {
    if (this.down) return
    if (this.tcp.receiveIcmp(msg)) this.onChange?.()
  }

  /** `crash --mode silent`: the machine is gone; none of its timers will ever fire. */
  vanish(): void {
    this.down = true
    this.tcp.halt()
  }

  /**
   * `reboot`: a vanished machine boots again with an empty socket table, so a segment of one
   * of its old connections finds nothing and is answered with RST (RFC 9293 3.10.7.1).
   */
  revive(): void {
    this.tcp = new TcpStack(this)
    this.down = false
    this.onChange?.()
  }
}
