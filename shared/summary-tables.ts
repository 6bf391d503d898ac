/**
 * The article's three summary tables (connect, recv, send) as data, reconstructed from the
 * article's own text (`docs/article-map.md`, "Summary tables"): the Summary view shows them and
 * the quiz generator turns every row into questions, so a new row here yields new questions.
 *
 * Besides the digest's four columns (returns, errno, cause, case) a row may carry what the
 * article says about the TCP states at the moment the call returns (`states`) and the segments
 * on the wire in order (`wire`), both taken from the digest's "Cases" table; the state and
 * segment-order questions come from them.
 */
import type { SectionId } from './article'
import type { ErrnoName } from './errno'
import type { Localized } from './lab-script'
import type { TcpState } from './lab-result'

/**
 * The three calls the article summarises, then the calls only the textbook's boundary cases
 * have tables for (their rows explain textbook sections).
 */
export const SUMMARY_CALLS = ['connect', 'recv', 'send', 'bind'] as const
/** One of {@link SUMMARY_CALLS}. */
export type SummaryCall = (typeof SUMMARY_CALLS)[number]

/** What a call did, as a class: the quiz compares predictions and runs at this level. */
export type ReturnClass = 'zero' | 'positive' | 'error' | 'blocks' | 'positive-then-error'

/** Topics the quiz tracks mastery of. */
export const TOPICS = {
  handshake: { en: 'Handshake', zh: '三次握手' },
  rst: { en: 'RST and resets', zh: 'RST 与连接重置' },
  timeout: { en: 'Timeouts and retransmission', zh: '超时与重传' },
  partition: { en: 'Network breaks', zh: '网络断开' },
  close: { en: 'Closing and FIN', zh: '关闭与 FIN' },
  buffer: { en: 'Buffers and delivery', zh: '缓冲区与送达' },
  errno: { en: 'errno across systems', zh: '各系统的 errno' },
} as const satisfies Record<string, Localized>
/** A key of {@link TOPICS}. */
export type Topic = keyof typeof TOPICS

/** One segment as the article describes the wire: direction, flags, and what became of it. */
export interface WireSegment {
  dir: 'c2s' | 's2c'
  /** Flags or `data`, as drawn: `SYN`, `SYN-ACK`, `ACK`, `FIN`, `RST`, `data`. */
  what: string
  /** `lost` when the article says the network dropped it; `retransmit` for a repeat. */
  note?: 'lost' | 'retransmit'
}

/** One row of a summary table. */
export interface SummaryRow {
  /** Stable id: `<call>.<slug>`; quiz question ids are built from it. */
  id: string
  call: SummaryCall
  /** The return value as the article's table writes it. */
  returns: string
  returnClass: ReturnClass
  /** errno name (Linux numbering in the article), `null` when the call does not fail. */
  errno: ErrnoName | null
  /** Signal that comes with it (`SIGPIPE`). */
  signal?: string
  cause: Localized
  /**
   * Catalog case ids (docs/article-map.md) that show this row: on Linux, the case's last call
   * of `call` (by the client, when it makes one) returns what the row says, unless `steps`
   * names another step. The quiz proves every question against these runs.
   */
  cases: readonly string[]
  /** The step of a case that shows the row, where it is not that last call. */
  steps?: Readonly<Record<string, number>>
  /**
   * When the row holds only under a further condition ("the first call since the RST"): the
   * quiz states it in the prompt, the Summary view beside the row.
   */
  condition?: Localized
  /** Article section (key of shared/article.ts) that explains the row. */
  section: SectionId
  topic: Topic
  /** The TCP states the article gives for the moment the call returns. */
  states?: { client?: TcpState; server?: TcpState }
  /** The segments on the wire, in order (at least three to make an ordering question). */
  wire?: readonly WireSegment[]
}

