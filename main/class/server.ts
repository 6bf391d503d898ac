/**
 * The class server of a live class (docs/live-class.md, decision 011): one `node:http` server
 * and one WebSocket endpoint (the `ws` library) that serve a single class and nothing else.
 *
 * - Every request names the class's join code as its first path segment: `/<CODE>/` is the
 *   student page, `/<CODE>/assets/<file>` its files (a fixed list held in memory,
 *   main/class/student-files.ts), `/<CODE>/ws` the answers channel. Anything else, a wrong
 *   code included, is a bare 404; an address that keeps guessing codes gets 429 for a while.
 * - The answers channel speaks shared/class/protocol.ts: every message is validated; sizes,
 *   message rates, sockets and students are capped. The WebSocket must come from the class's
 *   own page (its Origin is this server).
 * - No lab backend, no contract call, no file of the teacher is reachable from here: the server
 *   holds a {@link ClassSession} and the page's bytes, and the teacher drives it from the app.
 * - {@link ClassServer.close} ends the class: every student gets `ended`, then a close frame
 *   (code 4000), then the listener stops.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { normalizeJoinCode, sameSecret } from '../../shared/class/code'
import {
  CLASS_PROTOCOL,
  CLOSE_CODES,
  MAX_STUDENT_MESSAGE,
  readStudentMessage,
  type Refusal,
  type ServerMessage,
} from '../../shared/class/protocol'
import type { ClassSession } from '../../shared/class/session'
import type { StudentFile, StudentPage } from './student-files'

/** The server's caps. */
export interface ClassLimits {
  /** WebSockets open at once, joined or not. */
  maxSockets: number
  /** A socket that has not joined by then is closed. */
  joinTimeoutMs: number
  /** Messages a socket may send: a bucket of `burst`, refilled at `perSecond`. */
  perSecond: number
  burst: number
  /** Requests with a wrong code one address may make in a minute before it gets 429. */
  badCodesPerMinute: number
  /** A socket that does not answer a ping within this is dropped (its student shows gone). */
  pingMs: number
}

/** Defaults: a class of up to 500, a student who clicks, not a script. */
export const DEFAULT_CLASS_LIMITS: ClassLimits = {
  maxSockets: 600,
  joinTimeoutMs: 20_000,
  perSecond: 5,
  burst: 30,
  badCodesPerMinute: 30,
  pingMs: 20_000,
}

/** WebSocket close codes the student page reads (shared/class/limits.ts). */
export const CLOSE = CLOSE_CODES

/** Options of {@link startClassServer}. */
export interface ClassServerOptions {
  session: ClassSession
  page: StudentPage
  /** The address to listen on: 127.0.0.1 unless the teacher opted into the room network. */
  host: string
  /** 0 picks a free port. */
  port: number
  limits?: Partial<ClassLimits>
  now?: () => Date
  /** Called after anything that changes what the teacher sees. */
  onChange?: () => void
}

/** A running class server. */
export interface ClassServer {
  host: string
  port: number
  /** Sockets open now. */
  sockets(): number
  /** Sends every joined student their view again (after the teacher changed something). */
  broadcast(): void
  /** Ends the class: `ended` to every student, close frames, then the listener stops. */
  close(): Promise<void>
}

/** Thrown when the port is taken: the message says which and what to do. */
export class ClassPortInUseError extends Error {
  override readonly name = 'ClassPortInUseError'
}

interface Peer {
  studentId?: string
  connection?: number
  tokens: number
  refilled: number
  alive: boolean
  joinTimer?: ReturnType<typeof setTimeout>
}

