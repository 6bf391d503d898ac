/**
 * One TCP socket with C call semantics on top of Node's `net.Socket` (kernel-notes.md:
 * "Node's net module is not the C socket API").
 *
 * - Node reads from the kernel only inside a recv(): the socket is created with its handle
 *   stopped, and every recv stops it again as soon as one chunk arrived (what `pause()` does
 *   for a socket with `onread`; a plain socket's `pause()` would let libuv read ahead up to the
 *   stream's high-water mark). So unread data stays in the kernel's receive buffer, a window
 *   can close, and a FIN or RST is noticed by the first call that looks, as in C.
 * - `allowHalfOpen: true`, so a FIN from the peer does not make Node close our side.
 * - An error is reported once, to the first call that looks (the kernel's pending socket
 *   error), never twice: Node emits a write error both to the write callback and as 'error'.
 * - Calls Node cannot make go to the socket helper (sockctl.ts) on the same socket where the
 *   host has it: exact keepalive interval and count, shutdown(SHUT_RD), send after
 *   shutdown(SHUT_WR) (a real EPIPE, without Node destroying a half-closed socket).
 * - After Node has destroyed the socket on an error its descriptor is gone, so later calls
 *   get Linux's documented answer (recv 0, send EPIPE), and the reply carries a note saying
 *   so. Bytes Node read beyond a recv's size count as unread: close() then resets, as the
 *   kernel does when it closes a socket with unread data.
 */
import type { Socket } from 'node:net'
import type { CallReturn } from './peer-protocol'
import { SockCtl, type HelperOp } from './sockctl'

/** Notes keys this module attaches (English text in notes.ts). */
export const SOCKET_NOTES = {
  ruleAfterError: 'kernel.rule-after-error',
  ruleClosedFd: 'kernel.rule-closed-fd',
  ruleNeverConnected: 'kernel.rule-never-connected',
  ruleSendAfterShutdown: 'kernel.rule-send-after-shutdown',
  ruleShutRd: 'kernel.rule-shut-rd',
  pendingError: 'kernel.pending-error',
  rcvtimeoTimer: 'kernel.rcvtimeo-timer',
  keepaliveLibuv: 'kernel.keepalive-libuv',
  unreadInNode: 'kernel.unread-read-ahead',
} as const

/** Keepalive timings for one socket. */
export interface KeepaliveTimes {
  idleS: number
  intervalS: number
  count: number
}

/** Runs one helper command on a socket (injectable for tests). */
export type HelperRunner = (socket: Socket, command: HelperOp) => Promise<CallReturn>

interface Waiter {
  onData(chunk: Buffer): void
  onEnd(): void
  onError(code: string): void
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : 'EIO'
}

/**
 * Node's handle: `readStop`/`readStart` and the `reading` flag are what `pause()` and
 * `_read()` use for sockets read with `onread` (lib/net.js tryReadStart).
 */
interface StreamHandle {
  reading?: boolean
  readStop?(): number
  readStart?(): number
}

/** A connected (or connecting) TCP socket driven like a C program drives its descriptor. */
export class CSocket {
  private readonly rx: Buffer[] = []
  private eof = false
  private pending: string | null = null
  /** An error already went to a call: Node's echo of it must not become pending again. */
  private reported = false
  private dead = false
  /** The program closed or aborted this descriptor: every later call is EBADF. */
  private closedByProgram = false
  /** shutdown(SHUT_RD) by Linux's rule (no helper): recv returns 0. */
  private rdShut = false
  /** shutdown(SHUT_RD) made for real by the helper: recv asks the kernel through it. */
  private rdShutReal = false
  private wrShut = false
  private waiter: Waiter | null = null

  /**
   * `helper` runs the calls Node cannot make; null where the host has no helper (then the
   * notes say which answer is a rule rather than the kernel's).
   */
  constructor(
    readonly sock: Socket,
    private connected: boolean,
    private readonly helper: HelperRunner | null = SockCtl.once,
  ) {
    sock.on('error', (e) => this.failed(codeOf(e)))
    sock.on('end', () => {
      this.eof = true
      this.waiter?.onEnd()
    })
    sock.on('close', () => {
      this.dead = true
    })
    this.stopReading()
  }

  /** Marks the handshake done (connect returned 0). */
  markConnected(): void {
    this.connected = true
  }

  /** The local port, once bound. */
  get localPort(): number | undefined {
    return this.sock.localPort
  }

  private failed(code: string): void {
    if (this.waiter) this.waiter.onError(code)
    else if (!this.reported) this.pending = code
  }

