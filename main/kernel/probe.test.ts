// The capability probe and its fallbacks, on injected hosts: a full Linux, one without user
// namespaces, one without nft, one without perl, macOS and Windows. Which catalog cases each
// can run on the real kernel, and that every other one is named with a reason.
import { describe, expect, it } from 'vitest'
import { CATALOG } from '../../shared/catalog/index'
import type { CommandResult } from './netns'
import { probeHost, whyNot, type ProbeHost } from './probe'
import { script } from './test-util'

interface FakeHost {
  platform?: NodeJS.Platform
  userns?: boolean
  nft?: boolean
  sysctl?: boolean
  perl?: boolean
}

/** A host that answers the probe's two commands the way such a machine would. */
function fakeHost(f: FakeHost): ProbeHost & { calls: string[] } {
  const calls: string[] = []
  return {
    platform: f.platform ?? 'linux',
    release: '6.18.0',
    calls,
    async run(cmd: string): Promise<CommandResult> {
      calls.push(cmd)
      if (cmd === 'perl') {
        return f.perl === false
          ? { code: null, stdout: '', stderr: 'Error: spawn perl ENOENT' }
          : { code: 0, stdout: 'ok', stderr: '' }
      }
      if (cmd === 'unshare') {
        if (f.userns === false) {
          return {
            code: 1,
            stdout: '',
            stderr: 'unshare: write failed /proc/self/uid_map: Operation not permitted',
          }
        }
        const marks = [
          'lo',
          ...(f.nft === false ? [] : ['nft']),
          ...(f.sysctl === false ? [] : ['sysctl']),
          'ss',
        ]
        return { code: 0, stdout: marks.map((m) => `mark:${m}\n`).join(''), stderr: '' }
      }
      return { code: 127, stdout: '', stderr: `${cmd}: not found` }
    },
  }
}

const kernelCases = CATALOG.filter((c) => c.backends.includes('kernel')).map((c) => c.script.id)
/** Catalog cases that need nothing but two processes on loopback (no faults, no timers). */
const loopbackOnly = CATALOG.filter((c) => {
  const s = script(c.script)
  const timed = Object.keys(s.timers).length > 0
  const faults = s.steps.some(
    (st) =>
      ['cut', 'drop', 'reject', 'heal'].includes(st.op) ||
      (st.op === 'crash' && st.mode === 'silent'),
  )
  return c.backends.includes('kernel') && !timed && !faults
}).map((c) => c.script.id)

describe('probeHost', () => {
  it('on a full Linux host: namespaces, nft, timers, capture, helper; every case runs', async () => {
    const host = fakeHost({})
    const p = await probeHost(host)
    expect(p).toMatchObject({
      available: true,
      isolation: 'netns',
      nft: true,
      sysctls: true,
      capture: true,
      helper: true,
      platform: 'linux',
    })
    expect(p.checks.every((c) => c.ok)).toBe(true)
    expect(p.cases.map((c) => c.id)).toEqual(kernelCases)
    expect(p.cases.filter((c) => !c.runnable)).toEqual([])
    expect(host.calls).toEqual(['perl', 'unshare'])
  })

  it('without user namespaces: plain loopback, and the cases needing faults or timers named', async () => {
    const p = await probeHost(fakeHost({ userns: false }))
    expect(p.isolation).toBe('loopback')
    expect(p.available).toBe(true)
    expect(p.nft).toBe(false)
    expect(p.sysctls).toBe(false)
    const userns = p.checks.find((c) => c.name === 'user namespaces')!
    expect(userns.ok).toBe(false)
    expect(userns.detail).toContain('Operation not permitted')
    // The loopback cases of the issue: refused, FIN and EOF, RST, EPIPE, close with unread
    // data, crash.
    const runnable = p.cases.filter((c) => c.runnable).map((c) => c.id)
    expect(runnable).toEqual(loopbackOnly)
    for (const id of [
      'connect.ok',
      'connect.refused',
      'peer.close',
      'peer.crash-fin',
      'peer.crash-rst',
      'peer.close-unread',
      'peer.abort',
    ]) {
      expect(runnable).toContain(id)
    }
    for (const c of p.cases.filter((x) => !x.runnable)) {
      expect(c.why, c.id).toMatch(/namespace/)
    }
  })

  it('without nft: timers still shorten, net faults and the silent crash cannot run', async () => {
    const p = await probeHost(fakeHost({ nft: false }))
    expect(p).toMatchObject({ isolation: 'netns', nft: false, sysctls: true, capture: false })
    const byId = new Map(p.cases.map((c) => [c.id, c]))
    expect(byId.get('connect.timeout')?.why).toMatch(/nft/)
    expect(byId.get('peer.host-down')?.why).toMatch(/nft|silent/)
    expect(byId.get('peer.crash-fin')?.runnable).toBe(true)
  })

  it('without perl: the calls Node cannot make rule out exactly the cases that need them', async () => {
    const p = await probeHost(fakeHost({ perl: false }))
    expect(p.helper).toBe(false)
    expect(p.checks.find((c) => c.name === 'socket helper')?.ok).toBe(false)
    const blocked = p.cases.filter((c) => !c.runnable)
    for (const c of blocked) expect(c.why, c.id).toMatch(/socket helper \(perl\)/)
    expect(blocked.map((c) => c.id)).toEqual(
      expect.arrayContaining(['idle.keepalive', 'connect.unreachable']),
    )
    // A keepalive step without shortened timers, or a write-side shutdown, still runs.
    const plain = script({
      labScript: 1,
      steps: [
        { actor: 'server', op: 'listen', port: 7001 },
        { actor: 'client', op: 'connect', port: 7001 },
        { actor: 'client', op: 'keepalive' },
        { actor: 'client', op: 'shutdown', how: 'wr' },
      ],
    })
    expect(whyNot(plain, p)).toBeNull()
    expect(
      whyNot(
        { ...plain, steps: [...plain.steps, { actor: 'client', op: 'shutdown', how: 'rd' }] },
        p,
      ),
    ).toMatch(/SHUT_RD/)
  })

  it.each(['darwin', 'win32'] as const)(
    'on %s: loopback only, without asking for unshare',
    async (platform) => {
      const host = fakeHost({ platform })
      const p = await probeHost(host)
      expect(p.isolation).toBe('loopback')
      expect(p.helper).toBe(false)
      expect(host.calls).toEqual([])
      expect(p.checks.find((c) => c.name === 'user namespaces')?.detail).toContain(platform)
      const runnable = p.cases.filter((c) => c.runnable).map((c) => c.id)
      expect(runnable).toContain('connect.refused')
      expect(runnable).toContain('peer.crash-fin')
      if (platform === 'win32') {
        expect(p.cases.find((c) => c.id === 'peer.stopped')?.why).toMatch(/SIGSTOP/)
      }
    },
  )
})