const CONNECT = [
  {
    id: 'connect.backlog-full',
    call: 'connect',
    returns: '0',
    returnClass: 'zero',
    errno: null,
    cause: {
      en: "The server's accept queue was full (a backlog of one, two connections already waiting): its host dropped the SYN, and connect() waited through SYN retransmissions until the server accepted and made room.",
      zh: '服务端的 accept 队列已满（backlog 为 1，已有两个连接在等待）：服务端主机丢弃了 SYN，connect() 在 SYN 重传中一直等到服务端 accept 腾出空间。',
    },
    cases: ['listen.backlog-full'],
    // The third client's connect (client3), the one the full queue made wait.
    steps: { 'listen.backlog-full': 3 },
    section: 'unp.4.5',
    topic: 'handshake',
    states: { client: 'ESTABLISHED' },
  },
  {
    id: 'connect.ok',
    call: 'connect',
    returns: '0',
    returnClass: 'zero',
    errno: null,
    cause: {
      en: 'A server listens on the port, and the handshake gets through (a lost SYN is simply sent again).',
      zh: '服务端在该端口监听，握手报文都能到达（丢失的 SYN 会被重传）。',
    },
    // handshake.syn-lost loses one SYN: the retransmitted SYN gets through, connect() only waits.
    cases: ['connect.ok', 'handshake.syn-lost'],
    section: 'establish.1',
    topic: 'handshake',
    // Only the client: when its connect() returns, the server is still SYN_RCVD until the ACK
    // arrives half a round trip later (the simulator shows it), so "both ESTABLISHED" would be
    // a question with two right answers.
    states: { client: 'ESTABLISHED' },
    wire: [
      { dir: 'c2s', what: 'SYN' },
      { dir: 's2c', what: 'SYN-ACK' },
      { dir: 'c2s', what: 'ACK' },
    ],
  },
  {
    id: 'connect.ack-lost',
    call: 'connect',
    returns: '0',
    returnClass: 'zero',
    errno: null,
    cause: {
      en: "The client's last ACK of the handshake is lost, and then the network breaks.",
      zh: '客户端发出的握手最后一个 ACK 丢失，随后网络断开。',
    },
    cases: ['handshake.ack-lost'],
    section: 'establish.4.3',
    topic: 'handshake',
    states: { client: 'ESTABLISHED', server: 'SYN_RCVD' },
    wire: [
      { dir: 'c2s', what: 'SYN' },
      { dir: 's2c', what: 'SYN-ACK' },
      { dir: 'c2s', what: 'ACK', note: 'lost' },
      { dir: 'c2s', what: 'data', note: 'lost' },
    ],
  },
  {
    id: 'connect.refused',
    call: 'connect',
    returns: '-1',
    returnClass: 'error',
    errno: 'ECONNREFUSED',
    cause: {
      en: 'The server host is up, but no program listens on that port.',
      zh: '服务端主机在运行，但没有程序在该端口监听。',
    },
    cases: ['connect.refused'],
    section: 'establish.2',
    topic: 'rst',
    states: { client: 'CLOSED' },
  },
  {
    id: 'connect.unreachable',
    call: 'connect',
    returns: '-1',
    returnClass: 'error',
    errno: 'EHOSTUNREACH',
    cause: {
      en: 'A router on the way answers every SYN with ICMP host unreachable.',
      zh: '途中的路由器对每个 SYN 都回应 ICMP 主机不可达。',
    },
    cases: ['connect.unreachable'],
    section: 'establish.3.1',
    topic: 'partition',
    states: { client: 'CLOSED' },
  },
  {
    id: 'connect.timeout',
    call: 'connect',
    returns: '-1',
    returnClass: 'error',
    errno: 'ETIMEDOUT',
    cause: {
      en: 'Every SYN, or every SYN-ACK, is lost, until the client stops retransmitting its SYN.',
      zh: '每个 SYN（或每个 SYN-ACK）都丢失，直到客户端不再重传 SYN。',
    },
    cases: ['connect.timeout', 'handshake.synack-lost'],
    section: 'establish.3.2',
    topic: 'timeout',
    states: { client: 'CLOSED' },
  },
  {
    id: 'connect.nonblocking',
    call: 'connect',
    returns: '-1',
    returnClass: 'error',
    errno: 'EINPROGRESS',
    cause: {
      en: 'The socket is non-blocking: connect() only sends the SYN and does not wait for what answers it; poll() and getsockopt(SO_ERROR) tell the outcome later.',
      zh: '套接字是非阻塞的：connect() 只发出 SYN，不等待对它的回应；结果要稍后用 poll() 和 getsockopt(SO_ERROR) 得知。',
    },
    condition: {
      en: 'The program set O_NONBLOCK on the socket before connect().',
      zh: '程序在 connect() 之前给套接字设置了 O_NONBLOCK。',
    },
    // The same answer for a success, a refusal, a timeout and an ICMP error (the states at the
    // return are left out: on loopback the RST may already have closed it when connect()
    // returns EINPROGRESS).
    cases: [
      'connect.nonblocking',
      'connect.nonblocking-refused',
      'connect.nonblocking-timeout',
      'connect.nonblocking-icmp',
    ],
    section: 'unp.16.3',
    topic: 'handshake',
  },
] as const satisfies readonly SummaryRow[]

