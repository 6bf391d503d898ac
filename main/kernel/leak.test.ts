// Cleanup that survives everything: runs back to back, a crash, a cancel in the middle of a
// blocked connect, and a run whose processes are all killed from outside half-way, all leave
// no process (whatever it became), namespace, socket or descriptor behind. The 500-run
// version of this is in `npm run bench -- kernel`.
import { describe, expect, it } from 'vitest'
import { scenarioScript } from '../../shared/catalog/index'
import { createKernelBackend, probeKernel } from './index'
import { childPids, leftovers, openFds, runCollect, script } from './test-util'

const probe = await probeKernel()
const namespaced = createKernelBackend()
if (!probe.available) console.log(`kernel lab cleanup skipped: ${probe.detail}`)

/** Everything this process could hold: sockets and pipes by kind, and live descendants. */
function snapshot(): { fds: number; sockets: number; processes: number[]; children: number[] } {
  const fds = openFds()
  return {
    fds: fds.length,
    sockets: fds.filter((f) => f.startsWith('socket:')).length,
    processes: leftovers(),
    children: childPids(),
  }
}

describe.skipIf(!probe.available)('the kernel lab leaves nothing behind', () => {
  it('after runs back to back, a crash, a cancel and a failing run', async () => {
    // Warm up: the first run loads what stays loaded (lazy modules).
    await runCollect(namespaced, scenarioScript('connect.ok')!)
    const before = snapshot()
    const cases = [
      'connect.ok',
      'connect.refused',
      'peer.crash-fin',
      'peer.crash-rst',
      'peer.abort',
    ]
    for (let i = 0; i < 10; i++) {
      const id = cases[i % cases.length]!
      const { result } = await runCollect(namespaced, scenarioScript(id)!)
      expect(result.steps.length).toBeGreaterThan(0)
    }
    // Cancel while the client sits in a blocking connect whose SYNs all die.
    if (probe.nft) {
      const controller = new AbortController()
      let started = 0
      const result = await namespaced.run(
        script({
          labScript: 1,
          limitMs: 20_000,
          steps: [
            { actor: 'net', op: 'drop', match: 'SYN' },
            { actor: 'server', op: 'listen', port: 7201 },
            { actor: 'client', op: 'connect', port: 7201, at: 10 },
          ],
        }),
        {
          signal: controller.signal,
          onEvent: () => undefined,
          // Cancel 300 ms after the listen returned: the connect is blocked by then.
          onStep: (st) => {
            if (st.op !== 'listen') return
            started = performance.now()
            setTimeout(() => controller.abort(), 300)
          },
        },
      )
      expect(result.cancelled).toBe(true)
      expect(result.steps.find((s) => s.op === 'connect')?.outcome).toBe('blocked')
      expect(performance.now() - started).toBeLessThan(5000)
      // Everything the run started killed from outside half-way (peers, nft, the namespace
      // holder): the run still ends, by its limit or with an error, and cleans up.
      const killer = setTimeout(() => {
        for (const pid of leftovers()) {
          try {
            process.kill(pid, 'SIGKILL')
          } catch {
            // Gone already.
          }
        }
      }, 400)
      const outcome = await runCollect(
        namespaced,
        script({
          labScript: 1,
          limitMs: 2000,
          steps: [
            { actor: 'server', op: 'listen', port: 7202 },
            { actor: 'client', op: 'connect', port: 7202, at: 10 },
            { actor: 'server', op: 'accept' },
            { actor: 'client', op: 'recv', at: 20 },
            { actor: 'net', op: 'cut', at: 1000 },
          ],
        }),
      ).then(
        () => 'ended',
        (e: unknown) => `failed: ${String(e)}`,
      )
      clearTimeout(killer)
      expect(outcome).toMatch(/ended|failed/)
    }
    const after = snapshot()
    expect(after.processes).toEqual([])
    expect(after.children.filter((p) => !before.children.includes(p))).toEqual([])
    expect(after.sockets).toBeLessThanOrEqual(before.sockets)
    expect(after.fds).toBeLessThanOrEqual(before.fds)
  }, 120_000)
})
