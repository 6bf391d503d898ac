// RTT samples under Karn's rule, and TCP timestamps where it forbids one (tcp/rtt.ts). Linux
// figures come from the kernel lab (`socklab run --backend kernel`, Linux 6.18, loopback): a
// lost 1-byte send is probed 2 x SRTT + 200 ms after it left (at least 10 ms for the 2 x SRTT,
// never past the RTO), so the probe's delay shows the SRTT the handshake left behind.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProfileId } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { Path } from './net/path'
import { connected, run, segments } from './test-util'
import { ACK, SYN, type Segment } from './world'

type Fault = 'syn' | 'synack'

/**
 * The handshake loses its first SYN or its first SYN-ACK (the client repeats its SYN at 1 s,
 * the server its SYN-ACK); at 3000 ms `sender` sends 1 byte that is lost once.
 */
function lostAfter(fault: Fault, sender: 'client' | 'server', profile: ProfileId = 'linux') {
  const drop =
    fault === 'syn'
      ? ({ actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 } as const)
      : ({ actor: 'net', op: 'drop', dir: 's2c', match: 'SYN-ACK', count: 1 } as const)
  return run({
    labScript: 1,
    profile,
    limitMs: 12_000,
    timers: { synRetries: 3 },
    steps: [
      drop,
      ...connected(),
      { actor: 'net', op: 'drop', dir: sender === 'client' ? 'c2s' : 's2c', match: 'data' },
      { actor: sender, op: 'send', bytes: 1, at: 3000 },
      { actor: 'net', op: 'heal', at: 3001 },
      { actor: sender, op: 'sleep', ms: 8000 },
    ],
  })
}

/** How long after the lost send its first repeat left (ms). */
function repeatAfter(r: LabResult, sender: 'client' | 'server'): number {
  const data = segments(r.events, sender === 'client' ? 'c2s' : 's2c').filter((e) => e.len > 0)
  expect(data[0]?.fate).toBe('dropped')
  const again = data[1]
  if (!again) throw new Error('the lost byte was never repeated')
  return Math.round((again.tMs - data[0]!.tMs) * 10) / 10
}

describe('an RTT after a repeated handshake (Linux, timestamps on)', () => {
  it('a client whose SYN was repeated times the handshake by the echo: probe at +204 ms', () => {
    // Kernel: probe +204.5 ms (fuzz seed 17 #455: +205.4 ms). Without the echo the client had
    // no sample (or one of 1 s) and probed only after a second or more.
    expect(repeatAfter(lostAfter('syn', 'client'), 'client')).toBe(204)
  })

  it('the server, whose SYN-ACK was not repeated, times it by sequence number', () => {
    // Kernel: +205.7 ms.
    expect(repeatAfter(lostAfter('syn', 'server'), 'server')).toBe(204)
  })

  it('a repeated SYN-ACK echoes the first SYN: the client measures 1 s', () => {
    // The server's SYN-ACK is lost; the client's repeated SYN finds the request in SYN_RCVD,
    // which answers without taking the SYN's timestamp (tcp_check_req), so the SYN-ACK echoes
    // the first SYN: SRTT 1000 ms, RTO 3000 ms, probe at 2 x 1000 + 200 ms. Kernel: +2355 and
    // +2420 ms (its timer wheel rounds a 2.2 s timer up by up to 256 ms).
    expect(repeatAfter(lostAfter('synack', 'client'), 'client')).toBe(2200)
  })

  it('a server whose SYN-ACK was repeated times it by the echo in the ACK', () => {
    // Kernel: +207.2 ms (tcp_synack_rtt_meas: no sequence sample after a repeat, so TSecr).
    expect(repeatAfter(lostAfter('synack', 'server'), 'server')).toBe(204)
  })
})

describe("Karn's rule without timestamps (Windows)", () => {
  it('a repeated SYN gives no sample: the first data RTO stays the initial 3 s', () => {
    // Before Karn covered the handshake the client took the 3 s of the repeated SYN as its RTT
    // and waited SRTT + 4 RTTVAR = 9 s.
    expect(repeatAfter(lostAfter('syn', 'client', 'windows'), 'client')).toBe(3000)
  })
})

describe('what the segments carry', () => {
  let wire: Segment[] = []
  beforeEach(() => {
    wire = []
    const transmit = Path.prototype.transmit
    vi.spyOn(Path.prototype, 'transmit').mockImplementation(function (this: Path, seg: Segment) {
      wire.push({ ...seg })
      return transmit.call(this, seg)
    })
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('Linux: TSval is the send time in whole ms, TSecr the TS.Recent (none on a SYN)', () => {
    lostAfter('synack', 'client')
    const syns = wire.filter((s) => s.flags === SYN)
    expect(syns.map((s) => [s.tsVal, s.tsEcr])).toEqual([
      [0, undefined],
      [1000, undefined],
    ])
    // Every SYN-ACK, the repeats answering the repeated SYN included, echoes the first SYN.
    const synAcks = wire.filter((s) => s.flags === (SYN | ACK))
    expect(synAcks.length).toBeGreaterThan(1)
    for (const s of synAcks) expect(s.tsEcr).toBe(0)
    // The client's ACK of the handshake echoes the SYN-ACK it accepted.
    const ack = wire.find((s) => s.src === 'client' && s.flags === ACK && s.len === 0)
    expect(ack?.tsEcr).toBe(1000)
    // The ACK of the repeated byte echoes the repeat (RFC 7323 4.3: it starts at rcv.nxt).
    const repeat = wire.filter((s) => s.src === 'client' && s.len > 0)[1]
    const ackOfRepeat = wire.find((s) => s.src === 'server' && s.ack === 2)
    expect(ackOfRepeat?.tsEcr).toBe(repeat?.tsVal)
  })

  it('Windows: no timestamps at all', () => {
    lostAfter('syn', 'client', 'windows')
    expect(wire.length).toBeGreaterThan(0)
    for (const s of wire) {
      expect(s.tsVal).toBeUndefined()
      expect(s.tsEcr).toBeUndefined()
    }
  })
})
