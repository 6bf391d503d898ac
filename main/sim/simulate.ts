/**
 * Runs one lab script in virtual time: builds the hosts, the wire (and the middlebox), lets
 * the scheduler run each actor's steps by the timing rule of docs/lab-script-format.md, lets
 * the wire settle, takes `final` and `finalDetail`, and assembles the result document with
 * main/backend/result.ts.
 */
import {
  endpointsOf,
  scriptPort,
  type Endpoint,
  type LabScript,
  type Step,
} from '../../shared/lab-script'
import type { FinalStates, LabResult, StepResult, TraceEvent } from '../../shared/lab-result'
import { profileOf } from '../../shared/profiles'
import { buildResult } from '../backend/result'
import { Program, type CallResult } from './calls'
import { EventQueue } from './engine/event-queue'
import { seededRandom } from './engine/random'
import { Host } from './host'
import { Middlebox } from './net/middlebox'
import { unreachable } from './never'
import { Path, type Endpoints } from './net/path'
import { Recorder } from './recorder'
import { Scheduler } from './scheduler'
import type { EffectiveTimers, HostId, IcmpMessage, Segment, Trace, World } from './world'

/** Options of a run. */
export interface SimulateOptions {
  /** Seed of the random source (ephemeral ports); default 1. */
  seed?: number
  /** Checked between events: the run stops early when it aborts. */
  signal?: AbortSignal
  onEvent?: (event: TraceEvent) => void
  onStep?: (step: StepResult) => void
  /** Filled in at the end of the run: engine events processed (the bench's figure). */
  stats?: { engineEvents: number }
  /**
   * Multiplies every retransmission and probe timer interval of that host (SYN, SYN-ACK,
   * data RTO, tail-loss probe, persist, keepalive, delayed ACK; the give-up budgets with
   * them), default 1. For the fuzzer's race check (docs/decisions/007): two kernels' timers
   * that fire at the same instant here race on the real kernel, so a script whose answer
   * changes when one host's timers run a few per cent fast or slow asks about a race.
   */
  timerScale?: Partial<Record<Endpoint, number>>
  /**
   * Each step of that program starts at least this many ms after its previous step ended
   * (default 0). For the fuzzer's race check: on the real kernel a program woken from a
   * blocking call runs a few milliseconds later, so two programs woken by one event (the
   * handshake completing, say) make their next calls in either order.
   */
  wakeDelayMs?: Partial<Record<Endpoint, number>>
  /**
   * Takes `final` this many ms after the run's end, running everything until then, timers
   * included (default 0: the timing rule's instant). For the fuzzer's race check: the kernel
   * lab reads its socket table a little after the end, so a final state that a pending timer
   * (a delayed ACK) would change within this time is a race, not an answer.
   */
  lateFinalMs?: number
}

/** A host's timer scale from the options: a positive finite number, 1 when not given. */
function scaleOf(options: SimulateOptions, host: Endpoint): number {
  const k = options.timerScale?.[host] ?? 1
  if (!Number.isFinite(k) || k <= 0)
    throw new RangeError(`timerScale.${host} must be > 0, not ${k}`)
  return k
}

/** The script's timers merged over the profile's defaults. */
export function effectiveTimers(script: LabScript): {
  timers: EffectiveTimers
  shortened: boolean
} {
  const p = profileOf(script.profile)
  const t = script.timers
  const timers: EffectiveTimers = {
    synRetries: t.synRetries ?? p.syn.retries,
    synackRetries: t.synackRetries ?? p.synack.retries,
    retries2: t.retries2 ?? p.data.retries,
    keepalive: t.keepalive ?? { ...p.keepalive },
  }
  const shortened =
    timers.synRetries < p.syn.retries ||
    timers.synackRetries < p.synack.retries ||
    timers.retries2 < p.data.retries ||
    timers.keepalive.idleS < p.keepalive.idleS ||
    timers.keepalive.intervalS < p.keepalive.intervalS ||
    timers.keepalive.count < p.keepalive.count
  return { timers, shortened }
}

/** The machines of a run, looked up by id (the middlebox only in that topology). */
class Machines implements Endpoints {
  readonly hosts = new Map<HostId, Host>()

