/**
 * The packet capture: a few lines of Perl holding a raw AF_PACKET socket inside the run's
 * namespace (the namespace's own root may open one; tcpdump fails there only because it
 * drops privileges), printing every TCP segment as it leaves: ports, IP id, sequence and
 * acknowledgement numbers, flags, window and payload length, the moment it was sent.
 *
 * Lab faults drop and reject segments on the way *in* (nft.ts), so the capture sees every
 * segment that was sent, dropped and rejected ones included; the nft trace (trace.ts) says
 * what became of each, matched by IP id and ports in the order both saw them.
 */
import type { IcmpEvent, SegmentEvent } from '../../shared/lab-result'
import { FLAG_BITS, placeOf, segmentKey, type TracedSegment, type TracePorts } from './trace'

/**
 * Sub `capture` of the hub's Perl (perl-hub.ts): `ready <pid>`, then one line per TCP segment
 * sent: time sport dport ipid seq ack flags win len src dst (src and dst: the last bytes of the
 * addresses, 127.0.0.N, which tell the clients apart). The time is the kernel's own stamp of
 * the packet (SIOCGSTAMP, seconds of the real-time clock), not when Perl got to it.
 *
 * On `sync <n>` from the parent it reads every packet already queued on the socket, prints
 * them, then answers `synced <n>`: a packet sent before the parent asked is in the queue
 * (the packet socket gets its copy as the packet is sent), so after the answer the parent has
 * all of them, however late a busy machine let this process run.
 */
export const PERL_CAPTURE = String.raw`
sub capture {
  my ($fd) = @_;
  # AF_PACKET (17), SOCK_RAW (3), every protocol (htons(ETH_P_ALL) = 0x0300).
  socket(my $p, 17, 3, 0x0300) or die "socklab capture: packet socket: $!\n";
  # The first SIOCGSTAMP turns the socket's time stamps on: until then a packet has none and
  # the call answers with the moment of the call, later than packets read after it (the SYN
  # then sorted after the SYN-ACK). Ask once before anything is sent.
  my $t = "\0" x 16;
  ioctl($p, 0x8906, $t);
  out($fd, "ready $$\n");
  my $watch = '';
  vec($watch, fileno($p), 1) = 1;
  vec($watch, $fd, 1) = 1;
  while (1) {
    my $n = select(my $ready = $watch, undef, undef, undef);
    next if $n < 0 && $! + 0 == 4;
    return if $n < 0;
    # A blocking read: the socket said it has a packet.
    if (vec($ready, fileno($p), 1)) { return unless capture_one($fd, $p, 0) }
    next unless vec($ready, $fd, 1);
    my $line = getline($fd);
    return unless defined $line;
    while (defined $line) {
      if ($line =~ /^sync (\d+)$/) {
        # MSG_DONTWAIT (0x40): everything queued, then the answer.
        1 while capture_one($fd, $p, 0x40);
        out($fd, "synced $1\n");
      }
      # Another whole line already read waits in the buffer, where select cannot see it.
      $line = index($INBUF{$fd} // '', "\n") >= 0 ? getline($fd) : undef;
    }
  }
}
# Reads one packet and prints it when it is an outgoing IPv4 TCP segment; false when nothing
# was read (an error, or nothing queued under MSG_DONTWAIT).
sub capture_one {
  my ($fd, $p, $flags) = @_;
  my $from = recv($p, my $buf, 65600, $flags);
  return 0 unless defined $from;
  # Loopback shows each frame twice: keep the copy going out (PACKET_OUTGOING = 4).
  return 1 unless length($from) > 10 && unpack('C', substr($from, 10, 1)) == 4;
  my $ip = substr($buf, 14);
  return 1 if length($ip) < 40;
  my ($vihl, $tot, $id) = unpack('C x n n', $ip);
  return 1 unless $vihl >> 4 == 4 && unpack('C', substr($ip, 9, 1)) == 6;
  my $ihl = ($vihl & 15) * 4;
  my ($sp, $dp, $seq, $ack, $off, $fl, $win) = unpack('n n N N C C n', substr($ip, $ihl, 16));
  # SIOCGSTAMP (0x8906): the struct timeval of the packet just read.
  my $tv = "\0" x 16;
  my ($s, $us) = ioctl($p, 0x8906, $tv) ? unpack('l! l!', $tv) : (0, 0);
  out($fd, sprintf("%d.%06d %d %d %d %u %u %d %d %d %d %d\n", $s, $us, $sp, $dp, $id, $seq, $ack,
    $fl, $win, $tot - $ihl - ($off >> 4) * 4, unpack('C', substr($ip, 15, 1)),
    unpack('C', substr($ip, 19, 1))));
  return 1;
}
`

interface Sent {
  key: string
  event: SegmentEvent
}

/**
 * Merges the capture (what was sent, with sequence numbers) with the trace (what became of
 * it). Sequence and acknowledgement numbers are relative to each side's SYN, as the
 * simulator counts them; a segment that repeats sequence space already sent is marked as a
 * retransmission.
 */
