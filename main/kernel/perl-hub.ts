/**
 * The hub: the one process a run starts (netns.ts). A Perl program that makes the run's
 * private network namespace (what `unshare -rn` does, without another program to start),
 * brings loopback up, writes the run's timer sysctls, prints the effective timers, and forks
 * one child per role, each on its own channel (a socketpair the parent
 * passed as descriptor 3, 4, ...):
 * - `client`, `server`: the programs under test (perl-peer.ts);
 * - `relay`: the middlebox (perl-relay.ts); `capture`: the packet socket (packets.ts);
 * - `nft`: `nft -i` on the channel; `monitor`: `nft monitor` into the channel.
 * Forking a Perl that is already loaded costs about a millisecond; starting each of them with
 * nsenter cost tens. Every process of the run dies with its parent (PR_SET_PDEATHSIG), so
 * killing the hub (or the parent dying) ends them all, and with them the namespace; a
 * channel closes exactly when its child is gone, which is how the parent knows.
 *
 * Perl because perl-base is Essential on Debian and Ubuntu; the programs use no module at all
 * (no Socket, no POSIX: constants are numbers, calls are `syscall()`), so start-up is the
 * interpreter's alone.
 */
import type { Endpoint } from '../../shared/lab-script'
import { PERL_CAPTURE } from './packets'
import { PERL_PEER } from './perl-peer'
import { PERL_RELAY } from './perl-relay'
import { perlSyscallTable, type SyscallArch } from './syscalls'

/** Helpers every role uses: the system call table, the clock, line I/O on a channel. */
// No `use strict; use warnings`: loading and applying them doubled the start-up of every run
// (about 17 ms); the tests compile the program with both (parsers.test.ts).
const COMMON = (arch: SyscallArch) => String.raw`
our %S = (${perlSyscallTable(arch)});
our (%FH, %INBUF);

sub now {
  my $ts = "\0" x 16;
  syscall($S{clock_gettime}, 1, $ts);
  my ($s, $ns) = unpack('q q', $ts);
  return sprintf('%.6f', $s * 1000 + $ns / 1e6);
}
sub sockaddr { my $p = $_[0] + 0; return pack('S n C4 x8', 2, $p, 127, 0, 0, 1) }
sub sockaddr_at { my ($p, $o) = @_; return pack('S n C4 x8', 2, $p + 0, 127, 0, 0, $o + 0) }
sub chan { my ($fd) = @_; open(my $h, '+<&=', $fd) or die "socklab: channel $fd: $!\n"; $FH{$fd} = $h }
# The parent is gone when it no longer reads: nothing left to do. A write a signal interrupted
# (the lab's SIGUSR1 has no SA_RESTART) is written again.
sub out {
  my $n;
  do { $n = syswrite($FH{$_[0]}, $_[1]) } while (!defined $n && $! + 0 == 4);
  defined $n or exit 0;
}
sub getline {
  my ($fd) = @_;
  while (1) {
    my $i = index($INBUF{$fd} //= '', "\n");
    if ($i >= 0) { my $line = substr($INBUF{$fd}, 0, $i + 1, ''); chomp $line; return $line }
    my $n = sysread($FH{$fd}, my $chunk, 4096);
    next if !defined $n && $! + 0 == 4;
    return undef if !$n;
    $INBUF{$fd} .= $chunk;
  }
}
# PR_SET_PDEATHSIG (1) SIGKILL (9): die with the parent, whoever kills it and however.
sub tie_to_parent {
  my ($parent) = @_;
  syscall($S{prctl}, 1, 9, 0, 0, 0);
  exit 1 if getppid() != $parent;
}
`

/** Making the run's namespaces (also what the probe checks, namespaceProgram). */
const NAMESPACE = String.raw`
sub write_file {
  my ($path, $text) = @_;
  open(my $f, '>', $path) or return 0;
  print $f $text;
  return close($f);
}

# unshare -rn, done here: a user namespace where we are root (uid and gid mapped to ours), and
# a network namespace. Then, since a namespace shares the host's TCP hash table unless its
# creator's namespace sets tcp_child_ehash_entries (Linux 6.1+) and reading the socket table
# would then walk the host's whole table, a nested network namespace with a small table of
# its own, where available.
sub private_namespace {
  my ($uid, $gid) = ($<, (split ' ', $()[0]);
  syscall($S{unshare}, 0x10000000 | 0x40000000) == 0 or die "socklab: unshare: $!\n";
  write_file('/proc/self/setgroups', 'deny');
  write_file('/proc/self/uid_map', "0 $uid 1") or die "socklab: uid_map: $!\n";
  write_file('/proc/self/gid_map', "0 $gid 1") or die "socklab: gid_map: $!\n";
  if (write_file('/proc/sys/net/ipv4/tcp_child_ehash_entries', '256')) {
    syscall($S{unshare}, 0x40000000) == 0 or die "socklab: unshare: $!\n";
  }
}
`

