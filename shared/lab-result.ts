/**
 * The result document both backends return for a lab script (docs/lab-script-format.md "Result"),
 * and the live updates a running session streams before it.
 */
import type {
  Actor,
  BackendId,
  Endpoint,
  ExtraClient,
  LabScriptVersion,
  ProfileId,
  StepOp,
  Timers,
} from './lab-script'
import type { ProgramRun } from './program-result'

/** RFC 9293's eleven TCP states, as `ss` and the simulator name them. */
export const TCP_STATES = [
  'CLOSED',
  'LISTEN',
  'SYN_SENT',
  'SYN_RCVD',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
] as const
/** One of {@link TCP_STATES}. */
export type TcpState = (typeof TCP_STATES)[number]

/** TCP header flags as drawn on the wire. */
export type TcpFlag = 'SYN' | 'ACK' | 'FIN' | 'RST' | 'PSH'

/** How a step ended. `skipped`: its actor had died or was stuck on an earlier step. */
export type StepOutcome = 'returned' | 'blocked' | 'skipped'

/** What one step of the script did. */
export interface StepResult {
  index: number
  actor: Actor
  op: StepOp
  startMs: number
  endMs: number
  outcome: StepOutcome
  /** Return value: bytes for send/recv, a descriptor for accept, 0 or -1 otherwise. */
  ret?: number
  /** errno name (`ECONNREFUSED`), when `ret` is -1. */
  errno?: string
  /** The errno number on the profile (simulator) or host (kernel). */
  errnoNumber?: number
  /** strerror-style message on that OS. */
  message?: string
  /** Signal a C program would receive (`SIGPIPE`). */
  signal?: string
  /**
   * What the call wrote out besides its return value: poll()'s revents as names joined by `|`
   * (`POLLOUT|POLLERR|POLLHUP`, `0` when none), getsockopt(SO_ERROR)'s error as the OS spells
   * the errno (`ECONNREFUSED`, `WSAECONNREFUSED`) or `0`. Absent for other calls.
   */
  value?: string
  /** Backend-specific remarks for this step (English keys into the notes catalogue). */
  notes?: string[]
}

/** A TCP state change of one endpoint. */
export interface StateEvent {
  tMs: number
  type: 'state'
  actor: Endpoint
  from: TcpState
  to: TcpState
  /** Why: `rcv SYN`, `call connect`, `timer retransmit`... */
  cause?: string
}

/** One TCP segment between the hosts and what became of it. */
export interface SegmentEvent {
  tMs: number
  type: 'segment'
  dir: 'c2s' | 's2c'
  flags: TcpFlag[]
  seq: number
  ack: number
  len: number
  fate: 'delivered' | 'dropped' | 'rejected' | 'held'
  /** Advertised window, when known. */
  win?: number
  /** True when this segment repeats an earlier one (retransmission). */
  retransmit?: boolean
  /** Middlebox topology: which side of the relay the segment travelled on. */
  hop?: 'client-middlebox' | 'middlebox-server'
  /**
   * Version 2, several clients: the client whose connection this segment belongs to (`dir`
   * is then between that client and the server). Absent: the first client, `client`.
   */
  client?: ExtraClient
  /**
   * False when the capture could not see sequence and acknowledgement numbers (the kernel
   * lab's nft trace): `seq` and `ack` are then 0 and the UI leaves them out. Absent: known.
   */
  seqKnown?: boolean
  /** For a segment not delivered: the index of the `net` step whose rule stopped it. */
  ruleStep?: number
  /**
   * SACK blocks the segment carries (RFC 2018): [start, end) ranges its sender holds beyond
   * `ack`. Only the simulator reports them (the kernel lab's capture does not read options).
   */
  sack?: [number, number][]
}

/** An ICMP error the network sent back. */
export interface IcmpEvent {
  tMs: number
  type: 'icmp'
  /** Direction the ICMP travels (back to the sender of the rejected segment). */
  dir: 'c2s' | 's2c'
  icmp: string
  /** The client whose connection the rejected segment belonged to (absent: `client`). */
  client?: ExtraClient
}

/** A step's call has returned (its result is `steps[step]`). */
export interface SyscallEvent {
  tMs: number
  type: 'syscall'
  step: number
}

