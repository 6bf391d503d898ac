import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import type { Backend } from '../backend/backend'
import { createBackends } from '../backend/registry'
import type { KernelProbe } from '../kernel/index'
import { simBackend } from '../sim/index'
import { parseFuzzArgs, runFuzzCli } from './fuzz'

const available = { available: true, detail: 'test host' } as KernelProbe
const kernelLike = (change: (r: LabResult) => LabResult): Backend => ({
  id: 'kernel',
  unsupported: async () => null,
  run: async (s, c) => change({ ...(await simBackend.run(s, c)), backend: 'kernel' }),
})

describe('socklab fuzz', () => {
  it('reads its options and names a bad one', () => {
    expect(
      parseFuzzArgs(['--seed', '5', '--count', '3', '--out', 'x', '--jobs', '2', '--repeat', '3']),
    ).toEqual({
      seed: 5,
      count: 3,
      out: 'x',
      jobs: 2,
      repeat: 3,
    })
    expect(parseFuzzArgs([], 1234)).toMatchObject({ seed: 1234, count: 100, jobs: 4, repeat: 1 })
    expect(parseFuzzArgs(['--count', '0'])).toBe(
      '--count must be a whole number from 1 to 1000000, got "0".',
    )
    expect(parseFuzzArgs(['--seed', 'x'])).toMatch(/^--seed must be a whole number/)
    expect(parseFuzzArgs(['--out'])).toBe('--out needs a folder.')
    expect(parseFuzzArgs(['--fast'])).toMatch(/^Unknown option "--fast" for fuzz/)
  })

  it('exits 3 with the reason where the kernel lab cannot run', async () => {
    const out: string[] = []
    const err: string[] = []
    const code = await runFuzzCli(
      ['--count', '2'],
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      new AbortController().signal,
      {
        probe: async () => ({ available: false, detail: 'no user namespaces' }) as KernelProbe,
      },
    )
    expect(code).toBe(3)
    expect(err).toEqual(['fuzz needs the kernel lab, which cannot run here: no user namespaces'])
  })

  it('ends with the summary line, exit 0 when the backends agree and 1 when they do not', async () => {
    const out: string[] = []
    const quiet = { out: (t: string) => out.push(t), err: () => undefined }
    const agree = await runFuzzCli(
      ['--seed', '2', '--count', '20'],
      quiet,
      new AbortController().signal,
      {
        probe: async () => available,
        backends: createBackends({ kernel: kernelLike((r) => r) }),
      },
    )
    expect(agree).toBe(0)
    expect(out.at(-1)).toBe('fuzz: 20 scripts, 0 disagreements')
    out.length = 0
    const flipFinal = kernelLike((r) => ({ ...r, final: { ...r.final, client: 'TIME_WAIT' } }))
    const differ = await runFuzzCli(
      ['--seed', '2', '--count', '5'],
      quiet,
      new AbortController().signal,
      {
        probe: async () => available,
        backends: createBackends({ kernel: flipFinal }),
      },
    )
    expect(differ).toBe(1)
    expect(out.at(-1)).toBe('fuzz: 5 scripts, 5 disagreements')
    expect(out.filter((l) => l.startsWith('DISAGREE fuzz-2-'))).toHaveLength(5)
  })
})
