/**
 * The socket helper: a few lines of Perl that make the socket calls Node's `net` module cannot
 * (kernel-notes.md), on the very socket the Node peer uses.
 *
 * A socket option or a shutdown acts on the socket, not on the descriptor, so a process that
 * holds a duplicate of the peer's descriptor can call setsockopt(TCP_KEEPINTVL) or
 * shutdown(SHUT_RD) and the peer's socket has it. The helper is the peer's *launcher*: it
 * creates unconnected TCP sockets (Node cannot create one without connecting it), forks, and
 * the child execs the Node peer with them. The launcher stays as the peer's parent and answers
 * commands on a socketpair:
 * - `connect`: a real *blocking* connect() on one of those sockets (an ICMP error arriving
 *   while the socket is locked is then kept as a soft error, as for a C program); it closes
 *   its copy, and the peer wraps its own descriptor in a `net.Socket`;
 * - anything else on a socket Node made (an accepted one): it fetches a duplicate of the
 *   peer's descriptor with pidfd_getfd(2) (a parent may, under every ptrace policy but
 *   "admin only"), makes the call, and closes the duplicate.
 * Where pidfd_getfd is refused, the peer falls back to a one-shot helper that inherits the
 * socket as its descriptor 3 ({@link SockCtl.once}): the same calls, one process start later.
 *
 * Perl because it is on every Debian/Ubuntu system (perl-base is Essential) and its core
 * `Socket` module has every constant needed. Linux only: elsewhere the peer uses Node's own
 * calls and the probe says which cases that rules out.
 */
import { spawn, type StdioOptions } from 'node:child_process'
import type { Socket } from 'node:net'
import type { Readable, Writable } from 'node:stream'
import { getSystemErrorName } from 'node:util'
import type { CallReturn } from './peer-protocol'

/**
 * Shared by the launcher and the one-shot helper: `command(line)` makes one call and returns
 * the answer line. A socket is named `s<i>` (the launcher's i-th socket), `n<fd>` (the Node
 * peer's descriptor, fetched with pidfd_getfd) or a plain number (the helper's own).
 * Answers: a return value, `-1 <errno>`, or `x <errno>` when the socket could not be reached.
 */
const CORE = [
  'use strict; use warnings;',
  'use Socket qw(inet_aton pack_sockaddr_in SOL_SOCKET SO_KEEPALIVE IPPROTO_TCP TCP_KEEPIDLE TCP_KEEPINTVL TCP_KEEPCNT MSG_NOSIGNAL MSG_DONTWAIT PF_INET PF_UNIX SOCK_STREAM);',
  'our (%slot, $pidfd, $out);',
  'sub err { return "-1 " . ($! + 0) . "\\n" }',
  "sub io { my $fd = shift; open(my $h, '+<&=', $fd) or return undef; return $h }",
  'sub int_opt { my ($s, $l, $o, $v) = @_; return setsockopt($s, $l, $o, pack("i", $v)) }',
  'sub target {',
  '  my $ref = shift;',
  '  if ($ref =~ /^s(\\d+)$/) { $! = 9; return ($slot{$1}, 0) }',
  '  if ($ref =~ /^n(\\d+)$/) {',
  '    if (!defined $pidfd || $pidfd < 0) { $! = 1; return (undef, 0) }',
  // pidfd_getfd(2): the same number (438) on every architecture.
  '    my $fd = syscall(438, $pidfd, $1 + 0, 0);',
  '    return $fd < 0 ? (undef, 0) : (io($fd), 1);',
  '  }',
  '  return (io($ref), 0);',
  '}',
  'sub command {',
  '  my ($op, $ref, @a) = split / /, shift;',
  '  my ($s, $dup) = target($ref);',
  '  return "x " . ($! + 0) . "\\n" if !$s;',
  '  my $r;',
  '  if ($op eq "connect") {',
  '    print $out "issued\\n";',
  // The helper's copy must go at once: the peer's close() has to be the last reference.
  '    if (connect($s, pack_sockaddr_in($a[0], inet_aton(\'127.0.0.1\')))) { close($s); delete $slot{substr($ref, 1)}; $r = "0\\n" } else { $r = err() }',
  '  } elsif ($op eq "keepalive") {',
  '    my $ok = int_opt($s, SOL_SOCKET, SO_KEEPALIVE, 1) && int_opt($s, IPPROTO_TCP, TCP_KEEPIDLE, $a[0])',
  '      && int_opt($s, IPPROTO_TCP, TCP_KEEPINTVL, $a[1]) && int_opt($s, IPPROTO_TCP, TCP_KEEPCNT, $a[2]);',
  '    $r = $ok ? "0\\n" : err();',
  '  } elsif ($op eq "shutdown") { $r = shutdown($s, $a[0]) ? "0\\n" : err() }',
  '  elsif ($op eq "send") { my $n = send($s, "a" x $a[0], MSG_NOSIGNAL); $r = defined $n ? "$n\\n" : err() }',
  '  elsif ($op eq "recv") { my $got = recv($s, my $b, $a[0], MSG_DONTWAIT); $r = defined $got ? length($b) . "\\n" : err() }',
  '  elsif ($op eq "close") { close($s); delete $slot{substr($ref, 1)} if $ref =~ /^s/; $dup = 0; $r = "0\\n" }',
  '  else { $r = "-1 22\\n" }',
  '  close($s) if $dup;',
  '  return $r;',
  '}',
].join('\n')

