/**
 * One run of a lab script on the real kernel: makes the namespace and its programs (one
 * spawn, netns.ts), runs each actor's steps by the timing rule of docs/lab-script-format.md
 * (in the script's order, see schedule.ts), samples TCP states and captures segments, takes
 * `final` once the network is quiet, and always cleans up.
 */
import {
  endpointsOf,
  scriptPort,
  type Actor,
  type Endpoint,
  type LabScript,
  type Step,
} from '../../shared/lab-script'
import type { FinalStates, LabResult, StepResult, TraceEvent } from '../../shared/lab-result'
import type { RunContext } from '../backend/backend'
import {
  blockedStep,
  buildResult,
  returnedStep,
  skippedStep,
  stepNotes,
  type CallOutcome,
} from '../backend/result'
import { perform, type ActionContext } from './actions'
import { Capture } from './capture'
import { callOutcome, hostTimers, type HostTimers } from './host'
import { Namespace, type TimerSysctl } from './netns'
import { baseRuleset, firewallSysctls, needsNft } from './nft'
import { NftShell } from './nft-shell'
import { Peer } from './peer'
import type { HubRole } from './perl-hub'
import type { KernelProbe } from './probe'
import type { ProgramHost, RunProgram } from './program/actor'
import { mayBlock, Schedule } from './schedule'
import {
  parseTcpTable,
  sameTable,
  SocketBook,
  ssLines,
  type EndpointPorts,
  type TcpRow,
} from './states'
import { syscallArch } from './syscalls'

/**
 * How often the socket table is polled for state changes nothing else announced (a timer
 * that sends no segment). Changes that come with a segment are sampled when the capture sees
 * it, and every step samples before and after, so the poll can be slow.
 */
const POLL_MS = 20

/**
 * `final` is taken once the table is the same on two reads `SETTLE_STEP_MS` apart (segments
 * already on the wire have been delivered and answered: microseconds on loopback), and after
 * `SETTLE_MAX_MS` at most (a timer may keep changing it; no timer is run further).
 */
const SETTLE_STEP_MS = 1
const SETTLE_MAX_MS = 10

/** The machine's monotonic clock in ms (the programs stamp their replies with the same). */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

function sysctlsFor(script: LabScript): Partial<Record<TimerSysctl, number>> {
  const t = script.timers
  const out: Partial<Record<TimerSysctl, number>> = {}
  if (t.synRetries !== undefined) out.tcp_syn_retries = t.synRetries
  if (t.synackRetries !== undefined) out.tcp_synack_retries = t.synackRetries
  if (t.retries2 !== undefined) out.tcp_retries2 = t.retries2
  if (t.keepalive) {
    out.tcp_keepalive_time = t.keepalive.idleS
    out.tcp_keepalive_intvl = t.keepalive.intervalS
    out.tcp_keepalive_probes = t.keepalive.count
  }
  return out
}

/** Everything one run holds; `cleanup` releases all of it. */
class Run implements ActionContext {
  readonly events: TraceEvent[] = []
  readonly peers: Partial<Record<Endpoint | 'relay', Peer>> = {}
  readonly dead = new Set<Endpoint>()
  readonly frozen = new Set<Actor>()
  /** The latest any step started after the moment the script set for it (HostInfo.lateMs). */
  late = 0
  ns: Namespace | null = null
  nft: NftShell | null = null
  capture: Capture | null = null
  t0 = 0
  /** CLOCK_REALTIME (ms) at the run clock's 0, for a traced program's times. */
  realT0: number | null = null
  ended = false
  private lastStates: FinalStates = { client: 'CLOSED', server: 'CLOSED' }
  private poller: NodeJS.Timeout | null = null
  private sampling = false
  private chain: Promise<void> = Promise.resolve()
  readonly ports: EndpointPorts
  readonly book: SocketBook
  /** The run's endpoints: client and server, and each further client the script has. */
  readonly endpoints: Endpoint[]
  timers!: HostTimers

