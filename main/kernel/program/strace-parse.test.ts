// The strace reader on lines recorded from strace 6.1 (`-f -q -ttt -T -yy -s 16`) on this
// project's machines: Python clients and servers inside a run's namespace, and by hand.
import { describe, expect, it } from 'vitest'
import { StraceParser, TRACED_SYSCALLS, type TracedCall } from './strace-parse'

function parse(
  lines: string[],
  role: 'client' | 'server' = 'client',
  endMs?: number,
): TracedCall[] {
  const p = new StraceParser(role)
  const out = lines.flatMap((l) => p.feed(l))
  return endMs === undefined ? out : [...out, ...p.end(endMs)]
}

const CLIENT = [
  '28184 1796518079.385235 close(3</tmp/pg>) = 0 <0.000043>',
  '16774 1796517353.802367 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[4473305]> <0.000066>',
  '16774 1796517353.804269 connect(3<TCP:[4473305]>, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused) <0.000198>',
  '16774 1796517353.805892 write(1</tmp/bash_jobs.0/1311beba2165/stdout>, "err", 3) = 3 <0.000053>',
  '29079 1796518113.328223 write(1<UNIX-STREAM:[4520550]>, "accepted", 8) = 8 <0.000019>',
  '16774 1796517353.806207 close(3<TCP:[4473305]>) = 0 <0.000026>',
]

