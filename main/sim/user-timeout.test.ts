// Lab script version 2's `usertimeout` step on the simulator: the profile's `userTimeout` rule.
// The Linux figures are what the kernel lab measured on 6.18 (docs/kernel-rules.md,
// "TCP_USER_TIMEOUT"); socklab check agrees on each script.
import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import type { LabScriptInput, ProfileId, Timers } from '../../shared/lab-script'
import { run, secs, segments, stepAt } from './test-util'

type Steps = LabScriptInput['steps']
const connected = (port: number): Steps => [
  { actor: 'server', op: 'listen', port },
  { actor: 'client', op: 'connect', port, at: 10 },
  { actor: 'server', op: 'accept' },
]

function sim(steps: Steps, profile: ProfileId = 'linux', timers: Timers = {}): LabResult {
  return run({ labScript: 2, profile, limitMs: 8000, timers, steps })
}

/** Data into a cut network with a user timeout of `ms`; the recv at step 6 reports it. */
function cutWith(ms: number): Steps {
  return [
    ...connected(7411),
    { actor: 'client', op: 'usertimeout', ms, at: 50 },
    { actor: 'net', op: 'cut', dir: 'both', at: 100 },
    { actor: 'client', op: 'send', bytes: 1000, at: 200 },
    { actor: 'client', op: 'recv', at: 300 },
  ]
}

/** When the first retransmission on a timer went out (after the tail-loss probe on Linux). */
function firstRto(r: LabResult): number {
  const repeats = segments(r.events, 'c2s').filter((e) => e.retransmit && e.len > 0)
  return repeats[r.profile === 'linux' ? 1 : 0]!.tMs
}

describe('TCP_USER_TIMEOUT', () => {
  it('Linux: the connection dies exactly the limit after the first RTO retransmission', () => {
    const r = sim(cutWith(1000))
    expect(stepAt(r, 6)).toMatchObject({ ret: -1, errno: 'ETIMEDOUT' })
    // tcp_clamp_rto_to_user_timeout: the timer fires at the limit (kernel: 0.61 s, 1.62 s).
    expect(stepAt(r, 6).endMs - firstRto(r)).toBe(1000)
    expect(r.events.some((e) => e.type === 'note' && e.key === 'user-timeout')).toBe(true)
  })

  it('Linux: the limit replaces tcp_retries2, longer or shorter', () => {
    // retries2 = 1 alone gives up at the 1.02 s tick; with 2500 ms it lasts to 3.1 s (kernel 3.13 s).
    const r = sim(cutWith(2500), 'linux', { retries2: 1 })
    expect(secs(stepAt(r, 6).endMs)).toBe(3.1)
    const without = cutWith(2500).filter((s) => s.op !== 'usertimeout')
    expect(stepAt(sim(without, 'linux', { retries2: 1 }), 5).endMs).toBeLessThan(2000)
  })

  it('Linux before 4.19 checks it only when the retransmission timer fires', () => {
    const r = sim(cutWith(1000), 'linux-legacy')
    expect(stepAt(r, 6).errno).toBe('ETIMEDOUT')
    expect(stepAt(r, 6).endMs - firstRto(r)).toBeGreaterThan(1000)
    const ticks = segments(r.events, 'c2s').map((e) => e.tMs)
    expect(ticks).not.toContain(firstRto(r) + 1000)
  })

  it('macOS and Windows count whole seconds, checked at an RTO expiry', () => {
    for (const profile of ['macos', 'windows'] as const) {
      const r = sim(cutWith(600), profile)
      const end = stepAt(r, 6)
      expect(end.ret, profile).toBe(-1)
      // 600 ms is written as 1 s: nothing gives up before a second has passed.
      expect(end.endMs - firstRto(r), profile).toBeGreaterThanOrEqual(1000)
    }
  })

  it('Linux keepalive: dropped once silent that long with a probe out, not after keepcnt', () => {
    const steps: Steps = [
      ...connected(7412),
      { actor: 'client', op: 'keepalive', at: 50 },
      { actor: 'client', op: 'usertimeout', ms: 1500, at: 60 },
      { actor: 'net', op: 'cut', dir: 'both', at: 100 },
      { actor: 'client', op: 'recv', at: 200 },
    ]
    const timers = { keepalive: { idleS: 1, intervalS: 1, count: 5 } }
    // Probe at 1.01 s; at 2.01 s it is 2 s since the last segment: RST, ETIMEDOUT (kernel 2.05 s).
    expect(secs(stepAt(sim(steps, 'linux', timers), 6).endMs)).toBe(2)
    // macOS ignores it there: five probes.
    expect(secs(stepAt(sim(steps, 'macos', timers), 6).endMs)).toBeGreaterThan(5)
  })

  it('Linux SYN_SENT: set before connect(), it ends the handshake too', () => {
    const steps: Steps = [
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN' },
      { actor: 'client', op: 'usertimeout', ms: 2500 },
      { actor: 'client', op: 'connect', port: 7413, at: 10 },
    ]
    const r = sim(steps, 'linux', { synRetries: 6 })
    expect(stepAt(r, 2)).toMatchObject({ ret: -1, errno: 'ETIMEDOUT' })
    expect(secs(stepAt(r, 2).endMs)).toBe(2.5) // kernel 2.55 s
  })

  it('Linux 5.11+: a window shut that long since the first probe ends it, answered or not', () => {
    const steps: Steps = [
      ...connected(7414),
      { actor: 'client', op: 'usertimeout', ms: 2000, at: 50 },
      { actor: 'server', op: 'freeze', at: 100 },
      { actor: 'client', op: 'send', bytes: 16 * 1024 * 1024, at: 200 },
      { actor: 'client', op: 'recv' },
    ]
    // The frozen server's kernel answers every probe with a zero window. Measured: first probe
    // 0.60 s, the send returns what it copied and the recv gets ETIMEDOUT at 2.62 s.
    const r = sim(steps)
    const probes = segments(r.events, 'c2s').filter((e) => e.len === 0 && e.tMs > 300)
    expect(stepAt(r, 5).ret).toBeGreaterThan(0)
    expect(stepAt(r, 6)).toMatchObject({ ret: -1, errno: 'ETIMEDOUT' })
    expect(stepAt(r, 6).endMs - probes[0]!.tMs).toBeCloseTo(2000, 0)
    // Before 5.11 (and without the option) the probes go on: the send still blocks.
    expect(stepAt(sim(steps, 'linux-legacy'), 5).outcome).toBe('blocked')
  })
})
