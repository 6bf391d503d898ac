/**
 * One run of a lab script on the real kernel: sets up the namespace (or maps ports on plain
 * loopback), starts the peer processes, runs each actor's steps by the timing rule of
 * lab-script.md (in the script's order, see schedule.ts), samples TCP states and captures
 * segments, and always cleans up.
 */
import { createServer } from 'node:net'
import { readFile } from 'node:fs/promises'
import type { Actor, Endpoint, LabScript, Step } from '../../shared/lab-script'
import type { LabResult, StepResult, TcpState, TraceEvent } from '../../shared/lab-result'
import type { RunContext } from '../backend/backend'
import { blockedStep, skippedStep } from '../backend/result'
import { perform, type ActionContext } from './actions'
import { hostTimers, stepResult, type HostTimers } from './host'
import { baseRuleset } from './nft'
import { NftShell } from './nft-shell'
import { Capture } from './capture'
import { Namespace, type TimerSysctl } from './netns'
import { PeerProcess } from './peer-process'
import type { KernelProbe } from './probe'
import { Schedule } from './schedule'
import { endpointStates, parseTcpTable, socketTable, type EndpointPorts } from './states'

/**
 * How often the socket table is polled for state changes nothing else announced (a timer
 * that sends no segment). Changes that come with a segment are sampled when the capture
 * sees it, and every step samples before and after, so the poll can be slow: a read of the
 * table costs CPU that, on a loaded 2-core machine, the runs' own latencies need.
 */
const POLL_MS = { netns: 20, host: 50 }

/** The machine's monotonic clock in ms (the peers stamp their replies with the same). */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

/** A free loopback port (for plain-loopback runs, where ports are labels). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
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
  readonly peers: Partial<Record<Endpoint | 'relay', PeerProcess>> = {}
  readonly dead = new Set<Endpoint>()
  readonly frozen = new Set<Actor>()
  ns: Namespace | null = null
  nft: NftShell | null = null
  capture: Capture | null = null
  t0 = 0
  ended = false
  private lastStates: Record<Endpoint, TcpState> = { client: 'CLOSED', server: 'CLOSED' }
  private poller: NodeJS.Timeout | null = null
  private sampling = false
  private chain: Promise<void> = Promise.resolve()
  /** The client's target port and the server's real port (label-mapped off namespace). */
  ports: EndpointPorts = { frontPort: 0, serverPort: 0 }
  timers!: HostTimers

  constructor(
    readonly script: LabScript,
    readonly ctx: RunContext,
    readonly probe: KernelProbe,
  ) {}

  get keepalive(): ActionContext['keepalive'] {
    return this.timers.timers.keepalive
  }

  get tcpTable(): (() => string) | null {
    const ns = this.ns
    return ns ? () => ns.tcpTable() : null
  }

  /** The run clock: ms since the run started, on the machine's monotonic clock. */
  now(): number {
    return monotonicMs() - this.t0
  }

  /** A peer's `doneAt` on the run clock, kept between the step's start and now. */
  endOf(doneAt: number | undefined, startMs: number): number {
    const now = this.now()
    return doneAt === undefined ? now : Math.min(now, Math.max(startMs, doneAt - this.t0))
  }

  emit(event: TraceEvent): void {
    this.events.push(event)
    this.ctx.onEvent(event)
  }

  /**
   * Reads the socket table and emits a state event for every change. Samples run one after
   * another (a step's sample waits for the poller's); the poller skips a beat while one runs.
   */
  sample(cause: string, fromPoller = false): Promise<void> {
    if (this.probe.platform !== 'linux') return Promise.resolve()
    if (fromPoller && this.sampling) return this.chain
    this.sampling = true
    this.chain = this.chain
      .then(() => this.readStates(cause))
      .finally(() => (this.sampling = false))
    return this.chain
  }

  private async readStates(cause: string): Promise<void> {
    try {
      // Off a namespace the host's table is large (ms per read): read it off the loop.
      const text = this.ns ? this.ns.tcpTable() : await readFile('/proc/net/tcp', 'utf8')
      const states = endpointStates(parseTcpTable(text), this.ports)
      const t = this.now()
      for (const actor of ['client', 'server'] as const) {
        if (states[actor] !== this.lastStates[actor]) {
          this.emit({
            tMs: t,
            type: 'state',
            actor,
            from: this.lastStates[actor],
            to: states[actor],
            cause,
          })
          this.lastStates[actor] = states[actor]
        }
      }
    } catch {
      // The namespace is going away at the end of the run; the last sample stands.
    }
  }

  startPolling(): void {
    if (this.probe.platform !== 'linux') return
    this.poller = setInterval(
      () => void this.sample('ss', true),
      this.ns ? POLL_MS.netns : POLL_MS.host,
    )
  }

  get finalStates(): Record<Endpoint, TcpState> {
    return { ...this.lastStates }
  }

  async cleanup(): Promise<void> {
    if (this.poller) clearInterval(this.poller)
    await Promise.all(Object.values(this.peers).map((p) => p.kill()))
    await this.capture?.stop()
    await this.nft?.close()
    await this.ns?.close()
  }
}

/** Runs a script on the real kernel. `probe` says what the host allows. */
export async function runOnKernel(
  script: LabScript,
  ctx: RunContext,
  probe: KernelProbe,
): Promise<LabResult> {
  const run = new Run(script, ctx, probe)
  try {
    await setUp(run)
    return await execute(run)
  } finally {
    await run.cleanup()
  }
}

