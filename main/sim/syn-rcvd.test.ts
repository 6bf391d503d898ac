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

// Fuzz seed 19 #369, measured on the kernel lab: an ICMP host unreachable about the SYN-ACK
// removes Linux's half-open request silently (tcp_v4_err, tcp_req_err with abort), so the
// server repeats no SYN-ACK and the client, whose next SYN is lost, keeps waiting.
describe('an ICMP unreachable about the SYN-ACK', () => {
  const story = (profile: 'linux' | 'macos') =>
    run({
      labScript: 1,
      profile,
      timers: { synRetries: 2, synackRetries: 2, retries2: 3 },
      limitMs: 6150,
      steps: [
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN' },
        { actor: 'server', op: 'listen', port: 7200 },
        { actor: 'client', op: 'connect', port: 7200, at: 10 },
        { actor: 'net', op: 'heal', at: 300 },
        { actor: 'net', op: 'reject', dir: 's2c', icmp: 'host-unreachable', at: 900 },
        { actor: 'net', op: 'heal', at: 1200 },
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', at: 1500 },
      ],
    })

  it('removes the half-open connection on Linux: no SYN-ACK again, connect() still waits', () => {
    const r = story('linux')
    expect(stepAt(r, 2).outcome).toBe('blocked')
    expect(r.final).toEqual({ client: 'SYN_SENT', server: 'LISTEN' })
    expect(segments(r.events, 's2c', 'SYN|ACK').map((s) => s.fate)).toEqual(['rejected'])
    const back = r.events.find(
      (e) => e.type === 'state' && e.actor === 'server' && e.to === 'LISTEN' && e.tMs > 1000,
    )
    expect(back).toMatchObject({ cause: 'rcv ICMP host-unreachable' })
  })

  it('is ignored where the profile ignores it: the SYN-ACK is repeated and connects', () => {
    const r = story('macos')
    expect(segments(r.events, 's2c', 'SYN|ACK').length).toBeGreaterThan(1)
  })
})
