/**
 * The client and the server of a run: a small Perl program (forked by the namespace's hub,
 * perl-hub.ts) that makes each lab-script call as ONE system call with Perl's `syscall()` on
 * plain integer descriptors, blocking where the call blocks, and answers with what the kernel
 * returned (docs/decisions/006-kernel-peers-make-real-syscalls.md).
 *
 * Protocol, one line each way per call, on the role's channel:
 * - in: `listen P [B R]` (P -1: the socket a bind bound; B backlog, -1 for 128; R
 *   SO_REUSEADDR 0/1 before the bind), `bind P R`, `accept`, `connect P [nb]` (nb:
 *   O_NONBLOCK first), `send N`, `recv N [timeoutMs]`, `poll in|out [timeoutMs]`, `so-error`,
 *   `shutdown H` (0 rd, 1 wr, 2 rdwr), `keepalive IDLE INTVL CNT`, `usertimeout MS`, `close`,
 *   `abort`, `reboot [LPORT RPORT RADDR]...` (RADDR the last byte of the remote address; the host's sockets vanish, the program starts
 *   afresh), `reset-exit`;
 * - out: `ready <pid>` once; `issued <t>` just before a call that may block; then
 *   `= <ret> <errno> <sigpipe 0|1> <t> <extra> <fd> [<peer>]`, where `peer` is the last byte
 *   of the address accept() got the connection from (127.0.0.N: which client), and `t` is CLOCK_MONOTONIC in ms (the
 *   parent's `process.hrtime` reads the same clock), `extra` the local port after a connect,
 *   the peer's port after an accept, its own port after a listen, poll's revents,
 *   getsockopt(SO_ERROR)'s value (-1 otherwise), `fd` the descriptor the call used.
 *
 * Signals (lab step `signal`): the program catches SIGUSR1 with a handler installed without
 * SA_RESTART and SIGUSR2 with one installed with SA_RESTART; the parent sends the one the step
 * asks for. A call the signal interrupts answers with the kernel's -1 EINTR: Perl's syscall()
 * does not retry, and its handler (a "safe signal") runs after the call has returned.
 *
 * The program holds descriptors the way a C program written from the script would:
 * - it makes one TCP socket when it starts (socket() is no script call): listen binds it,
 *   the first connect connects it, and calls before either act on it (send: EPIPE, recv:
 *   ENOTCONN, accept: EINVAL, from the kernel);
 * - every later connect makes a new socket; accept's descriptor becomes the connection;
 * - data calls use the connection, even once the program closed it (the kernel answers
 *   EBADF for that number), else the listener; close and abort take the open connection, else
 *   the open listener (a second close closes the listener, as the simulator does), else the
 *   last number (EBADF).
 */

