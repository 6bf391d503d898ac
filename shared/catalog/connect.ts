/**
 * Connection-phase cases (article: 建立连接). Each script says only what the student does;
 * the timers are shortened so the real kernel finishes in seconds too (the UI says so).
 */
import type { CatalogCase } from './index'

/** Cases of the article's first half. */
export const CONNECT_CASES: CatalogCase[] = [
  {
    group: 'connect',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'connect.ok',
      title: { en: 'Normal three-way handshake', zh: '正常的三次握手' },
      section: 'establish.1',
      limitMs: 2000,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'client', op: 'connect', port: 7001, at: 10 },
        { actor: 'server', op: 'accept' },
      ],
    },
  },
  {
    group: 'connect',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'connect.refused',
      title: { en: 'Connecting to a port nobody listens on', zh: '连接服务端未监听的端口' },
      section: 'establish.2',
      limitMs: 5000,
      steps: [{ actor: 'client', op: 'connect', port: 7002 }],
    },
  },
  {
    group: 'connect',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'connect.unreachable',
      title: {
        en: 'No route to the server: a router answers with ICMP host unreachable',
        zh: '网络不通：路由器回应 ICMP 主机不可达',
      },
      section: 'establish.3.1',
      timers: { synRetries: 2 },
      limitMs: 25_000,
      steps: [
        { actor: 'server', op: 'listen', port: 7003 },
        { actor: 'net', op: 'reject', dir: 'c2s', icmp: 'host-unreachable' },
        { actor: 'client', op: 'connect', port: 7003, at: 10 },
      ],
    },
  },
  {
    group: 'connect',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'connect.timeout',
      title: {
        en: 'The network is down: every SYN is lost',
        zh: '网络不通：所有 SYN 都丢失，连接超时',
      },
      section: 'establish.3.2',
      timers: { synRetries: 2 },
      limitMs: 25_000,
      steps: [
        { actor: 'server', op: 'listen', port: 7004 },
        { actor: 'net', op: 'cut', dir: 'both' },
        { actor: 'client', op: 'connect', port: 7004, at: 10 },
      ],
    },
  },
  {
    group: 'connect',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'handshake.syn-lost',
      title: {
        en: 'One SYN is lost: the retransmitted SYN gets through',
        zh: '一个 SYN 丢失：重传的 SYN 到达，连接延迟建立',
      },
      section: 'establish.4.1',
      timers: { synRetries: 2 },
      limitMs: 25_000,
      steps: [
        { actor: 'server', op: 'listen', port: 7005 },
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
        { actor: 'client', op: 'connect', port: 7005, at: 10 },
        { actor: 'server', op: 'accept' },
      ],
    },
  },
  {
    group: 'connect',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'handshake.synack-lost',
      title: {
        en: 'Every SYN-ACK is lost: the server waits in SYN_RCVD, its application sees nothing',
        zh: 'SYN-ACK 全部丢失：服务端停在 SYN_RCVD，应用层什么也看不到',
      },
      section: 'establish.4.2',
      timers: { synRetries: 1, synackRetries: 2 },
      limitMs: 12_000,
      steps: [
        { actor: 'server', op: 'listen', port: 7006 },
        { actor: 'net', op: 'drop', dir: 's2c', match: 'SYN-ACK' },
        { actor: 'client', op: 'connect', port: 7006, at: 10 },
        { actor: 'server', op: 'accept' },
      ],
    },
  },
  {
    group: 'connect',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'handshake.ack-lost',
      title: {
        en: 'The final ACK is lost, then the network breaks: connect() succeeded anyway',
        zh: '最后的 ACK 丢失且网络断开：connect() 仍然成功',
      },
      section: 'establish.4.3',
      timers: { synackRetries: 2, retries2: 3 },
      limitMs: 10_000,
      steps: [
        { actor: 'server', op: 'listen', port: 7007 },
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'ACK' },
        { actor: 'client', op: 'connect', port: 7007, at: 10 },
        { actor: 'server', op: 'accept' },
        { actor: 'net', op: 'cut', dir: 'both', at: 300 },
        { actor: 'client', op: 'send', bytes: 1000, at: 600 },
        { actor: 'client', op: 'recv' },
      ],
    },
  },
]
