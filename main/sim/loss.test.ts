// After a retransmission timeout Linux is in the Loss state (tcp_enter_loss: cwnd 1): until an
// ACK advances snd.una only the head is retransmitted, and a FIN queued by close() waits
// (tcp/output.ts inLoss). Segment sequences below were taken from the kernel lab
// (`socklab run --backend kernel`, Linux 6.18) and the runs confirmed with `socklab check`;
// times are the simulator's.
import { describe, expect, it } from 'vitest'
import { PROFILES } from '../../shared/profiles'
import type { LabResult } from '../../shared/lab-result'
import { connected, run, segments, stepAt } from './test-util'

/** The segments after `from` ms as `dir FLAGS/len`, `(x)` when lost. */
function wire(r: LabResult, from: number): string[] {
  return segments(r.events)
    .filter((e) => e.tMs > from)
    .map(
      (e) =>
        `${e.dir} ${e.flags.includes('FIN') ? 'FIN' : e.len > 0 ? `data/${e.len}` : 'ACK'}` +
        (e.fate === 'delivered' ? '' : ' (x)'),
    )
}

describe('loss recovery holds back new segments', () => {
  it('a close() after an RTO sends no FIN until the retransmitted data is ACKed', () => {
    const r = run({
      labScript: 1,
      limitMs: 6000,
      steps: [
        ...connected(),
        { actor: 'net', op: 'cut', at: 100 },
        { actor: 'client', op: 'send', bytes: 100, at: 200 },
        { actor: 'client', op: 'close', at: 1000 },
        { actor: 'net', op: 'heal', at: 2000 },
        { actor: 'server', op: 'recv', at: 2100 },
        { actor: 'server', op: 'recv' },
      ],
    })
    // Kernel: the data at 0.20 s, TLP 0.41, RTOs 0.62, 1.03, 1.86 and 3.52 s (after the heal),
    // its ACK, then the FIN; nothing at the close (1.0 s).
    expect(wire(r, 150)).toEqual([
      ...Array<string>(5).fill('c2s data/100 (x)'),
      'c2s data/100',
      's2c ACK',
      'c2s FIN',
    ])
    expect([stepAt(r, 7).ret, stepAt(r, 8).ret]).toEqual([100, 0])
    expect(r.final).toEqual({ client: 'FIN_WAIT_1', server: 'CLOSE_WAIT' })
  })

  it('with only the ACKs lost, the peer does not see the FIN before the heal (fuzzer)', () => {
    const r = run({
      labScript: 1,
      limitMs: 4000,
      steps: [
        ...connected(),
        { actor: 'net', op: 'cut', dir: 'c2s', at: 100 },
        { actor: 'server', op: 'send', bytes: 100, at: 200 },
        { actor: 'server', op: 'close', at: 1000 },
        { actor: 'client', op: 'recv', at: 1300, timeoutMs: 200 },
        { actor: 'client', op: 'recv', at: 1600, timeoutMs: 200 },
        { actor: 'net', op: 'heal', at: 2000 },
        { actor: 'client', op: 'recv', at: 3900, timeoutMs: 50 },
      ],
    })
    // Kernel: 100, then EAGAIN (no FIN yet: the simulator used to say 0), then 0 after the
    // heal, once the RTO retransmission at 3.55 s was ACKed and the FIN followed.
    expect([6, 7, 9].map((i) => stepAt(r, i).ret)).toEqual([100, -1, 0])
    expect(stepAt(r, 7).errno).toBe('EAGAIN')
    const fin = segments(r.events, 's2c').find((e) => e.flags.includes('FIN'))!
    expect(fin.tMs).toBeGreaterThan(3000)
    expect(r.final).toEqual({ client: 'CLOSE_WAIT', server: 'FIN_WAIT_2' })
  })

  it('a tail-loss probe is no RTO: new data and the FIN still leave at once', () => {
    const r = run({
      labScript: 1,
      limitMs: 2000,
      steps: [
        ...connected(),
        { actor: 'net', op: 'cut', dir: 'c2s', at: 100 },
        { actor: 'server', op: 'send', bytes: 100, at: 200 },
        { actor: 'server', op: 'send', bytes: 50, at: 500 },
        { actor: 'server', op: 'close', at: 550 },
        { actor: 'client', op: 'recv', at: 800, timeoutMs: 100 },
        { actor: 'client', op: 'recv', at: 1100, timeoutMs: 100 },
      ],
    })
    // Kernel: the probe at 0.41 s, then the 50 bytes and the FIN at the close (0.55 s; Nagle
    // held the 50 bytes until the FIN pushed them, the simulator has no Nagle).
    const fin = segments(r.events, 's2c').find((e) => e.flags.includes('FIN'))!
    expect(fin.tMs).toBeCloseTo(550, 0)
    expect(r.events.some((e) => e.type === 'note' && e.key === 'tlp')).toBe(true)
    expect([7, 8].map((i) => stepAt(r, i).ret)).toEqual([150, 0])
    expect(r.final).toEqual({ client: 'CLOSE_WAIT', server: 'FIN_WAIT_1' })
  })

  it('persist probes are no RTO: once the window opens the data and the FIN follow at once', () => {
    const bytes = PROFILES.linux.buffers.receive + 10_000
    const r = run({
      labScript: 1,
      limitMs: 20_000,
      steps: [
        ...connected(),
        { actor: 'server', op: 'freeze', at: 100 },
        { actor: 'client', op: 'send', bytes, at: 200 },
        { actor: 'client', op: 'close', at: 5000 },
        { actor: 'server', op: 'thaw', at: 10_000 },
        ...Array.from({ length: 20 }, () => ({ actor: 'server' as const, op: 'recv' as const })),
      ],
    })
    expect(r.events.some((e) => e.type === 'note' && e.key === 'persist-probe')).toBe(true)
    expect(r.events.some((e) => e.type === 'note' && e.key === 'data-retransmit')).toBe(false)
    const fin = segments(r.events, 'c2s').find((e) => e.flags.includes('FIN'))!
    expect(fin.tMs).toBeGreaterThanOrEqual(10_000)
    expect(fin.tMs).toBeLessThan(10_010)
    const reads = r.steps.filter((s) => s.op === 'recv' && s.outcome === 'returned')
    expect(reads.reduce((n, s) => n + Math.max(0, s.ret!), 0)).toBe(bytes)
    expect(reads.at(-1)!.ret).toBe(0)
  })
})
