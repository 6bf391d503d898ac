/**
 * errno names, numbers and messages on the three systems the app teaches.
 *
 * Sources (see docs/os-profiles.md): Linux include/uapi/asm-generic/errno.h and glibc's
 * strerror texts; XNU bsd/sys/errno.h and libc strerror; Microsoft "Windows Sockets Error
 * Codes" (winerror.h WSA* values and their documented descriptions).
 * Node reports errno negated (`err.errno === -111`); the Linux column is checked against
 * `os.constants.errno` by a unit test on Linux hosts.
 */
import type { Localized } from './lab-script'

/** The errno names the lab can produce. */
export const ERRNO_NAMES = [
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EAGAIN',
  'EINPROGRESS',
  'ENETRESET',
  'ENOTCONN',
  'EACCES',
  'EINVAL',
  'ESHUTDOWN',
  'EBADF',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'EISCONN',
  'EINTR',
] as const
/** One of {@link ERRNO_NAMES}. */
export type ErrnoName = (typeof ERRNO_NAMES)[number]

/** The operating systems whose numbering differs. */
export const ERRNO_SYSTEMS = ['linux', 'macos', 'windows'] as const
/** One of {@link ERRNO_SYSTEMS}. */
export type ErrnoSystem = (typeof ERRNO_SYSTEMS)[number]

/** How one OS spells one error. */
export interface ErrnoEntry {
  /** The OS's own name (`WSAECONNREFUSED` on Windows). */
  name: string
  number: number
  /** strerror()/FormatMessage() text on that OS. */
  message: string
}

const linux = {
  ECONNREFUSED: { name: 'ECONNREFUSED', number: 111, message: 'Connection refused' },
  ETIMEDOUT: { name: 'ETIMEDOUT', number: 110, message: 'Connection timed out' },
  ECONNRESET: { name: 'ECONNRESET', number: 104, message: 'Connection reset by peer' },
  EPIPE: { name: 'EPIPE', number: 32, message: 'Broken pipe' },
  EHOSTUNREACH: { name: 'EHOSTUNREACH', number: 113, message: 'No route to host' },
  ENETUNREACH: { name: 'ENETUNREACH', number: 101, message: 'Network is unreachable' },
  ECONNABORTED: { name: 'ECONNABORTED', number: 103, message: 'Software caused connection abort' },
  EAGAIN: { name: 'EAGAIN', number: 11, message: 'Resource temporarily unavailable' },
  EINPROGRESS: { name: 'EINPROGRESS', number: 115, message: 'Operation now in progress' },
  ENETRESET: { name: 'ENETRESET', number: 102, message: 'Network dropped connection on reset' },
  ENOTCONN: { name: 'ENOTCONN', number: 107, message: 'Transport endpoint is not connected' },
  EACCES: { name: 'EACCES', number: 13, message: 'Permission denied' },
  EINVAL: { name: 'EINVAL', number: 22, message: 'Invalid argument' },
  ESHUTDOWN: {
    name: 'ESHUTDOWN',
    number: 108,
    message: 'Cannot send after transport endpoint shutdown',
  },
  EBADF: { name: 'EBADF', number: 9, message: 'Bad file descriptor' },
  EADDRINUSE: { name: 'EADDRINUSE', number: 98, message: 'Address already in use' },
  EADDRNOTAVAIL: {
    name: 'EADDRNOTAVAIL',
    number: 99,
    message: 'Cannot assign requested address',
  },
  EISCONN: {
    name: 'EISCONN',
    number: 106,
    message: 'Transport endpoint is already connected',
  },
  EINTR: { name: 'EINTR', number: 4, message: 'Interrupted system call' },
} as const satisfies Record<ErrnoName, ErrnoEntry>

const macos = {
  ECONNREFUSED: { name: 'ECONNREFUSED', number: 61, message: 'Connection refused' },
  ETIMEDOUT: { name: 'ETIMEDOUT', number: 60, message: 'Operation timed out' },
  ECONNRESET: { name: 'ECONNRESET', number: 54, message: 'Connection reset by peer' },
  EPIPE: { name: 'EPIPE', number: 32, message: 'Broken pipe' },
  EHOSTUNREACH: { name: 'EHOSTUNREACH', number: 65, message: 'No route to host' },
  ENETUNREACH: { name: 'ENETUNREACH', number: 51, message: 'Network is unreachable' },
  ECONNABORTED: { name: 'ECONNABORTED', number: 53, message: 'Software caused connection abort' },
  EAGAIN: { name: 'EAGAIN', number: 35, message: 'Resource temporarily unavailable' },
  EINPROGRESS: { name: 'EINPROGRESS', number: 36, message: 'Operation now in progress' },
  ENETRESET: { name: 'ENETRESET', number: 52, message: 'Network dropped connection on reset' },
  ENOTCONN: { name: 'ENOTCONN', number: 57, message: 'Socket is not connected' },
  EACCES: { name: 'EACCES', number: 13, message: 'Permission denied' },
  EINVAL: { name: 'EINVAL', number: 22, message: 'Invalid argument' },
  ESHUTDOWN: { name: 'ESHUTDOWN', number: 58, message: "Can't send after socket shutdown" },
  EBADF: { name: 'EBADF', number: 9, message: 'Bad file descriptor' },
  EADDRINUSE: { name: 'EADDRINUSE', number: 48, message: 'Address already in use' },
  EADDRNOTAVAIL: { name: 'EADDRNOTAVAIL', number: 49, message: "Can't assign requested address" },
  EISCONN: { name: 'EISCONN', number: 56, message: 'Socket is already connected' },
  EINTR: { name: 'EINTR', number: 4, message: 'Interrupted system call' },
} as const satisfies Record<ErrnoName, ErrnoEntry>

