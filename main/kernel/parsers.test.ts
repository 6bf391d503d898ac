// The kernel lab's pure pieces: nft rules for each net step, the nft trace parser, the socket
// table parser and the socket helper's answers.
import { describe, expect, it } from 'vitest'
import type { IcmpEvent, SegmentEvent } from '../../shared/lab-result'
import { baseRuleset, faultRules, healRules, silenceRules } from './nft'
import { parseAnswer } from './sockctl'
import { endpointStates, parseTcpTable } from './states'
import { parseFlags, placeOf, TraceParser } from './trace'

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
    expect(healRules()).toBe('flush chain ip lab faults\n')
    expect(silenceRules(7001)).toContain('add rule ip lab gone tcp sport 7001 drop')
  })
})

describe('TraceParser', () => {
  const packet = (id: string, sport: number, dport: number, flags: string, len = 60): string =>
    `trace id ${id} ip lab trace packet: oif "lo" ip saddr 127.0.0.1 ip daddr 127.0.0.1 ip id 1 ip length ${len} tcp sport ${sport} tcp dport ${dport} tcp flags == ${flags} tcp window 65495 `
  const run = (lines: string[], delivered = true) => {
    const out: (SegmentEvent | IcmpEvent)[] = []
    const p = new TraceParser(
      { frontPort: 7001, serverPort: 7001 },
      (e) => out.push(e),
      (chain) =>
        chain === 's2'
          ? { fate: 'rejected', step: 2, icmp: 'host-unreachable' }
          : chain === 's1'
            ? { fate: 'dropped', step: 1 }
            : undefined,
      delivered,
    )
    lines.forEach((l, i) => p.line(l, i))
    p.flush()
    return out
  }

  it('reads flags, payload length, window and direction; a lab chain decides the fate', () => {
    const out = run([
      packet('a', 50000, 7001, 'syn'),
      'trace id a ip lab trace rule tcp doff 10 meta nftrace set 1 (verdict continue)',
      'trace id a ip lab faults unknown rule handle 9 (verdict jump s1)',
      'trace id a ip lab s1 unknown rule handle 8 (verdict drop)',
      packet('b', 7001, 50000, '0x18', 57),
      'trace id b ip lab trace rule tcp doff 8 meta nftrace set 1 (verdict continue)',
      'trace id b ip lab gone policy accept ',
      packet('c', 50000, 7001, 'syn'),
      'trace id c ip lab s2 unknown rule handle 7 (verdict drop)',
    ])
    expect(out).toEqual([
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
      { tMs: 7, type: 'icmp', dir: 's2c', icmp: 'host-unreachable' },
    ])
  })

  it('leaves delivered segments to a packet capture when asked', () => {
    const out = run(
      [packet('b', 7001, 50000, 'ack'), 'trace id b ip lab gone policy accept '],
      false,
    )
    expect(out).toEqual([])
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
