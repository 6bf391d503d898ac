// Every op of docs/lab-script-format.md on the real kernel in a private netns, with scripts of this
// file (the catalog check covers the catalog). Each says what Linux does (docs/kernel-rules.md,
// docs/os-profiles.md) so a mechanism that does not do what its op says fails here. Timings have
// the agreement rule's tolerance or more: these runs share two cores with everything else.
import { describe, expect, it } from 'vitest'
import type { LabResult, SegmentEvent, StepResult } from '../../shared/lab-result'
import type { LabScriptInput } from '../../shared/lab-script'
import { createKernelBackend, probeKernel } from './index'
import { limiter, runCollect, script } from './test-util'

const probe = await probeKernel()
const backend = createKernelBackend()
const full = probe.available && probe.nft && probe.sysctls
if (!full) console.log(`every op on the kernel skipped: ${probe.detail}`)
const slot = limiter(3)

type Steps = LabScriptInput['steps']
const connected = (port: number): Steps => [
  { actor: 'server', op: 'listen', port },
  { actor: 'client', op: 'connect', port, at: 10 },
  { actor: 'server', op: 'accept' },
]

async function run(steps: Steps, extra: Partial<LabScriptInput> = {}): Promise<LabResult> {
  const { result } = await slot(() =>
    runCollect(backend, script({ labScript: 1, limitMs: 5000, ...extra, steps })),
  )
  return result
}

function step(r: LabResult, i: number): StepResult {
  const s = r.steps.find((x) => x.index === i)
  if (!s) throw new Error(`no step ${i}`)
  return s
}

const segments = (r: LabResult): SegmentEvent[] =>
  r.events.filter((e): e is SegmentEvent => e.type === 'segment')
const flagsOf = (s: SegmentEvent): string => s.flags.join('|')

