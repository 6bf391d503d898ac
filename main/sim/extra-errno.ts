/**
 * errno lookup for the simulator's results, with the one error shared/errno.ts does not list
 * yet: EBADF, a call on a descriptor the script already closed. (Asked to be added there;
 * until then it lives here so results still carry a real number and message.)
 * Sources: Linux asm-generic/errno-base.h (9), XNU sys/errno.h (9), WSAENOTSOCK 10038
 * (Winsock reports a closed socket handle as "not a socket").
 */
import { errnoOn, type ErrnoEntry, type ErrnoName, type ErrnoSystem } from '../../shared/errno'

const EBADF: Record<ErrnoSystem, ErrnoEntry> = {
  linux: { name: 'EBADF', number: 9, message: 'Bad file descriptor' },
  macos: { name: 'EBADF', number: 9, message: 'Bad file descriptor' },
  windows: {
    name: 'WSAENOTSOCK',
    number: 10038,
    message: 'An operation was attempted on something that is not a socket.',
  },
}

/** How an OS spells an error the simulator produced. */
export function describeErrno(system: ErrnoSystem, name: ErrnoName | 'EBADF'): ErrnoEntry {
  if (name === 'EBADF') return EBADF[system]
  const entry = errnoOn(system, name)
  // A profile must never produce an error its OS lacks; profiles.test.ts checks it.
  if (!entry) throw new Error(`${system} has no ${name}`)
  return entry
}
