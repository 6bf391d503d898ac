// Property tests over random lab scripts (issue 3): whatever the student writes, the simulator
// never sends from CLOSED, keeps its sequence numbers consistent, accounts for every call
// (returned, reported blocked, or skipped), and gives the same run for the same script and seed.
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ERRNO_NAMES, errnoOn } from '../../shared/errno'
import {
  DROP_MATCHES,
  FIREWALL_FORGET,
  ICMP_TYPES,
  parseLabScript,
  PROFILE_IDS,
  type LabScript,
  type LabScriptInput,
} from '../../shared/lab-script'
import { TCP_STATES, type LabResult, type TcpState } from '../../shared/lab-result'
import type { NoteKey } from '../../shared/notes'
import { profileOf } from '../../shared/profiles'
import { Path } from './net/path'
import { SETTLE_MS, simulate } from './simulate'
import { Tcb } from './tcp/tcb'
import { ACK, FIN, RST, SYN, type Segment } from './world'

type StepInput = LabScriptInput['steps'][number]

/** Random scripts per property; `SIM_PROPERTY_RUNS=20000 npx vitest run ...` searches longer. */
const RUNS = Number(process.env.SIM_PROPERTY_RUNS ?? 400)

const dir = fc.constantFrom('both', 'c2s', 's2c') as fc.Arbitrary<'both' | 'c2s' | 's2c'>
// Version 2's second client takes any client step too (its own host: main/sim/clients.test.ts).
const endpoint = fc.constantFrom('client', 'server', 'client2') as fc.Arbitrary<
  'client' | 'server' | 'client2'
>

/** Steps either endpoint may take (plus connect/listen/accept for their actor). */
const endpointStep: fc.Arbitrary<StepInput> = fc.oneof(
  fc.record({
    actor: endpoint,
    op: fc.constant('send' as const),
    bytes: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 400_000 })),
  }),
  fc.record(
    {
      actor: endpoint,
      op: fc.constant('recv' as const),
      bytes: fc.integer({ min: 1, max: 70_000 }),
      timeoutMs: fc.integer({ min: 1, max: 5000 }),
    },
    { requiredKeys: ['actor', 'op'] },
  ),
  fc.record({
    actor: endpoint,
    op: fc.constantFrom('close', 'abort', 'keepalive', 'freeze', 'thaw'),
  }),
  fc.record({
    actor: endpoint,
    op: fc.constant('shutdown' as const),
    how: fc.constantFrom('wr', 'rd', 'rdwr'),
  }),
  fc.record({
    actor: endpoint,
    op: fc.constant('sleep' as const),
    ms: fc.integer({ min: 0, max: 5000 }),
  }),
  fc.record({
    actor: endpoint,
    op: fc.constant('crash' as const),
    mode: fc.constantFrom('fin', 'rst', 'silent'),
  }),
  // Lab script version 2: signals (with and without SA_RESTART) and TCP_USER_TIMEOUT.
  fc.record({ actor: endpoint, op: fc.constant('signal' as const), restart: fc.boolean() }),
  fc.record({
    actor: endpoint,
    op: fc.constant('usertimeout' as const),
    ms: fc.integer({ min: 1, max: 6000 }),
  }),
  fc.constant({ actor: 'client' as const, op: 'connect' as const, port: 7001 }),
  fc.constant({ actor: 'client' as const, op: 'connect' as const, port: 7002 }),
  fc.constant({ actor: 'client2' as const, op: 'connect' as const, port: 7001 }),
  // Lab script version 2: a non-blocking connect, poll() and getsockopt(SO_ERROR).
  fc.constantFrom(7001, 7002).map((port) => ({
    actor: 'client' as const,
    op: 'connect' as const,
    port,
    nonblocking: true as const,
  })),
  fc.record(
    {
      actor: endpoint,
      op: fc.constant('poll' as const),
      events: fc.constantFrom('in', 'out'),
      timeoutMs: fc.integer({ min: 0, max: 5000 }),
    },
    { requiredKeys: ['actor', 'op', 'events'] },
  ),
  fc.record({
    actor: endpoint,
    op: fc.constant('getsockopt' as const),
    opt: fc.constant('SO_ERROR' as const),
  }),
  fc.constant({ actor: 'server' as const, op: 'accept' as const }),
  fc.constant({ actor: 'server' as const, op: 'listen' as const, port: 7001 }),
  // Lab script version 2: bind (the server's port, or a client's own), a listen backlog, a
  // host that reboots. `fixListens` makes a listen after a bind name no port.
  fc.record({
    actor: endpoint,
    op: fc.constant('bind' as const),
    port: fc.constantFrom(7001, 7002, 7300),
    reuseaddr: fc.boolean(),
  }),
  fc.record({
    actor: fc.constant('server' as const),
    op: fc.constant('listen' as const),
    port: fc.constant(7001),
    backlog: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    actor: endpoint,
    op: fc.constant('reboot' as const),
    ms: fc.integer({ min: 1, max: 3000 }),
  }),
) as fc.Arbitrary<StepInput>

