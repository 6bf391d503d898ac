// Closing, crashing and resetting, rule by rule and profile by profile: which segment each
// way of ending sends, and what the other side's calls then return (docs/os-profiles.md "How Linux
// turns events into errno", docs/kernel-rules.md, the article for Windows).
import { describe, expect, it } from 'vitest'
import type { LabScriptInput, ProfileId } from '../../shared/lab-script'
import type { StepResult } from '../../shared/lab-result'
import { connected, run, secs, segments, stepAt } from './test-util'

type Steps = LabScriptInput['steps']

/** A connection, then the server ends it in some way, then the client's calls. */
function afterServer(profile: ProfileId, end: Steps, client: Steps, limitMs = 5000) {
  return run({ labScript: 1, profile, limitMs, steps: [...connected(), ...end, ...client] })
}

const brief = (s: StepResult) =>
  s.outcome !== 'returned'
    ? s.outcome
    : `${s.ret}${s.errno ? ` ${s.errno}` : ''}${s.signal ? ` +${s.signal}` : ''}`

const recvSendSend: Steps = [
  { actor: 'client', op: 'recv', at: 200 },
  { actor: 'client', op: 'send', bytes: 5 },
  { actor: 'client', op: 'sleep', ms: 50 },
  { actor: 'client', op: 'send', bytes: 5 },
]

describe('the peer closes (peer.close) or crashes with FIN (peer.crash-fin)', () => {
  it.each([
    // Article + kernel-notes: recv 0, the first send draws an RST, the second EPIPE + SIGPIPE.
    ['linux', 'close', ['0', '5', '0', '-1 EPIPE +SIGPIPE']],
    ['linux', 'crash-fin', ['0', '5', '0', '-1 EPIPE +SIGPIPE']],
    ['linux-legacy', 'close', ['0', '5', '0', '-1 EPIPE +SIGPIPE']],
    ['macos', 'close', ['0', '5', '0', '-1 EPIPE +SIGPIPE']],
    // Article: Windows reports 10053 WSAECONNABORTED for the send after the peer closed, and a
    // Windows process that ends without close() sends RST.
    ['windows', 'close', ['0', '5', '0', '-1 WSAECONNABORTED']],
    ['windows', 'crash-fin', ['-1 WSAECONNRESET', '-1 WSAECONNRESET', '0', '-1 WSAECONNRESET']],
  ] as const)('%s, %s: recv, send, send give %j', (profile, how, want) => {
    const end: Steps =
      how === 'close'
        ? [{ actor: 'server', op: 'close', at: 100 }]
        : [{ actor: 'server', op: 'crash', mode: 'fin', at: 100 }]
    const r = afterServer(profile, end, recvSendSend)
    expect([4, 5, 6, 7].map((i) => brief(stepAt(r, i)))).toEqual(want)
    const fin = segments(r.events, 's2c', 'FIN|ACK')
    const rst = segments(r.events, 's2c', 'RST|ACK')
    if (profile === 'windows' && how === 'crash-fin') expect(rst[0]?.tMs).toBe(100)
    else {
      expect(fin[0]?.tMs).toBe(100)
      // The RST answers the client's first send: data for a socket nobody can read.
      expect(rst.length).toBe(1)
      expect(rst[0]!.tMs).toBeGreaterThan(200)
    }
  })

  it('the client sees CLOSE_WAIT after the FIN and CLOSED after the RST', () => {
    const r = afterServer('linux', [{ actor: 'server', op: 'close', at: 100 }], recvSendSend)
    const client = r.events.flatMap((e) =>
      e.type === 'state' && e.actor === 'client' ? [e.to] : [],
    )
    expect(client).toEqual(['SYN_SENT', 'ESTABLISHED', 'CLOSE_WAIT', 'CLOSED'])
  })
})

