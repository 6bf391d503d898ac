/** Helpers for the simulator's tests: parse a script (failing loudly) and run it. */
import { parseLabScript, type LabScript, type LabScriptInput } from '../../shared/lab-script'
import type { LabResult, SegmentEvent, StepResult, TraceEvent } from '../../shared/lab-result'
import { simulate } from './simulate'

/** A validated script; a bad one fails the test with the parser's message. */
export function script(input: LabScriptInput): LabScript {
  const r = parseLabScript(input)
  if (!r.ok) throw new Error(r.message)
  return r.script
}

/** Parses and simulates a script. */
export function run(input: LabScriptInput): LabResult {
  return simulate(script(input))
}

/** The result of step `i`. */
export function stepAt(r: LabResult, i: number): StepResult {
  const s = r.steps.find((x) => x.index === i)
  if (!s) throw new Error(`no result for step ${i}`)
  return s
}

/** Segment events, optionally only one direction and flag combination (`SYN`, `SYN|ACK`...). */
export function segments(
  events: TraceEvent[],
  dir?: 'c2s' | 's2c',
  flags?: string,
): SegmentEvent[] {
  return events.filter(
    (e): e is SegmentEvent =>
      e.type === 'segment' &&
      (dir === undefined || e.dir === dir) &&
      (flags === undefined || e.flags.join('|') === flags),
  )
}

/** Seconds, rounded to 0.1 s, for comparing timer schedules. */
export function secs(ms: number): number {
  return Math.round(ms / 100) / 10
}

/** listen, connect, accept on one port: the start of most scripts. */
export function connected(port = 7001): LabScriptInput['steps'] {
  return [
    { actor: 'server', op: 'listen', port },
    { actor: 'client', op: 'connect', port },
    { actor: 'server', op: 'accept' },
  ]
}