  constructor(
    readonly script: LabScript,
    readonly ctx: RunContext,
    readonly probe: KernelProbe,
  ) {
    const port = scriptPort(script)
    // Inside a private namespace the ports are used as written; the relay takes the script's
    // port and the server moves one up (nothing else lives in the namespace).
    const middlebox = script.topology === 'middlebox'
    this.ports = { frontPort: port, serverPort: middlebox ? (port % 65535) + 1 : port }
    this.endpoints = endpointsOf(script)
    this.book = new SocketBook(this.ports, this.endpoints)
  }

  get keepalive(): ActionContext['keepalive'] {
    return this.timers.timers.keepalive
  }

  tcpTable(): string {
    return this.ns ? this.ns.tcpTable() : ''
  }

  /** The run clock: ms since the run started, on the machine's monotonic clock. */
  now(): number {
    return monotonicMs() - this.t0
  }

  /** A program's `doneAt` on the run clock, kept between the step's start and now. */
  endOf(doneAt: number | undefined, startMs: number): number {
    const now = this.now()
    return doneAt === undefined ? now : Math.min(now, Math.max(startMs, doneAt - this.t0))
  }

  emit(event: TraceEvent): void {
    this.events.push(event)
    this.ctx.onEvent(event)
  }

  /** Emits a state event for every end whose state changed in this read of the table. */
  states(rows: TcpRow[], cause: string): void {
    const states = this.book.liveStates(rows)
    const t = this.now()
    for (const actor of this.endpoints) {
      const to = states[actor] ?? 'CLOSED'
      const from = this.lastStates[actor] ?? 'CLOSED'
      if (to === from) continue
      this.emit({ tMs: t, type: 'state', actor, from, to, cause })
      this.lastStates[actor] = to
    }
  }

  private read(): TcpRow[] | null {
    try {
      return parseTcpTable(this.tcpTable())
    } catch {
      // The namespace is going away at the end of the run: the last sample stands.
      return null
    }
  }

  /**
   * Reads the socket table and emits the changes. Samples run one after another (a step's
   * sample waits for the poller's); the poller skips a beat while one runs.
   */
  sample(cause: string, fromPoller = false): Promise<void> {
    if (fromPoller && this.sampling) return this.chain
    this.sampling = true
    this.chain = this.chain
      .then(() => {
        const rows = this.read()
        if (rows) this.states(rows, cause)
      })
      .finally(() => (this.sampling = false))
    return this.chain
  }

  /** The table once it has settled (see SETTLE_STEP_MS), for `final`. */
  async settle(): Promise<TcpRow[]> {
    await this.chain
    const start = performance.now()
    let rows = this.read() ?? []
    while (performance.now() - start < SETTLE_MAX_MS) {
      await new Promise((r) => setTimeout(r, SETTLE_STEP_MS))
      const next = this.read() ?? rows
      const stable = sameTable(rows, next)
      rows = next
      if (stable) break
    }
    this.states(rows, 'ss')
    return rows
  }

  startPolling(): void {
    this.poller = setInterval(() => void this.sample('ss', true), POLL_MS)
  }

  async cleanup(): Promise<void> {
    if (this.poller) clearInterval(this.poller)
    await this.ns?.close()
  }
}

/**
 * Runs a script on the real kernel. `probe` says what the host allows. With `program`, a
 * student's program plays one actor instead of the script's steps for it (program/actor.ts).
 */
export async function runOnKernel(
  script: LabScript,
  ctx: RunContext,
  probe: KernelProbe,
  program?: RunProgram,
): Promise<LabResult> {
  const run = new Run(script, ctx, probe)
  try {
    await setUp(run, program)
    return await execute(run, program)
  } finally {
    await program?.stop(ctx.signal.aborted ? 'cancelled' : 'limit')
    await run.cleanup()
  }
}

