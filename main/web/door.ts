/**
 * Who may talk to browser mode. The server listens on 127.0.0.1, but that alone keeps out
 * neither another user of the machine nor a web page the user visits: any local process can
 * connect, any page can open `ws://127.0.0.1:47100/lab` (a WebSocket is not bound by the
 * same-origin policy), and a page on a name that an attacker re-points at 127.0.0.1 (DNS
 * rebinding) becomes "same origin" with it. So every WebSocket upgrade must bring:
 *
 * - the access token of this run of the server (random, 192 bits), which only the URL
 *   browser mode printed and opened holds: `http://127.0.0.1:47100/?t=<token>`. It is in the
 *   query rather than the fragment because the fragment is the app's route (`#/lab/...`);
 *   the page never sends a Referer (`Referrer-Policy: no-referrer`) and the server logs no
 *   URL, so the query goes nowhere else. The page passes it on in the socket's URL.
 * - a Host header naming this server (`127.0.0.1:<port>` or `localhost:<port>`), which a
 *   rebound name never does;
 * - an Origin header, exactly `http://` + that Host: the page this server served. A client
 *   that sends no Origin is refused too (browsers always send one on a WebSocket).
 *
 * The static page (the built renderer's files) is served without the token: it holds no
 * data, only code. Everything the lab knows travels over the WebSocket.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** Bytes of randomness in a token (192 bits, 32 characters of base64url). */
export const TOKEN_BYTES = 24

/** A token a caller may choose (SOCKLAB_WEB_TOKEN, for tests): at least 128 bits of base64url. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,128}$/

/** A fresh access token. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url')
}

/** The names this server answers to: the address it listens on, and `localhost`. */
export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`]
}

/** Undefined when the request names this server, else why not (for the 403 body). */
export function foreignHost(req: IncomingMessage, port: number): string | undefined {
  const host = (req.headers.host ?? '').toLowerCase()
  if (ownHosts(port).includes(host)) return undefined
  return `Host ${JSON.stringify(req.headers.host ?? '')} is not this server (${ownHosts(port).join(' or ')}).`
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  // Compared in constant time: the answer's timing says nothing about how much was right.
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Undefined when a WebSocket upgrade may proceed, else why it is refused. */
export function refuseUpgrade(
  req: IncomingMessage,
  port: number,
  token: string,
): string | undefined {
  const url = new URL(req.url ?? '/', 'http://socket.invalid')
  if (url.pathname !== '/lab') return `There is no WebSocket at ${url.pathname}.`
  const host = foreignHost(req, port)
  if (host) return host
  const origin = req.headers.origin
  if (origin === undefined) return 'A WebSocket without an Origin header is refused.'
  if (origin !== `http://${(req.headers.host ?? '').toLowerCase()}`)
    return `Origin ${JSON.stringify(origin)} is not this server's page.`
  const given = url.searchParams.get('t')
  if (given === null) return 'The access token is missing: open the URL browser mode printed.'
  if (!sameToken(given, token))
    return 'The access token is wrong (browser mode was restarted?): open the URL it printed.'
  return undefined
}
