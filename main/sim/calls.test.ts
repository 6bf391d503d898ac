/**
 * The descriptors a program holds (calls.ts, decision 006): each row is a sequence of calls
 * and what every step returned on the real kernel. The expectations were taken from
 * `npm run socklab -- run <script> --backend kernel --json` on Linux 6.18 (the kernel lab's
 * program makes each call as one system call, main/kernel/perl-peer.ts), and every row was
 * then confirmed with `socklab check` (simulator and kernel agree). A number is the call's
 * return value (accept's is the descriptor the kernel gave), a name the errno of a -1.
 */
import { describe, expect, it } from 'vitest'
import type { LabScriptInput } from '../../shared/lab-script'
import { run } from './test-util'

type Steps = LabScriptInput['steps']
type Want = (number | string)[]

const L = { actor: 'server', op: 'listen', port: 7001 } as const
const conn = (at: number) => ({ actor: 'client', op: 'connect', port: 7001, at }) as const
const c = (op: 'close' | 'abort' | 'keepalive', at: number) =>
  ({ actor: 'client', op, at }) as const
const s = (op: 'close' | 'abort' | 'accept', at?: number) =>
  ({ actor: 'server', op, ...(at === undefined ? {} : { at }) }) as const
const send = (actor: 'client' | 'server', at: number) =>
  ({ actor, op: 'send', bytes: 5, at }) as const
const recv = (actor: 'client' | 'server', at: number, timeoutMs?: number) =>
  ({ actor, op: 'recv', at, ...(timeoutMs === undefined ? {} : { timeoutMs }) }) as const

