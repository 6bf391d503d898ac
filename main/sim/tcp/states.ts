/**
 * Which TCP states allow what, one table per question. Each is a `Record<TcpState, boolean>`,
 * so a state added to shared/lab-result.ts is a compile error here until every question has an
 * answer for it (the exhaustiveness a switch's `never` check gives, for set membership).
 */
import type { TcpState } from '../../../shared/lab-result'

/** Data and FIN may go out (RFC 9293: from ESTABLISHED and the closing states that still send). */
export const SENDS: Record<TcpState, boolean> = {
  CLOSED: false,
  LISTEN: false,
  SYN_SENT: false,
  SYN_RCVD: false,
  ESTABLISHED: true,
  FIN_WAIT_1: true,
  FIN_WAIT_2: false,
  CLOSE_WAIT: true,
  CLOSING: true,
  LAST_ACK: true,
  TIME_WAIT: false,
}

/**
 * close() on these resets when unread data would be lost, and abort() sends RST (Linux
 * tcp_close / tcp_disconnect: the states where the peer has a connection to reset).
 */
export const RESETTABLE: Record<TcpState, boolean> = {
  CLOSED: false,
  LISTEN: false,
  SYN_SENT: false,
  SYN_RCVD: true,
  ESTABLISHED: true,
  FIN_WAIT_1: true,
  FIN_WAIT_2: true,
  CLOSE_WAIT: true,
  CLOSING: false,
  LAST_ACK: false,
  TIME_WAIT: false,
}

/** Keepalive probes an idle connection in these (Linux tcp_keepalive_timer). */
export const KEEPALIVE_PROBES: Record<TcpState, boolean> = {
  CLOSED: false,
  LISTEN: false,
  SYN_SENT: false,
  SYN_RCVD: false,
  ESTABLISHED: true,
  FIN_WAIT_1: false,
  FIN_WAIT_2: true,
  CLOSE_WAIT: true,
  CLOSING: false,
  LAST_ACK: false,
  TIME_WAIT: false,
}