  get(id: HostId): Host | null {
    return this.hosts.get(id) ?? null
  }

  receive(to: HostId, seg: Segment): void {
    this.get(to)?.receive(seg)
  }

  receiveIcmp(to: HostId, msg: IcmpMessage): void {
    this.get(to)?.receiveIcmp(msg)
  }

  isDown(id: HostId): boolean {
    return this.get(id)?.down ?? true
  }
}

/** Runs a validated lab script in virtual time and returns its result document. */
export function simulate(script: LabScript, options: SimulateOptions = {}): LabResult {
  const profile = profileOf(script.profile)
  const { timers, shortened } = effectiveTimers(script)
  const q = new EventQueue()
  const trace = new Recorder(q, options.onEvent)
  const machines = new Machines()
  const middlebox = script.topology === 'middlebox'
  const world: World = {
    q,
    rng: seededRandom(options.seed ?? 1),
    profile,
    timers,
    script,
    trace,
    // Loopback's, like the link delay: the kernel lab runs on loopback (MTU 65536: 65483 bytes
    // of payload beside the timestamp option; it measured 32741-byte halves), so a send of up
    // to 64 KiB is one segment on both backends. That decides the retransmission schedule:
    // with one segment in flight the tail-loss probe waits 200 ms more (tcp_schedule_loss_probe,
    // packets_out == 1); with 1460 bytes a 3000-byte send was three segments, probed after
    // 10 ms and retransmitted about 200 ms before the kernel did. Buffer sizes stay the
    // profile's (a 1460-byte path's, decision 004).
    mss: 65483,
    transmit: null!,
  }
  const path = new Path(world, machines, middlebox)
  world.transmit = path.transmit.bind(path)
  // One machine per endpoint the script has (several clients: version 2), each with its
  // program; clients connect to the server, or to the middlebox in front of it.
  const ends = endpointsOf(script)
  const programs = new Map<Endpoint, Program>()
  for (const id of ends) {
    const host = new Host(id, world, id, scaleOf(options, id))
    machines.hosts.set(id, host)
    programs.set(
      id,
      new Program(id, host, id === 'server' ? 'client' : middlebox ? 'middlebox' : 'server'),
    )
  }
  let relay: Middlebox | null = null
  if (middlebox) {
    const box = new Host('middlebox', world, null)
    machines.hosts.set('middlebox', box)
    relay = new Middlebox(box, relayPort(script))
  }
  const afterPass = relay ? () => relay.pump() : () => undefined
  const scheduler = new Scheduler(
    script,
    q,
    trace,
    profile.errnoSystem,
    programs,
    (step, index) => netStep(step, index, path, relay, trace),
    afterPass,
    options.onStep,
    options.wakeDelayMs ?? {},
  )
  // Anything a host reports (a segment or ICMP arrived, a state changed) may wake a call.
  for (const host of machines.hosts.values()) host.onChange = scheduler.markDirty

  let cancelled = false
  let count = 0
  let end = 0
  scheduler.settle()
  for (;;) {
    if (scheduler.finished()) {
      end = q.now
      break
    }
    const t = q.peekTime()
    if (t === undefined || t > script.limitMs) {
      end = script.limitMs
      break
    }
    q.step()
    scheduler.watchdog()
    // Programs run once the kernel has handled everything that happened at this instant: a
    // burst of segments that arrive together is read by one recv(), as a woken reader would.
    if (q.peekTime() !== q.now) scheduler.settle()
    if ((++count & 1023) === 0 && options.signal?.aborted) {
      cancelled = true
      end = q.now
      break
    }
  }
  const steps = scheduler.close(end)
  if (!cancelled && options.lateFinalMs) {
    // Everything, timers too, until the late reading (no program makes another call).
    const until = end + options.lateFinalMs
    for (let t = q.peekTime(); t !== undefined && t <= until; t = q.peekTime()) {
      q.step()
      afterPass()
    }
  }
  if (!cancelled) settleWire(q, end, afterPass)

  const result = buildResult({
    script,
    backend: 'sim',
    profile: script.profile,
    timers,
    timersShortened: shortened,
    durationMs: Math.max(end, q.now),
    steps,
    events: trace.events,
    final: finalStates(programs),
    finalDetail: ends.flatMap((id) => {
      const host = machines.hosts.get(id)!
      return host.down ? [] : host.tcp.detail(id)
    }),
    cancelled,
  })
  if (options.stats) options.stats.engineEvents = q.processed
  return result
}