const rows: [string, Steps, Want, { client: string; server: string }][] = [
  [
    'client: close before connect, then send',
    [c('close', 100), send('client', 200)],
    [0, 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'client: close twice (the second finds nothing open)',
    [c('close', 100), c('close', 200)],
    [0, 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'client: abort twice',
    [c('abort', 100), c('abort', 200)],
    [0, 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'client: send and recv on the socket made at start, then connect it (refused)',
    [send('client', 100), recv('client', 200, 50), conn(300)],
    ['EPIPE', 'ENOTCONN', 'ECONNREFUSED'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'client: close before connect; connect makes a new socket',
    [L, c('close', 100), conn(200), send('client', 300)],
    [0, 0, 0, 5],
    { client: 'ESTABLISHED', server: 'LISTEN' },
  ],
  [
    'client: connect, close, close, send',
    [L, conn(100), c('close', 200), c('close', 300), send('client', 400)],
    [0, 0, 0, 'EBADF', 'EBADF'],
    { client: 'FIN_WAIT_2', server: 'LISTEN' },
  ],
  [
    'client: a refused socket stays open until closed',
    [conn(100), send('client', 200), recv('client', 300, 50), c('close', 400), c('close', 500)],
    ['ECONNREFUSED', 'EPIPE', 'ENOTCONN', 0, 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'client: shutdown, keepalive, close, then every data call on the closed number',
    [
      { actor: 'client', op: 'shutdown', how: 'wr', at: 100 },
      c('keepalive', 200),
      c('close', 300),
      { actor: 'client', op: 'recv', at: 400 },
      { actor: 'client', op: 'shutdown', how: 'rd', at: 500 },
      c('keepalive', 600),
    ],
    ['ENOTCONN', 0, 0, 'EBADF', 'EBADF', 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'server: close before listen, then accept',
    [s('close', 100), s('accept', 200)],
    [0, 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'server: close, close, abort with nothing listening',
    [s('close', 100), s('close', 200), s('abort', 300)],
    [0, 'EBADF', 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'server: accept and send on a closed listener',
    [L, s('close', 100), s('accept', 200), send('server', 300)],
    [0, 0, 'EBADF', 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'server: the first close takes the connection, the second the listener; then accept',
    [L, conn(10), s('accept'), s('close', 100), s('close', 200), s('accept', 300), s('close', 400)],
    [0, 0, 4, 0, 0, 'EBADF', 'EBADF'],
    { client: 'CLOSE_WAIT', server: 'FIN_WAIT_2' },
  ],
  [
    'server: accept, send and recv before listen; listen uses the socket made at start',
    [
      s('accept', 100),
      send('server', 200),
      recv('server', 300, 50),
      { ...L, at: 400 },
      conn(500),
      s('accept', 600),
    ],
    ['EINVAL', 'EPIPE', 'ENOTCONN', 0, 0, 4],
    { client: 'ESTABLISHED', server: 'ESTABLISHED' },
  ],
  [
    'server: close, then listen reuses number 3, so a send on the "connection" finds the listener',
    [
      s('close', 100),
      { ...L, at: 200 },
      send('server', 300),
      conn(400),
      s('accept', 500),
      recv('server', 600, 50),
    ],
    [0, 0, 'EPIPE', 0, 4, 'EAGAIN'],
    { client: 'ESTABLISHED', server: 'ESTABLISHED' },
  ],
  [
    'server: a second listen on the same port fails; accept on its unbound socket',
    [L, { ...L, at: 100 }, conn(200), s('accept', 300), s('close', 400), s('close', 500)],
    [0, 'EADDRINUSE', 0, 'EINVAL', 0, 'EBADF'],
    { client: 'ESTABLISHED', server: 'LISTEN' },
  ],
  [
    'server: SHUT_RD stops listening; accept EINVAL, then EBADF once closed',
    [
      L,
      { actor: 'server', op: 'shutdown', how: 'rd', at: 100 },
      s('accept', 200),
      s('close', 300),
      s('accept', 400),
    ],
    [0, 0, 'EINVAL', 0, 'EBADF'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'server: listen again after the listener closed',
    [L, s('close', 100), { ...L, at: 200 }, conn(300), s('accept', 400)],
    [0, 0, 0, 0, 4],
    { client: 'ESTABLISHED', server: 'ESTABLISHED' },
  ],
  [
    'server: listen again while a closed connection still holds the port (FIN_WAIT_2)',
    [
      L,
      conn(10),
      s('accept'),
      s('close', 100),
      s('close', 200),
      { ...L, at: 300 },
      s('accept', 400),
    ],
    [0, 0, 4, 0, 0, 'EADDRINUSE', 'EINVAL'],
    { client: 'CLOSE_WAIT', server: 'FIN_WAIT_2' },
  ],
  [
    'server: a listener shut with SHUT_RD keeps its port while its descriptor is open',
    [
      L,
      { actor: 'server', op: 'shutdown', how: 'rd', at: 100 },
      { ...L, at: 200 },
      s('close', 300),
      s('close', 400),
      { ...L, at: 500 },
    ],
    [0, 0, 'EADDRINUSE', 0, 'EBADF', 'EADDRINUSE'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'client: shutdown before connect fails but marks the socket, and the marks outlive connect',
    [
      L,
      { actor: 'client', op: 'shutdown', how: 'rdwr', at: 100 },
      recv('client', 200),
      send('client', 300),
      conn(400),
      send('client', 500),
      recv('client', 600, 100),
      s('accept', 800),
      recv('server', 900, 100),
    ],
    [0, 'ENOTCONN', 0, 'EPIPE', 0, 'EPIPE', 0, 4, 'EAGAIN'],
    { client: 'ESTABLISHED', server: 'ESTABLISHED' },
  ],
  [
    'client: SHUT_RD after a refused connect: ENOTCONN, then recv 0',
    [
      conn(10),
      { actor: 'client', op: 'shutdown', how: 'rd', at: 100 },
      recv('client', 200, 50),
      send('client', 300),
    ],
    ['ECONNREFUSED', 'ENOTCONN', 0, 'EPIPE'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'client: SHUT_WR before connect leaves recv at ENOTCONN',
    [
      { actor: 'client', op: 'shutdown', how: 'wr', at: 100 },
      recv('client', 200, 50),
      send('client', 300),
    ],
    ['ENOTCONN', 'ENOTCONN', 'EPIPE'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'server: a listener shut with SHUT_RD is disconnected (recv ENOTCONN) until shut again',
    [
      L,
      { actor: 'server', op: 'shutdown', how: 'rd', at: 100 },
      recv('server', 200, 50),
      { actor: 'server', op: 'shutdown', how: 'rd', at: 300 },
      recv('server', 400, 50),
      send('server', 500),
    ],
    [0, 0, 'ENOTCONN', 'ENOTCONN', 0, 'EPIPE'],
    { client: 'CLOSED', server: 'CLOSED' },
  ],
  [
    'client: abort in TIME_WAIT leaves the TIME_WAIT running (fuzzer)',
    [
      L,
      conn(10),
      s('accept'),
      { actor: 'client', op: 'shutdown', how: 'rdwr', at: 300 },
      s('close', 600),
      c('abort', 900),
      recv('client', 1000),
      send('client', 1100),
    ],
    [0, 0, 4, 0, 0, 0, 'EBADF', 'EBADF'],
    { client: 'TIME_WAIT', server: 'CLOSED' },
  ],
  [
    'server: shutdown in TIME_WAIT finds a closed socket: ENOTCONN (fuzzer)',
    [
      L,
      conn(10),
      s('accept'),
      { actor: 'server', op: 'shutdown', how: 'rdwr', at: 600 },
      { actor: 'client', op: 'shutdown', how: 'wr', at: 1200 },
      { actor: 'server', op: 'shutdown', how: 'rdwr', at: 1500 },
    ],
    [0, 0, 4, 0, 0, 'ENOTCONN'],
    { client: 'CLOSED', server: 'TIME_WAIT' },
  ],
  [
    'client: close in TIME_WAIT with unread data sends no RST',
    [
      L,
      conn(10),
      s('accept'),
      send('server', 100),
      { actor: 'client', op: 'shutdown', how: 'wr', at: 300 },
      s('close', 600),
      c('close', 900),
    ],
    [0, 0, 4, 5, 0, 0, 0],
    { client: 'TIME_WAIT', server: 'CLOSED' },
  ],
]

describe('descriptors as the kernel lab measured them', () => {
  it.each(rows)('%s', (_name, steps, want, final) => {
    const r = run({ labScript: 1, limitMs: 3000, steps })
    const got = r.steps.map((x) =>
      x.outcome !== 'returned' ? x.outcome : x.ret === -1 ? x.errno! : x.ret!,
    )
    expect(got).toEqual(want)
    expect(r.final).toEqual(final)
  })
})