/** Starts serving one class; rejects with {@link ClassPortInUseError} when the port is taken. */
export async function startClassServer(options: ClassServerOptions): Promise<ClassServer> {
  const limits = { ...DEFAULT_CLASS_LIMITS, ...options.limits }
  const { session, page } = options
  const now = options.now ?? (() => new Date())
  const changed = options.onChange ?? (() => undefined)
  const peers = new Map<WebSocket, Peer>()
  const byConnection = new Map<number, WebSocket>()
  const guesses = new Map<string, { count: number; since: number }>()
  let closing: Promise<void> | undefined

  /** The code a path starts with, if it is this class's; else why not. */
  const codeOf = (req: IncomingMessage): { rest: string } | 'wrong' | 'blocked' => {
    const address = req.socket.remoteAddress ?? '?'
    const seen = guesses.get(address)
    const t = Date.now()
    if (seen && t - seen.since < 60_000 && seen.count >= limits.badCodesPerMinute) return 'blocked'
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/'
    const match = /^\/([^/]{1,16})(\/.*)?$/.exec(path)
    const given = match ? normalizeJoinCode(match[1]!) : undefined
    if (given !== undefined && sameSecret(given, session.code)) return { rest: match?.[2] ?? '' }
    if (!seen || t - seen.since >= 60_000) guesses.set(address, { count: 1, since: t })
    else seen.count += 1
    if (guesses.size > 10_000) guesses.clear() // never a memory sink
    return 'wrong'
  }

  const server = createServer((req, res) => {
    const code = codeOf(req)
    if (code === 'blocked') return plain(res, 429, 'Too many wrong codes: wait a minute.')
    if (code === 'wrong') return plain(res, 404, 'Not found')
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return plain(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' })
    const { rest } = code
    if (rest === '') {
      // `/<CODE>` as typed: the page's relative asset paths need the slash.
      const path = (req.url ?? '/').split('?', 1)[0]!
      res.writeHead(302, { ...baseHeaders(), Location: `${path}/` }).end()
      return
    }
    const file = rest === '/' ? page.index : page.assets.get(rest.slice(1))
    if (!file) return plain(res, 404, 'Not found')
    send(req, res, file)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_STUDENT_MESSAGE })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string, why: string): void => {
      socket.end(
        `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`,
      )
      socket.destroy()
    }
    const code = codeOf(req)
    if (code === 'blocked') return refuse('429 Too Many Requests', 'Too many wrong codes.')
    if (code === 'wrong' || code.rest !== '/ws') return refuse('404 Not Found', 'Not found')
    // Only the class's own page: a page elsewhere that learned the code cannot join for it.
    const origin = req.headers.origin
    if (origin === undefined || origin !== `http://${req.headers.host ?? ''}`)
      return refuse('403 Forbidden', 'Open the class from its join link.')
    if (closing || session.ended) return refuse('410 Gone', 'The class has ended.')
    if (wss.clients.size >= limits.maxSockets)
      return refuse('503 Service Unavailable', 'The class is full.')
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  const say = (ws: WebSocket, message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }
  const refused = (ws: WebSocket, reason: Refusal, detail: string): void =>
    say(ws, { v: CLASS_PROTOCOL, type: 'refused', reason, detail })

  function attach(ws: WebSocket): void {
    const peer: Peer = { tokens: limits.burst, refilled: Date.now(), alive: true }
    peers.set(ws, peer)
    peer.joinTimer = setTimeout(() => {
      if (!peer.studentId) ws.close(CLOSE.noJoin, 'join first')
    }, limits.joinTimeoutMs)
    ws.on('pong', () => (peer.alive = true))
    ws.on('error', () => undefined) // `close` follows.
    ws.on('close', () => {
      clearTimeout(peer.joinTimer)
      peers.delete(ws)
      if (peer.studentId !== undefined && peer.connection !== undefined) {
        if (byConnection.get(peer.connection) === ws) byConnection.delete(peer.connection)
        session.leave(peer.studentId, peer.connection)
        changed()
      }
    })
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const t = Date.now()
      peer.tokens = Math.min(
        limits.burst,
        peer.tokens + ((t - peer.refilled) / 1000) * limits.perSecond,
      )
      peer.refilled = t
      if (peer.tokens < 1) {
        ws.close(CLOSE.tooFast, 'too many messages')
        return
      }
      peer.tokens -= 1
      if (isBinary) return refused(ws, 'bad-message', 'messages are JSON text')
      const read = readStudentMessage(toText(data))
      if (!read.ok) return refused(ws, read.reason, read.detail)
      const m = read.message
      if (m.type === 'join') {
        if (peer.studentId) return refused(ws, 'already-joined', 'this page has joined already')
        const joined = session.join({
          name: m.name,
          lang: m.lang,
          at: now().toISOString(),
          ...(m.token ? { token: m.token } : {}),
        })
        if (!joined.ok) return refused(ws, joined.reason, joined.detail)
        clearTimeout(peer.joinTimer)
        peer.studentId = joined.studentId
        peer.connection = joined.connection
        if (joined.replaced !== undefined) {
          const old = byConnection.get(joined.replaced)
          byConnection.delete(joined.replaced)
          old?.close(CLOSE.replaced, 'opened on another page')
        }
        byConnection.set(joined.connection, ws)
        say(ws, joined.welcome)
        say(ws, session.view(joined.studentId))
        changed()
        return
      }
      if (!peer.studentId) return refused(ws, 'not-joined', 'join the class first')
      if (m.type === 'lang') {
        session.setLang(peer.studentId, m.lang)
        changed()
        return
      }
      const out = session.answer(peer.studentId, m.questionId, m.response, now().toISOString())
      if (!out.ok) return refused(ws, out.reason, out.detail)
      say(ws, { v: CLASS_PROTOCOL, type: 'ack', answer: out.answer })
      if (!out.duplicate) changed()
    })
  }

  // Pings find the students whose network went away without a close (a laptop lid, Wi-Fi).
  const pinger = setInterval(() => {
    for (const [ws, peer] of peers) {
      if (!peer.alive) {
        ws.terminate()
        continue
      }
      peer.alive = false
      ws.ping()
    }
  }, limits.pingMs)
  pinger.unref()

  await listen(server, options.port, options.host)
  const port = (server.address() as AddressInfo).port

  return {
    host: options.host,
    port,
    sockets: () => wss.clients.size,
    broadcast() {
      for (const [ws, peer] of peers) if (peer.studentId) say(ws, session.view(peer.studentId))
    },
    close() {
      closing ??= endClass()
      return closing
    },
  }

  async function endClass(): Promise<void> {
    session.end()
    clearInterval(pinger)
    const open = [...wss.clients]
    const closed = open.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve()
          ws.once('close', () => resolve())
          say(ws, { v: CLASS_PROTOCOL, type: 'ended' })
          ws.close(CLOSE.ended, 'class ended')
        }),
    )
    // A page that does not answer its close frame within 2 s is cut off.
    const timer = setTimeout(() => {
      for (const ws of open) ws.terminate()
    }, 2000)
    await Promise.all(closed)
    clearTimeout(timer)
    await new Promise<void>((resolve) => {
      wss.close(() => server.close(() => resolve()))
      server.closeAllConnections()
    })
    changed()
  }
}

