/**
 * Ethernet II / IPv4 / TCP and ICMP frames as bytes, with correct checksums (RFC 791, RFC 9293
 * 3.1, RFC 792, RFC 1071). Pure: Uint8Array and DataView only, so the app's page, the CLI and
 * the tests build the very same bytes. The pcapng container is in pcapng.ts.
 */
import type { TcpFlag } from '../lab-result'

/** An IPv4 address as its four octets, e.g. `[192, 0, 2, 10]`. */
export type Ipv4 = readonly [number, number, number, number]

/** TCP header flag bits (RFC 9293 3.1). */
export const TCP_FLAG_BITS: Readonly<Record<TcpFlag, number>> = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
}

const ETHERNET_HEADER = 14
const IPV4_HEADER = 20
const TCP_HEADER = 20
/** The largest IPv4 packet (the total-length field is 16 bits). */
export const IPV4_MAX_TOTAL = 65535

/** `a.b.c.d`. */
export function formatIpv4(ip: Ipv4): string {
  return ip.join('.')
}

/**
 * A locally administered unicast MAC address made from an IPv4 address (02:00:a:b:c:d), so
 * every address of the capture has its own, stable link-layer address.
 */
export function macOf(ip: Ipv4): Uint8Array {
  return Uint8Array.of(0x02, 0x00, ...ip)
}

/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of the
 * 16-bit words, an odd last byte padded with zero. `initial` carries a partial sum (the TCP
 * pseudo-header's).
 */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial
  const n = bytes.length
  for (let i = 0; i + 1 < n; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!
  if (n % 2 === 1) sum += bytes[n - 1]! << 8
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}

/** The unfolded sum of the TCP pseudo-header (RFC 9293 3.1): addresses, protocol, length. */
function pseudoHeaderSum(src: Ipv4, dst: Ipv4, protocol: number, length: number): number {
  return (
    ((src[0] << 8) | src[1]) +
    ((src[2] << 8) | src[3]) +
    ((dst[0] << 8) | dst[1]) +
    ((dst[2] << 8) | dst[3]) +
    protocol +
    length
  )
}

/** TCP options a segment may carry (RFC 7323 window scale, RFC 2018 SACK). */
export interface TcpOptionSet {
  /** Maximum segment size (SYN and SYN-ACK only). */
  mss?: number
  /** Window scale shift count (SYN and SYN-ACK only). */
  windowScale?: number
  /** SACK permitted (SYN and SYN-ACK only). */
  sackPermitted?: boolean
  /** SACK blocks as absolute [left, right) sequence numbers; at most 4 fit. */
  sack?: readonly (readonly [number, number])[]
}

/** The options field, padded with NOPs to a multiple of 4 bytes (at most 40). */
export function tcpOptions(set: TcpOptionSet): Uint8Array {
  const out: number[] = []
  if (set.mss !== undefined) out.push(2, 4, (set.mss >>> 8) & 0xff, set.mss & 0xff)
  if (set.windowScale !== undefined) out.push(1, 3, 3, set.windowScale)
  if (set.sackPermitted) out.push(1, 1, 4, 2)
  // Four blocks need 34 bytes; with the other options only three fit in 40 (RFC 2018 3).
  const room = Math.floor((40 - out.length - 4) / 8)
  const blocks = (set.sack ?? []).slice(0, Math.max(0, room))
  if (blocks.length > 0) {
    out.push(1, 1, 5, 2 + 8 * blocks.length)
    for (const [left, right] of blocks) out.push(...u32(left), ...u32(right))
  }
  while (out.length % 4 !== 0) out.push(1)
  return Uint8Array.from(out)
}

function u32(n: number): number[] {
  const v = n >>> 0
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]
}

/** What one TCP segment's frame is made of. */
export interface TcpFrameSpec {
  src: Ipv4
  dst: Ipv4
  /** IPv4 identification. */
  ipId: number
  sport: number
  dport: number
  /** Absolute sequence and acknowledgement numbers (taken modulo 2^32). */
  seq: number
  ack: number
  flags: readonly TcpFlag[]
  /** The 16-bit window field as sent (already scaled). */
  window: number
  options?: Uint8Array
  /** Payload length; the payload is that many zero bytes. */
  payloadLength: number
}

/**
 * One Ethernet frame holding an IPv4 packet holding the TCP segment, both checksums filled
 * in. Throws a RangeError when the packet would not fit in IPv4's 16-bit total length.
 */
