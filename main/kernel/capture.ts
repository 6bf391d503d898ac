/**
 * The run's segment capture: `nft monitor` inside the namespace (tcpdump cannot run in an
 * unprivileged namespace, see kernel-notes.md), its trace lines turned into segment and ICMP
 * events by trace.ts.
 */
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { LabScript } from '../../shared/lab-script'
import type { IcmpEvent, SegmentEvent } from '../../shared/lab-result'
import type { Namespace } from './netns'
import { waitExit } from './netns'
import type { NftShell } from './nft-shell'
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

/** A running capture. */
export class Capture {
  private ended = false
  /** When the monitor last printed (on `now`'s clock). */
  private lastLineMs = 0

  private constructor(
    private readonly monitor: ChildProcess,
    private readonly parser: TraceParser,
    private readonly now: () => number,
  ) {}

  /**
   * Starts `nft monitor` (rule events and traces) and waits until it is subscribed: a marker
   * chain added through the nft shell shows up in its output (retried under a new name while
   * it does not), so the capture holds the first segment. Bounded: after 3 s it goes on.
   */
  static async start(
    ns: Namespace,
    nft: NftShell,
    ports: TracePorts,
    script: LabScript,
    emit: (event: SegmentEvent | IcmpEvent) => void,
    now: () => number,
  ): Promise<Capture> {
    // The shell ends the monitor when its stdin closes, so a parent that dies takes it along.
    const monitor = ns.spawn('sh', ['-c', 'nft monitor & m=$!; read -r _; kill $m'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    })
    monitor.stdin?.on('error', () => undefined)
    const capture = new Capture(monitor, new TraceParser(ports, emit, chainRules(script)), now)
    let seen = -1
    if (monitor.stdout) {
      createInterface({ input: monitor.stdout }).on('line', (line) => {
        const marker = /^add chain ip lab ready(\d+)/.exec(line)
        if (marker) seen = Number(marker[1])
        capture.lastLineMs = now()
        if (!capture.ended) capture.parser.line(line, now())
      })
    }
    const until = performance.now() + 3000
    for (let k = 0; seen < 0 && performance.now() < until; k++) {
      await nft.apply(`add chain ip lab ready${k}`)
      const wait = performance.now() + 50
      while (seen < 0 && performance.now() < wait) await new Promise((r) => setTimeout(r, 2))
    }
    return capture
  }

  /**
   * The monitor prints a few milliseconds after the segment: let it finish printing what the
   * run sent (quiet for 30 ms, at most 300 ms), then take nothing more.
   */
  async drain(): Promise<void> {
    const start = this.now()
    const until = start + 300
    while (this.now() < until && (this.now() - start < 25 || this.now() - this.lastLineMs < 30)) {
      await new Promise((r) => setTimeout(r, 10))
    }
    this.ended = true
    this.parser.flush()
  }

  /** Stops the monitor and waits for it. */
  async stop(): Promise<void> {
    this.ended = true
    this.monitor.kill('SIGKILL')
    await waitExit(this.monitor, 1000)
  }
}
