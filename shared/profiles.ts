/**
 * OS profiles as data: the timers, give-up rules and error mappings that make Linux, Windows
 * and macOS answer the same lab script differently (docs/os-profiles.md, docs/kernel-rules.md).
 *
 * The simulator reads only these fields; adding a profile means adding an entry here and its
 * id to `PROFILE_IDS` in lab-script.ts, never touching the engine. Every number carries its
 * source; where a number is derived rather than documented, the comment says so.
 */
import type { ErrnoName, ErrnoSystem } from './errno'
import type { Localized, ProfileId } from './lab-script'

/** ICMP errors the network can answer with (`reject`). */
export type IcmpKind =
  'host-unreachable' | 'net-unreachable' | 'port-unreachable' | 'admin-prohibited'

/**
 * When a handshake or a data transfer is given up.
 * - `time-budget`: Linux. The connection dies at the first timer expiry at or past the time
 *   that N exponential backoffs from `baseMs` would take (tcp_model_timeout in tcp_timer.c:
 *   ((2^(N+1)) - 1) x base while below the RTO ceiling, then + rtoMax per retry).
 * - `count`: classic BSD / Windows. It dies at the first expiry after N retransmissions.
 */
export type GiveUpRule = { kind: 'time-budget'; baseMs: number } | { kind: 'count' }

/** A retransmission schedule: first timeout, how many stay linear, ceiling, give-up rule. */
export interface RetransmitRule {
  /** Default retry count (N of the give-up rule). */
  retries: number
  initialRtoMs: number
  /** Timeouts that keep the initial value before doubling starts (Linux 6.5 linear SYN). */
  linearTimeouts: number
  maxRtoMs: number
  giveUp: GiveUpRule
  /** A wall-clock cut from the first transmission, whatever the count (macOS keepinit). */
  deadlineMs?: number
}

/** Loss detection before the retransmission timer (`OsProfile.lossDetection`). */
export type LossDetection =
  { kind: 'rack' } | { kind: 'dupack'; threshold: number; earlyRetransmit: boolean }

/** How ICMP errors reach a connecting socket. */
export type IcmpConnectRule =
  /** Ignored entirely (Windows without TCP_FAIL_CONNECT_ON_ICMP_ERROR). */
  | { kind: 'ignore' }
  /**
   * Linux tcp_v4_err in SYN_SENT: fatal at once, unless the socket is locked by the blocking
   * connect() that is still sending its first SYN; then it is kept as a soft error and
   * reported at the next SYN tick (measured: about 1 s later). That happens when the reject
   * comes from the sender's own kernel, as the lab's nft rule does; see the simulator's
   * decision record.
   */
  | { kind: 'hard-unless-first-syn' }
  /** BSD tcp_notify: soft until more than `afterRetransmits` SYN retransmissions. */
  | { kind: 'soft-until'; afterRetransmits: number }

/**
 * How a profile fact is known: the OS's documentation, its source code, a measurement, a
 * report (the article, others' tests), or assumed where nothing better was found.
 */
export type SourceKind = 'documented' | 'source-code' | 'measured' | 'reported' | 'assumed'

/** Where one profile fact comes from (docs/os-profiles.md repeats these). */
export interface FactSource {
  kind: SourceKind
  /** The document, source file or report, named so a reader can find it. */
  source: string
}

/**
 * The facts a student is most likely to doubt, each with its source, so the UI and the docs
 * can say whether a behaviour is documented or only reported (issue 10).
 */
export interface ProfileSources {
  /** What a process that dies without close() sends (`processExit`). */
  processExit: readonly FactSource[]
  /** The errno of an RST that our data drew after the peer's FIN (`errors.rstInCloseWait`). */
  rstInCloseWait: readonly FactSource[]
  /** Whether send() checks "cannot send more" before a pending error. */
  sendShutdownBeforeError: readonly FactSource[]
  /** Whether the first retransmission of data is a tail-loss probe (`data.tailLossProbe`). */
  tailLossProbe: readonly FactSource[]
  /** Whether connections carry TCP timestamps (`timestamps`). */
  timestamps: readonly FactSource[]
  /** What poll() and getsockopt(SO_ERROR) show of a non-blocking connect (`nonblocking`). */
  nonblocking: readonly FactSource[]
}

/**
 * A signal caught by a handler while the program is blocked in a socket call (signal(7),
 * sigaction(2)).
 * - `posix`: the call fails with EINTR, or is restarted when the handler has SA_RESTART. A
 *   send() that had copied some bytes returns that count either way. `restartWithTimeout`:
 *   whether SA_RESTART still restarts a call on a socket with SO_RCVTIMEO (Linux: no,
 *   sock_intr_errno gives EINTR when the socket has a timeout; BSD: yes, sbwait's ERESTART
 *   does not look at the timeout, and the restarted call waits its whole timeout again).
 *   `connectRestarts`: whether SA_RESTART restarts connect() (Linux: yes, the restarted call
 *   waits for the same handshake; 4.4BSD and XNU turn ERESTART into EINTR). An EINTR connect
 *   leaves the handshake going on in the background.
 * - `none`: Windows has no POSIX signals; the nearest, a console control event, runs its
 *   handler on a new thread (Microsoft Learn, "signal" and "HandlerRoutine"), so the blocked
 *   Winsock call is not interrupted.
 */
export type SignalRule =
  { kind: 'posix'; restartWithTimeout: boolean; connectRestarts: boolean } | { kind: 'none' }

/**
 * A time limit a program puts on one connection's retransmissions (Linux TCP_USER_TIMEOUT,
 * ms; macOS TCP_RXT_CONNDROPTIME and Windows TCP_MAXRT, whole seconds: the lab's ms are
 * rounded up). It counts from the first retransmission on a timer.
 * - `unit`: what the OS's option counts in.
 * - `replacesRetries`: Linux retransmits_timed_out uses it instead of the tcp_retries2 budget;
 *   elsewhere it is one more limit beside the retransmission count.
 * - `clampRto`: Linux 4.19+ tcp_clamp_rto_to_user_timeout cuts the retransmission timer so it
 *   fires at the limit; otherwise the limit is checked when the timer next fires.
 * - `keepalive`: Linux tcp_keepalive_timer gives up once the connection has been silent that
 *   long with a probe out, instead of after keepcnt probes.
 * - `zeroWindow`: Linux 5.11+ tcp_probe_timer (commit 9d9b1ee0b2d1, "tcp: fix TCP_USER_TIMEOUT
 *   with zero window") gives up once the peer's window has stayed shut that long since the
 *   first window probe, even while the peer answers every probe; the probe timer is cut to
 *   the limit (tcp_clamp_probe0_to_user_timeout).
 */
export interface UserTimeoutRule {
  unit: 'ms' | 's'
  replacesRetries: boolean
  clampRto: boolean
  keepalive: boolean
  zeroWindow: boolean
}

