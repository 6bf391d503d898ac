/**
 * The boundary cases every network-programming course teaches (Stevens, UNIX Network
 * Programming vol. 1, chapters 4, 5, 7 and 16, and the RFCs they rest on): what a TCP client
 * and server see at the edges of a connection's life. Like every case, each script says only
 * what the programs and the network do; the backends say what the calls return.
 */
import type { LabScriptInput } from '../lab-script'
import type { CatalogCase } from './index'

/** listen, connect, accept: the connection a case starts from. */
function connected(port: number): LabScriptInput['steps'] {
  return [
    { actor: 'server', op: 'listen', port },
    { actor: 'client', op: 'connect', port, at: 10 },
    { actor: 'server', op: 'accept' },
  ]
}

/** The boundary cases, in the order a course meets them. */
export const BOUNDARY_CASES: CatalogCase[] = [
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'bind.time-wait',
      title: {
        en: 'A server restarts while its old connection is in TIME_WAIT: bind() and SO_REUSEADDR',
        zh: '旧连接还在 TIME_WAIT 时服务端重启：bind() 与 SO_REUSEADDR',
      },
      section: 'unp.7.5',
      limitMs: 3000,
      steps: [
        // The old server sets SO_REUSEADDR, as servers do (Linux needs it on both sockets).
        { actor: 'server', op: 'bind', port: 7033, reuseaddr: true },
        { actor: 'server', op: 'listen' },
        { actor: 'client', op: 'connect', port: 7033, at: 10 },
        { actor: 'server', op: 'accept' },
        // The server closes first, so its side of the connection ends in TIME_WAIT.
        { actor: 'server', op: 'close', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
        { actor: 'client', op: 'close' },
        { actor: 'server', op: 'close', at: 300 },
        // The restart: first without SO_REUSEADDR, then (on the same socket) with it.
        { actor: 'server', op: 'bind', port: 7033, at: 400 },
        { actor: 'server', op: 'bind', port: 7033, reuseaddr: true, at: 500 },
        { actor: 'server', op: 'listen' },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'accept.reset',
      title: {
        en: 'The client resets a connection still waiting in the accept queue',
        zh: '客户端重置了一个仍在 accept 队列中等待的连接',
      },
      section: 'unp.5.11',
      limitMs: 3000,
      // The server accepts only after the RST: the connection waited in the queue meanwhile.
      steps: [
        { actor: 'server', op: 'listen', port: 7032 },
        { actor: 'client', op: 'connect', port: 7032, at: 10 },
        { actor: 'client', op: 'send', bytes: 100, at: 100 },
        { actor: 'client', op: 'abort', at: 200 },
        { actor: 'server', op: 'accept', at: 400 },
        { actor: 'server', op: 'recv' },
        { actor: 'server', op: 'recv' },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'established.icmp',
      title: {
        en: 'ICMP host unreachable on an established connection: a soft error',
        zh: '已建立的连接收到 ICMP 主机不可达：软错误',
      },
      section: 'rfc1122.soft',
      timers: { retries2: 3 },
      limitMs: 8000,
      steps: [
        ...connected(7031),
        { actor: 'net', op: 'reject', dir: 'c2s', icmp: 'host-unreachable', at: 100 },
        { actor: 'client', op: 'send', bytes: 100, at: 200 },
        { actor: 'client', op: 'recv', at: 300 },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'call.eintr',
      title: {
        en: 'A signal interrupts a blocked recv(): EINTR without SA_RESTART, the call resumes with it',
        zh: '信号中断阻塞中的 recv()：没有 SA_RESTART 时返回 EINTR，有它时调用继续',
      },
      section: 'unp.5.9',
      limitMs: 3000,
      steps: [
        ...connected(7027),
        { actor: 'client', op: 'recv', at: 100 },
        { actor: 'client', op: 'signal', at: 500 },
        { actor: 'client', op: 'recv' },
        { actor: 'client', op: 'signal', restart: true, at: 1000 },
        { actor: 'server', op: 'send', bytes: 10, at: 1500 },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'send.user-timeout',
      title: {
        en: 'The network breaks under unacknowledged data; TCP_USER_TIMEOUT ends the wait',
        zh: '网络断开、数据得不到确认；TCP_USER_TIMEOUT 提前结束等待',
      },
      section: 'rfc5482',
      limitMs: 6000,
      steps: [
        ...connected(7028),
        { actor: 'client', op: 'usertimeout', ms: 1000, at: 50 },
        { actor: 'net', op: 'cut', dir: 'both', at: 100 },
        { actor: 'client', op: 'send', bytes: 1000, at: 200 },
        { actor: 'client', op: 'recv', at: 300 },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'peer.reboot',
      title: {
        en: 'The server host crashes and reboots; the client sends again',
        zh: '服务端主机崩溃后重启；客户端再次发送数据',
      },
      section: 'unp.5.15',
      limitMs: 4000,
      steps: [
        ...connected(7034),
        // Down at 100 ms, up again at 1.1 s: it remembers nothing of the connection.
        { actor: 'server', op: 'reboot', ms: 1000, at: 100 },
        { actor: 'client', op: 'send', bytes: 100, at: 1500 },
        { actor: 'client', op: 'recv', at: 1800 },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'nat.idle-expiry',
      title: {
        en: 'An idle connection through a NAT is forgotten; the next send is lost',
        zh: '经过 NAT 的空闲连接被遗忘；下一次发送石沉大海',
      },
      section: 'rfc5382',
      // The firewall forgets after 2 s (a real NAT: RFC 5382 asks at least 2 h 4 min).
      firewall: { idleS: 2, forget: 'drop' },
      timers: { retries2: 2 },
      limitMs: 8000,
      steps: [
        ...connected(7040),
        // Idle for about 3 s, well past the firewall's 2 s: send() still succeeds (the data
        // only reaches the send buffer), and every transmission of it is dropped.
        { actor: 'client', op: 'send', bytes: 1000, at: 3000 },
        { actor: 'client', op: 'recv', at: 3100 },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'listen.backlog-full',
      title: {
        en: 'A backlog of one and a server that does not accept yet: three clients connect',
        zh: 'backlog 为 1，服务端暂不 accept：三个客户端同时 connect',
      },
      section: 'unp.4.5',
      timers: { synRetries: 3 },
      limitMs: 6000,
      // Three clients, each its own host and program (version 2), one connect each.
      steps: [
        { actor: 'server', op: 'listen', port: 7035, backlog: 1 },
        { actor: 'client', op: 'connect', port: 7035, at: 10 },
        { actor: 'client2', op: 'connect', port: 7035, at: 100 },
        { actor: 'client3', op: 'connect', port: 7035, at: 200 },
        // The server starts accepting at 2.5 s: the queue drains, the waiting SYN gets in.
        { actor: 'server', op: 'accept', at: 2500 },
        { actor: 'server', op: 'accept' },
        { actor: 'server', op: 'accept' },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'nat.idle-keepalive',
      title: {
        en: "Keepalive shorter than the NAT's idle timeout keeps the connection alive",
        zh: '比 NAT 空闲超时更短的保活让连接保持有效',
      },
      section: 'rfc5382',
      firewall: { idleS: 2, forget: 'drop' },
      // Probes after 1 s idle, every 1 s: each refreshes the firewall's entry before its 2 s.
      timers: { keepalive: { idleS: 1, intervalS: 1, count: 3 } },
      limitMs: 5000,
      steps: [
        ...connected(7041),
        { actor: 'client', op: 'keepalive', at: 50 },
        { actor: 'client', op: 'send', bytes: 1000, at: 3000 },
        { actor: 'server', op: 'recv', at: 3100 },
      ],
    },
  },
]
