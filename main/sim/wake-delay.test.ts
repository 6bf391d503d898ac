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
})
