// The kernel lab's pure pieces: nft rules for each net step, the nft trace parser, the socket
// table parser and the socket helper's answers.
import { describe, expect, it } from 'vitest'
import type { IcmpEvent, SegmentEvent } from '../../shared/lab-result'
import { baseRuleset, faultRules, healRules, silenceRules } from './nft'
import { parseAnswer } from './sockctl'
import { endpointStates, parseTcpTable } from './states'
import { PacketStream } from './packets'
import { parseFlags, placeOf, TraceParser, type TracedSegment } from './trace'

const hop = { serverPort: 7001 }

describe('nft rules', () => {
  it('has a trace rule per data offset and the chains the lab needs', () => {
    const base = baseRuleset()
    for (let d = 5; d <= 15; d++) expect(base).toContain(`tcp doff ${d} meta nftrace set 1`)
    for (const chain of ['trace', 'faults', 'gone', 'ack'])
      expect(base).toContain(`chain ${chain} {`)
  })

  it.each([
    ['SYN', 'tcp flags & (syn | ack) != syn return'],
    ['SYN-ACK', 'tcp flags & (syn | ack) != syn | ack return'],
    ['FIN', 'tcp flags & fin != fin return'],
    ['RST', 'tcp flags & rst != rst return'],
  ] as const)('drop %s lets everything else through before dropping', (match, filter) => {
    const rules = faultRules(3, { actor: 'net', op: 'drop', dir: 'c2s', match }, hop)
    expect(rules).toContain(`add rule ip lab s3 ${filter}`)
    expect(rules).toContain('add rule ip lab s3 drop')
    expect(rules).toContain('add rule ip lab faults tcp dport 7001 jump s3')
    expect(rules).not.toContain('tcp sport 7001')
  })

  it('counts with numgen, and a pure ACK or data is told by the IP length', () => {
    const ack = faultRules(
      1,
      { actor: 'net', op: 'drop', dir: 'both', match: 'ACK', count: 2 },
      hop,
    )
    expect(ack).toContain('numgen inc mod 1000000000 < 2 drop')
    expect(ack).toContain('tcp doff 8 ip length != 52 return')
    expect(ack).toContain('tcp dport 7001 jump s1')
    expect(ack).toContain('tcp sport 7001 jump s1')
    const data = faultRules(2, { actor: 'net', op: 'drop', dir: 's2c', match: 'data' }, hop)
    expect(data).toContain('tcp doff 5 ip length 40 return')
  })

  it('rejects with the ICMP type, cuts everything, heals by flushing faults only', () => {
    for (const icmp of [
      'host-unreachable',
      'net-unreachable',
      'port-unreachable',
      'admin-prohibited',
    ] as const) {
      expect(faultRules(0, { actor: 'net', op: 'reject', dir: 'c2s', icmp }, hop)).toContain(
        `reject with icmp type ${icmp}`,
      )
    }
    expect(faultRules(4, { actor: 'net', op: 'cut', dir: 'both' }, hop)).toContain(
      'add rule ip lab s4 drop',
    )
    expect(healRules()).toBe('flush chain ip lab faults\nflush chain ip lab rejects\n')
    expect(silenceRules(7001)).toContain('add rule ip lab gone tcp sport 7001 drop')
  })
})

describe('TraceParser', () => {
  const packet = (
    id: string,
    way: 'oif' | 'iif',
    sport: number,
    dport: number,
    flags: string,
    len = 60,
  ): string =>
    `trace id ${id} ip lab ${way === 'oif' ? 'trace' : 'trace_in'} packet: ${way} "lo" ip saddr 127.0.0.1 ip daddr 127.0.0.1 ip id 9 ip length ${len} tcp sport ${sport} tcp dport ${dport} tcp flags == ${flags} tcp window 65495 `
  const run = (lines: string[]): TracedSegment[] => {
    const out: TracedSegment[] = []
    const p = new TraceParser(
      { frontPort: 7001, serverPort: 7001 },
      (t) => out.push(t),
      (chain) =>
        chain === 's2'
          ? { fate: 'rejected', step: 2, icmp: 'host-unreachable' }
          : chain === 's1'
            ? { fate: 'dropped', step: 1 }
            : undefined,
    )
    lines.forEach((l, i) => p.line(l, i))
    p.flush()
    return out
  }

  it('decides on the way in (dropped by a step, or delivered), rejects on the way out', () => {
    const out = run([
      // a: a SYN on its way out (nothing to say), then in, dropped by step 1.
      packet('a', 'oif', 50000, 7001, 'syn'),
      'trace id a ip lab trace rule tcp doff 10 meta nftrace set 1 (verdict continue)',
      packet('a', 'oif', 50000, 7001, 'syn'),
      'trace id a ip lab rejects policy accept ',
      packet('b', 'iif', 50000, 7001, 'syn'),
      'trace id b ip lab trace_in rule tcp doff 10 meta nftrace set 1 (verdict continue)',
      'trace id b ip lab faults unknown rule handle 9 (verdict jump s1)',
      'trace id b ip lab s1 unknown rule handle 8 (verdict drop)',
      // c: data delivered.
      packet('c', 'iif', 7001, 50000, '0x18', 57),
      'trace id c ip lab trace_in rule tcp doff 8 meta nftrace set 1 (verdict continue)',
      packet('c', 'iif', 7001, 50000, '0x18', 57),
      'trace id c ip lab gone policy accept ',
      // d: rejected on its way out, with the ICMP sent back.
      packet('d', 'oif', 50001, 7001, 'syn'),
      'trace id d ip lab s2 unknown rule handle 7 (verdict drop)',
    ])
    expect(out.map((t) => t.event)).toEqual([
      expect.objectContaining({
        dir: 'c2s',
        flags: ['SYN'],
        len: 0,
        fate: 'dropped',
        ruleStep: 1,
        seqKnown: false,
      }),
      expect.objectContaining({
        dir: 's2c',
        flags: ['ACK', 'PSH'],
        len: 5,
        fate: 'delivered',
        win: 65495,
      }),
      expect.objectContaining({ dir: 'c2s', fate: 'rejected', ruleStep: 2 }),
    ])
    expect(out[0]?.key).toBe('9/50000/7001')
    expect(out[2]?.icmp).toEqual({ tMs: 12, type: 'icmp', dir: 's2c', icmp: 'host-unreachable' })
  })

  it('parses flag masks and names; places middlebox hops by port', () => {
    expect(parseFlags('0x14')).toEqual(['ACK', 'RST'])
    expect(parseFlags('fin | ack')).toEqual(['ACK', 'FIN'])
    expect(placeOf({ frontPort: 7001, serverPort: 7002 }, 40000, 7001)).toEqual({
      dir: 'c2s',
      hop: 'client-middlebox',
    })
    expect(placeOf({ frontPort: 7001, serverPort: 7002 }, 7002, 40001)).toEqual({
      dir: 's2c',
      hop: 'middlebox-server',
    })
  })
})

