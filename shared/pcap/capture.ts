/**
 * A run as a packet capture (docs/pcap-export.md): every segment of the sequence diagram as an
 * Ethernet/IPv4/TCP frame, every ICMP error as an ICMP destination-unreachable frame quoting
 * the segment it answers, each with a comment naming the step that caused it and what became
 * of the segment. Segments that were dropped, rejected or held are in the file too: they were
 * sent, and the comment says they never arrived.
 *
 * The run records flags, relative sequence numbers, lengths, windows and SACK blocks, not
 * addresses, ports or initial sequence numbers: those are this file's fixed choices
 * ({@link PCAP_ADDRESSES}, {@link clientEndpoint}, {@link initialSequence}).
 */
import {
  clientOf,
  type IcmpEvent,
  type LabResult,
  type SegmentEvent,
  type StepResult,
} from '../lab-result'
import { CLIENT_ACTORS, scriptPort, type ClientActor, type LabScript } from '../lab-script'
import { formatCall } from '../trace-text'
import { frameTexts, type FrameTexts, type PcapLang, type PcapParty } from './frame-text'
import { icmpUnreachableFrame, tcpFrame, tcpOptions, UNREACHABLE_CODES, type Ipv4 } from './packets'
import { encodePcapng } from './pcapng'

/** The capture's clock starts at 2024-01-01T00:00:00Z: a frame's time is this plus its `tMs`. */
export const PCAP_EPOCH_MS = Date.UTC(2024, 0, 1)

/**
 * The capture's addresses, from the documentation ranges (RFC 5737): clients on 192.0.2.0/24,
 * the server on 198.51.100.0/24, the middlebox (middlebox topology) between them with an
 * address on each, and the router that sends host, network and administrative unreachables on
 * 203.0.113.0/24 (a port unreachable comes from the destination itself).
 */
export const PCAP_ADDRESSES = {
  client: [192, 0, 2, 10],
  middleboxClientSide: [192, 0, 2, 1],
  middleboxServerSide: [198, 51, 100, 1],
  server: [198, 51, 100, 20],
  router: [203, 0, 113, 1],
} as const satisfies Record<string, Ipv4>

/** The client programs a segment may belong to (absent on an event: the first). */
export const PCAP_CLIENTS = CLIENT_ACTORS
/** One of {@link PCAP_CLIENTS}. */
export type PcapClient = ClientActor

/** The server port when neither the options nor the script name one. */
const DEFAULT_PORT = 7000
/** First ephemeral port of the first client; each further client starts 1000 higher. */
const CLIENT_PORT_BASE = 40000
/** First port the middlebox's relay uses towards the server. */
const RELAY_PORT_BASE = 50000
/**
 * A caller's segment is "sent by" its call while the call runs or up to this long after it
 * returned: the kernel lab's capture stamps a FIN a fraction of a millisecond after close()
 * returned. A segment later than that was sent by the TCP on its own (a timer, an ACK).
 */
const CALL_SLACK_MS = 5
/**
 * The MSS both backends work with: loopback's (MTU 65536 less 40 bytes of IPv4 and TCP
 * headers), which the kernel lab's SYNs announce and the simulator models (main/sim/simulate.ts).
 */
const LOOPBACK_MSS = 65495
/** Calls that put segments on the wire themselves. */
const SENDING_OPS: ReadonlySet<string> = new Set([
  'connect',
  'send',
  'close',
  'shutdown',
  'abort',
  'crash',
])

/** Which client program a segment or ICMP error belongs to (an absent field: the first). */
export { clientOf }

/** An address and port. */
export interface PcapEndpoint {
  ip: Ipv4
  port: number
}

/**
 * The client end of a client's `connection`-th connection (0-based): the client's address and
 * an ephemeral port of its own range (40000 + 1000 per client + the connection), or for the
 * first connection the port the client's `bind` step named. On the middlebox's server-side hop
 * the client end is the relay (198.51.100.1, ports from 50000).
 */