  /** True once the program closed (or aborted) this descriptor. */
  get isClosed(): boolean {
    return this.closedByProgram
  }

  /** A call on a descriptor the program already closed: C gets EBADF. */
  private badDescriptor(): CallReturn {
    return { ret: -1, code: 'EBADF', notes: [SOCKET_NOTES.ruleClosedFd] }
  }

  private deliver(code: string, notes?: string[]): CallReturn {
    this.reported = true
    return notes ? { ret: -1, code, notes } : { ret: -1, code }
  }

  private get handle(): StreamHandle | null {
    return (this.sock as unknown as { _handle?: StreamHandle | null })._handle ?? null
  }

  /** Stops libuv reading from the kernel (see the module comment). */
  private stopReading(): void {
    const handle = this.handle
    if (handle?.reading && handle.readStop) {
      handle.reading = false
      handle.readStop()
    }
    if (!this.sock.destroyed) this.sock.pause()
  }

  /**
   * Lets libuv read again. `resume()` alone does not when the stream still waits for the
   * data of an earlier read request (a recv that timed out): the handle must restart too.
   */
  private startReading(): void {
    this.sock.resume()
    const handle = this.handle
    if (handle && !handle.reading && handle.readStart && !this.sock.destroyed) {
      handle.reading = true
      handle.readStart()
    }
  }

  private take(max: number): number {
    let n = 0
    while (this.rx.length > 0 && n < max) {
      const head = this.rx[0]!
      const used = Math.min(head.length, max - n)
      n += used
      if (used === head.length) this.rx.shift()
      else this.rx[0] = head.subarray(used)
    }
    return n
  }

  private get unread(): number {
    return this.rx.reduce((n, b) => n + b.length, 0) + this.sock.readableLength
  }