/** A teaching note keyed to the article (`notes` catalogue in shared/notes). */
export interface NoteEvent {
  tMs: number
  type: 'note'
  key: string
  actor?: Actor
  step?: number
  /** Values the note's text interpolates. */
  params?: Record<string, string | number>
}

/** Anything that happened during a run, in time order. */
export type TraceEvent = StateEvent | SegmentEvent | IcmpEvent | SyscallEvent | NoteEvent

/** Where the kernel backend ran. */
export interface HostInfo {
  platform: string
  release: string
  isolation: 'netns' | 'loopback' | 'none'
  /**
   * How late (ms) the kernel lab kept its own time at worst: a step started after the moment
   * the script set for it (its `at`, or the end of the step before), a sleep, or a call whose
   * receive or send timeout expired, that ended after its time. On a busy machine the lab
   * cannot keep time, and timings of such a run say more about the load than about TCP.
   */
  lateMs?: number
}

/** What a socket of the run is to its program. */
export type SocketRole =
  /** The server's listening socket. */
  | 'listener'
  /** A connection the program holds (the client's, or one the server accepted). */
  | 'connection'
  /** A connection still in the listener's accept queue (never accepted). */
  | 'accept-queue'
  /** A connection the program has closed that the kernel still keeps (TIME_WAIT, LAST_ACK...). */
  | 'closed'

/** One socket at the end of a run (`finalDetail`). */
export interface SocketDetail {
  actor: Endpoint
  role: SocketRole
  state: TcpState
}

/**
 * Each end's state when a run ended: `client` and `server` always, and each further client
 * (version 2) whose steps the script has.
 */
export type FinalStates = Record<'client' | 'server', TcpState> &
  Partial<Record<ExtraClient, TcpState>>

/** The client a segment or ICMP error belongs to (its `client` field, `client` when absent). */
export function clientOf(e: { client?: ExtraClient }): 'client' | ExtraClient {
  return e.client ?? 'client'
}

/** The whole answer to one lab script. */
export interface LabResult {
  /** The version of the script that ran (the result's fields are the same in both). */
  labScript: LabScriptVersion
  id?: string
  backend: BackendId
  profile: ProfileId
  host?: HostInfo
  timers: Required<Pick<Timers, 'synRetries' | 'synackRetries' | 'retries2'>> & {
    keepalive: { idleS: number; intervalS: number; count: number }
  }
  /** True when the script shortened any of the profile's default timers. */
  timersShortened: boolean
  durationMs: number
  steps: StepResult[]
  events: TraceEvent[]
  /**
   * Each end's TCP state when the run ended: the client's connection; the server's connection
   * once `accept` returned one (CLOSED once it is gone), else its listener's LISTEN (or CLOSED).
   */
  final: FinalStates
  /** Every socket of the run when it ended (listener, accepted and queued connections). */
  finalDetail?: SocketDetail[]
  /** Set when the run was cancelled before it ended. */
  cancelled?: boolean
  /**
   * Kernel lab: the socket table as `ss -tan` (or /proc/net/tcp) showed it when the run
   * ended, one line per socket, for the shell's `ss` command. Absent on the simulator.
   */
  socketTable?: string[]
  /**
   * Kernel lab: the student's program that played one role instead of the script's steps
   * for it (shared/program-result.ts): its socket calls, exit status and output.
   */
  program?: ProgramRun
}

/** What a running session pushes to its listeners, in order. */
export type RunUpdate =
  | { kind: 'event'; event: TraceEvent }
  | { kind: 'step'; step: StepResult }
  | { kind: 'done'; result: LabResult }
  | { kind: 'failed'; error: LabError }

/** An error as data: it crosses IPC and WebSocket intact. */
export interface LabError {
  /** Machine-readable class. */
  code:
    | 'bad-input'
    | 'unknown-scenario'
    | 'unsupported'
    | 'backend-failed'
    | 'cancelled'
    | 'not-found'
    | 'internal'
  /** One clear English sentence naming what was wrong and where. */
  message: string
  /** For `bad-input` on a script: every problem, with step and field. */
  problems?: { step?: number; path: string; field: string; message: string }[]
}
