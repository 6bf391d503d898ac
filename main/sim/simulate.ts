/**
 * Runs one lab script in virtual time: builds the hosts, the wire (and the middlebox), runs
 * each actor's steps by the timing rule of lab-script.md, and assembles the result document.
 */
import type { Actor, Endpoint, LabScript, Step } from '../../shared/lab-script'
import type { LabResult, StepResult, TraceEvent } from '../../shared/lab-result'
import { profileOf } from '../../shared/profiles'
import { Program, type CallResult, type Pending } from './calls'
import { EventQueue } from './engine/event-queue'
import { seededRandom } from './engine/random'
import { describeErrno } from './extra-errno'
import { Host } from './host'
import { Middlebox } from './net/middlebox'
import { Path } from './net/path'
import type { EffectiveTimers, HostId, Trace, World } from './world'

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
}

interface ActorRun {
  actor: Actor
  steps: number[]
  pos: number
  pending: { index: number; startMs: number; call: Pending } | null
  program: Program | null
  wakeFor: number
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

/** Runs a validated lab script in virtual time and returns its result document. */
export function simulate(script: LabScript, options: SimulateOptions = {}): LabResult {
  const profile = profileOf(script.profile)
  const { timers, shortened } = effectiveTimers(script)
  const q = new EventQueue()
  const events: TraceEvent[] = []
  const trace: Trace = {
    events,
    emit(event) {
      events.push(event)
      options.onEvent?.(event)
    },
    note(key, params, actor, step) {
      const e: TraceEvent = { tMs: q.now, type: 'note', key }
      if (actor) e.actor = actor
      if (step !== undefined) e.step = step
      if (params) e.params = params
      this.emit(e)
    },
  }
  const hosts = new Map<HostId, Host>()
  const middlebox = script.topology === 'middlebox'
  const world: World = {
    q,
    rng: seededRandom(options.seed ?? 1),
    profile,
    timers,
    script,
    trace,
    mss: 1460,
    transmit: (seg) => path.transmit(seg),
  }
  const path = new Path(
    world,
    (to, seg) => hosts.get(to)?.receive(seg),
    (to, msg) => hosts.get(to)?.receiveIcmp(msg),
    (id) => hosts.get(id)?.down ?? true,
    middlebox,
  )
  const client = new Host('client', world, 'client')
  const server = new Host('server', world, 'server')
  hosts.set('client', client).set('server', server)
  let relay: Middlebox | null = null
  if (middlebox) {
    const mb = new Host('middlebox', world, null)
    hosts.set('middlebox', mb)
    relay = new Middlebox(mb)
  }
  // Calls are polled only after an event that could wake one: anything a host reports
  // (segment or ICMP arrival, a state change) or one of the runner's own wake-ups. Timer
  // events that change nothing a call looks at (a retransmission) skip the polling.
  let dirty = true
  const markDirty = (): void => {
    dirty = true
  }
  for (const h of hosts.values()) h.onChange = markDirty

  const programs: Record<Endpoint, Program> = {
    client: new Program('client', client, middlebox ? 'middlebox' : 'server'),
    server: new Program('server', server, 'client'),
  }
  const runs: ActorRun[] = (['client', 'server', 'net'] as const).map((actor) => ({
    actor,
    steps: [],
    pos: 0,
    pending: null,
    program: actor === 'net' ? null : programs[actor],
    wakeFor: -1,
  }))
  // A plain loop: flatMap's per-step arrays were a fifth of a short run's time.
  for (let i = 0; i < script.steps.length; i++) {
    const a = script.steps[i]!.actor
    runs[a === 'client' ? 0 : a === 'server' ? 1 : 2]!.steps.push(i)
  }
  const results: (StepResult | undefined)[] = new Array(script.steps.length)

  const finish = (run: ActorRun, index: number, startMs: number, r: CallResult): void => {
    const step = script.steps[index]!
    const res: StepResult = {
      index,
      actor: step.actor,
      op: step.op,
      startMs,
      endMs: q.now,
      outcome: 'returned',
    }
    if (r.ret !== undefined) res.ret = r.ret
    if (r.errno) {
      const e = describeErrno(profile.errnoSystem, r.errno)
      res.errno = e.name
      res.errnoNumber = e.number
      res.message = e.message
    }
    if (r.signal) res.signal = r.signal
    if (r.notes?.length) {
      res.notes = r.notes
      const params = r.params ?? (r.errno ? { errno: r.errno } : undefined)
      for (const key of r.notes) trace.note(key, params, step.actor, index)
    }
    results[index] = res
    trace.emit({ tMs: q.now, type: 'syscall', step: index })
    options.onStep?.(res)
    run.pos++
  }

  const startStep = (run: ActorRun, index: number): void => {
    const step = script.steps[index]!
    const startMs = q.now
    const out = run.program ? run.program.start(step) : netStep(step, path, relay, trace)
    if ('poll' in out) {
      run.pending = { index, startMs, call: out }
      if (out.wakeAt !== undefined) q.scheduleAt(out.wakeAt, markDirty)
      const r = out.poll()
      if (r) {
        run.pending = null
        finish(run, index, startMs, r)
      }
    } else finish(run, index, startMs, out)
  }

  const ready = (run: ActorRun): number | null => {
    if (run.pending || run.pos >= run.steps.length || run.program?.dead) return null
    const index = run.steps[run.pos]!
    const step = script.steps[index]!
    if (run.program?.frozen && step.op !== 'thaw') return null
    const at = step.at ?? 0
    if (at > q.now) {
      if (run.wakeFor !== index) {
        run.wakeFor = index
        q.scheduleAt(at, markDirty)
      }
      return null
    }
    return index
  }

  const settle = (): void => {
    for (;;) {
      let progressed = false
      for (let ri = 0; ri < runs.length; ri++) {
        const run = runs[ri]!
        if (!run.pending) continue
        const r = run.pending.call.poll()
        if (r) {
          const { index, startMs } = run.pending
          run.pending = null
          finish(run, index, startMs, r)
          progressed = true
        }
      }
      // Of the steps ready now, the one written first starts first.
      let best: ActorRun | null = null
      let bestIndex = Infinity
      for (let ri = 0; ri < runs.length; ri++) {
        const run = runs[ri]!
        const i = ready(run)
        if (i !== null && i < bestIndex) {
          best = run
          bestIndex = i
        }
      }
      if (best) {
        startStep(best, bestIndex)
        progressed = true
      }
      relay?.pump()
      if (!progressed) return
    }
  }

  const finished = (): boolean => {
    for (let ri = 0; ri < runs.length; ri++) {
      const r = runs[ri]!
      if (r.pending || (r.pos < r.steps.length && !(r.program?.dead ?? false))) return false
    }
    return true
  }

  let cancelled = false
  let count = 0
  const settleAll = (): void => {
    while (dirty) {
      dirty = false
      settle()
    }
  }
  settleAll()
  let end = 0
  for (;;) {
    if (finished()) {
      end = q.now
      break
    }
    const t = q.peekTime()
    if (t === undefined || t > script.limitMs) {
      end = script.limitMs
      break
    }
    q.step()
    settleAll()
    if ((++count & 1023) === 0 && options.signal?.aborted) {
      cancelled = true
      end = q.now
      break
    }
  }

  // Calls still blocked, and steps that never started, at the end of the run.
  for (let ri = 0; ri < runs.length; ri++) {
    const run = runs[ri]!
    if (run.pending) {
      const { index, startMs } = run.pending
      const step = script.steps[index]!
      const res: StepResult = {
        index,
        actor: step.actor,
        op: step.op,
        startMs,
        endMs: end,
        outcome: 'blocked',
        notes: ['blocked-at-limit'],
      }
      results[index] = res
      options.onStep?.(res)
      run.pos++
    }
    for (; run.pos < run.steps.length; run.pos++) {
      const index = run.steps[run.pos]!
      const step = script.steps[index]!
      const why = run.program?.dead
        ? 'skipped-dead'
        : run.program?.frozen
          ? 'skipped-frozen'
          : 'skipped-stuck'
      const res: StepResult = {
        index,
        actor: step.actor,
        op: step.op,
        startMs: end,
        endMs: end,
        outcome: 'skipped',
        notes: [why],
      }
      results[index] = res
      options.onStep?.(res)
    }
  }

  const result: LabResult = {
    labScript: 1,
    backend: 'sim',
    profile: script.profile,
    timers,
    timersShortened: shortened,
    durationMs: end,
    steps: results.filter((r): r is StepResult => r !== undefined),
    events,
    final: { client: client.primary?.state ?? 'CLOSED', server: server.primary?.state ?? 'CLOSED' },
  }
  if (script.id) result.id = script.id
  if (cancelled) result.cancelled = true
  if (options.stats) options.stats.engineEvents = q.processed
  return result
}

/** A `net` step: changes the path's rules or the middlebox; never blocks. */
function netStep(step: Step, path: Path, relay: Middlebox | null, trace: Trace): CallResult {
  switch (step.op) {
    case 'cut':
      path.add({ kind: 'cut', dir: step.dir })
      trace.note('net-cut', { dir: step.dir }, 'net')
      break
    case 'drop':
      path.add({ kind: 'drop', dir: step.dir, match: step.match, left: step.count ?? Infinity })
      break
    case 'reject':
      path.add({ kind: 'reject', dir: step.dir, icmp: step.icmp })
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
    default:
      break
  }
  // The kernel lab reports its nft change as a call that returned 0; so does the simulator.
  return { ret: 0 }
}
