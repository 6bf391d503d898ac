import { describe, expect, it } from 'vitest'
import { parseLine, words } from './parse'

describe('shell parse', () => {
  it.each([
    ['connect', { actor: 'client', op: 'connect', port: 7001 }],
    ['listen 7005', { actor: 'server', op: 'listen', port: 7005 }],
    ['send 5', { actor: 'client', op: 'send', bytes: 5 }],
    ['server send 5', { actor: 'server', op: 'send', bytes: 5 }],
    ['recv 100 timeout=500', { actor: 'client', op: 'recv', bytes: 100, timeoutMs: 500 }],
    ['shutdown', { actor: 'client', op: 'shutdown', how: 'wr' }],
    ['server crash rst', { actor: 'server', op: 'crash', mode: 'rst' }],
    ['cut c2s', { actor: 'net', op: 'cut', dir: 'c2s' }],
    ['drop SYN-ACK s2c 2', { actor: 'net', op: 'drop', match: 'SYN-ACK', dir: 's2c', count: 2 }],
    ['drop data 3', { actor: 'net', op: 'drop', match: 'data', count: 3 }],
    ['reject host-unreachable', { actor: 'net', op: 'reject', icmp: 'host-unreachable' }],
    ['sleep 50ms', { actor: 'client', op: 'sleep', ms: 50 }],
    ['signal', { actor: 'client', op: 'signal' }],
    ['server signal restart', { actor: 'server', op: 'signal', restart: true }],
    ['usertimeout 1500', { actor: 'client', op: 'usertimeout', ms: 1500 }],
    // Lab script version 2 (the session becomes version 2 when it uses them).
    ['connect nonblock', { actor: 'client', op: 'connect', port: 7001, nonblocking: true }],
    ['connect 7002 nonblock', { actor: 'client', op: 'connect', port: 7002, nonblocking: true }],
    ['poll out', { actor: 'client', op: 'poll', events: 'out' }],
    ['server poll in timeout=0', { actor: 'server', op: 'poll', events: 'in', timeoutMs: 0 }],
    ['getsockopt', { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' }],
    ['getsockopt SO_ERROR', { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' }],
  ])('%s', (line, step) => {
    expect(parseLine(line, 'client', 7001)).toEqual({ kind: 'step', step })
  })

  it('takes an explicit time and the default actor', () => {
    expect(parseLine('@300 crash fin', 'server', 7001)).toEqual({
      kind: 'step',
      step: { actor: 'server', op: 'crash', mode: 'fin' },
      at: 300,
    })
  })

  it('explains mistakes in both languages, naming the field', () => {
    const r = parseLine('drop SYNACK', 'client', 7001)
    expect(r.kind).toBe('error')
    if (r.kind === 'error') {
      expect(r.message.en).toMatch(/match/)
      expect(r.message.zh).toMatch(/用法/)
    }
    expect(parseLine('send', 'client', 7001)).toMatchObject({ kind: 'error' })
    expect(parseLine('send 5 6', 'client', 7001)).toMatchObject({ kind: 'error' })
    expect(parseLine('poll', 'client', 7001)).toMatchObject({ kind: 'error' })
    expect(parseLine('poll out timeout=x', 'client', 7001)).toMatchObject({ kind: 'error' })
    expect(parseLine('getsockopt SO_RCVBUF', 'client', 7001)).toMatchObject({ kind: 'error' })
    expect(parseLine('listen 99999', 'client', 7001)).toMatchObject({ kind: 'error' })
    expect(parseLine('client help', 'client', 7001)).toMatchObject({ kind: 'error' })
  })

  it('passes session commands through, and ignores blank lines and comments', () => {
    expect(parseLine('profile windows', 'client', 1)).toEqual({
      kind: 'meta',
      name: 'profile',
      args: ['windows'],
    })
    expect(parseLine('   ', 'client', 1)).toEqual({ kind: 'empty' })
    expect(parseLine('# hello', 'client', 1)).toEqual({ kind: 'empty' })
    expect(words('  a   b ')).toEqual(['a', 'b'])
  })
})
