/**
 * The sections of the article the app teaches (not in the repo: docs/article-map.md maps
 * "深入理解socket网络异常"), so every case, errno card and quiz item can point back to the
 * text that explains it. Headings are the article's own (zh) with an English rendering;
 * `ref` is how docs/article-map.md cites the section.
 */
import { ERRNO_NAMES, errnoOn, type ErrnoName, type ErrnoSystem } from './errno'
import type { Localized } from './lab-script'

/** The mark a quotation carries after an error of the original, kept as written (sic). */
export const SIC = '[原文如此]'

/** One section (or sub-section) of the article. */
export interface ArticleSection {
  /** How `docs/article-map.md` cites it, e.g. `建立连接 §3.2`. */
  ref: string
  heading: Localized
  /**
   * The article's key sentence (zh verbatim, its typos marked with {@link SIC}: 进过 for 经过,
   * SYN_REVD, ESTABLISED, ESTABLISHDED) and its English gist.
   */
  gist: Localized
}

/** Every section the catalog cites, keyed by a stable id. */
export const ARTICLE_SECTIONS = {
  'establish.1': {
    ref: '建立连接 §1',
    heading: { zh: '正常情况下', en: 'The normal case' },
    gist: {
      zh: '进过[原文如此]三次握手，客户端连接成功，服务端有一个新连接到来。',
      en: 'After the three-way handshake the client is connected and the server has a new connection.',
    },
  },
  'establish.2': {
    ref: '建立连接 §2',
    heading: { zh: '客户端连接了服务端未监听的端口', en: 'Connecting to a port nobody listens on' },
    gist: {
      zh: '服务端会对收到的SYN回应一个RST（RFC 793 3.4），客户端收到RST之后，终止连接，并进入CLOSED状态。客户端的connect返回ECONNREFUSED 111。',
      en: 'The server answers the SYN with RST (RFC 793 3.4); the client aborts, goes back to CLOSED, and connect() returns ECONNREFUSED (111).',
    },
  },
  'establish.3.1': {
    ref: '建立连接 §3.1',
    heading: { zh: '网络不通：主机不可达', en: 'Network down: host unreachable' },
    gist: {
      zh: 'connect返回主机不可达，linux上的定义是EHOSTUNREACH 113 /* No route to host */。',
      en: 'connect() fails with "host unreachable": EHOSTUNREACH (113, No route to host) on Linux.',
    },
  },
  'establish.3.2': {
    ref: '建立连接 §3.2',
    heading: { zh: '网络不通：连接超时', en: 'Network down: connect times out' },
    gist: {
      zh: '客户端发送的SYN丢失在网络中，客户端的TCP会超时重发SYN，如果仍然没有收到ACK，则connect返回超时。服务端什么也没发生。',
      en: 'The SYNs are lost; the client retransmits them with backoff and finally connect() returns ETIMEDOUT. The server notices nothing.',
    },
  },
  'establish.4.1': {
    ref: '建立连接 §4.1',
    heading: { zh: 'SYN丢失', en: 'The SYN is lost' },
    gist: {
      zh: '这种情况就是3种的第2种情况。',
      en: 'The same as a connect timeout; a single lost SYN only delays the connection.',
    },
  },
  'establish.4.2': {
    ref: '建立连接 §4.2',
    heading: { zh: 'SYN-ACK丢失', en: 'The SYN-ACK is lost' },
    gist: {
      zh: '服务端由LISTEN状态进入SYN_REVD[原文如此]状态，重发SYN-ACK直到超时；对服务端的应用层来讲，什么也没有发生。',
      en: 'The server goes LISTEN to SYN_RCVD and retransmits its SYN-ACK until it gives up; its application sees nothing.',
    },
  },
  'establish.4.3': {
    ref: '建立连接 §4.3',
    heading: { zh: 'ACK丢失', en: 'The final ACK is lost' },
    gist: {
      zh: '客户端由SYN_SENT状态进入了ESTABLISED[原文如此]状态，连接成功了，但数据发送不到服务端，最终返回Connection time out（errno: 110）。',
      en: 'The client is ESTABLISHED and connect() succeeded, but its data never arrives; finally it gets ETIMEDOUT (110).',
    },
  },
  'transfer.1': {
    ref: '通信过程 §1',
    heading: { zh: '网络断开，双方不再发送数据', en: 'The network breaks while both are idle' },
    gist: {
      zh: '双方都不知道网络已经不通，会一直保持ESTABLISHDED[原文如此]状态，除非打开了SO_KEEPALIVE选项。',
      en: 'Neither side knows; both stay ESTABLISHED forever unless SO_KEEPALIVE is on.',
    },
  },
  'transfer.2': {
    ref: '通信过程 §2',
    heading: {
      zh: '网络断开，一方给另一方发送数据',
      en: 'The network breaks while one side sends',
    },
    gist: {
      zh: '发送方显示发送数据成功，但实际接收方还没有接收到数据；不能依赖于TCP的可靠性，认为发送成功的数据对方一定能收到。',
      en: 'send() reports success while the peer has nothing; what send() accepted may sit in a local or a NAT buffer. Confirm delivery at the application level.',
    },
  },
  'transfer.3': {
    ref: '通信过程 §3',
    heading: {
      zh: '网络断开，一方等待另一方发送数据',
      en: 'The network breaks while one side waits for data',
    },
    gist: {
      zh: '等待数据的一方将一直等待下去，一般是设置一个超时时间。',
      en: 'The waiting side waits forever; it needs its own timeout.',
    },
  },
  'transfer.4.1': {
    ref: '通信过程 §4.1',
    heading: { zh: 'crash的一端发送FIN', en: 'The crashed side sends FIN' },
    gist: {
      zh: '第一次调用send返回成功，对端回应一个RST，再次调用send返回-1，errno为32 Broken pipe，并产生SIGPIPE信号。',
      en: 'The first send succeeds and draws an RST; the second returns -1 EPIPE (32) and raises SIGPIPE.',
    },
  },
  'transfer.4.2': {
    ref: '通信过程 §4.2',
    heading: { zh: 'crash的一端发送RST', en: 'The crashed side sends RST' },
    gist: {
      zh: '调用recv或send返回-1，errno被设置为104，Connection reset by peer。',
      en: 'recv() and send() return -1 ECONNRESET (104, Connection reset by peer).',
    },
  },
  'transfer.4.3': {
    ref: '通信过程 §4.3',
    heading: { zh: '既没发送FIN也没发送RST', en: 'Neither FIN nor RST' },
    gist: {
      zh: '调用recv会一直阻塞；调用send重传一定次数后，返回connection time out。',
      en: 'recv() blocks forever; send() retransmits and finally fails with ETIMEDOUT.',
    },
  },
  'transfer.5': {
    ref: '通信过程 §5',
    heading: { zh: '一端关闭连接', en: 'One end closes the connection' },
    gist: {
      zh: '这种情况与一端crash并发送FIN的情况相同。',
      en: 'The same as a crash that sends FIN.',
    },
  },
  'unp.16.3': {
    ref: 'UNP 卷1 §16.3',
    heading: { zh: '非阻塞 connect', en: 'Non-blocking connect' },
    gist: {
      zh: '（教科书，非原文：Stevens《UNIX 网络编程》卷1 第 16.3 节）非阻塞套接字上的 connect 立即返回 EINPROGRESS，连接在后台建立；等到套接字可写，再用 getsockopt 取 SO_ERROR：0 表示连接成功，否则就是连接失败的原因。',
      en: "(The textbook, not the article: Stevens, UNIX Network Programming vol. 1, section 16.3.) connect() on a non-blocking socket returns EINPROGRESS at once and the handshake goes on; once the socket is writable, getsockopt's SO_ERROR is 0 when it connected, else why it failed.",
    },
  },
  added: {
    ref: '补充',
    heading: { zh: '文章之外的补充案例', en: 'Cases added beyond the article' },
    gist: {
      zh: '各种不同步的状态，都是通过发送RST来恢复的；关键在于理解何时产生RST。',
      en: 'Every out-of-sync state is repaired by an RST; the key is knowing when one is produced.',
    },
  },
} as const satisfies Record<string, ArticleSection>