const RECV = [
  {
    id: 'recv.data',
    call: 'recv',
    returns: '> 0',
    returnClass: 'positive',
    errno: null,
    cause: {
      en: 'Bytes from the peer are waiting in the receive buffer.',
      zh: '接收缓冲区里有对端发来的数据。',
    },
    // The server's recv() there returns once the middlebox lets the data through.
    cases: ['send.nat-ack'],
    section: 'transfer.2',
    topic: 'buffer',
  },
  {
    id: 'recv.fin',
    call: 'recv',
    returns: '0',
    returnClass: 'zero',
    errno: null,
    cause: {
      en: 'The peer sent FIN (close(), shutdown(SHUT_WR), or its OS closing the socket of a process that died), and everything it sent before has been read.',
      zh: '对端发送了 FIN（close()、shutdown(SHUT_WR)，或进程终止后由系统关闭套接字），它之前发来的数据都已读完。',
    },
    condition: {
      en: 'Our program has neither sent anything nor closed its side since the FIN.',
      zh: '收到 FIN 之后，本端程序既没有发送数据，也没有关闭自己这一端。',
    },
    cases: ['peer.close', 'peer.crash-fin', 'peer.half-close'],
    section: 'transfer.5',
    topic: 'close',
    states: { client: 'CLOSE_WAIT' },
    wire: [
      { dir: 's2c', what: 'FIN' },
      { dir: 'c2s', what: 'ACK' },
    ],
  },
  {
    id: 'recv.reset',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'ECONNRESET',
    cause: {
      en: 'The peer crashed with RST, or closed its socket while data of ours lay unread in it: an RST came back.',
      zh: '对端崩溃时发送了 RST，或在我们发去的数据尚未读取时关闭了套接字：对方回应了 RST。',
    },
    condition: {
      en: 'This recv() is the first call on the socket since the RST arrived.',
      zh: '这次 recv() 是 RST 到达后该套接字上的第一次调用。',
    },
    cases: ['peer.crash-rst', 'peer.close-unread'],
    section: 'transfer.4.2',
    topic: 'rst',
    states: { client: 'CLOSED' },
  },
  {
    id: 'recv.timeout',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'ETIMEDOUT',
    cause: {
      en: 'The peer went silent: our keepalive probes, or our retransmissions of data it never acknowledged, got no answer until the give-up rule fired (or the time limit we set with TCP_USER_TIMEOUT ran out).',
      zh: '对端没有任何回应：本端的保活探测，或对端一直没有确认的数据重传，直到达到放弃条件（或本端用 TCP_USER_TIMEOUT 设置的时间上限用完）都没有得到应答。',
    },
    // send.user-timeout: the give-up rule there is the program's TCP_USER_TIMEOUT.
    cases: ['idle.keepalive', 'peer.host-down', 'send.user-timeout'],
    section: 'transfer.1',
    topic: 'timeout',
    states: { client: 'CLOSED' },
  },
  {
    id: 'recv.soft-error',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'EHOSTUNREACH',
    cause: {
      en: 'Every retransmission of our data drew an ICMP host unreachable: on an established connection that is only a soft error, so TCP kept retransmitting, and when it gave up it reported the ICMP error instead of ETIMEDOUT.',
      zh: '我们每次重传数据都收到 ICMP 主机不可达：对已建立的连接这只是软错误，所以 TCP 继续重传；放弃时报告的是这个 ICMP 错误，而不是 ETIMEDOUT。',
    },
    cases: ['established.icmp'],
    section: 'rfc1122.soft',
    topic: 'timeout',
    states: { client: 'CLOSED' },
  },
  {
    id: 'recv.reboot',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'ECONNRESET',
    cause: {
      en: "The server host crashed and rebooted while the connection was idle: its new kernel had no socket for the client's next data and answered it with RST.",
      zh: '连接空闲时服务端主机崩溃并重启：它的新内核里没有这个连接的套接字，于是用 RST 回应客户端随后发来的数据。',
    },
    cases: ['peer.reboot'],
    section: 'unp.5.15',
    topic: 'rst',
    states: { client: 'CLOSED' },
  },
  {
    id: 'recv.nat-forgot',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'ETIMEDOUT',
    cause: {
      en: 'A NAT or stateful firewall on the path forgot the idle connection: it dropped our data and every retransmission of it, and the peer, still ESTABLISHED, never heard of any of it.',
      zh: '路径上的 NAT 或状态防火墙忘掉了这条空闲连接：它丢弃了我们的数据及其每一次重传，而仍处于 ESTABLISHED 的对端对此一无所知。',
    },
    condition: {
      en: 'The connection was idle longer than the firewall keeps an entry, and no keepalive shorter than that ran.',
      zh: '连接空闲的时间超过了防火墙保留表项的时间，且没有比它更短的保活。',
    },
    cases: ['nat.idle-expiry'],
    section: 'rfc5382',
    topic: 'partition',
    states: { client: 'CLOSED', server: 'ESTABLISHED' },
  },
  {
    id: 'recv.reset-in-queue',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'ECONNRESET',
    cause: {
      en: "The client reset the connection while it still waited in the server's accept queue; Linux's accept() handed it out anyway, and the server read the data sent before the RST first.",
      zh: '连接还在服务端的 accept 队列中等待时，客户端重置了它；Linux 的 accept() 照样把它交出，服务端先读到了 RST 之前发来的数据。',
    },
    condition: {
      en: 'This recv() is the first call after the data was read.',
      zh: '这次 recv() 是读完数据之后的第一次调用。',
    },
    cases: ['accept.reset'],
    section: 'unp.5.11',
    topic: 'rst',
    states: { server: 'CLOSED' },
  },
  {
    id: 'recv.rcvtimeo',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'EAGAIN',
    cause: {
      en: 'The network broke, and the receive timeout we had set with SO_RCVTIMEO ran out before any data came.',
      zh: '网络断开，而本端用 SO_RCVTIMEO 设置的接收超时在任何数据到达之前就到期了。',
    },
    cases: ['recv.timeout'],
    section: 'transfer.3',
    topic: 'partition',
    states: { client: 'ESTABLISHED' },
  },
  {
    id: 'recv.eintr',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'EINTR',
    cause: {
      en: 'A signal arrived while recv() was waiting for data, and its handler was installed without SA_RESTART.',
      zh: 'recv() 等待数据时到达一个信号，而它的处理函数安装时没有 SA_RESTART。',
    },
    condition: {
      en: 'No receive timeout is set; POSIX systems only (Windows has no such signals).',
      zh: '没有设置接收超时；仅限 POSIX 系统（Windows 没有这种信号）。',
    },
    cases: ['call.eintr'],
    // call.eintr's first recv(); its second one is restarted.
    steps: { 'call.eintr': 3 },
    section: 'unp.5.9',
    topic: 'errno',
    states: { client: 'ESTABLISHED', server: 'ESTABLISHED' },
  },
  {
    id: 'recv.restarted',
    call: 'recv',
    returns: '> 0',
    returnClass: 'positive',
    errno: null,
    cause: {
      en: 'A signal arrived while recv() was waiting; its handler had SA_RESTART, so the kernel started the call again, and data came later.',
      zh: 'recv() 等待时到达一个信号；它的处理函数带有 SA_RESTART，所以内核重新开始了这次调用，之后数据到达。',
    },
    condition: {
      en: 'No receive timeout is set on the socket (Linux never restarts a socket call that has one).',
      zh: '套接字上没有设置接收超时（Linux 从不重新开始设置了超时的套接字调用）。',
    },
    cases: ['call.eintr'],
    section: 'unp.5.9',
    topic: 'errno',
    states: { client: 'ESTABLISHED' },
  },
  {
    id: 'recv.blocks',
    call: 'recv',
    returns: 'blocks forever',
    returnClass: 'blocks',
    errno: null,
    cause: {
      en: 'The network broke while the connection was idle: no data of ours waits for an ACK, keepalive is off, and no receive timeout is set.',
      zh: '连接空闲时网络断开：本端没有等待确认的数据，没有打开保活，也没有设置接收超时。',
    },
    cases: ['recv.partition'],
    section: 'transfer.3',
    topic: 'partition',
    states: { client: 'ESTABLISHED', server: 'ESTABLISHED' },
  },
] as const satisfies readonly SummaryRow[]

