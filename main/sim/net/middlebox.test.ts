/**
 * The relay of the middlebox topology does what the kernel lab's relay program does
 * (main/kernel/perl-relay.ts). Each case's calls, final states and segment order were taken
 * from the kernel lab (`socklab run --backend kernel`, Linux 6.18) and confirmed with
 * `socklab check`; times are the simulator's.
 */
import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../../shared/lab-result'
import { run, segments, stepAt } from '../test-util'

/** Each step as the kernel lab prints it: the return value, or the errno of a -1. */
function calls(r: LabResult): (number | string)[] {
  return r.steps.map((x) =>
    x.outcome !== 'returned' ? x.outcome : x.ret === -1 ? x.errno! : x.ret!,
  )
}

/** Segments as `hop dir FLAGS`, in order (`cm` client-middlebox, `ms` middlebox-server). */
function wire(r: LabResult): string[] {
  return segments(r.events).map(
    (e) =>
      `${e.hop === 'client-middlebox' ? 'cm' : 'ms'} ${e.dir} ${e.flags.join('|')}` +
      (e.fate === 'delivered' ? '' : ` (${e.fate})`),
  )
}

const connect = { actor: 'client', op: 'connect', port: 7001, at: 10 } as const
const listen = { actor: 'server', op: 'listen', port: 7001 } as const

describe('the middlebox completes the client handshake itself', () => {
  it('with nothing listening behind it: connect 0, then the relay resets the client', () => {
    const r = run({
      labScript: 1,
      topology: 'middlebox',
      limitMs: 4000,
      steps: [
        connect,
        { actor: 'client', op: 'send', bytes: 5, at: 300 },
        { actor: 'client', op: 'recv', at: 600, timeoutMs: 100 },
        { actor: 'client', op: 'send', bytes: 5, at: 900 },
      ],
    })
    expect(calls(r)).toEqual([0, 'ECONNRESET', 0, 'EPIPE'])
    expect(wire(r)).toEqual([
      'cm c2s SYN',
      'cm s2c SYN|ACK',
      'cm c2s ACK',
      'ms c2s SYN',
      'ms s2c RST|ACK',
      'cm s2c RST|ACK',
    ])
    expect(r.final).toEqual({ client: 'CLOSED', server: 'CLOSED' })
  })

  it("an ICMP error for the relay's non-blocking connect fails it at the first SYN", () => {
    const r = run({
      labScript: 1,
      topology: 'middlebox',
      limitMs: 4000,
      steps: [
        listen,
        { actor: 'net', op: 'reject', dir: 'c2s', icmp: 'host-unreachable' },
        connect,
        { actor: 'client', op: 'send', bytes: 5, at: 300 },
        { actor: 'client', op: 'recv', at: 2100, timeoutMs: 100 },
      ],
    })
    expect(calls(r)).toEqual([0, 0, 0, 'ECONNRESET', 0])
    expect(wire(r).slice(3)).toEqual(['ms c2s SYN (rejected)', 'cm s2c RST|ACK'])
    expect(r.final).toEqual({ client: 'CLOSED', server: 'LISTEN' })
  })

  it('a far connect that times out resets the client at the SYN give-up', () => {
    const r = run({
      labScript: 1,
      topology: 'middlebox',
      timers: { synRetries: 1 },
      limitMs: 8000,
      steps: [
        listen,
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN' },
        connect,
        { actor: 'client', op: 'send', bytes: 5, at: 300 },
        { actor: 'client', op: 'recv', at: 600 },
        { actor: 'client', op: 'send', bytes: 5 },
      ],
    })
    expect(calls(r)).toEqual([0, 0, 0, 5, 'ECONNRESET', 'EPIPE'])
    // The relay's SYNs at 0 and 1 s, its give-up at 3 s (tcp_syn_retries 1); the kernel lab
    // measured the reset at 3.09 s.
    expect(stepAt(r, 4).endMs).toBeCloseTo(3010.15, 1)
    expect(r.final).toEqual({ client: 'CLOSED', server: 'LISTEN' })
  })

  it("the client's data waits in the relay's kernel until the far connect is done", () => {
    const r = run({
      labScript: 1,
      topology: 'middlebox',
      limitMs: 4000,
      steps: [
        listen,
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
        connect,
        { actor: 'client', op: 'send', bytes: 5, at: 300 },
        { actor: 'server', op: 'accept', at: 600 },
        { actor: 'server', op: 'recv', at: 1500, timeoutMs: 100 },
      ],
    })
    expect(calls(r)).toEqual([0, 0, 0, 5, 4, 5])
    // Connected at once; the server's side only after the relay's SYN retransmission (1 s).
    expect(stepAt(r, 2).endMs).toBeLessThan(11)
    const data = segments(r.events).filter((e) => e.len > 0)
    expect(data.map((e) => e.hop)).toEqual(['client-middlebox', 'middlebox-server'])
    expect(data[1]!.tMs).toBeGreaterThan(1000)
  })
})

describe('hold and release', () => {
  it('held: the relay keeps ACKing; the data and the FIN reach the server after release', () => {
    const r = run({
      labScript: 1,
      topology: 'middlebox',
      limitMs: 4000,
      steps: [
        listen,
        connect,
        { actor: 'server', op: 'accept' },
        { actor: 'net', op: 'hold', at: 300 },
        { actor: 'client', op: 'send', bytes: 100, at: 600 },
        { actor: 'client', op: 'close', at: 900 },
        { actor: 'server', op: 'recv', at: 1200, timeoutMs: 200 },
        { actor: 'net', op: 'release', at: 1800 },
        { actor: 'server', op: 'recv', at: 2100, timeoutMs: 200 },
        { actor: 'server', op: 'recv', at: 2400, timeoutMs: 200 },
        { actor: 'server', op: 'close', at: 2700 },
      ],
    })
    expect(calls(r)).toEqual([0, 0, 4, 0, 100, 0, 'EAGAIN', 0, 100, 0, 0])
    const toServer = segments(r.events, 'c2s').filter((e) => e.hop === 'middlebox-server')
    const firstData = toServer.find((e) => e.len > 0)!
    expect(firstData.tMs).toBeGreaterThanOrEqual(1800)
    expect(toServer.find((e) => e.flags.includes('FIN'))!.tMs).toBeGreaterThanOrEqual(1800)
    expect(r.final.client).toBe('TIME_WAIT')
  })
})
