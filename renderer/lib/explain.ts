/**
 * "What just happened" for any run. The simulator says why as it goes (its note events, from
 * its rules); the kernel lab can only show what happened (segments, states, return values).
 * So for a run without note events the teaching notes are read off the trace here, by the
 * rules the simulator states them with: a retransmitted SYN is `syn-retransmit`, a connect()
 * that fails after them is `syn-give-up` with the count and the time, a call that fails after
 * unanswered data retransmissions is `data-give-up`, and so on. renderer/lib/explain.test.ts
 * holds these rules to the simulator: on its recorded runs, with the note events removed,
 * they give back the notes it emitted.
 *
 * The kernel lab's own notes (`kernel.*`: how it made a crash, that its programs handle
 * SIGPIPE) describe the lab, not TCP: they are kept apart, as "how the lab measured this".
 */
import { ERRNO_NAMES, ERRNO_TABLES } from '../../shared/errno'
import { isNoteKey, NOTES, pollNoteKey, type NoteKey } from '../../shared/notes'
import type { LabScript, ProfileId } from '../../shared/lab-script'
import { PROFILES } from '../../shared/profiles'
import type { SegmentEvent, StepResult, TraceEvent } from '../../shared/lab-result'

/** The notes the trace rules below can give (the simulator, which knows why, gives a few more). */
export const INFERRED_KEYS: readonly NoteKey[] = [
  'syn-retransmit',
  'syn-give-up',
  'rst-closed-port',
  'refused-retry',
  'rst-in-syn-sent',
  'connect-returns',
  'accept-returns',
  'icmp-soft-connect',
  'icmp-reported',
  'icmp-hard',
  'icmp-ignored',
  'synack-retransmit',
  'synack-give-up',
  'send-buffered',
  'tlp',
  'data-retransmit',
  'data-give-up',
  'keepalive-probe',
  'keepalive-give-up',
  'signal-eintr',
  'signal-eintr-connect',
  'signal-eintr-timeout',
  'signal-restart',
  'signal-idle',
  'recv-fin',
  'recv-timeout',
  'sigpipe',
  'net-cut',
  'net-heal',
  'middlebox-hold',
  'middlebox-release',
  'crash-fin',
  'crash-rst',
  'crash-silent',
  'frozen',
  'thawed',
  'abort-rst',
  'connect-inprogress',
  'poll-writable',
  'poll-readable',
  'poll-failed',
  'poll-errqueue',
  'poll-timeout',
  'poll-nval',
  'so-error-pending',
  'so-error-soft',
  'so-error-connecting',
  'would-block',
]

/** A teaching note placed on the trace. */
export interface PlacedNote {
  /** Index of the event it explains: shown once the cursor has passed it. */
  at: number
  key: NoteKey
  params: Record<string, string | number>
  /** The step it explains (its card shows it), if any. */
  step?: number
}

/** True for the kernel lab's notes about itself (how it made a fault), not about TCP. */
export function isLabNote(key: string): boolean {
  return key.startsWith('kernel.')
}

/** The generic errno name of a name as some OS spells it (WSAETIMEDOUT -> ETIMEDOUT). */
export function genericErrno(name: string): string {
  if ((ERRNO_NAMES as readonly string[]).includes(name)) return name
  for (const generic of ERRNO_NAMES)
    if (Object.values(ERRNO_TABLES).some((t) => t[generic]?.name === name)) return generic
  return name
}

/** Seconds as the notes write them: whole where whole, else one decimal. */
function seconds(ms: number): number {
  return Math.round(ms / 100) / 10
}

function flagsAre(e: SegmentEvent, flags: string[]): boolean {
  return e.flags.length === flags.length && flags.every((f) => e.flags.includes(f as never))
}

/** A SYN the client sends towards the server (the first hop when there is a middlebox). */
function isClientSyn(e: SegmentEvent): boolean {
  return e.dir === 'c2s' && flagsAre(e, ['SYN']) && e.hop !== 'middlebox-server'
}

function isServerSynAck(e: SegmentEvent): boolean {
  return e.dir === 's2c' && flagsAre(e, ['SYN', 'ACK']) && e.hop !== 'client-middlebox'
}

/** Which end sent a segment (a middlebox hop counts for the end it relays from). */
function sender(e: SegmentEvent): 'client' | 'server' {
  return e.dir === 'c2s' ? 'client' : 'server'
}

/**
 * Teaching notes read off a run's trace, in trace order, for runs whose backend says nothing
 * of why (the kernel lab). Only notes true on `profile` are given.
 */