describe('PacketStream', () => {
  const traced = (key: string, fate: SegmentEvent['fate'], ruleStep?: number): TracedSegment => ({
    key,
    event: {
      tMs: 50,
      type: 'segment',
      dir: 'c2s',
      flags: [],
      seq: 0,
      ack: 0,
      len: 0,
      fate,
      seqKnown: false,
      ...(ruleStep !== undefined ? { ruleStep } : {}),
    },
  })

  it('numbers each side from its SYN, marks retransmissions, takes the fate from the trace in either order', () => {
    const out: (SegmentEvent | IcmpEvent)[] = []
    const s = new PacketStream(
      { frontPort: 7001, serverPort: 7001 },
      (e) => out.push(e),
      (ms) => ms - 1_000_000,
    )
    // time sport dport ipid seq ack flags win len
    s.packet('1000.001000 50000 7001 1 1000 0 2 65495 0', 5) // SYN, stamped at run 1 ms
    s.traced(traced('1/50000/7001', 'dropped', 0))
    s.traced(traced('2/50000/7001', 'delivered')) // the trace first, the capture after
    s.packet('1000.002000 50000 7001 2 1000 0 2 65495 0', 5) // the SYN again
    s.packet('1000.003000 7001 50000 0 9000 1001 18 65483 0', 5) // SYN-ACK
    s.traced(traced('0/7001/50000', 'delivered'))
    s.packet('1000.004000 50000 7001 3 1001 9001 24 64 100', 5) // 100 bytes
    s.flush() // never traced: delivered
    expect(out).toEqual([
      expect.objectContaining({ tMs: 1, flags: ['SYN'], seq: 0, fate: 'dropped', ruleStep: 0 }),
      expect.objectContaining({
        tMs: 2,
        flags: ['SYN'],
        seq: 0,
        retransmit: true,
        fate: 'delivered',
      }),
      expect.objectContaining({ dir: 's2c', flags: ['SYN', 'ACK'], seq: 0, ack: 1 }),
      expect.objectContaining({ flags: ['ACK', 'PSH'], seq: 1, ack: 1, len: 100, win: 64 }),
    ])
    expect(out.every((e) => e.type === 'segment' && e.seqKnown === undefined)).toBe(true)
  })

  it('keeps a rejected segment as the trace saw it, with its ICMP', () => {
    const out: (SegmentEvent | IcmpEvent)[] = []
    const s = new PacketStream({ frontPort: 7001, serverPort: 7001 }, (e) => out.push(e))
    const icmp: IcmpEvent = { tMs: 3, type: 'icmp', dir: 's2c', icmp: 'port-unreachable' }
    s.traced({ ...traced('5/50000/7001', 'rejected', 1), icmp })
    expect(out).toEqual([expect.objectContaining({ fate: 'rejected', seqKnown: false }), icmp])
  })
})

describe('socket table and helper answers', () => {
  it("reads the kernel's states, request sockets as SYN_RCVD, and picks each end's", () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue',
      '   0: 0100007F:1B59 00000000:0000 0A 00000000:00000000',
      '   1: 0100007F:1B59 0100007F:C350 0C 00000000:00000000',
      '   2: 0100007F:C350 0100007F:1B59 01 00000000:00000000',
    ].join('\n')
    const rows = parseTcpTable(table)
    expect(rows.map((r) => r.state)).toEqual(['LISTEN', 'SYN_RCVD', 'ESTABLISHED'])
    expect(endpointStates(rows, { frontPort: 7001, serverPort: 7001 })).toEqual({
      client: 'ESTABLISHED',
      server: 'SYN_RCVD',
    })
  })

  it('turns the helper answers into returns and errno names', () => {
    expect(parseAnswer('0')).toEqual({ ret: 0 })
    expect(parseAnswer('10')).toEqual({ ret: 10 })
    expect(parseAnswer('-1 32')).toEqual({ ret: -1, code: 'EPIPE' })
    expect(parseAnswer('-1 113')).toEqual({ ret: -1, code: 'EHOSTUNREACH' })
    expect(parseAnswer('x 1')).toEqual({ ret: -1, code: 'EPERM', unreachable: true })
    expect(parseAnswer('garbage')).toEqual({ ret: -1, code: 'EIO' })
  })
})
