/**
 * The socket helper: a few lines of Perl that make the socket calls Node's `net` module cannot
 * (kernel-notes.md), on the very socket the Node peer uses.
 *
 * A socket option or a shutdown acts on the socket, not on the descriptor, so a child process
 * that inherits a duplicate of the peer's descriptor can call setsockopt(TCP_KEEPINTVL) or
 * shutdown(SHUT_RD) and the peer's socket has it. The same trick gives the client a real
 * *blocking* connect(): the peer starts inside a Perl wrapper that creates unconnected TCP
 * sockets and execs Node with them (Node cannot create a socket without connecting it); the
 * helper connects one of them with a blocking connect() (so an ICMP error arriving while the
 * socket is locked is kept as a soft error, as for a C program) and closes its copy; the peer
 * then wraps the connected descriptor in a `net.Socket`.
 *
 * Perl because it is on every Debian/Ubuntu system (perl-base is Essential) and its core
 * `Socket` module has every constant needed. Linux only: elsewhere the peer falls back to
 * Node's own calls and the probe says which cases that rules out.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import type { Socket } from 'node:net'
import { getSystemErrorName } from 'node:util'
import type { CallReturn } from './peer-protocol'

/**
 * Wrapper: `perl -e WRAPPER N cmd args...` creates N unconnected TCP sockets without
 * close-on-exec, lists their descriptors in SOCKLAB_SOCKETS and execs `cmd`.
 */
export const WRAPPER = [
  'use strict; use Socket qw(PF_INET SOCK_STREAM);',
  // Perl sets close-on-exec only on descriptors above $^F.
  '$^F = 1 << 20; my @s; my $n = shift @ARGV;',
  'for (1 .. $n) { socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socklab: socket: $!\\n"; push @s, $s }',
  "$ENV{SOCKLAB_SOCKETS} = join ',', map { fileno $_ } @s;",
  'exec { $ARGV[0] } @ARGV or die "socklab: exec $ARGV[0]: $!\\n";',
].join('\n')

/**
 * Helper: reads one command a line on stdin, answers one line (`connect` first says
 * `issued`, right before the call). Numbers are descriptors of the helper (3, 4, ...).
 * Answers: a return value, or `-1 <errno number>`.
 */
export const HELPER = [
  'use strict; use warnings;',
  'use Socket qw(inet_aton pack_sockaddr_in SOL_SOCKET SO_KEEPALIVE IPPROTO_TCP TCP_KEEPIDLE TCP_KEEPINTVL TCP_KEEPCNT MSG_NOSIGNAL MSG_DONTWAIT);',
  '$| = 1; my %h;',
  "sub fh { my $fd = shift; return $h{$fd} if $h{$fd}; open(my $s, '+<&=', $fd) or return undef; $h{$fd} = $s }",
  'sub err { return "-1 " . ($! + 0) . "\\n" }',
  'sub int_opt { my ($s, $l, $o, $v) = @_; return setsockopt($s, $l, $o, pack("i", $v)) }',
  'print "ready\\n";',
  'while (my $line = <STDIN>) {',
  '  chomp $line; my ($op, $fd, @a) = split / /, $line;',
  '  my $s = fh($fd); if (!$s) { print err(); next }',
  '  if ($op eq "connect") {',
  '    print "issued\\n";',
  // The helper's copy must go at once: the peer's close() has to be the last reference.
  '    if (connect($s, pack_sockaddr_in($a[0], inet_aton(\'127.0.0.1\')))) { close($s); delete $h{$fd}; print "0\\n" } else { print err() }',
  '  } elsif ($op eq "keepalive") {',
  '    my $ok = int_opt($s, SOL_SOCKET, SO_KEEPALIVE, 1) && int_opt($s, IPPROTO_TCP, TCP_KEEPIDLE, $a[0])',
  '      && int_opt($s, IPPROTO_TCP, TCP_KEEPINTVL, $a[1]) && int_opt($s, IPPROTO_TCP, TCP_KEEPCNT, $a[2]);',
  '    print $ok ? "0\\n" : err();',
  '  } elsif ($op eq "shutdown") { print shutdown($s, $a[0]) ? "0\\n" : err() }',
  '  elsif ($op eq "send") { my $n = send($s, "a" x $a[0], MSG_NOSIGNAL); print defined $n ? "$n\\n" : err() }',
  '  elsif ($op eq "recv") { my $r = recv($s, my $b, $a[0], MSG_DONTWAIT); print defined $r ? length($b) . "\\n" : err() }',
  '  elsif ($op eq "close") { close($s); delete $h{$fd}; print "0\\n" }',
  '  else { print "-1 22\\n" }',
  '}',
].join('\n')

