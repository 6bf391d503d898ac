/**
 * Fuzz bench (`npm run bench -- fuzz`): the differential fuzzer over FUZZ_BENCH_COUNT random
 * scripts (1,000 by default; FUZZ_BENCH_SEED picks the seed, 1 by default): disagreements per
 * 1,000 scripts (target 0) and scripts per minute on this machine (target at least 60).
 * Every disagreement is written to .fuzz-bench/ with both results, ready to become a
 * regression test.
 */
import { createBackends } from '../main/backend/registry'
import { probeKernel } from '../main/kernel/index'
import { runFuzz, summaryLine } from '../main/fuzz/run'

/** One measured figure (same shape as bench/index.ts's BenchRow). */
interface Row {
  name: string
  value: number
  unit: string
  target?: string
  pass?: boolean
}

/** Runs the fuzz bench. */
export async function runFuzzBench(
  count = Number(process.env.FUZZ_BENCH_COUNT ?? 1000),
  seed = Number(process.env.FUZZ_BENCH_SEED ?? 1),
): Promise<Row[]> {
  const probe = await probeKernel()
  if (!probe.available)
    return [{ name: `kernel lab unavailable: ${probe.detail}`, value: 0, unit: '' }]
  const jobs = Number(process.env.FUZZ_BENCH_JOBS ?? 6)
  const summary = await runFuzz({
    seed,
    count,
    jobs,
    backends: createBackends(),
    out: '.fuzz-bench',
    onLine: (line) => console.log(line),
  })
  console.log(summaryLine(summary))
  const disagreements = summary.findings.filter((f) => f.kind === 'disagreement').length
  const unstable = summary.findings.length - disagreements
  const perMinute = summary.scripts / (summary.elapsedMs / 60_000)
  return [
    {
      name: `fuzz seed ${seed}: scripts run (${jobs} at a time)`,
      value: summary.scripts,
      unit: '',
    },
    {
      name: 'disagreements per 1,000 scripts',
      value: (disagreements * 1000) / Math.max(summary.scripts, 1),
      unit: '',
      target: '0',
      pass: disagreements === 0,
    },
    {
      name: 'scripts unstable on the kernel (generator bugs) per 1,000',
      value: (unstable * 1000) / Math.max(summary.scripts, 1),
      unit: '',
      target: '0',
      pass: unstable === 0,
    },
    {
      name: 'runs that failed',
      value: summary.failed.length,
      unit: '',
      target: '0',
      pass: summary.failed.length === 0,
    },
    {
      name: 'scripts per minute',
      value: perMinute,
      unit: '/min',
      target: '>= 60',
      pass: perMinute >= 60,
    },
  ]
}
