/**
 * The trace text of a run as the socket shell prints it: the command line that started the
 * run, a line per event and call as they stream in, then (the result being authoritative) the
 * whole trace again in the CLI's order. Pure functions; the run store keeps the lines.
 */
import type { BackendId, LabScript, ProfileId } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { formatEventLine, formatStepLine, formatTraceLines } from '../../shared/trace-text'
import { formatProgramTrace } from '../../shared/program-text'
import type { LiveUpdate } from './run-to-end'

/** What a run was asked to do (the controls may change while it runs). */
export interface RunRequestInfo {
  /** The catalog id, or the script's own id (`custom` when it has none). */
  scenarioId: string
  backend: BackendId
  profile: ProfileId
  /** A catalog case, a teacher's script, or the socket shell's session script. */
  source?: 'case' | 'script' | 'shell'
  /** Shell runs: the command line that caused the run (printed instead of `lab> run`). */
  command?: string
  /** Shell runs: print only what happened from this run time on (earlier lines repeat). */
  sinceMs?: number
  /** Your own program played this role (the "Your program" panel). */
  program?: { role: 'client' | 'server'; command: string }
}

/** The shell command the trace pane shows before a run's lines. */
export function runCommandLine(info: RunRequestInfo): string {
  if (info.command !== undefined) return info.command
  const profile = info.backend === 'sim' ? ` --profile ${info.profile}` : ''
  const what = info.source === 'script' ? `script ${info.scenarioId}` : info.scenarioId
  const program = info.program ? ` --${info.program.role} -- ${info.program.command}` : ''
  return `lab> run ${what} --backend ${info.backend}${profile}${program}`
}

/** The line a live update adds to the trace, or null (nothing to print, or before `sinceMs`). */
export function liveTraceLine(
  update: LiveUpdate,
  info: RunRequestInfo,
  script: LabScript | null,
): string | null {
  const since = info.sinceMs
  if (update.kind === 'event') {
    const line = formatEventLine(update.event)
    return line && (since === undefined || update.event.tMs >= since) ? line : null
  }
  return since === undefined || update.step.endMs >= since
    ? formatStepLine(update.step, script ?? undefined)
    : null
}

/** A finished run's whole trace, after its command line, in the CLI's order. */
export function finishedTraceLines(
  info: RunRequestInfo,
  result: LabResult,
  script: LabScript | null,
): string[] {
  // A program run: its calls merged into the trace, then how it ended and what it printed.
  const body = result.program
    ? formatProgramTrace(result, script ?? undefined)
    : info.sinceMs === undefined
      ? formatTraceLines(result, script ?? undefined)
      : formatTraceLines(result, script ?? undefined, info.sinceMs)
  return [runCommandLine(info), ...body]
}
