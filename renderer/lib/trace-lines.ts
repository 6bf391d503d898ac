/**
 * Trace text for the socket shell: after a command re-runs the session's script, the shell
 * prints only what happened from the command on, since the earlier lines repeat what the
 * student has already seen (the simulator is deterministic).
 */
import type { LabScript } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { formatEventLine, formatStepLine, formatTime } from '../../shared/trace-text'

/**
 * The trace lines of `result` from run time `sinceMs` on, in the CLI's order: events and
 * the calls that returned then, calls still blocked at the end (they are the state the
 * student is in now), then the final states.
 */
export function traceLinesSince(
  result: LabResult,
  script: LabScript | undefined,
  sinceMs: number,
): string[] {
  const lines: string[] = []
  const printed = new Set<number>()
  for (const event of result.events) {
    if (event.type === 'syscall') printed.add(event.step)
    if (event.tMs < sinceMs) continue
    if (event.type === 'syscall') {
      const step = result.steps.find((s) => s.index === event.step)
      if (step) lines.push(formatStepLine(step, script))
      continue
    }
    const line = formatEventLine(event)
    if (line) lines.push(line)
  }
  for (const step of result.steps) {
    if (printed.has(step.index)) continue
    if (step.outcome === 'blocked' || step.startMs >= sinceMs)
      lines.push(formatStepLine(step, script))
  }
  lines.push(
    `${formatTime(result.durationMs)} end: client ${result.final.client}, server ${result.final.server}`,
  )
  return lines
}
