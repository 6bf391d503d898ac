/**
 * Teaching notes: why a call returned when it did, keyed to the article's sections. Backends
 * put the keys in `NoteEvent.key` and `StepResult.notes`; the UI and the CLI render the text
 * with {@link renderNote}, filling `{param}` from the event's `params` in the run's profile's
 * words (an errno as that OS spells it).
 *
 * Every note says what it asserts (`claims`, shared/note-claims.ts), and where a sentence is
 * true only on some OSes it is tied to them (`profiles`) or worded for them (`on`):
 * main/lab/notes-truth.test.ts renders every note of every catalog run on every profile and
 * holds the claims, and any errno, state, return value or OS the text names, against that run.
 */
import type { SectionId } from './article'
import { errnoOn, ERRNO_NAMES, ERRNO_TABLES, type ErrnoName } from './errno'
import type { Localized, ProfileId } from './lab-script'
import type { NoteClaims, NoteWording } from './note-claims'
import { PROFILES } from './profiles'

/** One teaching note. */
export interface Note {
  /** Article section it explains (key of ARTICLE_SECTIONS). */
  section: SectionId
  text: Localized
  /** What the text asserts about the run (absent: nothing the test can hold it to). */
  claims?: NoteClaims
  /** The profiles whose runs may show this note (absent: every profile). */
  profiles?: readonly ProfileId[]
  /** The errno `{errno}` names when the event carries none (the trace copy of a step note). */
  errno?: ErrnoName
  /** The note as it reads on a profile where the default sentence is not true. */
  on?: Partial<Record<ProfileId, NoteWording>>
}

const NOT_WINDOWS: readonly ProfileId[] = ['linux', 'linux-legacy', 'macos']

