// Lab script version 2 on the real kernel: a `signal` step reaches the program while it is
// blocked in a call (perl-peer.ts: SIGUSR1's handler without SA_RESTART, SIGUSR2's with it), and
// `usertimeout` is setsockopt(IPPROTO_TCP, TCP_USER_TIMEOUT). What each call returns here is the
// kernel's answer (signal(7), tcp(7)); docs/kernel-rules.md records the figures.
import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import type { LabScriptInput } from '../../shared/lab-script'
import { createKernelBackend, probeKernel } from './index'
import { limiter, runCollect, script } from './test-util'

const probe = await probeKernel()
const backend = createKernelBackend()
const slot = limiter(3)
if (!probe.available) console.log(`signals on the kernel skipped: ${probe.detail}`)

type Steps = LabScriptInput['steps']
const connected = (port: number): Steps => [
  { actor: 'server', op: 'listen', port },
  { actor: 'client', op: 'connect', port, at: 10 },
  { actor: 'server', op: 'accept' },
]

/** Step `i` as `ret errno`, or its outcome. */
function brief(r: LabResult, i: number): string {
  const s = r.steps.find((x) => x.index === i)!
  if (s.outcome !== 'returned') return s.outcome
  return [String(s.ret), s.errno].filter((x) => x !== undefined).join(' ')
}

async function run(steps: Steps, limitMs = 3000): Promise<LabResult> {
  const { result } = await slot(() => runCollect(backend, script({ labScript: 2, limitMs, steps })))
  return result
}

describe.skipIf(!probe.available)('signals and TCP_USER_TIMEOUT, on the real kernel', () => {
  it.concurrent('a recv blocked without SA_RESTART fails with EINTR at the signal', async () => {
    const r = await run([
      ...connected(7421),
      { actor: 'client', op: 'recv', at: 100 },
      { actor: 'client', op: 'signal', at: 500 },
    ])
    expect(brief(r, 3)).toBe('-1 EINTR')
    expect(r.steps.find((x) => x.index === 3)!.endMs).toBeGreaterThanOrEqual(500)
    expect(brief(r, 4)).toBe('0')
  })

  it.concurrent('with SA_RESTART the recv goes on; with SO_RCVTIMEO it fails anyway', async () => {
    const r = await run([
      ...connected(7422),
      { actor: 'client', op: 'recv', at: 100 },
      { actor: 'client', op: 'signal', restart: true, at: 500 },
      { actor: 'server', op: 'send', bytes: 10, at: 1000 },
      { actor: 'client', op: 'recv', timeoutMs: 2000, at: 1300 },
      { actor: 'client', op: 'signal', restart: true, at: 1600 },
    ])
    expect(brief(r, 3)).toBe('10')
    expect(r.steps.find((x) => x.index === 3)!.endMs).toBeGreaterThanOrEqual(1000)
    expect(brief(r, 6)).toBe('-1 EINTR')
  })

  it.concurrent('connect: EINTR, the handshake goes on; SA_RESTART waits on', async () => {
    const steps = (restart: boolean, port: number): Steps => [
      { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', count: 1 },
      { actor: 'server', op: 'listen', port },
      { actor: 'client', op: 'connect', port, at: 10 },
      { actor: 'client', op: 'signal', restart, at: 300 },
      { actor: 'server', op: 'accept' },
    ]
    const eintr = await run(steps(false, 7423))
    expect(brief(eintr, 2)).toBe('-1 EINTR')
    expect(Number(brief(eintr, 4))).toBeGreaterThan(0)
    expect(eintr.final).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' })
    expect(brief(await run(steps(true, 7424)), 2)).toBe('0')
  })

  it.concurrent(
    'TCP_USER_TIMEOUT ends the wait 1 s after the first RTO, not by retries2',
    async () => {
      const r = await run(
        [
          ...connected(7425),
          { actor: 'client', op: 'usertimeout', ms: 1000, at: 50 },
          { actor: 'net', op: 'cut', dir: 'both', at: 100 },
          { actor: 'client', op: 'send', bytes: 1000, at: 200 },
          { actor: 'client', op: 'recv', at: 300 },
        ],
        5000,
      )
      expect(brief(r, 3)).toBe('0')
      expect(brief(r, 6)).toBe('-1 ETIMEDOUT')
      // Tail-loss probe ~0.4 s, RTO ~0.61 s, then the clamp: ~1.61 s (default retries2: ~15 min).
      const end = r.steps.find((x) => x.index === 6)!.endMs
      expect(end).toBeGreaterThan(1400)
      expect(end).toBeLessThan(2200)
    },
  )

  it.concurrent('TCP_USER_TIMEOUT ends a zero-window wait on a live peer', async () => {
    const r = await run(
      [
        ...connected(7426),
        { actor: 'client', op: 'usertimeout', ms: 2000, at: 50 },
        { actor: 'server', op: 'freeze', at: 100 },
        { actor: 'client', op: 'send', bytes: 16 * 1024 * 1024, at: 200 },
        { actor: 'client', op: 'recv' },
      ],
      6000,
    )
    expect(Number(brief(r, 5))).toBeGreaterThan(0)
    expect(brief(r, 6)).toBe('-1 ETIMEDOUT')
    expect(r.final.client).toBe('CLOSED')
  })
})
