/**
 * Entry of a peer process of the kernel lab: one real socket program (the client, the server
 * or the middlebox relay) driven by the parent over Node's IPC channel. Built as
 * `out/main/peer.js`; run from source with `node --import tsx main/kernel/peer.ts`.
 *
 * The process exits when the parent goes away (IPC disconnect), so a crashed parent leaves no
 * peer behind.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net'
import { CSocket, SOCKET_NOTES } from './c-socket'
import { isPeerRequest, type CallReturn, type PeerCall, type PeerMessage } from './peer-protocol'
import { Relay } from './relay'

const HOST = '127.0.0.1'

function send(message: PeerMessage): void {
  if (process.connected) process.send?.(message)
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : 'EIO'
}

/**
 * A call on a socket that was never connected (a script calling send before connect): Node
 * has no such socket, so the answer is Linux's rule (EPIPE for send, ENOTCONN for recv and
 * shutdown), marked as such.
 */
function noSocket(call: PeerCall['call']): CallReturn {
  const notes = [SOCKET_NOTES.ruleNeverConnected]
  if (call === 'send') return { ret: -1, code: 'EPIPE', notes }
  if (call === 'recv' || call === 'shutdown') return { ret: -1, code: 'ENOTCONN', notes }
  return { ret: 0, notes }
}

/** Everything one peer process holds. */
class Peer {
  private server: Server | null = null
  private readonly backlog: Socket[] = []
  private acceptWaiter: ((s: Socket) => void) | null = null
  private conn: CSocket | null = null
  private relay: Relay | null = null
  private readonly all = new Set<Socket>()

  private track(s: Socket): Socket {
    this.all.add(s)
    s.on('close', () => this.all.delete(s))
    return s
  }

  async handle(req: PeerCall): Promise<CallReturn> {
    switch (req.call) {
      case 'listen':
        return this.listen(req.port)
      case 'accept':
        return this.accept()
      case 'connect':
        return this.connect(req.port)
      case 'send':
        return this.conn ? this.conn.send(req.bytes) : noSocket(req.call)
      case 'recv':
        return this.conn ? this.conn.recv(req.bytes, req.timeoutMs) : noSocket(req.call)
      case 'close':
        if (this.conn) return this.conn.close()
        this.server?.close()
        this.server = null
        return { ret: 0 }
      case 'shutdown':
        return this.conn ? this.conn.shutdown(req.how) : noSocket(req.call)
      case 'abort':
        return this.conn ? this.conn.abort() : noSocket(req.call)
      case 'keepalive':
        return this.conn ? this.conn.keepalive(req.idleS) : noSocket(req.call)
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
      this.conn = new CSocket(s, true)
      const fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd
      return { ret: typeof fd === 'number' && fd > 0 ? fd : 4, localPort: s.localPort }
    }
    const queued = this.backlog.shift()
    if (queued) return Promise.resolve(got(queued))
    return new Promise((resolve) => {
      this.acceptWaiter = (s) => resolve(got(s))
    })
  }

  private connect(port: number): Promise<CallReturn> {
    const s = this.track(netConnect({ port, host: HOST, allowHalfOpen: true }))
    // Paused before the handshake completes, so Node never reads before a recv().
    s.pause()
    const c = new CSocket(s, false)
    this.conn = c
    return new Promise((resolve) => {
      const onError = (e: unknown): void => resolve({ ret: -1, code: codeOf(e) })
      s.once('error', onError)
      s.once('connect', () => {
        s.off('error', onError)
        c.markConnected()
        resolve({ ret: 0, localPort: s.localPort })
      })
    })
  }
}

function main(): void {
  if (!process.send) {
    console.error('peer.ts is started by the kernel lab over IPC; it does nothing on its own.')
    process.exit(2)
  }
  const peer = new Peer()
  process.on('message', (raw: unknown) => {
    if (!isPeerRequest(raw)) {
      send({ type: 'fatal', message: `bad request ${JSON.stringify(raw)}` })
      return
    }
    peer.handle(raw.req).then(
      (r) => send({ type: 'reply', id: raw.id, ...r }),
      (e: unknown) => send({ type: 'reply', id: raw.id, ret: -1, code: codeOf(e) }),
    )
  })
  // Node ignores SIGPIPE already; the parent reports it where a C program would have died.
  process.on('disconnect', () => process.exit(0))
  send({ type: 'ready', pid: process.pid })
}

main()
