/**
 * Messages between the kernel backend (parent) and one peer process (client, server or the
 * middlebox relay), carried over Node's IPC channel. Every request has an id; the peer
 * answers each with exactly one {@link PeerReply}.
 */

/** A socket call the parent asks a peer to make (C names; the peer maps them onto Node). */
export type PeerCall =
  | { call: 'listen'; port: number }
  | { call: 'accept' }
  | { call: 'connect'; port: number }
  | { call: 'send'; bytes: number }
  | { call: 'recv'; bytes: number; timeoutMs?: number }
  | { call: 'close' }
  | { call: 'shutdown'; how: 'wr' | 'rd' | 'rdwr' }
  | { call: 'abort' }
  | { call: 'keepalive'; idleS: number; intervalS: number; count: number }
  /** Crash mode `rst`: reset every socket this process holds, then exit. */
  | { call: 'reset-all-and-exit' }
  /** Middlebox: relay listening on `listenPort` to the server on `serverPort`. */
  | { call: 'relay'; listenPort: number; serverPort: number }
  | { call: 'hold' }
  | { call: 'release' }

/** Parent to peer. */
export interface PeerRequest {
  id: number
  req: PeerCall
}

/** What a call returned, as a C program would have seen it. */
export interface CallReturn {
  /** Return value: bytes, a descriptor, 0 or -1. */
  ret: number
  /** errno name from Node (`err.code`), when `ret` is -1. */
  code?: string
  /** Local port of the socket the call used (connect: the client's ephemeral port). */
  localPort?: number
  /**
   * Notes keys: where this result is not the kernel's own answer but Linux's documented rule
   * applied because Node cannot make that call (see kernel-notes.md).
   */
  notes?: string[]
  /**
   * When the call returned in the peer, in ms of the machine's monotonic clock
   * (`process.hrtime`, shared by every process): the run's step end without the IPC delay.
   */
  doneAt?: number
}

/** Peer to parent. */
export type PeerMessage =
  | { type: 'ready'; pid: number; helper: boolean }
  /** A blocking call has entered the kernel (the run's ordering waits for this, not the reply). */
  | { type: 'issued'; id: number }
  | ({ type: 'reply'; id: number } & CallReturn)
  | { type: 'fatal'; message: string }

/** True when a value looks like a {@link PeerRequest} (the peer checks what it is sent). */
export function isPeerRequest(value: unknown): value is PeerRequest {
  if (!value || typeof value !== 'object') return false
  const v = value as { id?: unknown; req?: unknown }
  return (
    typeof v.id === 'number' &&
    !!v.req &&
    typeof v.req === 'object' &&
    typeof (v.req as { call?: unknown }).call === 'string'
  )
}
