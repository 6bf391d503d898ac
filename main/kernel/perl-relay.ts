/**
 * The middlebox of the `middlebox` topology: part of the network, not a program under test.
 * A Perl loop (forked by the hub, perl-hub.ts) that terminates TCP on each side (its kernel
 * ACKs what the client sends whether or not the server got it: the article's NAT/proxy case)
 * and copies bytes, FIN and RST across. `hold` stops forwarding both ways while it keeps
 * reading (so its kernel keeps ACKing); `release` forwards what was held, then any FIN that
 * arrived meanwhile. An RST or error on one side becomes an RST on the other.
 *
 * Protocol on its channel: `ready <pid>` once it listens; `hold` / `release` answered with a
 * reply line of the peer's shape (`= 0 0 0 <t> -1 -1`).
 */

/** The relay's Perl source (sub `relay`; needs the hub's common helpers). */
export const PERL_RELAY = String.raw`
sub nonblock { my $fl = fcntl($_[0], 3, 0); fcntl($_[0], 4, ($fl // 0) | 0x800) }

sub reset_close {
  my ($h) = @_;
  my $l = pack('i i', 1, 0);
  setsockopt($h, 1, 13, $l);
  close($h);
}

sub relay {
  my ($fd, $front, $back) = @_;
  $SIG{PIPE} = 'IGNORE';
  my $ctl = $FH{$fd};
  socket(my $l, 2, 1, 0) or die "socklab relay: socket: $!\n";
  bind($l, sockaddr($front)) && listen($l, 128) or die "socklab relay: listen $front: $!\n";
  my $held = 0;
  my @pairs;
  out($fd, "ready $$\n");
  while (1) {
    my ($rin, $win) = ('', '');
    vec($rin, fileno($ctl), 1) = 1;
    vec($rin, fileno($l), 1) = 1;
    for my $p (@pairs) {
      if ($p->{connecting}) { vec($win, fileno($p->{s}), 1) = 1; next }
      # Always read both sides (so this kernel keeps ACKing), even while held.
      for my $side ('c', 's') { vec($rin, fileno($p->{$side}), 1) = 1 if !$p->{eof}{$side} }
      next if $held;
      vec($win, fileno($p->{s}), 1) = 1 if length $p->{buf}{c};
      vec($win, fileno($p->{c}), 1) = 1 if length $p->{buf}{s};
    }
    next if select(my $rout = $rin, my $wout = $win, undef, undef) < 0;
    if (vec($rout, fileno($ctl), 1)) {
      my $line = getline($fd);
      exit 0 if !defined $line;
      my ($cmd) = split ' ', $line;
      $held = 1 if $cmd eq 'hold';
      $held = 0 if $cmd eq 'release';
      out($fd, '= 0 0 0 ' . now() . " -1 -1\n");
    }
    if (vec($rout, fileno($l), 1) && accept(my $c, $l)) {
      socket(my $s, 2, 1, 0);
      nonblock($s);
      connect($s, sockaddr($back));
      nonblock($c);
      push @pairs, { c => $c, s => $s, connecting => 1, buf => { c => '', s => '' },
        eof => { c => 0, s => 0 }, shut => { c => 0, s => 0 } };
    }
    for my $p (@pairs) {
      if ($p->{connecting}) {
        next unless vec($wout, fileno($p->{s}), 1);
        my $err = unpack('i', getsockopt($p->{s}, 1, 4) // pack('i', 111));
        if ($err) { reset_close($p->{c}); close($p->{s}); $p->{dead} = 1; next }
        $p->{connecting} = 0;
        next;
      }
      for my $side ('c', 's') {
        my $h = $p->{$side};
        next if $p->{dead} || !vec($rout, fileno($h), 1);
        my $got = sysread($h, my $chunk, 65536);
        if ($got) { $p->{buf}{$side} .= $chunk }
        elsif (defined $got) { $p->{eof}{$side} = 1 }
        elsif ($! + 0 != 11) {
          reset_close($p->{$side eq 'c' ? 's' : 'c'});
          close($h);
          $p->{dead} = 1;
        }
      }
      next if $p->{dead} || $held;
      for my $side ('c', 's') {
        my $to = $p->{$side eq 'c' ? 's' : 'c'};
        if (length $p->{buf}{$side}) {
          my $w = syswrite($to, $p->{buf}{$side});
          if (defined $w) { substr($p->{buf}{$side}, 0, $w, '') }
          elsif ($! + 0 != 11) { reset_close($p->{$side}); close($to); $p->{dead} = 1; last }
        }
        if (!length $p->{buf}{$side} && $p->{eof}{$side} && !$p->{shut}{$side}) {
          shutdown($to, 1);
          $p->{shut}{$side} = 1;
        }
      }
      if (!$p->{dead} && $p->{shut}{c} && $p->{shut}{s}) {
        close($p->{c});
        close($p->{s});
        $p->{dead} = 1;
      }
    }
    @pairs = grep { !$_->{dead} } @pairs;
  }
}
`
