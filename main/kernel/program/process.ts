/**
 * One student program in a run's namespace (launch.ts) and its containment: output kept up to
 * a bound, the trace read as it comes, and an end that leaves nothing behind whatever the
 * program does (hangs, forks, floods its output, ignores SIGTERM): SIGTERM to every process
 * of the program, SIGKILL after a grace period, then every process still in the run's network
 * namespace that is not the hub's is killed until none is left. The namespace is what cannot
 * be escaped: a child that makes itself a new session or process group, or is re-parented, is
 * still in it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { PROGRAM_OUTPUT_LIMIT } from '../../../shared/program-result'
import { childEnv } from '../netns'
import type { SyscallArch } from '../syscalls'
import { launchArgs } from './launch'

/** How long a program has to end after SIGTERM before SIGKILL. */
export const GRACE_MS = 500

/** What a stream kept, bounded. */
class Kept {
  private chunks: Buffer[] = []
  private size = 0
  cut = false
  constructor(private readonly limit: number) {}
  add(d: Buffer): void {
    if (this.size >= this.limit) {
      this.cut = true
      return
    }
    const part = d.subarray(0, this.limit - this.size)
    if (part.length < d.length) this.cut = true
    this.chunks.push(part)
    this.size += part.length
  }
  text(): string {
    const t = Buffer.concat(this.chunks).toString('utf8')
    return this.cut ? `${t}\n[socklab: output cut at ${this.limit} bytes]\n` : t
  }
}

/** How the launcher ended. */
export interface ProgramExit {
  code: number | null
  signal: string | null
}

/** Reads a process's parent pid (null when it is gone). */
function ppidOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return null
  }
}

/** The network namespace a process is in (`net:[4026532...]`), or null when it is gone. */
export function netnsOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`)
  } catch {
    return null
  }
}

/** Pids of live (not zombie) processes in namespace `ns`, but `except`'s and their children. */
export function processesIn(ns: string, except: ReadonlySet<number>): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    if (except.has(pid) || pid === process.pid || netnsOf(pid) !== ns) continue
    const ppid = ppidOf(pid)
    if (ppid === null || except.has(ppid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue
    } catch {
      continue
    }
    out.push(pid)
  }
  return out
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // Gone already.
  }
}

/** What starts a program. */
export interface ProgramStart {
  arch: SyscallArch
  /** The run's hub (its namespaces are the program's). */
  hubPid: number
  command: string[]
  env: Record<string, string>
  cwd?: string
  /** Every line strace writes. */
  onTrace(line: string): void
}

/** A running program. */
export class ProgramProcess {
  private readonly stdout = new Kept(PROGRAM_OUTPUT_LIMIT)
  private readonly stderr = new Kept(PROGRAM_OUTPUT_LIMIT)
  /** Resolves when strace (and so every traced process) has exited and its pipes closed. */
  readonly exited: Promise<ProgramExit>
  private exit: ProgramExit | null = null
  /** The namespace the program runs in (read before it starts: the hub may go first). */
  readonly netns: string | null

  private constructor(
    private readonly child: ChildProcess,
    private readonly hubPid: number,
    netns: string | null,
  ) {
    this.netns = netns
    child.stdout?.on('data', (d: Buffer) => this.stdout.add(d))
    child.stderr?.on('data', (d: Buffer) => this.stderr.add(d))
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.exit = { code, signal }
        resolve(this.exit)
      })
      child.once('error', (e) => {
        this.stderr.add(Buffer.from(`socklab: ${e.message}\n`))
      })
    })
  }

  /** Starts the program in the hub's namespaces, traced. */
  static start(s: ProgramStart): ProgramProcess {
    const netns = netnsOf(s.hubPid)
    const child = spawn('perl', launchArgs(s.arch, s.hubPid, process.pid, s.command), {
      // Its own session: a Ctrl+C in the lab's terminal reaches the lab, which ends it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: childEnv(s.env),
      ...(s.cwd ? { cwd: s.cwd } : {}),
    })
    const p = new ProgramProcess(child, s.hubPid, netns)
    const trace = child.stdio[3] as Readable | null
    if (trace) createInterface({ input: trace }).on('line', s.onTrace)
    return p
  }

  /** The launcher's pid (strace's, once it has started). */
  get pid(): number {
    return this.child.pid ?? -1
  }

  /** How it ended, once it has. */
  get ended(): ProgramExit | null {
    return this.exit
  }

  /** Output kept so far. */
  output(): { stdout: string; stderr: string; stdoutCut: boolean; stderrCut: boolean } {
    return {
      stdout: this.stdout.text(),
      stderr: this.stderr.text(),
      stdoutCut: this.stdout.cut,
      stderrCut: this.stderr.cut,
    }
  }

  /**
   * The program's processes: everything in its namespace but the hub's; without the
   * launcher, its children (strace) are left out too.
   */
  private members(withLauncher: boolean): number[] {
    if (!this.netns) return []
    const except = new Set(withLauncher ? [this.hubPid] : [this.hubPid, this.pid])
    return processesIn(this.netns, except)
  }

  /**
   * Ends the program: SIGTERM to each of its processes (not strace, whose death would SIGKILL
   * them at once), `graceMs` for them to go, then SIGKILL to all. strace then exits by itself
   * and the launcher after it has passed the whole trace on; whatever is still there after
   * that is killed too, until nothing of the program is left in the namespace (bounded by
   * `boundMs`). Resolves when it is over.
   */
  async stop(graceMs = GRACE_MS, boundMs = 3000): Promise<void> {
    const until = performance.now() + boundMs
    const left = (): number => Math.max(0, until - performance.now())
    if (!this.exit) {
      for (const pid of this.members(false)) kill(pid, 'SIGTERM')
      await Promise.race([this.exited, sleep(graceMs)])
    }
    await this.killAll(false, until)
    await Promise.race([this.exited, sleep(Math.min(1000, left()))])
    if (!this.exit) kill(this.pid, 'SIGKILL')
    await this.killAll(true, until)
    await Promise.race([this.exited, sleep(left())])
    for (const s of this.child.stdio) (s as Readable | null)?.destroy()
  }

  /** SIGKILL to the program's processes (with the launcher and strace or not) until none is left. */
  private async killAll(withLauncher: boolean, until: number): Promise<void> {
    for (;;) {
      const pids = this.members(withLauncher)
      if (pids.length === 0 || performance.now() > until) return
      for (const pid of pids) kill(pid, 'SIGKILL')
      await sleep(5)
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
