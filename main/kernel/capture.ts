/**
 * The run's segment capture inside the namespace (tcpdump cannot run in an unprivileged one,
 * see docs/kernel-rules.md): the hub's packet socket says what was sent, with sequence
 * numbers and the moment it left (packets.ts), and where the script has net faults
 * `nft monitor` says what became of each segment (trace.ts). Without net faults nothing in
 * the namespace stops a segment, so no trace runs and every segment is delivered.
 */
import { createInterface } from 'node:readline'
import type { Duplex, Readable } from 'node:stream'
import type { LabScript } from '../../shared/lab-script'
import type { IcmpEvent, NoteEvent, SegmentEvent } from '../../shared/lab-result'
import type { NftShell } from './nft-shell'
import { PacketStream } from './packets'
import { TraceParser, type ChainRule, type TracedSegment, type TracePorts } from './trace'

/** What each lab chain does, from the script (nft.ts names a step's chain `s<index>`). */
export function chainRules(script: LabScript): (chain: string) => ChainRule | undefined {
  return (chain) => {
    if (chain === 'gone') return { fate: 'dropped' }
    if (chain === 'firewall')
      return { fate: script.firewall?.forget === 'reset' ? 'rejected' : 'dropped', firewall: true }
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

/** Resolves when `ready()` is true, checking every millisecond, or after `ms`. */
async function until(ready: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms
  while (!ready() && performance.now() < end) await new Promise((r) => setTimeout(r, 1))
}

/** Where the capture reads from. */
export interface CaptureSources {
  /** The packet socket's channel (the hub's `capture` role): its lines, and `sync` to it. */
  packets: Duplex
  /** `nft monitor`'s output and the nft shell, when the script has net faults. */
  trace: { monitor: Readable; nft: NftShell } | null
}

/** A running capture. */
export class Capture {
  private ended = false
  /** When either stream last printed (on `now`'s clock). */
  private lastLineMs = 0
  /** The last `synced <n>` the packet socket answered, and the last marker the monitor showed. */
  private packetsSynced = -1
  private traceMarker = -1
  private packetsGone = false
  private nextSync = 0

  private constructor(
    private readonly parser: TraceParser | null,
    private readonly packets: PacketStream,
    private readonly now: () => number,
    private readonly sources: CaptureSources,
  ) {}

  /**
   * Starts reading and waits until both sources listen: the packet socket says `ready`; for
   * the monitor a marker chain added through the nft shell must show up in its output
   * (retried under a new name while it does not). So the capture holds the first segment.
   * Bounded: after 3 s it goes on.
   */
  static async start(
    sources: CaptureSources,
    ports: TracePorts,
    script: LabScript,
    emit: (event: SegmentEvent | IcmpEvent | NoteEvent) => void,
    now: () => number,
  ): Promise<Capture> {
    // The run clock of the real-time clock the kernel stamps packets with (asked each time:
    // the run clock starts only after the capture).
    const realNow = (): number => performance.timeOrigin + performance.now()
    const stream = new PacketStream(
      ports,
      emit,
      (ms) => ms - (realNow() - now()),
      sources.trace !== null,
    )
    // The first segment the firewall stops of each connection gets the simulator's note.
    const noted = new Set<string>()
    const traced = (t: TracedSegment): void => {
      stream.traced(t)
      const fw = script.firewall
      if (!fw || t.firewall === undefined || noted.has(t.firewall)) return
      noted.add(t.firewall)
      const key = fw.forget === 'reset' ? 'firewall-forgot-reset' : 'firewall-forgot-drop'
      emit({ tMs: t.event.tMs, type: 'note', key, params: { s: fw.idleS } })
    }
    const parser = sources.trace ? new TraceParser(ports, traced, chainRules(script)) : null
    const capture = new Capture(parser, stream, now, sources)
    let listening = false
    // A capture that could not open its packet socket is gone: do not wait for it.
    sources.packets.once('close', () => {
      listening = true
      capture.packetsGone = true
    })
    createInterface({ input: sources.packets as Readable }).on('line', (line) => {
      const synced = /^synced (\d+)$/.exec(line)
      if (synced) capture.packetsSynced = Number(synced[1])
      else if (line.startsWith('ready ')) listening = true
      else if (!capture.ended) {
        capture.lastLineMs = now()
        stream.packet(line, now())
      }
    })
    const deadline = performance.now() + 3000
    if (sources.trace && parser) {
      const { monitor, nft } = sources.trace
      let marker = -1
      createInterface({ input: monitor }).on('line', (line) => {
        const m = /^add chain ip lab (ready|sync)(\d+)/.exec(line)
        if (m?.[1] === 'ready') marker = Number(m[2])
        if (m?.[1] === 'sync') capture.traceMarker = Number(m[2])
        capture.lastLineMs = now()
        if (!capture.ended) parser.line(line, now())
      })
      for (let k = 0; marker < 0 && performance.now() < deadline; k++) {
        await nft.apply(`add chain ip lab ready${k}`)
        await until(() => marker >= 0, 10)
      }
    }
    await until(() => listening, Math.max(0, deadline - performance.now()))
    return capture
  }

  /**
   * Lets the streams finish what the run sent, then takes nothing more. First a barrier on
   * each: the packet socket is asked to print what it has queued and say `synced`; a marker
   * chain added through the nft shell must come out of the monitor, after every trace event
   * queued before it (one netlink socket, in order). On a busy machine either can be a second
   * behind the run; without the barrier the end of a run was lost (the ops test's second SYN).
   * At most 3 s. Then both quiet for 2 ms and, with a trace, every segment the packet socket
   * saw leave told its fate (a segment's way in can trail the marker); at most 300 ms more.
   */
  async drain(): Promise<void> {
    const n = this.nextSync++
    const deadline = performance.now() + 3000
    const barriers: Promise<unknown>[] = []
    if (!this.packetsGone && this.sources.packets.writable) {
      this.sources.packets.write(`sync ${n}\n`)
      barriers.push(until(() => this.packetsSynced >= n || this.packetsGone, 3000))
    }
    const trace = this.sources.trace
    if (trace && this.parser) {
      barriers.push(
        trace.nft
          .apply(`add chain ip lab sync${n}`)
          .then((r) =>
            r.ok
              ? until(() => this.traceMarker >= n, Math.max(0, deadline - performance.now()))
              : undefined,
          ),
      )
    }
    await Promise.all(barriers)
    await until(
      () =>
        this.now() - this.lastLineMs >= 2 &&
        (this.parser === null || this.packets.awaitingFate === 0),
      300,
    )
    this.ended = true
    this.parser?.flush()
    this.packets.flush()
  }
}