/** Each program's `final` state (`client` and `server` always, further clients when present). */
function finalStates(programs: Map<Endpoint, Program>): FinalStates {
  const out: FinalStates = {
    client: programs.get('client')!.finalState(),
    server: programs.get('server')!.finalState(),
  }
  for (const [id, p] of programs) if (id !== 'client' && id !== 'server') out[id] = p.finalState()
  return out
}

/**
 * The port the relay listens on and connects to: the script's first port, as the kernel lab
 * gives its relay (main/kernel/runner.ts: a script's ports are one port; 7000 when none).
 */
function relayPort(script: LabScript): number {
  return scriptPort(script)
}

/**
 * How long after the run's end the wire may still be settling (virtual ms): twenty one-way
 * link delays, room for any exchange a last segment can start (a FIN, its ACK, the relay's
 * copy to the far side and back), while an exchange that never settles (two ends answering
 * each other's ACKs forever) cannot hold the run open.
 */
export const SETTLE_MS = 1

/**
 * The end of a run as docs/lab-script-format.md's timing rule defines `final`: segments (and
 * ICMP errors) already on the wire are delivered and answered first, but no timer is run
 * further, and no program makes another call (a call still blocked stays blocked). The relay
 * keeps copying, because it is part of the network, not an actor of the script.
 *
 * This holds for both ways a run ends. When every actor has finished, the kernel lab reads
 * its socket table microseconds later, when loopback has long delivered what the last call
 * sent. At `limitMs` the kernel lab stops the programs, not the network, and reads the table
 * just as late; so the simulator delivers what was in flight at the limit too, instead of a
 * snapshot of the limit's exact instant that no real socket table could show (a FIN sent
 * 10 us before the limit would leave the peer ESTABLISHED in the snapshot and CLOSE_WAIT in
 * the kernel). Calls still blocked keep `endMs` = limitMs; `durationMs` is when `final` was
 * taken, so the trace's last deliveries lie inside the run.
 */
function settleWire(q: EventQueue, end: number, afterInstant: () => void): void {
  const until = end + SETTLE_MS
  while (q.stepWire(until)) {
    // As in the run: the relay moves bytes once everything at this instant is handled.
    if (q.nextWire(until) !== q.now) afterInstant()
  }
}

/** A `net` step: changes the path's rules or the middlebox; never blocks. */
function netStep(
  step: Step,
  index: number,
  path: Path,
  relay: Middlebox | null,
  trace: Trace,
): CallResult {
  switch (step.op) {
    case 'cut':
      path.add({ kind: 'cut', dir: step.dir, step: index })
      trace.note('net-cut', { dir: step.dir }, 'net')
      break
    case 'drop':
      path.add({
        kind: 'drop',
        dir: step.dir,
        match: step.match,
        left: step.count ?? Infinity,
        step: index,
      })
      break
    case 'reject':
      path.add({ kind: 'reject', dir: step.dir, icmp: step.icmp, step: index })
      break
    case 'heal':
      path.heal()
      trace.note('net-heal', undefined, 'net')
      break
    case 'hold':
      relay?.hold(true)
      break
    case 'release':
      relay?.hold(false)
      break
    case 'listen':
    case 'bind':
    case 'accept':
    case 'connect':
    case 'poll':
    case 'getsockopt':
    case 'send':
    case 'recv':
    case 'close':
    case 'shutdown':
    case 'abort':
    case 'keepalive':
    case 'signal':
    case 'usertimeout':
    case 'sleep':
    case 'crash':
    case 'reboot':
    case 'freeze':
    case 'thaw':
      throw new Error(`step op "${step.op}" belongs to a program, not to the net actor`)
    default:
      return unreachable(step, 'step')
  }
  // The kernel lab reports its nft change as a call that returned 0; so does the simulator.
  return { ret: 0 }
}
