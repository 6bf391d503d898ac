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
import type { ProgramCall } from './program-result'
import { CALL_OPS, withReturn } from './program-steps'

/** The lab-script op a program call is drawn as (absent: not drawn as a step). */
const AS_STEP = new Map(Object.entries(CALL_OPS).map(([step, call]) => [call, step as StepOp]))

function stepOf(call: ProgramCall, op: StepOp, index: number, endMs: number): StepResult {
  return withReturn(
    {
      index,
      actor: call.actor,
      op,
      // A server program starts before the run's clock: its first calls are drawn at 0.
      startMs: Math.max(0, call.startMs),
      endMs: Math.max(0, call.outcome === 'blocked' ? endMs : call.endMs),
      outcome: call.outcome,
    },
    call,
  )
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
  for (const call of p.calls) {
    const op = AS_STEP.get(call.op)
    if (op) added.push(stepOf(call, op, base + added.length, result.durationMs))
  }
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