describe('the peer resets', () => {
  it.each([
    // Article: ECONNRESET (104); kernel-notes: reported once, then recv 0 and send EPIPE.
    ['linux', ['-1 ECONNRESET', '-1 EPIPE +SIGPIPE', '0', '-1 EPIPE +SIGPIPE']],
    ['macos', ['-1 ECONNRESET', '-1 EPIPE +SIGPIPE', '0', '-1 EPIPE +SIGPIPE']],
    ['windows', ['-1 WSAECONNRESET', '-1 WSAECONNRESET', '0', '-1 WSAECONNRESET']],
  ] as const)('%s, crash with RST: recv, send, sleep, send give %j', (profile, want) => {
    const r = afterServer(
      profile,
      [{ actor: 'server', op: 'crash', mode: 'rst', at: 100 }],
      [
        { actor: 'client', op: 'recv', at: 200 },
        { actor: 'client', op: 'send', bytes: 5 },
        { actor: 'client', op: 'sleep', ms: 50 },
        { actor: 'client', op: 'send', bytes: 5 },
      ],
    )
    expect([4, 5, 6, 7].map((i) => brief(stepAt(r, i)))).toEqual(want)
  })

  it.each([
    // kernel-notes: after an abort the first call gets ECONNRESET (send included, no SIGPIPE).
    ['linux', ['-1 ECONNRESET', '-1 EPIPE +SIGPIPE']],
    // BSD sosend checks "can't send more" before so_error.
    ['macos', ['-1 EPIPE +SIGPIPE', '-1 EPIPE +SIGPIPE']],
    ['windows', ['-1 WSAECONNRESET', '-1 WSAECONNRESET']],
  ] as const)('%s, abort (SO_LINGER 0): send, send give %j', (profile, want) => {
    const r = afterServer(
      profile,
      [{ actor: 'server', op: 'abort', at: 100 }],
      [
        { actor: 'client', op: 'send', bytes: 5, at: 200 },
        { actor: 'client', op: 'send', bytes: 5 },
      ],
    )
    expect([4, 5].map((i) => brief(stepAt(r, i)))).toEqual(want)
    expect(segments(r.events, 's2c', 'FIN|ACK')).toHaveLength(0)
    // An abort leaves no TIME_WAIT behind.
    expect(r.events.some((e) => e.type === 'state' && e.to === 'TIME_WAIT')).toBe(false)
  })

  it.each(['linux', 'macos'] as const)(
    '%s: data sent before the RST is still readable before the error',
    (profile) => {
      const r = afterServer(
        profile,
        [
          { actor: 'server', op: 'send', bytes: 10, at: 50 },
          { actor: 'server', op: 'abort', at: 100 },
        ],
        [
          { actor: 'client', op: 'recv', at: 200 },
          { actor: 'client', op: 'recv' },
          { actor: 'client', op: 'recv' },
        ],
      )
      expect([5, 6, 7].map((i) => brief(stepAt(r, i)))).toEqual(['10', '-1 ECONNRESET', '0'])
    },
  )

  it('close() with unread data sends RST instead of FIN (peer.close-unread)', () => {
    const r = afterServer(
      'linux',
      [
        { actor: 'client', op: 'send', bytes: 100, at: 50 },
        { actor: 'server', op: 'close', at: 100 },
      ],
      [{ actor: 'client', op: 'recv', at: 200 }],
    )
    expect(brief(stepAt(r, 5))).toBe('-1 ECONNRESET')
    expect(segments(r.events, 's2c', 'FIN|ACK')).toHaveLength(0)
    expect(segments(r.events, 's2c', 'RST|ACK')).toHaveLength(1)
    expect(r.events.some((e) => e.type === 'note' && e.key === 'close-unread-rst')).toBe(true)
  })

  it('a listener closed with a connection still in its accept queue resets that connection', () => {
    const r = run({
      labScript: 1,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'client', op: 'connect', port: 7001 },
        { actor: 'server', op: 'close', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
      ],
    })
    expect(brief(stepAt(r, 1))).toBe('0')
    expect(brief(stepAt(r, 3))).toBe('-1 ECONNRESET')
  })
})

