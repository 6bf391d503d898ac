/**
 * Segments from `nft monitor` inside the run's namespace (docs/kernel-rules.md: tcpdump cannot
 * run in an unprivileged namespace; nft tracing can). The trace gives ports, TCP flags, the IP
 * id and length, the data offset (from which `trace`/`trace_in` rule matched, see nft.ts) and
 * the verdict of each chain. A segment is traced twice on loopback: on the way out (where a
 * reject stops it) and on the way in (where a drop, a cut or a vanished host stops it, or it
 * is delivered). The monitor prints rules added after it started as "unknown rule handle", so
 * what a rule does is looked up by its chain (`s<step>`, `gone`), never read from the text.
 * It gives no sequence numbers: `seq` and `ack` are 0 and `seqKnown` is false; a packet
 * capture (packets.ts) adds them where it runs.
 */
import type { IcmpEvent, SegmentEvent, TcpFlag } from '../../shared/lab-result'
import { extraClientAt, lastOctet } from './addresses'

/** Which ports mean which direction and hop. */
export interface TracePorts {
  /** The port the client connects to (the server's, or the relay's in the middlebox topology). */
  frontPort: number
  /** The server's own listening port (equal to frontPort without a middlebox). */
  serverPort: number
}

interface Pending {
  tMs: number
  /** Traced on the way in (input hook) or out (output hook). */
  way: 'in' | 'out'
  sport: number
  dport: number
  /** Last bytes of the source and destination addresses (127.0.0.N). */
  src: number
  dst: number
  ipId: number
  ipLength: number
  flags: TcpFlag[]
  win?: number
  doff?: number
}

/** One segment's fate as the trace saw it, with what identifies it for a packet capture. */
export interface TracedSegment {
  event: SegmentEvent
  /** The ICMP error sent back, for a rejected segment. */
  icmp?: IcmpEvent
  /** IP id and ports: the same segment in the packet capture. */
  key: string
  /** The script's firewall stopped it (chain `firewall`): its connection, by its two ports. */
  firewall?: string
}

/** The key of a segment in both the trace and the packet capture. */
export function segmentKey(ipId: number, sport: number, dport: number): string {
  return `${ipId}/${sport}/${dport}`
}

/** TCP header flag bits and their names, in the order the trace prints them. */
export const FLAG_BITS: readonly [number, TcpFlag][] = [
  [0x02, 'SYN'],
  [0x10, 'ACK'],
  [0x01, 'FIN'],
  [0x04, 'RST'],
  [0x08, 'PSH'],
]
const FLAG_NAMES: Record<string, TcpFlag> = {
  syn: 'SYN',
  ack: 'ACK',
  fin: 'FIN',
  rst: 'RST',
  psh: 'PSH',
}

/** Parses nft's `tcp flags == ...` value: a hex mask or names joined by `|`. */
export function parseFlags(text: string): TcpFlag[] {
  const t = text.trim()
  if (t.startsWith('0x')) {
    const v = Number.parseInt(t, 16)
    return FLAG_BITS.filter(([bit]) => (v & bit) !== 0).map(([, f]) => f)
  }
  const names = t.split(/\s*\|\s*/).map((n) => FLAG_NAMES[n])
  const set = new Set(names.filter((n): n is TcpFlag => n !== undefined))
  return FLAG_BITS.map(([, f]) => f).filter((f) => set.has(f))
}

/**
 * Direction (and middlebox hop) of a segment between these ports, and which client's
 * connection it is by the client end's address (`src`, `dst`: the last bytes of the source
 * and destination addresses, 127.0.0.N; addresses.ts).
 */
export function placeOf(
  ports: TracePorts,
  sport: number,
  dport: number,
  src = 1,
  dst = 1,
): Pick<SegmentEvent, 'dir' | 'hop' | 'client'> {
  const { frontPort, serverPort } = ports
  const dir: SegmentEvent['dir'] = dport === frontPort || dport === serverPort ? 'c2s' : 's2c'
  const client = extraClientAt(dir === 'c2s' ? src : dst)
  if (client) return { dir, client }
  if (frontPort === serverPort) return { dir }
  const onServerHop = dport === serverPort || sport === serverPort
  return { dir, hop: onServerHop ? 'middlebox-server' : 'client-middlebox' }
}

/** What a lab chain does to the segments it stops. */
export interface ChainRule {
  fate: 'dropped' | 'rejected'
  /** The `net` step that installed it (absent for a silent crash's chain). */
  step?: number
  /** The ICMP error a reject answers with. */
  icmp?: string
  /** The chain is the script's firewall (a segment of a connection it forgot). */
  firewall?: true
}

