/**
 * What poll() reports for a socket, read from its state, shutdown marks, buffers and pending
 * errors by the profile's rule (OsProfile `nonblocking.pollRule`; shared/profiles.ts says what
 * each rule does and where it comes from). Pure: asking does not change the socket.
 */
import type { PollBit } from '../backend/result'
import type { StepOf } from '../../shared/lab-script'
import type { OsProfile } from '../../shared/profiles'
import { unreachable } from './never'
import type { TcpSocket } from './tcp/index'

/** What poll() can read of a socket that was never bound nor connected. */
export interface UnconnectedSocket {
  rdShut: boolean
  wrShut: boolean
}

/** The events a poll step asks for. */
export type PollEvents = StepOf<'poll'>['events']

/**
 * The revents poll() returns for `sock` when the program asked for `events`: POLLERR and
 * POLLHUP are always reported (poll(2): "ignored in events"), POLLIN and POLLOUT only when
 * asked for. Empty: not ready.
 */
export function revents(
  profile: OsProfile,
  sock: TcpSocket | UnconnectedSocket,
  events: PollEvents,
): PollBit[] {
  const m = readiness(profile, sock)
  const out: PollBit[] = []
  if (events === 'in' && m.in) out.push('POLLIN')
  if (events === 'out' && m.out) out.push('POLLOUT')
  if (m.err) out.push('POLLERR')
  if (m.hup) out.push('POLLHUP')
  return out
}

interface Readiness {
  in: boolean
  out: boolean
  err: boolean
  hup: boolean
}

function isTcp(sock: TcpSocket | UnconnectedSocket): sock is TcpSocket {
  return 'state' in sock
}

function readiness(profile: OsProfile, sock: TcpSocket | UnconnectedSocket): Readiness {
  const rule = profile.nonblocking.pollRule
  switch (rule) {
    case 'linux':
      return linuxPoll(profile, sock)
    case 'bsd':
      return bsdPoll(sock)
    case 'winsock':
      return winsockPoll(sock)
    default:
      return unreachable(rule, 'poll rule')
  }
}

/** Linux sk_stream_is_writeable: free space at least half of what is queued. */
function roomToWrite(s: TcpSocket): boolean {
  return s.sendSpace > 0 && s.sendSpace >= s.sendQueued / 2
}

/** Linux net/ipv4/tcp.c tcp_poll (inet_csk_listen_poll for a listener). */
function linuxPoll(profile: OsProfile, sock: TcpSocket | UnconnectedSocket): Readiness {
  if (!isTcp(sock)) {
    // TCP_CLOSE: POLLHUP; never connected, so nothing is queued: writable unless shut.
    return { in: sock.rdShut, out: true, err: false, hup: true }
  }
  if (sock.state === 'LISTEN') return { in: sock.queued > 0, out: false, err: false, hup: false }
  // The program's socket is closed once its connection is in TIME_WAIT (tcp_time_wait).
  const closed =
    sock.state === 'CLOSED' || (sock.state === 'TIME_WAIT' && profile.timeWaitSocket === 'detached')
  const connecting = sock.state === 'SYN_SENT' || sock.state === 'SYN_RCVD'
  // RCV_SHUTDOWN only: tcp_done sets both marks, but a blocking connect that failed went
  // through tcp_disconnect, which clears them (no POLLIN then; measured, fuzz seed 41 #34).
  const rdShut = sock.rdShut || sock.finReceived
  const wrShut = sock.wrShut || closed
  return {
    in: rdShut || (!connecting && sock.unread > 0),
    out: !connecting && (wrShut || roomToWrite(sock)),
    err: sock.err !== null || sock.errQueued,
    hup: closed || (rdShut && wrShut),
  }
}

/**
 * FreeBSD sopoll_generic with soreadable / sowriteable (XNU's filt_soread / filt_sowrite
 * alike): a pending so_error makes the socket both readable and writable; no POLLERR.
 */
function bsdPoll(sock: TcpSocket | UnconnectedSocket): Readiness {
  if (!isTcp(sock)) return { in: sock.rdShut, out: sock.wrShut, err: false, hup: false }
  if (sock.state === 'LISTEN')
    return { in: sock.queued > 0 || sock.err !== null, out: false, err: false, hup: false }
  const closed = sock.state === 'CLOSED'
  const connected = !closed && sock.state !== 'SYN_SENT' && sock.state !== 'SYN_RCVD'
  const rdShut = sock.rdShut || sock.finReceived || closed
  const wrShut = sock.wrShut || closed
  const error = sock.err !== null
  return {
    in: rdShut || error || sock.unread > 0,
    out: wrShut || error || (connected && sock.sendSpace > 0),
    err: false,
    hup: rdShut && wrShut,
  }
}

/**
 * Microsoft Learn, WSAPoll: POLLRDNORM with data or a graceful close, POLLWRNORM with room,
 * POLLHUP once the connection is over, and a failed connect as POLLHUP|POLLERR|POLLWRNORM. A
 * socket never connected shows nothing (assumed: not documented).
 */
function winsockPoll(sock: TcpSocket | UnconnectedSocket): Readiness {
  if (!isTcp(sock)) return { in: false, out: false, err: false, hup: false }
  if (sock.state === 'LISTEN') return { in: sock.queued > 0, out: false, err: false, hup: false }
  const closed = sock.state === 'CLOSED'
  const connecting = sock.state === 'SYN_SENT' || sock.state === 'SYN_RCVD'
  const error = sock.err !== null
  return {
    in: sock.finReceived || sock.unread > 0 || closed,
    out: error || (!connecting && !closed && !sock.wrShut && sock.sendSpace > 0),
    err: error,
    hup: closed,
  }
}