/** What a program actor needs of the run. */
function programHost(run: Run, arch: NonNullable<ReturnType<typeof syscallArch>>): ProgramHost {
  return {
    arch,
    hubPid: run.ns?.pid ?? -1,
    ports: run.ports,
    book: run.book,
    tcpTable: () => run.tcpTable(),
    zeroRealMs: () => run.realT0,
  }
}

async function setUp(run: Run, program?: RunProgram): Promise<void> {
  const { script, ports } = run
  const arch = syscallArch()
  if (!arch) throw new Error(`the kernel lab has no system call numbers for ${process.arch}`)
  const faults = needsNft(script)
  const actors = new Set(script.steps.map((s) => s.actor))
  const roles: HubRole[] = [{ role: 'capture' }]
  for (const who of run.endpoints)
    if (actors.has(who) && who !== program?.role) roles.push({ role: who })
  if (script.topology === 'middlebox')
    roles.push({ role: 'relay', frontPort: ports.frontPort, serverPort: ports.serverPort })
  if (faults) roles.push({ role: 'nft' }, { role: 'monitor' })
  // Everything is asked for at once: what is written to a channel waits there until its role
  // reads it, so nft starts on the base rules the moment it runs.
  const ns = Namespace.start({
    arch,
    sysctls: sysctlsFor(script),
    roles,
    ...(script.firewall ? { netfilter: firewallSysctls(script.firewall) } : {}),
  })
  run.ns = ns
  const starts: Promise<unknown>[] = [
    ns.ready.then(async (sysctls) => (run.timers = await hostTimers(sysctls))),
  ]
  for (const r of roles) {
    if (r.role !== 'capture' && r.role !== 'nft' && r.role !== 'monitor') {
      const who = r.role
      starts.push(Peer.start(who, ns.channel(who)).then((p) => (run.peers[who] = p)))
    }
  }
  let nftReady: Promise<void> = Promise.resolve()
  if (faults) {
    const nft = new NftShell(ns.channel('nft'))
    run.nft = nft
    nftReady = nft.apply(baseRuleset(script.firewall)).then((r) => {
      if (!r.ok) throw new Error(`nft could not load the lab's base rules: ${r.error}`)
    })
  }
  starts.push(
    nftReady.then(async () => {
      run.capture = await Capture.start(
        {
          packets: ns.channel('capture'),
          trace: run.nft ? { monitor: ns.channel('monitor'), nft: run.nft } : null,
        },
        ports,
        script,
        (e) => {
          run.emit(e)
          if (e.type === 'segment') void run.sample('ss', true)
        },
        () => run.now(),
      )
    }),
  )
  const settled = await Promise.allSettled(starts)
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed) throw (failed as PromiseRejectedResult).reason
}