/**
 * Turns trace lines into segments (feed lines as they arrive): a rejected one when its way
 * out ends in a reject, a delivered or dropped one when its way in ends.
 */
export class TraceParser {
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly ports: TracePorts,
    private readonly sink: (segment: TracedSegment) => void,
    /** What the lab chain of that name does (nft.ts: `s<step>`, `gone`). */
    private readonly rules: (chain: string) => ChainRule | undefined = () => undefined,
  ) {}

  /** One line of `nft monitor`, read at `tMs` (run clock). */
  line(text: string, tMs: number): void {
    const m = /^trace id (\w+) ip lab (\w+) (.*)$/.exec(text.trim())
    if (!m) return
    const [, id, chain, rest] = m as unknown as [string, string, string, string]
    if (rest.startsWith('packet:')) {
      // Every base chain prints the packet again under the same id: the first one counts.
      if (this.pending.has(id)) return
      const p = this.packet(rest, tMs)
      if (p) this.pending.set(id, p)
      return
    }
    const p = this.pending.get(id)
    if (!p) return
    const doff = /^rule tcp doff (\d+) meta nftrace/.exec(rest)
    if (doff) {
      p.doff = Number(doff[1])
      return
    }
    if (/\(verdict drop\)/.test(rest)) {
      this.pending.delete(id)
      this.end(p, this.rules(chain) ?? { fate: 'dropped' })
      return
    }
    // The last lab chain each way: past it, the segment went on.
    const last = p.way === 'in' ? 'gone' : 'trace'
    if (chain === last && rest.startsWith('policy accept')) {
      this.pending.delete(id)
      this.end(p)
    }
  }

  /** Ends the capture: a segment still on its way in went through. */
  flush(): void {
    for (const p of this.pending.values()) this.end(p)
    this.pending.clear()
  }

  private packet(rest: string, tMs: number): Pending | null {
    const saddr = /ip saddr ([\d.]+)/.exec(rest)
    const daddr = /ip daddr ([\d.]+)/.exec(rest)
    const sport = /tcp sport (\d+)/.exec(rest)
    const dport = /tcp dport (\d+)/.exec(rest)
    const len = /ip length (\d+)/.exec(rest)
    const id = /ip id (\d+)/.exec(rest)
    const flags = /tcp flags == ([\w| ]+?)(?: tcp | $|$)/.exec(rest)
    if (!sport || !dport || !len) return null
    const win = /tcp window (\d+)/.exec(rest)
    return {
      tMs,
      way: rest.startsWith('packet: iif') ? 'in' : 'out',
      sport: Number(sport[1]),
      dport: Number(dport[1]),
      src: saddr ? lastOctet(saddr[1]!) : 1,
      dst: daddr ? lastOctet(daddr[1]!) : 1,
      ipId: id ? Number(id[1]) : -1,
      ipLength: Number(len[1]),
      flags: flags ? parseFlags(flags[1]!) : [],
      ...(win ? { win: Number(win[1]) } : {}),
    }
  }

  private end(p: Pending, rule?: ChainRule): void {
    // On its way out only a reject is news; everything else is decided on its way in.
    if (p.way === 'out' && rule?.fate !== 'rejected') return
    const fate: SegmentEvent['fate'] = rule?.fate ?? 'delivered'
    const place = placeOf(this.ports, p.sport, p.dport, p.src, p.dst)
    const len = p.doff !== undefined ? Math.max(0, p.ipLength - 20 - 4 * p.doff) : 0
    const event: SegmentEvent = {
      tMs: p.tMs,
      type: 'segment',
      dir: place.dir,
      flags: p.flags,
      seq: 0,
      ack: 0,
      len,
      fate,
      seqKnown: false,
      ...(rule?.step !== undefined ? { ruleStep: rule.step } : {}),
      ...(p.win !== undefined ? { win: p.win } : {}),
      ...(place.hop ? { hop: place.hop } : {}),
      ...(place.client ? { client: place.client } : {}),
    }
    const back = place.dir === 'c2s' ? 's2c' : 'c2s'
    this.sink({
      event,
      key: segmentKey(p.ipId, p.sport, p.dport),
      ...(rule?.firewall
        ? { firewall: `${Math.min(p.sport, p.dport)}-${Math.max(p.sport, p.dport)}` }
        : {}),
      ...(rule?.fate === 'rejected' && rule.icmp
        ? {
            icmp: {
              tMs: p.tMs,
              type: 'icmp' as const,
              dir: back,
              icmp: rule.icmp,
              ...(place.client ? { client: place.client } : {}),
            },
          }
        : {}),
    })
  }
}