/**
 * Launcher: `perl -e LAUNCHER N cmd args...` creates N unconnected TCP sockets and a
 * socketpair (all without close-on-exec), forks; the child execs `cmd` with SOCKLAB_SOCKETS
 * and SOCKLAB_HELPER_FD set; the parent serves commands until the child closes its end, then
 * exits with the child's status.
 */
export const LAUNCHER = [
  CORE,
  // Perl sets close-on-exec only on descriptors above $^F.
  'my $n = shift @ARGV; $^F = 1 << 20;',
  'for my $i (0 .. $n - 1) { socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socklab: socket: $!\\n"; $slot{$i} = $s }',
  'socketpair(my $mine, my $theirs, PF_UNIX, SOCK_STREAM, 0) or die "socklab: socketpair: $!\\n";',
  "$ENV{SOCKLAB_SOCKETS} = join ',', map { fileno $slot{$_} } 0 .. $n - 1;",
  '$ENV{SOCKLAB_HELPER_FD} = fileno $theirs;',
  'my $pid = fork() // die "socklab: fork: $!\\n";',
  'if (!$pid) { close $mine; exec { $ARGV[0] } @ARGV or die "socklab: exec $ARGV[0]: $!\\n" }',
  'close $theirs;',
  // Only the peer talks on the IPC channel: drop our copy of it.
  'if (defined $ENV{NODE_CHANNEL_FD} && (my $c = io($ENV{NODE_CHANNEL_FD}))) { close $c }',
  // pidfd_open(2): 434 on every architecture.
  '$pidfd = syscall(434, $pid, 0);',
  '$out = $mine; select($mine); $| = 1;',
  'while (my $line = <$mine>) { chomp $line; print $mine command($line) }',
  'waitpid($pid, 0); exit($? & 127 ? 128 + ($? & 127) : $? >> 8);',
].join('\n')

/** One-shot helper: the socket is its descriptor 3; commands on stdin, answers on stdout. */
export const ONESHOT = [
  CORE,
  '$out = *STDOUT; $| = 1; print "ready\\n";',
  'while (my $line = <STDIN>) { chomp $line; print command($line) }',
].join('\n')

/** A helper command; `ref` names the socket (see the module comment). */
export type HelperCommand =
  | { op: 'connect'; ref: string; port: number }
  | { op: 'keepalive'; ref: string; idleS: number; intervalS: number; count: number }
  | { op: 'shutdown'; ref: string; how: 'rd' | 'wr' | 'rdwr' }
  | { op: 'send'; ref: string; bytes: number }
  | { op: 'recv'; ref: string; bytes: number }
  | { op: 'close'; ref: string }

/** A command without its socket reference (the runner picks the reference). */
export type HelperOp = HelperCommand extends infer C
  ? C extends HelperCommand
    ? Omit<C, 'ref'>
    : never
  : never

const SHUT = { rd: 0, wr: 1, rdwr: 2 } as const

