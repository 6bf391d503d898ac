/**
 * The middlebox of the `middlebox` topology as a real process: it terminates TCP on each side
 * (its own kernel ACKs what the client sends whether or not the server got it: the article's
 * NAT/proxy case) and copies bytes, FIN and RST across. `hold` stops forwarding in both
 * directions while it keeps reading (so its kernel keeps ACKing); `release` forwards what was
 * held.
 */
import { createServer, connect, type Socket } from 'node:net'
import type { CallReturn } from './peer-protocol'

interface Pair {
  client: Socket
  server: Socket
  c2s: Buffer[]
  s2c: Buffer[]
  /** FIN seen from a side while held: forward it after the held bytes. */
  clientEnded: boolean
  serverEnded: boolean
}

/** A relay between the client and the server. */
export class Relay {
  private held = false
  private readonly pairs = new Set<Pair>()

  constructor(
    private readonly host: string,
    private readonly serverPort: number,
  ) {}

  /** Starts listening where the client connects. */
  listen(port: number): Promise<CallReturn> {
    const listener = createServer({ allowHalfOpen: true }, (client) => this.pair(client))
    return new Promise((resolve) => {
      listener.once('error', (e) =>
        resolve({ ret: -1, code: String((e as { code?: string }).code) }),
      )
      listener.listen({ port, host: this.host }, () => resolve({ ret: 0, localPort: port }))
    })
  }

  private pair(client: Socket): void {
    const server = connect({ port: this.serverPort, host: this.host, allowHalfOpen: true })
    const p: Pair = { client, server, c2s: [], s2c: [], clientEnded: false, serverEnded: false }
    this.pairs.add(p)
    client.on('data', (d: Buffer) => this.forward(p, 'c2s', d))
    server.on('data', (d: Buffer) => this.forward(p, 's2c', d))
    client.on('end', () => {
      p.clientEnded = true
      if (!this.held) server.end()
    })
    server.on('end', () => {
      p.serverEnded = true
      if (!this.held) client.end()
    })
    // An RST (or a refused connect) on one side becomes an RST on the other.
    client.on('error', () => {
      if (!server.destroyed) server.resetAndDestroy()
    })
    server.on('error', () => {
      if (!client.destroyed) client.resetAndDestroy()
    })
    client.on('close', () => this.pairs.delete(p))
  }

  private forward(p: Pair, dir: 'c2s' | 's2c', data: Buffer): void {
    if (this.held) {
      p[dir].push(data)
      return
    }
    const to = dir === 'c2s' ? p.server : p.client
    if (!to.destroyed) to.write(data)
  }

  /** Stop forwarding; keep reading (and so ACKing) both sides. */
  hold(): void {
    this.held = true
  }

  /** Forward everything held, then any FIN that arrived meanwhile. */
  release(): void {
    this.held = false
    for (const p of this.pairs) {
      for (const d of p.c2s.splice(0)) if (!p.server.destroyed) p.server.write(d)
      for (const d of p.s2c.splice(0)) if (!p.client.destroyed) p.client.write(d)
      if (p.clientEnded && !p.server.destroyed) p.server.end()
      if (p.serverEnded && !p.client.destroyed) p.client.end()
    }
  }
}
