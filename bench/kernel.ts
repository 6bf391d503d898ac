/**
 * Kernel lab bench: each catalog case the host can run on the real kernel, its wall time
 * (setup + run + cleanup) and its run time against its timer floor (what the script itself
 * waits for, or what the kernel's own timers must take: bench/floor.ts); the whole
 * catalog one case at a time and a few at a time (as the catalog check runs it); then N runs
 * back to back, checking that nothing is left behind: no process the lab started (whatever
 * became of it; a namespace lives only while a process is in it), no socket or descriptor
 * in this process, no listening port.
 * `npx tsx bench/kernel.ts` prints the rows; `npm run bench -- kernel` too.
 * KERNEL_BENCH_REPEAT sets N (500 by default).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CATALOG, scenarioScript } from '../shared/catalog/index'
import type { LabScript } from '../shared/lab-script'
import { kernelBackend, probeKernel } from '../main/kernel/index'
import { timerFloorMs } from './floor'
import { childPids, leftovers, openFds } from '../main/kernel/test-util'

/** One measured figure (same shape as bench/index.ts's BenchRow). */
export interface KernelBenchRow {
  name: string
  value: number
  unit: string
  target?: string
  pass?: boolean
}

const quiet = { onEvent: () => undefined, onStep: () => undefined }

async function runOnce(script: LabScript): Promise<{ wallMs: number; runMs: number }> {
  const t = performance.now()
  const r = await kernelBackend.run(script, { signal: new AbortController().signal, ...quiet })
  return { wallMs: performance.now() - t, runMs: r.durationMs }
}

/** Listening TCP sockets on the host's loopback (ports), from /proc/net/tcp. */
function listeningPorts(): Set<number> {
  const ports = new Set<number>()
  try {
    for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f[3] === '0A') ports.add(Number.parseInt(f[1]!.split(':')[1]!, 16))
    }
  } catch {
    // Not Linux: no table to read.
  }
  return ports
}

/** Runs `n` cases at most at a time; resolves when all are done. */
async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
    }),
  )
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
  const ids = CATALOG.map((c) => c.script.id).filter(
    (id) => probe.cases.find((x) => x.id === id)?.runnable,
  )
  // Warm-up (lazy modules), not counted.
  if (ids[0]) await runOnce(scenarioScript(ids[0])!)
  let serialMs = 0
  let floorsMs = 0
  const overheads: number[] = []
  for (const id of ids) {
    const script = scenarioScript(id)!
    const { wallMs, runMs } = await runOnce(script)
    serialMs += wallMs
    const floor = timerFloorMs(script)
    floorsMs += floor
    overheads.push(wallMs - floor)
    // Overhead on the run clock against the floor; cases whose floor is a few ms of real
    // work get an absolute 50 ms allowance instead of 10 % of nothing.
    const long = floor >= 500
    const overhead = runMs - floor
    rows.push({ name: `${id} wall (setup+run+cleanup)`, value: wallMs, unit: 'ms' })
    rows.push({
      name: `${id} run vs floor ${floor.toFixed(0)} ms`,
      value: runMs,
      unit: 'ms',
      target: long ? `floor +10 % (${(floor * 1.1).toFixed(0)} ms)` : 'floor + 50 ms',
      pass: long ? overhead <= floor * 0.1 : overhead <= 50,
    })
  }
  // Per-run overhead: what a run costs beyond what its timers must take (namespace, programs,
  // capture, the final sample, cleanup), over every case run once.
  const median = [...overheads].sort((a, b) => a - b)[Math.floor(overheads.length / 2)] ?? 0
  rows.push({
    name: 'per-run overhead, median over the catalog (wall - floor)',
    value: median,
    unit: 'ms',
    target: '< 150 ms',
    pass: median < 150,
  })
  rows.push({ name: 'sum of the timer floors', value: floorsMs / 1000, unit: 's' })
  rows.push({
    name: 'whole kernel catalog, one case at a time (wall)',
    value: serialMs / 1000,
    unit: 's',
  })
  const t = performance.now()
  await pool(ids, 5, async (id) => void (await runOnce(scenarioScript(id)!)))
  const parallelMs = performance.now() - t
  rows.push({
    name: 'whole kernel catalog, 5 at a time as the check runs it (wall)',
    value: parallelMs / 1000,
    unit: 's',
    target: '< 90 s',
    pass: parallelMs < 90_000,
  })
  if (repeat > 0) rows.push(...(await backToBack(repeat)))
  rows.push(...(await interrupted(Number(process.env.KERNEL_BENCH_INTERRUPTED ?? 100))))
  return rows
}

