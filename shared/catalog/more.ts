/**
 * Cases added beyond the article (docs/article-map.md "Cases worth adding"): each shows one more
 * rule of when an RST, a FIN, a timeout or a block happens. Scripts say only what the student
 * does; timers are shortened so the real kernel finishes in seconds too.
 */
import type { LabScriptInput } from '../lab-script'
import type { CatalogCase } from './index'

/** listen, connect, accept: the connection every added case starts from. */
function connected(port: number): LabScriptInput['steps'] {
  return [
    { actor: 'server', op: 'listen', port },
    { actor: 'client', op: 'connect', port, at: 10 },
    { actor: 'server', op: 'accept' },
  ]
}

/** The added cases. */
export const MORE_CASES: CatalogCase[] = [
  {
    group: 'more',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'recv.timeout',
      title: {
        en: 'The network breaks; recv() with a receive timeout (SO_RCVTIMEO)',
        zh: '网络断开；recv() 设置了接收超时（SO_RCVTIMEO）',
      },
      section: 'transfer.3',
      limitMs: 5000,
      steps: [
        ...connected(7021),
        { actor: 'net', op: 'cut', dir: 'both', at: 100 },
        { actor: 'client', op: 'recv', timeoutMs: 1000, at: 200 },
      ],
    },
  },
  {
    group: 'more',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'idle.keepalive',
      title: {
        en: 'The network breaks while idle; keepalive probes go unanswered',
        zh: '空闲时网络断开；保活探测没有回应',
      },
      section: 'transfer.1',
      timers: { keepalive: { idleS: 1, intervalS: 1, count: 2 } },
      limitMs: 10_000,
      steps: [
        ...connected(7022),
        { actor: 'client', op: 'keepalive', at: 50 },
        { actor: 'net', op: 'cut', dir: 'both', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
      ],
    },
  },
  {
    group: 'more',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'peer.close-unread',
      title: {
        en: 'The server closes with unread data: RST instead of FIN',
        zh: '服务端在有未读数据时关闭：发送 RST 而不是 FIN',
      },
      section: 'added',
      limitMs: 5000,
      steps: [
        ...connected(7023),
        { actor: 'client', op: 'send', bytes: 100, at: 100 },
        { actor: 'server', op: 'close', at: 400 },
        { actor: 'client', op: 'recv', at: 700 },
        { actor: 'client', op: 'send', bytes: 5 },
      ],
    },
  },
  {
    group: 'more',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'peer.abort',
      title: {
        en: 'The server aborts: SO_LINGER {on, 0} then close() sends RST',
        zh: '服务端中止连接：SO_LINGER {on, 0} 后 close() 发送 RST',
      },
      section: 'added',
      limitMs: 5000,
      steps: [
        ...connected(7024),
        { actor: 'server', op: 'abort', at: 100 },
        { actor: 'client', op: 'send', bytes: 5, at: 200 },
        { actor: 'client', op: 'send', bytes: 5 },
      ],
    },
  },
  {
    group: 'more',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'peer.half-close',
      title: {
        en: 'The server half-closes: shutdown(SHUT_WR), the other direction still works',
        zh: '服务端半关闭：shutdown(SHUT_WR) 后另一个方向仍可传输',
      },
      section: 'added',
      limitMs: 5000,
      steps: [
        ...connected(7025),
        { actor: 'server', op: 'shutdown', how: 'wr', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
        { actor: 'client', op: 'send', bytes: 5 },
        { actor: 'server', op: 'recv', at: 300 },
        { actor: 'client', op: 'close', at: 400 },
        { actor: 'server', op: 'recv', at: 500 },
      ],
    },
  },
  {
    group: 'more',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'peer.stopped',
      title: {
        en: 'The server process is stopped (SIGSTOP): its kernel still ACKs until the buffers fill',
        zh: '服务端进程被暂停（SIGSTOP）：内核仍会确认数据，直到缓冲区填满',
      },
      section: 'added',
      limitMs: 5000,
      steps: [
        ...connected(7026),
        { actor: 'server', op: 'freeze', at: 100 },
        { actor: 'client', op: 'send', bytes: 16 * 1024 * 1024, at: 200 },
        { actor: 'server', op: 'thaw', at: 3000 },
        { actor: 'server', op: 'recv' },
      ],
    },
  },
  {
    group: 'more',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'call.eintr',
      title: {
        en: 'A signal interrupts a blocked recv(): EINTR without SA_RESTART, the call resumes with it',
        zh: '信号中断阻塞中的 recv()：没有 SA_RESTART 时返回 EINTR，有它时调用继续',
      },
      section: 'added',
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
    group: 'more',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 2,
      id: 'send.user-timeout',
      title: {
        en: 'The network breaks under unacknowledged data; TCP_USER_TIMEOUT ends the wait',
        zh: '网络断开、数据得不到确认；TCP_USER_TIMEOUT 提前结束等待',
      },
      section: 'added',
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
]