export function clientEndpoint(
  client: PcapClient,
  connection: number,
  hop: SegmentEvent['hop'],
  script?: LabScript,
): PcapEndpoint {
  const n = PCAP_CLIENTS.indexOf(client)
  if (hop === 'middlebox-server')
    return { ip: PCAP_ADDRESSES.middleboxServerSide, port: RELAY_PORT_BASE + 1000 * n + connection }
  const bound = script?.steps.find((s) => s.op === 'bind' && s.actor === client)
  const port =
    connection === 0 && bound && 'port' in bound && typeof bound.port === 'number'
      ? bound.port
      : CLIENT_PORT_BASE + 1000 * n + connection
  return { ip: PCAP_ADDRESSES.client, port }
}

/** The server end: the server, or on the middlebox's client-side hop the relay. */
export function serverEndpoint(hop: SegmentEvent['hop'], port: number): PcapEndpoint {
  return {
    ip: hop === 'client-middlebox' ? PCAP_ADDRESSES.middleboxClientSide : PCAP_ADDRESSES.server,
    port,
  }
}

/**
 * The initial sequence number of one side of the run's `serial`-th connection (0-based, in the
 * order their first SYN appears): client sides from 1,000,000,000, server sides from
 * 3,000,000,000, 2^24 apart per connection. The run's numbers are relative to them.
 */
export function initialSequence(side: 'c2s' | 's2c', serial: number): number {
  return ((side === 'c2s' ? 1_000_000_000 : 3_000_000_000) + serial * 2 ** 24) % 2 ** 32
}

/** How the capture is made. */
export interface PcapOptions {
  /** The script that ran: names the steps' calls in the comments, the ports, a client's bind. */
  script?: LabScript
  /** The comments' language (default English). */
  lang?: PcapLang
  /** The server's port (default: the script's, else 7000). */
  port?: number
}

/** One frame of the capture, before it is put in the file. */
export interface PcapFrame {
  tMs: number
  kind: 'tcp' | 'icmp'
  data: Uint8Array
  comment: string
  /** The run's event the frame shows. */
  event: SegmentEvent | IcmpEvent
}

/** One TCP connection as the capture numbers it. */
interface Connection {
  serial: number
  client: PcapClient
  hop: SegmentEvent['hop']
  c: PcapEndpoint
  s: PcapEndpoint
  isn: Record<Dir, number>
  /** Largest window each side advertised. */
  maxWin: Record<Dir, number>
  /** RFC 7323 shift per side, when the windows need scaling (the simulator's can). */
  shift?: Record<Dir, number>
  sack: boolean
  /** Next relative sequence number of each side (for segments without known numbers). */
  next: Record<Dir, number>
  /** What each side has received in order (its acknowledgement number). */
  received: Record<Dir, number>
}

type Dir = 'c2s' | 's2c'
const other = (d: Dir): Dir => (d === 'c2s' ? 's2c' : 'c2s')

