/**
 * close() and abort() (Linux tcp_close): a listener resets its unaccepted connections; unread
 * data means RST (RFC 9293 3.10.4 leaves it open, Linux and RFC 2525 say reset); otherwise a
 * FIN follows the queued data and the kernel keeps the socket (an orphan) until TCP is done
 * with it. `abort` is SO_LINGER {1, 0}: RST from any synchronized state.
 */
import { unreachable } from '../never'
import { queueFin } from './output'
import { RESETTABLE } from './states'
import type { Tcb } from './tcb'
import { armFinWait2 } from './timers'

/**
 * How a socket is let go: `close` (FIN, or RST with unread data), `abort` (the program's
 * SO_LINGER {1, 0}), or `reset` (its OS resets it without the program asking: a process
 * that dies with RST, or a closed listener's unaccepted connections).
 */
export type Release = 'close' | 'abort' | 'reset'

/** The application (or its OS) lets go of `s`. */
export function closeSocket(s: Tcb, how: Release): void {
  s.orphan = true
  s.rdShut = true
  s.keepaliveOn = false
  switch (s.state) {
    case 'LISTEN':
      closeListener(s)
      return
    case 'SYN_SENT':
    case 'CLOSED':
      s.done(null, 'call close')
      return
    case 'TIME_WAIT':
      // Linux tcp_time_wait hands TIME_WAIT to a timewait sock and closes the program's
      // socket (tcp_done); __tcp_close on a TCP_CLOSE socket sends nothing, unread data or
      // SO_LINGER 0 notwithstanding. So the TIME_WAIT runs its course (measured: abort kept it).
      if (s.world.profile.timeWaitSocket === 'detached') return
      closeConnection(s, how)
      return
    case 'SYN_RCVD':
    case 'ESTABLISHED':
    case 'FIN_WAIT_1':
    case 'FIN_WAIT_2':
    case 'CLOSE_WAIT':
    case 'CLOSING':
    case 'LAST_ACK':
      closeConnection(s, how)
      return
    default:
      unreachable(s.state, 'TCP state')
  }
}

function closeListener(l: Tcb): void {
  for (const c of [...l.acceptQueue]) closeSocket(c, 'reset')
  for (const c of [...l.children]) c.dropChild('listener closed')
  l.acceptQueue = []
  l.done(null, 'call close')
}

function closeConnection(s: Tcb, how: Release): void {
  const synced = RESETTABLE[s.state]
  if (how !== 'close' || (synced && s.rcvQueued > 0)) {
    if (synced) {
      // The program's own abort and unread data each have a note; an OS reset is explained by
      // what caused it (the crash's note, the listener's close).
      if (how !== 'reset') {
        const note = how === 'abort' ? 'abort-rst' : 'close-unread-rst'
        s.world.trace.note(note, { bytes: s.rcvQueued }, s.host.endpoint ?? undefined)
      }
      s.sendReset()
    }
    const cause =
      how === 'abort'
        ? 'call close (SO_LINGER 0)'
        : how === 'reset'
          ? 'reset by its OS'
          : 'call close (unread data)'
    s.done(null, cause)
    return
  }
  queueFin(s)
  // Already half-closed and now orphaned: the FIN_WAIT_2 timer applies.
  if (s.state === 'FIN_WAIT_2') armFinWait2(s)
}
