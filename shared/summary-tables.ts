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

/** The three calls the article summarises. */
export const SUMMARY_CALLS = ['connect', 'recv', 'send'] as const
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
  /** Catalog case ids (docs/article-map.md) that show this row; may be empty. */
  cases: readonly string[]
  /** When a case shows this row only with an option (the digest's "(with keepalive)"). */
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
    id: 'connect.ok',
    call: 'connect',
    returns: '0',
    returnClass: 'zero',
    errno: null,
    cause: { en: 'The handshake completed.', zh: '三次握手完成。' },
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
      en: 'The final ACK of the handshake was lost: the client is ESTABLISHED, the server still SYN_RCVD; the failure shows up later, on send.',
      zh: '握手的最后一个 ACK 丢失：客户端已是 ESTABLISHED，服务端仍在 SYN_RCVD；失败要到之后 send 时才显现。',
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
      en: 'The host was reached but nothing listens on the port: its TCP answered the SYN with RST.',
      zh: '主机可达，但该端口没有程序监听：对端 TCP 用 RST 回应了 SYN。',
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
      en: 'No route to the host, or an ICMP host-unreachable came back.',
      zh: '没有到达主机的路由，或收到了 ICMP 主机不可达。',
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
      en: 'The SYN or the SYN-ACK was lost every time; the SYN retransmissions ran out.',
      zh: 'SYN 或 SYN-ACK 每次都丢失，SYN 重传次数用尽。',
    },
    cases: ['connect.timeout', 'handshake.synack-lost'],
    condition: {
      en: 'handshake.syn-lost ends here only when every SYN is lost; losing one SYN just delays connect().',
      zh: 'handshake.syn-lost 只有每个 SYN 都丢失时才会这样；只丢一个 SYN 只会让 connect() 延迟。',
    },
    section: 'establish.3.2',
    topic: 'timeout',
    states: { client: 'CLOSED' },
  },
] as const satisfies readonly SummaryRow[]

const RECV = [
  {
    id: 'recv.data',
    call: 'recv',
    returns: '> 0',
    returnClass: 'positive',
    errno: null,
    cause: { en: 'Data arrived.', zh: '收到了数据。' },
    cases: [],
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
      en: 'The peer sent FIN: close(), shutdown(SHUT_WR), or its process exited or crashed and its OS closed the socket.',
      zh: '对端发送了 FIN：close()、shutdown(SHUT_WR)，或进程退出、崩溃后由系统关闭了套接字。',
    },
    cases: ['peer.close', 'peer.crash-fin'],
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
      en: 'An RST arrived: the peer aborted or crashed with RST, or our send to a closed peer drew an RST.',
      zh: '收到了 RST：对端中止或崩溃时发送 RST，或我们向已关闭的对端发送数据引来了 RST。',
    },
    cases: ['peer.crash-rst'],
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
      en: 'Our retransmissions or keepalive probes went unanswered.',
      zh: '本端的重传或保活探测一直没有应答。',
    },
    cases: ['idle.keepalive', 'peer.host-down'],
    condition: {
      en: 'idle.partition shows it only with SO_KEEPALIVE (the idle.keepalive case).',
      zh: 'idle.partition 只有打开 SO_KEEPALIVE 时才会这样（见 idle.keepalive）。',
    },
    section: 'transfer.1',
    topic: 'timeout',
    states: { client: 'CLOSED' },
  },
  {
    id: 'recv.rcvtimeo',
    call: 'recv',
    returns: '-1',
    returnClass: 'error',
    errno: 'EAGAIN',
    cause: {
      en: 'Our own receive timeout (SO_RCVTIMEO) expired.',
      zh: '本端设置的接收超时（SO_RCVTIMEO）到期。',
    },
    cases: ['recv.timeout'],
    condition: {
      en: 'recv.partition with a receive timeout (the recv.timeout case).',
      zh: 'recv.partition 加上接收超时（见 recv.timeout）。',
    },
    section: 'transfer.3',
    topic: 'partition',
    states: { client: 'ESTABLISHED' },
  },
  {
    id: 'recv.blocks',
    call: 'recv',
    returns: 'blocks forever',
    returnClass: 'blocks',
    errno: null,
    cause: {
      en: 'The network is down or the peer host vanished: no FIN, no RST, no keepalive.',
      zh: '网络断开或对端主机消失：没有 FIN，没有 RST，也没有保活。',
    },
    cases: ['recv.partition', 'peer.host-down'],
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
      en: 'The bytes were copied into the local send buffer: NOT proof of delivery (local buffer, a NAT buffer, or the peer).',
      zh: '数据被拷贝进本地发送缓冲区：这不能证明对方已收到（可能在本地缓冲区、NAT 的缓冲区或对端）。',
    },
    cases: ['send.partition', 'send.nat-ack'],
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
      en: 'The peer had closed: the first send draws an RST, the next one fails.',
      zh: '对端已关闭：第一次 send 引来 RST，下一次 send 失败。',
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
    cause: { en: 'An RST had already arrived.', zh: '之前已经收到了 RST。' },
    cases: ['peer.crash-rst'],
    condition: {
      en: 'Only the first call after the RST reports ECONNRESET; once a recv() has reported it, the socket is closed and the next send() fails with EPIPE.',
      zh: '只有 RST 之后的第一次调用报告 ECONNRESET；若 recv() 已经报告过，套接字已关闭，之后的 send() 返回 EPIPE。',
    },
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
      en: 'The data retransmissions were never acknowledged.',
      zh: '数据重传一直没有得到确认。',
    },
    cases: ['peer.host-down', 'handshake.ack-lost', 'send.partition'],
    condition: {
      en: 'Only after the retransmissions run out: a send() that still finds room in the buffer returns n > 0, and the ETIMEDOUT comes with a later call.',
      zh: '要等重传次数用尽：只要缓冲区还有空间，send() 仍返回 n > 0，ETIMEDOUT 出现在之后的调用上。',
    },
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
      en: 'The send buffer is full: the peer is not reading, or the network is down.',
      zh: '发送缓冲区已满：对端不读数据，或网络已断开。',
    },
    cases: ['send.partition', 'peer.stopped'],
    section: 'transfer.2',
    topic: 'buffer',
    states: { client: 'ESTABLISHED' },
  },
] as const satisfies readonly SummaryRow[]

/** The three tables, in the article's order. */
export const SUMMARY_TABLES = {
  connect: CONNECT,
  recv: RECV,
  send: SEND,
} as const satisfies Record<SummaryCall, readonly SummaryRow[]>

/** Every row of every table, connect first. */
export const SUMMARY_ROWS: readonly SummaryRow[] = [...CONNECT, ...RECV, ...SEND]

/** The key that identifies a row's result: rows with equal keys return the same thing. */
export function resultKey(row: Pick<SummaryRow, 'returnClass' | 'errno'>): string {
  return row.errno ? `${row.returnClass}:${row.errno}` : row.returnClass
}
