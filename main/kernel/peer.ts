/**
 * Entry of a peer process of the kernel lab: one real socket program (the client, the server
 * or the middlebox relay) driven by the parent over Node's IPC channel. Built as
 * `out/main/peer.js`; run from source with `node --import tsx main/kernel/peer.ts`.
 *
 * Where the socket helper exists (sockctl.ts) the peer was started by its launcher, which
 * made unconnected sockets for it (SOCKLAB_SOCKETS) and answers on SOCKLAB_HELPER_FD:
 * connect() is then a real blocking connect() made by the launcher on one of them, and the
 * calls Node cannot make go to it too. Otherwise connect is Node's non-blocking one.
 *
 * The launcher leads a process group of its own (the peer and any helper included), so a
 * crash kills them all; the peer kills that group when the parent goes away (IPC
 * disconnect), so a crashed parent leaves nothing behind.
 */
import { readFileSync } from 'node:fs'
import { createServer, connect as netConnect, Socket, type Server } from 'node:net'
import { CSocket, SOCKET_NOTES, type HelperRunner } from './c-socket'
import { isPeerRequest, type CallReturn, type PeerCall, type PeerMessage } from './peer-protocol'
import { Relay } from './relay'
import { SockCtl, type HelperOp } from './sockctl'

const HOST = '127.0.0.1'

/** The machine's monotonic clock in ms (the parent reads the same clock). */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

function send(message: PeerMessage): void {
  if (process.connected) process.send?.(message)
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : 'EIO'
}

/**
 * A call on a socket that was never created (a script calling send before connect): there
 * is no descriptor to ask, so the answer is Linux's rule (EPIPE for send, ENOTCONN for recv
 * and shutdown), marked as such.
 */
function noSocket(call: PeerCall['call']): CallReturn {
  const notes = [SOCKET_NOTES.ruleNeverConnected]
  if (call === 'send') return { ret: -1, code: 'EPIPE', notes }
  if (call === 'recv' || call === 'shutdown') return { ret: -1, code: 'ENOTCONN', notes }
  return { ret: 0, notes }
}

/** Options `net.Socket` accepts but its types omit. */
interface FdSocketOptions {
  fd: number
  allowHalfOpen: boolean
  readable: boolean
  writable: boolean
  /** Node's own option (net.Server's pauseOnConnect uses it): do not start reading. */
  pauseOnCreate: boolean
}

/** The launcher's channel and the unconnected sockets it made for this peer. */
interface Launcher {
  ctl: SockCtl
  /** Descriptors in this process, in order; the launcher names them s0, s1, ... */
  fds: number[]
  next: number
}

/**
 * Runs a call Node cannot make on one of this peer's sockets: through the launcher (it
 * fetches the descriptor with pidfd_getfd), or in a one-shot helper where that is refused.
 */
function helperRunner(launcher: Launcher | null): HelperRunner {
  return async (socket: Socket, op: HelperOp) => {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd
    if (launcher && typeof fd === 'number' && fd >= 0) {
      const r = await launcher.ctl.call({ ...op, ref: `n${fd}` } as Parameters<SockCtl['call']>[0])
      if (!r.unreachable) return r
    }
    return SockCtl.once(socket, op)
  }
}

/** Everything one peer process holds. */
class Peer {
  private server: Server | null = null
  private readonly backlog: Socket[] = []
  private acceptWaiter: ((s: Socket) => void) | null = null
  private conn: CSocket | null = null
  /** A socket whose helper connect failed: later calls on it go to the helper (real answers). */
  private failed: { ref: string } | null = null
  private relay: Relay | null = null
  private readonly all = new Set<Socket>()

  constructor(private readonly launcher: Launcher | null) {}

  private track(s: Socket): Socket {
    this.all.add(s)
    s.on('close', () => this.all.delete(s))
    return s
  }

  async handle(req: PeerCall, issued: () => void): Promise<CallReturn> {
    const failed = this.failed && !this.conn ? this.failed : null
    switch (req.call) {
      case 'listen':
        return this.listen(req.port)
      case 'accept':
        issued()
        return this.accept()
      case 'connect':
        return this.connect(req.port, issued)
      case 'send':
        if (this.conn) return this.conn.send(req.bytes, issued)
        if (failed) return this.onFailed({ op: 'send', ref: failed.ref, bytes: req.bytes })
        return noSocket(req.call)
      case 'recv':
        issued()
        if (this.conn) return this.conn.recv(req.bytes, req.timeoutMs)
        if (failed) return this.onFailed({ op: 'recv', ref: failed.ref, bytes: req.bytes })
        return noSocket(req.call)
      case 'close':
      case 'abort':
        if (this.conn && !this.conn.isClosed) {
          return req.call === 'close' ? this.conn.close() : this.conn.abort()
        }
        if (failed && req.call === 'close') return this.onFailed({ op: 'close', ref: failed.ref })
        if (this.server) {
          // The connection is gone already: the next descriptor closed is the listener.
          this.server.close()
          this.server = null
          return { ret: 0 }
        }
        // The program's descriptors are all closed: EBADF from the one it had.
        return this.conn ? this.conn.close() : { ret: 0 }
      case 'shutdown':
        if (this.conn) return this.conn.shutdown(req.how)
        if (failed) return this.onFailed({ op: 'shutdown', ref: failed.ref, how: req.how })
        return noSocket(req.call)
      case 'keepalive':
        return this.conn ? this.conn.keepalive(req) : noSocket(req.call)
      case 'reset-all-and-exit':
        for (const s of this.all) if (!s.destroyed) s.resetAndDestroy()
        this.server?.close()
        // Give libuv one turn to close the descriptors (the RSTs leave then), then die.
        setTimeout(() => process.exit(0), 5)
        return { ret: 0 }
      case 'relay':
        this.relay = new Relay(HOST, req.serverPort)
        return this.relay.listen(req.listenPort)
      case 'hold':
        this.relay?.hold()
        return { ret: 0 }
      case 'release':
        this.relay?.release()
        return { ret: 0 }
    }
  }

