// Non-blocking connect, poll() and getsockopt(SO_ERROR) (lab script version 2). Every Linux
// answer here was checked with `socklab check` against the kernel lab on Linux 6.18 (the same
// scripts); the other profiles follow their documented rules (shared/profiles.ts
// `nonblocking`).
import { describe, expect, it } from 'vitest'
import { parseLabScript, type LabScriptInput, type ProfileId } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { simulate } from './simulate'

function run(steps: LabScriptInput['steps'], profile: ProfileId = 'linux', limitMs = 3000) {
  const parsed = parseLabScript({ labScript: 2, profile, limitMs, steps })
  if (!parsed.ok) throw new Error(parsed.message)
  return simulate(parsed.script)
}

/** `op = ret [value]` or `op = -1 ERRNO` for each step of one actor. */
function calls(r: LabResult, actor: 'client' | 'server'): string[] {
  return r.steps
    .filter((s) => s.actor === actor && s.outcome === 'returned')
    .map(
      (s) => `${s.op} = ${s.ret}${s.errno ? ` ${s.errno}` : ''}${s.value ? ` [${s.value}]` : ''}`,
    )
}

describe('poll() and getsockopt(SO_ERROR)', () => {
  it('a socket never connected: Linux says POLLOUT|POLLHUP (TCP_CLOSE), SO_ERROR 0', () => {
    const r = run([
      { actor: 'client', op: 'poll', events: 'out', timeoutMs: 0 },
      { actor: 'client', op: 'poll', events: 'in', timeoutMs: 0 },
      { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
    ])
    expect(calls(r, 'client')).toEqual([
      'poll = 1 [POLLOUT|POLLHUP]',
      'poll = 1 [POLLHUP]',
      'getsockopt = 0 [0]',
    ])
  })

  it('a listener is readable once a connection waits; data and FIN are readable', () => {
    const r = run([
      { actor: 'server', op: 'listen', port: 7041 },
      { actor: 'server', op: 'poll', events: 'in', timeoutMs: 1000 },
      { actor: 'client', op: 'connect', port: 7041, at: 100 },
      { actor: 'server', op: 'accept' },
      { actor: 'server', op: 'poll', events: 'in', timeoutMs: 300 },
      { actor: 'client', op: 'send', bytes: 10, at: 800 },
      { actor: 'server', op: 'poll', events: 'in' },
      { actor: 'client', op: 'close', at: 1000 },
      { actor: 'server', op: 'recv', at: 1100 },
      { actor: 'server', op: 'recv' },
      { actor: 'server', op: 'poll', events: 'in', timeoutMs: 0 },
      { actor: 'client', op: 'poll', events: 'out', timeoutMs: 0, at: 1200 },
      { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
    ])
    expect(calls(r, 'server').filter((c) => c.startsWith('poll'))).toEqual([
      'poll = 1 [POLLIN]',
      'poll = 0 [0]',
      'poll = 1 [POLLIN]',
      'poll = 1 [POLLIN]',
    ])
    // The poll waiting for data returns when the data arrives, not at the 300 ms timeout.
    expect(r.steps[6]!.endMs).toBeCloseTo(800, 0)
    // The client's number is closed: POLLNVAL (poll(2)), and getsockopt fails with EBADF.
    expect(calls(r, 'client').slice(-2)).toEqual(['poll = 1 [POLLNVAL]', 'getsockopt = -1 EBADF'])
  })

  it('a non-blocking connect returns EINPROGRESS at once; the SYN is already out', () => {
    const r = run([
      { actor: 'server', op: 'listen', port: 7031 },
      { actor: 'client', op: 'connect', port: 7031, nonblocking: true, at: 10 },
    ])
    const c = r.steps[1]!
    expect([c.ret, c.errno, c.startMs, c.endMs]).toEqual([-1, 'EINPROGRESS', 10, 10])
    expect(r.events.some((e) => e.type === 'segment' && e.flags.includes('SYN'))).toBe(true)
    expect(r.final.client).toBe('ESTABLISHED')
  })

  it('SO_ERROR clears the error it reads; Linux falls back to the soft error once', () => {
    const icmp: LabScriptInput['steps'] = [
      { actor: 'server', op: 'listen', port: 7034 },
      { actor: 'net', op: 'reject', dir: 'c2s', icmp: 'host-unreachable' },
      { actor: 'client', op: 'connect', port: 7034, nonblocking: true, at: 10 },
      { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR', at: 100 },
      { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR', at: 200 },
      { actor: 'client', op: 'poll', events: 'out', timeoutMs: 0, at: 300 },
    ]
    expect(calls(run(icmp), 'client')).toEqual([
      'connect = -1 EINPROGRESS',
      'getsockopt = 0 [EHOSTUNREACH]',
      'getsockopt = 0 [0]',
      // The ICMP stays on the error queue: POLLERR while still connecting.
      'poll = 1 [POLLERR]',
    ])
    // Before 5.8 nothing was queued; BSD keeps no soft error for SO_ERROR.
    expect(calls(run(icmp, 'linux-legacy'), 'client').slice(1)).toEqual([
      'getsockopt = 0 [EHOSTUNREACH]',
      'getsockopt = 0 [0]',
      'poll = 0 [0]',
    ])
    expect(calls(run(icmp, 'macos'), 'client').slice(1)).toEqual([
      'getsockopt = 0 [0]',
      'getsockopt = 0 [0]',
      'poll = 0 [0]',
    ])
  })

  it('a refused connect is ready for writing on every OS, with its own revents', () => {
    const steps: LabScriptInput['steps'] = [
      { actor: 'client', op: 'connect', port: 7032, nonblocking: true },
      { actor: 'client', op: 'poll', events: 'out' },
    ]
    const revents = (p: ProfileId) => run(steps, p).steps[1]!.value
    expect(revents('linux')).toBe('POLLOUT|POLLERR|POLLHUP')
    expect(revents('windows')).toBe('POLLOUT|POLLERR|POLLHUP')
    expect(revents('macos')).toBe('POLLOUT|POLLHUP')
  })

  it('a poll() woken by a program that runs late reads the socket when it runs', () => {
    const parsed = parseLabScript({
      labScript: 2,
      limitMs: 2000,
      steps: [
        { actor: 'client', op: 'connect', port: 7032, nonblocking: true },
        { actor: 'client', op: 'poll', events: 'out', timeoutMs: 1000 },
      ],
    })
    if (!parsed.ok) throw new Error(parsed.message)
    const r = simulate(parsed.script, { wakeDelayMs: { client: 5 } })
    expect(r.steps[1]!.value).toBe('POLLOUT|POLLERR|POLLHUP')
    expect(r.steps[1]!.endMs).toBeGreaterThanOrEqual(5)
  })

  it('O_NONBLOCK stays on: send and recv fail with EAGAIN where they would wait', () => {
    const r = run([
      { actor: 'server', op: 'listen', port: 7035 },
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
      { actor: 'client', op: 'connect', port: 7035, nonblocking: true, at: 10 },
      // Still connecting (the first SYN was lost): nothing can be sent or read yet.
      { actor: 'client', op: 'send', bytes: 10, at: 100 },
      { actor: 'client', op: 'recv', at: 200 },
      // Connected at about 1 s: sending fits the buffer; nothing to read, and no wait either.
      { actor: 'client', op: 'send', bytes: 10, at: 1500 },
      { actor: 'client', op: 'recv', timeoutMs: 500, at: 1600 },
    ])
    expect(calls(r, 'client')).toEqual([
      'connect = -1 EINPROGRESS',
      'send = -1 EAGAIN',
      'recv = -1 EAGAIN',
      'send = 10',
      'recv = -1 EAGAIN',
    ])
    expect(r.steps[6]!.endMs).toBe(1600)
    expect(r.steps[3]!.notes).toEqual(['would-block'])
  })

  it('shutdown() while connecting: Linux abandons the attempt with ECONNRESET pending', () => {
    const steps = (how: 'wr' | 'rd'): LabScriptInput['steps'] => [
      { actor: 'server', op: 'listen', port: 7036 },
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN' },
      { actor: 'client', op: 'connect', port: 7036, nonblocking: true, at: 10 },
      { actor: 'client', op: 'shutdown', how, at: 100 },
      { actor: 'client', op: 'poll', events: 'out', timeoutMs: 0, at: 200 },
      { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR', at: 300 },
      { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR', at: 400 },
      { actor: 'client', op: 'send', bytes: 5, at: 500 },
      { actor: 'client', op: 'recv', at: 600 },
    ]
    // Measured on 6.18 (tcp_disconnect: shutdown marks cleared, so recv says ENOTCONN).
    const linux = [
      'connect = -1 EINPROGRESS',
      'shutdown = 0',
      'poll = 1 [POLLOUT|POLLERR|POLLHUP]',
      'getsockopt = 0 [ECONNRESET]',
      'getsockopt = 0 [0]',
      'send = -1 EPIPE',
      'recv = -1 ENOTCONN',
    ]
    expect(calls(run(steps('wr')), 'client')).toEqual(linux)
    expect(calls(run(steps('rd')), 'client')).toEqual(linux)
    // BSD closes the attempt for SHUT_WR without an error; Winsock refuses (assumed).
    expect(calls(run(steps('wr'), 'macos'), 'client').slice(1, 4)).toEqual([
      'shutdown = 0',
      'poll = 1 [POLLOUT|POLLHUP]',
      'getsockopt = 0 [0]',
    ])
    expect(calls(run(steps('wr'), 'windows'), 'client')[1]).toBe('shutdown = -1 WSAENOTCONN')
  })
})
