/**
 * A student's program as one actor of a kernel-lab run (issue 14): it plays the client or the
 * server instead of the script's steps for that actor, in the run's namespace with the
 * script's faults and timers. runner.ts calls it at four moments: `prepare` before the run
 * clock starts (a server is started then and waited for until it listens, so the script's
 * client connects on time), `start` when the actor's first step is due (a client starts then),
 * `stop` when the run ends, and `attach` to add what it did to the result.
 */
import type { LabResult } from '../../../shared/lab-result'
import type { Endpoint } from '../../../shared/lab-script'
import type { ProgramCall, ProgramRun } from '../../../shared/program-result'
import type { EndpointPorts, SocketBook } from '../states'
import { parseTcpTable } from '../states'
import type { SyscallArch } from '../syscalls'
import { ProgramProcess } from './process'
import { StraceParser } from './strace-parse'
import { PROGRAM_START_MS } from '../../../shared/program-result'

/** What the run lends the program. */
export interface ProgramHost {
  arch: SyscallArch
  /** The hub: the run's namespaces are its. */
  hubPid: number
  ports: EndpointPorts
  book: SocketBook
  /** The namespace's TCP table (/proc/<hub>/net/tcp). */
  tcpTable(): string
  /** CLOCK_REALTIME in ms at the run clock's 0 (null before the clock started). */
  zeroRealMs(): number | null
}

/** The hook runner.ts calls (see the file comment). */
export interface RunProgram {
  readonly role: Endpoint
  prepare(host: ProgramHost): Promise<void>
  start(host: ProgramHost): Promise<void>
  /**
   * When the program made its first socket call (run clock), or null when it ended without
   * one: the script's later steps of the others are timed from there (runner.ts `due`).
   */
  firstCallMs(): Promise<number | null>
  stop(reason: 'limit' | 'cancelled'): Promise<void>
  attach(result: LabResult): LabResult
}

/** What to run. */
export interface ProgramSpec {
  role: Endpoint
  /** The command and its arguments; `{host}` and `{port}` are replaced. */
  command: string[]
  cwd?: string
  /** Most calls kept (a program in a loop of calls would otherwise fill memory). */
  maxCalls?: number
  /** How long a server program may take to listen before the run goes on without it. */
  listenWaitMs?: number
  /**
   * The run's time limit (ms); by default the script's `limitMs` plus
   * {@link PROGRAM_START_MS}: an interpreter started under strace on a busy machine may take
   * seconds before its first call.
   */
  limitMs?: number
  /**
   * The program's own time limit (ms from its start): past it, it is ended as at the run's
   * limit (`killed: 'limit'`), and the run goes on without it.
   */
  timeLimitMs?: number
}

/** What a program run adds to the script's `limitMs` by default (see ProgramSpec.limitMs). */
export { PROGRAM_START_MS }

/** The host the program connects to (or listens on) inside the namespace. */
export const PROGRAM_HOST = '127.0.0.1'

/** The command with `{host}` and `{port}` replaced. */
export function substitute(command: string[], port: number): string[] {
  return command.map((a) => a.replaceAll('{host}', PROGRAM_HOST).replaceAll('{port}', String(port)))
}

/** The port the program is told: where a client connects, where a server listens. */
export function programPort(role: Endpoint, ports: EndpointPorts): number {
  return role === 'client' ? ports.frontPort : ports.serverPort
}

/** The program of one run. */
export class ProgramActor implements RunProgram {
  readonly role: Endpoint
  private proc: ProgramProcess | null = null
  private readonly parser: StraceParser
  private readonly calls: ProgramCall[] = []
  private callsCut = false
  private command: string[] = []
  private killed: ProgramRun['killed']
  private mainPid: number | null = null
  private mainEnd: (() => void) | null = null
  /** Resolves when the program's first process has exited (its children are then ended). */
  private readonly mainExited = new Promise<void>((r) => (this.mainEnd = r))
  private host: ProgramHost | null = null
  /** CLOCK_REALTIME (ms) when it was started. */
  private launchedAt = 0
  private stopping: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private firstCall: ((ms: number | null) => void) | null = null
  private readonly first = new Promise<number | null>((r) => (this.firstCall = r))

  constructor(private readonly spec: ProgramSpec) {
    this.role = spec.role
    this.parser = new StraceParser(spec.role)
  }