export function inferNotes(
  events: readonly TraceEvent[],
  steps: readonly StepResult[],
  script: LabScript | null | undefined,
  profile: ProfileId | undefined,
): PlacedNote[] {
  const notes: PlacedNote[] = []
  const stepOf = new Map(steps.map((s) => [s.index, s]))
  /** Why a call failed with EINTR: connect, a socket with a timeout under SA_RESTART, or none. */
  const eintrWhy = (step: StepResult, s: Record<string, unknown>): NoteKey => {
    if (step.op === 'connect') return 'signal-eintr-connect'
    const next = script?.steps.find((x, j) => j > step.index && x.actor === step.actor)
    const restart = next?.op === 'signal' && next.restart
    return restart && s.timeoutMs !== undefined ? 'signal-eintr-timeout' : 'signal-eintr'
  }
  const scriptStep = (i: number): Record<string, unknown> =>
    (script?.steps[i] as Record<string, unknown> | undefined) ?? {}
  const keepalive = new Set<string>()
  let synRetx = 0
  let synAckRetx = 0
  let lastSynAt = -1
  let refusedRetries = 0
  let connecting = false
  let icmpReported = false
  const connectStep = steps.find((x) => x.op === 'connect')
  const connectPort = connectStep ? scriptStep(connectStep.index).port : undefined
  const dataRetx: Record<
    'client' | 'server',
    { n: number; firstSentMs: number; gaveUp: boolean; sent: Map<number, number>; lastMs: number }
  > = {
    client: { n: 0, firstSentMs: -1, gaveUp: false, sent: new Map(), lastMs: -1 },
    server: { n: 0, firstSentMs: -1, gaveUp: false, sent: new Map(), lastMs: -1 },
  }
  const probes: Record<string, number> = {}
  let lastSegmentMs = -Infinity
  let serverEstablished = false
  // Lab script version 2: each end's last state, whether the client's socket is non-blocking
  // (O_NONBLOCK set for its connect stays on), whether an ICMP came back while it connected.
  const stateOf: Record<'client' | 'server', string> = { client: 'CLOSED', server: 'CLOSED' }
  let clientNonblocking = false
  let icmpWhileConnecting = false
  const add = (at: number, key: NoteKey, params: Record<string, string | number>, step?: number) =>
    notes.push(step === undefined ? { at, key, params } : { at, key, params, step })
  // The time of the next event matching `pred` after index i (or undefined).
  const nextTime = (i: number, pred: (e: TraceEvent) => boolean): number | undefined => {
    for (let j = i + 1; j < events.length; j++) if (pred(events[j]!)) return events[j]!.tMs
    return undefined
  }

  events.forEach((e, i) => {
    // These rules read one client's connection: a further client's (version 2) states and
    // segments are not read here, so no note about them can borrow the first client's story.
    if ((e.type === 'segment' || e.type === 'icmp') && e.client) return
    if (e.type === 'state') {
      if (e.actor !== 'client' && e.actor !== 'server') return
      stateOf[e.actor] = e.to
      if (e.actor === 'server' && e.to === 'ESTABLISHED') serverEstablished = true
      // The data give-up rule closed the connection (no call was waiting to report it).
      if (e.to === 'CLOSED' && !/RST/.test(e.cause ?? '')) {
        const d = dataRetx[e.actor]
        if (d && d.n > 0 && !d.gaveUp) {
          d.gaveUp = true
          const from = d.firstSentMs >= 0 ? d.firstSentMs : e.tMs
          add(i, 'data-give-up', { n: d.n, s: seconds(e.tMs - from), errno: 'ETIMEDOUT' })
        }
      }
      if (
        e.actor === 'server' &&
        e.from === 'SYN_RCVD' &&
        (e.to === 'LISTEN' || e.to === 'CLOSED') &&
        !serverEstablished &&
        synAckRetx > 0
      )
        add(i, 'synack-give-up', { n: synAckRetx, s: seconds(e.tMs) })
      return
    }
    if (e.type === 'segment') {
      const gap = e.tMs - lastSegmentMs
      lastSegmentMs = e.tMs
      if (isClientSyn(e)) {
        lastSynAt = i
        connecting = true
        // Sent again after an RST (Windows retries a refused connect): not a timeout.
        if (e.retransmit && refusedRetries > 0) return
        if (e.retransmit) {
          synRetx++
          // The next timeout: until the next SYN, or until connect() gave up; when an answer
          // came first it cannot be seen, and the profile's SYN schedule says it.
          const next =
            nextTime(i, (x) => x.type === 'segment' && isClientSyn(x)) ??
            nextTime(i, (x) => {
              if (x.type !== 'syscall') return false
              const st = stepOf.get(x.step)
              return st?.op === 'connect' && st.ret === -1 && /TIMEDOUT/.test(st.errno ?? '')
            })
          const nextS = next !== undefined ? seconds(next - e.tMs) : scheduledS(synRetx)
          if (nextS !== undefined) add(i, 'syn-retransmit', { n: synRetx, nextS })
        }
        return
      }
      // An RST answering the client's SYN: nothing listens on that port.
      if (connecting && e.dir === 's2c' && e.flags.includes('RST') && e.fate === 'delivered') {
        if (typeof connectPort === 'number') add(i, 'rst-closed-port', { port: connectPort })
        const retry = nextTime(i, (x) => x.type === 'segment' && isClientSyn(x))
        const returned = nextTime(
          i,
          (x) => x.type === 'syscall' && stepOf.get(x.step)?.op === 'connect',
        )
        if (retry !== undefined && (returned === undefined || retry < returned)) {
          refusedRetries++
          add(i, 'refused-retry', { n: refusedRetries, ms: Math.round(retry - e.tMs) })
        }
        return
      }
      if (isServerSynAck(e) && e.retransmit) {
        // A SYN-ACK sent back at once to a retransmitted SYN answers it; only the timer's
        // retransmissions count.
        const before = events[i - 1]
        const answer =
          before?.type === 'segment' &&
          isClientSyn(before) &&
          before.fate === 'delivered' &&
          e.tMs - before.tMs <= 5
        if (!answer) {
          synAckRetx++
          add(i, 'synack-retransmit', { n: synAckRetx })
        }
        return
      }
      const who = sender(e)
      if (e.len > 0 && e.hop !== 'middlebox-server' && e.hop !== 'client-middlebox') {
        const d = dataRetx[who]
        if (!e.retransmit) {
          if (!d.sent.has(e.seq)) d.sent.set(e.seq, e.tMs)
          d.lastMs = e.tMs
          return
        }
        const firstRetransmission = d.n === 0 && !notes.some((n) => n.key === 'tlp')
        if (firstRetransmission) d.firstSentMs = d.sent.get(e.seq) ?? d.lastMs
        // A tail-loss probe waits from the first unacknowledged byte's transmission.
        const gap = e.tMs - (firstRetransmission ? d.firstSentMs : d.lastMs)
        d.lastMs = e.tMs
        const next =
          nextTime(
            i,
            (x) => x.type === 'segment' && x.len > 0 && x.retransmit === true && sender(x) === who,
          ) ?? giveUpTime(i, who)
        // Linux (not its article-era profile) first sends a tail-loss probe: as far after the
        // data as the first real timeout is after it, and not counted as a retransmission.
        if (profile === 'linux' && d.n === 0 && !d.gaveUp && next !== undefined) {
          const gap2 = next - e.tMs
          if (Math.abs(gap - gap2) <= 0.15 * gap2 && !notes.some((n) => n.key === 'tlp')) {
            add(i, 'tlp', { ms: Math.round(gap) })
            return
          }
        }
        d.n++
        add(
          i,
          'data-retransmit',
          next !== undefined ? { n: d.n, rtoMs: Math.round(next - e.tMs) } : { n: d.n },
        )
        return
      }
      // A keepalive probe: a bare ACK from an end that asked for keepalive, after a silence.
      if (keepalive.has(who) && flagsAre(e, ['ACK']) && e.len === 0 && gap >= 900) {
        probes[who] = (probes[who] ?? 0) + 1
        const count = script?.timers?.keepalive?.count
        if (count !== undefined) add(i, 'keepalive-probe', { n: probes[who]!, count })
      }
      return
    }
    if (e.type === 'icmp') {
      if (e.dir !== 's2c' || !connecting) return
      icmpWhileConnecting = true
      const icmp = e.icmp
      if (profile && PROFILES[profile].icmpConnect.kind === 'ignore') {
        add(i, 'icmp-ignored', { icmp })
        return
      }
      // Did connect() fail on this very ICMP error (it returns right after it)?
      const done = events
        .slice(i + 1)
        .find((x) => x.type === 'syscall' && stepOf.get(x.step)?.op === 'connect')
      const result = done?.type === 'syscall' ? stepOf.get(done.step) : undefined
      const errno = genericErrno(result?.errno ?? '')
      if (!result || !errno) return
      if (done!.tMs - e.tMs <= 5 && !/TIMEDOUT/.test(errno)) {
        icmpReported = true
        if (synRetx > 0) add(i, 'icmp-reported', { icmp, errno, s: seconds(e.tMs) })
        else add(i, 'icmp-hard', { icmp, errno })
      } else add(i, 'icmp-soft-connect', { icmp, errno })
      return
    }
    if (e.type !== 'syscall') return
    const step = stepOf.get(e.step)
    if (!step || (step.actor !== 'client' && step.actor !== 'server' && step.actor !== 'net'))
      return
    const s = scriptStep(step.index)
    const failed = step.ret === -1 && !!step.errno
    const errno = genericErrno(step.errno ?? '')
    if (failed && errno === 'EINTR') {
      // A signal step ended the blocked call (the simulator's signal rule, calls.ts).
      if (step.op === 'connect') connecting = false
      add(i, eintrWhy(step, s), { errno }, step.index)
      return
    }
    // A call on the client's non-blocking socket that would have waited.
    if (
      step.actor === 'client' &&
      clientNonblocking &&
      errno === 'EAGAIN' &&
      step.op !== 'connect'
    ) {
      add(i, 'would-block', { errno }, step.index)
      return
    }
    switch (step.op) {
      case 'connect':
        clientNonblocking = s.nonblocking === true
        icmpWhileConnecting = false
        // A non-blocking connect returns at once; the attempt goes on. (Winsock's
        // WSAEWOULDBLOCK reads as EAGAIN: the two share it.)
        if (failed && clientNonblocking && (errno === 'EINPROGRESS' || errno === 'EAGAIN')) {
          add(i, 'connect-inprogress', { errno }, step.index)
          return
        }
        connecting = false
        if (step.ret === 0) add(i, 'connect-returns', {}, step.index)
        else if (failed && errno.includes('CONNREFUSED'))
          add(i, 'rst-in-syn-sent', { errno }, step.index)
        else if (failed && icmpReported) return
        else if (failed && lastSynAt >= 0 && synRetx > 0)
          add(i, 'syn-give-up', { n: synRetx, s: seconds(step.endMs), errno }, step.index)
        return
      case 'accept':
        if (step.ret !== undefined && step.ret >= 0) add(i, 'accept-returns', {}, step.index)
        return
      case 'send':
        if (step.ret !== undefined && step.ret > 0) add(i, 'send-buffered', {}, step.index)
        else if (failed && errno.includes('PIPE') && step.signal)
          add(i, 'sigpipe', { errno }, step.index)
        else if (failed) giveUp(i, step)
        return
      case 'recv':
        if (step.ret === 0) add(i, 'recv-fin', {}, step.index)
        else if (failed && giveUpKind(step) !== null) giveUp(i, step)
        else if (failed && s.timeoutMs !== undefined) add(i, 'recv-timeout', { errno }, step.index)
        return
      case 'keepalive':
        if (step.ret === 0) keepalive.add(step.actor)
        return
      case 'signal': {
        // Was a call of the actor blocked when the signal came (started before, ended after)?
        const blocked = steps.find(
          (x) =>
            x.actor === step.actor &&
            x.index < step.index &&
            x.op !== 'sleep' &&
            x.startMs <= step.startMs &&
            (x.outcome === 'blocked' || x.endMs >= step.endMs),
        )
        if (!blocked) add(i, 'signal-idle', {}, step.index)
        else if (s.restart === true && blocked.errno === undefined)
          add(i, 'signal-restart', {}, step.index)
        return
      }
      case 'poll': {
        if (step.ret === undefined || step.ret < 0) return
        const queued =
          step.actor === 'client' &&
          icmpWhileConnecting &&
          !!profile &&
          PROFILES[profile].nonblocking.icmpErrorQueue
        const bits = step.ret > 0 ? (step.value ?? '').split('|') : []
        add(i, pollNoteKey(step.ret, bits, queued), {}, step.index)
        return
      }
      case 'getsockopt': {
        if (step.ret !== 0 || step.value === undefined) return
        const end = step.actor === 'server' ? 'server' : 'client'
        const state = stateOf[end]
        if (step.value === '0') {
          if (state === 'SYN_SENT' || state === 'SYN_RCVD')
            add(i, 'so-error-connecting', {}, step.index)
          return
        }
        const value = genericErrno(step.value)
        // An error pending means the connection is over (CLOSED); one still going handed
        // over its soft error (Linux).
        const soft = state !== 'CLOSED' && !!profile && PROFILES[profile].nonblocking.soErrorSoft
        add(i, soft ? 'so-error-soft' : 'so-error-pending', { errno: value }, step.index)
        return
      }
      case 'cut':
        add(i, 'net-cut', { dir: String(s.dir ?? 'both') }, step.index)
        return
      case 'heal':
        add(i, 'net-heal', {}, step.index)
        return
      case 'hold':
        add(i, 'middlebox-hold', {}, step.index)
        return
      case 'release':
        add(i, 'middlebox-release', {}, step.index)
        return
      case 'crash': {
        const mode = String(s.mode ?? 'fin')
        // Windows resets the sockets of a process that dies.
        const rst = mode === 'rst' || (mode === 'fin' && profile === 'windows')
        const key = rst ? 'crash-rst' : mode === 'silent' ? 'crash-silent' : 'crash-fin'
        add(i, key, {}, step.index)
        return
      }
      case 'freeze':
        add(i, 'frozen', {}, step.index)
        return
      case 'thaw':
        add(i, 'thawed', {}, step.index)
        return
      case 'abort':
        add(i, 'abort-rst', {}, step.index)
        return
      default:
        return
    }
  })

  /** Why a call failed with a timeout: unanswered data, unanswered keepalive probes, or neither. */
  function giveUpKind(step: StepResult): 'data' | 'keepalive' | null {
    if (!step.errno || !/TIMEDOUT/.test(step.errno)) return null
    if (dataRetx[step.actor === 'server' ? 'server' : 'client'].n > 0) return 'data'
    if ((probes[step.actor] ?? 0) > 0) return 'keepalive'
    return null
  }

  /** The profile's SYN timeout after retransmission n, in seconds (linear, then doubling). */
  function scheduledS(n: number): number | undefined {
    if (!profile) return undefined
    const rule = PROFILES[profile].syn
    const k = n
    const ms =
      k <= rule.linearTimeouts
        ? rule.initialRtoMs
        : rule.initialRtoMs * 2 ** (k - rule.linearTimeouts)
    return seconds(Math.min(ms, rule.maxRtoMs))
  }

  /**
   * When an end's data give-up showed: its connection closed without an RST, or a call of its
   * failed with a timeout, whichever the trace shows first.
   */
  function giveUpTime(i: number, who: 'client' | 'server'): number | undefined {
    return nextTime(i, (x) => {
      if (x.type === 'state')
        return x.actor === who && x.to === 'CLOSED' && !/RST/.test(x.cause ?? '')
      if (x.type !== 'syscall') return false
      const st = stepOf.get(x.step)
      return st?.actor === who && st.ret === -1 && /TIMEDOUT/.test(st.errno ?? '')
    })
  }

  function giveUp(i: number, step: StepResult): void {
    const kind = giveUpKind(step)
    const errno = genericErrno(step.errno ?? '')
    if (kind === 'data') {
      const d = dataRetx[step.actor === 'server' ? 'server' : 'client']
      if (d.gaveUp) return
      d.gaveUp = true
      const from = d.firstSentMs >= 0 ? d.firstSentMs : step.startMs
      add(i, 'data-give-up', { n: d.n, s: seconds(step.endMs - from), errno }, step.index)
    } else if (kind === 'keepalive')
      add(i, 'keepalive-give-up', { n: probes[step.actor] ?? 0, errno }, step.index)
  }

  return notes.filter((n) => {
    const allowed = NOTES[n.key] as { profiles?: readonly ProfileId[] }
    return !profile || !allowed.profiles || allowed.profiles.includes(profile)
  })
}

/**
 * The run's teaching notes, placed on its trace: the backend's own note events where it
 * gives them (the simulator), else those read off the trace. Lab notes are left out.
 */
export function runNotes(
  events: readonly TraceEvent[],
  steps: readonly StepResult[],
  script: LabScript | null | undefined,
  profile: ProfileId | undefined,
): PlacedNote[] {
  const own: PlacedNote[] = []
  events.forEach((e, i) => {
    if (e.type !== 'note' || !isNoteKey(e.key) || isLabNote(e.key)) return
    own.push({
      at: i,
      key: e.key,
      params: { ...(e.params ?? {}) },
      ...(e.step !== undefined ? { step: e.step } : {}),
    })
  })
  return own.length > 0 ? own : inferNotes(events, steps, script, profile)
}

/** The last note at or before the cursor (`shown` events), for the caption. */
export function noteAt(notes: readonly PlacedNote[], shown: number): PlacedNote | undefined {
  let found: PlacedNote | undefined
  for (const n of notes) {
    if (n.at >= shown) break
    found = n
  }
  return found
}
