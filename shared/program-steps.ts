/**
 * A program's calls read as the script's steps for its role, so a program run can be compared
 * with a scripted run by the one agreement rule (shared/agreement.ts), and shown where the
 * script's steps would be. Each socket-call step of the role takes the program's next call of
 * the same op, in the order the calls started; calls the script has no step for (socket(),
 * setsockopt(), a poll the script does not make) are passed over, and so are the script's
 * steps that are not socket calls (sleep, crash...).
 */
import type { Endpoint, LabScript, StepOp } from './lab-script'
import type { StepResult } from './lab-result'
import type { ProgramCall } from './program-result'

/** The script ops that are one socket call of the program, and the program op that is it. */
export const CALL_OPS: Partial<Record<StepOp, ProgramCall['op']>> = {
  connect: 'connect',
  accept: 'accept',
  send: 'send',
  recv: 'recv',
  close: 'close',
  shutdown: 'shutdown',
  listen: 'listen',
  bind: 'bind',
  poll: 'poll',
  getsockopt: 'getsockopt',
}

/** What matching found: a step result for each step matched, and the steps left unmatched. */
export interface ProgramSteps {
  steps: StepResult[]
  /** Script indices of the role's call steps the program made no call for. */
  unmatched: number[]
}

/** The program's calls as step results of the script's steps for `role`. */
export function programSteps(
  script: Pick<LabScript, 'steps'>,
  role: Endpoint,
  calls: readonly ProgramCall[],
): ProgramSteps {
  const ordered = [...calls].sort((a, b) => a.startMs - b.startMs)
  let next = 0
  const steps: StepResult[] = []
  const unmatched: number[] = []
  script.steps.forEach((step, index) => {
    if (step.actor !== role) return
    const op = CALL_OPS[step.op]
    if (!op) return
    let k = next
    while (k < ordered.length && ordered[k]!.op !== op) k++
    const call = ordered[k]
    if (!call) {
      unmatched.push(index)
      return
    }
    next = k + 1
    steps.push(
      withReturn(
        {
          index,
          actor: role,
          op: step.op,
          startMs: call.startMs,
          endMs: call.endMs,
          outcome: call.outcome,
        },
        call,
      ),
    )
  })
  return { steps, unmatched }
}

/** `step` with what `call` returned: its value, errno (number, message), signal and value. */
export function withReturn(step: StepResult, call: ProgramCall): StepResult {
  if (call.ret !== undefined) step.ret = call.ret
  if (call.errno !== undefined) step.errno = call.errno
  if (call.errnoNumber !== undefined) step.errnoNumber = call.errnoNumber
  if (call.message !== undefined) step.message = call.message
  if (call.signal !== undefined) step.signal = call.signal
  if (call.value !== undefined) step.value = call.value
  return step
}