/**
 * How poll() reads a TCP socket (lab script version 2):
 * - `linux` (net/ipv4/tcp.c tcp_poll): POLLHUP when the socket is CLOSE or shut both ways;
 *   POLLIN once shut for reading (a FIN, or the connection's end) or with data, a listener
 *   with a connection queued; POLLOUT, outside SYN_SENT/SYN_RECV, when shut for writing or
 *   when there is room (sk_stream_is_writeable: free space at least half of what is queued);
 *   POLLERR while sk_err is set or the error queue holds something.
 * - `bsd` (FreeBSD sopoll_generic, soreadable/sowriteable; XNU's poll over kqueue's
 *   filt_soread/filt_sowrite alike): POLLIN when readable (data, no more to receive, a
 *   pending so_error, a queued connection), POLLOUT when connected with room, unable to send
 *   more, or with so_error pending; POLLHUP once it can neither receive nor send; never POLLERR.
 * - `winsock` (Microsoft Learn, WSAPoll): as Linux for data and room; a connect that failed
 *   is POLLHUP|POLLERR|POLLWRNORM (Windows 10 2004 and later); a socket never connected shows
 *   nothing (assumed).
 */
export type PollRule = 'linux' | 'bsd' | 'winsock'

/** Everything the simulator needs to behave like one OS. */
export interface OsProfile {
  id: ProfileId
  label: Localized
  /** Which column of shared/errno.ts gives numbers and messages. */
  errnoSystem: ErrnoSystem
  syn: RetransmitRule
  synack: RetransmitRule
  /** Data and FIN retransmission (retries2 on Linux). */
  data: RetransmitRule & {
    /** Minimum RTO (RFC 6298 2.4 says 1 s; Linux uses 200 ms). */
    minRtoMs: number
    /**
     * How the RTO follows the RTT estimate. `rfc6298`: max(min, SRTT + 4 RTTVAR). `linux`:
     * SRTT + max(4 RTTVAR, min): tcp_rtt_estimator never lets rttvar_us fall below
     * tcp_rto_min, so the RTO always sits a little above 200 ms (__tcp_set_rto).
     */
    rtoRule: 'rfc6298' | 'linux'
    /**
     * Timer granularity: an RTO is rounded up to it (Linux counts jiffies: 4 ms at HZ=250,
     * the Debian and Ubuntu kernels' setting). 0: exact. It decides whether the last backoff
     * tick of a time budget lands just short of it or just past it.
     */
    timerTickMs: number
    /** Tail-loss probe before the first RTO (Linux, RFC 8985). */
    tailLossProbe: boolean
  }
  /** RST answering our SYN: retry the SYN this often (no backoff) up to syn.retries times. */
  refusedRetryMs: number | null
  keepalive: { idleS: number; intervalS: number; count: number }
  /** Socket buffer sizes the simulator uses (bytes). */
  buffers: { send: number; receive: number }
  /** Listen backlog used when the program does not choose one (SOMAXCONN). */
  backlog: number
  /**
   * When a listener's queue is full, and what a SYN then meets. `limit`: `backlog+1` (Linux
   * sk_acceptq_is_full: full once more than `backlog` completed connections wait, so a
   * backlog of 1 queues 2; measured), `bsd` (sonewconn: over once more than 3/2 x backlog
   * connections, complete or not, wait), `backlog`. `overflow`: `drop` the SYN (the client
   * retransmits it; Linux also drops the final ACK of a handshake that finds the queue full)
   * or `refuse` it with RST (Winsock, listen(): "the client will receive an error with an
   * indication of WSAECONNREFUSED").
   */
  acceptQueue: { limit: 'backlog+1' | 'bsd' | 'backlog'; overflow: 'drop' | 'refuse' }
  /**
   * Which RST resets a synchronized connection. `exact` (RFC 5961 3.2; Linux
   * tcp_validate_incoming since 3.6, measured): one whose sequence number is exactly RCV.NXT
   * (or RCV.NXT - 1 after the peer's FIN, or the right edge of the highest SACK block); one
   * elsewhere in the window draws a challenge ACK instead, which an honest peer answers with
   * an exact RST. `window` (RFC 793): any RST inside the window.
   */
  rstCheck: 'exact' | 'window'
  /** TIME_WAIT length (2 MSL) and the orphaned FIN_WAIT_2 timeout, in ms. */
  timeWaitMs: number
  finWait2Ms: number
  /**
   * How long the ACK of a FIN that arrives in ESTABLISHED waits for a segment to ride on. Linux
   * enters "pingpong" (delayed-ACK) mode in tcp_fin and acknowledges on the delayed-ACK timer
   * (TCP_ATO_MIN, 40 ms, once the connection has received data; on one that never did, `ato`
   * is 0 and the ACK leaves at the next timer tick) unless data or our own FIN leaves first;
   * BSD acknowledges a FIN at once (TF_ACKNOW). 0: at once.
   */
  finAckDelayMs: number
  /** What the OS sends for the sockets of a process that exits without close(). */
  processExit: 'close' | 'reset'
  /** Whether send() on a broken connection raises SIGPIPE. */
  sigpipe: boolean
  /** What a signal (lab step `signal`) does to a call blocked in it: {@link SignalRule}. */
  signals: SignalRule
  /** The per-connection retransmission time limit (lab step `usertimeout`): {@link UserTimeoutRule}. */
  userTimeout: UserTimeoutRule
  errors: {
    rstInSynSent: ErrnoName
    /** RST received while CLOSE_WAIT (we had the peer's FIN, our data drew the RST). */
    rstInCloseWait: ErrnoName
    rstOther: ErrnoName
    timeout: ErrnoName
    /** send() once the connection is finished (after the error was reported, or shutdown). */
    sendAfterShutdown: ErrnoName
    /** send() on a socket that never connected (or whose connect failed). */
    sendNotConnected: ErrnoName
    recvNotConnected: ErrnoName
    recvTimeout: ErrnoName
    icmp: Record<IcmpKind, ErrnoName>
    /**
     * recv() when both a FIN and a later error are pending: Linux checks SOCK_DONE (FIN)
     * first and returns 0; BSD's soreceive checks so_error first.
     */
    recvFinBeforeError: boolean
    /** BSD sosend checks SS_CANTSENDMORE before so_error: EPIPE even with an error pending. */
    sendShutdownBeforeError: boolean
    /** The pending error is reported once (POSIX) or to every later call (Winsock). */
    sticky: boolean
  }
  icmpConnect: IcmpConnectRule
  /**
   * ICMP on an established connection: kept as a soft error (reported only if the connection
   * later times out), ignored, or ignored for host/net unreachable only (BSD tcp_notify).
   */
  icmpEstablished: 'soft' | 'ignore' | 'soft-except-unreachable'
  /**
   * ICMP about the SYN-ACK of a connection still in the handshake: Linux removes the half-open
   * request silently on a net or host unreachable (tcp_v4_err hands it to tcp_req_err with
   * abort set), so no SYN-ACK is repeated and a later SYN starts again; or ignored.
   */
  icmpSynRcvd: 'drop-if-unreachable' | 'ignore'
  /**
   * What forgets a soft ICMP error: any acceptable ACK (Linux tcp_ack: "Something worked..."),
   * or only an ACK that gives an RTT sample, i.e. acknowledges data that was not
   * retransmitted (BSD tcp_xmit_timer). Until then a timeout reports it instead of ETIMEDOUT.
   */
  softErrorClear: 'any-ack' | 'rtt-sample'
  /**
   * shutdown() on a listening socket: Linux stops listening for SHUT_RD or SHUT_RDWR (the
   * listener is disconnected, its queued connections reset) and ignores SHUT_WR, returning 0
   * either way; BSD and Winsock refuse with ENOTCONN, as for any socket not connected.
   */
  shutdownListener: 'disconnect' | 'enotconn'
  /**
   * accept() takes a connection that was reset (or otherwise ended) while it waited in the
   * accept queue. `hand-out`: Linux returns it like any other (inet_csk_accept only dequeues);
   * data that arrived before the RST is still readable, then the next call fails with
   * ECONNRESET. `econnaborted`: BSD's accept fails with ECONNABORTED (tcp_usr_accept: the
   * socket is SS_ISDISCONNECTED). `econnreset`: Winsock's accept fails with WSAECONNRESET
   * ("terminated by the remote peer prior to accepting the call"). Either way the connection
   * is gone and the next accept() waits for another.
   */
  acceptAborted: 'hand-out' | 'econnaborted' | 'econnreset'
  /**
   * Whether bind() may take a port another socket of the host holds (a listener, a connection,
   * one in TIME_WAIT, a socket merely bound). `both-reuse` (Linux inet_bind_conflict, measured):
   * only when the new socket and the holder both have SO_REUSEADDR and the holder is not
   * listening. `new-reuse` (BSD in_pcbbind): when the new socket has SO_REUSEADDR and the
   * holder is a connection (the exact-address lookup SO_REUSEADDR asks for skips connected
   * PCBs). `winsock`: a connection in TIME_WAIT never blocks bind(); otherwise both need
   * SO_REUSEADDR, and a new socket with it over a holder without it is refused with
   * WSAEACCES (Microsoft, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE").
   */
  bindConflict: 'both-reuse' | 'new-reuse' | 'winsock'
  /**
   * New data for a socket shut for reading (shutdown SHUT_RD, not closed): Linux answers with
   * RST and resets its own socket too (tcp_rcv_state_process: RCV_SHUTDOWN, then tcp_reset,
   * so the program's next call fails with ECONNRESET); BSD resets only a socket nobody holds
   * any more (SS_NOFDREF, i.e. closed) and otherwise drops the data.
   */
  dataAfterShutRd: 'reset' | 'discard'
  /**
   * Where keepalive's idle time is counted from when a program turns keepalive on with its
   * idle time (SO_KEEPALIVE, then TCP_KEEPIDLE, as the lab does): Linux from the last segment
   * received (tcp_sock_set_keepidle_locked restarts the timer with what is left of the idle
   * time: keepalive_time_elapsed), so a connection idle long enough is probed at once; BSD
   * from the moment the option is set (TCP_KEEPALIVE restarts TCPT_KEEP from now).
   */
  keepaliveIdleFrom: 'last-receive' | 'enable'
  /**
   * RFC 6069: a host or net unreachable about the segment being retransmitted undoes one
   * backoff, so the connection keeps retrying at its base RTO instead of waiting longer and
   * longer (Linux tcp_ld_RTO_revert, measured: retransmissions 204 ms apart while rejected).
   */
  icmpRtoRevert: boolean
  /**
   * How a sender finds a lost segment before its retransmission timer fires. Every profile
   * negotiates SACK, and every receiver keeps what arrives beyond rcv.nxt and answers it at
   * once with a duplicate ACK whose SACK blocks say what it holds (RFC 5681 4.2, RFC 2018).
   * - `rack` (RFC 8985; Linux tcp_rack_mark_lost): a segment is lost once a segment sent
   *   after it has been delivered (acknowledged or SACKed), and is repeated at once. The
   *   reordering window (min RTT / 4, microseconds on loopback) is left out: measured, the
   *   repeat follows the duplicate ACK at once.
   * - `dupack` (RFC 5681 3.2, with RFC 6675's use of SACK): fast retransmit once `threshold`
   *   duplicate ACKs have arrived, then every hole below the highest SACKed byte once;
   *   `earlyRetransmit` (RFC 5827) lowers the threshold to one less than the segments in
   *   flight when fewer than four are and nothing new can be sent.
   */
  lossDetection: LossDetection
  /**
   * Nagle's algorithm (RFC 896; the lab's programs do not set TCP_NODELAY): a segment shorter
   * than the MSS at the end of what was written waits while data is unacknowledged. Linux uses
   * Minshall's variant (tcp_nagle_check, tcp_minshall_check): it waits only while an earlier
   * short segment is unacknowledged; BSD and Winsock the classic rule (anything in flight). A
   * FIN goes with it at once, and Linux's tail-loss probe sends the waiting data.
   */
  nagle: 'minshall' | 'classic'
  /**
   * TCP timestamps (RFC 7323) on every connection: each segment carries its send time (TSval)
   * and echoes the peer's (TSecr), so an ACK of something sent twice still gives an RTT sample,
   * now - TSecr, where Karn's rule forbids the sequence-number sample (RFC 6298 3). That decides
   * the RTT after a handshake whose SYN or SYN-ACK was repeated: Linux takes it from the echo
   * (tcp_ack_update_rtt, tcp_synack_rtt_meas), in whole milliseconds and at least 1 ms; without
   * timestamps there is no sample and the tail-loss probe waits the 1 s initial timeout.
   */
  timestamps: boolean
  /**
   * Retransmissions a closed (orphaned) connection makes before it gives up, in place of the
   * data rule's count: Linux's tcp_orphan_retries (0, which means 8 while the RTO is below its
   * ceiling: tcp_write_timeout with SOCK_DEAD), so a FIN nobody acknowledges is repeated for
   * about 100 s even with tcp_retries2 = 2 (measured). Absent: the data rule applies.
   */
  orphanRetries?: number
  /**
   * shutdown() on a socket that is not connected (never connected, or its connect failed)
   * fails with ENOTCONN everywhere, but Linux marks the socket shut anyway: a later recv()
   * returns 0 for SHUT_RD, and the marks outlive a connect(). BSD and Winsock return before
   * touching the socket.
   */
  shutdownUnconnected: 'enotconn-and-shut' | 'enotconn'
  /**
   * The program's socket once its connection is in TIME_WAIT. `detached`: Linux hands TIME_WAIT
   * to a timewait sock when it begins and closes the program's socket, so calls see a closed
   * socket (shutdown ENOTCONN) and close() or abort() leave TIME_WAIT running. `attached`: the
   * socket is the TIME_WAIT connection; close() or abort() end it quietly (no RST).
   */
  timeWaitSocket: 'detached' | 'attached'
  /** Non-blocking connect, poll() and getsockopt(SO_ERROR) (lab script version 2). */
  nonblocking: {
    /** How poll() computes revents. */
    pollRule: PollRule
    /**
     * An ICMP error about a connecting socket's SYN is queued on its error queue, so poll()
     * reports POLLERR at once, even while the error itself is only a soft one (Linux tcp_v4_err
     * calls ip_icmp_error in SYN_SENT since commit 45af29ca761c "tcp: allow traceroute -Mtcp
     * for unpriv users", 2020, Linux 5.8; measured on 6.18 without IP_RECVERR). Only
     * recvmsg(MSG_ERRQUEUE), which the lab never calls, empties it.
     */
    icmpErrorQueue: boolean
    /**
     * getsockopt(SO_ERROR) with no pending error reads the soft error and clears it (Linux
     * sock_getsockopt: sock_error, then xchg(&sk->sk_err_soft, 0)); BSD reads so_error only.
     */
    soErrorSoft: boolean
    /**
     * shutdown() on a socket still connecting (only a non-blocking connect leaves the program
     * free to call it). `disconnect`: Linux inet_shutdown, case TCP_SYN_SENT, calls
     * tcp_disconnect for any `how`: the socket is CLOSE with its shutdown marks cleared and
     * ECONNRESET pending (sk_err), and shutdown returns 0 (measured). `usrclosed`: BSD
     * soshutdown on a connecting socket; SHUT_RD stops receiving only, SHUT_WR closes the
     * attempt (tcp_usrclosed: SYN_SENT -> tcp_close), no error. `enotconn`: refused.
     */
    shutdownConnecting: 'disconnect' | 'usrclosed' | 'enotconn'
  }
  /** Where the facts students doubt most come from. */
  sources: ProfileSources
}

