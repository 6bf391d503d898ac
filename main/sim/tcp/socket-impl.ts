/**
 * The methods an application (or the relay) calls on a socket, on top of the TCB and the
 * TCP machinery of this folder. The class is not exported beyond tcp/: stack.ts makes the
 * sockets, and everyone else holds them as a {@link TcpSocket}.
 */
import { unreachable } from '../never'
import { closeSocket } from './close'
import { output, queueFin } from './output'
import type { ShutdownHow, TcpSocket } from './socket'
import { Tcb } from './tcb'
import { armKeepalive, keepaliveIdleMs } from './timers'

/** A socket as stack.ts makes them: a TCB with the application's calls. */
export class SocketImpl extends Tcb {
  accept(): TcpSocket | null {
    const c = this.acceptQueue.shift()
    if (!c) return null
    this.children.delete(c)
    c.parent = null
    // The server's actor is shown with the connection it accepted from now on.
    this.table.shown = c
    return c
  }

  write(max: number): number {
    const n = Math.min(this.sendSpace, max)
    if (n > 0) {
      this.writeSeq += n
      output(this)
    }
    return n
  }

  read(max: number): number {
    const n = Math.min(max, this.rcvQueued)
    const before = this.rcvWnd
    this.rcvQueued -= n
    // Reading reopened a window the sender saw closed (or nearly): tell it.
    const mss = this.world.mss
    if (before < mss && this.rcvWnd >= mss && this.state !== 'CLOSED') this.sendAck()
    return n
  }

  markShutdown(how: ShutdownHow): void {
    if (how !== 'wr') this.rdShut = true
    if (how !== 'rd') this.wrShut = true
  }

  shutdown(how: ShutdownHow): void {
    switch (how) {
      case 'rd':
        this.rdShut = true
        return
      case 'wr':
        queueFin(this)
        return
      case 'rdwr':
        this.rdShut = true
        queueFin(this)
        return
      default:
        unreachable(how, 'shutdown how')
    }
  }

  close(): void {
    closeSocket(this, 'close')
  }

  abort(): void {
    closeSocket(this, 'abort')
  }

  reset(): void {
    closeSocket(this, 'reset')
  }

  enableKeepalive(): void {
    const fromLastReceive = this.world.profile.keepaliveIdleFrom === 'last-receive'
    // Linux keeps the probes already sent when keepalive is set again (icsk_probes_out is
    // cleared only by an ACK; tcp_set_keepalive does nothing on a socket that has it): fuzz
    // seed 29 #698, measured, a second call after an unanswered probe (count 1) reset the
    // connection at once. BSD counts from the call (TCPT_KEEP restarts).
    if (!(fromLastReceive && this.keepaliveOn)) this.kaProbes = 0
    this.keepaliveOn = true
    const idle = keepaliveIdleMs(this)
    // Linux counts the idle time from the last segment received (fuzz seed 7 #548, measured:
    // a connection idle for 0.9 s with a 1 s idle time is probed 0.1 s after keepalive is on).
    const since = fromLastReceive ? this.world.q.now - this.lastRcvAt : 0
    armKeepalive(this, Math.max(0, idle - since))
  }

  setUserTimeout(ms: number): void {
    // macOS TCP_RXT_CONNDROPTIME and Windows TCP_MAXRT count whole seconds: a program asking
    // for 1500 ms there would write 2 (the lab rounds up, so the limit is never shorter).
    const unit = this.world.profile.userTimeout.unit
    this.userTimeoutMs = unit === 's' ? Math.ceil(ms / 1000) * 1000 : ms
  }
}
