/**
 * Reads strace's output (`strace -f -ttt -T -yy -o FILE`, strace.ts) into the program's calls
 * on TCP sockets. Pure: lines in, calls out, so it is tested on recorded lines.
 *
 * The line forms (strace(1), "-f", "-T", "-yy"):
 *   `PID SEC.USEC name(args) = RET [ERRNO (text)] [(extra)] <DURATION>`
 *   `PID SEC.USEC name(args <unfinished ...>` then `PID SEC.USEC <... name resumed>args) = RET ...`
 *   `PID SEC.USEC --- SIGPIPE {...} ---`, `PID SEC.USEC +++ exited with 0 +++`
 * A call the process died in ends in `= ?`. A call a signal interrupted returns
 * `? ERESTARTSYS` (or another ERESTART*) to strace: the kernel either restarts it (strace then
 * shows the same call again, and it is one call for the program) or the program gets EINTR.
 *
 * Which descriptors are TCP sockets: `-yy` prints each with what it is (`3<TCP:[...]>`,
 * `<TCPv6:...>`, a path, `<UNIX:...>`), which also covers descriptors inherited or duplicated;
 * without that decoration (an older strace), the descriptors socket() and accept() returned
 * and close() released are tracked (one table for all processes: an approximation).
 */
import { isErrnoName, errnoOn } from '../../../shared/errno'
import type { Endpoint } from '../../../shared/lab-script'
import type { ProgramCall, ProgramOp } from '../../../shared/program-result'

/** strace's names of the calls the lab reads, by the lab's op. */
const OPS: Record<string, ProgramOp> = {
  socket: 'socket',
  bind: 'bind',
  listen: 'listen',
  connect: 'connect',
  accept: 'accept',
  accept4: 'accept',
  sendto: 'send',
  send: 'send',
  sendmsg: 'send',
  sendmmsg: 'send',
  write: 'send',
  writev: 'send',
  recvfrom: 'recv',
  recv: 'recv',
  recvmsg: 'recv',
  recvmmsg: 'recv',
  read: 'recv',
  readv: 'recv',
  close: 'close',
  shutdown: 'shutdown',
  setsockopt: 'setsockopt',
  getsockopt: 'getsockopt',
  poll: 'poll',
  ppoll: 'poll',
  select: 'poll',
  pselect6: 'poll',
  epoll_wait: 'poll',
  epoll_pwait: 'poll',
  epoll_pwait2: 'poll',
}

/** The system calls strace is asked to trace: the ones above, and those that move descriptors. */
export const TRACED_SYSCALLS = [...Object.keys(OPS), 'epoll_ctl', 'dup', 'dup2', 'dup3', 'fcntl']

/** poll's bits the lab names, in the order of their values (main/backend/result.ts POLL_BITS). */
const POLL_NAMES = ['POLLIN', 'POLLOUT', 'POLLERR', 'POLLHUP', 'POLLNVAL'] as const

/** A call as the parser returns it: times in ms of the trace's clock (CLOCK_REALTIME). */
export type TracedCall = ProgramCall

interface Pending {
  name: string
  args: string
  startMs: number
}

/** One line split into its parts. */
interface Line {
  pid: number
  ms: number
  body: string
}

const LINE = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/

function splitLine(text: string): Line | null {
  const m = LINE.exec(text.trim())
  if (!m) return null
  return { pid: Number(m[1]), ms: Number(m[2]) * 1000, body: m[3]! }
}

/**
 * Where the bracket that closes at `depth` 0 is, from `from` (strings skipped, escapes
 * honoured); -1 when the text ends first.
 */
function closingParen(text: string, from: number, depth: number): number {
  let d = depth
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
      continue
    }
    if (c === '(' || c === '[' || c === '{') d++
    else if (c === ')' || c === ']' || c === '}') {
      d--
      if (d === 0 && c === ')') return i
    }
  }
  return -1
}

/** What `= ...` said. */
interface Ret {
  /** The number, or null for `?` (the process died in it, or a restart code). */
  ret: number | null
  /** The annotation of a returned descriptor (`TCP:[...]`). */
  retKind?: string
  errno?: string
  message?: string
  /** The text in parentheses after a successful return (poll's and select's revents). */
  extra?: string
  durationMs?: number
}

// `= RET`, a returned descriptor's kind (`<TCP:[a->b]>`: the brackets may hold a `>`), an
// errno with its text, a parenthesised extra (revents), `<unavailable>`, the duration.
const RET =
  /^\s*=\s*(-?\d+|0x[0-9a-f]+|\?)(<([^:>\]]+)(?::\[[^\]]*\])?[^>]*>)?(?:\s+([A-Z][A-Z0-9_]+)\s+\(([^)]*)\))?(?:\s+\((.*)\))?(?:\s+<unavailable>)?\s*(?:<(\d+\.\d+)>)?\s*$/