/** Winsock has no EPIPE: a send after shutdown is WSAESHUTDOWN (`null` marks the gap). */
const windows = {
  ECONNREFUSED: {
    name: 'WSAECONNREFUSED',
    number: 10061,
    message: 'No connection could be made because the target machine actively refused it.',
  },
  ETIMEDOUT: {
    name: 'WSAETIMEDOUT',
    number: 10060,
    message:
      'A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.',
  },
  ECONNRESET: {
    name: 'WSAECONNRESET',
    number: 10054,
    message: 'An existing connection was forcibly closed by the remote host.',
  },
  EPIPE: null,
  EHOSTUNREACH: {
    name: 'WSAEHOSTUNREACH',
    number: 10065,
    message: 'A socket operation was attempted to an unreachable host.',
  },
  ENETUNREACH: {
    name: 'WSAENETUNREACH',
    number: 10051,
    message: 'A socket operation was attempted to an unreachable network.',
  },
  ECONNABORTED: {
    name: 'WSAECONNABORTED',
    number: 10053,
    message: 'An established connection was aborted by the software in your host machine.',
  },
  EAGAIN: {
    name: 'WSAEWOULDBLOCK',
    number: 10035,
    message: 'A non-blocking socket operation could not be completed immediately.',
  },
  EINPROGRESS: {
    name: 'WSAEWOULDBLOCK',
    number: 10035,
    message: 'A non-blocking socket operation could not be completed immediately.',
  },
  ENETRESET: {
    name: 'WSAENETRESET',
    number: 10052,
    message:
      'The connection has been broken due to keep-alive activity detecting a failure while the operation was in progress.',
  },
  ENOTCONN: {
    name: 'WSAENOTCONN',
    number: 10057,
    message:
      'A request to send or receive data was disallowed because the socket is not connected.',
  },
  EACCES: {
    name: 'WSAEACCES',
    number: 10013,
    message: 'An attempt was made to access a socket in a way forbidden by its access permissions.',
  },
  EINVAL: { name: 'WSAEINVAL', number: 10022, message: 'An invalid argument was supplied.' },
  ESHUTDOWN: {
    name: 'WSAESHUTDOWN',
    number: 10058,
    message:
      'A request to send or receive data was disallowed because the socket had already been shut down in that direction with a previous shutdown call.',
  },
  // Winsock reports a closed socket handle as "not a socket".
  EBADF: {
    name: 'WSAENOTSOCK',
    number: 10038,
    message: 'An operation was attempted on something that is not a socket.',
  },
  EADDRINUSE: {
    name: 'WSAEADDRINUSE',
    number: 10048,
    message:
      'Only one usage of each socket address (protocol/network address/port) is normally permitted.',
  },
  EADDRNOTAVAIL: {
    name: 'WSAEADDRNOTAVAIL',
    number: 10049,
    message: 'The requested address is not valid in its context.',
  },
  EISCONN: {
    name: 'WSAEISCONN',
    number: 10056,
    message: 'A connect request was made on an already connected socket.',
  },
  EINTR: {
    name: 'WSAEINTR',
    number: 10004,
    message: 'A blocking operation was interrupted by a call to WSACancelBlockingCall.',
  },
} as const satisfies Record<ErrnoName, ErrnoEntry | null>

/** errno tables per OS; `null` where that OS has no such error. */
export const ERRNO_TABLES: Record<ErrnoSystem, Record<ErrnoName, ErrnoEntry | null>> = {
  linux,
  macos,
  windows,
}

/** Looks an errno up on one OS; `null` where that OS has none. */
export function errnoOn(system: ErrnoSystem, name: ErrnoName): ErrnoEntry | null {
  return ERRNO_TABLES[system][name]
}

/**
 * The generic name of a Linux errno number (what the kernel lab's peers report), or `null`
 * when the lab's table does not know it.
 */
export function linuxErrnoName(number: number): ErrnoName | null {
  for (const name of ERRNO_NAMES) if (linux[name].number === number) return name
  return null
}

/** True when a string is one of the lab's errno names. */
export function isErrnoName(name: string): name is ErrnoName {
  return (ERRNO_NAMES as readonly string[]).includes(name)
}

