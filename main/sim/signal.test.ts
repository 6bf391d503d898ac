// Lab script version 2's `signal` step on the simulator: the timing rule's exception (it starts
// at its `at` while its actor blocks) and each profile's signal rule (shared/profiles.ts
// `signals`). The Linux expectations are what the kernel lab measured on 6.18 (socklab check
// agrees on each; docs/kernel-rules.md, "Signals").
import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import type { LabScriptInput, ProfileId } from '../../shared/lab-script'
import { simulate } from './simulate'
import { run, script, stepAt } from './test-util'

type Steps = LabScriptInput['steps']
const connected = (port: number): Steps => [
  { actor: 'server', op: 'listen', port },
  { actor: 'client', op: 'connect', port, at: 10 },
  { actor: 'server', op: 'accept' },
]

function sim(steps: Steps, profile: ProfileId = 'linux', limitMs = 4000): LabResult {
  return run({ labScript: 2, profile, limitMs, steps })
}

/** `ret errno` of step `i`, or its outcome. */
function brief(r: LabResult, i: number): string {
  const s = stepAt(r, i)
  if (s.outcome !== 'returned') return s.outcome
  return [String(s.ret), s.errno].filter(Boolean).join(' ')
}

/** A recv blocked at 100 ms, a signal at 500 ms, data from the server at 1500 ms. */
function blockedRecv(restart: boolean, timeoutMs?: number): Steps {
  return [
    ...connected(7401),
    { actor: 'client', op: 'recv', at: 100, ...(timeoutMs ? { timeoutMs } : {}) },
    { actor: 'client', op: 'signal', restart, at: 500 },
    { actor: 'server', op: 'send', bytes: 10, at: 1500 },
  ]
}

