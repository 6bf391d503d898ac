/**
 * A student's own program as an actor of a kernel-lab run (issue 14, docs/program-labs.md):
 * what it did on its sockets, as `strace` saw it, and how it ended. The result document
 * carries it in `LabResult.program`; the script's steps for that actor are not run.
 */
import type { Endpoint } from './lab-script'

/** What the program's socket calls are, by the lab's names (strace's names in `syscall`). */
export const PROGRAM_OPS = [
  'socket',
  'bind',
  'listen',
  'connect',
  'accept',
  'send',
  'recv',
  'close',
  'shutdown',
  'setsockopt',
  'getsockopt',
  'poll',
] as const
/** One of {@link PROGRAM_OPS}. */
export type ProgramOp = (typeof PROGRAM_OPS)[number]

/** One system call the program made on a TCP socket. */
export interface ProgramCall {
  /** The role the program plays. */
  actor: Endpoint
  /** The process (or thread) that made it: a program that forks shows several. */
  pid: number
  /** The system call as strace names it (`recvfrom`, `read`, `accept4`, `pselect6`...). */
  syscall: string
  /** What it is in the lab's terms (`read` on a socket is a `recv`). */
  op: ProgramOp
  /** The socket's descriptor (for `poll`: the first socket it waited on). */
  fd: number
  /**
   * When the call started and returned, in ms on the run's clock (0: the scripted steps'
   * start). A server program starts before the clock, so its first calls are negative.
   */
  startMs: number
  endMs: number
  /** `blocked`: the call had not returned when the program was ended. */
  outcome: 'returned' | 'blocked'
  /** Return value: a descriptor, bytes, 0 or -1. */
  ret?: number
  /** errno name when `ret` is -1 (`ECONNRESET`). */
  errno?: string
  /** The errno number on Linux, where the lab's table knows the name. */
  errnoNumber?: number
  /** strerror's text for it. */
  message?: string
  /** The kernel sent the program SIGPIPE during this call. */
  signal?: 'SIGPIPE'
  /** poll/select: the socket's revents (`POLLOUT|POLLERR`, `0` on timeout); SO_ERROR: the errno or `0`. */
  value?: string
  /** A short reading of the arguments: the address of connect/bind, the bytes asked for. */
  detail?: string
}

/**
 * What a program run adds to the script's `limitMs` by default (ms): an interpreter started
 * under strace on a busy machine may take seconds before its first call.
 */
export const PROGRAM_START_MS = 5000

/** How much of each output stream a result keeps (bytes); the rest is cut with a marker. */
export const PROGRAM_OUTPUT_LIMIT = 64 * 1024

/** The program of a run, and what became of it. */
export interface ProgramRun {
  /** The role it played (the script's steps of that actor were not run). */
  role: Endpoint
  /** The command line as run, after `{host}` and `{port}` were replaced. */
  command: string[]
  /** Its exit status; null when a signal ended it. */
  exitCode: number | null
  /** The signal that ended it (`SIGKILL`), or null. */
  exitSignal: string | null
  /**
   * Why the lab ended it, when it did: `limit` (still running at the run's time limit),
   * `cancelled` (the run was cancelled). Absent when it exited by itself.
   */
  killed?: 'limit' | 'cancelled'
  /** When the lab started it, ms on the run's clock (a server's start is before 0). */
  startMs: number
  /** When it ended, ms on the run's clock (null if its end was not seen). */
  endMs: number | null
  /** What it wrote, cut at {@link PROGRAM_OUTPUT_LIMIT} bytes each. */
  stdout: string
  stderr: string
  /** True when that stream was cut (the text then ends with a marker line saying so). */
  stdoutCut: boolean
  stderrCut: boolean
  /** Its calls on TCP sockets, in the order they started. */
  calls: ProgramCall[]
  /** True when the trace was cut (too many calls: the first ones are kept). */
  callsCut: boolean
}