/** The capture's frames, in the run's order. */
export function captureFrames(result: LabResult, options: PcapOptions = {}): PcapFrame[] {
  const script = options.script
  const texts = frameTexts(options.lang ?? 'en')
  const port = options.port ?? (script ? scriptPort(script) : DEFAULT_PORT)
  const connections = assignConnections(result, script, port)
  const steps = new Map(result.steps.map((s) => [s.index, s]))
  const label = (index: number): string => {
    const step = steps.get(index)
    const scriptStep = script?.steps[index]
    const actor = step?.actor ?? scriptStep?.actor ?? 'net'
    const op = step?.op ?? scriptStep?.op
    const call = op ? formatCall({ op }, scriptStep) : '?'
    return texts.step(index, actor === 'net' ? call : `${actor} ${call}`)
  }
  const ipIds = new Map<string, number>()
  const nextId = (ip: Ipv4): number => {
    const key = ip.join('.')
    const id = (ipIds.get(key) ?? 0) + 1
    ipIds.set(key, id)
    return id
  }
  const frames: PcapFrame[] = []
  const awaitingIcmp: { frame: number; event: SegmentEvent; data: Uint8Array }[] = []
  let lastTcp: { frame: number; event: SegmentEvent; data: Uint8Array } | undefined
  let firewallRejected: { dir: Dir; conn: Connection } | undefined
  // The step that first sent each sequence number of a connection's side, for its retransmissions.
  const firstSent = new Map<string, number>()
  for (const event of result.events) {
    if (event.type === 'segment') {
      const conn = connections.get(event)!
      const dir = event.dir
      const [from, to] = dir === 'c2s' ? [conn.c, conn.s] : [conn.s, conn.c]
      const known = event.seqKnown !== false
      const syn = event.flags.includes('SYN')
      const relSeq = known ? event.seq : syn ? 0 : conn.next[dir]
      const relAck = known ? event.ack : conn.received[dir]
      const size = event.len + (syn ? 1 : 0) + (event.flags.includes('FIN') ? 1 : 0)
      conn.next[dir] = Math.max(conn.next[dir], relSeq + size)
      if (event.fate === 'delivered')
        conn.received[other(dir)] = Math.max(conn.received[other(dir)], relSeq + size)
      const data = tcpFrame({
        src: from.ip,
        dst: to.ip,
        ipId: nextId(from.ip),
        sport: from.port,
        dport: to.port,
        seq: conn.isn[dir] + relSeq,
        ack: event.flags.includes('ACK') ? conn.isn[other(dir)] + relAck : 0,
        flags: event.flags,
        window: windowField(event, conn),
        options: optionsOf(event, conn),
        payloadLength: event.len,
      })
      const sender = partyOf(conn, dir)
      const receiver = partyOf(conn, other(dir))
      const firewallRst =
        event.flags.includes('RST') &&
        firewallRejected?.conn === conn &&
        firewallRejected.dir === other(dir)
      firewallRejected =
        event.fate === 'rejected' && event.ruleStep === undefined ? { dir, conn } : undefined
      const original = `${conn.serial}/${dir}/${relSeq}`
      const call = event.retransmit ? undefined : sendingCall(event, sender, result.steps)
      // Only what occupies sequence space is retransmitted (not a bare ACK at the same number).
      if (call && size > 0 && !firstSent.has(original)) firstSent.set(original, call.index)
      const first = firstSent.get(original)
      const parts = [
        firewallRst
          ? texts.firewallRst(texts.party(sender))
          : event.retransmit
            ? texts.retransmission(
                texts.party(sender),
                first !== undefined ? label(first) : undefined,
              )
            : call
              ? texts.sentBy(label(call.index))
              : sentOnItsOwn(event, sender, result.steps, label, texts),
        fateOf(event, receiver, result.steps, script, label, texts),
        known ? undefined : texts.reconstructed,
      ].filter((p): p is string => p !== undefined)
      frames.push({ tMs: event.tMs, kind: 'tcp', data, comment: parts.join('; '), event })
      const sent = { frame: frames.length, event, data }
      lastTcp = sent
      if (event.fate === 'rejected' && event.ruleStep !== undefined) awaitingIcmp.push(sent)
    } else if (event.type === 'icmp') {
      const at = awaitingIcmp.findIndex((p) => p.event.dir !== event.dir)
      const about = at >= 0 ? awaitingIcmp.splice(at, 1)[0] : lastTcp
      if (!about) continue
      const offending = about.data.subarray(14)
      const src = offending.subarray(12, 16)
      const dst = offending.subarray(16, 20)
      const code = UNREACHABLE_CODES[event.icmp as keyof typeof UNREACHABLE_CODES] ?? 1
      const from = (event.icmp === 'port-unreachable' ? ipOf(dst) : PCAP_ADDRESSES.router) as Ipv4
      const data = icmpUnreachableFrame({
        src: from,
        dst: ipOf(src),
        ipId: nextId(from),
        code,
        offending,
      })
      const comment =
        at >= 0
          ? texts.icmpAbout(event.icmp, about.frame, label(about.event.ruleStep!))
          : texts.icmpUnmatched(event.icmp)
      frames.push({ tMs: event.tMs, kind: 'icmp', data, comment, event })
    }
  }
  return frames
}

