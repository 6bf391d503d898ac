// The differential fuzzer against the real kernel, as `npm test` runs it: a fixed seed of
// FUZZ_TEST_COUNT race-free random scripts (40 by default), each on the kernel and on the
// simulator, judged by the agreement rule. A disagreement fails the test with the shrunk
// script's differences; `npm run --silent socklab -- fuzz --seed 20261205 --out DIR` writes
// it out with both results, ready for main/lab/regressions/.
import { describe, expect, it } from 'vitest'
import { createBackends } from '../backend/registry'
import { probeKernel } from '../kernel/index'
import { runFuzz, summaryLine } from './run'

const SEED = 20261205
const COUNT = Number(process.env.FUZZ_TEST_COUNT ?? 40)
const probe = await probeKernel()

if (!probe.available) console.log(`fuzz on the real kernel skipped: ${probe.detail}`)

describe.skipIf(!probe.available)('the simulator agrees with the kernel on random scripts', () => {
  it(`seed ${SEED}, ${COUNT} scripts`, async () => {
    const lines: string[] = []
    const summary = await runFuzz({
      seed: SEED,
      count: COUNT,
      jobs: 4,
      backends: createBackends(),
      onLine: (line) => lines.push(line),
    })
    console.log(summaryLine(summary))
    expect(lines).toEqual([])
    expect(summary.failed).toEqual([])
    expect(summary.scripts).toBe(COUNT)
  }, 600_000)
})
