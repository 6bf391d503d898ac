/**
 * The middlebox topology: a relay (a NAT or proxy that terminates TCP on each side, the
 * article's send.nat-ack case). It does what the kernel lab's relay program does
 * (main/kernel/perl-relay.ts: a select() loop over non-blocking sockets), on real TCP sockets
 * of its own host:
 * - it listens on the script's port from the start, so its kernel completes the client's
 *   handshake before the relay knows anything about the server: connect() returns 0 even
 *   when nothing listens behind it;
 * - it accepts each connection as soon as its handshake is done and makes a non-blocking
 *   connect() to the server; until that finishes it reads nothing from the client (its kernel
 *   still ACKs and queues the client's data);
 * - when the far connect fails (refused, timed out, an ICMP error) it resets the client's
 *   connection (SO_LINGER {1, 0} and close); so the client sees 0, then an RST;
 * - once connected it always reads both sides, even while held (its kernel keeps ACKing and
 *   the bytes wait in the relay's own memory), and unless held writes them to the other side,
 *   then the FIN (shutdown(SHUT_WR)) once a side's end of stream is copied; an error reading
 *   or writing one side resets the other; when both directions are shut it closes both.
 * `hold` stops the writing; `release` resumes it. The far connect and its failure do not wait
 * for a release.
 */
import type { Host } from '../host'
import type { TcpSocket } from '../tcp/index'

type Side = 'c' | 's'

interface Pair {
  /** The client's connection, accepted on the relay's listener. */
  c: TcpSocket
  /** The relay's own connection to the server. */
  s: TcpSocket
  /** The far connect() has not finished yet. */
  connecting: boolean
  /** Bytes read from each side and not yet written to the other (the relay's memory). */
  buf: Record<Side, number>
  /** Each side's end of stream was read. */
  eof: Record<Side, boolean>
  /** Each side's end of stream was passed on (shutdown(SHUT_WR) of the other side). */
  shut: Record<Side, boolean>
  dead: boolean
}

const OTHER: Record<Side, Side> = { c: 's', s: 'c' }

/** A TCP-terminating relay on the `middlebox` host. */
export class Middlebox {
  private pairs: Pair[] = []
  private held = false
  private readonly listener: TcpSocket

  constructor(
    private readonly host: Host,
    /** The port the relay listens on, and connects to on the server (the script's port). */
    private readonly port: number,
  ) {
    this.listener = host.tcp.listen(port, host.world.profile.backlog)
  }

  /** `hold` (true) / `release` (false). */
  hold(on: boolean): void {
    this.held = on
    this.host.world.trace.note(on ? 'middlebox-hold' : 'middlebox-release', undefined, 'net')
    if (!on) this.pump()
  }

  /** One turn of the relay's loop; called once everything at an instant has been handled. */
  pump(): void {
    for (let c = this.listener.accept(); c; c = this.listener.accept()) {
      const s = this.host.tcp.connect('server', this.port, 'relay connect', false)
      this.pairs.push({
        c,
        s,
        connecting: true,
        buf: { c: 0, s: 0 },
        eof: { c: false, s: false },
        shut: { c: false, s: false },
        dead: false,
      })
    }
    for (const p of this.pairs) this.turn(p)
    if (this.pairs.some((p) => p.dead)) this.pairs = this.pairs.filter((p) => !p.dead)
  }

  /**
   * The relay's select() loop for one pair, run until nothing moves: each round reads each
   * side once (its bytes, or its end of stream, or its error), then, unless held, writes.
   */
  private turn(p: Pair): void {
    if (p.connecting) {
      // Writable once the connect finished; SO_ERROR says how (perl-relay.ts).
      if (p.s.state === 'SYN_SENT' || p.s.state === 'SYN_RCVD') return
      if (p.s.takeError() || p.s.state === 'CLOSED') {
        p.c.abort()
        p.s.close()
        p.dead = true
        return
      }
      p.connecting = false
    }
    for (let moved = true; moved && !p.dead;) {
      moved = false
      for (const side of ['c', 's'] as const) {
        if (!p.dead && !p.eof[side]) moved = this.read(p, side) || moved
      }
      if (p.dead || this.held) return
      for (const side of ['c', 's'] as const) if (!p.dead) this.write(p, side)
      if (!p.dead && p.shut.c && p.shut.s) {
        p.c.close()
        p.s.close()
        p.dead = true
      }
    }
  }

  /**
   * One non-blocking read of `side`, in Linux tcp_recvmsg's order: queued bytes; else the
   * FIN (SOCK_DONE) before a pending error; else the error (the relay resets the other side
   * and closes this one); else 0 for a socket shut for reading; else ENOTCONN for a closed
   * one (an error too). False when it would block (EAGAIN).
   */
  private read(p: Pair, side: Side): boolean {
    const h = p[side]
    if (h.unread > 0) {
      p.buf[side] += h.read(h.unread)
      return true
    }
    if (h.finReceived || (!h.err && h.rdShut)) {
      p.eof[side] = true
      return true
    }
    if (h.err || h.state === 'CLOSED') {
      h.takeError()
      p[OTHER[side]].abort()
      h.close()
      p.dead = true
      return true
    }
    return false
  }

  /** Writes what was read from `side` to the other side, then its FIN once all is written. */
  private write(p: Pair, side: Side): void {
    const to = p[OTHER[side]]
    if (p.buf[side] > 0) {
      // tcp_sendmsg: a pending error, or SEND_SHUTDOWN, or no connection fails the write;
      // the relay then resets the side it read from and closes this one.
      if (to.err || to.wrShut || to.state === 'CLOSED') {
        to.takeError()
        p[side].abort()
        to.close()
        p.dead = true
        return
      }
      p.buf[side] -= to.write(p.buf[side])
    }
    if (p.buf[side] === 0 && p.eof[side] && !p.shut[side]) {
      if (to.state !== 'CLOSED') to.shutdown('wr')
      p.shut[side] = true
    }
  }
}