const LINUX_ICMP: Record<IcmpKind, ErrnoName> = {
  // net/ipv4/icmp.c icmp_err_convert[]: PKT_FILTERED (admin prohibited) -> EHOSTUNREACH.
  'host-unreachable': 'EHOSTUNREACH',
  'net-unreachable': 'ENETUNREACH',
  'port-unreachable': 'ECONNREFUSED',
  'admin-prohibited': 'EHOSTUNREACH',
}

const linux: OsProfile = {
  id: 'linux',
  label: { en: 'Linux 6.5+', zh: 'Linux 6.5 及以后' },
  errnoSystem: 'linux',
  syn: {
    retries: 6, // net.ipv4.tcp_syn_retries default (ip-sysctl.rst)
    initialRtoMs: 1000, // TCP_TIMEOUT_INIT, RFC 6298 2.1
    linearTimeouts: 4, // net.ipv4.tcp_syn_linear_timeouts default since 6.5
    maxRtoMs: 120_000, // TCP_RTO_MAX
    // Measured on 6.18: N = 1, 2, 3 -> ETIMEDOUT at 3.1, 7.1, 19.4 s; default ~131 s.
    giveUp: { kind: 'time-budget', baseMs: 1000 },
  },
  synack: {
    retries: 5, // net.ipv4.tcp_synack_retries default
    initialRtoMs: 1000,
    linearTimeouts: 0, // the request socket timer doubles from the start (1, 3, 7, 15, 31 s)
    maxRtoMs: 120_000,
    giveUp: { kind: 'count' }, // reqsk_timer_handler counts retransmissions
  },
  data: {
    retries: 15, // net.ipv4.tcp_retries2 default: 924.6 s budget from 200 ms
    initialRtoMs: 1000,
    linearTimeouts: 0,
    maxRtoMs: 120_000, // TCP_RTO_MAX
    minRtoMs: 200, // TCP_RTO_MIN
    rtoRule: 'linux', // __tcp_set_rto: srtt + rttvar, rttvar >= tcp_rto_min
    timerTickMs: 4, // CONFIG_HZ=250 (Debian, Ubuntu generic); HZ=1000 kernels tick at 1 ms
    tailLossProbe: true, // net.ipv4.tcp_early_retrans = 3 (TLP on) since Linux 3.10
    giveUp: { kind: 'time-budget', baseMs: 200 },
  },
  refusedRetryMs: null,
  keepalive: { idleS: 7200, intervalS: 75, count: 9 }, // tcp_keepalive_time/intvl/probes
  // Receive: tcp_rmem[1]. Send: tcp_wmem[1] (16 KiB) is only the start; tcp_sndbuf_expand()
  // sizes it after the handshake to 2 x initial cwnd (10) x per-segment truesize (4352 for a
  // 1460-byte MSS). On loopback (64 KiB MSS) it is over 1 MB: the kernel lab reports that.
  buffers: { send: 87_040, receive: 131_072 },
  backlog: 4096, // net.core.somaxconn default since 5.4
  // include/net/sock.h sk_acceptq_is_full; net/ipv4/tcp_input.c tcp_conn_request (measured)
  acceptQueue: { limit: 'backlog+1', overflow: 'drop' },
  // net/ipv4/tcp_input.c tcp_validate_incoming, step 2 (measured: fuzz seed 7 #119, an RST
  // behind lost data drew a challenge ACK that a firewall then dropped)
  rstCheck: 'exact',
  timeWaitMs: 60_000, // TCP_TIMEWAIT_LEN
  finWait2Ms: 60_000, // net.ipv4.tcp_fin_timeout
  finAckDelayMs: 40, // net/ipv4/tcp_input.c tcp_fin: inet_csk_enter_pingpong_mode; TCP_DELACK_MIN
  processExit: 'close', // kill -9 closes sockets normally: FIN (RST if unread data)
  sigpipe: true,
  // signal(7): socket calls restart with SA_RESTART unless SO_RCVTIMEO/SO_SNDTIMEO is set
  // (net/core/sock.c sock_intr_errno: -ERESTARTSYS only for an infinite timeout);
  // net/ipv4/af_inet.c __inet_stream_connect waits again on a restarted call.
  signals: { kind: 'posix', restartWithTimeout: false, connectRestarts: true },
  // tcp(7) TCP_USER_TIMEOUT (since 2.6.37); net/ipv4/tcp_timer.c retransmits_timed_out,
  // tcp_clamp_rto_to_user_timeout (4.19+), tcp_keepalive_timer.
  userTimeout: {
    unit: 'ms',
    replacesRetries: true,
    clampRto: true,
    keepalive: true,
    zeroWindow: true,
  },
  errors: {
    rstInSynSent: 'ECONNREFUSED', // tcp_reset(): SYN_SENT
    rstInCloseWait: 'EPIPE', // tcp_reset(): CLOSE_WAIT
    rstOther: 'ECONNRESET',
    timeout: 'ETIMEDOUT',
    sendAfterShutdown: 'EPIPE', // tcp_sendmsg: SEND_SHUTDOWN -> EPIPE (+SIGPIPE)
    sendNotConnected: 'EPIPE', // sk_stream_wait_connect on a CLOSE socket
    recvNotConnected: 'ENOTCONN', // tcp_recvmsg on a never-connected socket
    recvTimeout: 'EAGAIN', // SO_RCVTIMEO expiry
    icmp: LINUX_ICMP,
    recvFinBeforeError: true, // tcp_recvmsg_locked: SOCK_DONE is tested before sk_err
    sendShutdownBeforeError: false, // sk_stream_error: sock_error() first
    sticky: false, // sock_error() clears sk_err
  },
  icmpConnect: { kind: 'hard-unless-first-syn' }, // tcp_v4_err SYN_SENT; docs/os-profiles.md
  icmpEstablished: 'soft', // tcp_v4_err: sk_err_soft unless IP_RECVERR
  icmpSynRcvd: 'drop-if-unreachable', // tcp_v4_err TCP_NEW_SYN_RECV, tcp_req_err (measured)
  softErrorClear: 'any-ack', // net/ipv4/tcp_input.c tcp_ack, also for the SYN-ACK
  shutdownListener: 'disconnect', // net/ipv4/af_inet.c inet_shutdown, case TCP_LISTEN
  acceptAborted: 'hand-out', // net/ipv4/inet_connection_sock.c inet_csk_accept (measured)
  bindConflict: 'both-reuse', // net/ipv4/inet_connection_sock.c inet_bind_conflict (measured)
  dataAfterShutRd: 'reset', // net/ipv4/tcp_input.c tcp_rcv_state_process, step 7 (measured)
  keepaliveIdleFrom: 'last-receive', // net/ipv4/tcp.c tcp_sock_set_keepidle_locked (measured)
  icmpRtoRevert: true, // net/ipv4/tcp_ipv4.c tcp_ld_RTO_revert, RFC 6069 (measured)
  orphanRetries: 8, // net/ipv4/tcp_timer.c tcp_orphan_retries (sysctl 0 -> 8) (measured)
  // net/ipv4/tcp_recovery.c tcp_rack_mark_lost (sysctl tcp_recovery = 1, the default since 4.4);
  // measured: a lost segment is repeated 0.03 ms after the duplicate ACK that SACKs a later one
  lossDetection: { kind: 'rack' },
  nagle: 'minshall', // net/ipv4/tcp_output.c tcp_nagle_check (fuzz seed 23 #656, measured)
  timestamps: true, // net.ipv4.tcp_timestamps = 1 (ip-sysctl.rst); measured, see sources
  // net/ipv4/af_inet.c inet_shutdown: case TCP_CLOSE sets -ENOTCONN and falls through to
  // sk_shutdown |= how; measured with the kernel lab (recv 0 after it, also after connect)
  shutdownUnconnected: 'enotconn-and-shut',
  // net/ipv4/tcp_minisocks.c tcp_time_wait: the timewait sock replaces the socket, then
  // tcp_done(sk); __tcp_close on a TCP_CLOSE socket sends nothing. Measured: abort keeps
  // TIME_WAIT, shutdown gets ENOTCONN
  timeWaitSocket: 'detached',
  nonblocking: {
    pollRule: 'linux', // net/ipv4/tcp.c tcp_poll (measured: refused -> POLLOUT|POLLERR|POLLHUP)
    icmpErrorQueue: true, // tcp_v4_err -> ip_icmp_error in SYN_SENT (5.8+); measured on 6.18
    soErrorSoft: true, // net/core/sock.c sk_getsockopt SO_ERROR: sock_error, then sk_err_soft
    // net/ipv4/af_inet.c inet_shutdown -> tcp_disconnect: sk_err = ECONNRESET (measured)
    shutdownConnecting: 'disconnect',
  },
  sources: {
    processExit: [
      {
        kind: 'source-code',
        source: 'Linux: exit closes every file (do_exit -> tcp_close): FIN, RST if unread data',
      },
      { kind: 'measured', source: 'kernel lab, SIGKILL on Linux 6.18 (docs/kernel-rules.md)' },
    ],
    rstInCloseWait: [
      {
        kind: 'source-code',
        source: 'Linux net/ipv4/tcp_input.c tcp_reset(): CLOSE_WAIT -> EPIPE',
      },
      { kind: 'measured', source: 'kernel lab, peer.close (docs/kernel-rules.md)' },
    ],
    sendShutdownBeforeError: [
      {
        kind: 'source-code',
        source: 'Linux net/core/stream.c sk_stream_error(): sock_error() first',
      },
    ],
    tailLossProbe: [
      {
        kind: 'source-code',
        source: 'Linux commit 6ba8a3b19e76 "tcp: Tail loss probe (TLP)", merged in 3.10',
      },
      {
        kind: 'measured',
        source: 'kernel lab: a probe about 200 ms after the send (docs/kernel-rules.md)',
      },
    ],
    timestamps: [
      { kind: 'documented', source: 'Linux ip-sysctl.rst: net.ipv4.tcp_timestamps, default 1' },
      {
        kind: 'source-code',
        source:
          'Linux net/ipv4/tcp_input.c tcp_ack_update_rtt: the RTT from TSecr when Karn forbids the sequence sample',
      },
      {
        kind: 'measured',
        source:
          'kernel lab: a probe 204 ms after the send on a connection whose SYN was repeated (docs/kernel-rules.md)',
      },
    ],
    nonblocking: [
      {
        kind: 'source-code',
        source:
          'Linux net/ipv4/tcp.c tcp_poll; net/core/sock.c sk_getsockopt SO_ERROR (sock_error, then sk_err_soft); net/ipv4/tcp_ipv4.c tcp_v4_err, SYN_SENT: ip_icmp_error, then sk_err_soft while connect() holds the socket',
      },
      {
        kind: 'measured',
        source:
          'kernel lab on 6.18: connect -1 EINPROGRESS; refused: poll POLLOUT|POLLERR|POLLHUP, SO_ERROR ECONNREFUSED then 0; host unreachable: poll POLLERR at once, SO_ERROR EHOSTUNREACH (the soft error) (docs/kernel-rules.md)',
      },
    ],
  },
}

