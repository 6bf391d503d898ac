/**
 * The timer floor of a script: the least time any backend must take to run it, because the
 * script itself waits (its `at` times, sleeps, receive timeouts) or because the kernel's own
 * timers must fire (SYN retransmissions, data retransmissions, keepalive probes). The second
 * part is what the simulator's Linux profile computes from the same rules, so the kernel lab's
 * overhead is its run time minus this floor (bench/kernel.ts).
 */
import type { Actor, LabScript } from '../shared/lab-script'
import { simulate } from '../main/sim/index'

/** The latest moment any actor's script alone forces (ms from the start). */
export function scriptedFloorMs(script: LabScript): number {
  const clock = new Map<Actor, number>()
  for (const s of script.steps) {
    let t = Math.max(clock.get(s.actor) ?? 0, s.at ?? 0)
    if (s.op === 'sleep') t += s.ms
    if (s.op === 'recv' && s.timeoutMs !== undefined) t += s.timeoutMs
    clock.set(s.actor, t)
  }
  return Math.min(script.limitMs, Math.max(0, ...clock.values()))
}

/** The floor: what the script waits for, or what the Linux timers must take, whichever is later. */
export function timerFloorMs(script: LabScript): number {
  const linux = simulate({ ...script, profile: 'linux' })
  return Math.max(scriptedFloorMs(script), linux.durationMs)
}
