// SimulateOptions.timerScale: one host's retransmission and probe timers run a few per cent
// fast or slow, for the fuzzer's race check (docs/decisions/007). A scale of 1 changes nothing.
import { describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { PROFILE_IDS, type LabScriptInput } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { simulate, type SimulateOptions } from './simulate'
import { connected, script, segments, stepAt } from './test-util'

function runScaled(input: LabScriptInput, timerScale?: SimulateOptions['timerScale']): LabResult {
  return simulate(script(input), timerScale ? { timerScale } : {})
}

/** Times of the segments one way with these flags, ms to 0.01. */
function times(r: LabResult, dir: 'c2s' | 's2c', flags: string): number[] {
  return segments(r.events, dir, flags).map((e) => Math.round(e.tMs * 100) / 100)
}

describe('timerScale', () => {
  it('a scale of 1 changes nothing: every catalog case on every profile is byte-identical', () => {
    let n = 0
    for (const c of CATALOG) {
      for (const profile of PROFILE_IDS) {
        const s = { ...scenarioScript(c.script.id)!, profile }
        const plain = JSON.stringify(simulate(s))
        const one = JSON.stringify(simulate(s, { timerScale: { client: 1, server: 1 } }))
        expect(one, `${c.script.id} on ${profile}`).toBe(plain)
        n++
      }
    }
    expect(n).toBeGreaterThan(20)
  })

  it("1.05 on the client moves its SYN retransmission to 1.05 s; the server's timers stay", () => {
    const input: LabScriptInput = {
      labScript: 1,
      limitMs: 5000,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
        { actor: 'client', op: 'connect', port: 7001 },
      ],
    }
    expect(times(runScaled(input), 'c2s', 'SYN')).toEqual([0, 1000])
    expect(times(runScaled(input, { client: 1.05 }), 'c2s', 'SYN')).toEqual([0, 1050])
    expect(times(runScaled(input, { server: 1.05 }), 'c2s', 'SYN')).toEqual([0, 1000])
  })

  it('separates two timers that fire at the same instant: SYN and SYN-ACK retransmissions', () => {
    // The SYN-ACK is lost: the client's SYN timer and the server's SYN-ACK timer both fire
    // at 1 s. On the real kernel which comes first is a race; the scale decides it here.
    const input: LabScriptInput = {
      labScript: 1,
      limitMs: 5000,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'net', op: 'drop', dir: 's2c', match: 'SYN-ACK', count: 1 },
        { actor: 'client', op: 'connect', port: 7001 },
      ],
    }
    const slowClient = runScaled(input, { client: 1.05 })
    expect(times(slowClient, 's2c', 'SYN|ACK')).toEqual([0.05, 1000.05])
    expect(times(slowClient, 'c2s', 'SYN')).toEqual([0])
    const slowServer = runScaled(input, { server: 1.05 })
    expect(times(slowServer, 'c2s', 'SYN')).toEqual([0, 1000])
    expect(times(slowServer, 's2c', 'SYN|ACK')[1]).toBeCloseTo(1000.05, 2)
  })

  it('scales the give-up budget with the intervals: the same count, 5 % later', () => {
    const input: LabScriptInput = {
      labScript: 1,
      timers: { synRetries: 1 },
      limitMs: 10_000,
      steps: [
        { actor: 'net', op: 'cut' },
        { actor: 'client', op: 'connect', port: 7001 },
      ],
    }
    const plain = runScaled(input)
    const fast = runScaled(input, { client: 0.95 })
    expect(stepAt(plain, 1)).toMatchObject({ errno: 'ETIMEDOUT', endMs: 3000 })
    expect(stepAt(fast, 1)).toMatchObject({ errno: 'ETIMEDOUT', endMs: 2850 })
    expect(times(fast, 'c2s', 'SYN').length).toBe(times(plain, 'c2s', 'SYN').length)
  })

  it('scales the data RTO and tail-loss probe, persist, keepalive and the delayed ACK', () => {
    const data: LabScriptInput = {
      labScript: 1,
      limitMs: 3000,
      steps: [
        ...connected(),
        { actor: 'net', op: 'cut', at: 100 },
        { actor: 'client', op: 'send', bytes: 100, at: 200 },
        { actor: 'client', op: 'sleep', ms: 2500 },
      ],
    }
    const rtx = (r: LabResult) => times(r, 'c2s', 'ACK').filter((t) => t > 200)
    const base = rtx(runScaled(data))
    const scaled = rtx(runScaled(data, { client: 1.05 }))
    expect(scaled.length).toBeGreaterThan(2)
    for (let i = 0; i < 3; i++) expect(scaled[i]! - 200).toBeCloseTo((base[i]! - 200) * 1.05, 0)

    const ka: LabScriptInput = {
      labScript: 1,
      timers: { keepalive: { idleS: 1, intervalS: 1, count: 2 } },
      limitMs: 1500,
      steps: [
        ...connected(),
        { actor: 'client', op: 'keepalive' },
        { actor: 'client', op: 'sleep', ms: 1400 },
      ],
    }
    expect(times(runScaled(ka), 'c2s', 'ACK').filter((t) => t > 1)).toEqual([1000.1])
    expect(times(runScaled(ka, { client: 1.05 }), 'c2s', 'ACK').filter((t) => t > 1)).toEqual([
      1050.1,
    ])

    // The ACK of a FIN on a connection that got data waits 40 ms (tcp_fin pingpong).
    const fin: LabScriptInput = {
      labScript: 1,
      limitMs: 500,
      steps: [
        ...connected(),
        { actor: 'server', op: 'send', bytes: 5, at: 50 },
        { actor: 'server', op: 'close', at: 100 },
        { actor: 'client', op: 'sleep', ms: 300 },
      ],
    }
    const finAck = (r: LabResult) => times(r, 'c2s', 'ACK').filter((t) => t > 100)
    expect(finAck(runScaled(fin))).toEqual([140.05])
    expect(finAck(runScaled(fin, { client: 1.05 }))).toEqual([142.05])

    // A stopped receiver: the persist timer's first probe one RTO after the window shut.
    const persist: LabScriptInput = {
      labScript: 1,
      limitMs: 2000,
      steps: [
        ...connected(),
        { actor: 'server', op: 'freeze', at: 100 },
        { actor: 'client', op: 'send', bytes: 300_000, at: 200 },
      ],
    }
    const probes = (r: LabResult) =>
      r.events.filter((e) => e.type === 'note' && e.key === 'persist-probe').map((e) => e.tMs)
    const [p0] = probes(runScaled(persist))
    const [p1] = probes(runScaled(persist, { client: 1.05 }))
    const shut = segments(runScaled(persist).events, 's2c').find((e) => e.win === 0)!.tMs
    expect(p1! - shut).toBeCloseTo((p0! - shut) * 1.05, 0)
  })

  it('refuses a scale that is not a positive number', () => {
    expect(() => runScaled({ labScript: 1, steps: connected() }, { server: 0 })).toThrow(RangeError)
  })
})
