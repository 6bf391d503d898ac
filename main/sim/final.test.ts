// `final` and `finalDetail` as docs/lab-script-format.md's timing rule defines them (issue 9):
// taken once the segments already on the wire when the run ended have been delivered and
// answered, with no timer run further; the server's connection once accept() returned one,
// its listener only before that. The expected states are derived from RFC 9293's state
// diagram (3.3.2) step by step in each test, not read from a table.
import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import { connected, run, segments, stepAt } from './test-util'

/** The time the last step ended: where the timing rule says the run ends. */
function lastEnd(r: LabResult): number {
  return Math.max(...r.steps.map((s) => s.endMs))
}

/** State events of one actor after the run's end (what the settling wire did). */
function statesAfterEnd(r: LabResult, actor: 'client' | 'server'): string[] {
  const end = lastEnd(r)
  return r.events
    .filter((e) => e.type === 'state' && e.actor === actor && e.tMs > end)
    .map((e) => (e.type === 'state' ? `${e.from}>${e.to}` : ''))
}

describe('final: the wire settles, timers do not run', () => {
  it('both close: the first closer ends in TIME_WAIT, the other CLOSED', () => {
    const r = run({
      labScript: 1,
      limitMs: 5000,
      steps: [
        ...connected(),
        // Server: ESTABLISHED -> FIN_WAIT_1 (sends FIN) -> FIN_WAIT_2 (its FIN is ACKed).
        { actor: 'server', op: 'close', at: 100 },
        // Client: the FIN made it CLOSE_WAIT; recv sees the end of the stream.
        { actor: 'client', op: 'recv', at: 200 },
        // Client: CLOSE_WAIT -> LAST_ACK (sends FIN); the run's last call.
        { actor: 'client', op: 'close' },
      ],
    })
    expect(stepAt(r, 4).ret).toBe(0)
    // On the wire when the last call returned: the client's FIN. Delivered: the server in
    // FIN_WAIT_2 goes to TIME_WAIT and ACKs; that ACK takes the client from LAST_ACK to
    // CLOSED. The 2 MSL timer is not run, so the server stays in TIME_WAIT.
    expect(r.final).toEqual({ client: 'CLOSED', server: 'TIME_WAIT' })
    expect(statesAfterEnd(r, 'server')).toEqual(['FIN_WAIT_2>TIME_WAIT'])
    expect(statesAfterEnd(r, 'client')).toEqual(['LAST_ACK>CLOSED'])
    expect(r.durationMs).toBeGreaterThan(lastEnd(r))
  })

  it("a close as the last call: Linux's peer has not ACKed yet (FIN_WAIT_1); BSD's has", () => {
    const steps = [...connected(), { actor: 'client', op: 'close', at: 100 }] as const
    const linux = run({ labScript: 1, limitMs: 5000, steps: [...steps] })
    // Client ESTABLISHED -> FIN_WAIT_1; its FIN makes the server CLOSE_WAIT. Linux puts the
    // receiver of a FIN in ESTABLISHED into pingpong mode (tcp_fin) and ACKs it on the
    // delayed-ACK timer, 40 ms later: a timer, which the end of a run does not run.
    expect(linux.final).toEqual({ client: 'FIN_WAIT_1', server: 'CLOSE_WAIT' })
    // BSD acknowledges a FIN at once (TF_ACKNOW): the ACK is on the wire, so it is delivered.
    const macos = run({ labScript: 1, profile: 'macos', limitMs: 5000, steps: [...steps] })
    expect(macos.final).toEqual({ client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' })
  })

  it('the delayed ACK of a FIN leaves on the next tick (no data yet) or 40 ms later', () => {
    // Measured on the kernel lab: 4 ms on a connection that never received data (ato is 0
    // until the first data: the next 4 ms tick at HZ=250), about 40 ms once data arrived.
    const ackAfterFin = (data: boolean): number => {
      const r = run({
        labScript: 1,
        limitMs: 5000,
        steps: [
          ...connected(),
          ...(data
            ? ([
                { actor: 'server', op: 'send', bytes: 10, at: 50 },
                { actor: 'client', op: 'recv', at: 60 },
              ] as const)
            : []),
          { actor: 'server', op: 'close', at: 100 },
          { actor: 'client', op: 'sleep', ms: 500, at: 200 },
        ],
      })
      expect(r.final).toEqual({ client: 'CLOSE_WAIT', server: 'FIN_WAIT_2' })
      const ack = segments(r.events, 'c2s').find((e) => e.tMs > 100)
      expect(ack?.flags).toEqual(['ACK'])
      return ack!.tMs - 100
    }
    expect(ackAfterFin(false)).toBeCloseTo(4, 0)
    expect(ackAfterFin(true)).toBeCloseTo(40, 0)
    const answered = run({
      labScript: 1,
      limitMs: 5000,
      steps: [
        ...connected(),
        { actor: 'client', op: 'send', bytes: 10, at: 50 },
        { actor: 'server', op: 'recv', at: 60 },
        { actor: 'client', op: 'close', at: 100 },
        { actor: 'server', op: 'close', at: 110 },
        { actor: 'client', op: 'sleep', ms: 500 },
      ],
    })
    // The server has received data (ato 40 ms), so its FIN at 110 ms carries the ACK: no pure
    // ACK is sent after the client's FIN arrived.
    const fromServer = segments(answered.events, 's2c').filter((e) => e.tMs > 100)
    expect(fromServer[0]?.flags.sort()).toEqual(['ACK', 'FIN'])
    expect(answered.final).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' })
  })

  it('a timer due while the wire settles does not run (no keepalive probe)', () => {
    const r = run({
      labScript: 1,
      limitMs: 5000,
      timers: { keepalive: { idleS: 1, intervalS: 1, count: 2 } },
      steps: [
        ...connected(),
        // Armed when accept() returned (0.15 ms): the first check is due at 1000.15 ms.
        { actor: 'server', op: 'keepalive' },
        // The last call: its FIN reaches the server at 1000.17 ms, after the check was due.
        { actor: 'client', op: 'close', at: 1000.12 },
      ],
    })
    expect(lastEnd(r)).toBe(1000.12)
    const after = r.events.filter((e) => e.tMs > lastEnd(r))
    expect(after.length).toBeGreaterThan(0)
    expect(after.some((e) => e.type === 'note' && e.key === 'keepalive-probe')).toBe(false)
    // Nothing from the server: no probe, and the ACK of the FIN waits on the delayed-ACK timer.
    expect(segments(after, 's2c')).toEqual([])
    expect(r.final).toEqual({ client: 'FIN_WAIT_1', server: 'CLOSE_WAIT' })
  })

  it('an ICMP error on its way back is delivered too', () => {
    const r = run({
      labScript: 1,
      limitMs: 5000,
      steps: [
        ...connected(),
        { actor: 'net', op: 'reject', dir: 'c2s', icmp: 'port-unreachable', at: 50 },
        { actor: 'client', op: 'send', bytes: 10, at: 100 },
      ],
    })
    const after = r.events.filter((e) => e.tMs > lastEnd(r)).map((e) => e.type)
    expect(after).toEqual(['icmp', 'note'])
    // Linux keeps it as a soft error on an established connection: still ESTABLISHED.
    expect(r.final.client).toBe('ESTABLISHED')
  })

  it('at limitMs, what is in flight is delivered; blocked calls stay blocked', () => {
    const r = run({
      labScript: 1,
      limitMs: 1000,
      steps: [
        ...connected(),
        { actor: 'server', op: 'recv', at: 100 },
        { actor: 'server', op: 'recv' },
        { actor: 'client', op: 'send', bytes: 10, at: 999.97 },
        { actor: 'client', op: 'close' },
      ],
    })
    // The data and the FIN leave 0.03 ms before the limit and arrive 0.02 ms after it: the
    // server goes to CLOSE_WAIT; its ACK waits on the delayed-ACK timer (not run), so the
    // client is still in FIN_WAIT_1.
    expect(stepAt(r, 6).endMs).toBe(999.97)
    expect(segments(r.events, 'c2s').at(-1)?.tMs).toBe(999.97)
    expect(r.final).toEqual({ client: 'FIN_WAIT_1', server: 'CLOSE_WAIT' })
    // The server's recv would return the data in a longer run; at the limit it stays blocked.
    expect(stepAt(r, 3).outcome).toBe('blocked')
    expect(stepAt(r, 3).endMs).toBe(1000)
    expect(r.durationMs).toBeGreaterThan(1000)
    expect(r.events.some((e) => e.type === 'syscall' && e.tMs > 1000)).toBe(false)
  })
})

describe('final.server: the accepted connection, else the listener', () => {
  it('a server that never accepted reports LISTEN, though a connection waits in its queue', () => {
    const r = run({
      labScript: 1,
      limitMs: 1000,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'client', op: 'connect', port: 7001 },
      ],
    })
    expect(r.final).toEqual({ client: 'ESTABLISHED', server: 'LISTEN' })
    expect(r.finalDetail).toEqual([
      { actor: 'client', role: 'connection', state: 'ESTABLISHED' },
      { actor: 'server', role: 'listener', state: 'LISTEN' },
      { actor: 'server', role: 'accept-queue', state: 'ESTABLISHED' },
    ])
  })

  it('a server whose accepted connection is gone reports CLOSED, not LISTEN', () => {
    const r = run({
      labScript: 1,
      limitMs: 2000,
      steps: [
        ...connected(),
        // The accepted connection is reset: gone (CLOSED); the listener stays open.
        { actor: 'server', op: 'abort', at: 100 },
        // A second handshake whose last ACK is lost, then reset by the client: the server's
        // half-open child dies and only the listener is left in LISTEN.
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'ACK', count: 1, at: 150 },
        { actor: 'client', op: 'connect', port: 7001, at: 200 },
        { actor: 'client', op: 'abort' },
      ],
    })
    expect(stepAt(r, 6).ret).toBe(0)
    // The client's RST reaches the half-open child after the last call: delivered, and the
    // server's state events end in LISTEN (its listener), while final.server stays with the
    // connection accept() returned.
    expect(statesAfterEnd(r, 'server')).toEqual(['SYN_RCVD>LISTEN'])
    expect(r.final).toEqual({ client: 'CLOSED', server: 'CLOSED' })
    // Only the listener is still in a TCP stack: both reset connections are gone (the client
    // still holds the first one's descriptor, but TCP is done with it).
    expect(r.finalDetail).toEqual([{ actor: 'server', role: 'listener', state: 'LISTEN' }])
  })

  it('a server that closed its listener before any accept reports CLOSED', () => {
    const r = run({
      labScript: 1,
      limitMs: 1000,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'server', op: 'close', at: 10 },
        { actor: 'client', op: 'connect', port: 7001, at: 20 },
      ],
    })
    expect(r.final).toEqual({ client: 'CLOSED', server: 'CLOSED' })
    expect(r.finalDetail).toEqual([])
  })
})