  /** recv(): data first, then a pending error, then EOF; otherwise read from the kernel. */
  recv(max: number, timeoutMs?: number): Promise<CallReturn> {
    if (this.closedByProgram) return Promise.resolve(this.badDescriptor())
    const buffered = this.take(max)
    if (buffered > 0) return Promise.resolve({ ret: buffered })
    if (this.pending) {
      const code = this.pending
      this.pending = null
      return Promise.resolve(this.deliver(code, [SOCKET_NOTES.pendingError]))
    }
    if (this.eof) return Promise.resolve({ ret: 0 })
    if (this.rdShut) return Promise.resolve({ ret: 0, notes: [SOCKET_NOTES.ruleShutRd] })
    // After a real SHUT_RD a recv never blocks (0 on an empty queue, yet data that arrives
    // later is still read); Node would take that first 0 for EOF for good, so the helper asks.
    if (this.rdShutReal && this.helper && !this.dead) {
      return this.helper(this.sock, { op: 'recv', bytes: max }).then((r) =>
        r.ret === -1 && r.code ? this.deliver(r.code) : r,
      )
    }
    if (this.dead) {
      return Promise.resolve(
        this.connected
          ? { ret: 0, notes: [SOCKET_NOTES.ruleAfterError] }
          : { ret: -1, code: 'ENOTCONN', notes: [SOCKET_NOTES.ruleNeverConnected] },
      )
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const finish = (r: CallReturn): void => {
        if (timer) clearTimeout(timer)
        this.waiter = null
        this.sock.off('data', onData)
        this.stopReading()
        resolve(r)
      }
      const onData = (chunk: Buffer): void => {
        this.rx.push(chunk)
        finish({ ret: this.take(max) })
      }
      this.waiter = {
        onData,
        onEnd: () => finish({ ret: 0 }),
        onError: (code) => finish(this.deliver(code)),
      }
      // SO_RCVTIMEO has no Node equivalent: a timer fails the call the way the kernel would
      // (-1 EAGAIN) and the socket stays open.
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () => finish({ ret: -1, code: 'EAGAIN', notes: [SOCKET_NOTES.rcvtimeoTimer] }),
          timeoutMs,
        )
      }
      this.sock.on('data', onData)
      this.startReading()
    })
  }

  /**
   * send(): resolves once every byte is in the kernel's send buffer, or with the error.
   * `onIssued` runs once the bytes were handed to the kernel's first write.
   */
  send(bytes: number, onIssued?: () => void): Promise<CallReturn> {
    if (this.closedByProgram) return Promise.resolve(this.badDescriptor())
    if (this.pending) {
      const code = this.pending
      this.pending = null
      return Promise.resolve(this.deliver(code, [SOCKET_NOTES.pendingError]))
    }
    if (this.wrShut && !this.dead) return this.sendAfterShutdown(bytes)
    if (this.dead || !this.connected) {
      return Promise.resolve({
        ret: -1,
        code: 'EPIPE',
        notes: [this.connected ? SOCKET_NOTES.ruleAfterError : SOCKET_NOTES.ruleNeverConnected],
      })
    }
    return new Promise((resolve) => {
      let settled = false
      const done = (r: CallReturn): void => {
        if (settled) return
        settled = true
        this.waiter = null
        resolve(r)
      }
      // A write error also arrives as 'error'; route it here, not to the pending slot.
      this.waiter = {
        onData: () => undefined,
        onEnd: () => undefined,
        onError: (code) => done(this.deliver(code)),
      }
      // Node calls back when libuv has handed every byte to the kernel: that is when a
      // blocking send() returns.
      this.sock.write(Buffer.alloc(bytes, 0x61), (error) => {
        done(error ? this.deliver(codeOf(error)) : { ret: bytes })
      })
      onIssued?.()
    })
  }

  /** After shutdown(SHUT_WR): the helper's send() on the same socket gets the kernel's EPIPE. */
  private async sendAfterShutdown(bytes: number): Promise<CallReturn> {
    if (this.helper) return this.helper(this.sock, { op: 'send', bytes })
    return { ret: -1, code: 'EPIPE', notes: [SOCKET_NOTES.ruleSendAfterShutdown] }
  }

  /**
   * close(): Node closes the descriptor; the kernel sends FIN, or RST if data is unread.
   * Bytes Node already took from the kernel but the program never read are unread too.
   */
  close(): CallReturn {
    if (this.closedByProgram) return this.badDescriptor()
    this.closedByProgram = true
    if (!this.sock.destroyed && this.unread > 0) {
      this.sock.resetAndDestroy()
      this.dead = true
      return { ret: 0, notes: [SOCKET_NOTES.unreadInNode] }
    }
    this.sock.destroy()
    this.dead = true
    return { ret: 0 }
  }

  /** SO_LINGER {1, 0} then close(): Node's resetAndDestroy does exactly that. */
  abort(): CallReturn {
    if (this.closedByProgram) return this.badDescriptor()
    this.closedByProgram = true
    if (this.sock.destroyed) return { ret: 0 }
    this.sock.resetAndDestroy()
    this.dead = true
    return { ret: 0 }
  }

  /**
   * shutdown(): SHUT_WR is Node's end() (it flushes, then shuts the write side); SHUT_RD
   * goes to the helper (Node has no such call); without a helper it is Linux's rule.
   */
  async shutdown(how: 'wr' | 'rd' | 'rdwr'): Promise<CallReturn> {
    if (this.closedByProgram) return this.badDescriptor()
    if (this.dead || !this.connected) {
      return { ret: -1, code: 'ENOTCONN', notes: [SOCKET_NOTES.ruleNeverConnected] }
    }
    if (how === 'wr' && this.helper) {
      // The kernel answers for its socket: ENOTCONN once an RST has closed it, which Node
      // (not reading) has not noticed yet. Later sends go through the helper too, so they
      // get the kernel's EPIPE without Node tearing the socket down.
      const r = await this.helper(this.sock, { op: 'shutdown', how: 'wr' })
      if (r.ret === 0) this.wrShut = true
      return r
    }
    if (how !== 'wr') {
      if (this.helper) {
        const r = await this.helper(this.sock, { op: 'shutdown', how: 'rd' })
        if (r.ret !== 0) return r
        this.rdShutReal = true
      } else this.rdShut = true
    }
    if (how !== 'rd') {
      this.wrShut = true
      this.sock.end()
    }
    return how !== 'wr' && !this.helper ? { ret: 0, notes: [SOCKET_NOTES.ruleShutRd] } : { ret: 0 }
  }

  /**
   * SO_KEEPALIVE with the run's idle time, interval and count. The helper sets all three on
   * the socket; Node alone can set only the idle time (libuv forces 1 s and 10 probes).
   */
  async keepalive(t: KeepaliveTimes): Promise<CallReturn> {
    if (this.closedByProgram) return this.badDescriptor()
    if (this.dead) return { ret: -1, code: 'EBADF', notes: [SOCKET_NOTES.ruleAfterError] }
    if (this.helper) return this.helper(this.sock, { op: 'keepalive', ...t })
    this.sock.setKeepAlive(true, t.idleS * 1000)
    return { ret: 0, notes: [SOCKET_NOTES.keepaliveLibuv] }
  }
}
