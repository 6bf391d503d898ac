/**
 * One TCP socket with C call semantics on top of Node's `net.Socket` (kernel-notes.md:
 * "Node's net module is not the C socket API").
 *
 * - The socket is created paused (`pauseOnConnect`, or paused before connect completes), so
 *   Node does not read from the kernel until the program calls recv(): unread data stays in
 *   the kernel's receive buffer (close then sends RST, as in C) and a FIN or RST is noticed
 *   by the first call that looks, not by Node in the background.
 * - `allowHalfOpen: true`, so a FIN from the peer does not make Node close our side.
 * - An error Node sees while no call is in progress (it reads ahead after the first recv) is
 *   kept and reported once to the next call, like the kernel's pending socket error.
 * - Where Node cannot make the call at all (send after shutdown(SHUT_WR), shutdown(SHUT_RD),
 *   any call after Node destroyed the socket on an error), the result is Linux's documented
 *   rule and the reply carries a note saying so.
 */
import type { Socket } from 'node:net'
import type { CallReturn } from './peer-protocol'

/** Notes keys this module attaches (English text in notes.ts). */
export const SOCKET_NOTES = {
  ruleAfterError: 'kernel.rule-after-error',
  ruleNeverConnected: 'kernel.rule-never-connected',
  ruleSendAfterShutdown: 'kernel.rule-send-after-shutdown',
  ruleShutRd: 'kernel.rule-shut-rd',
  pendingError: 'kernel.pending-error',
} as const

interface Waiter {
  onData(chunk: Buffer): void
  onEnd(): void
  onError(code: string): void
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : 'EIO'
}

/** A connected (or connecting) TCP socket driven like a C program drives its descriptor. */
export class CSocket {
  private readonly rx: Buffer[] = []
  private eof = false
  private pending: string | null = null
  private dead = false
  private rdShut = false
  private wrShut = false
  private waiter: Waiter | null = null

  constructor(
    readonly sock: Socket,
    private connected: boolean,
  ) {
    sock.on('error', (e) => this.failed(codeOf(e)))
    sock.on('end', () => {
      this.eof = true
      this.waiter?.onEnd()
    })
    sock.on('close', () => {
      this.dead = true
    })
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
    else this.pending = code
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

  /** recv(): data first, then a pending error, then EOF; otherwise read from the kernel. */
  recv(max: number, timeoutMs?: number): Promise<CallReturn> {
    if (this.rdShut) return Promise.resolve({ ret: 0, notes: [SOCKET_NOTES.ruleShutRd] })
    const buffered = this.take(max)
    if (buffered > 0) return Promise.resolve({ ret: buffered })
    if (this.pending) {
      const code = this.pending
      this.pending = null
      return Promise.resolve({ ret: -1, code, notes: [SOCKET_NOTES.pendingError] })
    }
    if (this.eof) return Promise.resolve({ ret: 0 })
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
        if (!this.sock.destroyed) this.sock.pause()
        resolve(r)
      }
      const onData = (chunk: Buffer): void => {
        this.rx.push(chunk)
        finish({ ret: this.take(max) })
      }
      this.waiter = {
        onData,
        onEnd: () => finish({ ret: 0 }),
        onError: (code) => finish({ ret: -1, code }),
      }
      // SO_RCVTIMEO does not exist in Node: a timer fails the call the way the kernel would
      // (-1 EAGAIN), and the socket stays open.
      if (timeoutMs !== undefined)
        timer = setTimeout(() => finish({ ret: -1, code: 'EAGAIN' }), timeoutMs)
      this.sock.on('data', onData)
      this.sock.resume()
    })
  }

  /** send(): resolves once every byte is in the kernel's send buffer, or with the error. */
  send(bytes: number): Promise<CallReturn> {
    if (this.pending) {
      const code = this.pending
      this.pending = null
      return Promise.resolve({ ret: -1, code, notes: [SOCKET_NOTES.pendingError] })
    }
    if (this.wrShut) {
      return Promise.resolve({
        ret: -1,
        code: 'EPIPE',
        notes: [SOCKET_NOTES.ruleSendAfterShutdown],
      })
    }
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
        onError: (code) => done({ ret: -1, code }),
      }
      // Node calls back when libuv has handed every byte to the kernel: that is when a
      // blocking send() returns.
      this.sock.write(Buffer.alloc(bytes, 0x61), (error) => {
        done(error ? { ret: -1, code: codeOf(error) } : { ret: bytes })
      })
    })
  }

  /** close(): Node closes the descriptor; the kernel sends FIN, or RST if data is unread. */
  close(): CallReturn {
    this.sock.destroy()
    this.dead = true
    return { ret: 0 }
  }

  /** SO_LINGER {1, 0} then close(): Node's resetAndDestroy does exactly that. */
  abort(): CallReturn {
    if (this.sock.destroyed) return { ret: 0 }
    this.sock.resetAndDestroy()
    this.dead = true
    return { ret: 0 }
  }

  /** shutdown(): SHUT_WR is Node's end(); SHUT_RD has no Node call (see the note). */
  shutdown(how: 'wr' | 'rd' | 'rdwr'): CallReturn {
    if (this.dead || !this.connected) {
      return { ret: -1, code: 'ENOTCONN', notes: [SOCKET_NOTES.ruleNeverConnected] }
    }
    const notes: string[] = []
    if (how !== 'rd') {
      this.wrShut = true
      this.sock.end()
    }
    if (how !== 'wr') {
      // Linux's SHUT_RD sends nothing; afterwards recv returns 0.
      this.rdShut = true
      notes.push(SOCKET_NOTES.ruleShutRd)
    }
    return notes.length ? { ret: 0, notes } : { ret: 0 }
  }

  /** SO_KEEPALIVE with TCP_KEEPIDLE; interval and count come from the namespace sysctls. */
  keepalive(idleS: number): CallReturn {
    if (this.dead) return { ret: -1, code: 'EBADF', notes: [SOCKET_NOTES.ruleAfterError] }
    this.sock.setKeepAlive(true, idleS * 1000)
    return { ret: 0 }
  }
}