/** A `listen` after a `bind` of the server names no port (the bind bound it); others do. */
function fixListens(steps: StepInput[]): StepInput[] {
  let bound = false
  return steps.map((s) => {
    if (s.actor !== 'server') return s
    if (s.op === 'bind') bound = true
    if (s.op !== 'listen') return s
    const was = bound
    bound = false
    if (!was) return { ...s, port: s.port ?? 7001 }
    const rest = { ...s }
    delete rest.port
    delete rest.reuseaddr
    return rest
  })
}

const netStep = (middlebox: boolean): fc.Arbitrary<StepInput> =>
  fc.oneof(
    fc.record({ actor: fc.constant('net' as const), op: fc.constant('cut' as const), dir }),
    fc.record(
      {
        actor: fc.constant('net' as const),
        op: fc.constant('drop' as const),
        dir,
        match: fc.constantFrom(...DROP_MATCHES),
        count: fc.integer({ min: 1, max: 4 }),
      },
      { requiredKeys: ['actor', 'op', 'dir', 'match'] },
    ),
    fc.record({
      actor: fc.constant('net' as const),
      op: fc.constant('reject' as const),
      dir,
      icmp: fc.constantFrom(...ICMP_TYPES),
    }),
    fc.constant({ actor: 'net' as const, op: 'heal' as const }),
    ...(middlebox
      ? [
          fc.constant({ actor: 'net' as const, op: 'hold' as const }),
          fc.constant({ actor: 'net' as const, op: 'release' as const }),
        ]
      : []),
  ) as fc.Arbitrary<StepInput>

/** A random valid script: usually a connection first, then anything, at random times. */
const randomScript: fc.Arbitrary<LabScript> = fc
  .record({
    profile: fc.constantFrom(...PROFILE_IDS),
    middlebox: fc.boolean(),
    limitMs: fc.integer({ min: 500, max: 40_000 }),
    timers: fc.record(
      {
        synRetries: fc.integer({ min: 0, max: 3 }),
        synackRetries: fc.integer({ min: 0, max: 3 }),
        retries2: fc.integer({ min: 0, max: 4 }),
        keepalive: fc.record({
          idleS: fc.integer({ min: 1, max: 3 }),
          intervalS: fc.integer({ min: 1, max: 2 }),
          count: fc.integer({ min: 1, max: 3 }),
        }),
      },
      { requiredKeys: [] },
    ),
    prefix: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1000 }),
    // Version 2's stateful firewall, on the direct path (its rules: main/sim/net/firewall.ts).
    firewall: fc.option(
      fc.record({
        idleS: fc.integer({ min: 1, max: 3 }),
        forget: fc.constantFrom(...FIREWALL_FORGET),
      }),
      { nil: undefined },
    ),
  })
  .chain((base) =>
    fc
      .array(
        fc.tuple(
          fc.oneof(endpointStep, netStep(base.middlebox)),
          fc.option(fc.integer({ min: 0, max: base.limitMs }), { nil: undefined }),
        ),
        { maxLength: 12 },
      )
      .map((rest) => {
        const steps: StepInput[] = base.prefix
          ? [
              { actor: 'server', op: 'listen', port: 7001 },
              { actor: 'client', op: 'connect', port: 7001 },
              { actor: 'server', op: 'accept' },
            ]
          : []
        for (const [s, at] of rest) {
          // The middlebox relays one connection: there a second client's step is the client's.
          const one =
            base.middlebox && s.actor === 'client2' ? { ...s, actor: 'client' as const } : s
          steps.push(at === undefined ? one : { ...one, at })
        }
        if (steps.length === 0) steps.push({ actor: 'client', op: 'sleep', ms: 1 })
        const parsed = parseLabScript({
          labScript: 2,
          profile: base.profile,
          topology: base.middlebox ? 'middlebox' : 'direct',
          limitMs: base.limitMs,
          timers: base.timers,
          ...(base.firewall && !base.middlebox ? { firewall: base.firewall } : {}),
          steps: fixListens(steps),
        })
        if (!parsed.ok) throw new Error(parsed.message)
        return parsed.script
      }),
  )

