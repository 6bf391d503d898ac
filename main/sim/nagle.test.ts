// Nagle's algorithm (profile `nagle`, docs/kernel-rules.md): the lab's programs leave
// TCP_NODELAY off, and on loopback's 64 KiB MSS nearly every send is short. Measured on the
// kernel lab (Linux 6.18): after a lost 1000-byte send at 600 ms, a second one at 650 ms left
// only with the tail-loss probe at 807 ms; fuzz seed 23 #656 held a 100-byte send the same way.
import { describe, expect, it } from 'vitest'
import type { ProfileId } from '../../shared/lab-script'
import { connected, run, segments } from './test-util'

/** Data segments the client sent after 500 ms, as `time:seq/len`. */
function dataOut(profile: ProfileId, then: 'send' | 'close'): string[] {
  const r = run({
    labScript: 1,
    profile,
    limitMs: 2500,
    steps: [
      ...connected(),
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'data', count: 1, at: 300 },
      { actor: 'client', op: 'send', bytes: 1000, at: 600 },
      then === 'send'
        ? { actor: 'client', op: 'send', bytes: 500, at: 650 }
        : { actor: 'client', op: 'close', at: 650 },
      // The run lasts while something is scheduled: watch the next second.
      { actor: 'server', op: 'sleep', ms: 1000, at: 700 },
    ],
  })
  return segments(r.events, 'c2s')
    .filter((e) => e.tMs > 500 && (e.len > 0 || e.flags.includes('FIN')))
    .map((e) => `${Math.round(e.tMs)}:${e.flags.includes('FIN') ? 'FIN' : `${e.seq}/${e.len}`}`)
}

describe('Nagle', () => {
  it('Linux holds a short send behind an unacknowledged short one; the probe sends it', () => {
    // The probe (2 x SRTT + 200 ms after the first send) carries the waiting 500 bytes, whose
    // SACK makes RACK repeat the lost head at once.
    expect(dataOut('linux', 'send')).toEqual(['600:1/1000', '804:1001/500', '804:1/1000'])
  })

  it('never holds a FIN', () => {
    expect(dataOut('linux', 'close')[1]).toBe('650:FIN')
  })

  it('classic Nagle (macOS) holds it while anything is unacknowledged: the RTO sends both', () => {
    const out = dataOut('macos', 'send')
    expect(out[0]).toBe('600:1/1000')
    expect(out.slice(1).every((s) => Number(s.split(':')[0]) > 650)).toBe(true)
  })
})
