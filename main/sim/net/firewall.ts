/**
 * The script's stateful firewall (or NAT) on the path (docs/lab-script-format.md, "firewall"):
 * its connection table. An entry starts with a SYN, every segment of the connection in either
 * direction refreshes it, and once it has been idle `idleS` seconds it is gone: a later
 * segment that is neither a SYN nor an RST belongs to no known connection. The kernel lab's
 * judge is the namespace's own conntrack (nf_conntrack_tcp_timeout_* = idleS, tcp_loose 0,
 * so such a segment is INVALID; main/kernel/nft.ts); RSTs pass untouched there, since the
 * firewall's own reset is one of them.
 */
import type { Firewall } from '../../../shared/lab-script'
import { ACK, RST, SYN, type Segment } from '../world'

/** What the firewall says about one segment. */
export type FirewallVerdict =
  | { kind: 'pass' }
  /**
   * The firewall knows no connection for the segment: it forgot it after `idleS` idle
   * (`idleMs` since its last segment), or (null) never saw it begin.
   */
  | { kind: 'forgotten'; idleMs: number | null }

/** One connection the firewall knows: when it last saw a segment of it. */
interface Entry {
  lastMs: number
}

/** The same key for both directions of a connection. */
function keyOf(seg: Segment): string {
  return seg.sport < seg.dport ? `${seg.sport}-${seg.dport}` : `${seg.dport}-${seg.sport}`
}

/** A stateful firewall's connection table. */
export class FirewallTable {
  private readonly entries = new Map<string, Entry>()
  /** When each forgotten connection was last seen (for the trace's note). */
  private readonly forgotten = new Map<string, number>()

  constructor(readonly config: Firewall) {}

  /** The idle time after which an entry is gone, ms. */
  get idleMs(): number {
    return this.config.idleS * 1000
  }

  /** Looks a segment up at `nowMs` (refreshing or starting its entry) and says its fate. */
  inspect(seg: Segment, nowMs: number): FirewallVerdict {
    const key = keyOf(seg)
    const entry = this.entries.get(key)
    if (entry && nowMs - entry.lastMs >= this.idleMs) {
      // conntrack finds the entry expired when a segment looks it up (nf_ct_is_expired).
      this.entries.delete(key)
      this.forgotten.set(key, entry.lastMs)
    }
    const live = this.entries.get(key)
    if (live) {
      live.lastMs = nowMs
      return { kind: 'pass' }
    }
    const syn = (seg.flags & SYN) !== 0 && (seg.flags & ACK) === 0
    if (syn) {
      this.entries.set(key, { lastMs: nowMs })
      this.forgotten.delete(key)
      return { kind: 'pass' }
    }
    // An RST passes untouched (the firewall's own reset is one).
    if ((seg.flags & RST) !== 0) return { kind: 'pass' }
    // Anything else without an entry is INVALID to conntrack (tcp_new refuses to pick up a
    // connection mid-stream when tcp_loose is 0).
    const last = this.forgotten.get(key)
    return { kind: 'forgotten', idleMs: last === undefined ? null : nowMs - last }
  }
}
