/**
 * Segments from `nft monitor trace` inside the run's namespace (kernel-notes.md: tcpdump cannot
 * run in an unprivileged namespace; nft tracing can). The trace gives ports, TCP flags, the IP
 * length, the data offset (from which `trace` rule matched, see nft.ts) and the verdict of
 * each chain, so a segment killed by a lab rule shows as dropped or rejected, with the step
 * whose rule did it. The monitor prints rules added after it started as "unknown rule
 * handle", so what a rule does is looked up by its chain (`s<step>`, `gone`), never read from
 * the text. It gives no sequence numbers: `seq` and `ack` are 0 and `seqKnown` is false.
 */
import type { IcmpEvent, SegmentEvent, TcpFlag } from '../../shared/lab-result'

/** Which ports mean which direction and hop. */
export interface TracePorts {
  /** The port the client connects to (the server's, or the relay's in the middlebox topology). */
  frontPort: number
  /** The server's own listening port (equal to frontPort without a middlebox). */
  serverPort: number
}

interface Pending {
  tMs: number
  sport: number
  dport: number
  ipLength: number
  flags: TcpFlag[]
  win?: number
  doff?: number
}

const FLAG_BITS: [number, TcpFlag][] = [
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

/** Direction (and middlebox hop) of a segment between these ports. */
export function placeOf(
  ports: TracePorts,
  sport: number,
  dport: number,
): Pick<SegmentEvent, 'dir' | 'hop'> {
  const { frontPort, serverPort } = ports
  const dir: SegmentEvent['dir'] = dport === frontPort || dport === serverPort ? 'c2s' : 's2c'
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
}

/** Turns trace lines into segment and ICMP events (feed lines as they arrive). */
export class TraceParser {
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly ports: TracePorts,
    private readonly emit: (event: SegmentEvent | IcmpEvent) => void,
    /** What the lab chain of that name does (nft.ts: `s<step>`, `gone`). */
    private readonly rules: (chain: string) => ChainRule | undefined = () => undefined,
    /**
     * Emit delivered segments too; false when a packet capture (packets.ts) reports those,
     * with sequence numbers, and the trace only adds what the lab's rules stopped.
     */
    private readonly delivered = true,
  ) {}

  /** One line of `nft monitor trace`, read at `tMs` (run clock). */
  line(text: string, tMs: number): void {
    const m = /^trace id (\w+) ip lab (\w+) (.*)$/.exec(text.trim())
    if (!m) return
    const [, id, chain, rest] = m as unknown as [string, string, string, string]
    if (chain === 'trace' && rest.startsWith('packet:')) {
      const old = this.pending.get(id)
      if (old) this.finish(old)
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
      this.finish(p, this.rules(chain) ?? { fate: 'dropped' })
      return
    }
    if (chain === 'gone' && rest.startsWith('policy accept')) {
      this.pending.delete(id)
      this.finish(p)
    }
  }

  /** Ends the capture: anything still open went through. */
  flush(): void {
    for (const p of this.pending.values()) this.finish(p)
    this.pending.clear()
  }

  private packet(rest: string, tMs: number): Pending | null {
    const sport = /tcp sport (\d+)/.exec(rest)
    const dport = /tcp dport (\d+)/.exec(rest)
    const len = /ip length (\d+)/.exec(rest)
    const flags = /tcp flags == ([\w| ]+?)(?: tcp | $|$)/.exec(rest)
    if (!sport || !dport || !len) return null
    const win = /tcp window (\d+)/.exec(rest)
    return {
      tMs,
      sport: Number(sport[1]),
      dport: Number(dport[1]),
      ipLength: Number(len[1]),
      flags: flags ? parseFlags(flags[1]!) : [],
      ...(win ? { win: Number(win[1]) } : {}),
    }
  }

  private finish(p: Pending, rule?: ChainRule): void {
    const fate: SegmentEvent['fate'] = rule?.fate ?? 'delivered'
    if (fate === 'delivered' && !this.delivered) return
    const place = placeOf(this.ports, p.sport, p.dport)
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
    }
    this.emit(event)
    if (rule?.fate === 'rejected' && rule.icmp) {
      const back = place.dir === 'c2s' ? 's2c' : 'c2s'
      this.emit({ tMs: p.tMs, type: 'icmp', dir: back, icmp: rule.icmp })
    }
  }
}