async function setUp(run: Run): Promise<void> {
  const { script, probe } = run
  const port =
    script.steps.find(
      (s): s is Step & { port: number } => 'port' in s && typeof s.port === 'number',
    )?.port ?? 7000
  const middlebox = script.topology === 'middlebox'
  if (probe.isolation === 'netns') {
    // Inside a private namespace the ports are used as written; the relay takes the script's
    // port and the server moves one up (nothing else lives in the namespace).
    run.ports = { frontPort: port, serverPort: middlebox ? (port % 65535) + 1 : port }
    run.ns = await Namespace.create(sysctlsFor(script), baseRuleset())
    if (probe.nft) {
      run.nft = new NftShell(run.ns.spawn('sh', ['-c', 'exec nft -i 2>&1'], { stdio: 'pipe' }))
      run.capture = await Capture.start(
        run.ns,
        run.nft,
        run.ports,
        script,
        (e) => {
          run.emit(e)
          if (e.type === 'segment') void run.sample('ss', true)
        },
        () => run.now(),
        probe.helper,
      )
    }
  } else {
    const serverPort = await freePort()
    run.ports = { frontPort: middlebox ? await freePort() : serverPort, serverPort }
  }
  run.timers = await hostTimers(run.ns?.sysctls)
  const needs = new Set(script.steps.map((s) => s.actor))
  const connects = script.steps.filter((s) => s.op === 'connect').length
  const starts: Promise<void>[] = []
  for (const who of ['client', 'server'] as const) {
    if (!needs.has(who)) continue
    // With the socket helper, the client gets one unconnected socket per connect step.
    const sockets = probe.helper ? (who === 'client' ? connects : 0) : undefined
    starts.push(PeerProcess.start(who, run.ns, { sockets }).then((p) => void (run.peers[who] = p)))
  }
  if (middlebox)
    starts.push(PeerProcess.start('relay', run.ns).then((p) => void (run.peers.relay = p)))
  const settled = await Promise.allSettled(starts)
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed) throw (failed as PromiseRejectedResult).reason
  if (middlebox) {
    const r = await run.peers.relay!.call({
      call: 'relay',
      listenPort: run.ports.frontPort,
      serverPort: run.ports.serverPort,
    })
    if (!r || r.ret !== 0)
      throw new Error(`the middlebox relay could not listen (${r?.code ?? 'died'})`)
  }
}

async function execute(run: Run): Promise<LabResult> {
  const { script, ctx } = run
  run.t0 = monotonicMs()
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
  const inFlight = new Map<Actor, { index: number; startMs: number }>()
  const loop = async (actor: Actor): Promise<void> => {
    const mine = script.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.actor === actor)
    for (const { s, i } of mine) {
      if (run.ended) return
      if (actor !== 'net' && run.dead.has(actor)) {
        const t = run.now()
        record(skippedStep(i, s, t, 'dead'))
        schedule.returned(actor, t)
        continue
      }
      // Node's timers may fire up to a millisecond early against performance.now(): wait
      // again for the remainder so a step never starts before its `at`.
      for (let wait = (s.at ?? 0) - run.now(); wait > 0; wait = (s.at ?? 0) - run.now()) {
        const ms = Math.max(1, Math.ceil(wait))
        const r = await Promise.race([
          stop,
          new Promise<'go'>((ok) => setTimeout(() => ok('go'), ms)),
        ])
        if (r === 'stop') return
      }
      if ((await schedule.gate(actor, stop)) === 'stop') return
      const startMs = run.now()
      inFlight.set(actor, { index: i, startMs })
      schedule.started(actor)
      void run.sample('ss')
      const r = await Promise.race([stop, perform(run, s, i, () => schedule.issued(actor))])
      if (r === 'stop') return
      inFlight.delete(actor)
      const endMs = run.endOf(r.doneAt, startMs)
      record(stepResult(i, s, startMs, endMs, r, run.probe.platform))
      run.emit({ tMs: endMs, type: 'syscall', step: i })
      for (const key of r.notes ?? []) run.emit({ tMs: endMs, type: 'note', key, actor, step: i })
      if (s.op === 'freeze') run.frozen.add(actor)
      if (s.op === 'thaw') run.frozen.delete(actor)
      schedule.returned(actor, endMs)
      await run.sample('ss')
    }
  }
  const loops = (['client', 'server', 'net'] as const).map((actor) =>
    loop(actor).finally(() => schedule.finished(actor)),
  )
  try {
    await Promise.race([Promise.all(loops), stop])
  } finally {
    clearTimeout(limit)
    ctx.signal.removeEventListener('abort', onAbort)
  }
  await run.sample('ss')
  const endMs = run.now()
  const [table] = await Promise.all([
    run.probe.platform === 'linux' ? socketTable(run.ns, run.ports) : undefined,
    ctx.signal.aborted ? undefined : run.capture?.drain(),
  ])
  run.ended = true
  endRun()
  for (const [, f] of inFlight)
    record(blockedStep(f.index, script.steps[f.index]!, f.startMs, endMs))
  script.steps.forEach((s, i) => {
    if (results.has(i)) return
    const why =
      s.actor !== 'net' && run.dead.has(s.actor)
        ? 'dead'
        : run.frozen.has(s.actor)
          ? 'frozen'
          : 'stuck'
    record(skippedStep(i, s, endMs, why))
  })
  const events = [...run.events].sort((a, b) => a.tMs - b.tMs)
  return {
    labScript: 1,
    ...(script.id ? { id: script.id } : {}),
    backend: 'kernel',
    profile: run.timers.profile,
    host: {
      platform: run.probe.platform,
      release: run.probe.release,
      isolation: run.probe.isolation,
    },
    timers: run.timers.timers,
    timersShortened: run.timers.shortened(script),
    durationMs: endMs,
    steps: [...results.values()].sort((a, b) => a.index - b.index),
    events,
    final: run.finalStates,
    ...(ctx.signal.aborted ? { cancelled: true } : {}),
    ...(table ? { socketTable: table } : {}),
  }
}