describe.skipIf(!full)('every op on the real kernel (private namespace)', () => {
  it.concurrent('cut: data is retransmitted until retries2 runs out, then ETIMEDOUT', async () => {
    const r = await run(
      [
        ...connected(7101),
        { actor: 'net', op: 'cut', dir: 'both', at: 50 },
        { actor: 'client', op: 'send', bytes: 100, at: 100 },
        { actor: 'client', op: 'recv' },
        { actor: 'server', op: 'recv', at: 100 },
      ],
      { timers: { retries2: 2 }, limitMs: 6000 },
    )
    expect(step(r, 4)).toMatchObject({ outcome: 'returned', ret: 100 })
    // A tail-loss probe after ~200 ms, then RTOs doubling from ~400 ms; the budget
    // RTO_min x (2^3 - 1) = 1.4 s counts from the first RTO retransmission, and the error
    // comes at the first RTO expiry past it: about 3.3 s after the send.
    expect(step(r, 5)).toMatchObject({ outcome: 'returned', ret: -1, errno: 'ETIMEDOUT' })
    expect(step(r, 5).endMs).toBeGreaterThan(2500)
    expect(step(r, 5).endMs).toBeLessThan(4500)
    expect(step(r, 6).outcome).toBe('blocked') // nothing ever told the server
    const data = segments(r).filter((s) => s.dir === 'c2s' && s.len === 100)
    expect(data.length).toBeGreaterThanOrEqual(4)
    // Sent (the capture saw them leave, numbered) and lost on the way in.
    expect(data.every((s) => s.fate === 'dropped' && s.seq === 1 && s.seqKnown !== false)).toBe(
      true,
    )
    expect(data.slice(1).every((s) => s.retransmit)).toBe(true)
  })

  it.concurrent(
    'drop SYN with a count: the first SYN dies, the retransmission at 1 s connects',
    async () => {
      const r = await run([
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
        ...connected(7102),
      ])
      expect(step(r, 2)).toMatchObject({ outcome: 'returned', ret: 0 })
      expect(step(r, 2).endMs).toBeGreaterThan(900)
      const syns = segments(r).filter((s) => flagsOf(s) === 'SYN')
      expect(syns.map((s) => s.fate)).toEqual(['dropped', 'delivered'])
    },
  )

  it.concurrent('drop SYN-ACK once: the handshake completes on the retransmission', async () => {
    const r = await run([
      { actor: 'net', op: 'drop', dir: 's2c', match: 'SYN-ACK', count: 1 },
      ...connected(7103),
    ])
    expect(step(r, 2)).toMatchObject({ outcome: 'returned', ret: 0 })
    expect(step(r, 2).endMs).toBeGreaterThan(900)
    const synacks = segments(r).filter((s) => flagsOf(s) === 'SYN|ACK')
    expect(synacks[0]?.fate).toBe('dropped')
    expect(synacks.some((s) => s.fate === 'delivered')).toBe(true)
  })

  it.concurrent(
    'drop the final ACK: the client is ESTABLISHED, the server in SYN_RCVD until data arrives',
    async () => {
      const r = await run([
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'ACK', count: 1 },
        ...connected(7104),
        { actor: 'client', op: 'send', bytes: 5, at: 300 },
      ])
      expect(step(r, 2)).toMatchObject({ ret: 0 })
      expect(step(r, 2).endMs).toBeLessThan(300)
      expect(
        r.events.some((e) => e.type === 'state' && e.actor === 'server' && e.to === 'SYN_RCVD'),
      ).toBe(true)
      // accept returns only once the data segment's ACK completed the handshake.
      expect(step(r, 3).outcome).toBe('returned')
      expect(step(r, 3).endMs).toBeGreaterThanOrEqual(300)
    },
  )

  it.concurrent('drop FIN once: recv sees EOF only after the FIN is retransmitted', async () => {
    const r = await run([
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'FIN', count: 1 },
      ...connected(7105),
      { actor: 'client', op: 'close', at: 100 },
      { actor: 'server', op: 'recv', at: 100 },
    ])
    expect(step(r, 5)).toMatchObject({ outcome: 'returned', ret: 0 })
    expect(step(r, 5).endMs).toBeGreaterThan(200)
    const fins = segments(r).filter((s) => s.dir === 'c2s' && s.flags.includes('FIN'))
    expect(fins[0]?.fate).toBe('dropped')
  })

  it.concurrent('drop RST: the client never hears of the abort', async () => {
    const r = await run([
      { actor: 'net', op: 'drop', dir: 's2c', match: 'RST' },
      ...connected(7106),
      { actor: 'server', op: 'abort', at: 100 },
      { actor: 'client', op: 'recv', timeoutMs: 300, at: 300 },
    ])
    expect(step(r, 5)).toMatchObject({ ret: -1, errno: 'EAGAIN' })
    expect(segments(r).some((s) => s.flags.includes('RST') && s.fate === 'dropped')).toBe(true)
  })

  it.concurrent('drop data once: the payload arrives with the retransmission', async () => {
    const r = await run([
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'data', count: 1 },
      ...connected(7107),
      { actor: 'client', op: 'send', bytes: 100, at: 50 },
      { actor: 'server', op: 'recv', at: 50 },
    ])
    expect(step(r, 5)).toMatchObject({ ret: 100 })
    expect(step(r, 5).endMs).toBeGreaterThan(200)
    const data = segments(r).filter((s) => s.len === 100)
    expect(data.map((s) => s.fate).slice(0, 2)).toEqual(['dropped', 'delivered'])
  })

  it.concurrent.each([
    ['host-unreachable', 'EHOSTUNREACH'],
    ['net-unreachable', 'ENETUNREACH'],
    ['port-unreachable', 'ECONNREFUSED'],
    ['admin-prohibited', 'EHOSTUNREACH'],
  ] as const)(
    'reject %s: a blocking connect fails with the errno at the next SYN tick',
    async (icmp, errno) => {
      const r = await run([
        { actor: 'net', op: 'reject', dir: 'c2s', icmp },
        { actor: 'client', op: 'connect', port: 7108, at: 10 },
      ])
      expect(step(r, 1)).toMatchObject({ outcome: 'returned', ret: -1, errno })
      // The ICMP arrives while connect() holds the socket: a soft error until the 1 s tick.
      expect(step(r, 1).endMs).toBeGreaterThan(900)
      expect(step(r, 1).endMs).toBeLessThan(2500)
      expect(r.events.some((e) => e.type === 'icmp' && e.icmp === icmp)).toBe(true)
    },
  )

  it.concurrent('heal: after a cut, the retransmitted data gets through', async () => {
    const r = await run([
      ...connected(7109),
      { actor: 'net', op: 'cut', dir: 'both', at: 50 },
      { actor: 'client', op: 'send', bytes: 100, at: 100 },
      { actor: 'net', op: 'heal', at: 700 },
      { actor: 'server', op: 'recv', at: 100 },
    ])
    expect(step(r, 6)).toMatchObject({ ret: 100 })
    expect(step(r, 6).endMs).toBeGreaterThanOrEqual(700)
  })

  it.concurrent(
    'hold and release: the middlebox ACKs at once and delivers on release',
    async () => {
      const r = await run(
        [
          ...connected(7110),
          { actor: 'net', op: 'hold', at: 50 },
          { actor: 'client', op: 'send', bytes: 100, at: 100 },
          { actor: 'client', op: 'recv', timeoutMs: 200 },
          { actor: 'server', op: 'recv', at: 100 },
          { actor: 'net', op: 'release', at: 800 },
        ],
        { topology: 'middlebox' },
      )
      expect(step(r, 4)).toMatchObject({ ret: 100 })
      expect(step(r, 4).endMs).toBeLessThan(800)
      expect(step(r, 6)).toMatchObject({ ret: 100 })
      expect(step(r, 6).endMs).toBeGreaterThanOrEqual(800)
      expect(segments(r).some((s) => s.hop === 'client-middlebox')).toBe(true)
    },
  )

  it.concurrent.each([
    ['fin', 0, undefined],
    ['rst', -1, 'ECONNRESET'],
    ['silent', -1, 'EAGAIN'],
  ] as const)('crash %s: what the client reads afterwards', async (mode, ret, errno) => {
    const r = await run([
      ...connected(7111),
      { actor: 'server', op: 'crash', mode, at: 100 },
      { actor: 'client', op: 'recv', timeoutMs: 500, at: 300 },
      { actor: 'server', op: 'recv' },
    ])
    expect(step(r, 4)).toMatchObject({ outcome: 'returned', ret, ...(errno ? { errno } : {}) })
    expect(step(r, 5).outcome).toBe('skipped') // a dead actor does nothing more
    const last = segments(r).filter(
      (s) => s.dir === 's2c' && (s.flags.includes('FIN') || s.flags.includes('RST')),
    )
    if (mode === 'silent') {
      // Its FIN (and every retransmission of it) died on the way: the host vanished.
      expect(last.length).toBeGreaterThan(0)
      expect(last.every((s) => s.flags.includes('FIN') && s.fate === 'dropped')).toBe(true)
    } else {
      expect(
        last.some(
          (s) => s.flags.includes(mode === 'fin' ? 'FIN' : 'RST') && s.fate === 'delivered',
        ),
      ).toBe(true)
    }
  })

  it.concurrent(
    'crash fin with a connection still in the accept queue: the listener resets it and is gone',
    async () => {
      const r = await run([
        { actor: 'server', op: 'listen', port: 7119 },
        { actor: 'client', op: 'connect', port: 7119, at: 10 },
        { actor: 'server', op: 'crash', mode: 'fin', at: 100 },
        { actor: 'client', op: 'recv', at: 200 },
      ])
      expect(step(r, 3)).toMatchObject({ ret: -1, errno: 'ECONNRESET' })
      // final is taken once the killed program's kernel has closed everything it held.
      expect(r.final).toEqual({ client: 'CLOSED', server: 'CLOSED' })
      expect(r.finalDetail).toEqual([])
    },
  )

  it.concurrent(
    "freeze and thaw: the stopped peer's kernel fills up, nothing fails, data flows after SIGCONT",
    async () => {
      const r = await run(
        [
          ...connected(7112),
          { actor: 'server', op: 'freeze', at: 50 },
          { actor: 'client', op: 'send', bytes: 32 * 1024 * 1024, at: 100 },
          { actor: 'server', op: 'thaw', at: 1200 },
          { actor: 'server', op: 'recv' },
        ],
        { limitMs: 2500 },
      )
      // 32 MB cannot fit in both buffers: send blocks (no error), recv works after the thaw.
      expect(step(r, 4).outcome).toBe('blocked')
      expect(step(r, 6).ret).toBeGreaterThan(0)
      expect(step(r, 6).endMs).toBeGreaterThanOrEqual(1200)
      expect(segments(r).some((s) => s.dir === 's2c' && s.win === 0)).toBe(true)
    },
  )

  it.concurrent(
    'shutdown rd (real SHUT_RD): recv returns 0, yet data that arrives later is read',
    async () => {
      const r = await run([
        ...connected(7113),
        { actor: 'client', op: 'shutdown', how: 'rd', at: 50 },
        { actor: 'client', op: 'recv', at: 60 },
        { actor: 'server', op: 'send', bytes: 10, at: 300 },
        { actor: 'client', op: 'recv', at: 400 },
      ])
      expect(step(r, 3)).toMatchObject({ ret: 0 })
      expect(step(r, 3).notes).toBeUndefined()
      expect(step(r, 4)).toMatchObject({ ret: 0 })
      expect(step(r, 6)).toMatchObject({ ret: 10 })
    },
  )

  it.concurrent(
    "shutdown wr: the peer reads EOF, our send gets the kernel's EPIPE, the other way still works",
    async () => {
      const r = await run([
        ...connected(7114),
        { actor: 'client', op: 'shutdown', how: 'wr', at: 100 },
        { actor: 'server', op: 'recv', at: 300 },
        { actor: 'client', op: 'send', bytes: 5, at: 300 },
        { actor: 'server', op: 'send', bytes: 10, at: 400 },
        { actor: 'client', op: 'recv', at: 500 },
      ])
      expect(step(r, 4)).toMatchObject({ ret: 0 })
      expect(step(r, 5)).toMatchObject({ ret: -1, errno: 'EPIPE', signal: 'SIGPIPE' })
      expect(step(r, 5).notes).toEqual(['kernel.sigpipe-handled'])
      expect(step(r, 7)).toMatchObject({ ret: 10 })
    },
  )

  it.concurrent('abort: RST; the first call gets ECONNRESET, the next send EPIPE', async () => {
    const r = await run([
      ...connected(7115),
      { actor: 'server', op: 'abort', at: 100 },
      { actor: 'client', op: 'send', bytes: 5, at: 300 },
      { actor: 'client', op: 'send', bytes: 5 },
    ])
    expect(step(r, 4)).toMatchObject({ ret: -1, errno: 'ECONNRESET' })
    expect(step(r, 4).signal).toBeUndefined()
    expect(step(r, 5)).toMatchObject({ ret: -1, errno: 'EPIPE', signal: 'SIGPIPE' })
    expect(segments(r).some((s) => s.dir === 's2c' && s.flags.includes('RST'))).toBe(true)
  })

  it.concurrent(
    'keepalive with the exact interval and count: ETIMEDOUT after idle + count x interval',
    async () => {
      const r = await run(
        [
          ...connected(7116),
          { actor: 'client', op: 'keepalive', at: 20 },
          { actor: 'net', op: 'cut', dir: 'both', at: 50 },
          { actor: 'client', op: 'recv', at: 60 },
        ],
        { timers: { keepalive: { idleS: 1, intervalS: 1, count: 2 } }, limitMs: 8000 },
      )
      expect(r.timers.keepalive).toEqual({ idleS: 1, intervalS: 1, count: 2 })
      expect(step(r, 5)).toMatchObject({ ret: -1, errno: 'ETIMEDOUT' })
      // 1 s idle + 2 probes 1 s apart, as TCP_KEEPIDLE/INTVL/CNT set them on the socket.
      expect(step(r, 5).endMs).toBeGreaterThan(2700)
      expect(step(r, 5).endMs).toBeLessThan(4000)
    },
  )

  it.concurrent(
    'recv timeout: -1 EAGAIN when SO_RCVTIMEO expires, the socket stays open',
    async () => {
      const r = await run([
        ...connected(7117),
        { actor: 'client', op: 'recv', timeoutMs: 300, at: 50 },
        { actor: 'server', op: 'send', bytes: 7, at: 500 },
        { actor: 'client', op: 'recv', timeoutMs: 1000 },
      ])
      expect(step(r, 3)).toMatchObject({ ret: -1, errno: 'EAGAIN' })
      expect(step(r, 3).endMs - step(r, 3).startMs).toBeGreaterThanOrEqual(299)
      expect(step(r, 3).endMs - step(r, 3).startMs).toBeLessThan(600)
      expect(step(r, 5)).toMatchObject({ ret: 7 })
    },
  )

  it.concurrent(
    "timers are the namespace's sysctls: tcp_syn_retries 1 gives up at 3 s",
    async () => {
      const r = await run(
        [
          { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN' },
          { actor: 'client', op: 'connect', port: 7118, at: 10 },
        ],
        { timers: { synRetries: 1, synackRetries: 1, retries2: 4 } },
      )
      expect(r.timers).toMatchObject({ synRetries: 1, synackRetries: 1, retries2: 4 })
      expect(r.timersShortened).toBe(true)
      expect(step(r, 1)).toMatchObject({ ret: -1, errno: 'ETIMEDOUT' })
      // (2^(1+1) - 1) s budget, failing on the tick after it.
      expect(step(r, 1).endMs).toBeGreaterThan(2800)
      expect(step(r, 1).endMs).toBeLessThan(3700)
      // Linear timeouts: SYNs at 0, 1 and 2 s (more than N retransmissions: the rule is time).
      expect(segments(r).filter((s) => flagsOf(s) === 'SYN').length).toBeGreaterThanOrEqual(2)
    },
  )
})
