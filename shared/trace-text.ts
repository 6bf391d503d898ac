/**
 * The run's trace as strace-like text: one line per call, state change, segment and note.
 * The CLI prints it, the UI's terminal pane shows it; both use these functions so the text
 * is the same everywhere.
 */
import { ENDPOINTS, type LabScript, type Step } from './lab-script'
import {
  clientOf,
  type FinalStates,
  type LabResult,
  type SegmentEvent,
  type StepResult,
  type TraceEvent,
} from './lab-result'

const CALL_WIDTH = 30

/** `[  12.3 ms]`: a fixed-width time stamp (seconds above 10 s, so long waits stay readable). */
export function formatTime(ms: number): string {
  const text = ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s ` : `${ms.toFixed(1)} ms`
  return `[${text.padStart(10)}]`
}

/** The call as a C programmer would write it, e.g. `connect(7002)`, `send(5)`. */
export function formatCall(step: Pick<StepResult, 'op'>, scriptStep?: Step): string {
  const s = scriptStep as Record<string, unknown> | undefined
  switch (step.op) {
    case 'listen': {
      // listen(port) binds and listens; after a bind step it is listen() alone.
      const opts = [
        s?.reuseaddr ? 'SO_REUSEADDR' : '',
        s?.backlog !== undefined ? `backlog=${s.backlog}` : '',
      ].filter(Boolean)
      return `listen(${[s?.port ?? '', ...opts].filter((x) => x !== '').join(', ')})`
    }
    case 'bind':
      return `bind(${s?.port ?? ''}${s?.reuseaddr ? ', SO_REUSEADDR' : ''})`
    case 'connect':
      return `connect(${s?.port ?? ''}${s?.nonblocking ? ', O_NONBLOCK' : ''})`
    case 'poll':
      return `poll(${s?.events === 'in' ? 'POLLIN' : 'POLLOUT'}, ${s?.timeoutMs ?? -1})`
    case 'getsockopt':
      return `getsockopt(${String(s?.opt ?? 'SO_ERROR')})`
    case 'send':
      return `send(${s?.bytes ?? ''})`
    case 'recv':
      return `recv(${s?.bytes ?? 65536}${s?.timeoutMs !== undefined ? `, timeout=${s.timeoutMs}ms` : ''})`
    case 'shutdown':
      return `shutdown(SHUT_${String(s?.how ?? 'wr').toUpperCase()})`
    case 'sleep':
      return `sleep(${s?.ms ?? ''}ms)`
    case 'reboot':
      return `reboot  /* down ${s?.ms ?? ''} ms */`
    case 'crash':
      return `crash --mode ${s?.mode ?? ''}`
    case 'cut':
      return `cut ${s?.dir ?? 'both'}`
    case 'drop':
      return `drop ${s?.match ?? ''} ${s?.dir ?? 'both'}${s?.count !== undefined ? ` x${s.count}` : ''}`
    case 'reject':
      return `reject ${s?.icmp ?? ''} ${s?.dir ?? 'both'}`
    case 'abort':
      return 'abort()  /* SO_LINGER {1,0} + close */'
    case 'freeze':
      return 'freeze  /* SIGSTOP */'
    case 'thaw':
      return 'thaw  /* SIGCONT */'
    case 'signal':
      // The kernel lab's programs catch SIGUSR2 with SA_RESTART, SIGUSR1 without.
      return s?.restart ? 'signal SIGUSR2  /* SA_RESTART */' : 'signal SIGUSR1  /* no SA_RESTART */'
    case 'usertimeout':
      return `setsockopt(TCP_USER_TIMEOUT, ${s?.ms ?? ''})`
    case 'accept':
    case 'close':
    case 'keepalive':
      return step.op === 'keepalive' ? 'setsockopt(SO_KEEPALIVE, 1)' : `${step.op}()`
    default:
      return step.op
  }
}

/** What the call returned, e.g. `= -1 ECONNREFUSED (Connection refused)`. */
export function formatReturn(step: StepResult): string {
  if (step.outcome === 'blocked') return '... still blocked at the end of the run'
  if (step.outcome === 'skipped') return '(skipped: its actor had died or was stuck)'
  if (step.ret === undefined) return '= (done)'
  if (step.ret === -1 && step.errno) {
    const signal = step.signal ? ` +${step.signal}` : ''
    return `= -1 ${step.errno}${step.errnoNumber !== undefined ? ` ${step.errnoNumber}` : ''} (${step.message ?? ''})${signal}`
  }
  // poll()'s revents, getsockopt()'s error: what the call wrote out, as strace shows it.
  return `= ${step.ret}${step.value !== undefined ? ` [${step.value}]` : ''}`
}

/** One strace-like line for a step: `[   0.3 ms] client connect(7002)   = -1 ECONNREFUSED 111 (...)`. */
export function formatStepLine(step: StepResult, script?: LabScript): string {
  const call = `${step.actor} ${formatCall(step, script?.steps[step.index])}`
  return `${formatTime(step.endMs)} ${call.padEnd(CALL_WIDTH)} ${formatReturn(step)}`
}

/**
 * Who sent a segment to whom: `client -> server`, or through a middlebox the hop it crossed
 * (`middlebox -> server` for the middlebox's own ACK or relayed data: the sender is named).
 */
export function segmentArrow(event: Pick<SegmentEvent, 'dir' | 'hop' | 'client'>): string {
  const [a, b] =
    event.hop === 'client-middlebox'
      ? ['client', 'middlebox']
      : event.hop === 'middlebox-server'
        ? ['middlebox', 'server']
        : [clientOf(event), 'server']
  return event.dir === 'c2s' ? `${a} -> ${b}` : `${b} -> ${a}`
}

/** One line for a trace event other than a syscall (those print as steps). */
export function formatEventLine(event: TraceEvent): string | undefined {
  switch (event.type) {
    case 'state':
      return `${formatTime(event.tMs)}   ${event.actor} ${event.from} -> ${event.to}${event.cause ? `  (${event.cause})` : ''}`
    case 'segment': {
      const arrow = segmentArrow(event)
      const fate = event.fate === 'delivered' ? '' : `  [${event.fate}]`
      const re = event.retransmit ? ' (retransmission)' : ''
      return `${formatTime(event.tMs)}   ${arrow} ${event.flags.join('|')} seq=${event.seq} ack=${event.ack} len=${event.len}${re}${fate}`
    }
    case 'icmp':
      return `${formatTime(event.tMs)}   ICMP ${event.icmp} -> ${event.dir === 'c2s' ? 'server' : clientOf(event)}`
    case 'note':
      return undefined
    case 'syscall':
      return undefined
  }
}

/**
 * The trace: events and calls interleaved in time order, then the final states. With
 * `sinceMs` only what happened from then on (the socket shell, after a re-run, prints just the
 * new part), except that calls still blocked at the end are always listed: they are where the
 * student is now.
 */
export function formatTraceLines(result: LabResult, script?: LabScript, sinceMs = 0): string[] {
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
  // Steps that never produced a syscall event (blocked at the limit, skipped) go last.
  for (const step of result.steps) {
    if (printed.has(step.index)) continue
    if (step.outcome === 'blocked' || step.startMs >= sinceMs)
      lines.push(formatStepLine(step, script))
  }
  lines.push(`${formatTime(result.durationMs)} end: ${finalText(result.final)}`)
  return lines
}

/** `client ESTABLISHED, server ESTABLISHED` (with each further client before the server). */
export function finalText(final: FinalStates): string {
  return ENDPOINTS.flatMap((e) => (final[e] ? [`${e} ${final[e]}`] : [])).join(', ')
}
