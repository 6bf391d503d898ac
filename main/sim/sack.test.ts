// Out-of-order segments and repair before the RTO (tcp/reassembly.ts, tcp/recovery.ts). Linux
// figures come from the kernel lab (`socklab run --backend kernel`, Linux 6.18, loopback) and
// each script was confirmed with `socklab check`; times asserted are the simulator's, whose
// links take 0.05 ms each way.
import { describe, expect, it } from 'vitest'
import type { ProfileId } from '../../shared/lab-script'
import type { LabResult, SegmentEvent } from '../../shared/lab-result'
import { connected, run, segments, stepAt } from './test-util'

type Steps = Parameters<typeof run>[0]['steps']

/** Data segments and FINs of one direction, as `seq/len` (`FIN seq`), `(x)` when lost. */
function sent(r: LabResult, dir: 'c2s' | 's2c'): string[] {
  return segments(r.events, dir)
    .filter((e) => e.len > 0 || e.flags.includes('FIN'))
    .map(
      (e) =>
        (e.flags.includes('FIN') ? `FIN ${e.seq}` : `${e.seq}/${e.len}`) +
        (e.fate === 'delivered' ? '' : ' (x)'),
    )
}

/** The first segment of `dir` after `from` ms with data, a FIN, or SACK blocks. */
function next(r: LabResult, dir: 'c2s' | 's2c', from: number, what: 'data' | 'sack'): SegmentEvent {
  const hit = segments(r.events, dir).find(
    (e) => e.tMs > from && (what === 'data' ? e.len > 0 : e.sack !== undefined),
  )
  if (!hit) throw new Error(`no ${what} segment after ${from} ms`)
  return hit
}

/** The client sends `first` bytes (lost), then at 650 ms one of `then` (a close for 'close'). */
function lostThen(
  then: 'close' | number[],
  profile: ProfileId = 'linux',
  more: Steps = [{ actor: 'server', op: 'recv', bytes: 4000, at: 700 }],
): LabResult {
  const later: Steps =
    then === 'close'
      ? [{ actor: 'client', op: 'close', at: 650 }]
      : then.map((bytes, i) => ({ actor: 'client', op: 'send', bytes, at: 650 + 10 * i }))
  return run({
    labScript: 1,
    profile,
    limitMs: 2500,
    steps: [
      ...connected(),
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'data', count: 1, at: 300 },
      { actor: 'client', op: 'send', bytes: 1000, at: 600 },
      ...later,
      ...more,
    ],
  })
}

