/**
 * The one result builder both backends use (docs/lab-script-format.md, "Result"): how a call's
 * return becomes a step result (errno spelled the way the OS spells it, from the one errno
 * table in shared/errno.ts), the same notes for a call still blocked at the limit or a step
 * that never started, and the document's assembly. A backend decides *what* happened; this
 * file decides how that is written down, so the two can only differ in what they saw.
 */
import {
  errnoOn,
  linuxErrnoName,
  type ErrnoEntry,
  type ErrnoName,
  type ErrnoSystem,
} from '../../shared/errno'
import type {
  FinalStates,
  HostInfo,
  LabResult,
  NoteEvent,
  SocketDetail,
  StepResult,
  TraceEvent,
} from '../../shared/lab-result'
import type { BackendId, LabScript, ProfileId, Step } from '../../shared/lab-script'
import type { NoteKey } from '../../shared/notes'

/** What one call returned, in the lab's generic terms. */
export interface CallOutcome {
  /** Return value; absent for steps that are not calls (sleep, crash, net steps...). */
  ret?: number
  /** The generic errno name (Linux's spelling) when `ret` is -1. */
  errno?: ErrnoName
  /** A signal the call raised (`SIGPIPE`). */
  signal?: 'SIGPIPE'
  /** Teaching notes saying why the call returned this. */
  notes?: NoteKey[]
  /** Values the notes' texts use. */
  params?: Record<string, string | number>
  /** What the call wrote out besides its return value (StepResult `value`). */
  value?: CallValue
}

/** poll()'s revents bits, in the order of their values (POLLIN 1, POLLOUT 4, ...). */
export const POLL_BITS = ['POLLIN', 'POLLOUT', 'POLLERR', 'POLLHUP', 'POLLNVAL'] as const
/** One of {@link POLL_BITS}. */
export type PollBit = (typeof POLL_BITS)[number]

/**
 * What poll() or getsockopt(SO_ERROR) handed back: the revents set, or the error SO_ERROR
 * read (null: 0, none pending).
 */
export type CallValue = { revents: readonly PollBit[] } | { soError: ErrnoName | null }

/** A call's value as the step result spells it on `system` (`POLLOUT|POLLERR`, `0`). */
export function describeValue(system: ErrnoSystem, value: CallValue): string {
  if ('revents' in value) {
    const set = new Set(value.revents)
    const names = POLL_BITS.filter((b) => set.has(b))
    return names.length ? names.join('|') : '0'
  }
  return value.soError ? describeErrno(system, value.soError).name : '0'
}

/** How an OS spells an error a backend produced; throws when that OS has no such error. */
export function describeErrno(system: ErrnoSystem, name: ErrnoName): ErrnoEntry {
  const entry = errnoOn(system, name)
  // A profile must never produce an error its OS lacks (shared/profiles.test.ts checks it).
  if (!entry) throw new Error(`${system} has no ${name}: a backend produced an error this OS lacks`)
  return entry
}

/**
 * The generic name of an errno number a Linux kernel returned; throws with the number when
 * the lab's table lacks it (add it to shared/errno.ts: every errno either backend can return
 * is there).
 */
export function errnoFromLinux(number: number): ErrnoName {
  const name = linuxErrnoName(number)
  if (!name)
    throw new Error(`the kernel returned errno ${number}, which shared/errno.ts does not know`)
  return name
}

/** A step that returned (a call's answer, or a non-call step that is done). */
export function returnedStep(
  index: number,
  step: Step,
  startMs: number,
  endMs: number,
  outcome: CallOutcome,
  system: ErrnoSystem,
): StepResult {
  const res: StepResult = {
    index,
    actor: step.actor,
    op: step.op,
    startMs,
    endMs,
    outcome: 'returned',
  }
  if (outcome.ret !== undefined) res.ret = outcome.ret
  if (outcome.errno) {
    const e = describeErrno(system, outcome.errno)
    res.errno = e.name
    res.errnoNumber = e.number
    res.message = e.message
  }
  if (outcome.signal) res.signal = outcome.signal
  if (outcome.value) res.value = describeValue(system, outcome.value)
  if (outcome.notes?.length) res.notes = [...outcome.notes]
  return res
}

/** The note events of a returned step, at its end (the params default to its errno). */
export function stepNotes(res: StepResult, outcome: CallOutcome): NoteEvent[] {
  const params = outcome.params ?? (outcome.errno ? { errno: outcome.errno } : undefined)
  return (outcome.notes ?? []).map((key) => {
    const e: NoteEvent = { tMs: res.endMs, type: 'note', key, actor: res.actor, step: res.index }
    if (params) e.params = params
    return e
  })
}

/** A call still blocked when the run ended. */
export function blockedStep(index: number, step: Step, startMs: number, endMs: number): StepResult {
  return {
    index,
    actor: step.actor,
    op: step.op,
    startMs,
    endMs,
    outcome: 'blocked',
    notes: ['blocked-at-limit'],
  }
}

/** Why a step never started: its actor died, was frozen, or was still held by an earlier step. */
export type SkipReason = 'dead' | 'frozen' | 'stuck'

/** A step that never started. */
export function skippedStep(index: number, step: Step, atMs: number, why: SkipReason): StepResult {
  return {
    index,
    actor: step.actor,
    op: step.op,
    startMs: atMs,
    endMs: atMs,
    outcome: 'skipped',
    notes: [`skipped-${why}`],
  }
}

/** Everything a backend knows at the end of a run. */
export interface ResultParts {
  script: LabScript
  backend: BackendId
  profile: ProfileId
  host?: HostInfo
  timers: LabResult['timers']
  timersShortened: boolean
  durationMs: number
  steps: StepResult[]
  events: TraceEvent[]
  final: FinalStates
  finalDetail?: SocketDetail[]
  cancelled?: boolean
  socketTable?: string[]
}

/**
 * Assembles the result document: steps in script order, events in time order (stable, so
 * events of one instant keep the order they happened in), optional fields only when set.
 */
export function buildResult(parts: ResultParts): LabResult {
  const result: LabResult = {
    labScript: parts.script.labScript,
    backend: parts.backend,
    profile: parts.profile,
    timers: parts.timers,
    timersShortened: parts.timersShortened,
    durationMs: parts.durationMs,
    steps: [...parts.steps].sort((a, b) => a.index - b.index),
    // A backend that records in time order (the simulator) pays one pass, not a sort.
    events: inTimeOrder(parts.events)
      ? [...parts.events]
      : parts.events
          .map((e, i) => ({ e, i }))
          .sort((a, b) => a.e.tMs - b.e.tMs || a.i - b.i)
          .map(({ e }) => e),
    final: { ...parts.final },
  }
  if (parts.script.id) result.id = parts.script.id
  if (parts.host) result.host = parts.host
  if (parts.finalDetail) result.finalDetail = parts.finalDetail
  if (parts.cancelled) result.cancelled = true
  if (parts.socketTable) result.socketTable = parts.socketTable
  return result
}

function inTimeOrder(events: TraceEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i]!.tMs < events[i - 1]!.tMs) return false
  return true
}
