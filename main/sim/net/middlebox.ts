/**
 * The middlebox topology: a relay (a NAT or proxy that terminates TCP on each side, the
 * article's send.nat-ack case). It runs real TCP sockets on its own host: the client's
 * connection ends at the relay, which opens its own connection to the server and copies bytes
 * between the two. So it ACKs what the client sends as soon as it has it, whether or not the
 * server ever gets it. `hold` stops the copying (the relay keeps ACKing and buffering until
 * its buffers fill); `release` resumes it.
 */
import type { Host } from '../host'
import type { TcpSocket } from '../tcp/index'
import type { Segment } from '../world'

interface Pair {
  down: TcpSocket | null
  up: TcpSocket
  syn: Segment
}

/** A TCP-terminating relay on the `middlebox` host. */
export class Middlebox {
  private pairs: Pair[] = []
  private held = false

  constructor(private readonly host: Host) {
    host.onUnclaimedSyn = (seg) => this.onSyn(seg)
  }

  /** `hold` (true) / `release` (false). */
  hold(on: boolean): void {
    this.held = on
    this.host.world.trace.note(on ? 'middlebox-hold' : 'middlebox-release', undefined, 'net')
    if (!on) this.pump()
  }

  /**
   * A client SYN for a port the relay has not opened yet: connect to the server first and
   * answer the client only once the far side is up (so a refused port is still refused).
   */
  private onSyn(seg: Segment): boolean {
    const known = this.pairs.find((p) => p.syn.sport === seg.sport && p.syn.dport === seg.dport)
    if (known) return true // a repeated SYN while the far side is still connecting
    const up = this.host.tcp.connect('server', seg.dport, 'relay connect')
    this.pairs.push({ down: null, up, syn: seg })
    return true
  }

  /** Moves bytes, FINs and failures across the relay; called after every event. */
  pump(): void {
    for (const p of this.pairs) {
      if (!p.down) {
        if (p.up.state === 'ESTABLISHED' || p.up.state === 'CLOSE_WAIT') this.openDown(p)
        else if (p.up.state === 'CLOSED') {
          // The far side failed: refuse the client the way the server did (or would have).
          p.up.takeError()
          this.host.tcp.resetFor(p.syn)
          p.down = p.up // mark as settled
        }
        continue
      }
      if (p.down === p.up) continue
      // The relay accepts each connection as soon as its handshake is done, and copies
      // nothing from it before then.
      this.host.tcp.listenerOn(p.syn.dport)?.accept(p.down)
      if (p.down.state !== 'SYN_RCVD') this.copy(p.down, p.up)
      this.copy(p.up, p.down)
    }
  }

  private openDown(p: Pair): void {
    const { tcp } = this.host
    if (!tcp.listenerOn(p.syn.dport)) tcp.listen(p.syn.dport, this.host.world.profile.backlog)
    // Replay the client's SYN into the listener now that the far side is up.
    this.host.receive({ ...p.syn })
    const child = tcp.connection(p.syn.dport, p.syn.src, p.syn.sport)
    if (child) p.down = child
  }

  /** Copies what `from` received into `to`'s send buffer, unless held. */
  private copy(from: TcpSocket, to: TcpSocket): void {
    if (from.state === 'CLOSED' && from.err && to.state !== 'CLOSED') {
      from.takeError()
      to.abort()
      return
    }
    if (this.held) return
    if (from.unread > 0 && !to.wrShut && to.state !== 'CLOSED') {
      const n = to.write(from.unread)
      if (n > 0) from.read(n)
    }
    if (from.finReceived && from.unread === 0 && to.state !== 'CLOSED') to.shutdown('wr')
  }
}
