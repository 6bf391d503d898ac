// Rules found by the differential fuzzer against the real kernel (Linux 6.18), each with the
// kernel source that explains it:
// - An ICMP error for the first SYN arrives while connect() holds the socket (loopback answers
//   at once), so Linux keeps it as a soft error (tcp_v4_err: sk_err_soft) and the connect goes
//   on: the retransmitted SYN decides. Its ICMP (sent from a timer, socket not held) is fatal;
//   an RST refuses; a SYN-ACK connects and forgets the soft error (tcp_ack); silence ends in
//   the soft error at give-up instead of ETIMEDOUT (tcp_write_err).
// - shutdown() on a listener: Linux stops listening for SHUT_RD/SHUT_RDWR and returns 0
//   (inet_shutdown, case TCP_LISTEN); BSD and Winsock say ENOTCONN.
import { describe, expect, it } from 'vitest'
import type { LabScriptInput } from '../../shared/lab-script'
import { run, secs, stepAt } from './test-util'

type Steps = LabScriptInput['steps']

function connectThrough(fault: Steps, after: Steps, listen = true, timers = { synRetries: 2 }) {
  return run({
    labScript: 1,
    timers,
    limitMs: 30_000,
    steps: [
      ...fault,
      ...(listen ? ([{ actor: 'server', op: 'listen', port: 7001 }] as Steps) : []),
      { actor: 'client', op: 'connect', port: 7001, at: 10 },
      ...after,
    ],
  })
}

const reject: Steps = [{ actor: 'net', op: 'reject', dir: 'c2s', icmp: 'host-unreachable' }]

describe('ICMP during a blocking connect (Linux)', () => {
  it('the retransmitted SYN draws the ICMP again: fatal then, about 1 s in', () => {
    const r = connectThrough(reject, [])
    const connect = stepAt(r, reject.length + 1)
    expect([connect.ret, connect.errno, secs(connect.endMs)]).toEqual([-1, 'EHOSTUNREACH', 1])
  })

  it('healed before the retransmission, nothing listening: the RST refuses', () => {
    const r = connectThrough(reject, [{ actor: 'net', op: 'heal', at: 300 }], false)
    const connect = stepAt(r, 1)
    expect([connect.ret, connect.errno]).toEqual([-1, 'ECONNREFUSED'])
  })

  it('healed before the retransmission, a listener: connect() succeeds', () => {
    const r = connectThrough(reject, [{ actor: 'net', op: 'heal', at: 300 }])
    expect(stepAt(r, 2).ret).toBe(0)
    expect(r.final.client).toBe('ESTABLISHED')
  })

  it('the SYNs are then lost silently: the give-up reports the soft error, not ETIMEDOUT', () => {
    const r = connectThrough(reject, [
      { actor: 'net', op: 'heal', at: 300 },
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', at: 400 },
    ])
    const connect = stepAt(r, 2)
    expect([connect.ret, connect.errno]).toEqual([-1, 'EHOSTUNREACH'])
    expect(secs(connect.endMs)).toBeGreaterThan(5)
  })

  it('a connection made after a soft error forgets it: a later timeout is ETIMEDOUT', () => {
    const r = connectThrough(
      reject,
      [
        { actor: 'net', op: 'heal', at: 300 },
        { actor: 'server', op: 'accept' },
        { actor: 'net', op: 'cut', dir: 'both', at: 2000 },
        { actor: 'client', op: 'send', bytes: 100, at: 2100 },
        { actor: 'client', op: 'recv' },
      ],
      true,
      { synRetries: 2, retries2: 3 } as never,
    )
    const recv = stepAt(r, 7)
    expect([recv.ret, recv.errno]).toEqual([-1, 'ETIMEDOUT'])
  })
})

describe('shutdown() on a listener', () => {
  const steps = (how: 'wr' | 'rd' | 'rdwr'): Steps => [
    { actor: 'server', op: 'listen', port: 7001 },
    { actor: 'server', op: 'shutdown', how, at: 50 },
    { actor: 'client', op: 'connect', port: 7001, at: 100 },
    { actor: 'server', op: 'accept', at: 150 },
  ]

  it('Linux: SHUT_RD stops listening (returns 0; the connect is refused, accept() EINVAL)', () => {
    for (const how of ['rd', 'rdwr'] as const) {
      const r = run({ labScript: 1, limitMs: 1000, steps: steps(how) })
      expect(stepAt(r, 1).ret, how).toBe(0)
      expect([stepAt(r, 2).ret, stepAt(r, 2).errno], how).toEqual([-1, 'ECONNREFUSED'])
      expect([stepAt(r, 3).ret, stepAt(r, 3).errno], how).toEqual([-1, 'EINVAL'])
    }
  })

  it('Linux: SHUT_WR alone changes nothing (returns 0, still listening)', () => {
    const r = run({ labScript: 1, limitMs: 1000, steps: steps('wr') })
    expect([stepAt(r, 1).ret, stepAt(r, 2).ret]).toEqual([0, 0])
    expect(stepAt(r, 3).ret).toBeGreaterThan(0)
  })

  it('macOS and Windows: ENOTCONN, and the listener stays', () => {
    for (const profile of ['macos', 'windows'] as const) {
      const r = run({ labScript: 1, profile, limitMs: 5000, steps: steps('rdwr') })
      expect(stepAt(r, 1).ret, profile).toBe(-1)
      expect(stepAt(r, 1).errno, profile).toMatch(/ENOTCONN$/)
      expect(stepAt(r, 2).ret, profile).toBe(0)
    }
  })
})

