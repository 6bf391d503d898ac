/**
 * What every part of the simulator shares during one run: the clock and agenda, the random
 * source, the OS profile with the run's effective timers, the trace being recorded, and the
 * wire. Kept as one small interface so the TCP code never reaches for globals.
 */
import type { NoteKey } from '../../shared/notes'
import type { Actor, Endpoint, LabScript } from '../../shared/lab-script'
import type { LabResult, TcpFlag, TraceEvent } from '../../shared/lab-result'
import type { OsProfile } from '../../shared/profiles'
import type { EventQueue } from './engine/event-queue'
import type { Random } from './engine/random'

/** The machines of a run; the middlebox exists only in the `middlebox` topology. */
export type HostId = Endpoint | 'middlebox'

/** TCP flag bits (RFC 9293 3.1 order is irrelevant here; bits are for speed). */
export const SYN = 1
export const ACK = 2
export const FIN = 4
export const RST = 8
export const PSH = 16

/** One TCP segment on the wire. Sequence numbers are relative (ISN 0) for readability. */
export interface Segment {
  src: HostId
  dst: HostId
  sport: number
  dport: number
  seq: number
  ack: number
  flags: number
  len: number
  win: number
  retransmit: boolean
  /**
   * SACK blocks (RFC 2018): [start, end) ranges the sender of this segment holds beyond its
   * ACK, the block of the segment received last first. Absent while nothing is held.
   */
  sack?: [number, number][]
  /**
   * RFC 7323 timestamps, on connections whose profile uses them (`OsProfile.timestamps`): the
   * sender's clock in whole virtual ms when it sent this segment (TSval), and the peer's TSval
   * it echoes (TSecr; only with ACK). Not drawn in the trace.
   */
  tsVal?: number
  tsEcr?: number
}

/** An ICMP error sent back about a segment (it quotes the segment's header). */
export interface IcmpMessage {
  kind: 'host-unreachable' | 'net-unreachable' | 'port-unreachable' | 'admin-prohibited'
  about: Segment
}

const FLAG_NAMES: TcpFlag[][] = []

/**
 * The flags of a segment as drawn in the trace. One shared array per combination (there are
 * 32): a run draws thousands of segments and the arrays are never modified.
 */
export function flagNames(flags: number): TcpFlag[] {
  const cached = FLAG_NAMES[flags]
  if (cached) return cached
  const out: TcpFlag[] = []
  if (flags & SYN) out.push('SYN')
  if (flags & FIN) out.push('FIN')
  if (flags & RST) out.push('RST')
  if (flags & PSH) out.push('PSH')
  if (flags & ACK) out.push('ACK')
  FLAG_NAMES[flags] = out
  return out
}

/** The timers in force for a run (profile defaults overridden by the script). */
export type EffectiveTimers = LabResult['timers']

/** Records the trace and streams it. */
export interface Trace {
  events: TraceEvent[]
  emit(event: TraceEvent): void
  note(key: NoteKey, params?: Record<string, string | number>, actor?: Actor, step?: number): void
}

/** The run's shared context. */
export interface World {
  q: EventQueue
  rng: Random
  profile: OsProfile
  timers: EffectiveTimers
  script: LabScript
  trace: Trace
  /** Maximum segment size on the simulated links (bytes of payload). */
  mss: number
  /** Puts a segment on the wire (the path decides its fate). */
  transmit(seg: Segment): void
}