/** The run as one pcapng file (docs/pcap-export.md). */
export function runToPcapng(result: LabResult, options: PcapOptions = {}): Uint8Array {
  const texts = frameTexts(options.lang ?? 'en')
  let last = 0
  const packets = captureFrames(result, options).map((f) => {
    // Never backwards: the kernel lab's stamps can be a hair out of order across its sources.
    last = Math.max(last, Math.round((PCAP_EPOCH_MS + f.tMs) * 1000))
    return { timestampUs: last, data: f.data, comment: f.comment }
  })
  return encodePcapng(packets, {
    application: 'Socket Anomaly Lab',
    interfaceName: 'socket-lab',
    interfaceDescription: 'the path between the lab hosts, as the run saw it',
    comment: texts.section(
      result.backend,
      result.profile,
      options.script?.id ?? result.id ?? 'script',
    ),
  })
}

/** Gives every segment its connection: a client's fresh SYN opens the next one. */
function assignConnections(
  result: LabResult,
  script: LabScript | undefined,
  port: number,
): Map<SegmentEvent, Connection> {
  const current = new Map<string, Connection>()
  const counts = new Map<string, number>()
  const byEvent = new Map<SegmentEvent, Connection>()
  let serial = 0
  for (const event of result.events) {
    if (event.type !== 'segment') continue
    const client = clientOf(event)
    const key = `${client}/${event.hop ?? 'direct'}`
    const fresh =
      event.dir === 'c2s' &&
      event.flags.includes('SYN') &&
      !event.flags.includes('ACK') &&
      !event.retransmit
    let conn = current.get(key)
    if (!conn || (fresh && conn.next.c2s > 0)) {
      const n = counts.get(key) ?? 0
      counts.set(key, n + 1)
      conn = {
        serial,
        client,
        hop: event.hop,
        c: clientEndpoint(client, n, event.hop, script),
        s: serverEndpoint(event.hop, port),
        isn: { c2s: initialSequence('c2s', serial), s2c: initialSequence('s2c', serial) },
        maxWin: { c2s: 0, s2c: 0 },
        sack: false,
        next: { c2s: 0, s2c: 0 },
        received: { c2s: 0, s2c: 0 },
      }
      serial++
      current.set(key, conn)
    }
    // Marks the connection as having sent, so the next fresh SYN opens another.
    if (event.dir === 'c2s') conn.next.c2s = 1
    conn.maxWin[event.dir] = Math.max(conn.maxWin[event.dir], event.win ?? 0)
    if (event.sack && event.sack.length > 0) conn.sack = true
    byEvent.set(event, conn)
  }
  for (const conn of new Set(byEvent.values())) {
    conn.next = { c2s: 0, s2c: 0 }
    // RFC 7323: a window above 65,535 needs a scale option on both SYNs.
    if (conn.maxWin.c2s > 0xffff || conn.maxWin.s2c > 0xffff)
      conn.shift = { c2s: shiftFor(conn.maxWin.c2s), s2c: shiftFor(conn.maxWin.s2c) }
  }
  return byEvent
}

/** The smallest RFC 7323 shift (at most 14) that fits the window in 16 bits. */
function shiftFor(win: number): number {
  let s = 0
  while (s < 14 && win / 2 ** s > 0xffff) s++
  return s
}

/** The 16-bit window field: a SYN's unscaled (RFC 7323 2.2), others scaled when needed. */
function windowField(event: SegmentEvent, conn: Connection): number {
  const win = event.win ?? (event.flags.includes('RST') ? 0 : 0xffff)
  if (event.flags.includes('SYN') || !conn.shift) return Math.min(win, 0xffff)
  return Math.min(0xffff, Math.floor(win / 2 ** conn.shift[event.dir]))
}