/** The BSD send rule, said once: send() checks "cannot send more" before a pending error. */
const BSD_SEND: Localized = {
  en: 'a send() fails with EPIPE first, because BSD checks "cannot send more" before the pending error',
  zh: 'send() 则先以 EPIPE 失败，因为 BSD 在检查挂起的错误之前先检查“不能再发送”',
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
    errno: 'ECONNREFUSED',
    text: {
      en: 'An RST answered our SYN: nothing listens on that port, so connect() fails with {errno}.',
      zh: '我们的 SYN 被 RST 回应：该端口没有监听者，所以 connect() 以 {errno} 失败。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'connect' }] },
  },
  'refused-retry': {
    section: 'establish.2',
    profiles: ['windows'],
    text: {
      en: 'Windows does not give up on the first RST: it sends the SYN again after {ms} ms (retry {n}), so with the default retries a refusal takes about 2 s.',
      zh: 'Windows 收到第一个 RST 并不放弃：{ms} 毫秒后再次发送 SYN（第 {n} 次重试），所以按默认的重试次数，拒绝连接大约要 2 秒。',
    },
  },
  'connect-returns': {
    section: 'establish.1',
    text: {
      en: 'The SYN-ACK arrived: the client is ESTABLISHED and connect() returns 0 (it does not wait for the server to accept).',
      zh: '收到 SYN-ACK：客户端进入 ESTABLISHED，connect() 返回 0（并不等待服务端 accept）。',
    },
    claims: {
      states: [{ state: 'ESTABLISHED', who: 'self', when: 'now' }],
      returns: [{ call: 'connect', ret: 0, who: 'self', at: 'next' }],
    },
  },
  'handshake-done': {
    section: 'establish.1',
    text: {
      en: 'The final ACK completed the handshake: the connection waits in the accept queue until accept() takes it; only then does it get a descriptor.',
      zh: '最后一个 ACK 完成了三次握手：连接在 accept 队列中等待，直到 accept() 取走它；此后它才有描述符。',
    },
  },
  'accept-returns': {
    section: 'establish.1',
    text: {
      en: 'accept() returns only a connection whose handshake is complete; half-open ones never reach the application.',
      zh: 'accept() 只返回已完成三次握手的连接；半连接永远不会交给应用程序。',
    },
  },
  'accept-aborted': {
    section: 'added',
    // Linux hands the reset connection out instead (`accept-reset`, profile `acceptAborted`).
    profiles: ['windows', 'macos'],
    text: {
      en: 'The connection was reset while it waited in the accept queue: accept() fails with {errno} and the connection is gone; a server just calls accept() again for the next one.',
      zh: '连接在 accept 队列中等待时被重置：accept() 以 {errno} 失败，该连接已不存在；服务端只需再次调用 accept() 等待下一个连接。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'accept' }] },
  },
  'accept-reset': {
    section: 'added',
    profiles: ['linux', 'linux-legacy'],
    text: {
      en: 'accept() returns a connection that was reset while it waited in the queue: Linux hands it out anyway. Data that arrived before the RST can still be read; after it, recv() fails with {errno}.',
      zh: 'accept() 返回了一个在队列中等待时已被重置的连接：Linux 照样把它交出。RST 之前到达的数据仍可读取；读完之后 recv() 以 {errno} 失败。',
    },
    errno: 'ECONNRESET',
    claims: { errnos: [{ errno: 'param', at: 'later', call: 'recv' }] },
  },
  'bind-time-wait': {
    section: 'unp.7.5',
    // Winsock lets bind() through a connection in TIME_WAIT (profile `bindConflict`).
    profiles: ['linux', 'linux-legacy', 'macos'],
    text: {
      en: 'Port {port} is still held by the old connection in TIME_WAIT (the side that closes first waits there for twice the maximum segment lifetime): bind() fails with {errno}. SO_REUSEADDR lets a new socket bind it, on Linux only if the old socket had set it too.',
      zh: '端口 {port} 仍被处于 TIME_WAIT 的旧连接占用（先关闭的一方要在那里等待两倍的报文最大生存时间）：bind() 以 {errno} 失败。SO_REUSEADDR 可以让新套接字绑定它；在 Linux 上，前提是旧套接字也设置过它。',
    },
    claims: {
      errnos: [{ errno: 'param', at: 'next' }],
      states: [{ state: 'TIME_WAIT', who: 'self', when: 'before' }],
    },
    on: {
      macos: {
        text: {
          en: 'Port {port} is still held by the old connection in TIME_WAIT (the side that closes first waits there for twice the maximum segment lifetime): bind() fails with {errno}. With SO_REUSEADDR on the new socket, BSD lets it bind.',
          zh: '端口 {port} 仍被处于 TIME_WAIT 的旧连接占用（先关闭的一方要在那里等待两倍的报文最大生存时间）：bind() 以 {errno} 失败。新套接字设置 SO_REUSEADDR 后，BSD 允许它绑定。',
        },
        claims: {
          errnos: [{ errno: 'param', at: 'next' }],
          states: [{ state: 'TIME_WAIT', who: 'self', when: 'before' }],
        },
      },
    },
  },
  'bind-in-use': {
    section: 'unp.7.5',
    text: {
      en: 'Another socket of this host still holds port {port}: bind() fails with {errno}. On Linux SO_REUSEADDR lets a new socket share the port only if the holder had it too and is not listening.',
      zh: '本机另一个套接字仍占用端口 {port}：bind() 以 {errno} 失败。在 Linux 上，只有占用者也设置了 SO_REUSEADDR 且没有在监听时，SO_REUSEADDR 才能让新套接字共用这个端口。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next' }] },
    on: {
      macos: {
        text: {
          en: 'Another socket of this host still holds port {port}: bind() fails with {errno}. With SO_REUSEADDR on the new socket BSD lets it share the port with a connection, never with a listening socket.',
          zh: '本机另一个套接字仍占用端口 {port}：bind() 以 {errno} 失败。新套接字设置 SO_REUSEADDR 后，BSD 允许它与已有连接共用端口，但绝不能与正在监听的套接字共用。',
        },
        claims: { errnos: [{ errno: 'param', at: 'next' }] },
      },
      windows: {
        text: {
          en: 'Another socket of this host still holds port {port}: bind() fails with {errno}. Winsock lets two sockets share a port only if both set SO_REUSEADDR.',
          zh: '本机另一个套接字仍占用端口 {port}：bind() 以 {errno} 失败。Winsock 只在两个套接字都设置了 SO_REUSEADDR 时才允许它们共用端口。',
        },
        claims: { errnos: [{ errno: 'param', at: 'next' }] },
      },
    },
  },
  'host-reboot': {
    section: 'unp.5.15',
    text: {
      en: 'This host goes down without a word (it sends nothing more, not even a FIN) and boots again {s} s later, knowing nothing of its connections.',
      zh: '这台主机悄无声息地宕机（之后什么也不发，连 FIN 也没有），{s} 秒后重新启动，对原来的连接一无所知。',
    },
  },
  'host-rebooted': {
    section: 'unp.5.15',
    text: {
      en: 'The host is up again with an empty socket table: a segment for one of its old connections finds no socket and is answered with RST (RFC 9293 3.10.7.1).',
      zh: '主机重新启动，套接字表是空的：发给旧连接的报文找不到套接字，会被 RST 回应（RFC 9293 3.10.7.1）。',
    },
  },
  'bind-bound': {
    section: 'unp.7.5',
    text: {
      en: 'This socket is already bound (an earlier bind() succeeded): a socket is bound once, so bind() fails with {errno}.',
      zh: '这个套接字已经绑定过（之前的 bind() 成功了）：套接字只能绑定一次，所以 bind() 以 {errno} 失败。',
    },
    errno: 'EINVAL',
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'bind' }] },
  },
  'backlog-full': {
    section: 'establish.4.2',
    // Winsock refuses instead (listen(): the client gets WSAECONNREFUSED).
    profiles: NOT_WINDOWS,
    text: {
      en: 'The accept queue is full (backlog {backlog}): the server host drops the SYN and lets the client retransmit it.',
      zh: 'accept 队列已满（backlog 为 {backlog}）：服务端主机丢弃该 SYN，让客户端重传。',
    },
  },
  'backlog-refused': {
    section: 'unp.4.5',
    profiles: ['windows'],
    text: {
      en: 'The accept queue is full (backlog {backlog}): Winsock refuses the SYN with RST instead of letting the client retry.',
      zh: 'accept 队列已满（backlog 为 {backlog}）：Winsock 用 RST 拒绝这个 SYN，而不是让客户端重试。',
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
      en: 'After {s} s and {n} SYN retransmission(s) the give-up rule fired: connect() fails with {errno}. The server program is told nothing: accept() returns only complete handshakes.',
      zh: '经过 {s} 秒、{n} 次 SYN 重传后达到放弃条件：connect() 以 {errno} 失败。服务端程序不会得到任何通知：accept() 只返回完成了握手的连接。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'connect' }] },
  },
  'handshake-deadline': {
    section: 'establish.3.2',
    profiles: ['macos'],
    text: {
      en: 'The connection-establishment timer ({s} s, macOS net.inet.tcp.keepinit) cut the handshake short.',
      zh: '建立连接的总时限（{s} 秒，macOS 的 net.inet.tcp.keepinit）到期，握手被终止。',
    },
  },
  'synack-retransmit': {
    section: 'establish.4.2',
    text: {
      en: 'The server is in SYN_RCVD and got no ACK: it retransmits its SYN-ACK ({n}).',
      zh: '服务端处于 SYN_RCVD，没有收到 ACK：重传 SYN-ACK（第 {n} 次）。',
    },
    claims: { states: [{ state: 'SYN_RCVD', who: 'self', when: 'now' }] },
  },
  'synack-give-up': {
    section: 'establish.4.2',
    text: {
      en: 'After {n} SYN-ACK retransmission(s) the server drops the half-open connection silently; its application never saw it.',
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
    // Linux 3.10 and later (the linux-legacy profile plays older kernels, without it).
    profiles: ['linux'],
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
      en: 'After {s} s and {n} retransmission(s) the data give-up rule fired: the connection is dead, and the next call reports {errno}.',
      zh: '经过 {s} 秒、{n} 次重传后达到数据重传的放弃条件：连接已经失效，下一次调用会报告 {errno}。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next' }] },
    on: {
      macos: {
        text: {
          en: `After {s} s and {n} retransmission(s) the data give-up rule fired: the connection is dead. The next recv() reports {errno}; ${BSD_SEND.en}.`,
          zh: `经过 {s} 秒、{n} 次重传后达到数据重传的放弃条件：连接已经失效。下一次 recv() 会报告 {errno}；${BSD_SEND.zh}。`,
        },
        claims: {
          errnos: [
            { errno: 'param', at: 'next', call: 'recv' },
            { errno: 'EPIPE', at: 'next', call: 'send' },
          ],
        },
      },
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
    errno: 'ETIMEDOUT',
    text: {
      en: '{n} keepalive probe(s) went unanswered: the connection is dropped, and the next call reports {errno}.',
      zh: '{n} 个保活探测都没有回应：连接被丢弃，下一次调用会报告 {errno}。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next' }] },
  },
  'signal-eintr': {
    section: 'added',
    profiles: NOT_WINDOWS,
    errno: 'EINTR',
    text: {
      en: 'A signal arrived while the call was blocked, and its handler was installed without SA_RESTART: after the handler runs, the kernel ends the call with {errno} instead of starting it again (signal(7)). The connection is untouched: call again to go on waiting.',
      zh: '调用阻塞时到达一个信号，而它的处理函数安装时没有 SA_RESTART：处理函数运行后，内核以 {errno} 结束这次调用，而不是重新开始它（signal(7)）。连接本身没有变化：再调用一次即可继续等待。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next' }] },
  },
  'signal-eintr-timeout': {
    section: 'added',
    profiles: ['linux', 'linux-legacy'],
    errno: 'EINTR',
    text: {
      en: 'The handler has SA_RESTART, but this socket has a timeout (SO_RCVTIMEO): Linux never restarts a socket call that has one, so the call fails with {errno} anyway (signal(7)).',
      zh: '处理函数带有 SA_RESTART，但这个套接字设置了超时（SO_RCVTIMEO）：Linux 从不重新开始设置了超时的套接字调用，所以这次调用仍以 {errno} 失败（signal(7)）。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next' }] },
  },
  'signal-eintr-connect': {
    section: 'added',
    profiles: NOT_WINDOWS,
    errno: 'EINTR',
    text: {
      en: 'A signal interrupted connect(): the call fails with {errno}, but the handshake is not cancelled: it goes on in the background, and the socket becomes connected when the SYN-ACK arrives (a second connect() on it would only be told the connection is in progress, or already made).',
      zh: '信号中断了 connect()：调用以 {errno} 失败，但握手并没有取消：它在后台继续，SYN-ACK 到达后套接字就连接上了（在它上面再调用 connect() 只会被告知连接正在进行或已经建立）。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'connect' }] },
  },
  'signal-restart': {
    section: 'added',
    profiles: NOT_WINDOWS,
    text: {
      en: 'A signal arrived while the call was blocked; its handler was installed with SA_RESTART, so after the handler runs the kernel restarts the call, which goes on waiting as if nothing had happened (signal(7)).',
      zh: '调用阻塞时到达一个信号；它的处理函数安装时带有 SA_RESTART，所以处理函数运行后内核重新开始这次调用，调用继续等待，就像什么都没发生（signal(7)）。',
    },
  },
  'signal-partial': {
    section: 'added',
    profiles: NOT_WINDOWS,
    text: {
      en: 'A signal interrupted send() after it had copied {n} bytes into the send buffer: it returns that count, not an error; the rest was never sent (POSIX: an interrupted call that transferred data returns the amount transferred).',
      zh: '信号在 send() 已把 {n} 字节复制进发送缓冲区之后中断了它：它返回这个字节数，而不是错误；其余部分没有发送（POSIX：已传输部分数据的调用被中断时返回已传输的数量）。',
    },
  },
  'signal-idle': {
    section: 'added',
    profiles: NOT_WINDOWS,
    text: {
      en: 'The signal arrived while the program was not blocked in a call: its handler runs, and nothing else changes.',
      zh: '信号到达时程序没有阻塞在调用中：处理函数运行，其他一切不变。',
    },
  },
  'signal-windows': {
    section: 'added',
    profiles: ['windows'],
    text: {
      en: 'Windows has no POSIX signals to interrupt a call: the nearest, a console control event, runs its handler on a new thread (Microsoft Learn, "signal" and "HandlerRoutine"), so a blocked Winsock call goes on waiting.',
      zh: 'Windows 没有能中断调用的 POSIX 信号：最接近的控制台控制事件在一个新线程里运行处理函数（见微软文档中的“signal”与“HandlerRoutine”），所以阻塞的 Winsock 调用继续等待。',
    },
  },
  'user-timeout': {
    section: 'added',
    text: {
      en: 'The time limit the program set on this connection ({ms} ms) ran out {elapsedMs} ms after the first retransmission (or the first probe of a shut window): TCP gives up now, not when its usual retransmission or probe count or budget is used up.',
      zh: '程序为这个连接设置的时间上限（{ms} 毫秒）在第一次重传（或对关闭窗口的第一次探测）后 {elapsedMs} 毫秒时用完：TCP 现在就放弃，而不是等到通常的重传或探测次数、时间预算用完。',
    },
  },
  'rst-data-after-close': {
    section: 'transfer.4.1',
    text: {
      en: 'Data arrived for a socket its application had closed: nobody can read it, so TCP answers with RST.',
      zh: '数据到达一个已被应用程序关闭的套接字：没有人能读取，所以 TCP 回应 RST。',
    },
  },
  'rst-data-after-shutdown': {
    section: 'transfer.4.1',
    profiles: ['linux', 'linux-legacy'],
    text: {
      en: 'Data arrived for a socket its program had shut for reading: nobody will read it, so Linux answers with RST and resets its own socket too: the next call fails with {errno}.',
      zh: '数据到达一个已被程序关闭读方向的套接字：没有人会读取，所以 Linux 回应 RST，并同时重置自己的套接字：下一次调用以 {errno} 失败。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next' }] },
  },
  'rst-received': {
    section: 'transfer.4.2',
    text: {
      en: 'An RST arrived on an established connection: the next call fails with {errno}.',
      zh: '已建立的连接收到 RST：下一次调用以 {errno} 失败。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next' }] },
    on: {
      windows: {
        text: {
          en: 'An RST arrived on an established connection: every later call fails with {errno} (Winsock reports a reset to every call, not once).',
          zh: '已建立的连接收到 RST：之后的每次调用都以 {errno} 失败（Winsock 对每次调用都报告连接重置，而不是只报告一次）。',
        },
        claims: { errnos: [{ errno: 'param', at: 'every-later' }] },
      },
      macos: {
        text: {
          en: `An RST arrived on an established connection: the next recv() fails with {errno}; ${BSD_SEND.en}.`,
          zh: `已建立的连接收到 RST：下一次 recv() 以 {errno} 失败；${BSD_SEND.zh}。`,
        },
        claims: {
          errnos: [
            { errno: 'param', at: 'next', call: 'recv' },
            { errno: 'EPIPE', at: 'next', call: 'send' },
          ],
        },
      },
    },
  },
  'rst-in-accept-queue': {
    section: 'unp.5.11',
    text: {
      en: 'An RST arrived for a connection still waiting in the accept queue: no program holds it yet. What accept() then does with it differs between systems.',
      zh: '一个仍在 accept 队列中等待的连接收到了 RST：此时还没有程序持有它。之后 accept() 如何处理它，各系统不同。',
    },
  },
  'rst-in-close-wait': {
    section: 'transfer.4.1',
    text: {
      en: 'The RST arrived in CLOSE_WAIT (the peer had sent FIN, our data drew the RST): the next call fails with {errno}.',
      zh: 'RST 在 CLOSE_WAIT 状态到达（对端已发 FIN，我们的数据引来了 RST）：下一次调用以 {errno} 失败。',
    },
    claims: {
      states: [{ state: 'CLOSE_WAIT', who: 'self', when: 'before' }],
      errnos: [{ errno: 'param', at: 'next' }],
    },
    on: {
      macos: {
        text: {
          en: `The RST arrived in CLOSE_WAIT (the peer had sent FIN, our data drew the RST): the connection is gone, and ${BSD_SEND.en}.`,
          zh: `RST 在 CLOSE_WAIT 状态到达（对端已发 FIN，我们的数据引来了 RST）：连接已经失效，${BSD_SEND.zh}。`,
        },
        claims: {
          states: [{ state: 'CLOSE_WAIT', who: 'self', when: 'before' }],
          errnos: [{ errno: 'EPIPE', at: 'next', call: 'send' }],
        },
      },
    },
  },
  'reported-once': {
    section: 'transfer.4.2',
    text: {
      en: 'The connection had already failed, and an earlier call reported why: the error is reported only once. This call finds the connection gone.',
      zh: '连接早已失败，之前的调用已经报告了原因：错误只报告一次。这次调用只发现连接已经不在了。',
    },
  },
  sigpipe: {
    section: 'transfer.4.1',
    profiles: NOT_WINDOWS,
    errno: 'EPIPE',
    text: {
      en: 'send() on a connection that can no longer send fails with {errno} and raises SIGPIPE: a C program dies unless it ignores the signal.',
      zh: '向已无法发送的连接调用 send() 会以 {errno} 失败并产生 SIGPIPE：C 程序若不忽略该信号就会被终止。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'send' }] },
  },
  'recv-fin': {
    section: 'transfer.5',
    text: {
      en: 'recv() returns 0: the peer sent FIN (close, shutdown or its OS closing the socket) and all data was read.',
      zh: 'recv() 返回 0：对端发送了 FIN（close、shutdown 或其系统关闭套接字），数据已全部读完。',
    },
    claims: { returns: [{ call: 'recv', ret: 0, who: 'self', at: 'next' }] },
  },
  'recv-not-connected': {
    section: 'added',
    text: {
      en: 'This descriptor holds no connection (only the listening socket, or a socket never connected): recv() fails with {errno}.',
      zh: '这个描述符上没有连接（只有监听套接字，或从未连接的套接字）：recv() 以 {errno} 失败。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'recv' }] },
  },
  'recv-timeout': {
    section: 'transfer.3',
    text: {
      en: 'Our own receive timeout (SO_RCVTIMEO) expired: recv() fails with {errno}; the connection is still there.',
      zh: '自己设置的接收超时（SO_RCVTIMEO）到期：recv() 以 {errno} 失败；连接依然存在。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'recv' }] },
    on: {
      windows: {
        // Microsoft, setsockopt SO_RCVTIMEO: "If a send or receive operation times out on a
        // socket, the socket state is indeterminate, and should not be used."
        text: {
          en: 'Our own receive timeout (SO_RCVTIMEO) expired: recv() fails with {errno}. Winsock documents the socket as indeterminate after a timed-out call: close it rather than use it again.',
          zh: '自己设置的接收超时（SO_RCVTIMEO）到期：recv() 以 {errno} 失败。Winsock 文档说明调用超时后套接字状态不确定：应关闭它，不要再用。',
        },
        claims: { errnos: [{ errno: 'param', at: 'next', call: 'recv' }] },
      },
    },
  },
  'half-close': {
    section: 'added',
    text: {
      en: "shutdown(SHUT_WR) sends FIN: the peer's recv() will return 0, and the peer can still send to us.",
      zh: 'shutdown(SHUT_WR) 发送 FIN：对端的 recv() 将返回 0，而对端仍可以向我们发送数据。',
    },
    claims: { returns: [{ call: 'recv', ret: 0, who: 'peer', at: 'later' }] },
  },
  'close-unread-rst': {
    section: 'added',
    text: {
      en: 'close() with {bytes} unread bytes in the receive buffer sends RST, not FIN: data would be lost silently otherwise.',
      zh: '接收缓冲区还有 {bytes} 字节未读时调用 close() 会发送 RST 而不是 FIN：否则数据会悄悄丢失。',
    },
    claims: { after: ['close'] },
  },
  'abort-rst': {
    section: 'added',
    text: {
      en: 'SO_LINGER {on, 0} then close(): the connection is aborted with RST, no FIN, no TIME_WAIT.',
      zh: '设置 SO_LINGER {on, 0} 后 close()：连接以 RST 中止，没有 FIN，也没有 TIME_WAIT。',
    },
    claims: {
      after: ['abort'],
      states: [{ state: 'TIME_WAIT', who: 'self', when: 'never-after' }],
    },
  },
  'crash-fin': {
    section: 'transfer.4.1',
    // Windows resets the sockets of a process that dies (`crash-rst` there).
    profiles: NOT_WINDOWS,
    text: {
      en: 'The process died; its OS closes its sockets as close() would: FIN (or RST if unread data is pending).',
      zh: '进程崩溃；其操作系统像 close() 一样关闭套接字：发送 FIN（若有未读数据则发送 RST）。',
    },
    claims: { after: ['crash'] },
  },
  'crash-rst': {
    section: 'transfer.4.2',
    text: {
      en: "The process died and its connections were reset with RST: the article's crash that sends RST.",
      zh: '进程崩溃，它的连接被 RST 重置：即文章所说的崩溃时发送 RST 的情况。',
    },
    claims: { after: ['crash'] },
    on: {
      windows: {
        text: {
          en: 'The process died with its sockets open, and Windows resets them (RST). Microsoft documents this for sockets still open when a program ends Winsock (WSACleanup); the article saw Windows 7 do it for a process that ended without close().',
          zh: '进程在套接字未关闭时崩溃，Windows 重置了这些连接（发送 RST）。微软文档说明程序结束 Winsock（WSACleanup）时仍打开的套接字会被重置；文章作者在 Windows 7 上看到未调用 close() 就结束的进程也是如此。',
        },
        claims: { after: ['crash'] },
      },
    },
  },
  'crash-silent': {
    section: 'transfer.4.3',
    text: {
      en: 'The whole host vanished (power cut): neither FIN nor RST will ever come from it.',
      zh: '整台主机消失（断电）：既不会有 FIN，也不会有 RST。',
    },
    claims: { after: ['crash'] },
  },
  frozen: {
    section: 'added',
    text: {
      en: 'The process is stopped (SIGSTOP): its kernel still ACKs until the receive buffer is full.',
      zh: '进程被暂停（SIGSTOP）：其内核仍会确认数据，直到接收缓冲区满。',
    },
    claims: { after: ['freeze'] },
  },
  thawed: {
    section: 'added',
    text: {
      en: 'The process continues (SIGCONT): everything buffered is still there.',
      zh: '进程继续运行（SIGCONT）：缓冲的数据都还在。',
    },
    claims: { after: ['thaw'] },
  },
  'firewall-forgot-drop': {
    section: 'rfc5382',
    text: {
      en: 'The stateful firewall on the path forgot this connection after {s} s without a segment: it drops this segment and every later one of the connection (only a new SYN starts a new entry). Neither end is told.',
      zh: '路径上的状态防火墙在 {s} 秒没有报文段之后忘掉了这条连接：它丢弃这个报文段以及该连接之后的每一个报文段（只有新的 SYN 才会建立新的表项）。两端都不会得到通知。',
    },
  },
  'firewall-forgot-reset': {
    section: 'rfc5382',
    text: {
      en: 'The stateful firewall on the path forgot this connection after {s} s without a segment: it answers this segment with a reset to its sender (as nft "reject with tcp reset" does); the other end is not told.',
      zh: '路径上的状态防火墙在 {s} 秒没有报文段之后忘掉了这条连接：它用一个复位报文回应这个报文段的发送方（与 nft 的 "reject with tcp reset" 相同）；另一端不会得到通知。',
    },
  },
  'icmp-soft-connect': {
    section: 'establish.3.1',
    profiles: ['linux', 'linux-legacy', 'macos'],
    text: {
      en: 'ICMP {icmp} while connecting: the blocking connect() holds the socket, so the error is only kept as a soft error ({errno}), and the SYN will be sent again; what answers that SYN decides.',
      zh: '连接过程中收到 ICMP {icmp}：阻塞的 connect() 正占用套接字，所以该错误只被记为软错误（{errno}），SYN 还会再发一次；由对这个 SYN 的回应决定结果。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'connect' }] },
    on: {
      macos: {
        text: {
          en: 'ICMP {icmp} while connecting: BSD keeps it as a soft error ({errno}) while the SYN retransmissions go on; connect() reports it when they give up, or at once for an ICMP error after more than 3 retransmissions.',
          zh: '连接过程中收到 ICMP {icmp}：BSD 先把它记为软错误（{errno}），SYN 重传照常进行；重传放弃时 connect() 报告该错误，重传超过 3 次后再收到 ICMP 错误则立即报告。',
        },
        claims: { errnos: [{ errno: 'param', at: 'next', call: 'connect' }] },
      },
    },
  },
  'icmp-reported': {
    section: 'establish.3.1',
    profiles: ['linux', 'linux-legacy', 'macos'],
    text: {
      en: 'The SYN was sent again ({s} s) and drew the ICMP error again: this one is fatal, so connect() fails with {errno}. Had an RST or a SYN-ACK answered that SYN, it would have decided instead.',
      zh: 'SYN 再次发送（{s} 秒）后又引来了 ICMP 错误：这一次是致命的，connect() 以 {errno} 失败。如果回应这个 SYN 的是 RST 或 SYN-ACK，结果就由它们决定。',
    },
    claims: {
      errnos: [{ errno: 'param', at: 'next', call: 'connect' }],
      segments: [{ what: 'SYN', retransmit: true, when: 'before' }],
    },
    on: {
      macos: {
        text: {
          en: 'The SYN has been sent again more than 3 times and drew the ICMP error again: BSD now treats it as fatal, so connect() fails with {errno} ({s} s).',
          zh: 'SYN 已重传超过 3 次，又引来了 ICMP 错误：BSD 此时把它当作致命错误，connect() 以 {errno} 失败（{s} 秒）。',
        },
        claims: {
          errnos: [{ errno: 'param', at: 'next', call: 'connect' }],
          segments: [{ what: 'SYN', retransmit: true, when: 'before' }],
        },
      },
    },
  },
  'icmp-hard': {
    section: 'establish.3.1',
    text: {
      en: 'ICMP {icmp} while connecting: connect() fails with {errno}.',
      zh: '连接过程中收到 ICMP {icmp}：connect() 以 {errno} 失败。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next', call: 'connect' }] },
  },
  'icmp-soft': {
    section: 'transfer.2',
    text: {
      en: 'ICMP {icmp} on an established connection is only a soft error: if the retransmissions later run out, the call fails with {errno} instead of a timeout.',
      zh: '已建立连接收到 ICMP {icmp} 只算软错误：若之后重传次数用尽，调用会以 {errno} 而不是超时错误失败。',
    },
    claims: { errnos: [{ errno: 'param', at: 'later' }] },
  },
  'icmp-ignored': {
    section: 'establish.3.1',
    text: {
      en: 'This OS ignores ICMP {icmp} here: the connection carries on as if it had not arrived.',
      zh: '该系统在此忽略 ICMP {icmp}：连接照常进行，就像没有收到它一样。',
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
      en: 'Still blocked when the run ended: nothing (data, FIN, RST, a timer) had woken this call by then.',
      zh: '运行结束时仍然阻塞：到那时为止，没有任何东西（数据、FIN、RST、定时器）唤醒这个调用。',
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
  'connect-inprogress': {
    section: 'unp.16.3',
    text: {
      en: 'The socket is non-blocking: connect() sends the SYN and returns -1 with {errno} at once instead of waiting for the handshake. poll() for writing tells when the handshake is over; getsockopt(SO_ERROR) tells how it ended.',
      zh: '套接字是非阻塞的：connect() 发出 SYN 后立即返回 -1，错误码 {errno}，并不等待握手结束。用 poll() 等待可写，可知握手何时结束；用 getsockopt(SO_ERROR) 可知结果如何。',
    },
    claims: {
      errnos: [{ errno: 'param', at: 'next', call: 'connect' }],
      returns: [{ call: 'connect', ret: -1, who: 'self', at: 'next' }],
    },
  },
  'nb-refused': {
    section: 'unp.16.3',
    errno: 'ECONNREFUSED',
    text: {
      en: "An RST answered our SYN: nothing listens on that port. The non-blocking connect() has already returned, so {errno} waits as the socket's pending error: poll() reports the socket ready and getsockopt(SO_ERROR) hands the error over.",
      zh: '我们的 SYN 被 RST 回应：该端口没有监听者。非阻塞的 connect() 早已返回，所以 {errno} 作为套接字的挂起错误保留下来：poll() 报告套接字就绪，getsockopt(SO_ERROR) 取出该错误。',
    },
    claims: { errnos: [{ errno: 'param', at: 'later', call: 'getsockopt' }] },
  },
  'nb-give-up': {
    section: 'unp.16.3',
    text: {
      en: 'The SYN went unanswered {n} more times and the client gave up after {s} s. The non-blocking connect() has already returned, so {errno} waits as the pending error for poll() and getsockopt(SO_ERROR).',
      zh: 'SYN 又重传了 {n} 次仍无回应，客户端在 {s} 秒后放弃。非阻塞的 connect() 早已返回，所以 {errno} 作为挂起错误，留给 poll() 和 getsockopt(SO_ERROR)。',
    },
    claims: {
      errnos: [{ errno: 'param', at: 'later', call: 'getsockopt' }],
      segments: [{ what: 'SYN', retransmit: true, when: 'before' }],
    },
  },
  'nb-icmp-soft': {
    section: 'unp.16.3',
    profiles: ['linux', 'linux-legacy', 'macos'],
    text: {
      en: 'ICMP {icmp} came back for the first SYN. The SYN left inside the connect() call, which still held the socket when the ICMP arrived, non-blocking or not: the error is only kept as a soft error ({errno}), and the SYN will be sent again.',
      zh: '第一个 SYN 引来了 ICMP {icmp}。SYN 是在 connect() 调用之内发出的，ICMP 到达时该调用仍占用着套接字（无论是否非阻塞）：该错误只被记为软错误（{errno}），SYN 还会再发一次。',
    },
    claims: { errnos: [{ errno: 'param', at: 'later', call: 'getsockopt' }] },
    on: {
      macos: {
        text: {
          en: 'ICMP {icmp} while connecting: BSD keeps it only as a soft error while the SYN retransmissions go on (SO_ERROR does not show it), and makes it fatal after more than 3 of them or when they give up.',
          zh: '连接过程中收到 ICMP {icmp}：BSD 只把它记为软错误，SYN 重传照常进行（SO_ERROR 看不到它）；重传超过 3 次或放弃时才把它当作致命错误。',
        },
        claims: {},
      },
    },
  },
  'nb-icmp-hard': {
    section: 'unp.16.3',
    text: {
      en: 'ICMP {icmp} answered a SYN sent by a timer ({s} s), when no call held the socket: the error is fatal, the attempt is over, and {errno} waits as the pending error for poll() and getsockopt(SO_ERROR).',
      zh: '由定时器发出的 SYN（{s} 秒）引来了 ICMP {icmp}，此时没有调用占用套接字：该错误是致命的，连接尝试结束，{errno} 作为挂起错误，留给 poll() 和 getsockopt(SO_ERROR)。',
    },
    claims: { errnos: [{ errno: 'param', at: 'later', call: 'getsockopt' }] },
  },
  'would-block': {
    section: 'unp.16.3',
    text: {
      en: 'The socket is non-blocking (O_NONBLOCK, set for the connect, stays on): the call would have to wait, so it fails at once with {errno}. A program polls first, then calls again.',
      zh: '套接字是非阻塞的（为 connect 设置的 O_NONBLOCK 一直有效）：这次调用本需等待，所以立即以 {errno} 失败。程序应先 poll，再重新调用。',
    },
    claims: { errnos: [{ errno: 'param', at: 'next' }] },
  },
  'shutdown-connecting': {
    section: 'unp.16.3',
    profiles: ['linux', 'linux-legacy'],
    text: {
      en: 'shutdown() on a socket still connecting: Linux abandons the attempt (inet_shutdown calls tcp_disconnect for any direction). The socket is closed at once, nothing is sent, and a connection reset waits as its pending error.',
      zh: '对仍在连接中的套接字调用 shutdown()：Linux 放弃这次连接尝试（inet_shutdown 无论关闭哪个方向都调用 tcp_disconnect）。套接字立即关闭，不发送任何报文，“连接被重置”作为挂起错误保留下来。',
    },
    claims: { returns: [{ call: 'shutdown', ret: 0, who: 'self', at: 'next' }] },
  },
  'poll-writable': {
    section: 'unp.16.3',
    text: {
      en: 'poll() returns 1 with POLLOUT: the socket is connected and its send buffer has room, so a send() would not block.',
      zh: 'poll() 返回 1，revents 为 POLLOUT：套接字已连接，发送缓冲区有空间，send() 不会阻塞。',
    },
    claims: { returns: [{ call: 'poll', ret: 1, who: 'self', at: 'next' }] },
  },
  'poll-readable': {
    section: 'unp.16.3',
    text: {
      en: "poll() returns 1 with POLLIN: there is something to read (data, or the peer's FIN, which a recv() reports as end of stream), or a connection waits to be accepted.",
      zh: 'poll() 返回 1，revents 为 POLLIN：有东西可读（数据，或对端的 FIN，recv() 会把它报告为流结束），或者有连接等待 accept。',
    },
    claims: { returns: [{ call: 'poll', ret: 1, who: 'self', at: 'next' }] },
  },
  'poll-failed': {
    section: 'unp.16.3',
    text: {
      en: 'poll() returns 1 because the connection is over (POLLHUP: it can neither send nor receive any more) or has an error pending (POLLERR). Ready is not the same as connected: getsockopt(SO_ERROR) or the next call says what happened.',
      zh: 'poll() 返回 1，是因为连接已经结束（POLLHUP：既不能再发送也不能再接收）或有挂起的错误（POLLERR）。“就绪”不等于“已连接”：要用 getsockopt(SO_ERROR) 或下一次调用才知道发生了什么。',
    },
    claims: { returns: [{ call: 'poll', ret: 1, who: 'self', at: 'next' }] },
  },
  'poll-errqueue': {
    section: 'unp.16.3',
    profiles: ['linux'],
    text: {
      en: "poll() returns 1 with POLLERR while the socket is still in SYN_SENT: Linux put the ICMP error on the socket's error queue (tcp_v4_err calls ip_icmp_error), and tcp_poll sets POLLERR while that queue holds something. The attempt is not over: the ICMP only left a soft error, and the SYN will be sent again.",
      zh: '套接字仍处于 SYN_SENT，poll() 却返回 1，revents 为 POLLERR：Linux 把 ICMP 错误放进了套接字的错误队列（tcp_v4_err 调用 ip_icmp_error），只要该队列不空，tcp_poll 就置上 POLLERR。连接尝试并未结束：ICMP 只留下了软错误，SYN 还会再发一次。',
    },
    claims: {
      returns: [{ call: 'poll', ret: 1, who: 'self', at: 'next' }],
      states: [{ state: 'SYN_SENT', who: 'self', when: 'now' }],
    },
  },
  'poll-timeout': {
    section: 'unp.16.3',
    text: {
      en: 'poll() returns 0: its timeout ran out before the socket was ready. Nothing failed; the program may poll again.',
      zh: 'poll() 返回 0：超时到期时套接字仍未就绪。并没有出错；程序可以再次 poll。',
    },
    claims: { returns: [{ call: 'poll', ret: 0, who: 'self', at: 'next' }] },
  },
  'poll-nval': {
    section: 'unp.16.3',
    text: {
      en: 'poll() returns 1 with POLLNVAL: the descriptor is not open (the program closed it).',
      zh: 'poll() 返回 1，revents 为 POLLNVAL：该描述符没有打开（程序已经关闭了它）。',
    },
    claims: { returns: [{ call: 'poll', ret: 1, who: 'self', at: 'next' }] },
  },
  'so-error-pending': {
    section: 'unp.16.3',
    text: {
      en: 'getsockopt(SO_ERROR) returns 0 and hands over the pending error, {errno}; reading it clears it, so another read gives 0.',
      zh: 'getsockopt(SO_ERROR) 返回 0，并交出挂起的错误 {errno}；读取即清除，再读一次得到 0。',
    },
    claims: {
      errnos: [{ errno: 'param', at: 'next', call: 'getsockopt' }],
      returns: [{ call: 'getsockopt', ret: 0, who: 'self', at: 'next' }],
    },
  },
  'so-error-soft': {
    section: 'unp.16.3',
    profiles: ['linux', 'linux-legacy'],
    text: {
      en: 'getsockopt(SO_ERROR) returns 0 with {errno}: no error is pending, so Linux hands over the soft error an ICMP left (sk_err_soft) and clears it. The connection is not over.',
      zh: 'getsockopt(SO_ERROR) 返回 0，值为 {errno}：没有挂起的错误，于是 Linux 交出 ICMP 留下的软错误（sk_err_soft）并将其清除。连接并未结束。',
    },
    claims: {
      errnos: [{ errno: 'param', at: 'next', call: 'getsockopt' }],
      returns: [{ call: 'getsockopt', ret: 0, who: 'self', at: 'next' }],
    },
  },
  'so-error-connecting': {
    section: 'unp.16.3',
    text: {
      en: 'getsockopt(SO_ERROR) returns 0 with no error: nothing has gone wrong yet, the handshake is still going on.',
      zh: 'getsockopt(SO_ERROR) 返回 0，没有错误：目前还没有出错，握手仍在进行。',
    },
    claims: { returns: [{ call: 'getsockopt', ret: 0, who: 'self', at: 'next' }] },
  },
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
      en: 'nft rules drop every segment to and from that end before its process is killed: the host vanished, nothing it sends is ever seen. Its kernel still closes the sockets (the socket table may show FIN_WAIT_1, its FIN going nowhere); a host without power has no sockets, so the final state shows CLOSED.',
      zh: '在杀死进程之前，nft 规则丢弃了进出这一端的所有报文：主机就此消失，它发出的任何东西都不会被看到。它的内核仍会关闭套接字（套接字表里可能显示 FIN_WAIT_1，发出的 FIN 无处可去）；断电的主机没有任何套接字，所以最终状态显示为 CLOSED。',
    },
  },
  'kernel.reboot': {
    section: 'unp.5.15',
    text: {
      en: 'The kernel lab cannot switch a host off: nft rules drop every segment to and from that end, its sockets are destroyed without a word (SO_LINGER 0 for those it holds, SOCK_DESTROY for those only its kernel keeps), its program starts afresh, and the rules are lifted when the reboot time is over.',
      zh: '内核实验无法真的关掉一台主机：nft 规则丢弃进出这一端的所有报文，它的套接字被悄无声息地销毁（持有的用 SO_LINGER 0，只剩内核还保留的用 SOCK_DESTROY），程序重新开始，重启时间一到就撤掉这些规则。',
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

/**
 * The note that says why poll() returned what it did, from its return value and revents
 * names; `errQueued`: an ICMP error waits on the socket's error queue (Linux).
 */
export function pollNoteKey(ret: number, revents: readonly string[], errQueued: boolean): NoteKey {
  if (ret === 0) return 'poll-timeout'
  if (revents.includes('POLLNVAL')) return 'poll-nval'
  const err = revents.includes('POLLERR')
  const hup = revents.includes('POLLHUP')
  if (errQueued && err && !hup) return 'poll-errqueue'
  if (err || hup) return 'poll-failed'
  return revents.includes('POLLIN') ? 'poll-readable' : 'poll-writable'
}

/** True when a string is a known note key. */
export function isNoteKey(key: string): key is NoteKey {
  return Object.prototype.hasOwnProperty.call(NOTES, key)
}

/** The note as it reads on a profile (its own wording there, or the default). */
export function noteWording(key: NoteKey, profile?: ProfileId): NoteWording {
  const note: Note = NOTES[key]
  const own = profile ? note.on?.[profile] : undefined
  return own ?? { text: note.text, claims: note.claims ?? {} }
}

/**
 * Values of enumerated parameters in both languages, so that no English parameter name sits
 * inside a Chinese sentence ("网络被切断（both）").
 */
export const PARAM_TEXT: Record<string, Record<string, Localized>> = {
  dir: {
    both: { en: 'both directions', zh: '双向' },
    c2s: { en: 'client to server', zh: '客户端到服务端' },
    s2c: { en: 'server to client', zh: '服务端到客户端' },
  },
  icmp: {
    'host-unreachable': { en: 'host unreachable', zh: '主机不可达' },
    'net-unreachable': { en: 'network unreachable', zh: '网络不可达' },
    'port-unreachable': { en: 'port unreachable', zh: '端口不可达' },
    'admin-prohibited': { en: 'administratively prohibited', zh: '被管理策略禁止' },
  },
}

/** An errno name (generic or as some OS spells it) as the profile's OS spells it. */
export function errnoOnProfile(name: string, profile?: ProfileId): string {
  if (!profile) return name
  const system = PROFILES[profile].errnoSystem
  const generic =
    ERRNO_NAMES.find((n) => n === name) ??
    ERRNO_NAMES.find((n) => Object.values(ERRNO_TABLES).some((t) => t[n]?.name === name))
  if (!generic) return name
  return errnoOn(system, generic)?.name ?? name
}

/** What a note is rendered with: the event's params, the run's profile, the step's errno. */
export interface NoteContext {
  params?: Readonly<Record<string, string | number>>
  /** The run's profile: decides the wording and how an errno is spelled. */
  profile?: ProfileId
  /** The errno of the step the note explains, for `{errno}` when the params carry none. */
  errno?: string
}

/**
 * The note's text in one language for a run: the profile's wording, `{param}` filled from
 * the params (an errno as the profile's OS spells it, enumerated values in that language). A
 * placeholder with no value stays as `{name}`. Unknown keys give the key.
 */
export function renderNote(key: string, lang: keyof Localized, ctx: NoteContext = {}): string {
  if (!isNoteKey(key)) return key
  const note: Note = NOTES[key]
  const params = ctx.params ?? {}
  return noteWording(key, ctx.profile).text[lang].replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (name === 'errno') {
      const errno = params.errno ?? ctx.errno ?? note.errno
      return errno === undefined ? whole : errnoOnProfile(String(errno), ctx.profile)
    }
    if (!(name in params)) return whole
    const value = String(params[name])
    return PARAM_TEXT[name]?.[value]?.[lang] ?? value
  })
}

const THE_ERROR: Localized = { en: 'the error', zh: '该错误' }

/**
 * The note's text without a profile (the default wording, generic errno names), for callers
 * that have only the params; a `{errno}` nothing fills reads "the error". Prefer
 * {@link renderNote} with the run's profile.
 */
export function noteText(
  key: string,
  lang: keyof Localized,
  params: Record<string, string | number> = {},
): string {
  return renderNote(key, lang, { params }).replaceAll('{errno}', THE_ERROR[lang])
}
