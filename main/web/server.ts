/**
 * Browser mode: one HTTP server on 127.0.0.1 that serves the built renderer and carries the
 * contract over a WebSocket at `/lab` (the `ws` library), so the identical UI runs in a plain
 * browser. Only pages from this server may open the socket (Origin check): another web page
 * the user visits must not be able to drive the kernel lab.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { EVENTS, type RunUpdateMessage, type WireFrame } from '../../shared/contract'
import { dispatchCall, isCallName } from '../lab/dispatch'
import type { LabService } from '../lab/service'
import { serveStatic } from './static'

/** Options of {@link startWebHost}. */
export interface WebHostOptions {
  service: LabService
  /** Folder of the built renderer (`out/renderer`). */
  rendererDir: string
  /** 0 picks a free port. */
  port: number
  host?: string
}

/** A running browser-mode host. */
export interface WebHost {
  url: string
  port: number
  /** Closes every socket and the server (the service is the caller's to dispose). */
  close(): Promise<void>
}

/** Thrown when the port is taken: the message says which and what to do. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError'
}

const MAX_FRAME = 1024 * 1024

/** Starts the host; rejects with {@link PortInUseError} when the port is taken. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer((req, res) => {
    serveStatic(options.rendererDir, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('Internal error')
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME })
  let port = options.port

  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0]
    const origin = req.headers.origin
    const allowed = [
      `http://${host}:${port}`,
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
    ]
    if (path !== '/lab' || (origin !== undefined && !allowed.includes(origin))) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.service))
  })

  await listen(server, options.port, host)
  port = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () => close(server, wss),
  }
}

function attach(ws: WebSocket, service: LabService): void {
  const send = (frame: WireFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }
  const unsubscribe = service.onRunUpdate((payload: RunUpdateMessage) =>
    send({ type: 'event', channel: EVENTS.onRunUpdate, payload }),
  )
  ws.on('close', unsubscribe)
  ws.on('error', unsubscribe)
  ws.on('message', (data) => {
    let frame: unknown
    try {
      frame = JSON.parse(String(data))
    } catch {
      return send(badFrame(-1, 'The message is not JSON.'))
    }
    const call = frame as Partial<Extract<WireFrame, { type: 'call' }>>
    const id = typeof call.id === 'number' ? call.id : -1
    if (call.type !== 'call' || !isCallName(call.name) || !Array.isArray(call.args)) {
      return send(badFrame(id, `Unknown call ${JSON.stringify(call.name)}.`))
    }
    void dispatchCall(service, call.name, call.args).then((result) =>
      send({ type: 'reply', id, result }),
    )
  })
}

function badFrame(id: number, message: string): WireFrame {
  return { type: 'reply', id, result: { ok: false, error: { code: 'bad-input', message } } }
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
