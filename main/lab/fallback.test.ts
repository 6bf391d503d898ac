// The kernel lab on a host that cannot run it (a Linux without unprivileged user namespaces,
// one without perl, macOS): it emulates nothing. Every script is refused with one sentence
// saying why (`unsupported`, the CLI's exit code 3), a run is refused the same way, and
// nothing is started. The hosts are injected probes; this machine's own commands are not
// asked.
import { describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { UnsupportedError } from '../backend/backend'
import { createKernelBackend } from '../kernel/index'
import type { CommandResult } from '../kernel/netns'
import { probeHost } from '../kernel/probe'
import { leftovers, runCollect } from '../kernel/test-util'
import { runScript } from './session'

/**
 * A host as the probe would find it: `perl` answers the syscall check, `namespace` the checks
 * run inside a namespace the lab's own way (perl too).
 */
function host(platform: NodeJS.Platform, answers: Record<string, CommandResult>) {
  return probeHost({
    platform,
    arch: 'x64',
    release: platform === 'darwin' ? '24.1.0' : '6.18.0',
    run: async (cmd, args) =>
      answers[(args[1] ?? '').includes('private_namespace()') ? 'namespace' : cmd] ?? {
        code: 127,
        stdout: '',
        stderr: `${cmd}: not found`,
      },
  })
}

const perlOk: CommandResult = { code: 0, stdout: 'ok', stderr: '' }
const nsOk: CommandResult = { code: 0, stdout: 'mark:lo\nmark:nft\nmark:sysctl\n', stderr: '' }
const hosts = [
  {
    name: 'a Linux without unprivileged user namespaces',
    probe: () =>
      host('linux', {
        perl: perlOk,
        namespace: { code: 1, stdout: '', stderr: 'socklab: unshare: Operation not permitted' },
      }),
    why: /unprivileged user namespaces are not permitted \(socklab: unshare: Operation not/,
  },
  {
    name: 'a Linux without perl',
    probe: () =>
      host('linux', {
        perl: { code: null, stdout: '', stderr: 'Error: spawn perl ENOENT' },
        namespace: nsOk,
      }),
    why: /perl is missing/,
  },
  {
    name: 'macOS',
    probe: () => host('darwin', {}),
    why: /darwin has no Linux network namespaces/,
  },
]

describe.each(hosts)('the kernel lab on $name', ({ probe, why }) => {
  it('refuses every catalog case with one sentence saying why', async () => {
    const p = await probe()
    expect(p.available).toBe(false)
    expect(p.isolation).toBe('none')
    const backend = createKernelBackend(async () => p)
    for (const c of CATALOG) {
      const reason = await backend.unsupported(scenarioScript(c.script.id)!)
      expect(reason, c.script.id).toMatch(why)
      // One sentence: it ends once, with a full stop.
      expect(reason!.trim().match(/\.(\s|$)/g), c.script.id).toHaveLength(1)
    }
  })

  it('refuses a run the same way (exit code 3 in the CLI) and starts nothing', async () => {
    const p = await probe()
    const backend = createKernelBackend(async () => p)
    const script = scenarioScript('connect.refused')!
    await expect(runCollect(backend, script)).rejects.toThrow(UnsupportedError)
    const r = await runScript(script, backend)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('unsupported')
      expect(r.error.message).toMatch(why)
    }
    expect(leftovers()).toEqual([])
  })
})
