// The script's firewall on the real kernel: the namespace's conntrack, its timeouts set to
// `idleS`, with an input chain that drops or rejects (with a TCP reset) the INVALID segments of
// a connection it forgot (nft.ts). What each call returns here is the kernel's answer; the
// simulator's firewall (main/sim/net/firewall.ts) tells the same story (main/lab compares the
// catalog's firewall cases on both backends).
import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import type { LabScriptInput } from '../../shared/lab-script'
import { createKernelBackend, probeKernel } from './index'
import { limiter, runCollect, script } from './test-util'

const probe = await probeKernel()
const backend = createKernelBackend()
const slot = limiter(2)
if (!probe.conntrack)
  console.log(`the firewall on the kernel skipped: no conntrack in the namespace`)

function forgotten(forget: 'drop' | 'reset'): LabScriptInput {
  return {
    labScript: 2,
    firewall: { idleS: 1, forget },
    timers: { retries2: 2 },
    limitMs: 3000,
    steps: [
      { actor: 'server', op: 'listen', port: 7001 },
      { actor: 'client', op: 'connect', port: 7001, at: 10 },
      { actor: 'server', op: 'accept' },
      // 1.6 s idle, past the firewall's 1 s.
      { actor: 'client', op: 'send', bytes: 100, at: 1600 },
      { actor: 'server', op: 'recv', at: 1700, timeoutMs: 800 },
      { actor: 'client', op: 'recv', at: 1700, timeoutMs: 800 },
    ],
  }
}

async function onKernel(input: LabScriptInput): Promise<LabResult> {
  return slot(async () => (await runCollect(backend, script(input))).result)
}

describe.skipIf(!probe.available || !probe.conntrack)('the firewall on the kernel', () => {
  it('drop: the send after the idle timeout never reaches the server', async () => {
    const r = await onKernel(forgotten('drop'))
    expect(r.steps[3]).toMatchObject({ ret: 100 })
    expect(r.steps[4]).toMatchObject({ ret: -1, errno: 'EAGAIN' })
    const data = r.events.filter((e) => e.type === 'segment' && e.len > 0)
    expect(data.length).toBeGreaterThan(0)
    expect(data.every((e) => e.type === 'segment' && e.fate === 'dropped')).toBe(true)
    // The trace's note, once for the connection, as the simulator writes it.
    expect(r.events.filter((e) => e.type === 'note' && e.key.startsWith('firewall'))).toEqual([
      expect.objectContaining({ key: 'firewall-forgot-drop', params: { s: 1 } }),
    ])
  })

  it('reset: the firewall answers with an RST; the client learns, the server does not', async () => {
    const r = await onKernel(forgotten('reset'))
    expect(r.steps[4]).toMatchObject({ ret: -1, errno: 'EAGAIN' })
    expect(r.steps[5]).toMatchObject({ ret: -1, errno: 'ECONNRESET' })
    expect(r.final).toMatchObject({ client: 'CLOSED', server: 'ESTABLISHED' })
    expect(r.events.some((e) => e.type === 'note' && e.key === 'firewall-forgot-reset')).toBe(true)
    expect(
      r.events.some((e) => e.type === 'segment' && e.dir === 's2c' && e.flags.includes('RST')),
    ).toBe(true)
  })

  it('before the idle timeout the connection is still known', async () => {
    const input = forgotten('drop')
    input.steps[3] = { actor: 'client', op: 'send', bytes: 100, at: 400 }
    input.steps[4] = { actor: 'server', op: 'recv', at: 500, timeoutMs: 800 }
    input.steps[5] = { actor: 'client', op: 'sleep', ms: 1 }
    const r = await onKernel(input)
    expect(r.steps[4]).toMatchObject({ ret: 100 })
  })
})
