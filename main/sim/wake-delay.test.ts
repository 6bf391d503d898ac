// SimulateOptions.wakeDelayMs: a program makes its next call a few milliseconds after its
// previous one ended, as a woken process does on the real kernel. For the fuzzer's race check
// (docs/decisions/007): fuzz seed 7 #448 had the client's shutdown and the server's abort both
// start the instant the handshake completed; which came first decided shutdown's answer.
import { describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { simulate } from './simulate'
import { script, stepAt } from './test-util'

const race = script({
  labScript: 1,
  timers: { synRetries: 2, synackRetries: 2, retries2: 3 },
  limitMs: 4050,
  steps: [
    { actor: 'net', op: 'drop', dir: 's2c', match: 'SYN-ACK', count: 1 },
    { actor: 'server', op: 'listen', port: 7200 },
    { actor: 'client', op: 'connect', port: 7200, at: 10 },
    { actor: 'server', op: 'accept' },
    { actor: 'server', op: 'abort', at: 600 },
    { actor: 'client', op: 'shutdown', how: 'rd', at: 900 },
  ],
})

// Fuzz seed 13 #512: the server accepts and aborts the instant the handshake completes; the
// client's connect() reads its answer when the process runs again, and a client that wakes
// after the RST has arrived gets ECONNRESET (Linux inet_wait_for_connect, sock_error).
const resetBeforeWake = script({
  labScript: 1,
  timers: { synRetries: 1, synackRetries: 1, retries2: 3 },
  limitMs: 3000,
  steps: [
    { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
    { actor: 'server', op: 'listen', port: 7200 },
    { actor: 'client', op: 'connect', port: 7200, at: 10 },
    { actor: 'server', op: 'accept' },
    { actor: 'server', op: 'abort', at: 600 },
  ],
})

describe('wakeDelayMs', () => {
  it('changes nothing when zero', () => {
    for (const c of CATALOG) {
      const s = scenarioScript(c.script.id)!
      expect(JSON.stringify(simulate(s, { wakeDelayMs: { client: 0, server: 0 } }))).toBe(
        JSON.stringify(simulate(s)),
      )
    }
  })

  it('lets the other program go first when one wakes late', () => {
    // Both woken at ~1010 ms by the handshake: in the simulator's order the client shuts down
    // first (0); a client that wakes 5 ms late finds the server's RST already there.
    expect(stepAt(simulate(race), 5).ret).toBe(0)
    const late = simulate(race, { wakeDelayMs: { client: 5 } })
    expect([stepAt(late, 5).ret, stepAt(late, 5).errno]).toEqual([-1, 'ENOTCONN'])
    expect(stepAt(late, 5).startMs - stepAt(late, 2).endMs).toBeCloseTo(5, 5)
  })

  it('answers a blocked connect() with what the socket says when the program runs again', () => {
    const now = simulate(resetBeforeWake)
    expect([stepAt(now, 2).ret, stepAt(now, 2).errno]).toEqual([0, undefined])
    const late = simulate(resetBeforeWake, { wakeDelayMs: { client: 5 } })
    expect([stepAt(late, 2).ret, stepAt(late, 2).errno]).toEqual([-1, 'ECONNRESET'])
    expect(stepAt(late, 2).endMs - stepAt(now, 2).endMs).toBeCloseTo(5, 5)
    // The server's own calls are not delayed by the client's wake-up.
    expect(stepAt(late, 3).endMs).toBeCloseTo(stepAt(now, 3).endMs, 5)
  })
})