const linuxLegacy: OsProfile = {
  ...linux,
  id: 'linux-legacy',
  label: { en: "Linux before 6.5 (the article's kernels)", zh: 'Linux 6.5 之前（文章所用内核）' },
  // Without linear timeouts: SYNs at 0, 1, 3, 7, 15, 31, 63 s and ETIMEDOUT at 127 s
  // (the article's Ubuntu 12.04 figures; tcp_syn_linear_timeouts = 0 gives the same).
  syn: { ...linux.syn, linearTimeouts: 0 },
  // The article's kernels are 3.2 to 3.8 (Ubuntu 12.04 and 12.10); the tail-loss probe came in
  // 3.10, so their first retransmission of data is the RTO's (main/sim/tcp/output.ts reads this).
  data: { ...linux.data, tailLossProbe: false },
  // TCP_USER_TIMEOUT is in 2.6.37 with its keepalive rule; tcp_clamp_rto_to_user_timeout came
  // in 4.19 (commit b701a99e431d), after the article's kernels: the limit is checked when the
  // retransmission timer next fires.
  // The zero-window rule came in 5.11.
  userTimeout: { ...linux.userTimeout, clampRto: false, zeroWindow: false },
  // RACK came in 4.4; 3.2 marks the head lost once three segments above it are SACKed (FACK,
  // tcp_reordering = 3), and RFC 5827 early retransmit came in 3.5 (assumed off for the article)
  lossDetection: { kind: 'dupack', threshold: 3, earlyRetransmit: false },
  // ip_icmp_error in tcp_v4_err's SYN_SENT case came in 5.8 (commit 45af29ca761c, 2020): on
  // 3.x an ICMP error during connect() is only the soft error; poll() sees nothing until hard
  nonblocking: { ...linux.nonblocking, icmpErrorQueue: false },
  sources: {
    ...linux.sources,
    nonblocking: [
      ...linux.sources.nonblocking.slice(0, 1),
      {
        kind: 'source-code',
        source:
          'Linux commit 45af29ca761c "tcp: allow traceroute -Mtcp for unpriv users" (2020, Linux 5.8) added ip_icmp_error to tcp_v4_err in SYN_SENT: not in the article\'s 3.2 to 3.8',
      },
    ],
    tailLossProbe: [
      {
        kind: 'source-code',
        source:
          'Linux commit 6ba8a3b19e76 "tcp: Tail loss probe (TLP)" is in 3.10, after the article\'s 3.2 to 3.8',
      },
    ],
  },
}

