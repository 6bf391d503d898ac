/**
 * Teaching notes: why a call returned when it did, keyed to the article's sections. Backends
 * put the keys in `NoteEvent.key` and `StepResult.notes`; the UI and the CLI render the text
 * with {@link noteText}, filling `{param}` from the event's `params`.
 */
import type { SectionId } from './article'
import type { Localized } from './lab-script'

/** One teaching note. */
export interface Note {
  /** Article section it explains (key of ARTICLE_SECTIONS). */
  section: SectionId
  text: Localized
}

/** Every note, keyed by the string backends emit. */
export const NOTES = {
  'rst-closed-port': {
    section: 'establish.2',
    text: {
      en: 'Nothing listens on port {port}: the server host answers the SYN with RST (RFC 9293 3.10.7.1).',
      zh: '端口 {port} 上没有程序监听：服务端主机用 RST 回应 SYN（RFC 9293 3.10.7.1）。',
    },
  },
  'rst-in-syn-sent': {
    section: 'establish.2',
    text: {
      en: 'An RST answered our SYN: nothing listens on that port, so connect() fails with ECONNREFUSED.',
      zh: '我们的 SYN 被 RST 回应：该端口没有监听者，所以 connect() 以 ECONNREFUSED 失败。',
    },
  },
  'refused-retry': {
    section: 'establish.2',
    text: {
      en: 'Windows does not give up on the first RST: it sends the SYN again after {ms} ms (retry {n}), so a refusal takes about 2 s.',
      zh: 'Windows 收到第一个 RST 并不放弃：{ms} 毫秒后再次发送 SYN（第 {n} 次重试），所以拒绝连接大约要 2 秒。',
    },
  },
  'connect-returns': {
    section: 'establish.1',
    text: {
      en: 'The SYN-ACK arrived: the client is ESTABLISHED and connect() returns 0 (it does not wait for the server to accept).',
      zh: '收到 SYN-ACK：客户端进入 ESTABLISHED，connect() 返回 0（并不等待服务端 accept）。',
    },
  },
  'handshake-done': {
    section: 'establish.1',
    text: {
      en: 'The final ACK completed the handshake: the connection waits in the accept queue (fd {fd}).',
      zh: '最后一个 ACK 完成了三次握手：连接进入 accept 队列（描述符 {fd}）。',
    },
  },
  'accept-returns': {
    section: 'establish.1',
    text: {
      en: 'accept() returns only a connection whose handshake is complete; half-open ones never reach the application.',
      zh: 'accept() 只返回已完成三次握手的连接；半连接永远不会交给应用程序。',
    },
  },
  'backlog-full': {
    section: 'establish.4.2',
    text: {
      en: 'The accept queue is full (backlog {backlog}): Linux drops the SYN and lets the client retransmit.',
      zh: 'accept 队列已满（backlog {backlog}）：Linux 丢弃该 SYN，让客户端重传。',
    },
  },
  'syn-retransmit': {
    section: 'establish.3.2',
    text: {
      en: 'No answer to the SYN: retransmission {n}; the next timeout is {nextS} s.',
      zh: 'SYN 没有回应：第 {n} 次重传；下一次超时为 {nextS} 秒。',
    },
  },
  'syn-give-up': {
    section: 'establish.3.2',
    text: {
      en: 'The SYN give-up rule fired after {n} retransmissions ({s} s): connect() fails with {errno}. The server noticed nothing.',
      zh: 'SYN 重传 {n} 次（{s} 秒）后达到放弃条件：connect() 以 {errno} 失败。服务端什么也不知道。',
    },
  },
  'handshake-deadline': {
    section: 'establish.3.2',
    text: {
      en: 'The connection-establishment timer ({s} s, macOS keepinit) cut the handshake short.',
      zh: '建立连接的总时限（{s} 秒，macOS keepinit）到期，握手被终止。',
    },
  },
  'synack-retransmit': {
    section: 'establish.4.2',
    text: {
      en: 'The server is in SYN_RCVD and got no ACK: it retransmits its SYN-ACK ({n}).',
      zh: '服务端处于 SYN_RCVD，没有收到 ACK：重传 SYN-ACK（第 {n} 次）。',
    },
  },
  'synack-give-up': {
    section: 'establish.4.2',
    text: {
      en: 'After {n} SYN-ACK retransmissions the server drops the half-open connection silently; its application never saw it.',
      zh: 'SYN-ACK 重传 {n} 次后，服务端悄悄丢弃半连接；其应用程序从未见过这个连接。',
    },
  },
  'send-buffered': {
    section: 'transfer.2',
    text: {
      en: 'send() returns once the bytes are in the local send buffer: that is not proof the peer received them.',
      zh: 'send() 在数据放进本地发送缓冲区后就返回：这并不说明对端已经收到。',
    },
  },
  tlp: {
    section: 'transfer.2',
    text: {
      en: 'No ACK after {ms} ms: Linux sends a tail-loss probe before the first real retransmission timeout.',
      zh: '{ms} 毫秒内没有 ACK：Linux 在第一次重传超时之前先发送尾部丢失探测（TLP）。',
    },
  },
  'data-retransmit': {
    section: 'transfer.2',
    text: {
      en: 'Data unacknowledged: retransmission {n}, next timeout {rtoMs} ms (the RTO doubles each time).',
      zh: '数据未被确认：第 {n} 次重传，下一次超时 {rtoMs} 毫秒（RTO 每次翻倍）。',
    },
  },
  'data-give-up': {
    section: 'transfer.4.3',
    text: {
      en: 'The data give-up rule fired after {n} retransmissions ({s} s): the connection dies with {errno}; the next call reports it.',
      zh: '数据重传 {n} 次（{s} 秒）后达到放弃条件：连接以 {errno} 终止，下一次调用会报告这个错误。',
    },
  },
  'persist-probe': {
    section: 'added',
    text: {
      en: 'The peer advertises a zero window: the persist timer probes it ({n}); while the peer answers, there is no error at all.',
      zh: '对端通告零窗口：坚持定时器发送窗口探测（第 {n} 次）；只要对端应答，就不会出错。',
    },
  },
  'keepalive-probe': {
    section: 'transfer.1',
    text: {
      en: 'The connection was idle: keepalive probe {n} of {count}.',
      zh: '连接空闲：发送第 {n} 个保活探测（共 {count} 个）。',
    },
  },
  'keepalive-give-up': {
    section: 'transfer.1',
    text: {
      en: '{n} keepalive probes went unanswered: the connection is dropped with ETIMEDOUT (and an RST is sent).',
      zh: '{n} 个保活探测都没有回应：连接以 ETIMEDOUT 终止（并发送 RST）。',
    },
  },
  'rst-data-after-close': {
    section: 'transfer.4.1',
    text: {
      en: 'Data arrived for a socket its application had closed: nobody can read it, so TCP answers with RST.',
      zh: '数据到达一个已被应用程序关闭的套接字：没有人能读取，所以 TCP 回应 RST。',
    },
  },
  'rst-received': {
    section: 'transfer.4.2',
    text: {
      en: 'An RST arrived on an established connection: the next call fails with {errno}.',
      zh: '已建立的连接收到 RST：下一次调用以 {errno} 失败。',
    },
  },
  'rst-in-close-wait': {
    section: 'transfer.4.1',
    text: {
      en: 'The RST arrived in CLOSE_WAIT (the peer had sent FIN, our data drew the RST): it is reported as {errno}.',
      zh: 'RST 在 CLOSE_WAIT 状态到达（对端已发 FIN，我们的数据引来了 RST）：报告为 {errno}。',
    },
  },
  'reported-once': {
    section: 'transfer.4.2',
    text: {
      en: 'The connection had already failed and an earlier call reported why: the error is reported once, after that recv() returns 0 and send() fails as on a shut socket.',
      zh: '连接早已失败，之前的调用已经报告了原因：错误只报告一次，之后 recv() 返回 0，send() 像对已关闭的套接字一样失败。',
    },
  },
  sigpipe: {
    section: 'transfer.4.1',
    text: {
      en: 'send() on a connection that can no longer send raises SIGPIPE: a C program dies unless it ignores the signal.',
      zh: '向已无法发送的连接调用 send() 会产生 SIGPIPE：C 程序若不忽略该信号就会被终止。',
    },
  },
  'recv-fin': {
    section: 'transfer.5',
    text: {
      en: 'recv() returns 0: the peer sent FIN (close, shutdown or its OS closing the socket) and all data was read.',
      zh: 'recv() 返回 0：对端发送了 FIN（close、shutdown 或其系统关闭套接字），数据已全部读完。',
    },
  },
  'recv-timeout': {
    section: 'transfer.3',
    text: {
      en: 'Our own receive timeout (SO_RCVTIMEO) expired: recv() fails with {errno}; the connection is still there.',
      zh: '自己设置的接收超时（SO_RCVTIMEO）到期：recv() 以 {errno} 失败；连接依然存在。',
    },
  },
  'half-close': {
    section: 'added',
    text: {
      en: 'shutdown(SHUT_WR) sends FIN: the peer will read 0, but it can still send to us.',
      zh: 'shutdown(SHUT_WR) 发送 FIN：对端 recv 会返回 0，但它仍可以向我们发送数据。',
    },
  },
  'close-unread-rst': {
    section: 'added',
    text: {
      en: 'close() with {bytes} unread bytes in the receive buffer sends RST, not FIN: data would be lost silently otherwise.',
      zh: '接收缓冲区还有 {bytes} 字节未读时调用 close() 会发送 RST 而不是 FIN：否则数据会悄悄丢失。',
    },
  },
  'abort-rst': {
    section: 'added',
    text: {
      en: 'SO_LINGER {on, 0} then close(): the connection is aborted with RST, no FIN, no TIME_WAIT.',
      zh: '设置 SO_LINGER {on, 0} 后 close()：连接以 RST 中止，没有 FIN，也没有 TIME_WAIT。',
    },
  },
  'crash-fin': {
    section: 'transfer.4.1',
    text: {
      en: 'The process died; its OS closes its sockets as close() would: FIN (or RST if unread data is pending).',
      zh: '进程崩溃；其操作系统像 close() 一样关闭套接字：发送 FIN（若有未读数据则发送 RST）。',
    },
  },
  'crash-rst': {
    section: 'transfer.4.2',
    text: {
      en: 'The process died and its OS resets its connections with RST.',
      zh: '进程崩溃，其操作系统用 RST 重置它的连接。',
    },
  },
  'crash-silent': {
    section: 'transfer.4.3',
    text: {
      en: 'The whole host vanished (power cut): neither FIN nor RST will ever come from it.',
      zh: '整台主机消失（断电）：既不会有 FIN，也不会有 RST。',
    },
  },
  frozen: {
    section: 'added',
    text: {
      en: 'The process is stopped (SIGSTOP): its kernel still ACKs until the receive buffer is full.',
      zh: '进程被暂停（SIGSTOP）：其内核仍会确认数据，直到接收缓冲区满。',
    },
  },
  thawed: {
    section: 'added',
    text: {
      en: 'The process continues (SIGCONT): everything buffered is still there.',
      zh: '进程继续运行（SIGCONT）：缓冲的数据都还在。',
    },
  },
  'icmp-soft-connect': {
    section: 'establish.3.1',
    text: {
      en: 'ICMP {icmp} while connecting: kept as a soft error ({errno}), reported at the next SYN retransmission.',
      zh: '连接过程中收到 ICMP {icmp}：先记为软错误（{errno}），在下一次 SYN 重传时报告。',
    },
  },
  'icmp-reported': {
    section: 'establish.3.1',
    text: {
      en: 'At the SYN timer ({s} s) the kept ICMP error is reported: connect() fails with {errno} instead of sending the SYN again.',
      zh: '在 SYN 定时器到期时（{s} 秒）报告先前记下的 ICMP 错误：connect() 以 {errno} 失败，不再重发 SYN。',
    },
  },
  'icmp-hard': {
    section: 'establish.3.1',
    text: {
      en: 'ICMP {icmp} while connecting: connect() fails with {errno}.',
      zh: '连接过程中收到 ICMP {icmp}：connect() 以 {errno} 失败。',
    },
  },
  'icmp-soft': {
    section: 'transfer.2',
    text: {
      en: 'ICMP {icmp} on an established connection is only a soft error: reported as {errno} if the connection later times out.',
      zh: '已建立连接收到 ICMP {icmp} 只算软错误：若之后连接超时，报告为 {errno}。',
    },
  },
  'icmp-ignored': {
    section: 'establish.3.1',
    text: {
      en: 'This OS ignores ICMP {icmp} here: only the timers will end the attempt.',
      zh: '该系统在此忽略 ICMP {icmp}：只有定时器会结束这次尝试。',
    },
  },
  'net-cut': {
    section: 'transfer.1',
    text: {
      en: 'The network is cut ({dir}): segments vanish silently; neither end is told.',
      zh: '网络被切断（{dir}）：报文悄悄消失；两端都不会得到通知。',
    },
  },
  'net-heal': {
    section: 'transfer.1',
    text: {
      en: 'The network is healed: segments flow again.',
      zh: '网络恢复：报文重新可以传输。',
    },
  },
  'middlebox-hold': {
    section: 'transfer.2',
    text: {
      en: 'The middlebox stops forwarding but keeps ACKing: the sender believes its data was delivered.',
      zh: '中间设备停止转发但继续确认：发送方以为数据已经送达。',
    },
  },
  'middlebox-release': {
    section: 'transfer.2',
    text: {
      en: 'The middlebox forwards what it held: the data reaches the server only now.',
      zh: '中间设备转发它缓存的数据：数据直到现在才到达服务端。',
    },
  },
  'blocked-at-limit': {
    section: 'transfer.3',
    text: {
      en: 'Still blocked when the run ended: nothing (no data, FIN, RST, timer) could wake this call.',
      zh: '运行结束时仍然阻塞：没有任何东西（数据、FIN、RST、定时器）能唤醒这个调用。',
    },
  },
  'skipped-dead': {
    section: 'transfer.4.1',
    text: {
      en: 'Skipped: this program had died.',
      zh: '跳过：该程序已经终止。',
    },
  },
  'skipped-stuck': {
    section: 'transfer.3',
    text: {
      en: 'Skipped: this program was still blocked in an earlier call.',
      zh: '跳过：该程序仍阻塞在之前的调用中。',
    },
  },
  'skipped-frozen': {
    section: 'added',
    text: {
      en: 'Skipped: this program was stopped (SIGSTOP) and never continued.',
      zh: '跳过：该程序被暂停（SIGSTOP）且未恢复。',
    },
  },
  // Notes of the kernel lab (main/kernel): where the lab did something no system call shows
  // (how a crash or a freeze was made, the SIGPIPE handler its programs have).
  'kernel.crash-fin': {
    section: 'transfer.4.1',
    text: {
      en: 'The process was killed with SIGKILL: its kernel closed its sockets as close() would (FIN, or RST where data was unread).',
      zh: '进程被 SIGKILL 杀死：内核像 close() 一样关闭它的套接字（发送 FIN；有未读数据时发送 RST）。',
    },
  },
  'kernel.crash-rst': {
    section: 'transfer.4.2',
    text: {
      en: 'The process set SO_LINGER {1, 0} on every socket it held and exited: its kernel reset them (RST).',
      zh: '进程对它持有的每个套接字设置 SO_LINGER {1, 0} 后退出：内核重置了这些连接（发送 RST）。',
    },
  },
  'kernel.crash-silent': {
    section: 'transfer.4.3',
    text: {
      en: 'nft rules drop every segment to and from that end before its process is killed: the host vanished, nothing it sends is ever seen.',
      zh: '在杀死进程之前，nft 规则丢弃了进出这一端的所有报文：主机就此消失，它发出的任何东西都不会被看到。',
    },
  },
  'kernel.sigstop': {
    section: 'added',
    text: {
      en: 'The process was stopped with SIGSTOP: it makes no calls, but its kernel still ACKs and buffers what arrives.',
      zh: '进程被 SIGSTOP 暂停：它不再调用任何函数，但它的内核仍然确认并缓存收到的数据。',
    },
  },
  'kernel.sigcont': {
    section: 'added',
    text: {
      en: 'The process was continued with SIGCONT.',
      zh: '进程被 SIGCONT 恢复运行。',
    },
  },
  'kernel.sigpipe-handled': {
    section: 'transfer.4.1',
    text: {
      en: 'The kernel raised SIGPIPE with this EPIPE. The lab program has a handler that records it and goes on; a C program without one would have been killed here.',
      zh: '内核在返回 EPIPE 的同时发出了 SIGPIPE。实验程序装有处理函数，记录下该信号后继续运行；没有处理函数的 C 程序此时会被杀死。',
    },
  },
} as const satisfies Record<string, Note>

/** A key of {@link NOTES}. */
export type NoteKey = keyof typeof NOTES

/** True when a string is a known note key. */
export function isNoteKey(key: string): key is NoteKey {
  return Object.prototype.hasOwnProperty.call(NOTES, key)
}

/** The note's text in one language with `{param}` filled in (unknown keys give the key). */
export function noteText(
  key: string,
  lang: keyof Localized,
  params: Record<string, string | number> = {},
): string {
  if (!isNoteKey(key)) return key
  return NOTES[key].text[lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}