describe('a signal to a blocked call', () => {
  it('starts at its at while its actor blocks, and returns 0', () => {
    const r = sim(blockedRecv(false))
    expect(stepAt(r, 4)).toMatchObject({ outcome: 'returned', ret: 0, startMs: 500 })
  })

  it('without SA_RESTART: the recv fails with EINTR when the signal arrives', () => {
    const r = sim(blockedRecv(false))
    expect(brief(r, 3)).toBe('-1 EINTR')
    expect(stepAt(r, 3).endMs).toBe(500)
    expect(stepAt(r, 3).notes).toContain('signal-eintr')
  })

  it('with SA_RESTART: the recv goes on and returns the data sent later', () => {
    const r = sim(blockedRecv(true))
    expect(brief(r, 3)).toBe('10')
    expect(stepAt(r, 3).endMs).toBeCloseTo(1500, 0)
    expect(r.events.some((e) => e.type === 'note' && e.key === 'signal-restart')).toBe(true)
  })

  it('with SA_RESTART but SO_RCVTIMEO: Linux fails with EINTR anyway, macOS restarts', () => {
    const linux = sim(blockedRecv(true, 3000))
    expect(brief(linux, 3)).toBe('-1 EINTR')
    expect(stepAt(linux, 3).notes).toContain('signal-eintr-timeout')
    // BSD: the restarted recv gets the data at 1.5 s.
    expect(brief(sim(blockedRecv(true, 3000), 'macos'), 3)).toBe('10')
  })

  it('on macOS the restarted recv waits its whole timeout again', () => {
    const steps: Steps = [
      ...connected(7402),
      { actor: 'client', op: 'recv', at: 100, timeoutMs: 1000 },
      { actor: 'client', op: 'signal', restart: true, at: 800 },
    ]
    const r = sim(steps, 'macos')
    expect(brief(r, 3)).toBe('-1 EAGAIN')
    expect(stepAt(r, 3).endMs).toBe(1800)
  })

  it('Windows: no POSIX signal reaches the call; it goes on waiting', () => {
    const r = sim(blockedRecv(false), 'windows')
    expect(brief(r, 3)).toBe('10')
    expect(r.events.some((e) => e.type === 'note' && e.key === 'signal-windows')).toBe(true)
  })

  it('connect: EINTR, and the handshake goes on in the background', () => {
    const steps: Steps = [
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
      { actor: 'server', op: 'listen', port: 7403 },
      { actor: 'client', op: 'connect', port: 7403, at: 10 },
      { actor: 'client', op: 'signal', at: 300 },
      { actor: 'server', op: 'accept' },
    ]
    const r = sim(steps)
    expect(brief(r, 2)).toBe('-1 EINTR')
    expect(stepAt(r, 2).notes).toContain('signal-eintr-connect')
    // The SYN repeated at 1 s gets through: the server accepts, the client is connected.
    expect(Number(brief(r, 4))).toBeGreaterThan(0)
    expect(r.final).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' })
    // With SA_RESTART Linux waits on (the restarted connect returns 0); BSD says EINTR.
    const again: Steps = steps.map((s) => (s.op === 'signal' ? { ...s, restart: true } : s))
    expect(brief(sim(again), 2)).toBe('0')
    expect(brief(sim(again, 'macos'), 2)).toBe('-1 EINTR')
  })

  it('a send that had copied part of its bytes returns that count, restart or not', () => {
    for (const restart of [false, true]) {
      const steps: Steps = [
        ...connected(7404),
        { actor: 'server', op: 'freeze', at: 50 },
        { actor: 'client', op: 'send', bytes: 8 * 1024 * 1024, at: 100 },
        { actor: 'client', op: 'signal', restart, at: 1000 },
      ]
      const r = sim(steps)
      const ret = stepAt(r, 4).ret ?? 0
      expect(ret, `restart ${restart}`).toBeGreaterThan(0)
      expect(ret).toBeLessThan(8 * 1024 * 1024)
      expect(stepAt(r, 4).notes).toContain('signal-partial')
    }
  })

  it('a signal to an actor not blocked changes nothing', () => {
    const quiet: Steps = [...connected(7405), { actor: 'client', op: 'recv', at: 1500 }]
    const withSignal: Steps = [
      ...connected(7405),
      { actor: 'client', op: 'signal', at: 500 },
      { actor: 'client', op: 'recv', at: 1500 },
      { actor: 'server', op: 'send', bytes: 10, at: 2000 },
    ]
    const r = sim(withSignal)
    expect(brief(r, 3)).toBe('0')
    expect(brief(r, 4)).toBe('10')
    expect(sim(quiet).final).toEqual(r.final)
    // A sleep is the lab's pause, not a call: the signal does not shorten it.
    const sleeping: Steps = [
      { actor: 'client', op: 'sleep', ms: 1000 },
      { actor: 'client', op: 'signal', at: 300 },
    ]
    const s = sim(sleeping)
    expect(stepAt(s, 0).endMs).toBe(1000)
    expect(stepAt(s, 1).startMs).toBe(300)
  })

  it('a signal written after a blocked call waits for it when it is not right after it', () => {
    const steps: Steps = [
      ...connected(7406),
      { actor: 'client', op: 'recv', at: 100 },
      { actor: 'client', op: 'sleep', ms: 10 },
      { actor: 'client', op: 'signal', at: 500 },
      { actor: 'server', op: 'send', bytes: 10, at: 1500 },
    ]
    const r = sim(steps)
    expect(brief(r, 3)).toBe('10')
    expect(stepAt(r, 5).startMs).toBeGreaterThanOrEqual(1500)
  })

  it('a program that wakes late still sees the signal end its connect (wakeDelayMs)', () => {
    const s = script({
      labScript: 2,
      limitMs: 3000,
      steps: [
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN' },
        { actor: 'client', op: 'connect', port: 7407, at: 10 },
        { actor: 'client', op: 'signal', at: 300 },
      ],
    })
    const r = simulate(s, { wakeDelayMs: { client: 5, server: 5 } })
    expect(brief(r, 1)).toBe('-1 EINTR')
    expect(stepAt(r, 1).endMs).toBeCloseTo(305, 0)
  })
})