describe('the receiver keeps what arrives beyond rcv.nxt', () => {
  it('holds a later segment, answers it at once with a SACK block, and delivers both', () => {
    const r = lostThen([1000])
    // Kernel (measured again with Nagle in the simulator): the later short send waits behind
    // the unacknowledged one (Minshall's Nagle) until the tail-loss probe sends it at 807 ms;
    // the duplicate ACK with its SACK block comes 0.07 ms later, the repeat 0.03 ms after it,
    // and recv() got all 2000 bytes in one call.
    const dup = next(r, 's2c', 650, 'sack')
    expect([dup.tMs, dup.ack, dup.sack]).toEqual([804.05, 1, [[1001, 2001]]])
    expect(sent(r, 'c2s')).toEqual(['1/1000 (x)', '1001/1000', '1/1000'])
    expect(stepAt(r, 6).ret).toBe(2000)
    // Once the gap is filled nothing is held: the next ACK covers both and carries no SACK.
    const acks = segments(r.events, 's2c').filter((e) => e.tMs > dup.tMs)
    expect(acks[0]).toMatchObject({ ack: 2001 })
    expect(acks[0]!.sack).toBeUndefined()
  })

  it('data held out of order is not readable until the gap fills', () => {
    // Windows needs two duplicate ACKs: one later segment leaves the hole to the RTO (300 ms).
    const r = lostThen([1000], 'windows', [
      { actor: 'server', op: 'recv', bytes: 4000, at: 700, timeoutMs: 100 },
      { actor: 'server', op: 'recv', bytes: 4000, at: 850 },
    ])
    expect([stepAt(r, 6).ret, stepAt(r, 6).errno]).toEqual([-1, 'WSAETIMEDOUT'])
    expect(stepAt(r, 7).ret).toBe(2000)
    expect(stepAt(r, 7).endMs).toBeCloseTo(900.05, 1)
  })

  it('holds a FIN beyond a lost segment; the repeat completes the close (fuzz seed 11 #822)', () => {
    // The server's 8000 bytes are lost, the path heals, the server closes. Kernel: the client
    // SACKs the FIN, the data is repeated 0.08 ms after the FIN, and the ACK of both follows
    // 0.02 ms after the repeat (a FIN out of the queue is not a delayed ACK): CLOSE_WAIT and
    // FIN_WAIT_2, where the simulator without the queue said ESTABLISHED and FIN_WAIT_1.
    const r = run({
      labScript: 1,
      timers: { synRetries: 1, synackRetries: 1, retries2: 2 },
      limitMs: 3150,
      steps: [
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'ACK', count: 1 },
        { actor: 'server', op: 'listen', port: 7200 },
        { actor: 'client', op: 'connect', port: 7200, at: 10 },
        { actor: 'server', op: 'accept' },
        { actor: 'net', op: 'drop', dir: 'both', match: 'data', count: 2, at: 600 },
        { actor: 'server', op: 'send', bytes: 8000, at: 1200 },
        { actor: 'net', op: 'heal', at: 1500 },
        { actor: 'server', op: 'close', at: 2100 },
      ],
    })
    expect(sent(r, 's2c')).toEqual(['1/8000 (x)', 'FIN 8001', '1/8000'])
    expect(next(r, 'c2s', 2100, 'sack').sack).toEqual([[8001, 8002]])
    const repeat = next(r, 's2c', 2100, 'data')
    expect(repeat.tMs).toBeCloseTo(2100.1, 3)
    const ack = segments(r.events, 'c2s').find((e) => e.tMs > repeat.tMs)!
    expect([ack.ack, ack.tMs]).toEqual([8002, 2100.15])
    expect(r.final).toEqual({ client: 'CLOSE_WAIT', server: 'FIN_WAIT_2' })
  })
})

