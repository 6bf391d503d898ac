// The capability probe on injected hosts: a full Linux, one without user namespaces, without
// perl, without nft, without writable sysctls, an unknown architecture, macOS and Windows.
// What each can run on the real kernel, and that every refusal says why in one sentence.
import { describe, expect, it } from 'vitest'
import { CATALOG } from '../../shared/catalog/index'
import { needsNft } from './nft'
import type { CommandResult } from './netns'
import { probeHost, whyNot, type ProbeHost } from './probe'
import { script } from './test-util'

interface FakeHost {
  platform?: NodeJS.Platform
  arch?: string
  userns?: boolean
  nft?: boolean
  sysctl?: boolean
  conntrack?: boolean
  perl?: boolean
}

/** A host that answers the probe's commands the way such a machine would. */
function fakeHost(f: FakeHost): ProbeHost & { calls: string[] } {
  const calls: string[] = []
  return {
    platform: f.platform ?? 'linux',
    arch: f.arch ?? 'x64',
    release: '6.18.0',
    calls,
    async run(cmd: string, args: string[]): Promise<CommandResult> {
      const namespace = cmd === 'perl' && (args[1] ?? '').includes('private_namespace()')
      calls.push(namespace ? 'perl namespace' : cmd)
      if (cmd !== 'perl') return { code: 127, stdout: '', stderr: `${cmd}: not found` }
      if (f.perl === false) return { code: null, stdout: '', stderr: 'Error: spawn perl ENOENT' }
      if (!namespace) {
        // The probe asks perl's syscall() for getpid with the number of the host's table.
        expect(args.at(-1)).toBe(f.arch === 'arm64' ? '172' : '39')
        return { code: 0, stdout: 'ok', stderr: '' }
      }
      {
        if (f.userns === false) {
          return { code: 1, stdout: '', stderr: 'socklab: unshare: Operation not permitted' }
        }
        const marks = [
          'lo',
          ...(f.nft === false ? [] : ['nft']),
          ...(f.sysctl === false ? [] : ['sysctl']),
          ...(f.nft === false || f.conntrack === false ? [] : ['conntrack']),
          'packet',
        ]
        return { code: 0, stdout: marks.map((m) => `mark:${m}\n`).join(''), stderr: '' }
      }
    },
  }
}

const kernelCases = CATALOG.filter((c) => c.backends.includes('kernel')).map((c) => c.script.id)
const withFaults = CATALOG.filter((c) => needsNft(script(c.script))).map((c) => c.script.id)
const timed = CATALOG.filter((c) => Object.keys(script(c.script).timers).length > 0).map(
  (c) => c.script.id,
)

describe('probeHost', () => {
  it.each(['x64', 'arm64'])(
    'on a full Linux host (%s): namespaces, perl, nft, timers, capture; every case runs',
    async (arch) => {
      const host = fakeHost({ arch })
      const p = await probeHost(host)
      expect(p).toMatchObject({
        available: true,
        isolation: 'netns',
        nft: true,
        sysctls: true,
        conntrack: true,
        capture: true,
        perl: true,
        platform: 'linux',
      })
      expect(p.checks.every((c) => c.ok)).toBe(true)
      expect(p.cases.map((c) => c.id)).toEqual(kernelCases)
      expect(p.cases.filter((c) => !c.runnable)).toEqual([])
      expect(host.calls).toEqual(['perl', 'perl namespace'])
    },
  )

  it.each([
    [
      'without user namespaces',
      { userns: false },
      /user namespaces are not permitted.*Operation not permitted/,
    ],
    ['without perl', { perl: false }, /perl is missing/],
    ['on an unknown architecture', { arch: 'riscv64' }, /no system call numbers for riscv64/],
  ] as const)('%s: unavailable, and every case refused with that reason', async (_n, f, why) => {
    const p = await probeHost(fakeHost(f))
    expect(p.available).toBe(false)
    expect(p.isolation).toBe('none')
    expect(p.detail).toMatch(why)
    expect(p.checks.some((c) => !c.ok)).toBe(true)
    expect(p.cases.every((c) => !c.runnable && c.why === p.detail)).toBe(true)
  })

  it('without nft: net faults and the silent crash are refused, the rest runs', async () => {
    const p = await probeHost(fakeHost({ nft: false }))
    expect(p).toMatchObject({ available: true, nft: false, sysctls: true })
    for (const c of p.cases) {
      if (withFaults.includes(c.id)) expect(c.why, c.id).toMatch(/needs nft rules/)
      else expect(c.runnable, c.id).toBe(true)
    }
    expect(p.cases.find((c) => c.id === 'peer.host-down')?.why).toMatch(/crash mode silent/)
    expect(p.cases.find((c) => c.id === 'peer.crash-fin')?.runnable).toBe(true)
  })

  it('without writable sysctls: the scripts that shorten timers are refused', async () => {
    const p = await probeHost(fakeHost({ sysctl: false }))
    expect(p.available).toBe(true)
    for (const c of p.cases) {
      if (timed.includes(c.id)) expect(c.why, c.id).toMatch(/shortens kernel timers/)
      else expect(c.runnable, c.id).toBe(true)
    }
    const plain = script({ labScript: 1, steps: [{ actor: 'client', op: 'connect', port: 7001 }] })
    expect(whyNot(plain, p)).toBeNull()
  })

  it('without conntrack in the namespace: the firewall cases are refused, the rest runs', async () => {
    const p = await probeHost(fakeHost({ conntrack: false }))
    expect(p).toMatchObject({ available: true, nft: true, conntrack: false })
    const firewalled = CATALOG.filter((c) => script(c.script).firewall).map((c) => c.script.id)
    expect(firewalled.length).toBeGreaterThan(0)
    for (const c of p.cases) {
      if (firewalled.includes(c.id))
        expect(c.why, c.id).toMatch(/firewall is the namespace's conntrack/)
      else expect(c.runnable, c.id).toBe(true)
    }
  })

  it.each(['darwin', 'win32'] as const)(
    'on %s: unavailable, without asking perl anything',
    async (platform) => {
      const host = fakeHost({ platform })
      const p = await probeHost(host)
      expect(p.available).toBe(false)
      expect(host.calls).toEqual([])
      expect(p.detail).toContain(platform)
      expect(p.cases.every((c) => !c.runnable)).toBe(true)
    },
  )
})