/** RFC 9293's transitions (plus abort to CLOSED, and a half-open child back to LISTEN). */
const ALLOWED: Record<TcpState, TcpState[]> = {
  CLOSED: ['LISTEN', 'SYN_SENT'],
  LISTEN: ['SYN_RCVD', 'CLOSED'],
  SYN_SENT: ['ESTABLISHED', 'SYN_RCVD', 'CLOSED'],
  SYN_RCVD: ['ESTABLISHED', 'FIN_WAIT_1', 'LISTEN', 'CLOSED'],
  ESTABLISHED: ['FIN_WAIT_1', 'CLOSE_WAIT', 'CLOSED'],
  FIN_WAIT_1: ['FIN_WAIT_2', 'CLOSING', 'TIME_WAIT', 'CLOSED'],
  FIN_WAIT_2: ['TIME_WAIT', 'CLOSED'],
  CLOSE_WAIT: ['LAST_ACK', 'CLOSED'],
  CLOSING: ['TIME_WAIT', 'CLOSED'],
  LAST_ACK: ['CLOSED'],
  TIME_WAIT: ['CLOSED'],
}

/** The notes only a timer's expiry writes. */
const TIMER_NOTES: NoteKey[] = [
  'tlp',
  'syn-retransmit',
  'synack-retransmit',
  'data-retransmit',
  'syn-give-up',
  'synack-give-up',
  'data-give-up',
  'handshake-deadline',
  'icmp-reported',
  'persist-probe',
  'keepalive-probe',
  'keepalive-give-up',
]

/** Checks made from inside the engine while a run is going on. */
let violations: string[] = []
let wire: Segment[] = []

