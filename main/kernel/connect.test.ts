// connect.ok and connect.refused on real sockets in two child processes: in a private
// namespace when this host allows one, and on plain loopback with mapped ports either way.
import { describe, expect, it } from 'vitest'
import { constants } from 'node:os'
import { scenarioScript } from '../../shared/catalog/index'
import { createKernelBackend, probeKernel } from './index'
import { childPids, runCollect } from './test-util'

const probe = await probeKernel()
const hosts = [
  ...(probe.isolation === 'netns' ? [{ name: 'namespace', backend: createKernelBackend() }] : []),
  {
    name: 'plain loopback',
    backend: createKernelBackend(async () => ({
      ...probe,
      isolation: 'loopback' as const,
      nft: false,
      sysctls: false,
      capture: false,
    })),
  },
]

describe.each(hosts)('connect on the real kernel ($name)', ({ name, backend }) => {
  it('connect.ok: the handshake completes and accept returns a descriptor', async () => {
    const { result, stepped } = await runCollect(backend, scenarioScript('connect.ok')!)
    expect(result.backend).toBe('kernel')
    expect(result.host?.isolation).toBe(name === 'namespace' ? 'netns' : 'loopback')
    const [listen, connect, accept] = result.steps
    expect(listen).toMatchObject({ op: 'listen', outcome: 'returned', ret: 0 })
    expect(connect).toMatchObject({ op: 'connect', outcome: 'returned', ret: 0 })
    expect(accept?.outcome).toBe('returned')
    expect(accept?.ret).toBeGreaterThan(2)
    // The client's connect starts at its `at` (10 ms), never before.
    expect(connect!.startMs).toBeGreaterThanOrEqual(10)
    expect(stepped).toHaveLength(3)
    if (process.platform === 'linux') {
      expect(result.final).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' })
    }
    if (name === 'namespace') {
      const segs = result.events.filter((e) => e.type === 'segment')
      expect(segs.slice(0, 3).map((s) => s.type === 'segment' && s.flags.join('|'))).toEqual([
        'SYN',
        'SYN|ACK',
        'ACK',
      ])
    }
  })

  it('connect.refused: the kernel answers ECONNREFUSED with the host number', async () => {
    const { result } = await runCollect(backend, scenarioScript('connect.refused')!)
    const [connect] = result.steps
    expect(connect).toMatchObject({
      op: 'connect',
      outcome: 'returned',
      ret: -1,
      errno: 'ECONNREFUSED',
      errnoNumber: constants.errno.ECONNREFUSED,
      message: 'Connection refused',
    })
    if (process.platform === 'linux') expect(connect!.errnoNumber).toBe(111)
    if (name === 'namespace') {
      const flags = result.events.flatMap((e) => (e.type === 'segment' ? [e.flags.join('|')] : []))
      expect(flags).toContain('ACK|RST')
    }
    expect(childPids()).toEqual([])
  })
})
