// A pure retransmitted SYN that reaches a server in SYN_RCVD is answered with the SYN-ACK
// again (Linux tcp_check_req; RFC 1122's fix of RFC 793), at most once per 500 ms, and the
// SYN-ACK timer restarts. Found by the differential fuzzer: the simulator only ACKed such a
// SYN, so with two SYN-ACKs lost the client connected at 3 s where the kernel did at 1 s.
import { describe, expect, it } from 'vitest'
import { run, segments, stepAt } from './test-util'

describe('a retransmitted SYN in SYN_RCVD', () => {
  it('draws the SYN-ACK again, which connects the client at once', () => {
    const r = run({
      labScript: 1,
      timers: { synRetries: 2, synackRetries: 2 },
      limitMs: 6000,
      steps: [
        { actor: 'net', op: 'drop', dir: 's2c', match: 'SYN-ACK', count: 2 },
        { actor: 'server', op: 'listen', port: 7200 },
        { actor: 'client', op: 'connect', port: 7200, at: 10 },
      ],
    })
    // 10 ms: SYN, SYN-ACK lost. 1010 ms: the server's timer resends (lost, the second drop)
    // and the client's SYN arrives: answered with a SYN-ACK that gets through.
    expect(stepAt(r, 2).ret).toBe(0)
    expect(stepAt(r, 2).endMs).toBeCloseTo(1010, -1)
    const synacks = segments(r.events, 's2c', 'SYN|ACK')
    expect(synacks.map((s) => s.fate)).toEqual(['dropped', 'dropped', 'delivered'])
    // Never a bare ACK for that SYN (the old answer).
    expect(segments(r.events, 's2c', 'ACK').filter((s) => s.tMs > 1000 && s.tMs < 1011)).toEqual([])
  })

  it('restarts the SYN-ACK timer from the answer', () => {
    const r = run({
      labScript: 1,
      timers: { synRetries: 6, synackRetries: 6 },
      limitMs: 3000,
      steps: [
        // Every SYN-ACK lost: the client's SYNs (1 s apart, linear) keep arriving.
        { actor: 'net', op: 'drop', dir: 's2c', match: 'SYN-ACK' },
        { actor: 'server', op: 'listen', port: 7200 },
        { actor: 'client', op: 'connect', port: 7200, at: 10 },
      ],
    })
    const times = segments(r.events, 's2c', 'SYN|ACK').map((s) => Math.round(s.tMs))
    // 10: the first. 1010: the server's own timer, and the answer to the client's SYN (which
    // restarts the timer with its doubled 2 s timeout: next at 3010, after the limit). 2010:
    // the answer to the next SYN (more than 500 ms after the last answer).
    expect(times).toEqual([10, 1010, 1010, 2010])
  })
})