function line(c: HelperCommand): string {
  switch (c.op) {
    case 'connect':
      return `connect ${c.ref} ${c.port}`
    case 'keepalive':
      return `keepalive ${c.ref} ${c.idleS} ${c.intervalS} ${c.count}`
    case 'shutdown':
      return `shutdown ${c.ref} ${SHUT[c.how]}`
    case 'send':
    case 'recv':
      return `${c.op} ${c.ref} ${c.bytes}`
    case 'close':
      return `close ${c.ref}`
  }
}

/** What a helper answered: a call's return, or that it could not reach the socket. */
export type HelperAnswer = CallReturn & { unreachable?: boolean }

/** Parses an answer line: a return value, `-1 <errno>` or `x <errno>`, errno named as Node does. */
export function parseAnswer(text: string): HelperAnswer {
  const [ret, errno] = text.trim().split(' ')
  const n = Number(errno)
  let code = 'EIO'
  try {
    if (n > 0) code = getSystemErrorName(-n)
  } catch {
    // Not an errno this Node knows: EIO stands for it.
  }
  if (ret === 'x') return { ret: -1, code, unreachable: true }
  const value = Number(ret)
  if (!Number.isFinite(value)) return { ret: -1, code: 'EIO' }
  return value === -1 ? { ret: -1, code } : { ret: value }
}

interface Waiting {
  resolve: (r: HelperAnswer) => void
  onIssued?: () => void
}

/** A line-protocol client of a helper (the launcher over a socketpair, or a one-shot child). */
export class SockCtl {
  private readonly queue: Waiting[] = []
  private buffer = ''
  private gone = false

  /** `input` carries the helper's answers, `output` our commands. */
  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    input.setEncoding('utf8')
    input.on('data', (d: string) => this.data(d))
    const end = (): void => {
      this.gone = true
      for (const w of this.queue.splice(0)) w.resolve({ ret: -1, code: 'EIO', unreachable: true })
    }
    input.once('close', end)
    input.once('error', end)
    output.on('error', end)
  }

  /** The launcher's channel, when this process was started by it (SOCKLAB_HELPER_FD). */
  static fromLauncher(socket: Socket): SockCtl {
    return new SockCtl(socket, socket)
  }

  /**
   * One call on `socket` in a helper process of its own (the socket is its descriptor 3),
   * which has exited, and so closed its duplicate, before this resolves.
   */
  static once(socket: Socket, command: HelperOp, timeoutMs = 10_000): Promise<CallReturn> {
    const stdio: StdioOptions = ['pipe', 'pipe', 'ignore', socket]
    const child = spawn('perl', ['-e', ONESHOT], { stdio })
    const ctl = new SockCtl(child.stdout!, child.stdin!)
    const exited = new Promise<void>((r) => child.once('close', () => r()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    return new Promise<CallReturn>((resolve) => {
      child.once('error', () => resolve({ ret: -1, code: 'EIO' }))
      ctl.queue.push({
        resolve: () => {
          void ctl.call({ ...command, ref: '3' } as HelperCommand).then(async (r) => {
            child.stdin?.end()
            await exited
            clearTimeout(timer)
            const { unreachable: _u, ...ret } = r
            resolve(ret)
          })
        },
      })
    })
  }

  private data(text: string): void {
    this.buffer += text
    let nl: number
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const answer = this.buffer.slice(0, nl)
      this.buffer = this.buffer.slice(nl + 1)
      const head = this.queue[0]
      if (!head) continue
      if (answer === 'issued') head.onIssued?.()
      else {
        this.queue.shift()
        head.resolve(answer === 'ready' ? { ret: 0 } : parseAnswer(answer))
      }
    }
  }

  /** Makes a call; `onIssued` runs when a connect is about to enter the kernel. */
  call(command: HelperCommand, onIssued?: () => void): Promise<HelperAnswer> {
    if (this.gone || !this.output.writable) {
      return Promise.resolve({ ret: -1, code: 'EIO', unreachable: true })
    }
    return new Promise((resolve) => {
      this.queue.push({ resolve, ...(onIssued ? { onIssued } : {}) })
      this.output.write(`${line(command)}\n`)
    })
  }
}
