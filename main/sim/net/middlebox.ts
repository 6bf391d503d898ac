/**
 * The middlebox topology: a relay (a NAT or proxy that terminates TCP on each side, the
 * article's send.nat-ack case). It runs real TCP sockets on its own host: the client's
 * connection ends at the relay, which opens its own connection to the server and copies bytes
 * between the two. So it ACKs what the client sends as soon as it has it, whether or not the
 * server ever gets it. `hold` stops the copying (the relay keeps ACKing and buffering until
 * its buffers fill); `release` resumes it.
 */
import { closeSocket } from '../calls'
import type { Host } from '../host'
import type { TcpSocket } from '../tcp/socket'
import { armDeadline, armRtx } from '../tcp/timers'
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
    const world = this.host.world
    const up = this.host.newSocket()
    up.localPort = this.host.ephemeralPort()
    up.remoteHost = 'server'
    up.remotePort = seg.dport
    up.startedAt = world.q.now
    up.headSentAt = world.q.now
    up.rtoCur = world.profile.syn.initialRtoMs
    this.host.bind(up)
    up.setState('SYN_SENT', 'relay connect')
    up.rttSample = { seq: 1, at: world.q.now }
    up.sendSyn(false)
    armRtx(up, 'syn', up.rtoCur)
    armDeadline(up, world.profile.syn, 'syn')
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
          p.up.err = null
          this.host.resetFor(p.syn)
          p.down = p.up // mark as settled
        }
        continue
      }
      if (p.down === p.up) continue
      this.copy(p.down, p.up)
      this.copy(p.up, p.down)
    }
  }

  private openDown(p: Pair): void {
    let l = this.host.listenerOn(p.syn.dport)
    if (!l) {
      l = this.host.newSocket()
      l.localPort = p.syn.dport
      l.backlog = this.host.world.profile.backlog
      l.state = 'LISTEN'
      this.host.bind(l)
    }
    // Replay the client's SYN into the listener now that the far side is up.
    this.host.receive({ ...p.syn })
    const child = [...l.children].find((c) => c.remotePort === p.syn.sport)
    if (child) p.down = child
  }

  /** Copies what `from` received into `to`'s send buffer, unless held. */
  private copy(from: TcpSocket, to: TcpSocket): void {
    if (from.parent) {
      // Take the child off the accept queue: the relay "accepts" every connection at once.
      const l = from.parent
      const i = l.acceptQueue.indexOf(from)
      if (i >= 0) l.acceptQueue.splice(i, 1)
      if (from.state === 'SYN_RCVD') return
    }
    if (from.state === 'CLOSED' && from.err && to.state !== 'CLOSED') {
      from.err = null
      closeSocket(to, 'abort')
      return
    }
    if (this.held) return
    if (from.rcvQueued > 0 && !to.wrShut && to.state !== 'CLOSED') {
      const n = Math.min(from.rcvQueued, to.sendSpace)
      if (n > 0) {
        const before = from.rcvWnd
        from.rcvQueued -= n
        to.writeSeq += n
        to.output()
        if (before < from.world.mss && from.rcvWnd >= from.world.mss && from.state !== 'CLOSED')
          from.sendAck()
      }
    }
    if (from.finReceived && from.rcvQueued === 0 && !to.finQueued && to.state !== 'CLOSED')
      to.queueFin()
  }
}
