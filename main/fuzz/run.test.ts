import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compareResults } from '../../shared/agreement'
import type { LabResult } from '../../shared/lab-result'
import type { Backend } from '../backend/backend'
import { createBackends } from '../backend/registry'
import { simBackend } from '../sim/index'
import { runFuzz, summaryLine } from './run'

/**
 * A "kernel" that is the simulator with one rule broken on purpose: an RST in CLOSE_WAIT is
 * reported as ECONNRESET instead of EPIPE. The fuzzer must find it, shrink it, and write it.
 */
const brokenKernel: Backend = {
  id: 'kernel',
  unsupported: async () => null,
  async run(script, context): Promise<LabResult> {
    const result = await simBackend.run(script, context)
    return {
      ...result,
      backend: 'kernel',
      steps: result.steps.map((s) => (s.errno === 'EPIPE' ? { ...s, errno: 'ECONNRESET' } : s)),
    }
  },
}
const honestKernel: Backend = {
  ...brokenKernel,
  run: (s, c) => simBackend.run(s, c).then((r) => ({ ...r, backend: 'kernel' })),
}

const out = mkdtempSync(join(tmpdir(), 'socklab-fuzz-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('runFuzz', () => {
  it('finds no disagreement between two backends that tell the same story', async () => {
    const summary = await runFuzz({
      seed: 3,
      count: 60,
      backends: createBackends({ kernel: honestKernel }),
    })
    expect(summary.findings).toEqual([])
    expect(summaryLine(summary)).toBe('fuzz: 60 scripts, 0 disagreements')
  })

  it('finds a broken rule, shrinks each finding and writes it ready to become a regression test', async () => {
    const lines: string[] = []
    const summary = await runFuzz({
      seed: 3,
      count: 60,
      backends: createBackends({ kernel: brokenKernel }),
      out,
      onLine: (l) => lines.push(l),
    })
    const found = summary.findings.filter((f) => f.kind === 'disagreement')
    expect(found.length).toBeGreaterThan(0)
    expect(lines.length).toBe(found.length)
    expect(summaryLine(summary)).toBe(`fuzz: 60 scripts, ${found.length} disagreements`)
    for (const f of found) {
      expect(f.differences.join('\n')).toMatch(/errno differs: simulator EPIPE, kernel ECONNRESET/)
      expect(f.script.steps.length).toBeLessThanOrEqual(f.original.steps.length)
    }
    // At least one shrank, and a shrunk script still disagrees when run again.
    expect(found.some((f) => f.script.steps.length < f.original.steps.length)).toBe(true)
    const files = readdirSync(out)
    expect(files.sort()).toEqual(found.map((f) => `${f.id}.json`).sort())
    const doc = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as {
      script: Parameters<typeof simBackend.run>[0]
      kernel: LabResult
      why: string
    }
    expect(doc.why).toMatch(/^simulator and kernel disagree: /)
    const sim = await simBackend.run(doc.script, {
      signal: new AbortController().signal,
      onEvent: () => undefined,
      onStep: () => undefined,
    })
    expect(compareResults(sim, doc.kernel).length).toBeGreaterThan(0)
  })

  it('reports a kernel that answers differently on a second run as unstable, not as a disagreement', async () => {
    let calls = 0
    const flaky: Backend = {
      ...honestKernel,
      run: async (s, c) => (++calls % 2 === 0 ? brokenKernel.run(s, c) : honestKernel.run(s, c)),
    }
    const summary = await runFuzz({
      seed: 3,
      count: 40,
      repeat: 2,
      jobs: 1,
      backends: createBackends({ kernel: flaky }),
    })
    expect(summary.findings.length).toBeGreaterThan(0)
    expect(summary.findings.every((f) => f.kind === 'unstable')).toBe(true)
    expect(summaryLine(summary)).toMatch(
      /0 disagreements, \d+ unstable on the kernel \(generator bugs\)$/,
    )
  })

  it('stops taking scripts once cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    const summary = await runFuzz({
      seed: 3,
      count: 50,
      backends: createBackends({ kernel: honestKernel }),
      signal: controller.signal,
    })
    expect(summary.scripts).toBe(0)
    expect(summary.cancelled).toBe(true)
  })
})

describe('a kernel run the machine made late', () => {
  it('is run again before a disagreement counts', async () => {
    let calls = 0
    // The first run of every script disagrees and reports that its steps started 200 ms late
    // (a busy machine); the second agrees on time.
    const busy: Backend = {
      ...honestKernel,
      run: async (s, c) => {
        const r = ++calls % 2 === 1 ? await brokenKernel.run(s, c) : await honestKernel.run(s, c)
        const lateMs = calls % 2 === 1 ? 200 : 0
        return { ...r, host: { platform: 'linux', release: 'test', isolation: 'netns', lateMs } }
      },
    }
    const summary = await runFuzz({
      seed: 3,
      count: 60,
      jobs: 1,
      backends: createBackends({ kernel: busy }),
    })
    expect(summary.findings).toEqual([])
    expect(summary.rerunLate).toBeGreaterThan(0)
    expect(summaryLine(summary)).toMatch(
      /0 disagreements, \d+ kernel runs repeated \(the machine was busy\)$/,
    )
  })
})