function parseRet(text: string): Ret | null {
  const m = RET.exec(text)
  if (!m) return null
  const ret: Ret = { ret: m[1] === '?' ? null : Number(m[1]) }
  if (m[3]) ret.retKind = m[3]
  if (m[4]) {
    ret.errno = m[4]
    ret.message = m[5]
  }
  if (m[6] !== undefined) ret.extra = m[6]
  if (m[7]) ret.durationMs = Number(m[7]) * 1000
  return ret
}

/** The first argument as a descriptor, with its `-yy` kind (`TCP`, `UNIX`, `/path`...). */
function firstFd(args: string): { fd: number; kind?: string } | null {
  const m = /^\s*(-?\d+)(?:<([^:>[]+)?)?/.exec(args)
  if (!m) return null
  return m[2] !== undefined ? { fd: Number(m[1]), kind: m[2] } : { fd: Number(m[1]) }
}

/** Every `N<kind...>` descriptor in a text (poll's and select's sets, epoll_ctl's target). */
function fdsIn(text: string): { fd: number; kind?: string }[] {
  const out: { fd: number; kind?: string }[] = []
  for (const m of text.matchAll(/(?:fd=|[[ ,(])(\d+)(?:<([^:>[]+))?/g))
    out.push(m[2] !== undefined ? { fd: Number(m[1]), kind: m[2] } : { fd: Number(m[1]) })
  return out
}

function isTcpKind(kind: string): boolean {
  return kind === 'TCP' || kind === 'TCPv6'
}

/** An AF_INET or AF_INET6 address in a sockaddr (`127.0.0.1:7016`). */
function address(args: string): string | undefined {
  const port = /sin6?_port=htons\((\d+)\)/.exec(args)
  const ip = /inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"/.exec(args)
  if (!port) return undefined
  return `${ip?.[1] ?? ip?.[2] ?? '?'}:${port[1]}`
}

/** The bits of a revents word, POLL* or EPOLL*, as the lab names them (`POLLIN|POLLERR`). */
function pollValue(flags: string): string {
  const set = new Set(flags.split('|').map((f) => f.replace(/^E/, '')))
  const names = POLL_NAMES.filter((n) => set.has(n))
  return names.length ? names.join('|') : '0'
}

/** Turns strace lines into the program's calls on TCP sockets. */
export class StraceParser {
  private readonly pending = new Map<number, Pending>()
  /** A call that returned ERESTART*, per process: the same call next is its restart. */
  private readonly restarting = new Map<number, { call: TracedCall; name: string }>()
  /** Descriptors known to be TCP sockets when strace does not say (no `-yy`). */
  private readonly tracked = new Set<number>()
  /** epoll descriptors that watch a TCP socket, with the first such socket. */
  private readonly epolls = new Map<number, number>()
  private readonly last = new Map<number, TracedCall>()
  /** Pids seen (every process the program started, strace -f follows them all). */
  readonly pids = new Set<number>()
  /** The exit status strace reported for each process (`+++ exited with N +++`). */
  readonly exits = new Map<number, { code: number | null; signal: string | null; ms: number }>()

  constructor(private readonly actor: Endpoint) {}

  /** Reads one line; returns the calls it completed (usually none or one). */
  feed(text: string): TracedCall[] {
    const line = splitLine(text)
    if (!line) return []
    this.pids.add(line.pid)
    const { pid, ms, body } = line
    if (body.startsWith('---')) {
      if (/^--- SIGPIPE /.test(body)) {
        const call = this.last.get(pid)
        if (call && call.op === 'send') call.signal = 'SIGPIPE'
      }
      return []
    }
    if (body.startsWith('+++')) {
      const exit = /exited with (\d+)/.exec(body)
      const killed = /killed by (SIG[A-Z0-9]+)/.exec(body)
      this.exits.set(pid, {
        code: exit ? Number(exit[1]) : null,
        signal: killed ? killed[1]! : null,
        ms,
      })
      // A call the signal interrupted and the process died of: it never returned.
      const r = this.restarting.get(pid)
      this.restarting.delete(pid)
      return r ? [{ ...r.call, endMs: ms, outcome: 'blocked' }] : []
    }
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body)
    if (resumed) {
      const p = this.pending.get(pid)
      this.pending.delete(pid)
      if (!p || p.name !== resumed[1]) return []
      const rest = resumed[2]!
      if (/<unfinished \.\.\.>\)\s*=\s*\?/.test(rest) || /^\s*<unfinished/.test(rest))
        return this.complete(pid, p.name, p.args, p.startMs, ms, { ret: null })
      const close = closingParen(rest, 0, 1)
      if (close < 0) return []
      const ret = parseRet(rest.slice(close + 1))
      if (!ret) return []
      return this.complete(pid, p.name, p.args + rest.slice(0, close), p.startMs, ms, ret)
    }
    const call = /^(\w+)\((.*)$/.exec(body)
    if (!call) return []
    const name = call[1]!
    const rest = call[2]!
    const unfinished = /\s*<unfinished \.\.\.>\s*$/.exec(rest)
    if (unfinished) {
      this.pending.set(pid, { name, args: rest.slice(0, unfinished.index), startMs: ms })
      return []
    }
    const close = closingParen(rest, 0, 1)
    if (close < 0) return []
    const ret = parseRet(rest.slice(close + 1))
    if (!ret) return []
    return this.complete(pid, name, rest.slice(0, close), ms, ms, ret)
  }

  /**
   * The end of the trace at `ms`: calls still waiting (or a restart never seen) are the
   * program's last calls, blocked when it was ended.
   */
  end(ms: number): TracedCall[] {
    const out: TracedCall[] = []
    for (const pid of [...this.restarting.keys()]) out.push(...this.flushRestart(pid))
    for (const [pid, p] of this.pending) {
      const c = this.build(pid, p.name, p.args, p.startMs, ms, { ret: null })
      if (c) out.push({ ...c, outcome: 'blocked' })
    }
    this.pending.clear()
    return out
  }

  /** A restart that was not followed by its call: the program got EINTR. */
  private flushRestart(pid: number): TracedCall[] {
    const r = this.restarting.get(pid)
    if (!r) return []
    this.restarting.delete(pid)
    return this.interrupted(r.call)
  }

  private complete(
    pid: number,
    name: string,
    args: string,
    startMs: number,
    lineMs: number,
    ret: Ret,
  ): TracedCall[] {
    const out: TracedCall[] = []
    const restart = this.restarting.get(pid)
    let from = startMs
    if (restart) {
      this.restarting.delete(pid)
      // The same call on the same descriptor: the kernel (or the program's library) made it
      // again after the signal; for the program it is the call it was in.
      const sameFd = firstFd(args)?.fd === restart.call.fd
      if (restart.name === name && sameFd) from = restart.call.startMs
      else out.push(...this.interrupted(restart.call))
    }
    const endMs = ret.durationMs !== undefined ? startMs + ret.durationMs : lineMs
    // Read before the tables change: a close() is on a socket until it returned.
    const call = this.build(pid, name, args, from, endMs, ret)
    this.track(name, args, ret)
    if (!call) return out
    if (ret.ret === null && ret.errno?.startsWith('ERESTART')) {
      this.restarting.set(pid, { call, name })
      return out
    }
    if (ret.ret === null) call.outcome = 'blocked'
    this.last.set(pid, call)
    out.push(call)
    return out
  }

  /** The call a signal interrupted, as the program saw it: -1 EINTR. */
  private interrupted(call: TracedCall): TracedCall[] {
    const e = errnoOn('linux', 'EINTR')!
    return [{ ...call, ret: -1, errno: e.name, errnoNumber: e.number, message: e.message }]
  }

  /** Keeps the descriptor tables up to date (socket, accept, dup, close, epoll_ctl). */
  private track(name: string, args: string, ret: Ret): void {
    const fd = firstFd(args)
    if (name === 'close' && fd && ret.ret === 0) {
      this.tracked.delete(fd.fd)
      this.epolls.delete(fd.fd)
      return
    }
    // A descriptor strace shows as TCP is one (inherited, or made by a call not traced).
    if (fd?.kind !== undefined && isTcpKind(fd.kind)) this.tracked.add(fd.fd)
    if (ret.ret === null || ret.ret < 0) return
    const isSocketCall = name === 'socket' && /AF_INET6?\b/.test(args) && /SOCK_STREAM/.test(args)
    const accepted = (name === 'accept' || name === 'accept4') && fd && this.isTcp(fd)
    const duplicated =
      (name === 'dup' || name === 'dup2' || name === 'dup3' || name === 'fcntl') &&
      fd &&
      this.isTcp(fd) &&
      (name !== 'fcntl' || /F_DUPFD/.test(args))
    if (isSocketCall || accepted || duplicated) this.tracked.add(ret.ret)
    if (name === 'epoll_ctl' && fd && /EPOLL_CTL_ADD/.test(args)) {
      const target = fdsIn(args.slice(args.indexOf('EPOLL_CTL_ADD')))[0]
      if (target && this.isTcp(target) && !this.epolls.has(fd.fd)) this.epolls.set(fd.fd, target.fd)
    }
  }

  /**
   * `-yy` names a socket's protocol by asking the kernel (sock_diag); a TCP socket that is in
   * no table any more (reset, closed by the peer's RST) shows only as `socket:[inode]`: then the
   * table of descriptors known to be TCP answers.
   */
  private isTcp(fd: { fd: number; kind?: string }): boolean {
    return fd.kind !== undefined && fd.kind !== 'socket'
      ? isTcpKind(fd.kind)
      : this.tracked.has(fd.fd)
  }

  private build(
    pid: number,
    name: string,
    args: string,
    startMs: number,
    endMs: number,
    ret: Ret,
  ): TracedCall | null {
    const op = OPS[name]
    if (!op) return null
    let fd: number
    let value: string | undefined
    let detail: string | undefined
    if (op === 'socket') {
      const tcp = ret.retKind
        ? isTcpKind(ret.retKind)
        : /AF_INET6?\b/.test(args) && /SOCK_STREAM/.test(args)
      if (!tcp) return null
      fd = ret.ret ?? -1
    } else if (op === 'poll') {
      const found = this.pollTarget(name, args)
      if (!found) return null
      fd = found.fd
      value = found.value(ret)
    } else {
      const first = firstFd(args)
      if (!first || !this.isTcp(first)) return null
      fd = first.fd
      if (op === 'connect' || op === 'bind' || op === 'accept') detail = address(args)
      if (op === 'getsockopt' && /SO_ERROR/.test(args)) {
        const v = /SO_ERROR,\s*\[([A-Z0-9]+)\]/.exec(args)
        if (v) value = v[1]
      }
      if (op === 'send' || op === 'recv') {
        const size = /,\s*(\d+)(?:,|$)/.exec(args.replace(/"(?:[^"\\]|\\.)*"(\.\.\.)?/g, '""'))
        if (size) detail = `${size[1]} bytes`
      }
    }
    const call: TracedCall = {
      actor: this.actor,
      pid,
      syscall: name,
      op,
      fd,
      startMs,
      endMs: Math.max(startMs, endMs),
      outcome: 'returned',
    }
    if (ret.ret !== null) call.ret = ret.ret
    if (ret.errno && !ret.errno.startsWith('ERESTART') && ret.ret === -1) {
      call.errno = ret.errno
      const known = isErrnoName(ret.errno) ? errnoOn('linux', ret.errno) : null
      if (known) call.errnoNumber = known.number
      const message = known?.message ?? ret.message
      if (message) call.message = message
    }
    if (value !== undefined) call.value = value
    if (detail !== undefined) call.detail = detail
    return call
  }

  /** The TCP socket a poll/select/epoll call waited on, and how to read its revents. */
  private pollTarget(
    name: string,
    args: string,
  ): { fd: number; value: (ret: Ret) => string | undefined } | null {
    if (name.startsWith('epoll')) {
      const ep = firstFd(args)
      const sock = ep ? this.epolls.get(ep.fd) : undefined
      if (sock === undefined) return null
      return {
        fd: sock,
        value: (ret) => {
          if (ret.ret === null || ret.ret < 0) return undefined
          const ev = /events=([A-Z|]+)/.exec(args)
          return ret.ret === 0 || !ev ? '0' : pollValue(ev[1]!)
        },
      }
    }
    if (name === 'poll' || name === 'ppoll') {
      const entries = [...args.matchAll(/\{fd=(\d+)(?:<([^:>[]+))?[^}]*\}/g)]
      const sock = entries.find((e) => this.isTcp({ fd: Number(e[1]), kind: e[2] }))
      if (!sock) return null
      const fd = Number(sock[1])
      return {
        fd,
        value: (ret) => {
          if (ret.ret === null || ret.ret < 0) return undefined
          const m = new RegExp(`\\{fd=${fd}, revents=([A-Z|]+)\\}`).exec(ret.extra ?? '')
          return m ? pollValue(m[1]!) : '0'
        },
      }
    }
    // select, pselect6: the sets are the 2nd to 4th arguments; the result says which fired.
    const sock = fdsIn(args.slice(args.indexOf(',') + 1)).find((f) => this.isTcp(f))
    if (!sock) return null
    return {
      fd: sock.fd,
      value: (ret) => {
        if (ret.ret === null || ret.ret < 0) return undefined
        const bits: string[] = []
        const set = (label: string): boolean =>
          new RegExp(`${label} \\[[^\\]]*\\b${sock.fd}\\b`).test(ret.extra ?? '')
        if (set('in')) bits.push('POLLIN')
        if (set('out')) bits.push('POLLOUT')
        if (set('except')) bits.push('POLLERR')
        return bits.length ? bits.join('|') : '0'
      },
    }
  }
}
