/**
 * Kernel lab bench: each catalog case the host can run on the real kernel, its wall time
 * (setup + run + cleanup) and its run time against its timer floor (the time the script itself
 * asks for: its latest `at` plus its sleeps and receive timeouts, or what the kernel's timers
 * must take). Then N runs back to back, checking nothing is left behind.
 * `npx tsx bench/kernel.ts` prints the rows; `npm run bench -- kernel` too.
 */
import { fileURLToPath } from 'node:url'
import { CATALOG, scenarioScript } from '../shared/catalog/index'
import type { LabScript } from '../shared/lab-script'
import { kernelBackend, probeKernel } from '../main/kernel/index'
import { timerFloorMs } from '../main/kernel/floor'
import { childPids, openFds } from '../main/kernel/test-util'

/** One measured figure (same shape as bench/index.ts's BenchRow). */
export interface KernelBenchRow {
  name: string
  value: number
  unit: string
  target?: string
  pass?: boolean
}

async function runOnce(script: LabScript): Promise<{ wallMs: number; runMs: number }> {
  const t = performance.now()
  const r = await kernelBackend.run(script, {
    signal: new AbortController().signal,
    onEvent: () => undefined,
    onStep: () => undefined,
  })
  return { wallMs: performance.now() - t, runMs: r.durationMs }
}

/** Runs the kernel bench; `repeat` is the back-to-back count of the leak check. */
export async function runKernelBench(
  repeat = Number(process.env.KERNEL_BENCH_REPEAT ?? 500),
): Promise<KernelBenchRow[]> {
  const probe = await probeKernel()
  const rows: KernelBenchRow[] = []
  if (!probe.available) {
    return [{ name: `kernel lab unavailable: ${probe.detail}`, value: 0, unit: '' }]
  }
  let catalogMs = 0
  for (const c of CATALOG) {
    const entry = probe.cases.find((x) => x.id === c.script.id)
    if (!entry?.runnable) continue
    const script = scenarioScript(c.script.id)!
    const { wallMs, runMs } = await runOnce(script)
    catalogMs += wallMs
    const floor = timerFloorMs(script)
    // Overhead is measured on the run clock against the floor; cases with no timer floor
    // (a few ms of real work) get an absolute 50 ms allowance instead of 10 % of nothing.
    const overhead = runMs - floor
    const pass = floor >= 500 ? overhead <= floor * 0.1 : overhead <= 50
    rows.push({ name: `${c.script.id} wall (setup+run+cleanup)`, value: wallMs, unit: 'ms' })
    rows.push({
      name: `${c.script.id} run vs floor ${floor.toFixed(0)} ms`,
      value: runMs,
      unit: 'ms',
      target: floor >= 500 ? `floor +10 % (${(floor * 1.1).toFixed(0)} ms)` : 'floor + 50 ms',
      pass,
    })
  }
  rows.push({
    name: 'whole kernel catalog (wall)',
    value: catalogMs / 1000,
    unit: 's',
    target: '< 90 s',
    pass: catalogMs < 90_000,
  })
  // Back to back: nothing may be left behind (processes, descriptors).
  const id = probe.cases.find((c) => c.runnable && c.id === 'connect.ok')?.id
  if (id && repeat > 0) {
    const script = scenarioScript(id)!
    const fdsBefore = openFds().length
    const t = performance.now()
    for (let i = 0; i < repeat; i++) await runOnce(script)
    const per = (performance.now() - t) / repeat
    const leftover = childPids().length
    const fdDelta = openFds().length - fdsBefore
    rows.push({ name: `${repeat} x ${id} back to back, per run`, value: per, unit: 'ms' })
    rows.push({
      name: `processes left after ${repeat} runs`,
      value: leftover,
      unit: '',
      target: '0',
      pass: leftover === 0,
    })
    rows.push({
      name: `descriptors gained after ${repeat} runs`,
      value: fdDelta,
      unit: '',
      target: '<= 0',
      pass: fdDelta <= 0,
    })
  }
  return rows
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const row of await runKernelBench()) {
    const verdict = row.pass === undefined ? '' : row.pass ? '  ok' : '  MISSED'
    console.log(
      `${row.name.padEnd(58)} ${row.value.toFixed(2).padStart(12)} ${row.unit}${row.target ? `  (target ${row.target})` : ''}${verdict}`,
    )
  }
}