  private helperRunner(): HelperRunner | null {
    return this.launcher ? helperRunner(this.launcher) : null
  }

  /** A call on the socket whose connect failed: the launcher still holds it. */
  private async onFailed(command: Parameters<SockCtl['call']>[0]): Promise<CallReturn> {
    const { unreachable: _u, ...r } = await this.launcher!.ctl.call(command)
    return r
  }

  private listen(port: number): Promise<CallReturn> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => {
      this.track(s)
      if (this.acceptWaiter) {
        const w = this.acceptWaiter
        this.acceptWaiter = null
        w(s)
      } else this.backlog.push(s)
    })
    this.server = server
    return new Promise((resolve) => {
      server.once('error', (e) => resolve({ ret: -1, code: codeOf(e) }))
      server.listen({ port, host: HOST, backlog: 128 }, () => resolve({ ret: 0, localPort: port }))
    })
  }

  private accept(): Promise<CallReturn> {
    const got = (s: Socket): CallReturn => {
      this.conn = new CSocket(s, true, this.helperRunner())
      const fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd
      return { ret: typeof fd === 'number' && fd > 0 ? fd : 4, localPort: s.localPort }
    }
    const queued = this.backlog.shift()
    if (queued) return Promise.resolve(got(queued))
    return new Promise((resolve) => {
      this.acceptWaiter = (s) => resolve(got(s))
    })
  }

  private connect(port: number, issued: () => void): Promise<CallReturn> {
    const launcher = this.launcher
    if (launcher && launcher.next < launcher.fds.length) {
      return this.blockingConnect(launcher, port, issued)
    }
    const s = this.track(netConnect({ port, host: HOST, allowHalfOpen: true }))
    // Paused before the handshake completes, so Node never reads before a recv().
    s.pause()
    const c = new CSocket(s, false, null)
    this.conn = c
    // Node makes the connect() call on the next tick.
    setImmediate(issued)
    return new Promise((resolve) => {
      const onError = (e: unknown): void =>
        resolve({ ret: -1, code: codeOf(e), notes: ['kernel.nonblocking-connect'] })
      s.once('error', onError)
      s.once('connect', () => {
        s.off('error', onError)
        c.markConnected()
        resolve({ ret: 0, localPort: s.localPort })
      })
    })
  }

  /** A real blocking connect() by the launcher; on success the descriptor becomes a Socket. */
  private async blockingConnect(launcher: Launcher, port: number, issued: () => void) {
    const index = launcher.next++
    const fd = launcher.fds[index]!
    const ref = `s${index}`
    this.conn = null
    this.failed = null
    const { unreachable: _u, ...r } = await launcher.ctl.call({ op: 'connect', ref, port }, issued)
    if (r.ret !== 0) {
      this.failed = { ref }
      return r
    }
    const options: FdSocketOptions = {
      fd,
      allowHalfOpen: true,
      readable: true,
      writable: true,
      pauseOnCreate: true,
    }
    const s = this.track(new Socket(options as ConstructorParameters<typeof Socket>[0]))
    this.conn = new CSocket(s, true, helperRunner(launcher))
    return { ret: 0, localPort: s.localPort }
  }
}

/** The launcher's channel and sockets, when this peer was started by it. */
function launcherOf(env: NodeJS.ProcessEnv): Launcher | null {
  const channel = env.SOCKLAB_HELPER_FD
  if (channel === undefined) return null
  const fds = (env.SOCKLAB_SOCKETS ?? '')
    .split(',')
    .filter((f) => f !== '')
    .map(Number)
  const socket = new Socket({ fd: Number(channel), readable: true, writable: true })
  // The channel must not keep the peer alive once the parent has gone.
  socket.unref()
  return { ctl: SockCtl.fromLauncher(socket), fds, next: 0 }
}

/** Kills this process's group (launcher, helpers) when it leads or its launcher does, and exits. */
function die(): never {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
    if (pgrp === process.pid || pgrp === process.ppid) process.kill(-pgrp, 'SIGKILL')
  } catch {
    // No /proc (not Linux), or the group is gone: exiting is enough.
  }
  process.exit(0)
}

function main(): void {
  if (!process.send) {
    console.error('peer.ts is started by the kernel lab over IPC; it does nothing on its own.')
    process.exit(2)
  }
  process.on('disconnect', die)
  const peer = new Peer(launcherOf(process.env))
  process.on('message', (raw: unknown) => {
    if (!isPeerRequest(raw)) {
      send({ type: 'fatal', message: `bad request ${JSON.stringify(raw)}` })
      return
    }
    let said = false
    const issued = (): void => {
      if (said) return
      said = true
      send({ type: 'issued', id: raw.id })
    }
    peer.handle(raw.req, issued).then(
      (r) => send({ type: 'reply', id: raw.id, ...r, doneAt: monotonicMs() }),
      (e: unknown) =>
        send({ type: 'reply', id: raw.id, ret: -1, code: codeOf(e), doneAt: monotonicMs() }),
    )
  })
  // Node ignores SIGPIPE already; the parent reports it where a C program would have died.
  send({ type: 'ready', pid: process.pid, helper: process.env.SOCKLAB_HELPER_FD !== undefined })
}

main()
