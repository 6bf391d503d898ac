/**
 * Entry of a peer process of the kernel lab: one real socket program (the client, the server
 * or the middlebox relay) driven by the parent over Node's IPC channel. Built as
 * `out/main/peer.js`; run from source with `node --import tsx main/kernel/peer.ts`.
 *
 * Where the socket helper exists (sockctl.ts) the peer was started inside its wrapper and has
 * unconnected sockets (SOCKLAB_SOCKETS): connect() is then a real blocking connect() made by
 * the helper on one of them. Otherwise it is Node's non-blocking connect.
 *
 * The process leads its own process group (helpers included), so a crash kills them all; and
 * it kills that group when the parent goes away (IPC disconnect), so a crashed parent leaves
 * nothing behind.
 */
import { createServer, connect as netConnect, Socket, type Server } from 'node:net'
import { CSocket, SOCKET_NOTES } from './c-socket'
import { isPeerRequest, type CallReturn, type PeerCall, type PeerMessage } from './peer-protocol'
import { Relay } from './relay'
import { SockCtl } from './sockctl'

const HOST = '127.0.0.1'

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

/** The unconnected sockets the wrapper made, and the helper that owns copies of them. */
interface Slots {
  ctl: SockCtl
  /** Descriptors in this process, in order; the helper has them as 3, 4, ... */
  fds: number[]
  next: number
}

/** Everything one peer process holds. */
class Peer {
  private server: Server | null = null
  private readonly backlog: Socket[] = []
  private acceptWaiter: ((s: Socket) => void) | null = null
  private conn: CSocket | null = null
  /** A socket whose helper connect failed: later calls on it go to the helper (real answers). */
  private failed: { helperFd: number } | null = null
  private relay: Relay | null = null
  private readonly all = new Set<Socket>()

  constructor(
    private readonly slots: Slots | null,
    private readonly helper: boolean,
  ) {}

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
        if (failed)
          return this.slots!.ctl.call({ op: 'send', fd: failed.helperFd, bytes: req.bytes })
        return noSocket(req.call)
      case 'recv':
        issued()
        if (this.conn) return this.conn.recv(req.bytes, req.timeoutMs)
        if (failed)
          return this.slots!.ctl.call({ op: 'recv', fd: failed.helperFd, bytes: req.bytes })
        return noSocket(req.call)
      case 'close':
        if (this.conn) return this.conn.close()
        if (failed) return this.slots!.ctl.call({ op: 'close', fd: failed.helperFd })
        this.server?.close()
        this.server = null
        return { ret: 0 }
      case 'shutdown':
        if (this.conn) return this.conn.shutdown(req.how)
        if (failed)
          return this.slots!.ctl.call({ op: 'shutdown', fd: failed.helperFd, how: req.how })
        return noSocket(req.call)
      case 'abort':
        return this.conn ? this.conn.abort() : noSocket(req.call)
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

  private helperRunner(): typeof SockCtl.once | null {
    return this.helper ? SockCtl.once : null
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
    const slots = this.slots
    if (slots && slots.next < slots.fds.length) return this.blockingConnect(slots, port, issued)
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

  /** A real blocking connect() by the helper; on success the descriptor becomes a Socket. */
  private async blockingConnect(slots: Slots, port: number, issued: () => void) {
    const index = slots.next++
    const fd = slots.fds[index]!
    const helperFd = 3 + index
    this.conn = null
    this.failed = null
    const r = await slots.ctl.call({ op: 'connect', fd: helperFd, port }, issued)
    if (r.ret !== 0) {
      this.failed = { helperFd }
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
    this.conn = new CSocket(s, true, SockCtl.once)
    return { ret: 0, localPort: s.localPort }
  }
}

/** The helper for the wrapper's sockets, when the peer was started inside the wrapper. */
async function startSlots(list: string): Promise<Slots | null> {
  const fds = list
    .split(',')
    .filter((f) => f !== '')
    .map(Number)
  return fds.length ? { ctl: await SockCtl.start(fds), fds, next: 0 } : null
}

/** Kills this process's group (the helpers) and exits. */
function die(): never {
  try {
    process.kill(-process.pid, 'SIGKILL')
  } catch {
    // Not a group leader (started without a group of its own): exiting is enough.
  }
  process.exit(0)
}

async function main(): Promise<void> {
  if (!process.send) {
    console.error('peer.ts is started by the kernel lab over IPC; it does nothing on its own.')
    process.exit(2)
  }
  process.on('disconnect', die)
  // Set (possibly empty) when the parent found the socket helper on this host.
  const list = process.env.SOCKLAB_SOCKETS
  let slots: Slots | null = null
  if (list !== undefined) {
    try {
      slots = await startSlots(list)
    } catch (error) {
      send({ type: 'fatal', message: `socket helper: ${String(error)}` })
    }
  }
  const peer = new Peer(slots, list !== undefined)
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
      (r) => send({ type: 'reply', id: raw.id, ...r }),
      (e: unknown) => send({ type: 'reply', id: raw.id, ret: -1, code: codeOf(e) }),
    )
  })
  // Node ignores SIGPIPE already; the parent reports it where a C program would have died.
  send({ type: 'ready', pid: process.pid, helper: list !== undefined })
}

void main()