function optionsOf(event: SegmentEvent, conn: Connection): Uint8Array {
  if (event.flags.includes('SYN'))
    return tcpOptions({
      mss: LOOPBACK_MSS,
      windowScale: conn.shift?.[event.dir],
      sackPermitted: conn.sack,
    })
  // A SACK block names the peer's bytes this side holds: the peer's sequence space.
  const base = conn.isn[other(event.dir)]
  const sack = event.sack?.map(([l, r]) => [base + l, base + r] as const)
  return sack && sack.length > 0 ? tcpOptions({ sack }) : new Uint8Array(0)
}

function partyOf(conn: Connection, dir: Dir): PcapParty {
  if (dir === 'c2s') return conn.hop === 'middlebox-server' ? 'middlebox' : conn.client
  return conn.hop === 'client-middlebox' ? 'middlebox' : 'server'
}

/** The call of the sender's own program that put the segment on the wire, if one did. */
function sendingCall(
  event: SegmentEvent,
  sender: PcapParty,
  steps: readonly StepResult[],
): StepResult | undefined {
  const t = event.tMs
  return latest(
    steps.filter(
      (s) =>
        s.actor === sender &&
        SENDING_OPS.has(s.op) &&
        s.outcome !== 'skipped' &&
        s.startMs <= t &&
        (s.outcome === 'blocked' || t <= Math.max(s.startMs, s.endMs) + CALL_SLACK_MS),
    ),
  )
}

/** A segment the sender's TCP sent by itself (a reply, an ACK, a probe): after which step. */
function sentOnItsOwn(
  event: SegmentEvent,
  sender: PcapParty,
  steps: readonly StepResult[],
  label: (index: number) => string,
  texts: FrameTexts,
): string {
  const who = texts.party(sender)
  const before = latest(steps.filter((s) => s.outcome !== 'skipped' && s.startMs <= event.tMs))
  return before ? texts.sentAfter(who, label(before.index)) : texts.sentByTcp(who)
}

/** The step that started last (the later index on a tie). */
function latest(steps: readonly StepResult[]): StepResult | undefined {
  let best: StepResult | undefined
  for (const s of steps)
    if (!best || s.startMs > best.startMs || (s.startMs === best.startMs && s.index > best.index))
      best = s
  return best
}

/** What became of a segment that was not delivered; undefined when it was. */
function fateOf(
  event: SegmentEvent,
  receiver: PcapParty,
  steps: readonly StepResult[],
  script: LabScript | undefined,
  label: (index: number) => string,
  texts: FrameTexts,
): string | undefined {
  const rule = event.ruleStep
  switch (event.fate) {
    case 'delivered':
      return undefined
    case 'dropped': {
      if (rule !== undefined) return texts.droppedBy(label(rule))
      const down = latest(steps.filter((s) => s.actor === receiver && isDown(s, event.tMs, script)))
      if (down) return texts.droppedHostDown(texts.party(receiver), label(down.index))
      return script?.firewall ? texts.droppedFirewall : texts.droppedOnTheWay
    }
    case 'rejected':
      return rule !== undefined ? texts.rejectedBy(label(rule)) : texts.rejectedFirewall
    case 'held': {
      const hold =
        rule ?? latest(steps.filter((s) => s.op === 'hold' && s.startMs <= event.tMs))?.index
      return hold !== undefined ? texts.heldBy(label(hold)) : texts.held
    }
  }
}

/** True when the step had taken its host off the network at `t` (a silent crash, a reboot). */
function isDown(step: StepResult, t: number, script: LabScript | undefined): boolean {
  if (step.startMs > t) return false
  if (step.op === 'reboot') return t <= step.endMs
  if (step.op !== 'crash') return false
  const s = script?.steps[step.index]
  return s !== undefined && 'mode' in s && s.mode === 'silent'
}

function ipOf(bytes: Uint8Array): Ipv4 {
  return [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!]
}