describe('data for a socket shut for reading', () => {
  const steps: Steps = [
    { actor: 'server', op: 'listen', port: 7001 },
    { actor: 'client', op: 'connect', port: 7001, at: 10 },
    { actor: 'server', op: 'accept' },
    { actor: 'server', op: 'shutdown', how: 'rdwr', at: 600 },
    { actor: 'client', op: 'send', bytes: 1, at: 900 },
    { actor: 'server', op: 'send', bytes: 3000, at: 1200 },
  ]

  it('Linux: RST to the sender, and the shut socket is reset too (ECONNRESET next call)', () => {
    // fuzz seed 7 #116, measured on the kernel lab: tcp_rcv_state_process step 7 calls
    // tcp_reset on a FIN_WAIT socket with RCV_SHUTDOWN, then answers the data with RST.
    const r = run({ labScript: 1, limitMs: 3000, steps })
    expect([stepAt(r, 5).ret, stepAt(r, 5).errno]).toEqual([-1, 'ECONNRESET'])
    expect(r.events.some((e) => e.type === 'note' && e.key === 'rst-data-after-shutdown')).toBe(
      true,
    )
  })

  it('macOS: the data is dropped (BSD resets only a socket nobody holds)', () => {
    const r = run({ labScript: 1, profile: 'macos', limitMs: 3000, steps })
    expect(r.events.some((e) => e.type === 'segment' && e.flags.includes('RST'))).toBe(false)
    expect(stepAt(r, 5).errno).toBe('EPIPE')
  })
})

describe('ICMP on an established connection (fuzz seed 11, measured on the kernel lab)', () => {
  const base: Steps = [
    { actor: 'server', op: 'listen', port: 7001 },
    { actor: 'client', op: 'connect', port: 7001, at: 10 },
    { actor: 'server', op: 'accept' },
    { actor: 'net', op: 'reject', dir: 'c2s', icmp: 'net-unreachable', at: 600 },
  ]

  it('about a keepalive probe (before snd.una) is ignored: the give-up is ETIMEDOUT', () => {
    const r = run({
      labScript: 1,
      timers: { keepalive: { idleS: 1, intervalS: 1, count: 2 } },
      limitMs: 5000,
      steps: [
        ...base,
        { actor: 'client', op: 'keepalive', at: 300 },
        { actor: 'client', op: 'recv', at: 900 },
      ],
    })
    expect([stepAt(r, 5).ret, stepAt(r, 5).errno]).toEqual([-1, 'ETIMEDOUT'])
  })

  it('host or net unreachable about the retransmitted head undoes the backoff (RFC 6069)', () => {
    const steps: Steps = [
      ...base,
      { actor: 'client', op: 'send', bytes: 100, at: 2100 },
      { actor: 'client', op: 'sleep', ms: 1800 },
    ]
    const gaps = (profile: 'linux' | 'macos'): number[] => {
      const r = run({ labScript: 1, profile, timers: { retries2: 8 }, limitMs: 4000, steps })
      const t = r.events.filter((e) => e.type === 'segment' && e.dir === 'c2s' && e.len > 0)
      return t.slice(1, 5).map((e, i) => Math.round(e.tMs - t[i]!.tMs))
    }
    // Linux: the RTO stays at its base (about 204 ms) while every retransmission is rejected
    // (the kernel lab: 2108, 2315, 2523, 2727 ms); without the revert it doubles.
    expect(gaps('linux').every((g) => g > 190 && g < 220)).toBe(true)
    expect(gaps('macos').at(-1)).toBeGreaterThan(2 * gaps('macos')[0]! - 1)
  })
})

describe('a closed connection whose FIN is never acknowledged', () => {
  it('Linux repeats it by tcp_orphan_retries (8), not tcp_retries2 (fuzz seed 11 #430, measured)', () => {
    const r = run({
      labScript: 1,
      timers: { retries2: 2 },
      limitMs: 6750,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'client', op: 'connect', port: 7001, at: 10 },
        { actor: 'server', op: 'accept' },
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'any', at: 300 },
        { actor: 'client', op: 'close', at: 1500 },
        { actor: 'server', op: 'sleep', ms: 5000, at: 1600 },
      ],
    })
    // With tcp_retries2 = 2 an open connection would give up after about 1.4 s of
    // retransmissions; the orphan keeps trying (the kernel lab: FIN at 1.5, 1.7, 1.9, 2.4,
    // 3.2, 4.9 s, still FIN_WAIT_1 at 6.75 s).
    expect(r.final.client).toBe('FIN_WAIT_1')
    const fins = r.events.filter((e) => e.type === 'segment' && e.flags.includes('FIN'))
    expect(fins.length).toBeGreaterThanOrEqual(6)
  })
})
