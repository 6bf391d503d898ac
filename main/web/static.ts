/**
 * Serves the built renderer (`out/renderer`) to a plain browser. Which file a path names, the
 * headers and the Content-Security-Policy come from main/static-files, the same rules as the
 * desktop app's `app://lab` scheme; only the policy's `connect-src` differs, naming this
 * server's WebSocket.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { contentSecurityPolicy } from '../static-files/csp'
import {
  ALLOWED_METHODS,
  resolveRendererPath,
  responseHeaders,
} from '../static-files/renderer-files'

/** Answers one HTTP request from `root`: the file the path names, or 400, 404 or 405. */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // The port the request came in on is the port the page's WebSocket will use.
  const headers = responseHeaders(
    contentSecurityPolicy({ kind: 'browser', port: req.socket.localPort ?? 0 }),
  )
  const text = { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }
  if (!(ALLOWED_METHODS as readonly string[]).includes(req.method ?? '')) {
    res.writeHead(405, { ...text, Allow: ALLOWED_METHODS.join(', ') }).end('Method not allowed')
    return
  }
  const target = resolveRendererPath(root, req.url ?? '/')
  if (target.kind === 'refused') {
    res.writeHead(target.status, text).end(`Bad path: ${target.reason}`)
    return
  }
  const info = await stat(target.file).catch(() => undefined)
  if (!info?.isFile()) {
    res.writeHead(404, text).end('Not found')
    return
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': target.contentType,
    'Content-Length': info.size,
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(target.file).pipe(res)
}