describe('StraceParser', () => {
  it('keeps only calls on TCP sockets, with errno, times and the address', () => {
    const calls = parse(CLIENT)
    expect(calls.map((c) => `${c.op}:${c.syscall}:${c.ret}`)).toEqual([
      'socket:socket:3',
      'connect:connect:-1',
      'close:close:0',
    ])
    const connect = calls[1]!
    expect(connect).toMatchObject({
      actor: 'client',
      pid: 16774,
      fd: 3,
      errno: 'ECONNREFUSED',
      errnoNumber: 111,
      message: 'Connection refused',
      detail: '127.0.0.1:9',
      outcome: 'returned',
    })
    expect(connect.startMs).toBeCloseTo(1796517353804.269, 3)
    expect(connect.endMs - connect.startMs).toBeCloseTo(0.198, 3)
  })

  it('joins an unfinished call with its resumption, and its duration counts from the start', () => {
    const calls = parse([
      '24163 1796517400.100000 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[1]> <0.000020>',
      '24163 1796517400.200000 recvfrom(3<TCP:[127.0.0.1:40000->127.0.0.1:7016]>, 0x7f1b1a6c5d00, 100, 0, NULL, NULL <unfinished ...>',
      '24170 1796517400.250000 +++ exited with 0 +++',
      '24163 1796517400.300000 <... recvfrom resumed>) = -1 ECONNRESET (Connection reset by peer) <0.100100>',
    ])
    expect(calls).toHaveLength(2)
    expect(calls[1]).toMatchObject({
      op: 'recv',
      ret: -1,
      errno: 'ECONNRESET',
      detail: '100 bytes',
    })
    expect(calls[1]!.startMs).toBeCloseTo(1796517400200, 3)
    expect(calls[1]!.endMs).toBeCloseTo(1796517400300.1, 3)
  })

  it('tells accept its peer, poll/select/epoll their revents and SO_ERROR its errno', () => {
    const calls = parse(
      [
        '18476 1796517533.998141 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[4476407]> <0.000070>',
        '18476 1796517534.001685 pselect6(4, NULL, [3<TCP:[4476407]>], NULL, {tv_sec=1, tv_nsec=0}, NULL) = 1 (out [3], left {tv_sec=0, tv_nsec=999996523}) <0.000054>',
        '18476 1796517534.003212 getsockopt(3<TCP:[4476407]>, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0 <0.000022>',
        '18476 1796517534.007581 epoll_ctl(4<anon_inode:[eventpoll]>, EPOLL_CTL_ADD, 5<TCP:[4476412]>, {events=EPOLLOUT, data={u32=5, u64=5}}) = 0 <0.000023>',
        '18476 1796517534.008954 epoll_wait(4<anon_inode:[eventpoll]>, [{events=EPOLLOUT|EPOLLERR|EPOLLHUP, data={u32=5, u64=5}}], 1023, 1000) = 1 <0.000072>',
        '16774 1796517353.829326 poll([{fd=4<TCP:[127.0.0.1:41494->127.0.0.1:49043]>, events=POLLIN}], 1, 1000) = 1 ([{fd=4, revents=POLLIN}]) <0.000016>',
        '16774 1796517353.880009 poll([{fd=4<TCP:[127.0.0.1:41494->127.0.0.1:49043]>, events=POLLOUT}], 1, 1000) = 1 ([{fd=4, revents=POLLOUT|POLLERR|POLLHUP}]) <0.000019>',
        '16774 1796517353.826215 accept4(3<TCP:[127.0.0.1:49043]>, {sa_family=AF_INET, sin_port=htons(41494), sin_addr=inet_addr("127.0.0.1")}, [16], SOCK_CLOEXEC) = 5<TCP:[127.0.0.1:49043->127.0.0.1:41494]> <0.000017>',
        '16774 1796517353.829326 poll([{fd=0</dev/null>, events=POLLIN}], 1, 0) = 0 (Timeout) <0.000016>',
      ],
      'server',
    )
    expect(calls.map((c) => [c.syscall, c.value ?? c.detail ?? ''])).toEqual([
      ['socket', ''],
      ['pselect6', 'POLLOUT'],
      ['getsockopt', 'ECONNREFUSED'],
      ['epoll_wait', 'POLLOUT|POLLERR|POLLHUP'],
      ['poll', 'POLLIN'],
      ['poll', 'POLLOUT|POLLERR|POLLHUP'],
      ['accept4', '127.0.0.1:41494'],
    ])
    expect(calls[6]!.ret).toBe(5)
  })

  it('marks the send that raised SIGPIPE', () => {
    const calls = parse([
      '16774 1796517353.880161 sendto(4<TCP:[127.0.0.1:41494->127.0.0.1:49043]>, "y", 1, 0, NULL, 0) = -1 EPIPE (Broken pipe) <0.000026>',
      '16774 1796517353.880249 --- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=16774, si_uid=0} ---',
    ])
    expect(calls[0]).toMatchObject({
      op: 'send',
      errno: 'EPIPE',
      signal: 'SIGPIPE',
      detail: '1 bytes',
    })
  })

  it('makes a call a signal restarted one call, and one it did not restart -1 EINTR', () => {
    const restarted = parse([
      '18476 1796517534.017409 accept4(6<TCP:[127.0.0.1:37231]>, 0x7ffe0266b970, [16], SOCK_CLOEXEC) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.096194>',
      '18476 1796517534.113754 --- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---',
      '18476 1796517534.114062 accept4(6<TCP:[127.0.0.1:37231]>, {sa_family=AF_INET, sin_port=htons(5), sin_addr=inet_addr("127.0.0.1")}, [16], SOCK_CLOEXEC) = 7<TCP:[127.0.0.1:37231->127.0.0.1:5]> <0.5>',
    ])
    expect(restarted).toHaveLength(1)
    expect(restarted[0]!.startMs).toBeCloseTo(1796517534017.409, 3)
    expect(restarted[0]!.ret).toBe(7)
    const interrupted = parse([
      '18476 1796517534.017409 recvfrom(6<TCP:[127.0.0.1:1->127.0.0.1:2]>, 0x7f, 100, 0, NULL, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.096194>',
      '18476 1796517534.113754 --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER} ---',
      '18476 1796517534.200000 close(6<TCP:[127.0.0.1:1->127.0.0.1:2]>) = 0 <0.000010>',
    ])
    expect(interrupted.map((c) => `${c.op} ${c.ret} ${c.errno ?? ''}`)).toEqual([
      'recv -1 EINTR',
      'close 0 ',
    ])
  })

  it('reports a call the process died in, or was still in at the end, as blocked', () => {
    const killed = parse([
      '29079 1796518113.354804 recvfrom(4<TCP:[127.0.0.1:7001->127.0.0.1:42280]>, 0x7f7c08179d00, 100, 0, NULL, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <1.990797>',
      '29079 1796518115.355000 --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---',
      '29079 1796518115.356000 +++ killed by SIGTERM +++',
    ])
    expect(killed).toHaveLength(1)
    expect(killed[0]).toMatchObject({ outcome: 'blocked', op: 'recv' })
    expect(killed[0]!.ret).toBeUndefined()
    const p = new StraceParser('client')
    p.feed('29079 1796518115.356000 +++ killed by SIGKILL +++')
    expect(p.exits.get(29079)).toEqual({ code: null, signal: 'SIGKILL', ms: 1796518115356 })
    const waiting = parse(
      [
        '5 1796518113.000000 connect(3<TCP:[9]>, {sa_family=AF_INET, sin_port=htons(7000), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>',
      ],
      'client',
      1796518114000,
    )
    expect(waiting[0]).toMatchObject({ op: 'connect', outcome: 'blocked', endMs: 1796518114000 })
    const died = parse([
      '5 1796518113.000000 read(3<TCP:[127.0.0.1:1->127.0.0.1:2]>, 0x1, 10) = ? <unavailable>',
    ])
    expect(died[0]).toMatchObject({ op: 'recv', outcome: 'blocked' })
  })

  it('tracks sockets by socket(), accept(), dup() and close() where strace does not say (no -yy)', () => {
    const calls = parse([
      '7 1.000000 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3 <0.000010>',
      '7 1.100000 socket(AF_UNIX, SOCK_STREAM, 0) = 4 <0.000010>',
      '7 1.200000 write(4, "x", 1) = 1 <0.000010>',
      '7 1.300000 write(3, "hello", 5) = 5 <0.000010>',
      '7 1.350000 fcntl(3, F_DUPFD_CLOEXEC, 0) = 6 <0.000010>',
      '7 1.360000 read(6, "", 10) = 0 <0.000010>',
      '7 1.400000 close(3) = 0 <0.000010>',
      '7 1.500000 write(3, "late", 4) = -1 EBADF (Bad file descriptor) <0.000010>',
    ])
    expect(calls.map((c) => `${c.syscall}(${c.fd})=${c.ret}`)).toEqual([
      'socket(3)=3',
      'write(3)=5',
      'read(6)=0',
      'close(3)=0',
    ])
  })

  it('counts a TCP socket that strace shows only as socket:[inode] once it was reset', () => {
    const calls = parse([
      '31 1796518113.300000 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[4525605]> <0.000020>',
      '31 1796518113.310000 connect(3<TCP:[4525605]>, {sa_family=AF_INET, sin_port=htons(7016), sin_addr=inet_addr("127.0.0.1")}, 16) = 0 <0.000100>',
      '31 1796518113.500000 recvfrom(3<socket:[4525605]>, 0x7f, 1024, 0, NULL, NULL) = -1 ECONNRESET (Connection reset by peer) <0.000010>',
      '31 1796518113.510000 close(3<socket:[4525605]>) = 0 <0.000010>',
      '31 1796518113.520000 write(4<socket:[77]>, "x", 1) = 1 <0.000010>',
    ])
    expect(calls.map((c) => `${c.op} ${c.ret} ${c.errno ?? ''}`)).toEqual([
      'socket 3 ',
      'connect 0 ',
      'recv -1 ECONNRESET',
      'close 0 ',
    ])
  })

  it('never throws on lines it does not know, and reads strings with parentheses', () => {
    const p = new StraceParser('client')
    for (const l of [
      '',
      'strace: Process 12 attached',
      '12 notatime foo',
      '12 1.0 foo(',
      '12 1.0 <... read resumed>) = 0',
      '12 1.0 sendto(3<TCP:[1]>, "a) = 5 (", 8, 0, NULL, 0) = 8 <0.000010>',
    ])
      expect(() => p.feed(l)).not.toThrow()
    const calls = parse([
      '12 1.000000 sendto(3<TCP:[1]>, "a) = 5 (\\"", 8, 0, NULL, 0) = 8 <0.000010>',
    ])
    expect(calls[0]).toMatchObject({ op: 'send', ret: 8, detail: '8 bytes' })
  })

  it('asks strace for every call it reads', () => {
    for (const name of ['connect', 'recvfrom', 'read', 'write', 'close', 'poll', 'epoll_ctl'])
      expect(TRACED_SYSCALLS).toContain(name)
  })
})
