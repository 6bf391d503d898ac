/**
 * A private network namespace for one run: `unshare -rn` starts a small holder shell that
 * brings loopback up, writes the run's sysctls, loads the nft ruleset, prints the effective
 * timers and then waits on its stdin. Everything else of the run enters the namespace with
 * `nsenter -U -n` on the holder's pid.
 *
 * The holder dies when its stdin closes, so even a parent killed with SIGKILL takes the
 * namespace with it (the namespace lives only while a process is inside).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'

/** PATH with the sbin folders, where ip and nft live on Debian even for normal users. */
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

/** Kernel timer sysctls the lab can set per namespace (net.ipv4.*). */
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
      child = spawn(cmd, args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: childEnv(),
      })
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

/**
 * Waits until a child has exited and Node has closed its pipes and IPC channel to it,
 * SIGKILLing it after `graceMs`. Bounded: a pipe a grandchild still holds is not waited for
 * more than a second after the exit.
 */
export function waitExit(child: ChildProcess, graceMs = 1000): Promise<void> {
  const open = (): Promise<void>[] => [
    ...[child.stdin, child.stdout, child.stderr]
      .filter((s) => s && !s.destroyed)
      .map((s) => new Promise<void>((r) => s!.once('close', () => r()))),
    ...(child.connected ? [new Promise<void>((r) => child.once('disconnect', () => r()))] : []),
  ]
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
          child.once('exit', () => {
            clearTimeout(timer)
            resolve()
          })
        })
  return exited.then(async () => {
    let late: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all(open()),
      new Promise<void>((r) => (late = setTimeout(r, 1000))),
    ])
    clearTimeout(late)
  })
}

/** Pids of live processes in process group `pgid` (read from /proc; empty off Linux). */
export function groupMembers(pgid: number): number[] {
  const out: number[] = []
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return out
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) out.push(Number(name))
    } catch {
      // Gone meanwhile.
    }
  }
  return out
}

/** A live namespace. */
export class Namespace {
  private constructor(
    private readonly holder: ChildProcess,
    /** The holder's pid: the namespace's handle for nsenter and /proc. */
    readonly pid: number,
    /** Effective timer sysctls inside the namespace, as the kernel reports them. */
    readonly sysctls: Record<TimerSysctl, number>,
  ) {}

  /**
   * Creates the namespace. `sysctls` are written before anything runs; `ruleset` is loaded
   * with `nft -f -`. Rejects (having cleaned up) when any of it fails.
   */
  static async create(
    sysctls: Partial<Record<TimerSysctl, number>>,
    ruleset: string,
    timeoutMs = 5000,
  ): Promise<Namespace> {
    const writes = Object.entries(sysctls)
      .map(([k, v]) => `echo ${Math.trunc(Number(v))} > /proc/sys/net/ipv4/${k}`)
      .join('\n')
    const reads = TIMER_SYSCTLS.map((k) => `/proc/sys/net/ipv4/${k}`).join(' ')
    const script = [
      'set -e',
      'ip link set lo up',
      writes,
      'printf "%s\\n" "$1" | nft -f -',
      `echo timers $(cat ${reads})`,
      // Wait for the parent: EOF on stdin (the parent closed it or died) ends the namespace.
      'read -r _ || true',
    ].join('\n')
    // A namespace shares the host's TCP hash table unless its creator's namespace sets
    // tcp_child_ehash_entries (Linux 6.1+); reading the socket table then walks the host's
    // whole table (milliseconds). So: a first namespace sets it, a nested one runs the lab.
    const outer = [
      'echo 256 > /proc/sys/net/ipv4/tcp_child_ehash_entries 2>/dev/null && exec unshare -n sh -c "$1" sh "$2"',
      'exec sh -c "$1" sh "$2"',
    ].join('\n')
    const holder = spawn('unshare', ['-rn', 'sh', '-c', outer, 'sh', script, ruleset], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: childEnv(),
    })
    holder.stdin?.on('error', () => undefined)
    let stderr = ''
    holder.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const line = await new Promise<string>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error('namespace setup timed out')), timeoutMs)
      holder.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /timers ([\d ]+)\n/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      })
      holder.once('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
      holder.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`namespace setup failed (exit ${code}): ${stderr.trim()}`))
      })
    }).catch(async (error: unknown) => {
      holder.kill('SIGKILL')
      await waitExit(holder)
      throw error
    })
    const values = line.trim().split(/\s+/).map(Number)
    const effective = Object.fromEntries(TIMER_SYSCTLS.map((k, i) => [k, values[i] ?? NaN]))
    return new Namespace(holder, holder.pid!, effective as Record<TimerSysctl, number>)
  }

  /** The nsenter prefix that runs a command inside this namespace. */
  enter(cmd: string, args: string[]): [string, string[]] {
    return ['nsenter', ['-t', String(this.pid), '-U', '-n', '--preserve-credentials', cmd, ...args]]
  }

  /** Runs a command inside the namespace. */
  run(cmd: string, args: string[], input?: string): Promise<CommandResult> {
    const [c, a] = this.enter(cmd, args)
    return runCommand(c, a, input)
  }

  /** Spawns a long-running process inside the namespace (nsenter execs it: same pid). */
  spawn(cmd: string, args: string[], options: SpawnOptions): ChildProcess {
    const [c, a] = this.enter(cmd, args)
    return spawn(c, a, { ...options, env: childEnv(options.env) })
  }

  /**
   * The namespace's TCP socket table (the table `ss` reads). Read synchronously: in the
   * namespace's own small hash table it takes tens of microseconds, less than a round trip
   * through libuv's thread pool.
   */
  tcpTable(): string {
    return readFileSync(`/proc/${this.pid}/net/tcp`, 'utf8')
  }

  /** Pids of every process inside this namespace but the holder (read from /proc). */
  processes(): number[] {
    let mine: string
    try {
      mine = readlinkSync(`/proc/${this.pid}/ns/net`)
    } catch {
      return []
    }
    const out: number[] = []
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name) || Number(name) === this.pid) continue
      try {
        if (readlinkSync(`/proc/${name}/ns/net`) === mine && !isZombie(Number(name))) {
          out.push(Number(name))
        }
      } catch {
        // Gone meanwhile, or another user's process: not ours.
      }
    }
    return out
  }

  /**
   * Ends the namespace: kills whatever still runs inside it (a peer's helper, a capture), waits
   * until it is gone (bounded), then lets the holder exit; with the last process the
   * namespace goes.
   */
  async close(graceMs = 2000): Promise<void> {
    const until = performance.now() + graceMs
    for (let left = this.processes(); left.length > 0; left = this.processes()) {
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Already gone.
        }
      }
      if (performance.now() > until) break
      await new Promise((r) => setTimeout(r, 5))
    }
    this.holder.stdin?.end()
    await waitExit(this.holder, 500)
  }
}

/** True when a process has exited but was not reaped yet (it holds nothing any more). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return true
  }
}