export class PacketStream {
  private readonly isn = new Map<string, number>()
  private readonly next = new Map<string, number>()
  private readonly sent = new Map<string, Sent[]>()
  private readonly fates = new Map<string, TracedSegment[]>()
  /** The time given to the previous segment: the socket reads them in the order they left. */
  private lastMs = 0

  constructor(
    private readonly ports: TracePorts,
    private readonly emit: (event: SegmentEvent | IcmpEvent) => void,
    /** The run clock of a real-time stamp (ms since the epoch); undefined: use `readMs`. */
    private readonly fromRealMs: (ms: number) => number | undefined = () => undefined,
    /**
     * False when no nft trace runs (a script without net faults): nothing in the namespace
     * stops a segment, so each one is delivered and goes out as soon as it is read.
     */
    private readonly withTrace = true,
  ) {}

  /** One line of the capture, read at `readMs` (run clock). */
  packet(line: string, readMs: number): void {
    const f = line.trim().split(' ').map(Number)
    if ((f.length !== 9 && f.length !== 11) || f.some((n) => !Number.isFinite(n))) return
    const [stamp, sport, dport, ipId, seq, ack, bits, win, len, src = 1, dst = 1] = f as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ]
    const stamped = stamp > 0 ? this.fromRealMs(stamp * 1000) : undefined
    // The kernel's stamp, unless it is missing or claims a time after we read the line.
    // A segment never goes before one that left ahead of it (a reply before its cause): the
    // kernel stamps some packets as they are built, others as they are sent.
    const tMs = Math.max(
      this.lastMs,
      stamped !== undefined && stamped <= readMs ? Math.max(0, stamped) : readMs,
    )
    this.lastMs = tMs
    const flags = FLAG_BITS.filter(([b]) => (bits & b) !== 0).map(([, name]) => name)
    // Flows by address and port: two clients' hosts may use the same port number.
    const flow = `${src}:${sport}>${dst}:${dport}`
    const back = `${dst}:${dport}>${src}:${sport}`
    if (flags.includes('SYN')) this.isn.set(flow, seq)
    const mine = this.isn.get(flow)
    const theirs = this.isn.get(back)
    const hasAck = flags.includes('ACK')
    const known = mine !== undefined && (!hasAck || theirs !== undefined)
    const rel = (n: number, base: number | undefined): number =>
      base === undefined ? 0 : (n - base + 2 ** 32) % 2 ** 32
    const relSeq = rel(seq, mine)
    const size = len + (flags.includes('SYN') ? 1 : 0) + (flags.includes('FIN') ? 1 : 0)
    let retransmit = false
    if (known && size > 0) {
      const sentUpTo = this.next.get(flow) ?? 0
      retransmit = relSeq + size <= sentUpTo
      this.next.set(flow, Math.max(sentUpTo, relSeq + size))
    }
    const place = placeOf(this.ports, sport, dport, src, dst)
    const event: SegmentEvent = {
      tMs,
      type: 'segment',
      dir: place.dir,
      flags,
      seq: known ? relSeq : 0,
      ack: known && hasAck ? rel(ack, theirs) : 0,
      len,
      fate: 'delivered',
      win,
      ...(known ? {} : { seqKnown: false }),
      ...(retransmit ? { retransmit: true } : {}),
      ...(place.hop ? { hop: place.hop } : {}),
      ...(place.client ? { client: place.client } : {}),
    }
    if (!this.withTrace) {
      this.emit(event)
      return
    }
    const key = segmentKey(ipId, sport, dport)
    const fate = this.fates.get(key)?.shift()
    if (fate) this.merge({ key, event }, fate)
    else this.queue(this.sent, key, { key, event })
  }

  /** What the trace saw become of a segment (delivered, dropped or rejected on its way in). */
  traced(t: TracedSegment): void {
    const sent = this.sent.get(t.key)?.shift()
    if (sent) this.merge(sent, t)
    else this.queue(this.fates, t.key, t)
  }

  /** Segments the capture saw leave whose fate the trace has not told yet. */
  get awaitingFate(): number {
    let n = 0
    for (const list of this.sent.values()) n += list.length
    return n
  }

  /**
   * The end: a sent segment the trace never decided was delivered; a traced one the capture
   * never saw is reported as the trace saw it (without sequence numbers).
   */
  flush(): void {
    for (const list of this.sent.values()) for (const s of list) this.emit(s.event)
    for (const list of this.fates.values())
      for (const t of list) {
        this.emit(t.event)
        if (t.icmp) this.emit(t.icmp)
      }
    this.sent.clear()
    this.fates.clear()
  }

  private queue<T>(map: Map<string, T[]>, key: string, item: T): void {
    const list = map.get(key)
    if (list) list.push(item)
    else map.set(key, [item])
  }

  private merge(sent: Sent, traced: TracedSegment): void {
    const { fate, ruleStep } = traced.event
    this.emit({ ...sent.event, fate, ...(ruleStep !== undefined ? { ruleStep } : {}) })
    if (traced.icmp) this.emit({ ...traced.icmp, tMs: Math.max(traced.icmp.tMs, sent.event.tMs) })
  }
}
