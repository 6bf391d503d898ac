// Keepalive set again on a connection whose probe went unanswered (fuzz seed 29 #698, measured
// on the kernel lab): Linux keeps icsk_probes_out (only an ACK clears it) and restarts the
// timer with what is left of the idle time, here nothing, so with a count of 1 the connection
// is reset at the next timer tick. (The finding itself, which ended at that call, is a race the
// fuzzer now rejects: main/fuzz/robust.test.ts.)
import { describe, expect, it } from 'vitest'
import { run, segments } from './test-util'

const story = (profile: 'linux' | 'macos') =>
  run({
    labScript: 1,
    profile,
    timers: { keepalive: { idleS: 1, intervalS: 1, count: 1 } },
    limitMs: 6750,
    steps: [
      { actor: 'server', op: 'listen', port: 7200 },
      { actor: 'client', op: 'connect', port: 7200, at: 10 },
      { actor: 'net', op: 'reject', dir: 's2c', icmp: 'port-unreachable', at: 600 },
      { actor: 'client', op: 'keepalive', at: 1200 },
      { actor: 'client', op: 'keepalive', at: 1500 },
      { actor: 'client', op: 'sleep', ms: 300 },
    ],
  })

describe('keepalive set again', () => {
  it('Linux: the unanswered probe still counts, so the connection is reset at once', () => {
    const r = story('linux')
    expect(r.final.client).toBe('CLOSED')
    const rst = segments(r.events, 'c2s').find((e) => e.flags.includes('RST'))
    expect(rst?.tMs).toBe(1500)
  })

  it('BSD counts from the call: a new probe, no reset within the run', () => {
    const r = story('macos')
    expect(segments(r.events, 'c2s').some((e) => e.flags.includes('RST'))).toBe(false)
  })
})