describe('finalDetail: every socket of both hosts', () => {
  it('held, closed-but-kept, listening and queued sockets, each with its role', () => {
    const r = run({
      labScript: 1,
      limitMs: 1000,
      steps: [
        ...connected(),
        // A second connection the server never accepts; the client closes it (its last
        // descriptor) and keeps the first one open.
        { actor: 'client', op: 'connect', port: 7001, at: 100 },
        { actor: 'client', op: 'close' },
      ],
    })
    // The second connection's FIN reaches the queued child (CLOSE_WAIT), whose ACK waits on
    // the delayed-ACK timer, so the client's orphan is in FIN_WAIT_1; final.client is that
    // last connection.
    expect(r.final).toEqual({ client: 'FIN_WAIT_1', server: 'ESTABLISHED' })
    expect(r.finalDetail).toEqual([
      { actor: 'client', role: 'connection', state: 'ESTABLISHED' },
      { actor: 'client', role: 'closed', state: 'FIN_WAIT_1' },
      { actor: 'server', role: 'listener', state: 'LISTEN' },
      { actor: 'server', role: 'connection', state: 'ESTABLISHED' },
      { actor: 'server', role: 'accept-queue', state: 'CLOSE_WAIT' },
    ])
  })

  it('a vanished host has no sockets left: CLOSED, and nothing in finalDetail', () => {
    const r = run({
      labScript: 1,
      limitMs: 1000,
      steps: [...connected(), { actor: 'server', op: 'crash', mode: 'silent', at: 100 }],
    })
    // The machine is gone, and its TCP state with it (docs/lab-script-format.md, "final").
    // The peer knows nothing yet: it stays ESTABLISHED.
    expect(r.final).toEqual({ client: 'ESTABLISHED', server: 'CLOSED' })
    expect(r.finalDetail?.filter((d) => d.actor === 'server')).toEqual([])
    expect(r.finalDetail?.filter((d) => d.actor === 'client').map((d) => d.state)).toEqual([
      'ESTABLISHED',
    ])
  })
})