  async prepare(host: ProgramHost): Promise<void> {
    if (this.role !== 'server') return
    this.launch(host)
    // Until it listens on its port (bounded), or it ended.
    const until = performance.now() + (this.spec.listenWaitMs ?? 5000)
    const port = host.ports.serverPort
    while (performance.now() < until && !this.proc?.ended) {
      const rows = parseTcpTable(host.tcpTable())
      if (rows.some((r) => r.state === 'LISTEN' && r.localPort === port)) return
      await new Promise((r) => setTimeout(r, 2))
    }
  }

  async start(host: ProgramHost): Promise<void> {
    if (!this.proc) {
      // Every client socket in the namespace to the front port is the program's.
      host.book.connecting()
      this.launch(host)
    }
    await Promise.race([this.proc!.exited, this.mainExited])
  }

  private launch(host: ProgramHost): void {
    this.host = host
    const port = programPort(this.role, host.ports)
    this.command = substitute(this.spec.command, port)
    this.launchedAt = performance.timeOrigin + performance.now()
    this.proc = ProgramProcess.start({
      arch: host.arch,
      hubPid: host.hubPid,
      command: this.command,
      env: { SOCKLAB_HOST: PROGRAM_HOST, SOCKLAB_PORT: String(port), SOCKLAB_ROLE: this.role },
      ...(this.spec.cwd ? { cwd: this.spec.cwd } : {}),
      onTrace: (line) => this.line(line),
    })
    const limit = this.spec.timeLimitMs
    if (limit !== undefined) this.timer = setTimeout(() => void this.stop('limit'), limit)
    void this.proc.exited.then(() => {
      if (this.timer) clearTimeout(this.timer)
      this.firstCall?.(null)
    })
  }

  private line(text: string): void {
    const before = this.parser.pids.size
    for (const call of this.parser.feed(text)) this.keep(call)
    // The first process strace shows is the program (the launcher's `tie` became it).
    if (before === 0 && this.parser.pids.size > 0) this.mainPid = [...this.parser.pids][0]!
    if (this.mainPid !== null && this.parser.exits.has(this.mainPid)) {
      this.mainEnd?.()
      this.firstCall?.(null)
    }
  }

  firstCallMs(): Promise<number | null> {
    return this.first
  }

  private keep(call: ProgramCall): void {
    const zero = this.host?.zeroRealMs()
    if (this.firstCall && zero !== null && zero !== undefined) {
      this.firstCall(call.startMs - zero)
      this.firstCall = null
    }
    const book = this.host?.book
    if (book && call.ret !== undefined && call.ret >= 0) {
      if (call.op === 'listen') book.listening(call.fd)
      if (call.op === 'accept') {
        const port = Number(call.detail?.split(':').at(-1))
        if (Number.isFinite(port)) book.acceptedFrom(port, call.ret)
      }
      if (call.op === 'close') book.closed(this.role, call.fd)
    }
    if (this.calls.length >= (this.spec.maxCalls ?? 10_000)) {
      this.callsCut = true
      return
    }
    this.calls.push(call)
  }

  stop(reason: 'limit' | 'cancelled'): Promise<void> {
    this.stopping ??= (async () => {
      if (this.timer) clearTimeout(this.timer)
      const proc = this.proc
      if (!proc) return
      if (!proc.ended && !(this.mainPid !== null && this.parser.exits.has(this.mainPid)))
        this.killed = reason
      await proc.stop()
    })()
    return this.stopping
  }

  attach(result: LabResult): LabResult {
    const proc = this.proc
    if (!proc) return result
    const zero = this.host?.zeroRealMs() ?? 0
    const endReal = zero + result.durationMs
    for (const call of this.parser.end(endReal)) this.keep(call)
    const shift = (ms: number): number => Math.round((ms - zero) * 1000) / 1000
    const calls = this.calls
      .map((c) => ({ ...c, startMs: shift(c.startMs), endMs: shift(c.endMs) }))
      .sort((a, b) => a.startMs - b.startMs)
    const exit = proc.ended
    const main = this.mainPid !== null ? this.parser.exits.get(this.mainPid) : undefined
    const out = proc.output()
    const program: ProgramRun = {
      role: this.role,
      command: this.command,
      // The program's own status where strace saw it (strace exits with the same).
      exitCode: main ? main.code : (exit?.code ?? null),
      exitSignal: main ? main.signal : (exit?.signal ?? null),
      startMs: shift(this.launchedAt),
      endMs: main ? shift(main.ms) : null,
      stdout: out.stdout,
      stderr: out.stderr,
      stdoutCut: out.stdoutCut,
      stderrCut: out.stderrCut,
      calls,
      callsCut: this.callsCut,
    }
    if (this.killed) program.killed = this.killed
    return { ...result, program }
  }
}
