import { describe, expect, it } from 'vitest'
import {
  icmpUnreachableFrame,
  internetChecksum,
  macOf,
  tcpFrame,
  tcpOptions,
  UNREACHABLE_CODES,
  type Ipv4,
} from './packets'

const A: Ipv4 = [192, 0, 2, 10]
const B: Ipv4 = [198, 51, 100, 20]

/** Sums the 16-bit words with end-around carry: a correct checksum makes it 0xffff. */
function foldedSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return sum
}

describe('internetChecksum', () => {
  it('matches the worked example of RFC 1071 section 3', () => {
    // 0001 f203 f4f5 f6f7: the sum is ddf2, its complement 220d.
    expect(internetChecksum(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7))).toBe(
      0x220d,
    )
  })

  it('pads an odd last byte with zero', () => {
    expect(internetChecksum(Uint8Array.of(0x12))).toBe(~0x1200 & 0xffff)
  })
})

describe('tcpFrame', () => {
  const frame = tcpFrame({
    src: A,
    dst: B,
    ipId: 7,
    sport: 40000,
    dport: 7000,
    seq: 2 ** 32 + 5,
    ack: 99,
    flags: ['SYN', 'ACK'],
    window: 70000,
    options: tcpOptions({ mss: 65495, windowScale: 2 }),
    payloadLength: 3,
  })
  const view = new DataView(frame.buffer)

  it('is Ethernet II with IPv4 between MACs made from the addresses', () => {
    expect([...frame.subarray(0, 6)]).toEqual([...macOf(B)])
    expect([...frame.subarray(6, 12)]).toEqual([...macOf(A)])
    expect(view.getUint16(12)).toBe(0x0800)
    expect(frame.length).toBe(14 + 20 + 28 + 3)
  })

  it('has a valid IPv4 header checksum and the right total length and protocol', () => {
    expect(foldedSum(frame.subarray(14, 34))).toBe(0xffff)
    expect(view.getUint16(16)).toBe(20 + 28 + 3)
    expect(frame[23]).toBe(6)
    expect([...frame.subarray(26, 30)]).toEqual([...A])
  })

  it('has a valid TCP checksum over the pseudo-header', () => {
    const tcpLength = 28 + 3
    const pseudo = (A[0] << 8) + A[1] + (A[2] << 8) + A[3] + (B[0] << 8) + B[1] + (B[2] << 8) + B[3]
    expect(foldedSum(frame.subarray(34), pseudo + 6 + tcpLength)).toBe(0xffff)
  })

  it('writes ports, numbers modulo 2^32, flags, data offset and a clamped window', () => {
    expect(view.getUint16(34)).toBe(40000)
    expect(view.getUint16(36)).toBe(7000)
    expect(view.getUint32(38)).toBe(5)
    expect(view.getUint32(42)).toBe(99)
    expect(view.getUint16(46)).toBe((7 << 12) | 0x12)
    expect(view.getUint16(48)).toBe(0xffff)
    expect([...frame.subarray(54, 62)]).toEqual([2, 4, 0xff, 0xd7, 1, 3, 3, 2])
    expect([...frame.subarray(62)]).toEqual([0, 0, 0])
  })

  it('refuses a packet larger than IPv4 allows', () => {
    const base = { src: A, dst: B, ipId: 1, sport: 1, dport: 2, seq: 0, ack: 0, window: 0 }
    expect(() => tcpFrame({ ...base, flags: ['ACK'], payloadLength: 65535 - 40 })).not.toThrow()
    expect(() => tcpFrame({ ...base, flags: ['ACK'], payloadLength: 65535 - 39 })).toThrow(
      RangeError,
    )
  })
})

describe('tcpOptions', () => {
  it('pads to a multiple of 4 and writes SACK blocks as absolute edges', () => {
    const o = tcpOptions({ sack: [[2 ** 32 + 10, 20]] })
    expect([...o]).toEqual([1, 1, 5, 10, 0, 0, 0, 10, 0, 0, 0, 20])
    expect(tcpOptions({ sackPermitted: true, windowScale: 7 }).length % 4).toBe(0)
  })

  it('keeps at most what fits in 40 bytes', () => {
    const blocks = Array.from({ length: 6 }, (_, i) => [i * 10, i * 10 + 5] as const)
    expect(tcpOptions({ sack: blocks }).length).toBeLessThanOrEqual(40)
  })
})

describe('icmpUnreachableFrame', () => {
  it('quotes the offending IP header and 8 bytes, with a valid ICMP checksum', () => {
    const offending = tcpFrame({
      src: A,
      dst: B,
      ipId: 1,
      sport: 40000,
      dport: 7000,
      seq: 1234,
      ack: 0,
      flags: ['SYN'],
      window: 100,
      payloadLength: 0,
    }).subarray(14)
    const router: Ipv4 = [203, 0, 113, 1]
    const frame = icmpUnreachableFrame({
      src: router,
      dst: A,
      ipId: 1,
      code: UNREACHABLE_CODES['host-unreachable'],
      offending,
    })
    expect(frame.length).toBe(14 + 20 + 8 + 28)
    expect(frame[23]).toBe(1)
    expect(frame[34]).toBe(3)
    expect(frame[35]).toBe(1)
    expect(foldedSum(frame.subarray(14, 34))).toBe(0xffff)
    expect(foldedSum(frame.subarray(34))).toBe(0xffff)
    expect([...frame.subarray(42)]).toEqual([...offending.subarray(0, 28)])
  })
})