function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}

/** Headers of every answer: nothing cached, sniffed, framed or referred; no CORS at all. */
function baseHeaders(): Record<string, string> {
  return {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
}

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  res
    .writeHead(status, {
      ...baseHeaders(),
      ...extra,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    })
    .end(text)
}

/** The page's policy: its own scripts and styles, its own WebSocket, nothing else. */
function studentCsp(host: string | undefined): string {
  const ws = host && /^[A-Za-z0-9.:[\]-]{1,100}$/.test(host) ? ` ws://${host}` : ''
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    'img-src data:',
    `connect-src 'self'${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

function send(req: IncomingMessage, res: ServerResponse, file: StudentFile): void {
  res.writeHead(200, {
    ...baseHeaders(),
    'Content-Security-Policy': studentCsp(req.headers.host),
    'Content-Type': file.contentType,
    'Content-Length': file.body.length,
  })
  res.end(req.method === 'HEAD' ? undefined : file.body)
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE')
        reject(
          new ClassPortInUseError(
            `Port ${port} on ${host} is already in use (another program, or another class). Choose another port, or 0 for any free one.`,
          ),
        )
      else if (error.code === 'EADDRNOTAVAIL')
        reject(
          new Error(`This computer has no address ${host} (any more?): choose another network.`),
        )
      else if (error.code === 'EACCES')
        reject(new Error(`Port ${port} needs privileges here: choose one above 1024, or 0.`))
      else reject(error)
    }
    const onListening = (): void => {
      server.off('error', onError)
      resolve()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}
