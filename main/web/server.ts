/**
 * Browser mode: one HTTP server on 127.0.0.1 that serves the built renderer and carries the
 * contract over a WebSocket at `/lab` (the `ws` library), so the identical UI runs in a plain
 * browser. The socket is the door to everything (kernel runs, packs, the gradebook): it opens
 * only with this run's access token, from this server's own page, under this server's own
 * name (main/web/door.ts). Any frame is answered, a malformed one with an error
 * (main/web/frames.ts); runs are capped per page and in all, and a page that goes away has
 * its runs cancelled (main/web/run-limits.ts), and the grading of a folder it started too.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  EVENTS,
  fail,
  type GradeUpdateMessage,
  type RunUpdateMessage,
  type WireFrame,
} from '../../shared/contract'
import { dispatchCall } from '../lab/dispatch'
import type { LabService } from '../lab/service'
import { foreignHost, newToken, refuseUpgrade } from './door'
import { badFrame, isCall, MAX_FRAME, readFrame, type CallFrame } from './frames'
import { DEFAULT_RUN_LIMITS, RunLedger, type RunLimits } from './run-limits'
import { serveStatic } from './static'

/** Options of {@link startWebHost}. */
export interface WebHostOptions {
  service: LabService
  /** Folder of the built renderer (`out/renderer`). */
  rendererDir: string
  /** 0 picks a free port. */
  port: number
  host?: string
  /** The access token; a fresh random one by default (main/web/door.ts). */
  token?: string
  /** Runs at once (defaults: DEFAULT_RUN_LIMITS). */
  limits?: RunLimits
}

/** A running browser-mode host. */
export interface WebHost {
  /** The page's URL with the access token: what browser mode prints and opens. */
  url: string
  /** The page's origin, `http://127.0.0.1:<port>`. */
  origin: string
  port: number
  token: string
  /** Closes every socket and the server (the service is the caller's to dispose). */
  close(): Promise<void>
}

/** Thrown when the port is taken: the message says which and what to do. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError'
}

/**
 * Frames above this close the connection (code 1009) without being read; frames between
 * MAX_FRAME and this are read far enough to be answered with an error.
 */
const HARD_FRAME_LIMIT = 8 * MAX_FRAME

/** Starts the host; rejects with {@link PortInUseError} when the port is taken. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? newToken()
  const ledger = new RunLedger<WebSocket>(options.limits ?? DEFAULT_RUN_LIMITS)
  let port = options.port
  const server = createServer((req, res) => {
    // The files hold no data, but a page under a rebound name gets nothing at all.
    const foreign = foreignHost(req, port)
    if (foreign) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end(foreign)
      return
    }
    serveStatic(options.rendererDir, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('Internal error')
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT })
  // A run's last update ends it, whichever connection started it.
  const stopListening = options.service.onRunUpdate((m) => {
    if (m.update.kind === 'done' || m.update.kind === 'failed') ledger.release(m.runId)
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const why = refuseUpgrade(req, port, token)
    if (why) {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`,
      )
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.service, ledger))
  })

  await listen(server, options.port, host)
  port = (server.address() as AddressInfo).port
  const origin = `http://${host}:${port}`
  return {
    url: `${origin}/?t=${token}`,
    origin,
    port,
    token,
    close: () => {
      stopListening()
      return close(server, wss)
    },
  }
}

function attach(ws: WebSocket, service: LabService, ledger: RunLedger<WebSocket>): void {
  const send = (frame: WireFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }
  const unsubscribe = service.onRunUpdate((payload: RunUpdateMessage) =>
    send({ type: 'event', channel: EVENTS.onRunUpdate, payload }),
  )
  // A folder's grading (program labs in the Classroom): its updates, and the job this page
  // started, cancelled like its runs when the page goes away.
  const jobs = new Set<string>()
  const unsubscribeGrades = service.onGradeUpdate((payload: GradeUpdateMessage) => {
    if (payload.update.kind === 'done') jobs.delete(payload.jobId)
    send({ type: 'event', channel: EVENTS.onGradeUpdate, payload })
  })
  ws.on('close', () => {
    unsubscribe()
    unsubscribeGrades()
    // Nobody is left to watch this page's runs: cancel them (each is released by its last
    // update, after its cleanup).
    for (const runId of ledger.runsOf(ws)) void service.calls.cancelRun(runId)
    for (const jobId of jobs) void service.calls.classCancelGrade(jobId)
  })
  ws.on('error', () => undefined) // `close` follows and does the work.
  ws.on('message', (data, isBinary) => {
    const frame = readFrame(toBuffer(data), isBinary)
    if (!isCall(frame)) return send(frame)
    void answer(frame, service, ledger, ws).then(
      (result) => {
        if (frame.name === 'classGradeFolder' && result.ok) {
          const { jobId } = result.value as { jobId: string }
          // The page went away while the grading was starting: nobody will watch it.
          if (ws.readyState !== ws.OPEN) void service.calls.classCancelGrade(jobId)
          else jobs.add(jobId)
        }
        send({ type: 'reply', id: frame.id, result })
      },
      (error: unknown) => send(badFrame(frame.id, `The call failed: ${String(error)}`)),
    )
  })
}

/** Runs a call; startRun first claims a place under the caps. */
async function answer(
  call: CallFrame,
  service: LabService,
  ledger: RunLedger<WebSocket>,
  ws: WebSocket,
): Promise<Extract<WireFrame, { type: 'reply' }>['result']> {
  if (call.name !== 'startRun') return dispatchCall(service, call.name, call.args)
  const request: unknown = call.args[0]
  const runId =
    request && typeof request === 'object' && 'runId' in request ? request.runId : undefined
  // Without a valid run id the call is refused by its schema before anything starts.
  if (typeof runId !== 'string') return dispatchCall(service, call.name, call.args)
  const full = ledger.claim(ws, runId)
  if (full) return fail('unsupported', full)
  const result = await dispatchCall(service, call.name, call.args)
  if (!result.ok) ledger.release(runId)
  // The page went away while the run was starting: nobody will watch it.
  else if (ws.readyState !== ws.OPEN) void service.calls.cancelRun(runId)
  return result
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE') {
        reject(
          new PortInUseError(
            `Port ${port} on ${host} is already in use (another program, or another Socket Anomaly Lab). ` +
              'Choose another with --port N, or --port 0 for any free port.',
          ),
        )
      } else reject(error)
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

function close(server: Server, wss: WebSocketServer): Promise<void> {
  for (const client of wss.clients) client.terminate()
  return new Promise((resolve) => {
    wss.close(() => server.close(() => resolve()))
    server.closeAllConnections()
  })
}