describe('data that reaches a closed socket', () => {
  it.each([
    // Linux checks the FIN first (recv 0), and the RST in CLOSE_WAIT is EPIPE.
    ['linux', ['3', '0', '-1 EPIPE +SIGPIPE']],
    // BSD soreceive reports so_error before the end of stream.
    ['macos', ['3', '-1 ECONNRESET', '-1 EPIPE +SIGPIPE']],
    ['windows', ['3', '-1 WSAECONNABORTED', '-1 WSAECONNABORTED']],
  ] as const)('%s: the peer sends after our close(): send, recv, send give %j', (profile, want) => {
    const r = run({
      labScript: 1,
      profile,
      steps: [
        ...connected(),
        { actor: 'client', op: 'close', at: 50 },
        { actor: 'server', op: 'send', bytes: 3, at: 100 },
        { actor: 'server', op: 'recv', at: 150 },
        { actor: 'server', op: 'send', bytes: 3, at: 200 },
      ],
    })
    expect([4, 5, 6].map((i) => brief(stepAt(r, i)))).toEqual(want)
    expect(r.events.some((e) => e.type === 'note' && e.key === 'rst-data-after-close')).toBe(true)
  })

  it.each([
    ['linux', 'EBADF', 9],
    ['macos', 'EBADF', 9],
    ['windows', 'WSAENOTSOCK', 10038],
  ] as const)('%s: calls on a closed descriptor fail with %s (%d)', (profile, errno, n) => {
    const r = run({
      labScript: 1,
      profile,
      steps: [
        ...connected(),
        { actor: 'client', op: 'close' },
        { actor: 'client', op: 'send', bytes: 1 },
        { actor: 'client', op: 'recv' },
      ],
    })
    for (const i of [4, 5]) expect(stepAt(r, i)).toMatchObject({ ret: -1, errno, errnoNumber: n })
  })
})

describe('descriptors after close()', () => {
  it("a server's calls on its closed connection fail with EBADF; its next close() closes the listener", () => {
    const r = run({
      labScript: 1,
      steps: [
        ...connected(),
        { actor: 'server', op: 'close', at: 100 },
        { actor: 'server', op: 'recv' },
        { actor: 'server', op: 'send', bytes: 1 },
        { actor: 'server', op: 'close' },
        { actor: 'server', op: 'close' },
        { actor: 'client', op: 'connect', port: 7001, at: 200 },
      ],
    })
    expect([4, 5, 6, 7, 8].map((i) => brief(stepAt(r, i)))).toEqual([
      '-1 EBADF',
      '-1 EBADF',
      '0',
      '-1 EBADF',
      '-1 ECONNREFUSED',
    ])
  })
})

