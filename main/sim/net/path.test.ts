// The path's fault rules: each segment they stop names the `net` step whose rule stopped it,
// so the Lab view can say "dropped by step N" on either backend.
import { describe, expect, it } from 'vitest'
import { run, segments } from '../test-util'

describe('net rules', () => {
  it('marks each stopped segment with the step whose rule stopped it', () => {
    const r = run({
      labScript: 1,
      timers: { synRetries: 2 },
      limitMs: 20_000,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
        { actor: 'net', op: 'reject', dir: 's2c', icmp: 'host-unreachable', at: 500 },
        { actor: 'client', op: 'connect', port: 7001 },
      ],
    })
    const syns = segments(r.events, 'c2s', 'SYN')
    // The first SYN dies on step 1's rule (count 1), the retransmission gets through.
    expect(syns[0]).toMatchObject({ fate: 'dropped', ruleStep: 1 })
    expect(syns[1]).toMatchObject({ fate: 'delivered' })
    expect(syns[1]?.ruleStep).toBeUndefined()
    // Its SYN-ACK meets step 2's reject.
    expect(segments(r.events, 's2c', 'SYN|ACK')[0]).toMatchObject({
      fate: 'rejected',
      ruleStep: 2,
    })
  })

  it('does not name a step for a segment lost to a host that is down', () => {
    const r = run({
      labScript: 1,
      limitMs: 3000,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'client', op: 'connect', port: 7001 },
        { actor: 'server', op: 'accept' },
        { actor: 'server', op: 'crash', mode: 'silent', at: 100 },
        { actor: 'client', op: 'send', bytes: 10, at: 200 },
      ],
    })
    const lost = segments(r.events, 'c2s').filter((s) => s.fate === 'dropped')
    expect(lost.length).toBeGreaterThan(0)
    for (const s of lost) expect(s.ruleStep).toBeUndefined()
  })
})
