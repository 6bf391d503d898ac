/**
 * Facts of the host the kernel lab runs on: its profile name, its effective TCP timers, and
 * how a call's Node error becomes the step result a C program would have seen (errno name and
 * number from the host, message from shared/errno.ts, SIGPIPE where C would have got it).
 */
import { release } from 'node:os'
import { readFile } from 'node:fs/promises'
import type { LabResult, StepResult } from '../../shared/lab-result'
import type { LabScript, ProfileId, Step } from '../../shared/lab-script'
import { isErrnoName, type ErrnoSystem } from '../../shared/errno'
import type { NoteKey } from '../../shared/notes'
import { returnedStep, type CallOutcome } from '../backend/result'
import { TIMER_SYSCTLS, type TimerSysctl } from './netns'
import type { CallReturn } from './peer-protocol'

/** `linux` from 6.5 (linear SYN timeouts), `linux-legacy` before; else the OS family. */
export function hostProfile(
  platform: string = process.platform,
  rel: string = release(),
): ProfileId {
  if (platform === 'darwin') return 'macos'
  if (platform === 'win32') return 'windows'
  const [major = 0, minor = 0] = rel.split(/[.-]/).map((n) => Number.parseInt(n, 10))
  return major > 6 || (major === 6 && minor >= 5) ? 'linux' : 'linux-legacy'
}

/** The timers a run used, and whether the script shortened them. */
export interface HostTimers {
  profile: ProfileId
  timers: LabResult['timers']
  shortened(script: LabScript): boolean
}

/** Defaults of the non-Linux hosts (os-profiles.md); Linux is read from /proc. */
const OTHER_DEFAULTS: Record<string, LabResult['timers']> = {
  darwin: {
    synRetries: 8,
    synackRetries: 5,
    retries2: 12,
    keepalive: { idleS: 7200, intervalS: 75, count: 8 },
  },
  win32: {
    synRetries: 2,
    synackRetries: 2,
    retries2: 5,
    keepalive: { idleS: 7200, intervalS: 1, count: 10 },
  },
}

async function readHostSysctls(): Promise<Partial<Record<TimerSysctl, number>>> {
  const out: Partial<Record<TimerSysctl, number>> = {}
  for (const n of TIMER_SYSCTLS) {
    try {
      out[n] = Number((await readFile(`/proc/sys/net/ipv4/${n}`, 'utf8')).trim())
    } catch {
      // Not Linux, or /proc hidden: the defaults below stand.
    }
  }
  return out
}

/**
 * The effective timers: inside a namespace as the kernel there reports them (`nsSysctls`),
 * else the host's own. `shortened` compares the script's overrides with the host's defaults.
 */
export async function hostTimers(nsSysctls?: Record<TimerSysctl, number>): Promise<HostTimers> {
  const profile = hostProfile()
  const hostValues = await readHostSysctls()
  const fallback = OTHER_DEFAULTS[process.platform] ?? {
    synRetries: 6,
    synackRetries: 5,
    retries2: 15,
    keepalive: { idleS: 7200, intervalS: 75, count: 9 },
  }
  const from = (v: Partial<Record<TimerSysctl, number>>): LabResult['timers'] => ({
    synRetries: v.tcp_syn_retries ?? fallback.synRetries,
    synackRetries: v.tcp_synack_retries ?? fallback.synackRetries,
    retries2: v.tcp_retries2 ?? fallback.retries2,
    keepalive: {
      idleS: v.tcp_keepalive_time ?? fallback.keepalive.idleS,
      intervalS: v.tcp_keepalive_intvl ?? fallback.keepalive.intervalS,
      count: v.tcp_keepalive_probes ?? fallback.keepalive.count,
    },
  })
  const defaults = from(hostValues)
  const timers = nsSysctls ? from(nsSysctls) : defaults
  return {
    profile,
    timers,
    shortened: (script) => {
      const t = script.timers
      return (
        (t.synRetries !== undefined && t.synRetries < defaults.synRetries) ||
        (t.synackRetries !== undefined && t.synackRetries < defaults.synackRetries) ||
        (t.retries2 !== undefined && t.retries2 < defaults.retries2) ||
        (t.keepalive !== undefined &&
          t.keepalive.idleS + t.keepalive.intervalS * t.keepalive.count <
            defaults.keepalive.idleS + defaults.keepalive.intervalS * defaults.keepalive.count)
      )
    },
  }
}

function errnoSystem(platform: string): ErrnoSystem {
  return platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : 'linux'
}

/** Builds a returned step's result from what the peer reported (no `ret` for non-calls). */
export function stepResult(
  index: number,
  step: Step,
  startMs: number,
  endMs: number,
  r: Partial<CallReturn>,
  platform: string,
): StepResult {
  const outcome: CallOutcome = {}
  if (r.ret !== undefined) outcome.ret = r.ret
  const notes = [...(r.notes ?? [])] as NoteKey[]
  if (r.ret === -1 && r.code) {
    if (!isErrnoName(r.code))
      throw new Error(
        `step ${index} (${step.op}) failed with ${r.code}, which shared/errno.ts does not know`,
      )
    outcome.errno = r.code
    if (r.code === 'EPIPE' && step.op === 'send' && platform !== 'win32') {
      // A C program without a SIGPIPE handler would have died here; Node ignores SIGPIPE.
      outcome.signal = 'SIGPIPE'
      notes.push('kernel.sigpipe-ignored' as NoteKey)
    }
  }
  if (notes.length) outcome.notes = notes
  return returnedStep(index, step, startMs, endMs, outcome, errnoSystem(platform))
}
