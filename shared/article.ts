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
   * `textbook`: not a section of the article but the textbook section (or RFC) a boundary case
   * belongs to; its gist is our own summary, and the UI labels it as such. Absent: the article.
   */
  kind?: 'textbook'
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
  added: {
    ref: '补充',
    heading: { zh: '文章之外的补充案例', en: 'Cases added beyond the article' },
    gist: {
      zh: '各种不同步的状态，都是通过发送RST来恢复的；关键在于理解何时产生RST。',
      en: 'Every out-of-sync state is repaired by an RST; the key is knowing when one is produced.',
    },
  },
  // The boundary cases every socket course teaches, by their textbook sections (W. R. Stevens,
  // B. Fenner, A. M. Rudoff, UNIX Network Programming vol. 1, 3rd ed.) or RFC. Our summaries.
  'unp.4.5': {
    kind: 'textbook',
    ref: 'UNP §4.5',
    heading: { zh: 'listen 函数与 backlog', en: 'listen() and its backlog' },
    gist: {
      zh: '内核为监听套接字维护已完成握手、等待 accept 的连接队列；队列满时，新的握手不再完成。',
      en: 'The kernel keeps the connections that completed the handshake in a queue until accept() takes them; when it is full, new handshakes do not complete.',
    },
  },
  'unp.5.9': {
    kind: 'textbook',
    ref: 'UNP §5.9',
    heading: { zh: '被中断的系统调用', en: 'Interrupted system calls' },
    gist: {
      zh: '阻塞在慢系统调用中的进程捕获信号后，调用可能以 EINTR 返回；SA_RESTART 让内核自动重启它。',
      en: 'A process blocked in a slow system call that catches a signal may see the call fail with EINTR; SA_RESTART asks the kernel to restart it.',
    },
  },
  'unp.5.11': {
    kind: 'textbook',
    ref: 'UNP §5.11',
    heading: { zh: '在 accept 返回前连接被中止', en: 'Connection abort before accept returns' },
    gist: {
      zh: '握手完成、连接还在队列中时客户端发来 RST：各实现的处理不同，服务端必须准备好再次调用 accept。',
      en: 'The client resets a connection still in the accept queue: implementations differ, and a server must be ready to call accept() again.',
    },
  },
  'unp.5.15': {
    kind: 'textbook',
    ref: 'UNP §5.15',
    heading: { zh: '服务端主机崩溃后重启', en: 'Crashing and rebooting of the server host' },
    gist: {
      zh: '重启后的主机对旧连接一无所知，用 RST 回应它们的报文；客户端随后的 recv 得到 ECONNRESET。',
      en: 'A host that rebooted knows nothing of its old connections and answers their segments with RST; the client then gets ECONNRESET.',
    },
  },
  'unp.7.5': {
    kind: 'textbook',
    ref: 'UNP §7.5',
    heading: {
      zh: '通用套接字选项（SO_REUSEADDR 等）',
      en: 'Generic socket options (SO_REUSEADDR and more)',
    },
    gist: {
      zh: '服务端重启时，旧连接可能还在 TIME_WAIT 中占用端口；SO_REUSEADDR 允许在这种情况下 bind。',
      en: 'When a server restarts, an old connection may still hold its port in TIME_WAIT; SO_REUSEADDR lets bind() succeed anyway.',
    },
  },
  'unp.16.3': {
    kind: 'textbook',
    ref: 'UNP §16.3',
    heading: { zh: '非阻塞 connect', en: 'Nonblocking connect' },
    gist: {
      zh: '非阻塞 connect 立即以 EINPROGRESS 返回；连接完成时套接字变为可写，用 SO_ERROR 取得结果。',
      en: 'A nonblocking connect returns EINPROGRESS at once; the socket becomes writable when the attempt ends, and SO_ERROR tells how it ended.',
    },
  },
  'rfc1122.soft': {
    kind: 'textbook',
    ref: 'RFC 1122 §4.2.3.9',
    heading: { zh: 'ICMP 软错误', en: 'ICMP soft errors' },
    gist: {
      zh: '已建立的连接收到目的不可达时不应中止连接：TCP 继续重传，这个错误只在最终超时时才报告。',
      en: 'A destination-unreachable on an established connection must not abort it: TCP keeps retransmitting, and the error is reported only if it finally gives up.',
    },
  },
  rfc5482: {
    kind: 'textbook',
    ref: 'RFC 5482',
    heading: { zh: 'TCP 用户超时选项', en: 'The TCP User Timeout' },
    gist: {
      zh: '用户超时是已发送数据可以保持未确认的最长时间，超过后 TCP 放弃连接；程序可以自行选择它。',
      en: 'The user timeout is how long sent data may stay unacknowledged before TCP gives up the connection; a program may choose it.',
    },
  },
  rfc5382: {
    kind: 'textbook',
    ref: 'RFC 5382 §5',
    heading: { zh: 'NAT 的空闲超时', en: 'NAT idle timeouts' },
    gist: {
      zh: 'NAT 或有状态防火墙会忘记空闲太久的连接（RFC 5382 要求已建立连接至少 2 小时 4 分钟）；比它更短的保活可以让连接保持。',
      en: 'A NAT or stateful firewall forgets a connection idle too long (RFC 5382 asks at least 2 h 4 min for established ones); keepalive shorter than that keeps it.',
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
  // A textbook section is our own summary, not the article's Linux text.
  if (system === 'linux' || names.length === 0 || articleSection(id).kind === 'textbook')
    return null
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
