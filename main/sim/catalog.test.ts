// Every catalog case on every profile. On `linux` each matches the article's claim or the
// documented modern-kernel correction; the other profiles differ only where docs/os-profiles.md
// (or the article, for Windows) says they do. The expectations are written from those
// documents, case by case; the simulator only ever sees the script.
import { describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { PROFILE_IDS, type ProfileId } from '../../shared/lab-script'
import type { LabResult, StepResult } from '../../shared/lab-result'
import { simulate } from './simulate'

/** What a call returned, briefly: `+` any positive count, `-1 ERRNO [SIGPIPE]`, or an outcome. */
function brief(s: StepResult): string {
  if (s.outcome !== 'returned') return s.outcome
  const ret = (s.ret ?? 0) > 0 ? '+' : String(s.ret)
  return [ret, s.errno, s.signal, s.value !== undefined && `[${s.value}]`].filter(Boolean).join(' ')
}

/** The socket calls of a run (not net steps, listen, sleep, crash, freeze, thaw, options, signals). */
function calls(r: LabResult): string[] {
  const quiet = new Set([
    'listen',
    'sleep',
    'crash',
    'reboot',
    'freeze',
    'thaw',
    'keepalive',
    'signal',
    'usertimeout',
  ])
  return r.steps.filter((s) => s.actor !== 'net' && !quiet.has(s.op)).map(brief)
}

interface Expectation {
  /** The calls on `linux` (article claim or documented correction). */
  linux: string[]
  /** Profiles whose calls differ, and how (docs/os-profiles.md). */
  differ?: Partial<Record<ProfileId, string[]>>
  /** Virtual seconds at which a step (by script index) ends on `linux`. */
  endS?: Record<number, number>
}

const EPIPE = '-1 EPIPE SIGPIPE'

const EXPECTED: Record<string, Expectation> = {
  // 建立连接 §1: connect 0, accept a new connection.
  'connect.ok': { linux: ['0', '+'] },
  // §2: ECONNREFUSED at once; Windows retries the SYN and refuses after about 2 s.
  'connect.refused': {
    linux: ['-1 ECONNREFUSED'],
    differ: { windows: ['-1 WSAECONNREFUSED'] },
    endS: { 0: 0 },
  },
  // §3.1: EHOSTUNREACH; Windows ignores ICMP while connecting and times out instead.
  'connect.unreachable': {
    linux: ['-1 EHOSTUNREACH'],
    differ: { windows: ['-1 WSAETIMEDOUT'] },
    endS: { 2: 1 },
  },
  // §3.2: ETIMEDOUT; with synRetries 2 the Linux budget is 7 s (measured 7.1 s).
  'connect.timeout': {
    linux: ['-1 ETIMEDOUT'],
    differ: { windows: ['-1 WSAETIMEDOUT'] },
    endS: { 2: 7 },
  },
  // UNP §16.3: EINPROGRESS at once (WSAEWOULDBLOCK), then POLLOUT and SO_ERROR 0.
  'connect.nonblocking': {
    linux: ['-1 EINPROGRESS', '+ [POLLOUT]', '0 [0]', '+'],
    differ: { windows: ['-1 WSAEWOULDBLOCK', '+ [POLLOUT]', '0 [0]', '+'] },
  },
  // Refused: ready with POLLERR|POLLHUP (BSD sets no POLLERR), SO_ERROR once, then 0.
  'connect.nonblocking-refused': {
    linux: ['-1 EINPROGRESS', '+ [POLLOUT|POLLERR|POLLHUP]', '0 [ECONNREFUSED]', '0 [0]'],
    differ: {
      windows: ['-1 WSAEWOULDBLOCK', '+ [POLLOUT|POLLERR|POLLHUP]', '0 [WSAECONNREFUSED]', '0 [0]'],
      macos: ['-1 EINPROGRESS', '+ [POLLOUT|POLLHUP]', '0 [ECONNREFUSED]', '0 [0]'],
    },
    endS: { 1: 0 },
  },
  // Every SYN lost: poll times out (0), SO_ERROR 0 while connecting, then ETIMEDOUT (3 s).
  'connect.nonblocking-timeout': {
    linux: ['-1 EINPROGRESS', '0 [0]', '0 [0]', '+ [POLLOUT|POLLERR|POLLHUP]', '0 [ETIMEDOUT]'],
    differ: {
      windows: [
        '-1 WSAEWOULDBLOCK',
        '0 [0]',
        '0 [0]',
        '+ [POLLOUT|POLLERR|POLLHUP]',
        '0 [WSAETIMEDOUT]',
      ],
      macos: ['-1 EINPROGRESS', '0 [0]', '0 [0]', '+ [POLLOUT|POLLHUP]', '0 [ETIMEDOUT]'],
    },
    endS: { 3: 0.5, 5: 3 },
  },
  // ICMP for the first SYN: Linux queues it (POLLERR at once) and SO_ERROR reads the soft
  // error; the SYN repeated at 1 s draws the fatal one. Before 5.8 poll() saw nothing at
  // first; Windows ignores the ICMP, macOS keeps it soft for more than 3 retransmissions.
  'connect.nonblocking-icmp': {
    linux: [
      '-1 EINPROGRESS',
      '+ [POLLERR]',
      '0 [EHOSTUNREACH]',
      '+ [POLLOUT|POLLERR|POLLHUP]',
      '0 [EHOSTUNREACH]',
    ],
    differ: {
      'linux-legacy': [
        '-1 EINPROGRESS',
        '0 [0]',
        '0 [EHOSTUNREACH]',
        '+ [POLLOUT|POLLERR|POLLHUP]',
        '0 [EHOSTUNREACH]',
      ],
      windows: ['-1 WSAEWOULDBLOCK', '0 [0]', '0 [0]', '0 [0]', '0 [0]'],
      macos: ['-1 EINPROGRESS', '0 [0]', '0 [0]', '0 [0]', '0 [0]'],
    },
    endS: { 3: 0, 6: 1.5 },
  },
  // §4.1: one lost SYN only delays the connection by the first RTO.
  'handshake.syn-lost': { linux: ['0', '+'], endS: { 2: 1 } },
  // §4.2: the client times out, the server's application never sees anything.
  'handshake.synack-lost': {
    linux: ['-1 ETIMEDOUT', 'blocked'],
    differ: { windows: ['-1 WSAETIMEDOUT', 'blocked'] },
    endS: { 2: 3 },
  },
  // §4.3: connect 0, send buffered, finally ETIMEDOUT; accept never returns.
  'handshake.ack-lost': {
    linux: ['0', 'blocked', '+', '-1 ETIMEDOUT'],
    differ: { windows: ['0', 'blocked', '+', '-1 WSAETIMEDOUT'] },
  },
  // 通信过程 §1: nothing happens; both stay ESTABLISHED.
  'idle.partition': { linux: ['0', '+'] },
  // §2: send returns the count; later ETIMEDOUT (BSD: EPIPE, it checks "can't send" first).
  'send.partition': {
    linux: ['0', '+', '+', '+', '-1 ETIMEDOUT'],
    differ: {
      windows: ['0', '+', '+', '+', '-1 WSAETIMEDOUT'],
      macos: ['0', '+', '+', '+', EPIPE],
    },
  },
  // §2 (NAT): send succeeded long before the server received anything.
  'send.nat-ack': { linux: ['0', '+', '+', '+'], endS: { 4: 0.2, 5: 2 } },
  // §3: recv blocks forever.
  'recv.partition': { linux: ['0', '+', 'blocked'] },
  // §4.1: recv 0 (modern kernels; the article saw EINVAL on 3.8), send ok, send EPIPE + SIGPIPE.
  // Windows: its process exit resets the connection.
  'peer.crash-fin': {
    linux: ['0', '+', '0', '+', EPIPE],
    differ: { windows: ['0', '+', '-1 WSAECONNRESET', '-1 WSAECONNRESET', '-1 WSAECONNRESET'] },
  },
  // §4.2: ECONNRESET; reported once on Linux, so the next send is EPIPE (docs/kernel-rules.md).
  'peer.crash-rst': {
    linux: ['0', '+', '-1 ECONNRESET', EPIPE],
    differ: { windows: ['0', '+', '-1 WSAECONNRESET', '-1 WSAECONNRESET'] },
  },
  // §4.3: recv would block (our timeout shows it), send buffered, then ETIMEDOUT.
  'peer.host-down': {
    linux: ['0', '+', '-1 EAGAIN', '+', '-1 ETIMEDOUT'],
    differ: { windows: ['0', '+', '-1 WSAETIMEDOUT', '+', '-1 WSAETIMEDOUT'] },
  },
  // §5: as crash-fin; Windows reports 10053 (article).
  'peer.close': {
    linux: ['0', '+', '0', '0', '+', EPIPE],
    differ: { windows: ['0', '+', '0', '0', '+', '-1 WSAECONNABORTED'] },
  },
  // Added: SO_RCVTIMEO gives EAGAIN (Winsock: WSAETIMEDOUT).
  'recv.timeout': {
    linux: ['0', '+', '-1 EAGAIN'],
    differ: { windows: ['0', '+', '-1 WSAETIMEDOUT'] },
    endS: { 4: 1.2 },
  },
  // Added: idle 1 + 2 probes at 1 s: ETIMEDOUT about 3 s after the last segment.
  'idle.keepalive': {
    linux: ['0', '+', '-1 ETIMEDOUT'],
    differ: { windows: ['0', '+', '-1 WSAETIMEDOUT'] },
    // Linux counts the idle second from the last segment received (the handshake at 10 ms),
    // not from the keepalive call at 50 ms: probes at 1.01 and 2.01 s, ETIMEDOUT at 3.01 s
    // (the kernel lab: 3.09 s).
    endS: { 5: 3 },
  },
  // Added: RST instead of FIN, so ECONNRESET; then EPIPE (reported once).
  'peer.close-unread': {
    linux: ['0', '+', '+', '0', '-1 ECONNRESET', EPIPE],
    differ: { windows: ['0', '+', '+', '0', '-1 WSAECONNRESET', '-1 WSAECONNRESET'] },
  },
  // Added: the first send after an abort gets ECONNRESET without SIGPIPE, the next EPIPE.
  'peer.abort': {
    linux: ['0', '+', '0', '-1 ECONNRESET', EPIPE],
    differ: {
      windows: ['0', '+', '0', '-1 WSAECONNRESET', '-1 WSAECONNRESET'],
      macos: ['0', '+', '0', EPIPE, EPIPE],
    },
  },
  // Added: recv 0, the other direction still works, then the usual close.
  'peer.half-close': { linux: ['0', '+', '0', '0', '+', '+', '0', '0'] },
  // Added: the sender blocks without any error; the reader gets data after SIGCONT.
  'peer.stopped': { linux: ['0', '+', 'blocked', '+'], endS: { 6: 3 } },
  // UNP 5.11: Linux hands the reset connection out (data, then ECONNRESET; measured); BSD's
  // accept fails with ECONNABORTED (XNU tcp_usr_accept), Winsock's with WSAECONNRESET (accept
  // documentation); the recv()s then act on the listener (not connected).
  'accept.reset': {
    linux: ['0', '+', '0', '+', '+', '-1 ECONNRESET'],
    differ: {
      windows: ['0', '+', '0', '-1 WSAECONNRESET', '-1 WSAENOTCONN', '-1 WSAENOTCONN'],
      macos: ['0', '+', '0', '-1 ECONNABORTED', '-1 ENOTCONN', '-1 ENOTCONN'],
    },
  },
  // UNP 7.5: the restart's bind fails while the server's old connection is in TIME_WAIT, and
  // succeeds with SO_REUSEADDR (Linux: both sockets set it, measured; BSD: the new one);
  // Winsock lets bind() through TIME_WAIT, so the second bind finds the socket bound (EINVAL).
  'bind.time-wait': {
    linux: ['0', '0', '+', '0', '0', '0', '0', '-1 EADDRINUSE', '0'],
    differ: {
      windows: ['0', '0', '+', '0', '0', '0', '0', '0', '-1 WSAEINVAL'],
    },
  },
  // UNP 4.5: with a backlog of 1 Linux queues two connections (sk_acceptq_is_full: more
  // than the backlog; measured), BSD 3/2 of it plus one; the third SYN is dropped and sent
  // again until the server accepts (3.2 s with linear SYN timeouts; kernel 3.28 s). Winsock
  // refuses the second with RST, and its SYN retries then get in once the queue drains.
  'listen.backlog-full': {
    linux: ['0', '0', '0', '+', '+', '+'],
    endS: { 3: 3.2 },
  },
  // UNP 5.15: the rebooted host answers the client's data with RST; the send had already
  // returned (the data was only buffered), the recv gets the reset (measured on the kernel).
  'peer.reboot': {
    linux: ['0', '+', '+', '-1 ECONNRESET'],
    differ: { windows: ['0', '+', '+', '-1 WSAECONNRESET'] },
  },
  // RFC 1122 4.2.3.9: a soft error; Linux reports it at give-up (tcp_write_err: sk_err_soft),
  // BSD ignores host unreachable on an established connection (tcp_notify) and Winsock
  // reports the timeout. retries2 3: Linux's budget is 3 s of RTO backoff (measured 3.7 s).
  'established.icmp': {
    linux: ['0', '+', '+', '-1 EHOSTUNREACH'],
    differ: {
      windows: ['0', '+', '+', '-1 WSAETIMEDOUT'],
      macos: ['0', '+', '+', '-1 ETIMEDOUT'],
    },
    endS: { 5: 3.7 },
  },
  // Added (v2): signal(7): the recv whose handler lacks SA_RESTART fails with EINTR at the
  // signal (0.5 s); the one with SA_RESTART resumes and returns the data sent at 1.5 s. Windows
  // has no POSIX signals: the first recv gets the data, the second still blocks at the end.
  'call.eintr': {
    linux: ['0', '+', '-1 EINTR', '+', '+'],
    differ: { windows: ['0', '+', '+', 'blocked', '+'] },
    endS: { 3: 0.5, 5: 1.5 },
  },
  // Added (v2): TCP_USER_TIMEOUT 1000 ms: ETIMEDOUT 1 s after the first RTO retransmission
  // (0.61 s; tcp_clamp_rto_to_user_timeout), not after the tcp_retries2 schedule (~15 min).
  // The kernel lab: 1.62 s.
  'send.user-timeout': {
    linux: ['0', '+', '+', '-1 ETIMEDOUT'],
    differ: { windows: ['0', '+', '+', '-1 WSAETIMEDOUT'] },
    endS: { 6: 1.6 },
  },
  // Added (v2, RFC 5382): a firewall on the path forgets the connection after 2 s idle and
  // drops the send at 3 s; send() still returns the count (the data is only buffered), and
  // recv() fails when the retransmissions give up (tcp_retries2 2: 3.3 s later on Linux; the
  // kernel lab: 6.33 s). The firewall is the same on every profile; the give-up is each OS's.
  'nat.idle-expiry': {
    linux: ['0', '+', '+', '-1 ETIMEDOUT'],
    differ: { windows: ['0', '+', '+', '-1 WSAETIMEDOUT'] },
    endS: { 4: 6.3 },
  },
  // Added (v2, RFC 5382): keepalive probes after 1 s idle refresh the firewall's 2 s entry, so
  // the send at 3 s arrives (on every profile: each sends its probes at the script's timers).
  'nat.idle-keepalive': {
    linux: ['0', '+', '+', '+'],
    endS: { 5: 3.1 },
  },
}

describe('catalog on every profile', () => {
  it('has an expectation for every case', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(CATALOG.map((c) => c.script.id).sort())
  })

  for (const c of CATALOG) {
    const id = c.script.id
    it.each(PROFILE_IDS)(`${id} on %s`, (profile) => {
      const want = EXPECTED[id]!
      const r = simulate({ ...scenarioScript(id)!, profile })
      expect(calls(r)).toEqual(want.differ?.[profile] ?? want.linux)
      expect(r.id).toBe(id)
      expect(r.profile).toBe(profile)
      // Every failed call carries a teaching note that says why it failed then.
      for (const s of r.steps.filter((x) => x.errno)) {
        const why = r.events.filter((e) => e.type === 'note' && e.step === s.index)
        expect(why.length, `step ${s.index} ${s.errno}`).toBeGreaterThan(0)
      }
      if (profile === 'linux')
        for (const [i, s] of Object.entries(want.endS ?? {})) {
          const step = r.steps.find((x) => x.index === Number(i))!
          expect(Math.round(step.endMs / 100) / 10, `step ${i}`).toBe(s)
        }
    })
  }

  it.each([
    // Windows' 2-second refusal, macOS and Windows connect timeouts under the same script.
    ['connect.refused', 0, { linux: 0, 'linux-legacy': 0, windows: 2, macos: 0 }],
    ['connect.timeout', 2, { linux: 7, 'linux-legacy': 7, windows: 21, macos: 3 }],
    ['handshake.syn-lost', 2, { linux: 1, 'linux-legacy': 1, windows: 3, macos: 1 }],
  ] as const)('%s: step %d ends at the documented time on each profile', (id, index, want) => {
    for (const profile of PROFILE_IDS) {
      const r = simulate({ ...scenarioScript(id)!, profile })
      const step = r.steps.find((x) => x.index === index)!
      expect(Math.round(step.endMs / 100) / 10, profile).toBe(want[profile])
    }
  })

  it('every case explains its run with teaching notes', () => {
    for (const c of CATALOG) {
      const r = simulate(scenarioScript(c.script.id)!)
      expect(
        r.events.some((e) => e.type === 'note'),
        c.script.id,
      ).toBe(true)
    }
  })
})