const windows: OsProfile = {
  id: 'windows',
  label: { en: 'Windows', zh: 'Windows' },
  errnoSystem: 'windows',
  syn: {
    retries: 2, // TcpMaxConnectRetransmissions default (MS "TCP/IP registry values")
    initialRtoMs: 3000, // TcpInitialRtt default 3 s: 3 + 6 + 12 = 21 s to WSAETIMEDOUT
    linearTimeouts: 0,
    maxRtoMs: 240_000,
    giveUp: { kind: 'count' },
  },
  synack: {
    retries: 2, // TcpMaxConnectResponseRetransmissions default
    initialRtoMs: 3000,
    linearTimeouts: 0,
    maxRtoMs: 240_000,
    giveUp: { kind: 'count' },
  },
  data: {
    retries: 5, // TcpMaxDataRetransmissions default
    initialRtoMs: 3000,
    linearTimeouts: 0,
    maxRtoMs: 240_000,
    minRtoMs: 300, // MinRto default 300 ms (netsh interface tcp "Min RTO"); approximate
    rtoRule: 'rfc6298',
    timerTickMs: 0, // not modelled
    tailLossProbe: false,
    giveUp: { kind: 'count' },
  },
  // KB 175523: after an RST Windows re-sends the SYN after the base timeout without doubling,
  // up to TcpMaxConnectRetransmissions times. 1 s is derived from the measured ~2 s refusal
  // (docs/os-profiles.md; daniel.haxx.se "slow TCP connect on Windows", 2024).
  refusedRetryMs: 1000,
  keepalive: { idleS: 7200, intervalS: 1, count: 10 }, // KeepAliveTime, KeepAliveInterval, 10 probes
  buffers: { send: 65_536, receive: 65_536 }, // default SO_SNDBUF / receive window (64 KiB)
  backlog: 200, // SOMAXCONN in winsock2.h maps to 200
  // learn.microsoft.com winsock listen: a full queue refuses (WSAECONNREFUSED); the exact
  // length for a small backlog is not documented (assumed: the backlog)
  acceptQueue: { limit: 'backlog', overflow: 'refuse' },
  rstCheck: 'window', // assumed: no documentation of RFC 5961 in Winsock found

  timeWaitMs: 240_000, // TcpTimedWaitDelay default 240 s
  finWait2Ms: 120_000, // approximate: Windows closes an orphaned FIN_WAIT_2 after ~2 min
  finAckDelayMs: 0, // assumed: no source says Windows delays the ACK of a FIN
  // Sockets still open when Winsock is cleaned up are reset (Microsoft, WSACleanup); the
  // article saw Windows 7 send RST for a process that ended without close() or by Ctrl+C.
  // Microsoft does not document what a killed process's sockets send: see `sources`.
  processExit: 'reset',
  sigpipe: false,
  signals: { kind: 'none' }, // no SIGUSR1 in the CRT's signal(); console events run on a new thread
  // Microsoft Learn, "IPPROTO_TCP socket options": TCP_MAXRT, the retransmission timeout in
  // seconds; when it is checked against the RTO timer is not documented (assumed: at an expiry).
  userTimeout: {
    unit: 's',
    replacesRetries: false,
    clampRto: false,
    keepalive: false,
    zeroWindow: false,
  },
  errors: {
    rstInSynSent: 'ECONNREFUSED',
    rstInCloseWait: 'ECONNABORTED', // article: send after the peer closed -> 10053
    rstOther: 'ECONNRESET',
    timeout: 'ETIMEDOUT',
    sendAfterShutdown: 'ESHUTDOWN', // WSAESHUTDOWN 10058 (no EPIPE in Winsock)
    sendNotConnected: 'ENOTCONN',
    recvNotConnected: 'ENOTCONN',
    recvTimeout: 'ETIMEDOUT', // SO_RCVTIMEO expiry is WSAETIMEDOUT on Winsock
    icmp: LINUX_ICMP, // unused while icmpConnect ignores ICMP
    recvFinBeforeError: false,
    sendShutdownBeforeError: false,
    sticky: true, // Winsock: a reset socket "is no longer usable"; every call fails the same way
  },
  icmpConnect: { kind: 'ignore' }, // unless TCP_FAIL_CONNECT_ON_ICMP_ERROR
  icmpEstablished: 'ignore',
  icmpSynRcvd: 'ignore', // Winsock ignores these ICMP errors (assumed for a half-open one)
  softErrorClear: 'rtt-sample', // unused: Winsock ignores these ICMP errors
  shutdownListener: 'enotconn', // learn.microsoft.com winsock shutdown: WSAENOTCONN
  // learn.microsoft.com winsock2 accept, WSAECONNRESET: "An incoming connection was indicated,
  // but was subsequently terminated by the remote peer prior to accepting the call"
  acceptAborted: 'econnreset',
  // learn.microsoft.com "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE" (the bind table); TIME_WAIT
  // never blocks bind(): reported (curl pull request 8528, citing Microsoft's TIME_WAIT notes)
  bindConflict: 'winsock',
  dataAfterShutRd: 'discard', // assumed: Winsock documents no RST for data after SD_RECEIVE
  keepaliveIdleFrom: 'enable', // assumed: SIO_KEEPALIVE_VALS documents no carried-over idle time
  icmpRtoRevert: false, // Winsock ignores these ICMP errors on a connection
  // SACK on (SackOpts 1, Microsoft KB 224829); fast retransmit at TcpMaxDupAcks duplicate ACKs,
  // 2 by default (Windows 2000 registry reference; assumed unchanged for the article's Windows
  // 7). RACK came with Windows 10 1607 (Microsoft networking blog, 2016): not this profile
  lossDetection: { kind: 'dupack', threshold: 2, earlyRetransmit: false },
  nagle: 'classic', // learn.microsoft.com TCP_NODELAY: Nagle on by default (classic, assumed)
  timestamps: false, // Tcp1323Opts: Windows offers no timestamps by default (assumed, see sources)
  shutdownUnconnected: 'enotconn', // learn.microsoft.com winsock shutdown: WSAENOTCONN
  timeWaitSocket: 'attached', // assumed (the simulator's rule before Linux was measured)
  nonblocking: {
    pollRule: 'winsock', // learn.microsoft.com WSAPoll: a failed connect is POLLHUP|POLLERR|POLLWRNORM
    icmpErrorQueue: false, // Winsock ignores these ICMP errors (icmpConnect)
    soErrorSoft: false,
    shutdownConnecting: 'enotconn', // assumed: shutdown's WSAENOTCONN, "not connected"
  },
  sources: {
    nonblocking: [
      {
        kind: 'documented',
        source:
          'Microsoft Learn, connect function: a non-blocking connect returns SOCKET_ERROR with WSAEWOULDBLOCK; WSAPoll function: a TCP socket that fails to connect indicates POLLHUP|POLLERR|POLLWRNORM (Windows 10 2004 and later)',
      },
      {
        kind: 'documented',
        source:
          'Microsoft Learn, SOL_SOCKET socket options: SO_ERROR "retrieves error status and clear"',
      },
    ],
    processExit: [
      {
        kind: 'documented',
        source:
          'Microsoft, WSACleanup: sockets open when it is called "are reset and automatically deallocated"',
      },
      {
        kind: 'reported',
        source: 'the article: a Windows 7 process ending without close(), or by Ctrl+C, sends RST',
      },
    ],
    rstInCloseWait: [
      {
        kind: 'reported',
        source:
          'the article: send() after the peer closed gets 10053 WSAECONNABORTED on Windows 7; Microsoft documents the code, not this case',
      },
    ],
    sendShutdownBeforeError: [
      {
        kind: 'assumed',
        source: 'Microsoft does not document the order; the profile reports the pending error',
      },
    ],
    tailLossProbe: [{ kind: 'assumed', source: "left out, as for the article's Windows 7" }],
    timestamps: [
      {
        kind: 'assumed',
        source:
          'Tcp1323Opts / netsh "RFC 1323 Timestamps": off by default when Windows connects; no Microsoft page checked',
      },
    ],
  },
}

