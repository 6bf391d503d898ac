// connect.ok and connect.refused on real sockets in the run's private namespace: one real
// system call each, the kernel's own errno number, the segments from the packet socket.
import { describe, expect, it } from 'vitest'
import { scenarioScript } from '../../shared/catalog/index'
import { createKernelBackend, probeKernel } from './index'
import { childPids, leftovers, runCollect } from './test-util'

const probe = await probeKernel()
const backend = createKernelBackend()
if (!probe.available) console.log(`connect on the kernel skipped: ${probe.detail}`)

describe.skipIf(!probe.available)('connect on the real kernel', () => {
  it('connect.ok: the handshake completes and accept returns a descriptor', async () => {
    const { result, stepped } = await runCollect(backend, scenarioScript('connect.ok')!)
    expect(result.backend).toBe('kernel')
    expect(result.host?.isolation).toBe('netns')
    const [listen, connect, accept] = result.steps
    expect(listen).toMatchObject({ op: 'listen', outcome: 'returned', ret: 0 })
    expect(connect).toMatchObject({ op: 'connect', outcome: 'returned', ret: 0 })
    expect(accept?.outcome).toBe('returned')
    expect(accept?.ret).toBeGreaterThan(2)
    // The client's connect starts at its `at` (10 ms), never before.
    expect(connect!.startMs).toBeGreaterThanOrEqual(10)
    expect(stepped).toHaveLength(3)
    expect(result.final).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' })
    expect(result.finalDetail).toEqual([
      { actor: 'client', role: 'connection', state: 'ESTABLISHED' },
      { actor: 'server', role: 'listener', state: 'LISTEN' },
      { actor: 'server', role: 'connection', state: 'ESTABLISHED' },
    ])
    expect(result.socketTable?.[0]).toMatch(/^State\s+Recv-Q\s+Send-Q/)
    expect(result.socketTable?.filter((l) => l.startsWith('ESTAB'))).toHaveLength(2)
    const segs = result.events.filter((e) => e.type === 'segment')
    expect(segs.slice(0, 3).map((s) => s.type === 'segment' && s.flags.join('|'))).toEqual([
      'SYN',
      'SYN|ACK',
      'ACK',
    ])
  })

  it('connect.refused: the kernel answers ECONNREFUSED (111), after the SYN its RST', async () => {
    const { result } = await runCollect(backend, scenarioScript('connect.refused')!)
    const [connect] = result.steps
    expect(connect).toMatchObject({
      op: 'connect',
      outcome: 'returned',
      ret: -1,
      errno: 'ECONNREFUSED',
      errnoNumber: 111,
      message: 'Connection refused',
    })
    const flags = result.events.flatMap((e) => (e.type === 'segment' ? [e.flags.join('|')] : []))
    expect(flags).toEqual(['SYN', 'ACK|RST'])
    expect(result.final).toEqual({ client: 'CLOSED', server: 'CLOSED' })
    expect(childPids()).toEqual([])
    expect(leftovers()).toEqual([])
  })
})
