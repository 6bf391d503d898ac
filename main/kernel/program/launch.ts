/**
 * How a student's program is started inside a run's namespace, traced, and tied to the lab:
 *
 *   perl LAUNCH enter <hub> <parent>  strace ... -o /proc/self/fd/N --  perl LAUNCH tie  <command>
 *
 * `enter` joins the hub's user and network namespaces (setns(2), what `nsenter -U -n` does,
 * without needing util-linux), asks to die with the lab (PR_SET_PDEATHSIG: the namespaces'
 * new credentials clear it, so it is set after), and starts strace with its trace going into
 * a pipe of its own, which it copies to descriptor 3 for the lab: Node's stdio "pipes" are
 * socket pairs, which strace cannot open by /proc/self/fd. It exits as strace did.
 * `tie` runs in the traced child: it dies with strace (PR_SET_PDEATHSIG again: strace 6.1
 * has no --kill-on-exit), closes every descriptor but 0, 1 and 2 (descriptor 3, the trace
 * pipe strace inherited, whatever the lab's parent left open), and becomes the program. Perl, like the lab's own peers (perl-hub.ts): it is
 * Essential on Debian, and a module-free program starts in a millisecond.
 */
import { SYSCALLS, type SyscallArch } from '../syscalls'
import { TRACED_SYSCALLS } from './strace-parse'

/**
 * setns(2)'s number (not in syscalls.ts: only the launcher makes it):
 * arch/x86/entry/syscalls/syscall_64.tbl (308), include/uapi/asm-generic/unistd.h (268).
 */
const SETNS: Record<SyscallArch, number> = { x64: 308, arm64: 268 }

/** The launcher's program for this architecture (`perl -e`). */
export function launcherProgram(arch: SyscallArch): string {
  const { prctl, close } = SYSCALLS[arch]
  return String.raw`
# PR_SET_PDEATHSIG (1) SIGKILL (9): die with the parent, whoever kills it and however.
sub tie_to { my ($p) = @_; syscall(${prctl}, 1, 9, 0, 0, 0); exit 1 if getppid() != $p }
sub run { my @cmd = @_; exec { $cmd[0] } @cmd; print STDERR "socklab: cannot run $cmd[0]: $!\n"; exit 127 }
my $mode = shift @ARGV;
if ($mode eq 'enter') {
  my ($hub, $parent) = (shift @ARGV, shift @ARGV);
  # CLONE_NEWUSER then CLONE_NEWNET: in the hub's user namespace we may join its network one.
  for my $ns (['user', 0x10000000], ['net', 0x40000000]) {
    open(my $f, '<', "/proc/$hub/ns/$ns->[0]") or die "socklab: the run's namespace is gone: $!\n";
    syscall(${SETNS[arch]}, fileno($f) + 0, $ns->[1]) == 0 or die "socklab: setns $ns->[0]: $!\n";
    close($f);
  }
  tie_to($parent);
  # $^F: no close-on-exec for the pipe, so strace inherits its end.
  $^F = 1024;
  pipe(my $r, my $w) or die "socklab: pipe: $!\n";
  $^F = 2;
  my $me = $$;
  my $pid = fork() // die "socklab: fork: $!\n";
  if (!$pid) {
    close($r);
    tie_to($me);
    # strace's trace goes to the pipe; the program's descriptor 3 is closed by tie.
    my $n = fileno($w);
    run(map { $_ eq '/proc/self/fd/TRACE' ? "/proc/self/fd/$n" : $_ } @ARGV);
  }
  close($w);
  open(my $out, '>&=', 3) or die "socklab: descriptor 3: $!\n";
  while (1) {
    my $got = sysread($r, my $buf, 65536);
    next if !defined $got && $! + 0 == 4;
    last if !$got;
    my $off = 0;
    while ($off < $got) {
      my $n = syswrite($out, $buf, $got - $off, $off);
      if (!defined $n) { next if $! + 0 == 4; last }
      $off += $n;
    }
  }
  waitpid($pid, 0);
  kill($? & 127, $$) if $? & 127;
  exit($? >> 8);
}
if ($mode eq 'tie') {
  tie_to(getppid());
  # Only stdin, stdout and stderr: not descriptor 3, not strace's pipe, nothing the lab's
  # own parent left open without close-on-exec.
  opendir(my $d, '/proc/self/fd') or die "socklab: /proc/self/fd: $!\n";
  my @fds = grep { /^\d+$/ && $_ > 2 } readdir($d);
  closedir($d);
  syscall(${close}, $_ + 0) for @fds;
  run(@ARGV);
}
die "socklab: launcher mode $mode?\n";
`
}

/** strace's options: every process, wall-clock microseconds, durations, what each fd is. */
export function straceArgs(): string[] {
  return [
    '-f',
    '-q',
    '-ttt',
    '-T',
    '-yy',
    // Only the traced calls stop the program (a seccomp filter): an interpreter's start-up
    // (thousands of other calls) is not slowed down several times over.
    '--seccomp-bpf',
    // Strings cut short: the lab reads sizes and return values, not the data.
    '-s',
    '16',
    '-o',
    // The launcher's pipe (launch.ts `enter` puts its descriptor's number here).
    '/proc/self/fd/TRACE',
    // `?`: a call this architecture does not have (poll, select on arm64) is no error.
    '-e',
    `trace=${TRACED_SYSCALLS.map((n) => `?${n}`).join(',')}`,
    // Every signal is printed: strace 6.1 with `-e signal=SIGPIPE` also leaves out the line
    // saying that a signal killed the process.
  ]
}

/** The whole command line the lab spawns (its program is `perl`). */
export function launchArgs(
  arch: SyscallArch,
  hubPid: number,
  parentPid: number,
  command: string[],
): string[] {
  const program = launcherProgram(arch)
  return [
    '-e',
    program,
    'enter',
    String(hubPid),
    String(parentPid),
    'strace',
    ...straceArgs(),
    '--',
    'perl',
    '-e',
    program,
    'tie',
    ...command,
  ]
}