const macos: OsProfile = {
  id: 'macos',
  label: { en: 'macOS', zh: 'macOS' },
  errnoSystem: 'macos',
  syn: {
    retries: 12, // TCP_MAXRXTSHIFT (XNU tcp_timer.h)
    initialRtoMs: 1000, // TCPTV_RTOBASE
    linearTimeouts: 4, // tcp_syn_backoff[] = 1, 1, 1, 1, 1, 2, 4, 8, ...
    maxRtoMs: 64_000, // TCPTV_REXMTMAX
    giveUp: { kind: 'count' },
    deadlineMs: 75_000, // net.inet.tcp.keepinit (TCPTV_KEEP_INIT)
  },
  synack: {
    retries: 12,
    initialRtoMs: 1000,
    linearTimeouts: 0,
    maxRtoMs: 64_000,
    giveUp: { kind: 'count' },
    deadlineMs: 75_000, // keepinit also limits SYN_RECEIVED
  },
  data: {
    retries: 12, // TCP_MAXRXTSHIFT
    initialRtoMs: 1000,
    linearTimeouts: 0,
    maxRtoMs: 64_000, // TCPTV_REXMTMAX
    minRtoMs: 200, // approximate: XNU's rexmt floor (tcp_TCPTV_MIN) is of this order
    rtoRule: 'rfc6298',
    timerTickMs: 0, // not modelled
    tailLossProbe: false,
    giveUp: { kind: 'count' },
  },
  refusedRetryMs: null,
  keepalive: { idleS: 7200, intervalS: 75, count: 8 }, // keepidle, keepintvl, keepcnt
  buffers: { send: 131_072, receive: 131_072 }, // net.inet.tcp.sendspace / recvspace
  backlog: 128, // SOMAXCONN (sys/socket.h)
  // XNU bsd/kern/uipc_socket2.c sonewconn_internal: so_qlen > 3 * so_qlimit / 2
  acceptQueue: { limit: 'bsd', overflow: 'drop' },
  // XNU bsd/netinet/tcp_input.c: an in-window RST not at last_ack_sent gets a challenge ACK
  // (RFC 5961, as FreeBSD with net.inet.tcp.insecure_rst = 0)
  rstCheck: 'exact',
  timeWaitMs: 30_000, // 2 x net.inet.tcp.msl (15 s)
  finWait2Ms: 60_000, // net.inet.tcp.fin_timeout
  finAckDelayMs: 0, // XNU bsd/netinet/tcp_input.c: a FIN sets TF_ACKNOW
  processExit: 'close',
  sigpipe: true, // unless SO_NOSIGPIPE
  // XNU sbwait/msleep with PCATCH: ERESTART under SA_RESTART whatever the socket's timeout;
  // connect_nocancel turns ERESTART into EINTR (as 4.4BSD connect() did).
  signals: { kind: 'posix', restartWithTimeout: true, connectRestarts: false },
  // XNU bsd/netinet/tcp_timer.c: TCP_RXT_CONNDROPTIME (seconds) drops the connection at an RTO
  // expiry once t_rxtstart is that old, beside the TCP_MAXRXTSHIFT count.
  userTimeout: {
    unit: 's',
    replacesRetries: false,
    clampRto: false,
    keepalive: false,
    zeroWindow: false,
  },
  errors: {
    rstInSynSent: 'ECONNREFUSED',
    rstInCloseWait: 'ECONNRESET', // tcp_input: CLOSE_WAIT -> so_error = ECONNRESET
    rstOther: 'ECONNRESET',
    timeout: 'ETIMEDOUT',
    sendAfterShutdown: 'EPIPE',
    sendNotConnected: 'ENOTCONN', // sosend on an unconnected stream socket
    recvNotConnected: 'ENOTCONN',
    recvTimeout: 'EAGAIN', // EWOULDBLOCK (35)
    icmp: LINUX_ICMP, // icmp_var / in_pcb: the same unreachable -> errno mapping as BSD
    recvFinBeforeError: false, // soreceive: so_error before SS_CANTRCVMORE
    sendShutdownBeforeError: true, // sosendcheck: SS_CANTSENDMORE before so_error
    sticky: false,
  },
  icmpConnect: { kind: 'soft-until', afterRetransmits: 3 }, // tcp_notify: t_rxtshift > 3
  icmpEstablished: 'soft-except-unreachable', // tcp_notify, established
  // Approximate: XNU tcp_notify keeps a soft error and drops a connection not yet established
  // only after more than 3 retransmissions; the simulator ignores it (not measured)
  icmpSynRcvd: 'ignore',
  softErrorClear: 'rtt-sample', // XNU bsd/netinet/tcp_input.c tcp_xmit_timer
  shutdownListener: 'enotconn', // XNU bsd/kern/uipc_socket.c soshutdown: not connected
  // XNU bsd/netinet/tcp_usrreq.c tcp_usr_accept: SS_ISDISCONNECTED -> ECONNABORTED (FreeBSD
  // the same; older BSDs dropped it inside the kernel, Stevens UNP 5.11)
  acceptAborted: 'econnaborted',
  // XNU bsd/netinet/in_pcb.c in_pcbbind: without SO_REUSEADDR a wildcard lookup finds any PCB
  // on the port (a TIME_WAIT one refuses unless it had SO_REUSEPORT); with it the exact lookup
  // finds only unconnected ones
  bindConflict: 'new-reuse',
  dataAfterShutRd: 'discard', // XNU bsd/netinet/tcp_input.c: RST only when SS_NOFDREF
  keepaliveIdleFrom: 'enable', // XNU bsd/netinet/tcp_usrreq.c TCP_KEEPALIVE: TCPT_KEEP from now
  icmpRtoRevert: false, // assumed: no RFC 6069 revert found in XNU's tcp_notify
  // XNU bsd/netinet/tcp_input.c: tcprexmtthresh 3, lowered by tcp_early_rexmt_check (RFC 5827,
  // early_rexmt = 1) to max(1, segments in flight - 1) below 4; recent XNU also has RACK
  // (tcp_rack.c), whose default was not checked (assumed: the early-retransmit rule)
  lossDetection: { kind: 'dupack', threshold: 3, earlyRetransmit: true },
  nagle: 'classic', // XNU bsd/netinet/tcp_output.c: a short segment is sent only when idle
  // XNU bsd/netinet/tcp_subr.c tcp_do_rfc1323 = 1 (net.inet.tcp.rfc1323). BSD takes an RTT
  // sample from TSecr on every ACK (tcp_compute_rtt), not only where Karn forbids one: the
  // samples differ by under a millisecond, below macOS's 200 ms RTO floor (not modelled)
  timestamps: true,
  // XNU bsd/kern/uipc_socket.c soshutdown returns ENOTCONN before soshutdownlock
  shutdownUnconnected: 'enotconn',
  timeWaitSocket: 'attached', // assumed (the simulator's rule before Linux was measured)
  nonblocking: {
    pollRule: 'bsd', // XNU bsd/kern/sys_generic.c poll via kqueue filt_sowrite/filt_soread
    icmpErrorQueue: false, // tcp_notify keeps t_softerror; sockets have no error queue
    soErrorSoft: false, // sogetopt SO_ERROR reads so_error only
    shutdownConnecting: 'usrclosed', // XNU bsd/netinet/tcp_usrreq.c tcp_usrclosed
  },
  sources: {
    nonblocking: [
      {
        kind: 'source-code',
        source:
          'XNU bsd/kern/uipc_socket.c sogetopt SO_ERROR (reads and clears so_error); bsd/kern/sys_generic.c poll over kqueue: EV_EOF gives POLLHUP, no POLLERR for sockets; FreeBSD sopoll_generic/sowriteable alike',
      },
      {
        kind: 'documented',
        source:
          'connect(2) (macOS man page): EINPROGRESS for a non-blocking socket; select for writing, then SO_ERROR',
      },
    ],
    processExit: [
      {
        kind: 'source-code',
        source: 'XNU: exit closes every file (soclose -> tcp_disconnect): FIN',
      },
    ],
    rstInCloseWait: [
      {
        kind: 'source-code',
        source: 'XNU bsd/netinet/tcp_input.c: RST in CLOSE_WAIT sets so_error = ECONNRESET',
      },
    ],
    sendShutdownBeforeError: [
      {
        kind: 'source-code',
        source:
          'XNU bsd/kern/uipc_socket.c sosendcheck(): SS_CANTSENDMORE -> EPIPE before so_error (FreeBSD sosend_generic alike)',
      },
    ],
    tailLossProbe: [
      {
        kind: 'assumed',
        source: "left out: this profile's data timers were not checked against a Mac",
      },
    ],
    timestamps: [
      {
        kind: 'source-code',
        source: 'XNU bsd/netinet/tcp_subr.c: tcp_do_rfc1323 = 1 (sysctl net.inet.tcp.rfc1323)',
      },
    ],
  },
}

/** Every profile, keyed by id (a missing profile is a compile error). */
export const PROFILES = {
  linux,
  'linux-legacy': linuxLegacy,
  windows,
  macos,
} as const satisfies Record<ProfileId, OsProfile>

/** Looks a profile up by id. */
export function profileOf(id: ProfileId): OsProfile {
  return PROFILES[id]
}

/**
 * Linux's tcp_model_timeout(): how long N exponential backoffs from `baseMs` take, with the
 * RTO capped at `maxRtoMs` (the time budget of a `time-budget` give-up rule).
 */
export function timeBudgetMs(retries: number, baseMs: number, maxRtoMs: number): number {
  const thresh = Math.floor(Math.log2(maxRtoMs / baseMs))
  if (retries <= thresh) return (2 ** (retries + 1) - 1) * baseMs
  return (2 ** (thresh + 1) - 1) * baseMs + (retries - thresh) * maxRtoMs
}