async function execute(run: Run, program?: RunProgram): Promise<LabResult> {
  const { script, ctx } = run
  const host = program ? programHost(run, syscallArch()!) : null
  if (program && host) await program.prepare(host)
  run.t0 = monotonicMs()
  run.realT0 = performance.timeOrigin + performance.now()
  run.startPolling()
  await run.sample('ss')
  let endRun!: () => void
  const stop = new Promise<'stop'>((r) => (endRun = () => r('stop')))
  const limit = setTimeout(endRun, script.limitMs)
  const onAbort = (): void => endRun()
  ctx.signal.addEventListener('abort', onAbort)
  if (ctx.signal.aborted) endRun()
  const results = new Map<number, StepResult>()
  const record = (r: StepResult): void => {
    results.set(r.index, r)
    ctx.onStep(r)
  }
  const schedule = new Schedule(script)
  /**
   * When a step is due. A client program starts late (an interpreter under strace takes
   * hundreds of milliseconds), so the others' steps written for after its first step are due
   * that much later: a crash at 100 ms comes 90 ms after its connect, as the script says.
   */
  const firstAt = program ? (script.steps.find((s) => s.actor === program.role)?.at ?? 0) : 0
  const due = async (at: number): Promise<number> => {
    if (!program || program.role !== 'client' || at <= firstAt) return at
    const first = await Promise.race([program.firstCallMs(), stop.then(() => null)])
    return first === null ? at : at + Math.max(0, first - firstAt)
  }
  const inFlight = new Map<Actor, { index: number; startMs: number }>()
  const loop = async (actor: Actor): Promise<void> => {
    const mine = script.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.actor === actor)
    /** Signals already sent while an earlier call blocked (takeAside). */
    const sent = new Set<number>()
    let lastEnd = 0
    for (let k = 0; k < mine.length; k++) {
      const { s, i } = mine[k]!
      if (sent.has(i)) continue
      if (run.ended) return
      if (actor !== 'net' && run.dead.has(actor)) {
        const t = run.now()
        record(skippedStep(i, s, t, 'dead'))
        schedule.returned(actor, t)
        continue
      }
      // A stopped program makes no call and waits for nothing but its thaw: any other step
      // never starts (skipped at the end, as in the simulator). The lab's own steps (sleep)
      // would otherwise run in this parent, which is not stopped.
      if (run.frozen.has(actor) && s.op !== 'thaw') return
      const at = await due(s.at ?? 0)
      if ((await until(at)) === 'stop') return
      if ((await schedule.gate(actor, stop)) === 'stop') return
      const startMs = run.now()
      // The moment the script set: its `at`, or the end of this actor's step before.
      run.late = Math.max(run.late, startMs - Math.max(at, lastEnd))
      inFlight.set(actor, { index: i, startMs })
      schedule.started(actor)
      void run.sample('ss')
      const doing = perform(run, s, i, () => schedule.issued(actor))
      if (mayBlock(s.op)) {
        const aside = await takeAside(actor, mine, k, doing, sent)
        if (aside === 'stop') return
      }
      const r = await Promise.race([stop, doing])
      if (r === 'stop') return
      inFlight.delete(actor)
      const endMs = run.endOf(r.doneAt, startMs)
      const outcome = callOutcome(r)
      const res = returnedStep(i, s, startMs, endMs, outcome, 'linux')
      record(res)
      run.emit({ tMs: endMs, type: 'syscall', step: i })
      for (const note of stepNotes(res, outcome)) run.emit(note)
      if (s.op === 'freeze') run.frozen.add(actor)
      if (s.op === 'thaw') run.frozen.delete(actor)
      schedule.returned(actor, endMs)
      lastEnd = endMs
      // A sleep is the lab's own timer: one that ended late says the machine was busy too; so
      // does a call whose SO_RCVTIMEO/SO_SNDTIMEO expired long after its time (the kernel's
      // timer fires within a tick; the rest is waiting to be run: fuzz seed 19 #548, 372 ms).
      if (s.op === 'sleep') run.late = Math.max(run.late, endMs - startMs - s.ms)
      else if ('timeoutMs' in s && s.timeoutMs !== undefined && timedOut(s.op, outcome))
        run.late = Math.max(run.late, endMs - startMs - s.timeoutMs)
      await run.sample('ss')
    }
  }
  /**
   * Waits until the run clock reaches `at` (or `also` settles first: 'also'). Node's timers may
   * fire up to a millisecond early against performance.now(): wait again for the remainder so
   * a step never starts before its `at`.
   */
  const until = async (at: number, also?: Promise<unknown>): Promise<'go' | 'stop' | 'also'> => {
    const other = also?.then(() => 'also' as const)
    for (let wait = at - run.now(); wait > 0; wait = at - run.now()) {
      const ms = Math.max(1, Math.ceil(wait))
      const r = await Promise.race([
        stop,
        new Promise<'go'>((ok) => setTimeout(() => ok('go'), ms)),
        ...(other ? [other] : []),
      ])
      if (r !== 'go') return r
    }
    return 'go'
  }
  /**
   * The timing rule's exception (docs/lab-script-format.md): the signal steps written right
   * after a blocking call start at their `at` while the call still blocks, and are sent to the
   * program then; once the call returns, the rest wait their turn as usual.
   */
  const takeAside = async (
    actor: Actor,
    mine: { s: Step; i: number }[],
    k: number,
    doing: Promise<unknown>,
    sent: Set<number>,
  ): Promise<'go' | 'stop'> => {
    let returned = false
    void doing.then(() => (returned = true))
    for (let n = k + 1; n < mine.length && mine[n]!.s.op === 'signal'; n++) {
      const { s, i } = mine[n]!
      const w = await until(s.at ?? 0, doing)
      if (w === 'stop') return 'stop'
      if (w === 'also' || returned) return 'go'
      if ((await schedule.gateAside(actor, i, s.at ?? 0, stop)) === 'stop') return 'stop'
      if (returned || run.ended) return 'go'
      const startMs = run.now()
      run.late = Math.max(run.late, startMs - (s.at ?? 0))
      const done = await perform(run, s, i, () => undefined)
      const endMs = run.endOf(done.doneAt, startMs)
      const outcome = callOutcome(done)
      const res = returnedStep(i, s, startMs, endMs, outcome, 'linux')
      record(res)
      run.emit({ tMs: endMs, type: 'syscall', step: i })
      for (const note of stepNotes(res, outcome)) run.emit(note)
      sent.add(i)
      schedule.tookAside(actor)
    }
    return 'go'
  }
  /**
   * The program's turn: it starts when the actor's first step would (its `at`, once every
   * step of the others due before it has taken effect), then runs by itself to its end.
   */
  const programLoop = async (p: RunProgram, h: ProgramHost): Promise<void> => {
    const first = script.steps.find((s) => s.actor === p.role)
    if ((await until(first?.at ?? 0)) === 'stop') return
    if ((await schedule.gate(p.role, stop)) === 'stop') return
    schedule.finished(p.role)
    await Promise.race([p.start(h), stop])
  }
  const loops = [...run.endpoints, 'net' as const].map((actor) =>
    (program && host && actor === program.role ? programLoop(program, host) : loop(actor)).finally(
      () => schedule.finished(actor),
    ),
  )
  try {
    await Promise.race([Promise.all(loops), stop])
  } finally {
    clearTimeout(limit)
    ctx.signal.removeEventListener('abort', onAbort)
  }
  const rows = await run.settle()
  const endMs = run.now()
  if (!ctx.signal.aborted) await run.capture?.drain()
  run.ended = true
  endRun()
  for (const [, f] of inFlight)
    record(blockedStep(f.index, script.steps[f.index]!, f.startMs, endMs))
  script.steps.forEach((s, i) => {
    if (results.has(i) || s.actor === program?.role) return
    const why =
      s.actor !== 'net' && run.dead.has(s.actor)
        ? 'dead'
        : run.frozen.has(s.actor)
          ? 'frozen'
          : 'stuck'
    record(skippedStep(i, s, endMs, why))
  })
  // The program ends now if it still runs (its sockets are in `final` as they were).
  await program?.stop(ctx.signal.aborted ? 'cancelled' : 'limit')
  const result = buildResult({
    script,
    backend: 'kernel',
    profile: run.timers.profile,
    host: {
      platform: run.probe.platform,
      release: run.probe.release,
      isolation: 'netns',
      lateMs: Math.round(run.late * 10) / 10,
    },
    timers: run.timers.timers,
    timersShortened: run.timers.shortened(script),
    durationMs: endMs,
    steps: [...results.values()],
    events: run.events,
    final: run.book.finalStates(rows),
    finalDetail: run.book.detail(rows),
    ...(ctx.signal.aborted ? { cancelled: true } : {}),
    socketTable: ssLines(rows),
  })
  return program ? program.attach(result) : result
}

/** A call whose own timeout ended it: recv's SO_RCVTIMEO (EAGAIN), a poll() that returned 0. */
function timedOut(op: Step['op'], outcome: CallOutcome): boolean {
  return op === 'poll' ? outcome.ret === 0 : outcome.errno === 'EAGAIN'
}