/** `repeat` runs back to back, then what is left. */
/**
 * `n` runs cancelled mid-run (as Ctrl+C in the CLI or a closed page in browser mode cancel
 * them), each at a different moment of connect.timeout's SYN retransmissions; then nothing
 * the lab started may be left (its namespace lives only while its processes do).
 */
async function interrupted(n: number): Promise<KernelBenchRow[]> {
  const script = scenarioScript('connect.timeout')!
  const t = performance.now()
  for (let i = 0; i < n; i++) {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50 + (i % 10) * 150)
    await kernelBackend.run(script, { signal: controller.signal, ...quiet }).catch(() => undefined)
  }
  const per = (performance.now() - t) / Math.max(n, 1)
  const left = leftovers()
  return [
    { name: `${n} runs cancelled mid-run, per run (wall)`, value: per, unit: 'ms' },
    {
      name: `processes (and so namespaces) left after ${n} cancelled runs`,
      value: left.length,
      unit: '',
      target: '0',
      pass: left.length === 0,
    },
  ]
}

async function backToBack(repeat: number): Promise<KernelBenchRow[]> {
  const ids = ['connect.ok', 'peer.crash-fin', 'peer.abort', 'connect.refused']
  const fdsBefore = openFds()
  const portsBefore = listeningPorts()
  // Children this process had anyway (tsx's esbuild service) are not the lab's.
  const childrenBefore = new Set(childPids())
  const t = performance.now()
  const overheads: number[] = []
  for (let i = 0; i < repeat; i++) {
    const script = scenarioScript(ids[i % ids.length]!)!
    const { wallMs } = await runOnce(script)
    overheads.push(wallMs - timerFloorMs(script))
  }
  const per = (performance.now() - t) / repeat
  const median = overheads.sort((a, b) => a - b)[Math.floor(overheads.length / 2)] ?? 0
  const left = leftovers()
  const children = childPids().filter((p) => !childrenBefore.has(p))
  const fdsAfter = openFds()
  const sockets = (fds: string[]): number => fds.filter((f) => f.startsWith('socket:')).length
  const newPorts = [...listeningPorts()].filter((p) => !portsBefore.has(p))
  return [
    { name: `${repeat} runs back to back, per run (wall)`, value: per, unit: 'ms' },
    {
      name: `${repeat} runs back to back, median overhead (wall - floor)`,
      value: median,
      unit: 'ms',
      target: '< 150 ms',
      pass: median < 150,
    },
    {
      name: `processes (and so namespaces) left after ${repeat} runs`,
      value: left.length + children.length,
      unit: '',
      target: '0',
      pass: left.length + children.length === 0,
    },
    {
      name: `descriptors gained after ${repeat} runs`,
      value: fdsAfter.length - fdsBefore.length,
      unit: '',
      target: '<= 0',
      pass: fdsAfter.length <= fdsBefore.length,
    },
    {
      name: `sockets gained after ${repeat} runs`,
      value: sockets(fdsAfter) - sockets(fdsBefore),
      unit: '',
      target: '<= 0',
      pass: sockets(fdsAfter) <= sockets(fdsBefore),
    },
    {
      name: `new listening ports after ${repeat} runs`,
      value: newPorts.length,
      unit: '',
      target: '0',
      pass: newPorts.length === 0,
    },
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const row of await runKernelBench()) {
    const verdict = row.pass === undefined ? '' : row.pass ? '  ok' : '  MISSED'
    console.log(
      `${row.name.padEnd(62)} ${row.value.toFixed(2).padStart(12)} ${row.unit}${row.target ? `  (target ${row.target})` : ''}${verdict}`,
    )
  }
}