describe('Linux repeats a segment once a later one is delivered (RACK)', () => {
  it('at once: no reordering window on loopback', () => {
    // Kernel: FIN at 651.52, its duplicate ACK 651.57, the repeat 651.60 (0.08 ms after the
    // FIN); the simulator: 0.1 ms, two link delays.
    const r = lostThen('close')
    expect(next(r, 'c2s', 650, 'data').tMs - 650).toBeCloseTo(0.1, 6)
    expect(r.final).toEqual({ client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' })
  })

  it('a lost repeat is retransmitted one RTO after the repeat', () => {
    const r = run({
      labScript: 1,
      limitMs: 2500,
      steps: [
        ...connected(),
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'data', count: 2, at: 300 },
        { actor: 'client', op: 'send', bytes: 1000, at: 600 },
        { actor: 'client', op: 'close', at: 650 },
        { actor: 'server', op: 'recv', bytes: 4000, at: 700 },
      ],
    })
    // Kernel: repeat at 652.10 (lost), the RTO's retransmission at 858.95: 206.9 ms later.
    const data = segments(r.events, 'c2s').filter((e) => e.len > 0)
    expect(data.map((e) => e.fate)).toEqual(['dropped', 'dropped', 'delivered'])
    expect(data[2]!.tMs - data[1]!.tMs).toBeGreaterThan(200)
    expect(data[2]!.tMs - data[1]!.tMs).toBeLessThan(212)
  })

  it('after a lost tail-loss probe, the repeat still follows the later FIN at once', () => {
    const r = run({
      labScript: 1,
      limitMs: 2500,
      steps: [
        ...connected(),
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'data', count: 2, at: 300 },
        { actor: 'client', op: 'send', bytes: 1000, at: 600 },
        { actor: 'client', op: 'close', at: 900 },
        { actor: 'server', op: 'recv', bytes: 4000, at: 950 },
      ],
    })
    // Kernel: data 599.57 (lost), probe 807.04 (lost), FIN 901.57, repeat 901.65.
    expect(sent(r, 'c2s')).toEqual(['1/1000 (x)', '1/1000 (x)', 'FIN 1001', '1/1000'])
    expect(next(r, 'c2s', 900, 'data').tMs).toBeCloseTo(900.1, 6)
    expect(stepAt(r, 6).ret).toBe(1000)
  })

  it('adjacent lost segments are repeated as one (retransmission collapse)', () => {
    const r = run({
      labScript: 1,
      limitMs: 2500,
      steps: [
        ...connected(),
        { actor: 'net', op: 'cut', dir: 'c2s', at: 100 },
        { actor: 'client', op: 'send', bytes: 1000, at: 200 },
        { actor: 'client', op: 'send', bytes: 1000, at: 250 },
        { actor: 'net', op: 'heal', at: 450 },
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'data', count: 2, at: 460 },
        { actor: 'client', op: 'close', at: 500 },
        { actor: 'server', op: 'recv', bytes: 4000, at: 550 },
      ],
    })
    // Kernel: the repeat after the FIN's SACK is one 2000-byte segment (501.44, lost), then RTOs
    // at 710.24 (lost) and 1145.91; recv() returned 2000 at 1148.
    const repeats = segments(r.events, 'c2s').filter((e) => e.tMs > 500 && e.len > 0)
    expect(repeats.map((e) => `${e.seq}/${e.len}`)).toEqual(['1/2000', '1/2000', '1/2000'])
    expect(repeats.map((e) => e.fate)).toEqual(['dropped', 'dropped', 'delivered'])
    expect(stepAt(r, 9).ret).toBe(2000)
  })

  it('the data give-up budget starts at the repeat, not at the first RTO', () => {
    const r = run({
      labScript: 1,
      timers: { retries2: 2 },
      limitMs: 6000,
      steps: [
        ...connected(),
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'data', at: 300 },
        { actor: 'client', op: 'send', bytes: 1000, at: 600 },
        { actor: 'client', op: 'shutdown', how: 'wr', at: 650 },
        { actor: 'client', op: 'recv', bytes: 100, at: 700 },
      ],
    })
    // Kernel: repeat at 680.90, RTOs 886.28 and 1310.29, ETIMEDOUT at 2162.7: the 1.4 s budget
    // of tcp_retries2 = 2 counted from the repeat (tcp_retransmit_skb sets retrans_stamp);
    // counted from the first RTO it would have lasted to the 3.7 s tick.
    expect([stepAt(r, 6).ret, stepAt(r, 6).errno]).toEqual([-1, 'ETIMEDOUT'])
    expect(stepAt(r, 6).endMs).toBeCloseTo(2078.1, 1)
  })
})

describe('duplicate-ACK fast retransmit (macOS, Windows, the article kernels)', () => {
  /** When the lost first segment was sent again (ms), by a fast retransmit or an RTO. */
  function repeatAt(r: LabResult): number {
    return segments(r.events, 'c2s').filter((e) => e.len > 0 && e.seq === 1)[1]!.tMs
  }

  it('macOS: early retransmit (RFC 5827) repeats after one duplicate ACK', () => {
    expect(repeatAt(lostThen('close', 'macos'))).toBeCloseTo(650.1, 6)
  })

  it('Windows: one duplicate ACK is not enough, the RTO repeats it', () => {
    expect(repeatAt(lostThen('close', 'windows'))).toBeCloseTo(900, 6) // 600 + 300 ms min RTO
    // Short sends wait behind the unacknowledged segment (classic Nagle): no duplicate ACKs
    // come, and the RTO repeats the head with them (TcpMaxDupAcks 2 needs full segments).
    const r = lostThen([1000, 1000], 'windows')
    expect(repeatAt(r)).toBeCloseTo(900, 6)
    expect(sent(r, 'c2s')).toEqual(['1/1000 (x)', '1/3000'])
  })

  it('Linux 3.2 (linux-legacy): no probe, and short sends wait behind the loss: the RTO', () => {
    expect(repeatAt(lostThen([1000, 1000], 'linux-legacy'))).toBeGreaterThan(800)
    // Nagle holds the later sends, so no duplicate ACK arrives before the RTO (604 + 200 ms).
    const r = lostThen([1000, 1000, 1000], 'linux-legacy')
    expect(repeatAt(r)).toBeCloseTo(804, 6)
    expect(stepAt(r, 8).ret).toBe(4000)
  })
})