describe('half-close and shutdown', () => {
  it('shutdown(SHUT_WR): the peer reads 0 and can still send to us (peer.half-close)', () => {
    const r = run({
      labScript: 1,
      steps: [
        ...connected(),
        { actor: 'server', op: 'shutdown', how: 'wr', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
        { actor: 'client', op: 'send', bytes: 5 },
        { actor: 'server', op: 'recv', at: 300 },
        { actor: 'client', op: 'close', at: 400 },
        { actor: 'server', op: 'recv', at: 500 },
        { actor: 'server', op: 'sleep', ms: 100 },
      ],
    })
    expect([4, 5, 6, 7, 8].map((i) => brief(stepAt(r, i)))).toEqual(['0', '5', '5', '0', '0'])
    expect(r.final).toEqual({ client: 'CLOSED', server: 'TIME_WAIT' })
  })

  it.each([
    ['linux', '-1 EPIPE +SIGPIPE'],
    ['macos', '-1 EPIPE +SIGPIPE'],
    // Winsock has no EPIPE: a send after shutdown is WSAESHUTDOWN (10058).
    ['windows', '-1 WSAESHUTDOWN'],
  ] as const)('%s: send after shutdown(SHUT_WR) gives %s', (profile, want) => {
    const r = run({
      labScript: 1,
      profile,
      steps: [
        ...connected(),
        { actor: 'client', op: 'shutdown', how: 'wr' },
        { actor: 'client', op: 'send', bytes: 1 },
      ],
    })
    expect(brief(stepAt(r, 4))).toBe(want)
  })

  it('shutdown(SHUT_RD): recv returns 0 at once', () => {
    const r = run({
      labScript: 1,
      steps: [
        ...connected(),
        { actor: 'client', op: 'shutdown', how: 'rd' },
        { actor: 'client', op: 'recv' },
      ],
    })
    expect(brief(stepAt(r, 4))).toBe('0')
  })
})

describe('the closing states and their timers', () => {
  it.each([
    // 2 MSL: Linux TCP_TIMEWAIT_LEN 60 s, Windows TcpTimedWaitDelay 240 s, macOS 2 x 15 s.
    ['linux', 60],
    ['windows', 240],
    ['macos', 30],
  ] as const)('%s: simultaneous close goes through CLOSING to TIME_WAIT for %d s', (profile, s) => {
    const r = run({
      labScript: 1,
      profile,
      limitMs: 400_000,
      steps: [
        ...connected(),
        { actor: 'client', op: 'close', at: 100 },
        { actor: 'server', op: 'close', at: 100 },
        { actor: 'client', op: 'sleep', ms: 300_000 },
      ],
    })
    for (const actor of ['client', 'server'] as const) {
      const path = r.events.flatMap((e) =>
        e.type === 'state' && e.actor === actor ? [`${e.to}@${secs(e.tMs)}`] : [],
      )
      expect(path.slice(-4)).toEqual([
        'FIN_WAIT_1@0.1',
        'CLOSING@0.1',
        'TIME_WAIT@0.1',
        `CLOSED@${secs(100.1 + s * 1000)}`,
      ])
    }
  })

  it('the active closer passes FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT; the passive one CLOSE_WAIT, LAST_ACK', () => {
    const r = run({
      labScript: 1,
      limitMs: 100_000,
      steps: [
        ...connected(),
        { actor: 'client', op: 'close', at: 100 },
        { actor: 'server', op: 'recv', at: 200 },
        { actor: 'server', op: 'close' },
        { actor: 'client', op: 'sleep', ms: 90_000 },
      ],
    })
    const path = (actor: 'client' | 'server') =>
      r.events.flatMap((e) => (e.type === 'state' && e.actor === actor ? [e.to] : []))
    expect(path('client')).toEqual([
      'SYN_SENT',
      'ESTABLISHED',
      'FIN_WAIT_1',
      'FIN_WAIT_2',
      'TIME_WAIT',
      'CLOSED',
    ])
    expect(path('server')).toEqual([
      'LISTEN',
      'SYN_RCVD',
      'ESTABLISHED',
      'CLOSE_WAIT',
      'LAST_ACK',
      'CLOSED',
    ])
  })

  it('an orphaned FIN_WAIT_2 gives up after tcp_fin_timeout (60 s) when the peer never closes', () => {
    const r = run({
      labScript: 1,
      limitMs: 200_000,
      steps: [
        ...connected(),
        { actor: 'client', op: 'close', at: 50 },
        { actor: 'server', op: 'sleep', ms: 100_000 },
      ],
    })
    const last = r.events.filter((e) => e.type === 'state' && e.actor === 'client').at(-1)
    expect(last).toMatchObject({ from: 'FIN_WAIT_2', to: 'CLOSED' })
    expect(secs(last!.tMs)).toBe(60.1)
    expect(r.final).toEqual({ client: 'CLOSED', server: 'CLOSE_WAIT' })
  })
})

describe('crashes', () => {
  it('a silent crash: nothing ever comes from that host, the other side waits (peer.host-down)', () => {
    const r = run({
      labScript: 1,
      timers: { retries2: 3 },
      limitMs: 20_000,
      steps: [
        ...connected(),
        { actor: 'server', op: 'crash', mode: 'silent', at: 100 },
        { actor: 'client', op: 'recv', timeoutMs: 1000, at: 200 },
        { actor: 'client', op: 'send', bytes: 1000 },
        { actor: 'client', op: 'recv' },
      ],
    })
    expect([4, 5, 6].map((i) => brief(stepAt(r, i)))).toEqual(['-1 EAGAIN', '1000', '-1 ETIMEDOUT'])
    expect(segments(r.events, 's2c').filter((e) => e.tMs > 100)).toHaveLength(0)
  })

  it('steps of a crashed program are skipped; the other side goes on', () => {
    const r = run({
      labScript: 1,
      steps: [
        ...connected(),
        { actor: 'server', op: 'crash', mode: 'fin', at: 100 },
        { actor: 'server', op: 'recv' },
        { actor: 'client', op: 'recv', at: 200 },
      ],
    })
    expect(stepAt(r, 4)).toMatchObject({ outcome: 'skipped', notes: ['skipped-dead'] })
    expect(brief(stepAt(r, 5))).toBe('0')
  })
})