export function tcpFrame(spec: TcpFrameSpec): Uint8Array {
  const options = spec.options ?? new Uint8Array(0)
  if (options.length % 4 !== 0 || options.length > 40)
    throw new RangeError(
      `TCP options must be a multiple of 4 bytes up to 40, got ${options.length}`,
    )
  const tcpLength = TCP_HEADER + options.length + spec.payloadLength
  const ipTotal = IPV4_HEADER + tcpLength
  if (ipTotal > IPV4_MAX_TOTAL)
    throw new RangeError(`a ${spec.payloadLength}-byte payload does not fit in an IPv4 packet`)
  const frame = new Uint8Array(ETHERNET_HEADER + ipTotal)
  writeEthernet(frame, spec.src, spec.dst)
  writeIpv4(frame, spec.src, spec.dst, spec.ipId, 6, ipTotal)
  const tcp = new DataView(frame.buffer, ETHERNET_HEADER + IPV4_HEADER, tcpLength)
  tcp.setUint16(0, spec.sport)
  tcp.setUint16(2, spec.dport)
  tcp.setUint32(4, spec.seq >>> 0)
  tcp.setUint32(8, spec.ack >>> 0)
  let bits = 0
  for (const f of spec.flags) bits |= TCP_FLAG_BITS[f]
  tcp.setUint16(12, (((TCP_HEADER + options.length) / 4) << 12) | bits)
  tcp.setUint16(14, Math.min(0xffff, Math.max(0, Math.floor(spec.window))))
  // Checksum (16) and urgent pointer (18) start at zero.
  frame.set(options, ETHERNET_HEADER + IPV4_HEADER + TCP_HEADER)
  const segment = frame.subarray(ETHERNET_HEADER + IPV4_HEADER)
  tcp.setUint16(16, internetChecksum(segment, pseudoHeaderSum(spec.src, spec.dst, 6, tcpLength)))
  return frame
}

/** ICMP destination-unreachable codes (RFC 792, RFC 1812 5.2.7.1). */
export const UNREACHABLE_CODES = {
  'net-unreachable': 0,
  'host-unreachable': 1,
  'port-unreachable': 3,
  'admin-prohibited': 13,
} as const

/** What one ICMP destination-unreachable frame is made of. */
export interface IcmpFrameSpec {
  /** Who sends the error (a router, or the destination host for port unreachable). */
  src: Ipv4
  /** The sender of the offending packet. */
  dst: Ipv4
  ipId: number
  code: number
  /**
   * The offending IPv4 packet (from its IP header on); the error quotes its header and the
   * first 8 bytes of its payload (RFC 792), which hold the TCP ports and sequence number.
   */
  offending: Uint8Array
}

/** One Ethernet frame with an ICMP type 3 (destination unreachable) message. */
export function icmpUnreachableFrame(spec: IcmpFrameSpec): Uint8Array {
  const quoted = spec.offending.subarray(0, IPV4_HEADER + 8)
  const icmpLength = 8 + quoted.length
  const ipTotal = IPV4_HEADER + icmpLength
  const frame = new Uint8Array(ETHERNET_HEADER + ipTotal)
  writeEthernet(frame, spec.src, spec.dst)
  writeIpv4(frame, spec.src, spec.dst, spec.ipId, 1, ipTotal)
  const at = ETHERNET_HEADER + IPV4_HEADER
  frame[at] = 3
  frame[at + 1] = spec.code
  // Bytes 4-7 are unused for these codes (zero).
  frame.set(quoted, at + 8)
  const icmp = new DataView(frame.buffer, at, icmpLength)
  icmp.setUint16(2, internetChecksum(frame.subarray(at)))
  return frame
}

function writeEthernet(frame: Uint8Array, src: Ipv4, dst: Ipv4): void {
  frame.set(macOf(dst), 0)
  frame.set(macOf(src), 6)
  frame[12] = 0x08 // EtherType IPv4
  frame[13] = 0x00
}

function writeIpv4(
  frame: Uint8Array,
  src: Ipv4,
  dst: Ipv4,
  id: number,
  protocol: number,
  total: number,
): void {
  const ip = new DataView(frame.buffer, ETHERNET_HEADER, IPV4_HEADER)
  ip.setUint8(0, 0x45) // version 4, 5 words
  ip.setUint16(2, total)
  ip.setUint16(4, id & 0xffff)
  // Don't Fragment on TCP (Linux does path MTU discovery); not on the ICMP errors.
  ip.setUint16(6, protocol === 6 ? 0x4000 : 0)
  ip.setUint8(8, 64)
  ip.setUint8(9, protocol)
  frame.set(src, ETHERNET_HEADER + 12)
  frame.set(dst, ETHERNET_HEADER + 16)
  ip.setUint16(10, internetChecksum(frame.subarray(ETHERNET_HEADER, ETHERNET_HEADER + IPV4_HEADER)))
}
