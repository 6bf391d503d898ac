/**
 * A program run (issue 14) as the Lab's views draw any run: the student's socket calls become
 * steps of its role, each returning with a `syscall` event, so the sequence diagram, the errno
 * readout and the state machines show them beside the scripted peer's calls. The program did
 * not run the script's steps for its role, so they are not there; its calls take the indexes
 * after the script's (no script step describes them). `socket()` and `setsockopt()` have no
 * lab-script op: they stay in the trace text and the program panel only.
 */
import type { LabScript, StepOp } from './lab-script'
import type { LabResult, StepResult, TraceEvent } from './lab-result'
import type { ProgramCall, ProgramOp } from './program-result'

/** The lab-script op a program call is drawn as (null: not drawn as a step). */
const AS_STEP: Record<ProgramOp, StepOp | null> = {
  socket: null,
  setsockopt: null,
  bind: 'bind',
  listen: 'listen',
  connect: 'connect',
  accept: 'accept',
  send: 'send',
  recv: 'recv',
  close: 'close',
  shutdown: 'shutdown',
  getsockopt: 'getsockopt',
  poll: 'poll',
}

function stepOf(call: ProgramCall, index: number, endMs: number): StepResult {
  const step: StepResult = {
    index,
    actor: call.actor,
    op: AS_STEP[call.op]!,
    // A server program starts before the run's clock: its first calls are drawn at 0.
    startMs: Math.max(0, call.startMs),
    endMs: Math.max(0, call.outcome === 'blocked' ? endMs : call.endMs),
    outcome: call.outcome,
  }
  if (call.ret !== undefined) step.ret = call.ret
  if (call.errno !== undefined) step.errno = call.errno
  if (call.errnoNumber !== undefined) step.errnoNumber = call.errnoNumber
  if (call.message !== undefined) step.message = call.message
  if (call.signal !== undefined) step.signal = call.signal
  if (call.value !== undefined) step.value = call.value
  return step
}

/**
 * The result with its program's calls as steps (the result itself when it has no program).
 * `script`: the script that ran; its length is where the program's indexes start.
 */
export function programView(
  result: LabResult,
  script?: Pick<LabScript, 'steps'> | null,
): LabResult {
  const p = result.program
  if (!p) return result
  const base = Math.max(script?.steps.length ?? 0, ...result.steps.map((s) => s.index + 1))
  const added: StepResult[] = []
  for (const call of p.calls)
    if (AS_STEP[call.op]) added.push(stepOf(call, base + added.length, result.durationMs))
  const returns: TraceEvent[] = added
    .filter((s) => s.outcome === 'returned')
    .map((s) => ({ tMs: s.endMs, type: 'syscall', step: s.index }))
  // Stable: a call that returns at the instant of an event comes after it.
  const events = [...result.events, ...returns]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.tMs - b.e.tMs || a.i - b.i)
    .map(({ e }) => e)
  return { ...result, steps: [...result.steps, ...added], events }
}
