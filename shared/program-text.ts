/**
 * A program run as text (the CLI's `run --client -- ...`; the terminal pane can use the same):
 * the run's trace (shared/trace-text.ts) with the program's socket calls merged in time order,
 * then how it ended and what it printed.
 */
import type { LabScript } from './lab-script'
import type { LabResult } from './lab-result'
import type { ProgramCall, ProgramRun } from './program-result'
import { formatTime, formatTraceLines } from './trace-text'

const CALL_WIDTH = 30

/** The time a trace line starts with (`[   12.3 ms]`, `[ 12.34 s ]`), in ms. */
function lineTime(line: string): number {
  const m = /^\[\s*(-?[\d.]+) (ms|s)\s*\]/.exec(line)
  if (!m) return Number.NaN
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1)
}

/** A program call as a line: `[  926.2 ms] client recvfrom(3, 100 bytes) = -1 ECONNRESET 104 (...)`. */
export function formatProgramCall(call: ProgramCall): string {
  const args = [String(call.fd), ...(call.detail ? [call.detail] : [])].join(', ')
  const head = `${call.actor} ${call.syscall}(${args})`
  let ret: string
  if (call.outcome === 'blocked') ret = '... still blocked when the program ended'
  else if (call.ret === -1 && call.errno)
    ret = `= -1 ${call.errno}${call.errnoNumber !== undefined ? ` ${call.errnoNumber}` : ''} (${call.message ?? ''})${call.signal ? ` +${call.signal}` : ''}`
  else ret = `= ${call.ret ?? '?'}${call.value !== undefined ? ` [${call.value}]` : ''}`
  const at = call.outcome === 'blocked' ? call.startMs : call.endMs
  return `${formatTime(at)} ${head.padEnd(CALL_WIDTH)} ${ret}`
}

/** How the program ended, in a sentence. */
export function describeProgramEnd(p: ProgramRun): string {
  const ran = p.endMs !== null ? ` after ${Math.max(0, p.endMs - p.startMs).toFixed(0)} ms` : ''
  const how =
    p.exitSignal !== null
      ? `was ended by ${p.exitSignal}`
      : p.exitCode !== null
        ? `exited with status ${p.exitCode}`
        : 'ended (its status was not seen)'
  const why =
    p.killed === 'limit'
      ? ' (the lab ended it: it was still running at the time limit)'
      : p.killed === 'cancelled'
        ? ' (the run was cancelled)'
        : ''
  return `${how}${ran}${why}`
}

/** The run's trace with the program's calls in it, its end, and its output. */
export function formatProgramTrace(result: LabResult, script?: LabScript): string[] {
  const trace = formatTraceLines(result, script)
  const end = trace.pop() ?? ''
  const p = result.program
  if (!p) return [...trace, end]
  const calls = p.calls.map((c) => ({
    t: c.outcome === 'blocked' ? c.startMs : c.endMs,
    line: formatProgramCall(c),
  }))
  calls.sort((a, b) => a.t - b.t)
  const merged: string[] = []
  let k = 0
  for (const line of trace) {
    const t = lineTime(line)
    while (k < calls.length && !(calls[k]!.t > t)) merged.push(calls[k++]!.line)
    merged.push(line)
  }
  while (k < calls.length) merged.push(calls[k++]!.line)
  const out = [...merged, end, `# your ${p.role} (${p.command.join(' ')}) ${describeProgramEnd(p)}`]
  if (p.callsCut) out.push('# (its trace was cut: only its first calls are listed)')
  for (const [name, text] of [
    ['stdout', p.stdout],
    ['stderr', p.stderr],
  ] as const) {
    if (!text) continue
    out.push(`# its ${name}:`)
    for (const l of text.replace(/\n$/, '').split('\n')) out.push(`| ${l}`)
  }
  return out
}