beforeEach(() => {
  violations = []
  wire = []
  const emit = Tcb.prototype.emit
  vi.spyOn(Tcb.prototype, 'emit').mockImplementation(function (
    this: Tcb,
    flags: number,
    seq: number,
    len: number,
    retransmit?: boolean,
  ) {
    const where = `${this.host.id}:${this.localPort} ${this.state} t=${this.world.q.now}`
    if (this.state === 'CLOSED' || this.state === 'LISTEN')
      violations.push(`${where}: sends flags ${flags} from ${this.state}`)
    if (!(this.sndUna <= this.sndNxt && this.sndNxt <= this.sndMax))
      violations.push(`${where}: una ${this.sndUna} nxt ${this.sndNxt} max ${this.sndMax}`)
    const dataEnd = this.finQueued ? this.finSeq : this.writeSeq
    if (len > 0 && (seq < this.sndUna || seq + len > dataEnd))
      violations.push(`${where}: data [${seq}, ${seq + len}) outside [${this.sndUna}, ${dataEnd})`)
    if (flags & FIN && (!this.finQueued || seq !== this.finSeq))
      violations.push(`${where}: FIN at ${seq}, queued ${this.finQueued} at ${this.finSeq}`)
    if (flags & SYN && seq !== this.iss) violations.push(`${where}: SYN at ${seq}`)
    if (this.rcvQueued < 0 || this.rcvQueued > this.world.profile.buffers.receive)
      violations.push(`${where}: ${this.rcvQueued} bytes queued`)
    return emit.call(this, flags, seq, len, retransmit)
  })
  const transmit = Path.prototype.transmit
  vi.spyOn(Path.prototype, 'transmit').mockImplementation(function (this: Path, seg: Segment) {
    wire.push({ ...seg })
    return transmit.call(this, seg)
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** The checks made on the result document. */
/**
 * poll() returns 1 with revents, 0 with none, or -1 EINTR when a signal ends it; getsockopt(SO_ERROR) returns 0 with `0` or an
 * error its OS knows (or fails with EBADF on a closed descriptor); no other call has a value.
 */
function checkValue(s: LabScript, x: LabResult['steps'][number]): void {
  const where = `step ${x.index} ${x.op} = ${x.ret} [${x.value}]`
  if (x.op === 'poll') {
    if (x.ret === 0) expect(x.value, where).toBe('0')
    else if (x.ret === -1) {
      // A signal ends a poll() (it is never restarted, even with SA_RESTART): EINTR, and no
      // revents.
      expect(x.errno, where).toMatch(/^(EINTR|WSAEINTR)$/)
      expect(x.value, where).toBeUndefined()
    } else {
      expect(x.ret, where).toBe(1)
      expect(x.value, where).toMatch(/^(POLLIN|POLLOUT|POLLERR|POLLHUP|POLLNVAL)(\|POLL[A-Z]+)*$/)
    }
  } else if (x.op === 'getsockopt') {
    if (x.ret === -1) expect(x.errno, where).toMatch(/EBADF|WSAENOTSOCK/)
    else {
      expect(x.ret, where).toBe(0)
      const system = profileOf(s.profile).errnoSystem
      const names = ERRNO_NAMES.map((n) => errnoOn(system, n)?.name)
      expect(x.value === '0' || names.includes(x.value), where).toBe(true)
    }
  } else expect(x.value, where).toBeUndefined()
}

function checkResult(s: LabScript, r: LabResult): void {
  expect(r.steps.map((x) => x.index)).toEqual(s.steps.map((_, i) => i))
  // The run ends when the last step ends (or is cut at the limit); then only the wire settles,
  // for at most SETTLE_MS, and `final` is taken (docs/lab-script-format.md, "Timing rule").
  const end = Math.max(...r.steps.map((x) => x.endMs))
  expect(end).toBeLessThanOrEqual(s.limitMs)
  expect(r.durationMs).toBeGreaterThanOrEqual(end)
  expect(r.durationMs).toBeLessThanOrEqual(end + SETTLE_MS)
  const errnoSystem = profileOf(s.profile).errnoSystem
  for (const actor of ['client', 'server', 'net'] as const) {
    const mine = r.steps.filter((x) => x.actor === actor)
    // returned* (blocked)? skipped*: a blocked call holds its actor until the end of the run;
    // only a signal may return while an earlier call of its actor still blocks.
    const pattern = mine
      .filter((x) => !(x.op === 'signal' && x.outcome === 'returned'))
      .map((x) => x.outcome[0])
      .join('')
    expect(pattern, `${actor} outcomes`).toMatch(/^r*b?s*$/)
    for (const x of mine) {
      const step = s.steps[x.index]!
      expect(x.endMs).toBeGreaterThanOrEqual(x.startMs)
      if (x.outcome === 'returned') {
        expect(x.startMs).toBeGreaterThanOrEqual(step.at ?? 0)
        expect(x.ret, `step ${x.index} ret`).toBeTypeOf('number')
        if (x.ret === -1) {
          expect(x.errno, `step ${x.index} errno`).toBeTruthy()
          if (x.errno !== 'EBADF' && x.errno !== 'WSAENOTSOCK') {
            const known = Object.values(
              Object.fromEntries(
                (
                  [
                    'ECONNREFUSED',
                    'ETIMEDOUT',
                    'ECONNRESET',
                    'EPIPE',
                    'EHOSTUNREACH',
                    'ENETUNREACH',
                    'ECONNABORTED',
                    'EAGAIN',
                    'ENOTCONN',
                    'EINVAL',
                    'ESHUTDOWN',
                    'EADDRINUSE',
                    'EACCES',
                    'EINTR',
                    'EINPROGRESS',
                  ] as const
                ).map((n) => [n, errnoOn(errnoSystem, n)]),
              ),
            ).find((e) => e?.name === x.errno)
            expect(known?.number, `${x.errno} on ${errnoSystem}`).toBe(x.errnoNumber)
          }
        }
      }
      if (x.outcome === 'blocked') expect(x.endMs).toBe(s.limitMs)
      if (x.outcome === 'returned') checkValue(s, x)
    }
  }
  for (let i = 1; i < r.events.length; i++)
    expect(r.events[i]!.tMs).toBeGreaterThanOrEqual(r.events[i - 1]!.tMs)
  for (const e of r.events) {
    expect(e.tMs).toBeLessThanOrEqual(r.durationMs)
    if (e.type === 'state')
      expect(ALLOWED[e.from], `${e.actor} ${e.from} -> ${e.to}`).toContain(e.to)
    if (e.tMs <= end) continue
    // After the end: deliveries and what they cause at once; no call, no timer.
    expect(e.type, `${e.type} at ${e.tMs} after the end at ${end}`).not.toBe('syscall')
    if (e.type === 'state') expect(e.cause ?? '', `state after the end`).not.toMatch(/^timer/)
    if (e.type === 'note') expect(TIMER_NOTES, `note after the end`).not.toContain(e.key)
  }
  // signal(7): only a signal ends a call with EINTR, at the moment it arrives.
  for (const x of r.steps.filter((y) => y.errno === errnoOn(errnoSystem, 'EINTR')?.name)) {
    const signal = r.steps.find(
      (y) => y.actor === x.actor && y.op === 'signal' && y.endMs === x.endMs && y.index > x.index,
    )
    expect(signal, `EINTR of step ${x.index} without a signal`).toBeDefined()
  }
  for (const x of r.steps.filter((y) => y.op === 'signal' && y.outcome === 'returned'))
    expect(x.ret, `signal step ${x.index}`).toBe(0)
  expect(TCP_STATES).toContain(r.final.client)
  expect(TCP_STATES).toContain(r.final.server)
  // Direct topology: no one reads more than the other side's send() calls accepted (a send
  // still blocked at the end may have copied part of its bytes already).
  if (s.topology === 'direct') {
    const read = (actor: string) =>
      r.steps
        .filter((x) => x.actor === actor && x.op === 'recv' && (x.ret ?? 0) > 0)
        .reduce((a, x) => a + x.ret!, 0)
    const sent = (actor: string) =>
      r.steps
        .filter((x) => x.actor === actor && x.op === 'send')
        .reduce((a, x) => {
          const step = s.steps[x.index]!
          if (x.outcome === 'blocked' && step.op === 'send') return a + step.bytes
          return a + Math.max(0, x.ret ?? 0)
        }, 0)
    expect(read('server')).toBeLessThanOrEqual(sent('client'))
    expect(read('client')).toBeLessThanOrEqual(sent('server'))
  }
}

/** Acknowledgement numbers of one connection and direction never go backwards. */
function checkWire(): void {
  const lastAck = new Map<string, number>()
  for (const seg of wire) {
    const k = `${seg.src}:${seg.sport}>${seg.dst}:${seg.dport}`
    if (seg.flags & SYN && !(seg.flags & ACK)) lastAck.delete(k)
    if (seg.flags & RST || !(seg.flags & ACK)) continue
    const prev = lastAck.get(k)
    if (prev !== undefined && seg.ack < prev) violations.push(`${k}: ack ${seg.ack} after ${prev}`)
    if (seg.flags & SYN) lastAck.delete(k)
    else lastAck.set(k, seg.ack)
  }
}

describe('properties over random lab scripts', () => {
  it(
    'nothing is sent from CLOSED, sequence numbers stay consistent, every call is accounted for',
    () => {
      fc.assert(
        fc.property(randomScript, (s) => {
          violations = []
          wire = []
          const r = simulate(s)
          checkWire()
          expect(violations).toEqual([])
          checkResult(s, r)
        }),
        { numRuns: RUNS },
      )
    },
    Math.max(30_000, RUNS * 20),
  )

  it(
    'runs are deterministic: same script and seed, same result byte for byte',
    () => {
      fc.assert(
        fc.property(randomScript, fc.integer({ min: 1, max: 1 << 30 }), (s, seed) => {
          const streamed: unknown[] = []
          const a = JSON.stringify(simulate(s, { seed }))
          const b = simulate(s, { seed, onEvent: (e) => streamed.push(e) })
          expect(JSON.stringify(b)).toBe(a)
          expect(streamed).toEqual(b.events)
        }),
        { numRuns: Math.ceil(RUNS / 3) },
      )
    },
    Math.max(30_000, RUNS * 20),
  )

  it(
    'a firewall that forgets nothing within the run changes nothing; one that forgets stops only what it says',
    () => {
      fc.assert(
        fc.property(randomScript, (s) => {
          if (s.topology !== 'direct') return
          const { firewall: _, ...bare } = s
          const without = simulate(bare)
          // Every connection starts with a SYN through the path, so an entry that outlives the
          // run leaves every segment alone.
          const forever = simulate({ ...s, firewall: { idleS: 86_400, forget: 'reset' } })
          expect(forever.steps).toEqual(without.steps)
          expect(forever.final).toEqual(without.final)
          if (!s.firewall) return
          // What the firewall stops (no net rule named, neither end down) is never a SYN nor
          // an RST, and a note says the firewall forgot the connection, once per connection.
          wire = []
          const r = simulate(s)
          const stopped = r.events.filter(
            (e) => e.type === 'segment' && e.fate === 'rejected' && e.ruleStep === undefined,
          )
          for (const e of stopped)
            if (e.type === 'segment') {
              expect(e.flags).not.toContain('RST')
              expect(e.flags.includes('SYN') && !e.flags.includes('ACK')).toBe(false)
            }
          const notes = r.events.filter((e) => e.type === 'note' && e.key.startsWith('firewall'))
          if (stopped.length > 0) expect(notes.length).toBeGreaterThan(0)
          if (s.firewall.forget === 'drop') expect(stopped).toEqual([])
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      )
    },
    Math.max(30_000, RUNS * 40),
  )
})
