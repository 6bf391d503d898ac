/**
 * The wire between the hosts and the student's network faults on it (docs/lab-script-format.md
 * "net operations"): cut, drop by flag class and count, reject with ICMP, heal; and the
 * script's stateful firewall, which decides before the faults (firewall.ts). Every segment
 * gets a trace event with its fate; delivered ones arrive one link delay later (wire events,
 * which still run while the run's end settles; see simulate.ts).
 */
import type { StepOf } from '../../../shared/lab-script'
import type { IcmpEvent, SegmentEvent } from '../../../shared/lab-result'
import { unreachable } from '../never'
import { FirewallTable } from './firewall'
import {
  ACK,
  FIN,
  RST,
  SYN,
  flagNames,
  type HostId,
  type IcmpMessage,
  type Segment,
  type World,
} from '../world'

type Dir = 'both' | 'c2s' | 's2c'

/** One active fault rule; `step` is the index of the `net` step that made it. */
export type NetRule = { step: number } & (
  | { kind: 'cut'; dir: Dir }
  | { kind: 'drop'; dir: Dir; match: StepOf<'drop'>['match']; left: number }
  | { kind: 'reject'; dir: Dir; icmp: IcmpMessage['kind'] }
)

/** Whether a segment belongs to a `drop` match class. */
export function matches(seg: Segment, match: StepOf<'drop'>['match']): boolean {
  const f = seg.flags
  switch (match) {
    case 'SYN':
      return (f & SYN) !== 0 && (f & ACK) === 0
    case 'SYN-ACK':
      return (f & SYN) !== 0 && (f & ACK) !== 0
    case 'ACK':
      return (f & ACK) !== 0 && (f & (SYN | FIN | RST)) === 0 && seg.len === 0
    case 'FIN':
      return (f & FIN) !== 0
    case 'RST':
      return (f & RST) !== 0
    case 'data':
      return seg.len > 0
    case 'any':
      return true
    default:
      return unreachable(match, 'drop match')
  }
}

/** The machines at the ends of the links. */
export interface Endpoints {
  receive(to: HostId, seg: Segment): void
  receiveIcmp(to: HostId, msg: IcmpMessage): void
  isDown(host: HostId): boolean
}

/** The links of a run and the rules on its faulty hop. */
export class Path {
  rules: NetRule[] = []
  /** One-way delay of each link, ms (loopback-like, so kernel and simulator times agree). */
  readonly delayMs = 0.05
  /** The script's stateful firewall, if it has one. */
  private readonly firewall: FirewallTable | null
  /** Connections whose forgetting the trace has noted, by their lower port and higher port. */
  private readonly noted = new Set<string>()

  constructor(
    private readonly world: World,
    private readonly hosts: Endpoints,
    private readonly middlebox: boolean,
  ) {
    const fw = world.script.firewall
    this.firewall = fw ? new FirewallTable(fw) : null
  }

  /** A delivered segment reaches its destination (one bound function for every segment). */
  private readonly arrive = this.deliver.bind(this)

  private deliver(seg: Segment): void {
    this.hosts.receive(seg.dst, seg)
  }

  /** Adds a rule from a `net` step. */
  add(rule: NetRule): void {
    this.rules.push(rule)
  }

  /** `heal`: removes every rule. */
  heal(): void {
    this.rules = []
  }

