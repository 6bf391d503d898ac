/** Connection-phase cases (article: 建立连接). */
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
]
