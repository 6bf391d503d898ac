/**
 * The run's segment capture inside the namespace (tcpdump cannot run in an unprivileged one,
 * see kernel-notes.md): `nft monitor` says what became of each segment (trace.ts), and where
 * Perl is there a raw packet socket adds what was sent, with sequence numbers and the moment
 * it left (packets.ts).
 */
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { LabScript } from '../../shared/lab-script'
import type { IcmpEvent, SegmentEvent } from '../../shared/lab-result'
import type { Namespace } from './netns'
import { waitExit } from './netns'
import type { NftShell } from './nft-shell'
import { PACKET_CAPTURE, PacketStream } from './packets'
import { TraceParser, type ChainRule, type TracePorts } from './trace'

/** What each lab chain does, from the script (nft.ts names a step's chain `s<index>`). */
export function chainRules(script: LabScript): (chain: string) => ChainRule | undefined {
  return (chain) => {
    if (chain === 'gone') return { fate: 'dropped' }
    const m = /^s(\d+)$/.exec(chain)
    if (!m) return undefined
    const index = Number(m[1])
    const step = script.steps[index]
    if (!step) return undefined
    return step.op === 'reject'
      ? { fate: 'rejected', step: index, icmp: step.icmp }
      : { fate: 'dropped', step: index }
  }
}

/** Starts a process in the namespace that its shell ends when our end of stdin closes. */
function spawnTied(ns: Namespace, command: string, arg?: string): ChildProcess {
  const child = ns.spawn('sh', ['-c', `${command} & m=$!; read -r _; kill $m`, 'sh', arg ?? ''], {
    stdio: ['pipe', 'pipe', 'ignore'],
  })
  child.stdin?.on('error', () => undefined)
  return child
}

/** Resolves when `ready()` is true, checking every 2 ms, or after `ms`. */
async function until(ready: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms
  while (!ready() && performance.now() < end) await new Promise((r) => setTimeout(r, 2))
}

/** A running capture. */
export class Capture {
  private ended = false
  /** When either stream last printed (on `now`'s clock). */
  private lastLineMs = 0
  private readonly children: ChildProcess[] = []

  private constructor(
    private readonly parser: TraceParser,
    private readonly packets: PacketStream | null,
    private readonly now: () => number,
  ) {}

  /**
   * Starts `nft monitor` (rule events and traces) and, with `packets`, the packet capture,
   * and waits until both listen: the packet capture says so; for the monitor a marker chain
   * added through the nft shell must show up in its output (retried under a new name while
   * it does not). So the capture holds the first segment. Bounded: after 3 s it goes on.
   */
  static async start(
    ns: Namespace,
    nft: NftShell,
    ports: TracePorts,
    script: LabScript,
    emit: (event: SegmentEvent | IcmpEvent) => void,
    now: () => number,
    packets: boolean,
  ): Promise<Capture> {
    // The run clock of the real-time clock the kernel stamps packets with (asked each time:
    // the run clock starts only after the capture).
    const realNow = (): number => performance.timeOrigin + performance.now()
    const stream = packets ? new PacketStream(ports, emit, (ms) => ms - (realNow() - now())) : null
    const parser = new TraceParser(
      ports,
      stream
        ? (t) => stream.traced(t)
        : (t) => {
            emit(t.event)
            if (t.icmp) emit(t.icmp)
          },
      chainRules(script),
    )
    const capture = new Capture(parser, stream, now)
    const monitor = spawnTied(ns, 'nft monitor')
    capture.children.push(monitor)
    let marker = -1
    if (monitor.stdout) {
      createInterface({ input: monitor.stdout }).on('line', (line) => {
        const m = /^add chain ip lab ready(\d+)/.exec(line)
        if (m) marker = Number(m[1])
        capture.lastLineMs = now()
        if (!capture.ended) parser.line(line, now())
      })
    }
    let listening = !stream
    if (stream) {
      const raw = spawnTied(ns, 'perl -e "$1"', PACKET_CAPTURE)
      capture.children.push(raw)
      if (raw.stdout) {
        createInterface({ input: raw.stdout }).on('line', (line) => {
          if (line === 'ready') listening = true
          else if (!capture.ended) {
            capture.lastLineMs = now()
            stream.packet(line, now())
          }
        })
      }
    }
    const deadline = performance.now() + 3000
    for (let k = 0; marker < 0 && performance.now() < deadline; k++) {
      await nft.apply(`add chain ip lab ready${k}`)
      await until(() => marker >= 0, 50)
    }
    await until(() => listening, Math.max(0, deadline - performance.now()))
    return capture
  }

  /**
   * The monitor prints a few milliseconds after the segment: let both streams finish what
   * the run sent (quiet for 30 ms, at most 300 ms), then take nothing more.
   */
  async drain(): Promise<void> {
    const start = this.now()
    await until(() => this.now() - start >= 25 && this.now() - this.lastLineMs >= 30, 300)
    this.ended = true
    this.parser.flush()
    this.packets?.flush()
  }

  /**
   * Stops both streams and waits for them: EOF makes each shell kill its process, so the pipe
   * that process holds closes too (SIGKILL to the shell would leave it to the namespace sweep).
   */
  async stop(): Promise<void> {
    this.ended = true
    for (const c of this.children) c.stdin?.end()
    await Promise.all(this.children.map((c) => waitExit(c, 500)))
  }
}
