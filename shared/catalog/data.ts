/**
 * Data-phase cases (article: 通信过程): a connection that is up when the network breaks, the
 * peer crashes or closes. Each script says only what the student does; timers are shortened
 * so the real kernel finishes in seconds too.
 */
import type { LabScriptInput } from '../lab-script'
import type { CatalogCase } from './index'

/** listen, connect, accept: the connection every data-phase case starts from. */
function connected(port: number): LabScriptInput['steps'] {
  return [
    { actor: 'server', op: 'listen', port },
    { actor: 'client', op: 'connect', port, at: 10 },
    { actor: 'server', op: 'accept' },
  ]
}

/** Cases of the article's second half. */
export const DATA_CASES: CatalogCase[] = [
  {
    group: 'data',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'idle.partition',
      title: {
        en: 'The network breaks while both ends are idle',
        zh: '网络断开，双方都不再发送数据',
      },
      section: 'transfer.1',
      limitMs: 5000,
      steps: [
        ...connected(7011),
        { actor: 'net', op: 'cut', dir: 'both', at: 100 },
        { actor: 'client', op: 'sleep', ms: 3000, at: 100 },
      ],
    },
  },
  {
    group: 'data',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'send.partition',
      title: {
        en: 'The network breaks while the client sends',
        zh: '网络断开，客户端继续发送数据',
      },
      section: 'transfer.2',
      timers: { retries2: 3 },
      limitMs: 12_000,
      steps: [
        ...connected(7012),
        { actor: 'net', op: 'cut', dir: 'both', at: 100 },
        { actor: 'client', op: 'send', bytes: 1000, at: 200 },
        { actor: 'client', op: 'send', bytes: 1000, at: 300 },
        { actor: 'client', op: 'send', bytes: 1000, at: 10_000 },
      ],
    },
  },
  {
    group: 'data',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'send.nat-ack',
      title: {
        en: 'A NAT middlebox ACKs and holds the data: send() succeeded, the server has nothing',
        zh: 'NAT 中间设备确认并缓存数据：send() 成功，服务端却什么也没收到',
      },
      section: 'transfer.2',
      topology: 'middlebox',
      limitMs: 6000,
      steps: [
        ...connected(7013),
        { actor: 'net', op: 'hold', at: 100 },
        { actor: 'client', op: 'send', bytes: 1000, at: 200 },
        { actor: 'server', op: 'recv', at: 200 },
        { actor: 'net', op: 'release', at: 2000 },
      ],
    },
  },
  {
    group: 'data',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'recv.partition',
      title: {
        en: 'The network breaks while the client waits for data',
        zh: '网络断开，客户端一直等待数据',
      },
      section: 'transfer.3',
      limitMs: 5000,
      steps: [
        ...connected(7014),
        { actor: 'net', op: 'cut', dir: 'both', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
      ],
    },
  },
  {
    group: 'data',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'peer.crash-fin',
      title: {
        en: 'The server process crashes; its OS sends FIN',
        zh: '服务端进程崩溃，其操作系统发送 FIN',
      },
      section: 'transfer.4.1',
      limitMs: 5000,
      steps: [
        ...connected(7015),
        { actor: 'server', op: 'crash', mode: 'fin', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
        { actor: 'client', op: 'send', bytes: 5 },
        { actor: 'client', op: 'sleep', ms: 50 },
        { actor: 'client', op: 'send', bytes: 5 },
      ],
    },
  },
  {
    group: 'data',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'peer.crash-rst',
      title: {
        en: 'The server process crashes; its OS sends RST',
        zh: '服务端进程崩溃，其操作系统发送 RST',
      },
      section: 'transfer.4.2',
      limitMs: 5000,
      steps: [
        ...connected(7016),
        { actor: 'server', op: 'crash', mode: 'rst', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
        { actor: 'client', op: 'send', bytes: 5 },
      ],
    },
  },
  {
    group: 'data',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'peer.host-down',
      title: {
        en: 'The server host loses power: neither FIN nor RST',
        zh: '服务端主机断电：既没有 FIN 也没有 RST',
      },
      section: 'transfer.4.3',
      timers: { retries2: 3 },
      limitMs: 12_000,
      steps: [
        ...connected(7017),
        { actor: 'server', op: 'crash', mode: 'silent', at: 100 },
        { actor: 'client', op: 'recv', timeoutMs: 1000, at: 200 },
        { actor: 'client', op: 'send', bytes: 1000 },
        { actor: 'client', op: 'recv' },
      ],
    },
  },
  {
    group: 'data',
    backends: ['sim', 'kernel'],
    script: {
      labScript: 1,
      id: 'peer.close',
      title: {
        en: 'The server closes the connection normally',
        zh: '服务端正常关闭连接',
      },
      section: 'transfer.5',
      limitMs: 5000,
      steps: [
        ...connected(7018),
        { actor: 'server', op: 'close', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
        { actor: 'client', op: 'send', bytes: 5 },
        { actor: 'client', op: 'sleep', ms: 50 },
        { actor: 'client', op: 'send', bytes: 5 },
      ],
    },
  },
]
