// The kernel lab's pure pieces: nft rules for each net step, the nft trace parser, the packet
// stream, the socket table (which socket is whose, and `final`) and the programs' replies.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import type { IcmpEvent, SegmentEvent } from '../../shared/lab-result'
import { baseRuleset, faultRules, firewallSysctls, healRules, silenceRules } from './nft'
import { PacketStream } from './packets'
import { parseReply } from './peer'
import { hubArgs, hubProgram } from './perl-hub'
import { parseTcpTable, sameTable, SocketBook, ssLines } from './states'
import { parseFlags, placeOf, TraceParser, type TracedSegment } from './trace'

const hop = { serverPort: 7001 }

describe('nft rules', () => {
  it('has a trace rule per data offset and the chains the lab needs', () => {
    const base = baseRuleset()
    for (let d = 5; d <= 15; d++)
      expect(base).toContain(`add rule ip lab trace_in tcp doff ${d} meta nftrace set 1`)
    for (const chain of ['trace', 'trace_in', 'faults', 'gone', 'ack'])
      expect(base).toContain(`add chain ip lab ${chain} {`)
    // One command a line, no block spanning lines: the nft shell sends it as one line.
    expect(base.split('\n').every((l) => l.startsWith('add '))).toBe(true)
  })

  it('adds the firewall chain only for a script with a firewall, before the faults', () => {
    expect(baseRuleset()).not.toContain('firewall')
    const drop = baseRuleset({ idleS: 2, forget: 'drop' })
    expect(drop).toContain(
      'add chain ip lab firewall { type filter hook input priority -1; policy accept; }',
    )
    expect(drop).toContain('add rule ip lab firewall tcp flags & rst == 0 ct state invalid drop')
    const reset = baseRuleset({ idleS: 2, forget: 'reset' })
    expect(reset).toContain('ct state invalid reject with tcp reset')
    expect(reset.split('\n').every((l) => l.startsWith('add '))).toBe(true)
    const sysctls = firewallSysctls({ idleS: 7, forget: 'drop' })
    expect(sysctls).toMatchObject({
      nf_conntrack_tcp_loose: 0,
      nf_conntrack_tcp_be_liberal: 1,
      nf_conntrack_tcp_timeout_established: 7,
      nf_conntrack_tcp_timeout_close: 7,
    })
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
      const rules = faultRules(0, { actor: 'net', op: 'reject', dir: 'c2s', icmp }, hop)
      expect(rules).toContain(`reject with icmp type ${icmp}`)
      // In the one chain of faults, in step order: the first rule that matches decides.
      expect(rules).toContain('add rule ip lab faults tcp dport 7001 jump s0')
    }
    expect(faultRules(4, { actor: 'net', op: 'cut', dir: 'both' }, hop)).toContain(
      'add rule ip lab s4 drop',
    )
    expect(healRules()).toBe('flush chain ip lab faults\n')
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
      'trace id a ip lab trace policy accept ',
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

    // Several clients: the client end's address names the client (127.0.0.N: clientN).
    const direct = { frontPort: 7001, serverPort: 7001 }
    expect(placeOf(direct, 40000, 7001, 3, 1)).toEqual({ dir: 'c2s', client: 'client3' })
    expect(placeOf(direct, 7001, 40000, 1, 2)).toEqual({ dir: 's2c', client: 'client2' })
    expect(placeOf(direct, 40000, 7001, 1, 1)).toEqual({ dir: 'c2s' })
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

  it('merges a rejected segment with its capture, ICMP after it; unseen ones at the end', () => {
    const out: (SegmentEvent | IcmpEvent)[] = []
    const s = new PacketStream({ frontPort: 7001, serverPort: 7001 }, (e) => out.push(e))
    const icmp: IcmpEvent = { tMs: 3, type: 'icmp', dir: 's2c', icmp: 'host-unreachable' }
    s.packet('0 50000 7001 5 1000 0 2 65495 0', 2) // the SYN left (rejects act on the way in)
    expect(s.awaitingFate).toBe(1)
    s.traced({ ...traced('5/50000/7001', 'rejected', 1), icmp })
    expect(s.awaitingFate).toBe(0)
    expect(out).toEqual([
      expect.objectContaining({ flags: ['SYN'], fate: 'rejected', ruleStep: 1, seq: 0 }),
      icmp,
    ])
    expect((out[0] as SegmentEvent).seqKnown).toBeUndefined()
    s.traced({ ...traced('6/50000/7001', 'rejected', 1), icmp })
    expect(out).toHaveLength(2) // the capture may still show it: wait
    s.flush()
    expect(out.slice(2)).toEqual([
      expect.objectContaining({ fate: 'rejected', seqKnown: false }),
      icmp,
    ])
  })
})

describe('PacketStream without a trace', () => {
  it('delivers each segment as it is read, never before one that left ahead of it', () => {
    const out: (SegmentEvent | IcmpEvent)[] = []
    const s = new PacketStream(
      { frontPort: 7001, serverPort: 7001 },
      (e) => out.push(e),
      (ms) => ms - 1_000_000,
      false,
    )
    s.packet('1000.002000 50000 7001 1 1000 0 2 65495 0', 5) // SYN, stamped at 2 ms
    s.packet('1000.001500 7001 50000 0 0 1001 20 0 0', 5) // its RST, stamped 0.5 ms earlier
    expect(out.map((e) => e.type === 'segment' && [e.flags.join('|'), e.tMs, e.fate])).toEqual([
      ['SYN', 2, 'delivered'],
      ['ACK|RST', 2, 'delivered'],
    ])
  })
})

describe('socket table', () => {
  const row = (n: number, local: string, remote: string, st: string, q = '00000000:00000000') =>
    `${String(n).padStart(4)}: ${local} ${remote} ${st} ${q}`
  const table = (...rows: string[]): string =>
    ['  sl  local_address rem_address   st tx_queue rx_queue', ...rows].join('\n')
  const L = '0100007F:1B59' // 127.0.0.1:7001

  it("reads the kernel's states, request sockets as SYN_RCVD, queues and addresses", () => {
    const rows = parseTcpTable(
      table(
        row(0, L, '00000000:0000', '0A', '00000000:00000001'),
        row(1, L, '0100007F:C350', '0C'),
        row(2, '0100007F:C350', L, '01', '00000005:00000000'),
      ),
    )
    expect(rows.map((r) => r.state)).toEqual(['LISTEN', 'SYN_RCVD', 'ESTABLISHED'])
    expect(rows[2]).toMatchObject({ localAddr: '127.0.0.1', localPort: 50000, txQueue: 5 })
    expect(ssLines(rows).map((l) => l.split(/\s+/))).toEqual([
      ['State', 'Recv-Q', 'Send-Q', 'Local', 'Address:Port', 'Peer', 'Address:Port'],
      ['LISTEN', '1', '0', '127.0.0.1:7001', '0.0.0.0:*'],
      ['SYN-RECV', '0', '0', '127.0.0.1:7001', '127.0.0.1:50000'],
      ['ESTAB', '0', '5', '127.0.0.1:50000', '127.0.0.1:7001'],
    ])
    expect(sameTable(rows, [...rows].reverse())).toBe(true)
    expect(sameTable(rows, rows.slice(1))).toBe(false)
  })

  it('final: the server is its listener until accept, then its connection, CLOSED once gone', () => {
    const book = new SocketBook({ frontPort: 7001, serverPort: 7001 })
    const queued = parseTcpTable(
      table(
        row(0, L, '00000000:0000', '0A'),
        row(1, L, '0100007F:C350', '01'),
        row(2, '0100007F:C350', L, '01'),
      ),
    )
    book.listening(3)
    book.connecting()
    // While the connect is in progress its port is unknown: the new client socket is its.
    expect(book.finalStates(queued)).toEqual({ client: 'ESTABLISHED', server: 'LISTEN' })
    book.connected(50000, 3)
    expect(book.finalStates(queued)).toEqual({ client: 'ESTABLISHED', server: 'LISTEN' })
    // Live states show the handshake the program has not accepted yet; final does not.
    expect(book.liveStates(queued)).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' })
    expect(book.detail(queued)).toEqual([
      { actor: 'client', role: 'connection', state: 'ESTABLISHED' },
      { actor: 'server', role: 'listener', state: 'LISTEN' },
      { actor: 'server', role: 'accept-queue', state: 'ESTABLISHED' },
    ])
    book.acceptedFrom(50000, 4)
    book.closed('server', 4)
    const closing = parseTcpTable(
      table(
        row(0, L, '00000000:0000', '0A'),
        row(1, L, '0100007F:C350', '05'),
        row(2, '0100007F:C350', L, '08'),
      ),
    )
    expect(book.finalStates(closing)).toEqual({ client: 'CLOSE_WAIT', server: 'FIN_WAIT_2' })
    expect(book.detail(closing)).toContainEqual({
      actor: 'server',
      role: 'closed',
      state: 'FIN_WAIT_2',
    })
    // Gone from the table: CLOSED, though the listener is still there.
    const gone = parseTcpTable(table(row(0, L, '00000000:0000', '0A')))
    expect(book.finalStates(gone)).toEqual({ client: 'CLOSED', server: 'CLOSED' })
  })

  it('a second connect is a new client socket; a failed one (no port) is CLOSED', () => {
    const book = new SocketBook({ frontPort: 7001, serverPort: 7001 })
    book.connecting()
    book.connected(50000, 3)
    book.closed('client', 3)
    const t = parseTcpTable(
      table(row(0, '0100007F:C350', L, '06'), row(1, '0100007F:C351', L, '02')),
    )
    book.connecting()
    expect(book.finalStates(t).client).toBe('SYN_SENT')
    expect(book.detail(t)).toEqual([
      { actor: 'client', role: 'closed', state: 'TIME_WAIT' },
      { actor: 'client', role: 'connection', state: 'SYN_SENT' },
    ])
    book.connected(0, 4)
    expect(book.finalStates(t).client).toBe('CLOSED')
  })
})

describe("the programs' replies and the hub's arguments", () => {
  it('parses a reply line; anything else is no reply', () => {
    expect(parseReply('= -1 104 0 1234.5 -1 3')).toEqual({
      ret: -1,
      errno: 104,
      sigpipe: false,
      doneAt: 1234.5,
      extra: -1,
      fd: 3,
      peer: 0,
    })
    // accept's reply names the client's address (127.0.0.2: client2)
    expect(parseReply('= 5 0 0 12.5 40000 5 2')).toMatchObject({ ret: 5, extra: 40000, peer: 2 })
    expect(parseReply('= -1 32 1 1.0 -1 3')?.sigpipe).toBe(true)
    expect(parseReply('issued 12.5')).toBeNull()
    expect(parseReply('= 1 2')).toBeNull()
  })

  it.skipIf(spawnSync('perl', ['-e', '1']).status !== 0)(
    "the hub's Perl compiles under strict and warnings, for every architecture",
    () => {
      for (const arch of ['x64', 'arm64'] as const) {
        const r = spawnSync('perl', ['-Mstrict', '-Mwarnings', '-c', '-e', hubProgram(arch)], {
          encoding: 'utf8',
        })
        expect(r.stderr.trim(), arch).toBe('-e syntax OK')
      }
    },
  )

  it('numbers the channels from descriptor 3, in order', () => {
    expect(
      hubArgs(42, { tcp_retries2: 3 }, [
        { role: 'capture' },
        { role: 'client' },
        { role: 'relay', frontPort: 7001, serverPort: 7002 },
      ]),
    ).toEqual(['42', 'sysctl:tcp_retries2=3', 'capture:3', 'client:4', 'relay:5:7001:7002'])
  })
})
