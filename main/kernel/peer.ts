/**
 * The parent's handle on one program of a run (the client, the server, or the middlebox
 * relay): the line protocol of perl-peer.ts over the role's channel, signals to its process,
 * and when it is gone (its channel closes when it dies: only it holds the other end).
 */
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Duplex } from 'node:stream'

/** What one call returned in the program, straight from the kernel. */
export interface PeerReply {
  /** The call's return value: bytes, a descriptor, 0 or -1. */
  ret: number
  /** errno (Linux number) when `ret` is -1, else 0. */
  errno: number
  /** The kernel raised SIGPIPE during the call (the program's handler caught it). */
  sigpipe: boolean
  /** When the call returned, in ms of CLOCK_MONOTONIC (the parent's `process.hrtime`). */
  doneAt: number
  /** connect: the socket's local port; accept: the peer's port; else -1 (0: none bound). */
  extra: number
  /** The descriptor the call used. */
  fd: number
  /** accept: the last byte of the peer's address (127.0.0.N: client N; 1: `client`), else 0. */
  peer: number
}

/** Parses a reply line (`= ret errno sigpipe t extra fd [peer]`); null for anything else. */
export function parseReply(line: string): PeerReply | null {
  const f = line.trim().split(' ')
  if (f[0] !== '=' || (f.length !== 7 && f.length !== 8)) return null
  const [ret, errno, sig, t, extra, fd, peer = 0] = f.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number?,
  ]
  if ([ret, errno, sig, t, extra, fd, peer].some((n) => !Number.isFinite(n))) return null
  return { ret, errno, sigpipe: sig === 1, doneAt: t, extra, fd, peer }
}

interface Waiting {
  resolve(reply: PeerReply | null): void
  onIssued?: () => void
}

/** A running program of the run. */
export class Peer {
  private readonly queue: Waiting[] = []
  private exitedResolve!: () => void
  /** Resolves when the process is gone (its channel closed). */
  readonly exited = new Promise<void>((r) => (this.exitedResolve = r))
  private alive = true

  private constructor(
    readonly name: string,
    private readonly channel: Duplex,
    /** The process id (in our pid namespace: the run shares it). */
    readonly pid: number,
    rl: ReturnType<typeof createInterface>,
  ) {
    rl.on('line', (line) => this.line(line))
    const gone = (): void => {
      if (!this.alive) return
      this.alive = false
      for (const w of this.queue.splice(0)) w.resolve(null)
      this.exitedResolve()
    }
    channel.once('close', gone)
    channel.once('end', gone)
  }

  /** Waits for the program's `ready <pid>` on its channel (bounded). */
  static start(name: string, channel: Duplex, timeoutMs = 10_000): Promise<Peer> {
    const rl = createInterface({ input: channel })
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`did not start in ${timeoutMs} ms`), timeoutMs)
      const onLine = (line: string): void => {
        const m = /^ready (\d+)$/.exec(line)
        if (!m) return fail(`said "${line}" before it was ready`)
        done()
        resolve(new Peer(name, channel, Number(m[1]), rl))
      }
      const onClose = (): void => fail('exited before it was ready')
      const done = (): void => {
        clearTimeout(timer)
        rl.off('line', onLine)
        channel.off('close', onClose)
      }
      const fail = (why: string): void => {
        done()
        reject(new Error(`the ${name} program ${why}`))
      }
      rl.on('line', onLine)
      channel.once('close', onClose)
    })
  }

  private line(text: string): void {
    const head = this.queue[0]
    if (!head) return
    if (text.startsWith('issued ')) {
      head.onIssued?.()
      return
    }
    this.queue.shift()
    head.resolve(parseReply(text))
  }

  /** False once the process is gone. */
  get isAlive(): boolean {
    return this.alive
  }

  /**
   * Sends one command line; resolves with the reply, or null if the process died first.
   * `onIssued` runs when a call that may block is about to enter the kernel (or with the
   * reply, if it never said).
   */
  call(command: string, onIssued?: () => void): Promise<PeerReply | null> {
    let said = false
    const issued = (): void => {
      if (said) return
      said = true
      onIssued?.()
    }
    if (!this.alive || !this.channel.writable) {
      issued()
      return Promise.resolve(null)
    }
    return new Promise<PeerReply | null>((resolve) => {
      this.queue.push({ resolve, onIssued: issued })
      this.channel.write(`${command}\n`)
    }).finally(issued)
  }

  /** Sends a signal to the process; false if it is gone. */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.alive) return false
    try {
      process.kill(this.pid, sig)
      return true
    } catch {
      return false
    }
  }

  /**
   * Resolves when the process shows state `T` (stopped) in /proc, so a freeze has taken
   * effect before the run goes on (bounded: `timeoutMs`).
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

  /**
   * Resolves once the process has finished exiting (bounded): its channel has closed and it
   * is gone from /proc (its parent, the hub, lets the kernel reap it) or a zombie. Only then
   * has its kernel closed every socket: the channel is its lowest descriptor and closes first.
   */
  async gone(graceMs = 2000): Promise<void> {
    const until = performance.now() + graceMs
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, graceMs))])
    while (performance.now() < until) {
      try {
        const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8')
        if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) return
      } catch {
        return
      }
      await new Promise((r) => setTimeout(r, 1))
    }
  }

  /** SIGKILL, and wait (bounded) until it is gone: its kernel has closed its sockets then. */
  async kill(graceMs = 2000): Promise<void> {
    this.signal('SIGKILL')
    await this.gone(graceMs)
  }
}
