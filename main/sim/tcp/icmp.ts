/**
 * An ICMP error about a segment a connection sent (Linux tcp_v4_err, BSD tcp_notify): fatal,
 * kept as a soft error (reported only if the connection then times out), or ignored, by the
 * profile's rules for a connection still connecting and for one already synchronized.
 */
import { unreachable } from '../never'
import type { IcmpMessage } from '../world'
import { connectNote, type Tcb } from './tcb'
import { revertBackoff } from './timers'

/** The ICMP error `msg` arrived for connection `s`. */
export function icmpArrives(s: Tcb, msg: IcmpMessage): void {
  // An ICMP about a segment outside what is in flight (a keepalive probe repeats the byte
  // before snd.una) is ignored: Linux tcp_v4_err "out of window", BSD tcp_ctlinput.
  const seq = msg.about.seq
  if (s.state !== 'SYN_SENT' && (seq < s.sndUna || seq > s.sndNxt)) return
  switch (s.state) {
    case 'SYN_SENT':
      connectingIcmp(s, msg)
      return
    case 'SYN_RCVD':
      handshakeIcmp(s, msg)
      return
    // Synchronized. LISTEN and CLOSED sockets are not in the connection table; they are
    // listed so that every state has its rule.
    case 'ESTABLISHED':
    case 'FIN_WAIT_1':
    case 'FIN_WAIT_2':
    case 'CLOSE_WAIT':
    case 'CLOSING':
    case 'LAST_ACK':
    case 'TIME_WAIT':
    case 'LISTEN':
    case 'CLOSED':
      synchronizedIcmp(s, msg)
      return
    default:
      unreachable(s.state, 'TCP state')
  }
}

/**
 * An ICMP error about our SYN-ACK: a connection still in the handshake has no program to tell.
 * Linux (a request sock) drops it silently on net or host unreachable (tcp_req_err), so it
 * repeats no SYN-ACK and the client's next SYN finds no half-open connection; otherwise it is
 * ignored.
 */
function handshakeIcmp(s: Tcb, msg: IcmpMessage): void {
  const unreachableHost = msg.kind === 'host-unreachable' || msg.kind === 'net-unreachable'
  if (s.world.profile.icmpSynRcvd !== 'drop-if-unreachable' || !unreachableHost || !s.parent) return
  s.dropChild(`rcv ICMP ${msg.kind}`)
}

function connectingIcmp(s: Tcb, msg: IcmpMessage): void {
  const { profile, trace } = s.world
  const err = profile.errors.icmp[msg.kind]
  const actor = s.host.endpoint ?? undefined
  const rule = profile.icmpConnect
  // Linux tcp_v4_err, SYN_SENT: ip_icmp_error queues it before deciding hard or soft.
  if (rule.kind !== 'ignore' && profile.nonblocking.icmpErrorQueue) s.errQueued = true
  let soft: boolean
  switch (rule.kind) {
    case 'ignore':
      trace.note('icmp-ignored', { icmp: msg.kind }, actor)
      return
    case 'hard-unless-first-syn':
      // Only a blocking connect() still holds the socket when its own kernel answers the
      // first SYN (tcp_v4_err: sock_owned_by_user keeps sk_err_soft). The relay's non-blocking
      // connect has returned by then: measured with the kernel lab, a reject behind the relay
      // fails its connect at the first SYN and the client is reset 0.5 ms later.
      soft = s.blockingConnect && s.synsSent <= 1
      break
    case 'soft-until':
      soft = s.retransmits <= rule.afterRetransmits
      break
    default:
      unreachable(rule, 'ICMP connect rule')
  }
  if (soft) {
    s.softErr = err
    trace.note(connectNote(s, 'icmp-soft-connect'), { icmp: msg.kind, errno: err }, actor)
    return
  }
  // Linux keeps an ICMP error for the first SYN as a soft error while connect() holds the
  // socket; the retransmitted SYN is sent from a timer, so the ICMP it draws is a hard error.
  // `icmp-reported` tells that story; `icmp-hard` the plain one.
  const key = connectNote(s, s.softErr ? 'icmp-reported' : 'icmp-hard')
  const params = { icmp: msg.kind, errno: err, s: round((s.world.q.now - s.startedAt) / 1000) }
  trace.note(key, params, actor)
  s.done(err, `rcv ICMP ${msg.kind}`, { key, params })
}

function synchronizedIcmp(s: Tcb, msg: IcmpMessage): void {
  const { profile, trace } = s.world
  const err = profile.errors.icmp[msg.kind]
  const actor = s.host.endpoint ?? undefined
  const unreachableHost = msg.kind === 'host-unreachable' || msg.kind === 'net-unreachable'
  let ignored: boolean
  const rule = profile.icmpEstablished
  switch (rule) {
    case 'ignore':
      ignored = true
      break
    case 'soft-except-unreachable':
      ignored = unreachableHost
      break
    case 'soft':
      ignored = false
      break
    default:
      unreachable(rule, 'ICMP established rule')
  }
  if (ignored) {
    trace.note('icmp-ignored', { icmp: msg.kind }, actor)
    return
  }
  s.softErr = err
  trace.note('icmp-soft', { icmp: msg.kind, errno: err }, actor)
  if (unreachableHost && profile.icmpRtoRevert) revertBackoff(s, msg.about.seq)
}

/** Seconds to one decimal, as the notes print them. */
function round(x: number): number {
  return Math.round(x * 10) / 10
}
