/**
 * A private network namespace for one run, and every process in it, from ONE spawn: the hub
 * (perl-hub.ts) makes the namespaces itself (a user namespace mapping us to root, a network
 * namespace with its own small TCP hash table), brings loopback up, writes the run's timer
 * sysctls and forks the run's roles, each talking to us on its own channel (a socketpair Node
 * made for the spawn).
 *
 * Cleanup is one SIGKILL to the hub: its children die with it (PR_SET_PDEATHSIG), so does
 * the namespace with its last process, and the hub dies the same way if we do.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { Duplex, Readable } from 'node:stream'
import { hubArgs, hubProgram, type HubRole } from './perl-hub'
import type { SyscallArch } from './syscalls'

/** PATH with the sbin folders, where nft lives on Debian even for normal users. */
export const TOOL_PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/bin:/bin`

/**
 * Set in the environment of every process the kernel lab starts (and so of theirs): tests
 * and the bench find anything a run left behind by it, whatever became of its parent.
 */
export const OWNER_ENV = 'SOCKLAB_OWNER'

/** The environment for the lab's child processes. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, PATH: TOOL_PATH, [OWNER_ENV]: String(process.pid) }
}

/** Kernel timer sysctls the lab can set per namespace (net.ipv4.*), in the hub's order. */
export const TIMER_SYSCTLS = [
  'tcp_syn_retries',
  'tcp_synack_retries',
  'tcp_retries2',
  'tcp_keepalive_time',
  'tcp_keepalive_intvl',
  'tcp_keepalive_probes',
] as const
/** One of {@link TIMER_SYSCTLS}. */
export type TimerSysctl = (typeof TIMER_SYSCTLS)[number]

/** What a finished command printed. */
export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command to its end (bounded by `timeoutMs`), feeding `input` on stdin. */
export function runCommand(
  cmd: string,
  args: string[],
  input?: string,
  timeoutMs = 5000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let child: ChildProcess
    try {
      child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv() })
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: String(error) })
      return
    }
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve({ code: null, stdout, stderr: stderr + String(e) })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(input ?? '')
  })
}

/** Resolves when a stream has closed (at once if it has), or after `ms`. */
function closed(stream: Readable | null | undefined, ms: number): Promise<void> {
  if (!stream || stream.closed) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    stream.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** What a namespace is made with. */
export interface NamespaceOptions {
  arch: SyscallArch
  sysctls: Partial<Record<TimerSysctl, number>>
  /** net.netfilter.* sysctls (the script's firewall: conntrack's timeouts), by name. */
  netfilter?: Record<string, number>
  roles: HubRole[]
  timeoutMs?: number
}

/** A live namespace and its roles' channels. */
export class Namespace {
  private constructor(
    private readonly hub: ChildProcess,
    /** The hub's pid: /proc/<pid>/net/tcp is the namespace's socket table. */
    readonly pid: number,
    /**
     * The effective timer sysctls inside the namespace, as the kernel reports them, once the
     * namespace is made and its roles started.
     */
    readonly ready: Promise<Record<TimerSysctl, number>>,
    private readonly channels: Map<HubRole['role'], Duplex>,
  ) {
    ready.catch(() => undefined)
  }

  /**
   * Starts the hub, which makes the namespace and starts its roles. The channels can be used
   * at once (what is written waits in the socket until the role reads it); `ready` resolves
   * with the effective timers once the hub has printed them, or rejects, having cleaned up,
   * when any of it fails.
   */
  static start(options: NamespaceOptions): Namespace {
    const { arch, sysctls, roles, netfilter, timeoutMs = 10_000 } = options
    const args = ['-e', hubProgram(arch), ...hubArgs(process.pid, sysctls, roles, netfilter)]
    const hub = spawn('perl', args, {
      stdio: ['pipe', 'pipe', 'pipe', ...roles.map(() => 'pipe' as const)],
      env: childEnv(),
    })
    hub.stdin?.on('error', () => undefined)
    // Node's stdio "pipes" are socketpairs: a hub killed with unread data resets them, and an
    // 'error' without a listener would be thrown (seen once: read ECONNRESET after a kill).
    hub.stdout?.on('error', () => undefined)
    hub.stderr?.on('error', () => undefined)
    const channels = new Map<HubRole['role'], Duplex>()
    roles.forEach((r, i) => {
      const ch = hub.stdio[3 + i] as Duplex
      ch.on('error', () => undefined)
      channels.set(r.role, ch)
    })
    let stderr = ''
    hub.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)))
    const timers = new Promise<Record<TimerSysctl, number>>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error('namespace setup timed out')), timeoutMs)
      hub.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /timers ([\d ]+)\n/.exec(out)
        if (!m) return
        clearTimeout(timer)
        const values = m[1]!.trim().split(/\s+/).map(Number)
        resolve(
          Object.fromEntries(TIMER_SYSCTLS.map((k, i) => [k, values[i] ?? NaN])) as Record<
            TimerSysctl,
            number
          >,
        )
      })
      hub.once('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
      hub.once('exit', (code) => {
        clearTimeout(timer)
        // stderr may still be on its way: give it a moment.
        setTimeout(
          () => reject(new Error(`namespace setup failed (exit ${code}): ${stderr.trim()}`)),
          20,
        )
      })
    })
    return new Namespace(hub, hub.pid ?? -1, timers, channels)
  }

  /** The channel of a role (its child's line protocol). */
  channel(role: HubRole['role']): Duplex {
    const ch = this.channels.get(role)
    if (!ch) throw new Error(`the namespace has no ${role}`)
    return ch
  }

  /**
   * The namespace's TCP socket table (the table `ss` reads). Read synchronously: in the
   * namespace's own small hash table it takes tens of microseconds, less than a round trip
   * through libuv's thread pool.
   */
  tcpTable(): string {
    return readFileSync(`/proc/${this.pid}/net/tcp`, 'utf8')
  }

  /**
   * Ends the namespace: SIGKILL to the hub, whose children die with it; then waits (bounded)
   * until the hub has exited and every channel and pipe has closed, which happens only once
   * the last process holding it is gone.
   */
  async close(graceMs = 2000): Promise<void> {
    const hub = this.hub
    if (hub.exitCode === null && hub.signalCode === null) hub.kill('SIGKILL')
    // Our end of its stdin never hears of its death; the other streams are read to their EOF.
    hub.stdin?.destroy()
    for (const ch of this.channels.values()) ch.resume()
    const exited =
      hub.exitCode !== null || hub.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((r) => hub.once('exit', () => r()))
    await Promise.all([
      Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]),
      ...hub.stdio.slice(1).map((s) => closed(s as Readable | null, graceMs)),
    ])
    for (const s of hub.stdio) (s as Readable | null)?.destroy()
  }
}
