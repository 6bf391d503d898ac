import { describe, expect, it } from 'vitest'
import type { IcmpEvent, LabResult, SegmentEvent, StepResult, TraceEvent } from '../lab-result'
import { parseLabScript, type LabScript, type LabScriptInput } from '../lab-script'
import {
  captureFrames,
  clientEndpoint,
  initialSequence,
  PCAP_EPOCH_MS,
  runToPcapng,
} from './capture'

function script(input: Omit<LabScriptInput, 'labScript'>): LabScript {
  const parsed = parseLabScript({ labScript: 2, ...input })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.script
}

function result(steps: StepResult[], events: TraceEvent[]): LabResult {
  return {
    labScript: 2,
    backend: 'sim',
    profile: 'linux',
    timers: {
      synRetries: 2,
      synackRetries: 2,
      retries2: 3,
      keepalive: { idleS: 1, intervalS: 1, count: 1 },
    },
    timersShortened: true,
    durationMs: 5000,
    steps,
    events,
    final: { client: 'CLOSED', server: 'CLOSED' },
  }
}

function step(
  index: number,
  actor: StepResult['actor'],
  op: StepResult['op'],
  startMs: number,
  endMs = startMs,
): StepResult {
  return { index, actor, op, startMs, endMs, outcome: 'returned', ret: 0 }
}

function seg(
  tMs: number,
  dir: 'c2s' | 's2c',
  flags: SegmentEvent['flags'],
  more: Partial<SegmentEvent> = {},
): SegmentEvent {
  return {
    tMs,
    type: 'segment',
    dir,
    flags,
    seq: 0,
    ack: 0,
    len: 0,
    fate: 'delivered',
    win: 1000,
    ...more,
  }
}

/** The IPv4 and TCP fields of a frame. */
function fields(frame: Uint8Array) {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  return {
    src: [...frame.subarray(26, 30)].join('.'),
    dst: [...frame.subarray(30, 34)].join('.'),
    protocol: frame[23],
    sport: v.getUint16(34),
    dport: v.getUint16(36),
    seq: v.getUint32(38),
    ack: v.getUint32(42),
    window: v.getUint16(48),
    options: [...frame.subarray(54, 34 + (v.getUint16(46) >> 12) * 4)],
  }
}

const handshake = (t: number, extra: Partial<SegmentEvent> = {}): SegmentEvent[] => [
  seg(t, 'c2s', ['SYN'], extra),
  seg(t + 0.05, 's2c', ['SYN', 'ACK'], { ack: 1, ...extra }),
  seg(t + 0.1, 'c2s', ['ACK'], { seq: 1, ack: 1, ...extra }),
]