/** A helper command (descriptor numbers are the helper's own). */
export type HelperCommand =
  | { op: 'connect'; fd: number; port: number }
  | { op: 'keepalive'; fd: number; idleS: number; intervalS: number; count: number }
  | { op: 'shutdown'; fd: number; how: 'rd' | 'wr' | 'rdwr' }
  | { op: 'send'; fd: number; bytes: number }
  | { op: 'recv'; fd: number; bytes: number }
  | { op: 'close'; fd: number }

/** A command without its descriptor (for a one-shot helper, where it is always 3). */
export type HelperOp = HelperCommand extends infer C
  ? C extends HelperCommand
    ? Omit<C, 'fd'>
    : never
  : never

const SHUT = { rd: 0, wr: 1, rdwr: 2 } as const

function line(c: HelperCommand): string {
  switch (c.op) {
    case 'connect':
      return `connect ${c.fd} ${c.port}`
    case 'keepalive':
      return `keepalive ${c.fd} ${c.idleS} ${c.intervalS} ${c.count}`
    case 'shutdown':
      return `shutdown ${c.fd} ${SHUT[c.how]}`
    case 'send':
    case 'recv':
      return `${c.op} ${c.fd} ${c.bytes}`
    case 'close':
      return `close ${c.fd}`
  }
}

/** Parses an answer line: a return value, or `-1 <errno>` as Node names it. */
export function parseAnswer(text: string): CallReturn {
  const [ret, errno] = text.trim().split(' ')
  const value = Number(ret)
  if (!Number.isFinite(value)) return { ret: -1, code: 'EIO' }
  if (value !== -1) return { ret: value }
  const n = Number(errno)
  let code = 'EIO'
  try {
    if (n > 0) code = getSystemErrorName(-n)
  } catch {
    // Not an errno this Node knows: EIO stands for it.
  }
  return { ret: -1, code }
}

/** A running helper process (persistent, or one-shot for one socket). */
export class SockCtl {
  private queue: { resolve: (r: CallReturn) => void; onIssued?: () => void }[] = []
  private buffer = ''
  private gone = false

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (d: string) => this.data(d))
    child.stdin?.on('error', () => undefined)
    child.once('exit', () => {
      this.gone = true
      for (const w of this.queue.splice(0)) w.resolve({ ret: -1, code: 'EIO' })
    })
  }

  /**
   * Starts a helper. `shared` become its descriptors 3, 4, ...: descriptor numbers of this
   * process, or sockets (their descriptors are duplicated into the helper).
   */
  static start(shared: (number | Socket)[], timeoutMs = 10_000): Promise<SockCtl> {
    const stdio: StdioOptions = ['pipe', 'pipe', 'ignore', ...shared]
    const child = spawn('perl', ['-e', HELPER], { stdio })
    const ctl = new SockCtl(child)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`the socket helper (perl) did not start in ${timeoutMs} ms`))
      }, timeoutMs)
      ctl.queue.push({
        resolve: (r) => {
          clearTimeout(timer)
          if (r.ret === 0) resolve(ctl)
          else reject(new Error('the socket helper (perl) could not start'))
        },
      })
      child.once('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
    })
  }

  /**
   * One call on `socket` in a helper of its own, which exits before this resolves (so the
   * helper's duplicate of the descriptor is closed by then).
   */
  static async once(socket: Socket, command: HelperOp): Promise<CallReturn> {
    const ctl = await SockCtl.start([socket])
    const r = await ctl.call({ ...command, fd: 3 } as HelperCommand)
    await ctl.close()
    return r
  }

  private data(text: string): void {
    this.buffer += text
    let nl: number
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const answer = this.buffer.slice(0, nl)
      this.buffer = this.buffer.slice(nl + 1)
      const head = this.queue[0]
      if (!head) continue
      if (answer === 'ready') {
        this.queue.shift()
        head.resolve({ ret: 0 })
      } else if (answer === 'issued') head.onIssued?.()
      else {
        this.queue.shift()
        head.resolve(parseAnswer(answer))
      }
    }
  }

  /** Makes a call; `onIssued` runs when a connect is about to enter the kernel. */
  call(command: HelperCommand, onIssued?: () => void): Promise<CallReturn> {
    if (this.gone || !this.child.stdin?.writable) return Promise.resolve({ ret: -1, code: 'EIO' })
    return new Promise((resolve) => {
      this.queue.push({ resolve, ...(onIssued ? { onIssued } : {}) })
      this.child.stdin!.write(`${line(command)}\n`)
    })
  }

  /** Ends the helper (EOF on its stdin) and waits until it has exited. */
  close(): Promise<void> {
    if (this.gone) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000)
      this.child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      this.child.stdin?.end()
    })
  }
}