const SEND = [
  {
    id: 'send.buffered',
    call: 'send',
    returns: 'n > 0',
    returnClass: 'positive',
    errno: null,
    cause: {
      en: 'The network has just broken (or a NAT box holds what we send), and our send buffer still has room.',
      zh: '网络刚刚断开（或 NAT 设备扣住了我们发出的数据），而本端发送缓冲区还有空间。',
    },
    cases: ['send.partition', 'send.nat-ack'],
    // send.partition's first send(); its last one comes after the retransmissions ran out.
    steps: { 'send.partition': 4 },
    section: 'transfer.2',
    topic: 'buffer',
    states: { client: 'ESTABLISHED' },
  },
  {
    id: 'send.epipe',
    call: 'send',
    returns: 'n > 0, then -1',
    returnClass: 'positive-then-error',
    errno: 'EPIPE',
    signal: 'SIGPIPE',
    cause: {
      en: 'The peer had closed its socket (its FIN has arrived), and we send to it twice, a moment apart.',
      zh: '对端已经关闭了套接字（它的 FIN 已经到达），我们随后先后两次向它发送数据。',
    },
    cases: ['peer.crash-fin', 'peer.close'],
    section: 'transfer.4.1',
    topic: 'close',
    states: { client: 'CLOSED' },
    wire: [
      { dir: 's2c', what: 'FIN' },
      { dir: 'c2s', what: 'ACK' },
      { dir: 'c2s', what: 'data' },
      { dir: 's2c', what: 'RST' },
    ],
  },
  {
    id: 'send.reset',
    call: 'send',
    returns: '-1',
    returnClass: 'error',
    errno: 'ECONNRESET',
    cause: {
      en: 'The peer aborted the connection with RST (SO_LINGER {on, 0}, then close()).',
      zh: '对端用 RST 中止了连接（设置 SO_LINGER {on, 0} 后 close()）。',
    },
    condition: {
      en: 'This send() is the first call on the socket since the RST arrived.',
      zh: '这次 send() 是 RST 到达后该套接字上的第一次调用。',
    },
    cases: ['peer.abort'],
    // peer.abort's first send(); the second one finds the error already reported.
    steps: { 'peer.abort': 4 },
    section: 'transfer.4.2',
    topic: 'rst',
    states: { client: 'CLOSED' },
  },
  {
    id: 'send.timeout',
    call: 'send',
    returns: '-1',
    returnClass: 'error',
    errno: 'ETIMEDOUT',
    cause: {
      en: 'The network broke while data of ours was unacknowledged, and the retransmissions ran out before this send().',
      zh: '网络在本端数据尚未被确认时断开，在这次 send() 之前重传次数已经用尽。',
    },
    cases: ['send.partition'],
    section: 'transfer.4.3',
    topic: 'timeout',
    states: { client: 'CLOSED' },
  },
  {
    id: 'send.blocks',
    call: 'send',
    returns: 'blocks',
    returnClass: 'blocks',
    errno: null,
    cause: {
      en: "The peer's program stopped reading (it is frozen), and we keep sending: its receive buffer and our send buffer fill up.",
      zh: '对端程序停止读取数据（进程被暂停），我们继续发送：对端接收缓冲区和本端发送缓冲区都被填满。',
    },
    cases: ['peer.stopped'],
    section: 'transfer.2',
    topic: 'buffer',
    states: { client: 'ESTABLISHED' },
  },
] as const satisfies readonly SummaryRow[]

