/** Small display helpers shared by the Lab components. */
import { formatCall } from '../../shared/trace-text'
import type { LabScript } from '../../shared/lab-script'
import type { StepResult } from '../../shared/lab-result'

/** Milliseconds as a student reads them: `0.3 ms`, `1.02 s`. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`
}

/** Ops that are socket calls with a return value (the rest are actions: sleep, crash, net). */
const CALL_OPS = new Set<StepResult['op']>([
  'listen',
  'accept',
  'connect',
  'poll',
  'getsockopt',
  'send',
  'recv',
  'close',
  'shutdown',
  'abort',
  'keepalive',
  'usertimeout',
])

/** True when the step is a socket call whose return value matters. */
export function isSocketCall(step: Pick<StepResult, 'op'>): boolean {
  return CALL_OPS.has(step.op)
}

/**
 * `connect(7002) = -1 ECONNREFUSED`, `accept() = 5`, `poll(POLLOUT, -1) = 1 [POLLOUT]` (what
 * the call wrote out in brackets, as strace shows it), or just the action for non-calls.
 */
export function stepHeadline(step: StepResult, script?: LabScript | null): string {
  const call = formatCall(step, script?.steps[step.index])
  if (step.outcome !== 'returned' || step.ret === undefined) return call
  const errno = step.ret === -1 && step.errno ? ` ${step.errno}` : ''
  const value = step.value !== undefined ? ` [${step.value}]` : ''
  return `${call} = ${step.ret}${errno}${value}`
}

/** Visual class of a step: an error, a success, still blocked, skipped, or a plain action. */
export function stepKind(step: StepResult): 'error' | 'ok' | 'blocked' | 'skipped' | 'action' {
  if (step.outcome === 'blocked') return 'blocked'
  if (step.outcome === 'skipped') return 'skipped'
  if (step.ret === -1) return 'error'
  return isSocketCall(step) ? 'ok' : 'action'
}
