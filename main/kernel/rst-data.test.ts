// Data sent before an RST is still read before the error (docs/kernel-rules.md), in the three
// forms where the old Node emulation got it wrong. The expected sequences are what a C program
// measured on this kernel (Linux 6.18, private namespace): each call here is one real system
// call in the lab's program, so the kernel lab must give exactly these.
import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import type { LabScriptInput } from '../../shared/lab-script'
import { createKernelBackend, probeKernel } from './index'
import { limiter, runCollect, script } from './test-util'

const probe = await probeKernel()
const backend = createKernelBackend()
const slot = limiter(3)
if (!probe.available) console.log(`data-before-RST on the kernel skipped: ${probe.detail}`)

type Steps = LabScriptInput['steps']
const connected = (port: number): Steps => [
  { actor: 'server', op: 'listen', port },
  { actor: 'client', op: 'connect', port, at: 10 },
  { actor: 'server', op: 'accept' },
]

/** The calls from `from` on, as `ret errno signal`. */
function calls(r: LabResult, from: number): string[] {
  return r.steps
    .filter((s) => s.index >= from)
    .map((s) =>
      s.outcome !== 'returned'
        ? s.outcome
        : [String(s.ret), s.errno, s.signal].filter((x) => x !== undefined).join(' '),
    )
}

async function run(steps: Steps): Promise<LabResult> {
  const { result } = await slot(() =>
    runCollect(backend, script({ labScript: 1, limitMs: 3000, steps })),
  )
  return result
}

describe.skipIf(!probe.available)('data before an RST, on the real kernel', () => {
  it.concurrent(
    '(a) the peer sent 5 bytes, then aborted: 5, ECONNRESET once, 0, EPIPE',
    async () => {
      const r = await run([
        ...connected(7301),
        { actor: 'server', op: 'send', bytes: 5, at: 100 },
        { actor: 'server', op: 'abort', at: 150 },
        { actor: 'client', op: 'recv', at: 200 },
        { actor: 'client', op: 'recv' },
        { actor: 'client', op: 'recv' },
        { actor: 'client', op: 'send', bytes: 5 },
      ])
      expect(calls(r, 5)).toEqual(['5', '-1 ECONNRESET', '0', '-1 EPIPE SIGPIPE'])
      expect(r.final).toEqual({ client: 'CLOSED', server: 'CLOSED' })
    },
  )

  it.concurrent(
    '(a) the same when send looks first: ECONNRESET without SIGPIPE, the data still reads',
    async () => {
      const r = await run([
        ...connected(7302),
        { actor: 'server', op: 'send', bytes: 5, at: 100 },
        { actor: 'server', op: 'abort', at: 150 },
        { actor: 'client', op: 'send', bytes: 5, at: 200 },
        { actor: 'client', op: 'recv' },
        { actor: 'client', op: 'recv' },
        { actor: 'client', op: 'send', bytes: 5 },
      ])
      expect(calls(r, 5)).toEqual(['-1 ECONNRESET', '5', '0', '-1 EPIPE SIGPIPE'])
    },
  )

  it.concurrent(
    '(b) the RST arrived while the connection waited in the accept queue: accept, then the same',
    async () => {
      const r = await run([
        { actor: 'server', op: 'listen', port: 7303 },
        { actor: 'client', op: 'connect', port: 7303, at: 10 },
        { actor: 'client', op: 'send', bytes: 5, at: 50 },
        { actor: 'client', op: 'abort', at: 100 },
        { actor: 'server', op: 'accept', at: 200 },
        { actor: 'server', op: 'recv' },
        { actor: 'server', op: 'recv' },
        { actor: 'server', op: 'recv' },
        { actor: 'server', op: 'send', bytes: 5 },
      ])
      expect(r.steps[4]!.ret).toBeGreaterThan(2) // a descriptor, though the peer is gone
      expect(calls(r, 5)).toEqual(['5', '-1 ECONNRESET', '0', '-1 EPIPE SIGPIPE'])
      // The accepted connection is the server's, and it is gone from the table.
      expect(r.final.server).toBe('CLOSED')
    },
  )

  it.concurrent(
    '(c) the peer closed with its data unread by us, our send drew its RST: 5, 0, then EPIPE',
    async () => {
      const r = await run([
        ...connected(7304),
        { actor: 'server', op: 'send', bytes: 5, at: 100 },
        { actor: 'server', op: 'close', at: 150 },
        { actor: 'client', op: 'send', bytes: 5, at: 200 },
        { actor: 'client', op: 'recv', at: 300 },
        { actor: 'client', op: 'recv' },
        { actor: 'client', op: 'send', bytes: 5 },
      ])
      // The RST in CLOSE_WAIT leaves EPIPE pending; recv reports the FIN (0) without it, and
      // the next send takes it, with SIGPIPE.
      expect(calls(r, 5)).toEqual(['5', '5', '0', '-1 EPIPE SIGPIPE'])
      expect(r.steps[8]!.notes).toContain('kernel.sigpipe-handled')
    },
  )
})