  /** A segment leaves `seg.src`: decide its fate, trace it, deliver it or bounce an ICMP. */
  transmit(seg: Segment): void {
    const dir: 'c2s' | 's2c' =
      seg.dst === 'server' || (seg.src !== 'server' && seg.src !== 'middlebox') ? 'c2s' : 's2c'
    // Several clients (direct topology only): the client end of this segment's connection.
    const client = dir === 'c2s' ? seg.src : seg.dst
    // With a middlebox the faults sit between it and the server (the article's NAT case).
    const faulty = !this.middlebox || seg.src === 'server' || seg.dst === 'server'
    const hop = this.middlebox ? (faulty ? 'middlebox-server' : 'client-middlebox') : undefined
    let fate: SegmentEvent['fate'] = 'delivered'
    let icmp: IcmpMessage['kind'] | null = null
    let ruleStep = -1
    let reset = false
    // The firewall sees every segment first (the kernel's conntrack runs on the way out, before
    // the input hook's faults), so a segment a fault then stops still refreshes its entry.
    const verdict = this.firewall?.inspect(seg, this.world.q.now)
    if (verdict?.kind === 'forgotten') {
      reset = this.firewall!.config.forget === 'reset'
      fate = reset ? 'rejected' : 'dropped'
      this.noteForgotten(seg)
    } else if (faulty) {
      for (let i = 0; i < this.rules.length; i++) {
        const r = this.rules[i]!
        if (r.dir !== 'both' && r.dir !== dir) continue
        switch (r.kind) {
          case 'drop':
            if (!matches(seg, r.match)) continue
            if (--r.left <= 0) this.rules.splice(i, 1)
            fate = 'dropped'
            break
          case 'cut':
            fate = 'dropped'
            break
          case 'reject':
            fate = 'rejected'
            icmp = r.icmp
            break
          default:
            unreachable(r, 'net rule')
        }
        ruleStep = r.step
        break
      }
    }
    if (fate === 'delivered' && this.hosts.isDown(seg.dst)) fate = 'dropped'
    const now = this.world.q.now
    const event: SegmentEvent = {
      tMs: now,
      type: 'segment',
      dir,
      flags: flagNames(seg.flags),
      seq: seg.seq,
      ack: seg.ack,
      len: seg.len,
      fate,
      win: seg.win,
    }
    if (seg.retransmit) event.retransmit = true
    if (hop) event.hop = hop
    if (client !== 'client' && client !== 'server' && client !== 'middlebox') event.client = client
    if (ruleStep >= 0) event.ruleStep = ruleStep
    if (seg.sack) event.sack = seg.sack
    this.world.trace.emit(event)
    if (fate === 'delivered') {
      this.world.q.deliver(this.delayMs, this.arrive, seg)
    } else if (reset) {
      // nf_send_reset: an RST from the segment's destination back to its sender, made where
      // the segment was stopped; it crosses the path (and its faults) like any segment. With
      // an ACK number it is a bare RST whose seq is that number (RFC 9293 3.10.7.1).
      const rst: Segment = {
        src: seg.dst,
        dst: seg.src,
        sport: seg.dport,
        dport: seg.sport,
        seq: (seg.flags & ACK) !== 0 ? seg.ack : 0,
        ack: (seg.flags & ACK) !== 0 ? 0 : seg.seq + seg.len + ((seg.flags & FIN) !== 0 ? 1 : 0),
        flags: (seg.flags & ACK) !== 0 ? RST : RST | ACK,
        len: 0,
        win: 0,
        retransmit: false,
      }
      this.world.q.deliver(this.delayMs, () => this.transmit(rst), undefined)
    } else if (icmp) {
      const kind = icmp
      // The router next to the destination answers; the error travels back to the sender.
      this.world.q.deliver(
        2 * this.delayMs,
        () => {
          const e: IcmpEvent = {
            tMs: this.world.q.now,
            type: 'icmp',
            dir: dir === 'c2s' ? 's2c' : 'c2s',
            icmp: kind,
          }
          if (event.client) e.client = event.client
          this.world.trace.emit(e)
          this.hosts.receiveIcmp(seg.src, { kind, about: seg })
        },
        undefined,
      )
    }
  }

  /** The first segment the firewall stops of a connection it forgot gets a teaching note. */
  private noteForgotten(seg: Segment): void {
    const key = `${Math.min(seg.sport, seg.dport)}-${Math.max(seg.sport, seg.dport)}`
    if (this.noted.has(key) || !this.firewall) return
    this.noted.add(key)
    const { forget, idleS } = this.firewall.config
    const key2 = forget === 'reset' ? 'firewall-forgot-reset' : 'firewall-forgot-drop'
    this.world.trace.note(key2, { s: idleS })
  }
}
