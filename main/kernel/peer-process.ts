/**
 * The parent's handle on one peer process: how to start it (from source, from the built
 * bundle, or inside Electron), typed calls over IPC, signals, and a cleanup that waits for
 * the process to be gone.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Namespace } from './netns'
import { childEnv, groupMembers, waitExit } from './netns'
import type { CallReturn, PeerCall, PeerMessage, PeerRequest } from './peer-protocol'
import { compiledPeer } from './peer-build'
import { LAUNCHER } from './sockctl'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * How to start a peer: the executable, its arguments and extra env. The working folder is the
 * parent's: a packaged app's bundle lives inside app.asar, which is no folder to start in.
 */
export interface PeerCommand {
  exec: string
  args: string[]
  env: Record<string, string>
}

/**
 * From source (this module is a .ts file: tests, tsx) the peer is `main/kernel/peer.ts`
 * transpiled once into a cache folder (peer-build.ts); from the bundle it is `peer.js` beside
 * the running bundle. In Electron `execPath` is the Electron binary, which runs as plain Node
 * with ELECTRON_RUN_AS_NODE.
 */
export async function peerCommand(moduleUrl: string = import.meta.url): Promise<PeerCommand> {
  const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}
  if (moduleUrl.endsWith('.ts')) {
    const entry = await compiledPeer(here)
    return { exec: process.execPath, args: [entry], env }
  }
  // The bundler may put this module in a shared chunk (out/main/chunks/) rather than beside
  // the entries; peer.js is an entry, so look here and one level up.
  const bundle = dirname(fileURLToPath(moduleUrl))
  const dir = [bundle, dirname(bundle)].find((d) => existsSync(join(d, 'peer.js'))) ?? bundle
  return { exec: process.execPath, args: [join(dir, 'peer.js')], env }
}

/** How to start a peer beyond where. */
export interface PeerStartOptions {
  /**
   * Start it from the socket helper's launcher, with this many unconnected sockets (for its
   * connect() calls); undefined where the host has no helper.
   */
  sockets?: number
  timeoutMs?: number
}

/** A running peer. */
export class PeerProcess {
  private nextId = 1
  private readonly waiting = new Map<number, (r: CallReturn) => void>()
  private readonly issuedWaiting = new Map<number, () => void>()
  private exitedResolve!: () => void
  /** Resolves when the process has exited (for any reason). */
  readonly exited = new Promise<void>((r) => (this.exitedResolve = r))
  private alive = true

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (m: PeerMessage) => {
      if (m.type === 'issued') {
        this.issuedWaiting.get(m.id)?.()
        this.issuedWaiting.delete(m.id)
        return
      }
      if (m.type !== 'reply') return
      this.issuedWaiting.delete(m.id)
      const w = this.waiting.get(m.id)
      this.waiting.delete(m.id)
      const { type: _t, id: _i, ...ret } = m
      w?.(ret)
    })
    child.once('exit', () => {
      this.alive = false
      this.exitedResolve()
    })
  }

  /** The process id (the real program: nsenter execs it). */
  get pid(): number {
    return this.child.pid ?? -1
  }

  /** False once the process has exited. */
  get isAlive(): boolean {
    return this.alive
  }

  /**
   * Starts a peer (inside `ns` when given) and waits until it says it is ready. The peer
   * leads a process group of its own, so a crash or a freeze reaches its helpers too.
   */
  static async start(
    name: string,
    ns: Namespace | null,
    { sockets, timeoutMs = 15_000 }: PeerStartOptions = {},
  ): Promise<PeerProcess> {
    const cmd = await peerCommand()
    let exec = cmd.exec
    let args = cmd.args
    if (sockets !== undefined) {
      args = ['-e', LAUNCHER, String(sockets), exec, ...args]
      exec = 'perl'
    }
    const options = {
      env: childEnv(cmd.env),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[],
      // A group of its own (signals reach its helpers); on Windows that would open a console.
      detached: process.platform !== 'win32',
      windowsHide: true,
    }
    const child = ns ? ns.spawn(exec, args, options) : spawn(exec, args, options)
    const peer = new PeerProcess(name, child)
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)))
    try {
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`${name} peer did not start in ${timeoutMs} ms`)),
          timeoutMs,
        )
        child.on('message', (m: PeerMessage) => {
          if (m.type === 'ready') {
            clearTimeout(timer)
            ok()
          }
        })
        child.once('error', (e) => {
          clearTimeout(timer)
          fail(e)
        })
        child.once('exit', (code) => {
          clearTimeout(timer)
          fail(new Error(`${name} peer exited (${code}) before it was ready: ${stderr.trim()}`))
        })
      })
    } catch (error) {
      await peer.kill()
      throw error
    }
    return peer
  }

  /**
   * Makes a call; resolves with its return, or `null` if the process died first. `onIssued`
   * runs when a blocking call has entered the kernel (or with the reply, if it never said).
   */
  call(req: PeerCall, onIssued?: () => void): Promise<CallReturn | null> {
    let said = false
    const issued = (): void => {
      if (said) return
      said = true
      onIssued?.()
    }
    if (!this.alive || !this.child.connected) {
      issued()
      return Promise.resolve(null)
    }
    const id = this.nextId++
    const message: PeerRequest = { id, req }
    if (onIssued) this.issuedWaiting.set(id, issued)
    return new Promise<CallReturn | null>((resolve) => {
      this.waiting.set(id, resolve)
      void this.exited.then(() => {
        if (this.waiting.delete(id)) resolve(null)
      })
      this.child.send(message, (error) => {
        if (error && this.waiting.delete(id)) resolve(null)
      })
    }).finally(issued)
  }

  /** Sends a signal to the peer's whole process group; false if it is gone. */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.alive || this.pid <= 0) return false
    try {
      process.kill(-this.pid, sig)
      return true
    } catch {
      try {
        return this.child.kill(sig)
      } catch {
        return false
      }
    }
  }

  /**
   * Resolves when the peer's main process shows state `T` (stopped) in /proc, so a freeze
   * has taken effect before the run goes on (bounded: `timeoutMs`).
   */
  async stopped(timeoutMs = 500): Promise<boolean> {
    const until = performance.now() + timeoutMs
    while (performance.now() < until) {
      try {
        const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8')
        if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return true
      } catch {
        return false
      }
      await new Promise((r) => setTimeout(r, 1))
    }
    return false
  }

  /** SIGKILL (after SIGCONT, in case it is stopped) and wait until it is gone. */
  /**
   * SIGKILL to the whole group (after SIGCONT, in case it is stopped), then wait until the
   * process and every member of its group (the Node peer under its launcher, helpers) is
   * gone, and Node has closed its pipes and IPC channel to it (bounded).
   */
  async kill(): Promise<void> {
    if (this.alive) {
      this.signal('SIGKILL')
      this.signal('SIGCONT')
    }
    if (this.child.connected) this.child.disconnect()
    await waitExit(this.child, 2000)
    const until = performance.now() + 2000
    for (let left = groupMembers(this.pid); left.length > 0; left = groupMembers(this.pid)) {
      if (performance.now() > until) break
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Gone already.
        }
      }
      await new Promise((r) => setTimeout(r, 2))
    }
  }
}