/** What each error means for the program, in both UI languages. */
export const ERRNO_MEANING = {
  ECONNREFUSED: {
    en: 'The host answered, but nothing listens on that port: its TCP replied with RST.',
    zh: '主机可达，但该端口没有程序监听：对端 TCP 回复了 RST。',
  },
  ETIMEDOUT: {
    en: 'Retransmissions (or keepalive probes) went unanswered until the give-up rule fired. On Windows, WSAETIMEDOUT is also what an expired receive timeout (SO_RCVTIMEO) gives.',
    zh: '重传（或保活探测）一直得不到确认，直到超过放弃的时限。在 Windows 上，接收超时（SO_RCVTIMEO）到期也报告 WSAETIMEDOUT。',
  },
  ECONNRESET: {
    en: 'An RST arrived: the peer aborted, crashed with RST, or did not know the connection.',
    zh: '收到了 RST：对端中止连接、崩溃时发送 RST，或对端不认识这个连接。',
  },
  EPIPE: {
    en: 'Writing to a connection that can no longer send: the peer had closed and answered with RST, we had shut down writing, or (on macOS and the BSDs) the connection had already died of a reset or a timeout. SIGPIPE comes with it unless the program ignores it.',
    zh: '向已无法发送的连接写数据：对端已关闭并回复了 RST，本端已关闭写方向，或者（在 macOS 和 BSD 上）连接已因重置或超时失效。若程序不忽略，同时会产生 SIGPIPE 信号。',
  },
  EHOSTUNREACH: {
    en: 'No route to the host, or an ICMP host-unreachable came back.',
    zh: '没有到达主机的路由，或收到了 ICMP 主机不可达。',
  },
  ENETUNREACH: {
    en: 'No route to the network, or an ICMP net-unreachable came back.',
    zh: '没有到达该网络的路由，或收到了 ICMP 网络不可达。',
  },
  ECONNABORTED: {
    en: 'The local stack aborted the connection. The article reports Windows 7 giving WSAECONNABORTED (10053) to a send after the peer had closed; Microsoft does not document that case.',
    zh: '连接被本机协议栈中止。文章报告 Windows 7 在对端关闭后发送数据时得到 WSAECONNABORTED（10053）；微软文档没有说明这种情况。',
  },
  EAGAIN: {
    en: 'The call would have had to wait: a non-blocking socket had nothing to read or no room to write, or, on Linux and macOS, our own receive timeout (SO_RCVTIMEO) expired first (Windows reports that as WSAETIMEDOUT).',
    zh: '调用本来需要等待：非阻塞套接字没有数据可读或没有空间可写；或者在 Linux 和 macOS 上，自己设置的接收超时（SO_RCVTIMEO）先到期（Windows 对此报告 WSAETIMEDOUT）。',
  },
  EINPROGRESS: {
    en: 'A non-blocking connect has started and not finished yet.',
    zh: '非阻塞 connect 已经开始，尚未完成。',
  },
  ENETRESET: {
    en: 'Network dropped connection on reset: rare for TCP on Linux and macOS. On Windows, WSAENETRESET means that keepalive found the connection dead while an operation was in progress.',
    zh: '网络因重置断开了连接：在 Linux 和 macOS 的 TCP 上很少见。在 Windows 上，WSAENETRESET 表示操作进行中保活机制发现连接已断开。',
  },
  ENOTCONN: {
    en: 'The socket is not connected (its connect failed or never happened).',
    zh: '套接字未连接（connect 失败或从未调用）。',
  },
  EACCES: {
    en: 'A local rule prohibits the destination (route type "prohibit").',
    zh: '本地规则禁止访问该目标（路由类型 prohibit）。',
  },
  EINVAL: {
    en: "Invalid argument. The article reports recv() returning it after a crashed peer's FIN on Linux 3.8 (and 0 on 3.3); no other source confirms it, and current kernels return 0.",
    zh: '参数无效。文章报告在 Linux 3.8 上对端崩溃发送 FIN 后 recv() 返回了此错误（在 3.3 上返回 0）；没有其他来源证实，当前内核返回 0。',
  },
  ESHUTDOWN: {
    en: 'Sending after this socket was shut down for writing.',
    zh: '本端已关闭写方向后仍在发送。',
  },
  EBADF: {
    en: 'The descriptor is not open: the program had already closed it.',
    zh: '描述符没有打开：程序之前已经关闭了它。',
  },
  EADDRINUSE: {
    en: 'The local address and port are already taken (by a listener, or a connection still in TIME_WAIT).',
    zh: '本地地址和端口已被占用（被监听套接字，或仍处于 TIME_WAIT 的连接）。',
  },
  EADDRNOTAVAIL: {
    en: 'The local address or port cannot be used (no free ephemeral port, or not an address of this host).',
    zh: '无法使用该本地地址或端口（没有空闲的临时端口，或不是本机地址）。',
  },
  EISCONN: {
    en: 'connect() on a socket that is already connected.',
    zh: '对已经连接的套接字再次调用 connect()。',
  },
  EINTR: {
    en: 'A signal arrived while the call was blocked, and its handler was installed without SA_RESTART.',
    zh: '调用阻塞期间收到信号，且信号处理函数没有设置 SA_RESTART。',
  },
} as const satisfies Record<ErrnoName, Localized>