/** bind(): a boundary case of the textbook, not one of the article's tables. */
const BIND = [
  {
    id: 'bind.time-wait',
    call: 'bind',
    returns: '-1',
    returnClass: 'error',
    errno: 'EADDRINUSE',
    cause: {
      en: "A restarted server binds its port while the old server's connection still waits in TIME_WAIT, without SO_REUSEADDR.",
      zh: '重启的服务端绑定自己的端口时，旧服务端的连接仍处于 TIME_WAIT，而新套接字没有设置 SO_REUSEADDR。',
    },
    cases: ['bind.time-wait'],
    // The restart's first bind (the last one sets SO_REUSEADDR).
    steps: { 'bind.time-wait': 8 },
    section: 'unp.7.5',
    topic: 'close',
  },
  {
    id: 'bind.reuseaddr',
    call: 'bind',
    returns: '0',
    returnClass: 'zero',
    errno: null,
    cause: {
      en: 'The same restart with SO_REUSEADDR set (on Linux by the old server too): the connection in TIME_WAIT no longer stands in the way.',
      zh: '同样的重启，但设置了 SO_REUSEADDR（在 Linux 上旧服务端也要设置）：处于 TIME_WAIT 的连接不再占住端口。',
    },
    cases: ['bind.time-wait'],
    section: 'unp.7.5',
    topic: 'close',
  },
] as const satisfies readonly SummaryRow[]

/** The three tables, in the article's order, then the textbook's. */
export const SUMMARY_TABLES = {
  connect: CONNECT,
  recv: RECV,
  send: SEND,
  bind: BIND,
} as const satisfies Record<SummaryCall, readonly SummaryRow[]>

/**
 * Results a call can give besides its table's rows (its man page's errors), as quiz classes
 * (`error:EINVAL`): wrong answers for a table too short to offer enough of its own.
 */
export const OTHER_RESULTS: Partial<Record<SummaryCall, readonly string[]>> = {
  // bind(2): EINVAL (already bound), EACCES (a privileged port), EADDRNOTAVAIL (not a local
  // address).
  bind: ['error:EINVAL', 'error:EACCES', 'error:EADDRNOTAVAIL'],
}

/** Every row of every table, connect first. */
export const SUMMARY_ROWS: readonly SummaryRow[] = [...CONNECT, ...RECV, ...SEND, ...BIND]

/** The key that identifies a row's result: rows with equal keys return the same thing. */
export function resultKey(row: Pick<SummaryRow, 'returnClass' | 'errno'>): string {
  return row.errno ? `${row.returnClass}:${row.errno}` : row.returnClass
}
