/**
 * The parent's handle on one peer process: how to start it (from source, from the built
 * bundle, or inside Electron), typed calls over IPC, signals, and a cleanup that waits for
 * the process to be gone.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Namespace } from './netns'
import { waitExit } from './netns'
import type { CallReturn, PeerCall, PeerMessage, PeerRequest } from './peer-protocol'

const here = dirname(fileURLToPath(import.meta.url))

/** How to start a peer: the executable, its arguments, the working folder and extra env. */
export interface PeerCommand {
  exec: string
  args: string[]
  cwd: string
  env: Record<string, string>
}

/**
 * From source (this module is a .ts file: tests, tsx) the peer is `main/kernel/peer.ts` under
 * tsx; from the bundle it is `peer.js` beside the running bundle. In Electron `execPath` is
 * the Electron binary, which runs as plain Node with ELECTRON_RUN_AS_NODE.
 */
export function peerCommand(moduleUrl: string = import.meta.url): PeerCommand {
  const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}
  if (moduleUrl.endsWith('.ts')) {
    const root = resolve(here, '../..')
    return {
      exec: process.execPath,
      args: ['--import', 'tsx', join(here, 'peer.ts')],
      cwd: root,
      env,
    }
  }
  // The bundler may put this module in a shared chunk (out/main/chunks/) rather than beside
  // the entries; peer.js is an entry, so look here and one level up.
  const bundle = dirname(fileURLToPath(moduleUrl))
  const dir = [bundle, dirname(bundle)].find((d) => existsSync(join(d, 'peer.js'))) ?? bundle
  return { exec: process.execPath, args: [join(dir, 'peer.js')], cwd: dir, env }
}

/** A running peer. */
export class PeerProcess {
  private nextId = 1
  private readonly waiting = new Map<number, (r: CallReturn) => void>()
  private exitedResolve!: () => void
  /** Resolves when the process has exited (for any reason). */
  readonly exited = new Promise<void>((r) => (this.exitedResolve = r))
  private alive = true

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (m: PeerMessage) => {
      if (m.type !== 'reply') return
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

  /** Starts a peer (inside `ns` when given) and waits until it says it is ready. */
  static async start(name: string, ns: Namespace | null, timeoutMs = 15_000): Promise<PeerProcess> {
    const cmd = peerCommand()
    const options = {
      cwd: cmd.cwd,
      env: { ...process.env, ...cmd.env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[],
      execArgv: [],
    }
    const child = ns
      ? ns.spawn(cmd.exec, cmd.args, options)
      : fork(cmd.args[cmd.args.length - 1]!, [], {
          ...options,
          execPath: cmd.exec,
          execArgv: cmd.args.slice(0, -1),
        })
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

  /** Makes a call; resolves with its return, or `null` if the process died first. */
  call(req: PeerCall): Promise<CallReturn | null> {
    if (!this.alive || !this.child.connected) return Promise.resolve(null)
    const id = this.nextId++
    const message: PeerRequest = { id, req }
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      void this.exited.then(() => {
        if (this.waiting.delete(id)) resolve(null)
      })
      this.child.send(message, (error) => {
        if (error && this.waiting.delete(id)) resolve(null)
      })
    })
  }

  /** Sends a signal (SIGSTOP/SIGCONT/SIGKILL); false if the process is gone. */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.alive) return false
    try {
      return this.child.kill(sig)
    } catch {
      return false
    }
  }

  /** SIGKILL (after SIGCONT, in case it is stopped) and wait until it is gone. */
  async kill(): Promise<void> {
    if (this.alive) {
      this.signal('SIGKILL')
      this.signal('SIGCONT')
    }
    await waitExit(this.child, 2000)
    if (this.child.connected) this.child.disconnect()
  }
}