/** A section id of {@link ARTICLE_SECTIONS}. */
export type SectionId = keyof typeof ARTICLE_SECTIONS

/** Looks a section up; unknown ids fall back to the article's closing thought. */
export function articleSection(id: string): ArticleSection {
  return (ARTICLE_SECTIONS as Record<string, ArticleSection>)[id] ?? ARTICLE_SECTIONS.added
}

/** The errnos a section's key sentence quotes (the article's figures are Linux's). */
export function articleErrnos(id: string): ErrnoName[] {
  const gist = articleSection(id).gist.en
  return ERRNO_NAMES.filter((n) => new RegExp(`\\b${n}\\b`).test(gist))
}

const SYSTEM_NAME: Record<ErrnoSystem, string> = {
  linux: 'Linux',
  macos: 'macOS',
  windows: 'Windows',
}

/**
 * For the article's card on a run of another OS: the article describes Linux, and what each
 * errno it quotes is called on this OS, with the numbers ("The article describes Linux:
 * ECONNRESET (104) is WSAECONNRESET (10054) on Windows."). `null` on Linux, or when the
 * section quotes no errno this OS numbers differently.
 */
export function articleOnSystem(
  id: string,
  system: ErrnoSystem,
  lang: keyof Localized,
): string | null {
  // Only errnos this OS numbers or names differently (macOS keeps EPIPE's 32).
  const names = articleErrnos(id).filter((n) => {
    const here = errnoOn(system, n)
    return !here || here.name !== n || here.number !== errnoOn('linux', n)?.number
  })
  if (system === 'linux' || names.length === 0) return null
  const os = SYSTEM_NAME[system]
  const parts = names.map((n) => {
    const linux = errnoOn('linux', n)!
    const here = errnoOn(system, n)
    if (lang === 'zh')
      return here
        ? `${n}（${linux.number}）在 ${os} 上是 ${here.name}（${here.number}）`
        : `${os} 没有 ${n}（Linux 上为 ${linux.number}）`
    return here
      ? `${n} (${linux.number}) is ${here.name} (${here.number}) on ${os}`
      : `${os} has no ${n} (${linux.number} on Linux)`
  })
  return lang === 'zh'
    ? `文章描述的是 Linux：${parts.join('；')}。`
    : `The article describes Linux: ${parts.join('; ')}.`
}