const HUB = String.raw`
sub lo_up {
  socket(my $s, 2, 2, 0) or die "socklab: socket: $!\n";
  # struct ifreq: name, then flags; SIOCGIFFLAGS 0x8913, SIOCSIFFLAGS 0x8914, IFF_UP 1.
  my $ifr = pack('a16 s x22', 'lo', 0);
  ioctl($s, 0x8913, $ifr) or die "socklab: SIOCGIFFLAGS lo: $!\n";
  my $set = pack('a16 s x22', 'lo', unpack('x16 s', $ifr) | 1);
  ioctl($s, 0x8914, $set) or die "socklab: SIOCSIFFLAGS lo: $!\n";
}

# (Every integer handed to syscall() is made a number with "+ 0": a string, such as a word
# of the command line, would be passed as a pointer to its text.)
sub start_role {
  my ($role, $fd, $all, @args) = @_;
  my $hub = $$;
  my $pid = fork() // die "socklab: fork: $!\n";
  return $pid if $pid;
  tie_to_parent($hub);
  $SIG{CHLD} = 'DEFAULT';
  # Each channel stays open in its own child only: it closes exactly when that child is gone.
  syscall($S{close}, $_ + 0) for grep { $_ != $fd } @$all;
  open(STDIN, '<', '/dev/null');
  if ($role eq 'nft' || $role eq 'monitor') {
    open(STDIN, '<&', $fd) if $role eq 'nft';
    open(STDOUT, '>&', $fd);
    open(STDERR, '>&', $fd);
    syscall($S{close}, $fd + 0);
    my @cmd = $role eq 'nft' ? ('nft', '-i') : ('nft', 'monitor');
    exec { $cmd[0] } @cmd or die "socklab: exec nft: $!\n";
  }
  open(STDOUT, '>', '/dev/null');
  chan($fd);
  # clientN (several clients) has its own address, 127.0.0.N; client and server 127.0.0.1.
  peer($fd, $role =~ /^client(\d)$/ ? $1 : 1) if $role =~ /^(client\d?|server)$/;
  relay($fd, @args) if $role eq 'relay';
  capture($fd) if $role eq 'capture';
  exit 0;
}

my $parent = shift @ARGV;
private_namespace();
# After the namespaces: gaining the new namespace's capabilities clears the death signal.
tie_to_parent($parent);
$| = 1;
# Children are reaped by the kernel: a dead one holds nothing, not even a zombie's slot.
$SIG{CHLD} = 'IGNORE';
my (@roles, @sysctls);
for (@ARGV) {
  if (/^sysctl:(\w+)=(\d+)$/) { push @sysctls, ["ipv4/$1", $2] }
  elsif (/^nf:(\w+)=(\d+)$/) { push @sysctls, ["netfilter/$1", $2] }
  else { push @roles, [split /:/] }
}
lo_up();
for my $s (@sysctls) {
  open(my $f, '>', "/proc/sys/net/$s->[0]") or die "socklab: sysctl $s->[0]: $!\n";
  print $f "$s->[1]\n";
  close($f) or die "socklab: sysctl $s->[0]: $!\n";
}
my @timers;
for my $n (qw(tcp_syn_retries tcp_synack_retries tcp_retries2 tcp_keepalive_time tcp_keepalive_intvl tcp_keepalive_probes)) {
  open(my $f, '<', "/proc/sys/net/ipv4/$n") or die "socklab: sysctl $n: $!\n";
  chomp(my $v = <$f>);
  push @timers, $v;
}
my @fds = map { $_->[1] } @roles;
my @kids = map { start_role($_->[0], $_->[1], \@fds, @$_[2 .. $#$_]) } @roles;
syscall($S{close}, $_ + 0) for @fds;
print "timers @timers\n";
# The run ends when the parent closes our stdin, kills us or dies: the children go with us.
1 while sysread(STDIN, my $buf, 4096);
kill 9, @kids;
exit 0;
`

/** A role the hub starts, with its arguments (the relay's front and back ports). */
export type HubRole =
  | { role: Endpoint | 'capture' | 'nft' | 'monitor' }
  | { role: 'relay'; frontPort: number; serverPort: number }

/** The hub's whole program for this architecture (`perl -e`). */
export function hubProgram(arch: SyscallArch): string {
  return [COMMON(arch), NAMESPACE, PERL_PEER, PERL_RELAY, PERL_CAPTURE, HUB].join('\n')
}

/**
 * A program that makes the namespaces exactly as the hub does, then runs `sh -c` with its
 * first argument in them (the probe's checks, probe.ts).
 */
export function namespaceProgram(arch: SyscallArch): string {
  return [COMMON(arch), NAMESPACE, 'private_namespace(); exec "sh", "-c", $ARGV[0];'].join('\n')
}

/**
 * The hub's arguments: the parent's pid (it dies with it), the sysctls (net.ipv4.*, then
 * net.netfilter.* for the firewall's conntrack), then each role with
 * the descriptor of its channel (3, 4, ... in order).
 */
export function hubArgs(
  parentPid: number,
  sysctls: Record<string, number>,
  roles: HubRole[],
  netfilter: Record<string, number> = {},
): string[] {
  return [
    String(parentPid),
    ...Object.entries(sysctls).map(([k, v]) => `sysctl:${k}=${Math.trunc(v)}`),
    ...Object.entries(netfilter).map(([k, v]) => `nf:${k}=${Math.trunc(v)}`),
    ...roles.map((r, i) =>
      r.role === 'relay' ? `relay:${3 + i}:${r.frontPort}:${r.serverPort}` : `${r.role}:${3 + i}`,
    ),
  ]
}
