/**
 * Facts of the host the kernel lab runs on: its profile name, its effective TCP timers, and
 * how what a call returned in the program becomes its step result (errno name and number from
 * the kernel's number, message from shared/errno.ts, the SIGPIPE the kernel raised).
 */
import { release } from 'node:os'
import { readFile } from 'node:fs/promises'
import type { LabResult } from '../../shared/lab-result'
import type { LabScript, ProfileId } from '../../shared/lab-script'
import type { NoteKey } from '../../shared/notes'
import { errnoFromLinux, type CallOutcome, type CallValue } from '../backend/result'
import { TIMER_SYSCTLS, type TimerSysctl } from './netns'

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

/** Linux's defaults, where /proc does not say (it always does on a host the lab runs on). */
const LINUX_DEFAULTS: LabResult['timers'] = {
  synRetries: 6,
  synackRetries: 5,
  retries2: 15,
  keepalive: { idleS: 7200, intervalS: 75, count: 9 },
}

async function readSysctls(): Promise<Partial<Record<TimerSysctl, number>>> {
  const out: Partial<Record<TimerSysctl, number>> = {}
  for (const n of TIMER_SYSCTLS) {
    try {
      out[n] = Number((await readFile(`/proc/sys/net/ipv4/${n}`, 'utf8')).trim())
    } catch {
      // /proc hidden: the defaults stand.
    }
  }
  return out
}

// The host's own values do not change while the lab runs: read them once.
let hostSysctls: Promise<Partial<Record<TimerSysctl, number>>> | null = null

function timersOf(v: Partial<Record<TimerSysctl, number>>): LabResult['timers'] {
  const d = LINUX_DEFAULTS
  return {
    synRetries: v.tcp_syn_retries ?? d.synRetries,
    synackRetries: v.tcp_synack_retries ?? d.synackRetries,
    retries2: v.tcp_retries2 ?? d.retries2,
    keepalive: {
      idleS: v.tcp_keepalive_time ?? d.keepalive.idleS,
      intervalS: v.tcp_keepalive_intvl ?? d.keepalive.intervalS,
      count: v.tcp_keepalive_probes ?? d.keepalive.count,
    },
  }
}

/**
 * The effective timers inside the run's namespace, as the kernel there reports them;
 * `shortened` compares the script's overrides with the host's own values.
 */
export async function hostTimers(nsSysctls: Record<TimerSysctl, number>): Promise<HostTimers> {
  hostSysctls ??= readSysctls()
  const defaults = timersOf(await hostSysctls)
  return {
    profile: hostProfile(),
    timers: timersOf(nsSysctls),
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

/** What a step did, as far as its result is concerned. */
export interface StepDone {
  /** The call's return value (absent for steps that are not calls, and for net steps' 0). */
  ret?: number
  /** The Linux errno number when `ret` is -1. */
  errno?: number
  /** The kernel raised SIGPIPE during the call. */
  sigpipe?: boolean
  /** Where the lab applied something no system call shows (a crash mode, a signal). */
  notes?: NoteKey[]
  /** When the call returned in the program (CLOCK_MONOTONIC ms), if it was one. */
  doneAt?: number
  /** What poll() or getsockopt() wrote out besides the return value. */
  value?: CallValue
}

/** What a step did, in the lab's generic terms (main/backend/result.ts writes it down). */
export function callOutcome(r: StepDone): CallOutcome {
  const outcome: CallOutcome = {}
  if (r.ret !== undefined) outcome.ret = r.ret
  const notes = [...(r.notes ?? [])]
  if (r.ret === -1 && r.errno) outcome.errno = errnoFromLinux(r.errno)
  if (r.sigpipe) {
    outcome.signal = 'SIGPIPE'
    notes.push('kernel.sigpipe-handled')
  }
  if (notes.length) outcome.notes = notes
  if (r.value) outcome.value = r.value
  return outcome
}