describe('captureFrames', () => {
  it('gives each fresh SYN its own connection, a retransmitted SYN the same one', () => {
    const s = script({
      steps: [
        { actor: 'server', op: 'listen', port: 7005 },
        { actor: 'client', op: 'connect', port: 7005 },
        { actor: 'client', op: 'connect', port: 7005 },
      ],
    })
    const frames = captureFrames(
      result(
        [
          step(0, 'server', 'listen', 0),
          step(1, 'client', 'connect', 10, 1010),
          step(2, 'client', 'connect', 2000, 2000.1),
        ],
        [
          seg(10, 'c2s', ['SYN'], { fate: 'dropped', ruleStep: 9 }),
          ...handshake(1010).map((e, i) => (i === 0 ? { ...e, retransmit: true } : e)),
          ...handshake(2000),
        ],
      ),
      { script: s },
    ).map((f) => fields(f.data))
    expect(frames.map((f) => f.sport)).toEqual([40000, 40000, 7005, 40000, 40001, 7005, 40001])
    expect(frames[0]!.seq).toBe(initialSequence('c2s', 0))
    expect(frames[3]!.ack).toBe(initialSequence('s2c', 0) + 1)
    expect(frames[4]!.seq).toBe(initialSequence('c2s', 1))
    expect(frames[5]!.seq).toBe(initialSequence('s2c', 1))
    expect(frames[5]!.ack).toBe(initialSequence('c2s', 1) + 1)
  })

  it('names the step behind each frame and what became of it', () => {
    const s = script({
      steps: [
        { actor: 'server', op: 'listen', port: 7000 },
        { actor: 'net', op: 'drop', match: 'SYN', dir: 'c2s', count: 1 },
        { actor: 'client', op: 'connect', port: 7000 },
      ],
    })
    const comments = captureFrames(
      result(
        [
          step(0, 'server', 'listen', 0),
          step(1, 'net', 'drop', 0),
          step(2, 'client', 'connect', 10, 1010.1),
        ],
        [
          seg(10, 'c2s', ['SYN'], { fate: 'dropped', ruleStep: 1 }),
          ...handshake(1010).map((e, i) => (i === 0 ? { ...e, retransmit: true } : e)),
        ],
      ),
      { script: s },
    ).map((f) => f.comment)
    expect(comments).toEqual([
      'sent by step 2 (client connect(7000)); dropped by step 1 (drop SYN c2s x1): it never arrived',
      "retransmission by the client's TCP (timer), first sent by step 2 (client connect(7000))",
      "sent by the server's TCP on its own, after step 2 (client connect(7000))",
      'sent by step 2 (client connect(7000))',
    ])
  })

  it('answers a rejected segment with an ICMP error quoting it', () => {
    const s = script({
      steps: [
        { actor: 'net', op: 'reject', icmp: 'port-unreachable', dir: 'c2s' },
        { actor: 'client', op: 'connect', port: 7000 },
      ],
    })
    const icmp: IcmpEvent = { tMs: 10.1, type: 'icmp', dir: 's2c', icmp: 'port-unreachable' }
    const frames = captureFrames(
      result(
        [step(0, 'net', 'reject', 0), step(1, 'client', 'connect', 10, 10.2)],
        [seg(10, 'c2s', ['SYN'], { fate: 'rejected', ruleStep: 0 }), icmp],
      ),
      { script: s },
    )
    expect(frames.map((f) => f.kind)).toEqual(['tcp', 'icmp'])
    const error = frames[1]!.data
    expect(fields(error).protocol).toBe(1)
    // A port unreachable comes from the destination host, to the SYN's sender.
    expect(fields(error).src).toBe('198.51.100.20')
    expect(fields(error).dst).toBe('192.0.2.10')
    expect([error[34], error[35]]).toEqual([3, 3])
    expect([...error.subarray(42)]).toEqual([...frames[0]!.data.subarray(14, 42)])
    expect(frames[0]!.comment).toContain('rejected by step 0 (reject port-unreachable c2s)')
    expect(frames[1]!.comment).toBe(
      'ICMP port-unreachable about frame 1, caused by step 0 (reject port-unreachable c2s)',
    )
  })

  it('reconstructs sequence numbers the capture did not see, and says so', () => {
    const unknown = { seqKnown: false as const }
    const frames = captureFrames(
      result(
        [step(0, 'client', 'connect', 0, 1), step(1, 'client', 'send', 5, 5)],
        [
          ...handshake(0, unknown),
          seg(5, 'c2s', ['ACK', 'PSH'], { ...unknown, len: 100 }),
          seg(5.1, 's2c', ['ACK'], { ...unknown }),
        ],
      ),
    )
    const f = frames.map((x) => fields(x.data))
    const c = initialSequence('c2s', 0)
    const sv = initialSequence('s2c', 0)
    expect(f.map((x) => [x.seq - (x.sport === 40000 ? c : sv), x.ack])).toEqual([
      [0, 0],
      [0, c + 1],
      [1, sv + 1],
      [1, sv + 1],
      [1, c + 101],
    ])
    expect(frames[3]!.comment).toContain('seq/ack reconstructed')
  })

  it('puts the middlebox hops on their own addresses', () => {
    const frames = captureFrames(
      result(
        [step(0, 'client', 'connect', 0, 1)],
        [
          ...handshake(0, { hop: 'client-middlebox' }),
          ...handshake(1, { hop: 'middlebox-server' }),
        ],
      ),
      { port: 7013 },
    ).map((x) => fields(x.data))
    expect(frames.map((f) => `${f.src}:${f.sport}>${f.dst}:${f.dport}`)).toEqual([
      '192.0.2.10:40000>192.0.2.1:7013',
      '192.0.2.1:7013>192.0.2.10:40000',
      '192.0.2.10:40000>192.0.2.1:7013',
      '198.51.100.1:50000>198.51.100.20:7013',
      '198.51.100.20:7013>198.51.100.1:50000',
      '198.51.100.1:50000>198.51.100.20:7013',
    ])
  })

  it("takes each client's port from one function of the event", () => {
    const second = { client: 'client2' } as Partial<SegmentEvent>
    const frames = captureFrames(result([], [...handshake(0), ...handshake(1, second)]))
    expect(frames.map((f) => fields(f.data).sport)).toEqual([
      40000, 7000, 40000, 41000, 7000, 41000,
    ])
    expect(clientEndpoint('client3', 2, undefined).port).toBe(42002)
  })

  it('scales windows above 65,535 with a window-scale option on both SYNs', () => {
    const big = { win: 131072 }
    const frames = captureFrames(result([], handshake(0, big))).map((f) => fields(f.data))
    // MSS 65495, then NOP + window scale 2.
    expect(frames[0]!.options).toEqual([2, 4, 0xff, 0xd7, 1, 3, 3, 2])
    expect(frames[0]!.window).toBe(65535)
    expect(frames[2]!.window).toBe(131072 / 4)
  })

  it('writes the comments in Chinese on request', () => {
    const frames = captureFrames(result([step(0, 'client', 'connect', 0, 1)], handshake(0)), {
      lang: 'zh',
    })
    expect(frames[0]!.comment).toBe('由第 0 步（client connect()）发出')
  })
})

describe('runToPcapng', () => {
  it('stamps frames from the documented epoch, never backwards', () => {
    const file = runToPcapng(
      result([], [seg(2.5, 'c2s', ['SYN']), seg(2.4, 's2c', ['RST', 'ACK'])]),
    )
    const v = new DataView(file.buffer)
    // Skip the section header and interface blocks to the first packet block.
    let at = v.getUint32(4, true)
    at += v.getUint32(at + 4, true)
    const stamps: number[] = []
    while (at < file.length) {
      stamps.push(v.getUint32(at + 12, true) * 2 ** 32 + v.getUint32(at + 16, true))
      at += v.getUint32(at + 4, true)
    }
    expect(stamps).toEqual([(PCAP_EPOCH_MS + 2.5) * 1000, (PCAP_EPOCH_MS + 2.5) * 1000])
  })
})
