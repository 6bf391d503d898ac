/**
 * What a student counts on a Linux connect() that timed out, and why it is not the retry
 * count the script set. Linux's SYN give-up is a time budget, (2^(N+1) - 1) s for
 * N = tcp_syn_retries (docs/kernel-rules.md, "Giving up: time budgets, not counts"); since 6.5
 * the first timeouts stay at 1 s (tcp_syn_linear_timeouts = 4), so more SYNs fit in that
 * budget than N. The figures come from the run itself (its SYNs and its connect()), the rule
 * from its profile.
 */
import type { LabResult, SegmentEvent } from '../../shared/lab-result'
import { PROFILES } from '../../shared/profiles'

/** The SYN count of a Linux run whose connect() timed out, or null when there is none. */
export interface SynCount {
  /** `linear` (Linux 6.5+: linear timeouts) or `doubling` (the article's kernels). */
  rule: 'linear' | 'doubling'
  /** Retransmitted SYNs the diagram shows. */
  retransmissions: number
  /** When each SYN was sent, in seconds after the first. */
  times: number[]
  /** When connect() failed, in seconds after the first SYN. */
  failedS: number
  /** tcp_syn_retries as the run set it. */
  retries: number
  /** The time budget those retries make, in seconds. */
  budgetS: number
}

function round(ms: number): number {
  return Math.round(ms / 100) / 10
}

function isClientSyn(e: SegmentEvent): boolean {
  return (
    e.dir === 'c2s' && e.flags.length === 1 && e.flags[0] === 'SYN' && e.hop !== 'middlebox-server'
  )
}

/** The count, for a run on a Linux profile whose connect() failed after SYN retransmissions. */
export function synCount(result: LabResult): SynCount | null {
  if (result.profile !== 'linux' && result.profile !== 'linux-legacy') return null
  const rule = PROFILES[result.profile].syn
  if (rule.giveUp.kind !== 'time-budget') return null
  const connect = result.steps.find(
    (s) => s.op === 'connect' && s.ret === -1 && /TIMEDOUT/.test(s.errno ?? ''),
  )
  if (!connect) return null
  const syns = result.events.filter(
    (e): e is SegmentEvent => e.type === 'segment' && isClientSyn(e) && e.tMs <= connect.endMs,
  )
  if (syns.length < 2) return null
  const first = syns[0]!.tMs
  const retries = result.timers.synRetries
  return {
    rule: rule.linearTimeouts > 0 ? 'linear' : 'doubling',
    retransmissions: syns.length - 1,
    times: syns.map((s) => round(s.tMs - first)),
    failedS: round(connect.endMs - first),
    retries,
    budgetS: ((2 ** (retries + 1) - 1) * rule.giveUp.baseMs) / 1000,
  }
}