/** The peer's Perl source (subs `peer` and helpers; needs the hub's common helpers). */
export const PERL_PEER = String.raw`
my ($CH, $SRC, $spare, %conn, %lsn, %open, %bound, %rcvtimeo, $piped, $SBUF, $RBUF);

# Aliases, not copies (syscall(shift, @_)): the kernel writes into the caller's buffers.
sub call { my $r = syscall(shift, @_); return ($r, $r < 0 ? $! + 0 : 0) }

sub fresh {
  if ($spare >= 0) { my $f = $spare; $spare = -1; return ($f, 0) }
  my ($f, $e) = call($S{socket}, 2, 1, 0);
  $open{$f} = 1 if $f >= 0;
  return ($f, $e);
}

sub data_fd { $conn{fd} >= 0 ? $conn{fd} : $lsn{fd} >= 0 ? $lsn{fd} : $spare }

sub close_target {
  return \%conn if $conn{fd} >= 0 && $conn{open};
  return \%lsn if $lsn{fd} >= 0 && $lsn{open};
  return \%conn if $conn{fd} >= 0;
  return \%lsn if $lsn{fd} >= 0;
  %conn = (fd => $spare, open => 1);
  $spare = -1;
  return \%conn;
}

sub issued { out($CH, 'issued ' . now() . "\n") }

# SOCK_DESTROY (sock_diag, as "ss -K" does) for the 127.0.0.1 sockets with these local and
# remote ports (remote 0: a listener): nlmsghdr, then inet_diag_req_v2 for AF_INET/TCP, all
# states, with no cookie (INET_DIAG_NOCOOKIE), so the kernel finds it by its addresses.
sub destroy {
  my @p = @_;
  return unless @p;
  my ($nl) = call($S{socket}, 16, 3, 4);
  return if $nl < 0;
  my $lo = pack('C4 x12', 127, 0, 0, $SRC);
  my $dst = pack('S S L L', 16, 0, 0, 0);
  while (@p >= 3) {
    my ($lp, $rp, $ro) = splice(@p, 0, 3);
    my $any = $rp ? pack('C4 x12', 127, 0, 0, $ro) : "\0" x 16;
    my $req = pack('C C C C L', 2, 6, 0, 0, 0xffffffff)
      . pack('n n', $lp, $rp) . $lo . $any . pack('L L L', 0, 0xffffffff, 0xffffffff);
    my $msg = pack('L S S L L', 16 + length($req), 21, 5, 0, 0) . $req;
    syscall($S{sendto}, $nl, $msg, length($msg), 0, $dst, 12);
    my $ack = "\0" x 256;
    syscall($S{recvfrom}, $nl, $ack, 256, 0, 0, 0);
  }
  syscall($S{close}, $nl);
}

sub int_opt {
  my ($fd, $level, $name, $value) = @_;
  my $v = pack('i', $value);
  return call($S{setsockopt}, $fd, $level, $name, $v, 4);
}

sub port_of { my (undef, $port) = unpack('S n', $_[0]); return $port }
# The last byte of a sockaddr_in's address (127.0.0.N: which client).
sub octet_of { return unpack('C', substr($_[0], 7, 1)) }

sub op {
  my ($op, @a) = @_;
  my ($r, $e, $x, $fd, $o) = (0, 0, -1, -1, 0);
  if ($op eq 'listen') {
    ($fd, $e) = fresh();
    return (-1, $e, -1, -1) if $fd < 0;
    %lsn = (fd => $fd, open => 1);
    my $backlog = defined $a[1] && $a[1] >= 0 ? $a[1] + 0 : 128;
    if ($a[0] >= 0) {
      ($r, $e) = int_opt($fd, 1, 2, $a[2] + 0) if defined $a[2];
      ($r, $e) = call($S{bind}, $fd, sockaddr($a[0]), 16) if $r == 0;
    }
    ($r, $e) = call($S{listen}, $fd, $backlog) if $r == 0;
    # The port it listens on: the one bound, or the ephemeral one listen() bound it to.
    my ($me, $len) = ("\0" x 16, pack('L', 16));
    $x = port_of($me) if $r == 0 && syscall($S{getsockname}, $fd, $me, $len) == 0;
  } elsif ($op eq 'bind') {
    # The socket the next listen or connect uses: it stays the spare until then.
    if ($spare < 0) { ($spare, $e) = call($S{socket}, 2, 1, 0); return (-1, $e, -1, -1) if $spare < 0; $open{$spare} = 1 }
    $fd = $spare;
    # SO_REUSEADDR set (or cleared) explicitly, then bind.
    ($r, $e) = int_opt($fd, 1, 2, $a[1] + 0);
    ($r, $e) = call($S{bind}, $fd, sockaddr_at($a[0], $SRC), 16) if $r == 0;
    $bound{$fd} = 1 if $r == 0;
  } elsif ($op eq 'accept') {
    $fd = $lsn{fd} >= 0 ? $lsn{fd} : $spare;
    my $peer = "\0" x 16;
    my $len = pack('L', 16);
    issued();
    ($r, $e) = call($S{accept4}, $fd, $peer, $len, 0);
    if ($r >= 0) { %conn = (fd => $r, open => 1); $open{$r} = 1; $x = port_of($peer); $o = octet_of($peer) }
  } elsif ($op eq 'connect') {
    ($fd, $e) = fresh();
    return (-1, $e, -1, -1) if $fd < 0;
    %conn = (fd => $fd, open => 1);
    my $sa = sockaddr($a[0]);
    if (($a[1] // '') eq 'nb') {
      # fcntl(F_SETFL, flags | O_NONBLOCK): F_GETFL 3, F_SETFL 4, O_NONBLOCK 04000.
      my $fl = syscall($S{fcntl}, $fd + 0, 3, 0);
      syscall($S{fcntl}, $fd + 0, 4, ($fl < 0 ? 0 : $fl) | 04000);
    }
    # A further client (127.0.0.N) binds its own address first, port 0 (ephemeral), unless a
    # bind step bound the socket: its segments then carry the address of its host.
    if ($SRC != 1 && !$bound{$fd}) {
      my ($br, $be) = call($S{bind}, $fd, sockaddr_at(0, $SRC), 16);
      return (-1, $be, -1, $fd, 0) if $br < 0;
    }
    issued();
    ($r, $e) = call($S{connect}, $fd, $sa, 16);
    my $me = "\0" x 16;
    my $len = pack('L', 16);
    $x = port_of($me) if syscall($S{getsockname}, $fd, $me, $len) == 0;
  } elsif ($op eq 'send') {
    my $n = $a[0] + 0;
    $SBUF = 'a' x $n if length($SBUF) < $n;
    $fd = data_fd();
    issued();
    # Blocking, without MSG_NOSIGNAL: the kernel raises SIGPIPE with EPIPE (the handler notes it).
    ($r, $e) = call($S{sendto}, $fd, $SBUF, $n, 0, 0, 0);
  } elsif ($op eq 'recv') {
    my $n = $a[0] + 0;
    $fd = data_fd();
    if (defined $a[1] || $rcvtimeo{$fd}) {
      # SO_RCVTIMEO for this recv only: a later recv without a timeout clears it.
      my $ms = defined $a[1] ? $a[1] + 0 : 0;
      my $tv = pack('q q', int($ms / 1000), ($ms % 1000) * 1000);
      syscall($S{setsockopt}, $fd, 1, 20, $tv, 16);
      $rcvtimeo{$fd} = defined $a[1];
    }
    $RBUF = "\0" x $n if length($RBUF) < $n;
    issued();
    ($r, $e) = call($S{recvfrom}, $fd, $RBUF, $n, 0, 0, 0);
  } elsif ($op eq 'poll') {
    # ppoll (aarch64 has no poll): one struct pollfd {int fd; short events; short revents},
    # events POLLIN 1 or POLLOUT 4; no timeout: NULL (wait for ever). revents go in extra.
    $fd = data_fd();
    my $pfd = pack('i s s', $fd, $a[0] eq 'in' ? 1 : 4, 0);
    my $tmo = 0;
    if (defined $a[1]) { my $ms = $a[1] + 0; $tmo = pack('q q', int($ms / 1000), ($ms % 1000) * 1000000) }
    issued();
    ($r, $e) = call($S{ppoll}, $pfd, 1, $tmo, 0, 8);
    (undef, undef, $x) = unpack('i s s', $pfd) if $r >= 0;
  } elsif ($op eq 'so-error') {
    # getsockopt(SOL_SOCKET 1, SO_ERROR 4): the int it writes goes in extra.
    $fd = data_fd();
    my $v = pack('i', 0);
    my $len = pack('L', 4);
    ($r, $e) = call($S{getsockopt}, $fd, 1, 4, $v, $len);
    $x = unpack('i', $v) if $r == 0;
  } elsif ($op eq 'shutdown') {
    $fd = data_fd();
    ($r, $e) = call($S{shutdown}, $fd, $a[0] + 0);
  } elsif ($op eq 'keepalive') {
    # SO_KEEPALIVE, then TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT; the first failure answers.
    $fd = data_fd();
    ($r, $e) = int_opt($fd, 1, 9, 1);
    my @opts = ([4, $a[0]], [5, $a[1]], [6, $a[2]]);
    for my $o (@opts) { last if $r < 0; ($r, $e) = int_opt($fd, 6, $o->[0], $o->[1] + 0) }
  } elsif ($op eq 'usertimeout') {
    # TCP_USER_TIMEOUT (IPPROTO_TCP 6, option 18), in ms.
    $fd = data_fd();
    ($r, $e) = int_opt($fd, 6, 18, $a[0] + 0);
  } elsif ($op eq 'close' || $op eq 'abort') {
    my $s = close_target();
    $fd = $s->{fd};
    # abort: SO_LINGER {1, 0}, so close() resets the connection.
    if ($op eq 'abort') { my $l = pack('i i', 1, 0); syscall($S{setsockopt}, $fd, 1, 13, $l, 8) }
    ($r, $e) = call($S{close}, $fd);
    if ($r == 0) { $s->{open} = 0; delete $open{$fd}; delete $bound{$fd} }
  } elsif ($op eq 'reboot') {
    # The host goes down (the lab already drops what its sockets send): every socket it holds
    # is closed with SO_LINGER {1, 0}, gone at once; those only its kernel still keeps
    # (TIME_WAIT, FIN_WAIT...: the ports in @a, local and remote) are destroyed; then the
    # program starts afresh, as after a boot.
    my $l = pack('i i', 1, 0);
    for my $f (keys %open) { syscall($S{setsockopt}, $f + 0, 1, 13, $l, 8); syscall($S{close}, $f + 0) }
    %open = ();
    %bound = ();
    %rcvtimeo = ();
    destroy(@a);
    %conn = (fd => -1, open => 0);
    %lsn = (fd => -1, open => 0);
    ($spare) = call($S{socket}, 2, 1, 0);
    $open{$spare} = 1 if $spare >= 0;
  } elsif ($op eq 'reset-exit') {
    # crash rst: SO_LINGER {1, 0} on every socket held; exiting closes them all (RST).
    my $l = pack('i i', 1, 0);
    syscall($S{setsockopt}, $_ + 0, 1, 13, $l, 8) for keys %open;
  } else {
    ($r, $e) = (-1, 22);
  }
  return ($r, $e, $x, $fd, $o);
}

sub peer {
  ($CH, $SRC) = @_;
  $SRC = 1 unless $SRC;
  ($SBUF, $RBUF, $piped, $spare) = ('', '', 0, -1);
  %conn = (fd => -1, open => 0);
  %lsn = (fd => -1, open => 0);
  # A C program without a handler would die of SIGPIPE; this one records it for the reply.
  $SIG{PIPE} = sub { $piped = 1 };
  # Perl installs %SIG handlers without SA_RESTART (safe signals); SIGUSR2's is then given
  # SA_RESTART (0x10000000) by reading its struct sigaction back and writing it with the flag:
  # handler, flags, restorer, mask on x86_64 and arm64 alike.
  $SIG{USR1} = sub { };
  $SIG{USR2} = sub { };
  my $act = "\0" x 32;
  if (syscall($S{rt_sigaction}, 12, 0, $act, 8) == 0) {
    my ($h, $fl, $rest) = unpack('Q Q a16', $act);
    syscall($S{rt_sigaction}, 12, pack('Q Q a16', $h, $fl | 0x10000000, $rest), 0, 8);
  }
  ($spare) = fresh();
  out($CH, "ready $$\n");
  while (defined(my $line = getline($CH))) {
    my @cmd = split ' ', $line;
    next unless @cmd;
    $piped = 0;
    my ($r, $e, $x, $fd, $o) = op(@cmd);
    my $sig = $piped;
    out($CH, "= $r $e $sig " . now() . " $x $fd $o\n");
    exit 0 if $cmd[0] eq 'reset-exit';
  }
  exit 0;
}
`
