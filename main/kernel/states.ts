/**
 * TCP states from the kernel's own socket table: `/proc/<pid>/net/tcp` of a process inside
 * the run's namespace, the same table `ss` reads (read directly, because spawning `ss` every
 * few milliseconds would cost more than the states it samples).
 */
import type { Endpoint } from '../../shared/lab-script'
import type { TcpState } from '../../shared/lab-result'
import { runCommand, type Namespace } from './netns'

/** One row of /proc/net/tcp. */
export interface TcpRow {
  localPort: number
  remotePort: number
  state: TcpState
}

/** include/net/tcp_states.h numbering, as /proc/net/tcp prints it (hex). */
const KERNEL_STATES: Record<number, TcpState> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RCVD',
  0x04: 'FIN_WAIT_1',
  0x05: 'FIN_WAIT_2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSED',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  // TCP_NEW_SYN_RECV: a request socket (the server's half of a handshake in progress).
  0x0c: 'SYN_RCVD',
}

/** Parses the text of /proc/net/tcp. */
export function parseTcpTable(text: string): TcpRow[] {
  const rows: TcpRow[] = []
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 4) continue
    const local = f[1]!.split(':')[1]
    const remote = f[2]!.split(':')[1]
    const state = KERNEL_STATES[Number.parseInt(f[3]!, 16)]
    if (!local || !remote || !state) continue
    rows.push({
      localPort: Number.parseInt(local, 16),
      remotePort: Number.parseInt(remote, 16),
      state,
    })
  }
  return rows
}

/** Ports that identify each end's sockets in the table. */
export interface EndpointPorts {
  /** Where the client connects (the server's port, or the relay's). */
  frontPort: number
  /** Where the server listens. */
  serverPort: number
}

// A connection's state says more than a leftover TIME_WAIT, which says more than LISTEN.
function rank(s: TcpState): number {
  if (s === 'LISTEN') return 0
  if (s === 'TIME_WAIT' || s === 'CLOSED') return 1
  return 2
}

function pick(rows: TcpRow[]): TcpState {
  let best: TcpState = 'CLOSED'
  let bestRank = -1
  for (const r of rows) {
    const k = rank(r.state)
    if (k > bestRank) {
      best = r.state
      bestRank = k
    }
  }
  return best
}

/**
 * Each end's state: the client's socket is the one whose remote port is `frontPort` (and
 * that is not the relay's own side), the server's any socket on `serverPort`.
 */
export function endpointStates(rows: TcpRow[], ports: EndpointPorts): Record<Endpoint, TcpState> {
  const client = rows.filter(
    (r) => r.remotePort === ports.frontPort && r.localPort !== ports.frontPort,
  )
  const server = rows.filter((r) => r.localPort === ports.serverPort)
  return { client: pick(client), server: pick(server) }
}

/**
 * `ss -tan` as the run ended (before cleanup): the namespace's whole table, or on plain
 * loopback the host's lines for this run's ports. Undefined where `ss` is missing.
 */
export async function socketTable(
  ns: Namespace | null,
  ports: EndpointPorts,
): Promise<string[] | undefined> {
  const r = ns ? await ns.run('ss', ['-tan']) : await runCommand('ss', ['-tan'])
  if (r.code !== 0) return undefined
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '')
  if (ns) return lines
  const mine = new Set([ports.frontPort, ports.serverPort])
  const ours = (l: string): boolean =>
    [...l.matchAll(/:(\d+)\s/g)].some((m) => mine.has(Number(m[1])))
  return [lines[0] ?? '', ...lines.slice(1).filter(ours)]
}
