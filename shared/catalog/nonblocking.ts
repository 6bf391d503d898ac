/**
 * Non-blocking connect (lab script version 2; the textbook's section, Stevens UNP vol. 1
 * §16.3): connect() returns -1 EINPROGRESS at once, poll() says when the attempt is over, and
 * getsockopt(SO_ERROR) says how it ended. One case per ending, since one script cannot show
 * a success, a refusal, a timeout and an ICMP error at once. Timers are shortened so the real
 * kernel finishes in seconds too.
 */
import type { CatalogCase } from './index'

/** The non-blocking connect cases. */
export const NONBLOCKING_CASES: CatalogCase[] = [
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'connect.nonblocking',
      title: {
        en: 'Non-blocking connect: EINPROGRESS, poll() for writable, then SO_ERROR',
        zh: '非阻塞 connect：EINPROGRESS，poll() 等待可写，再读 SO_ERROR',
      },
      section: 'unp.16.3',
      limitMs: 2000,
      steps: [
        { actor: 'server', op: 'listen', port: 7031 },
        { actor: 'client', op: 'connect', port: 7031, nonblocking: true, at: 10 },
        { actor: 'client', op: 'poll', events: 'out', timeoutMs: 1000 },
        { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
        { actor: 'server', op: 'accept', at: 50 },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'connect.nonblocking-refused',
      title: {
        en: 'Non-blocking connect to a port nobody listens on: ready, but SO_ERROR says refused',
        zh: '非阻塞 connect 到无人监听的端口：poll 说就绪，SO_ERROR 却是“连接被拒绝”',
      },
      section: 'unp.16.3',
      limitMs: 5000,
      steps: [
        { actor: 'client', op: 'connect', port: 7032, nonblocking: true },
        { actor: 'client', op: 'poll', events: 'out' },
        { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
        { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'connect.nonblocking-timeout',
      title: {
        en: 'Non-blocking connect while every SYN is lost: poll() times out, later SO_ERROR says timed out',
        zh: '非阻塞 connect 时所有 SYN 都丢失：poll() 先超时，之后 SO_ERROR 报告连接超时',
      },
      section: 'unp.16.3',
      timers: { synRetries: 1 },
      limitMs: 12_000,
      steps: [
        { actor: 'server', op: 'listen', port: 7033 },
        { actor: 'net', op: 'cut', dir: 'both' },
        { actor: 'client', op: 'connect', port: 7033, nonblocking: true, at: 10 },
        { actor: 'client', op: 'poll', events: 'out', timeoutMs: 500 },
        { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
        { actor: 'client', op: 'poll', events: 'out' },
        { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
      ],
    },
  },
  {
    group: 'boundary',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'connect.nonblocking-icmp',
      title: {
        en: 'Non-blocking connect meets ICMP host unreachable: seen at once, but only as a soft error',
        zh: '非阻塞 connect 遇到 ICMP 主机不可达：立即可见，但起初只是软错误',
      },
      section: 'unp.16.3',
      timers: { synRetries: 2 },
      limitMs: 5000,
      steps: [
        { actor: 'server', op: 'listen', port: 7034 },
        { actor: 'net', op: 'reject', dir: 'c2s', icmp: 'host-unreachable' },
        { actor: 'client', op: 'connect', port: 7034, nonblocking: true, at: 10 },
        { actor: 'client', op: 'poll', events: 'out', timeoutMs: 500 },
        { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
        { actor: 'client', op: 'sleep', ms: 1500 },
        { actor: 'client', op: 'poll', events: 'out', timeoutMs: 0 },
        { actor: 'client', op: 'getsockopt', opt: 'SO_ERROR' },
      ],
    },
  },
]
