/**
 * Simulator bench (`npm run bench -- sim`): the whole catalog on every OS profile, each case,
 * the two long default-timer runs of the article (a Linux connect timeout, about 131 s
 * virtual, and a tcp_retries2 data timeout, about 15 min virtual), and the engine's
 * throughput in events per second.
 *
 * Times are wall-clock medians of repeated runs after a warm-up, because the project's
 * machines are shared and a single sample says more about the neighbours than the code.
 * "Engine events" are callbacks the event queue ran (segment arrivals, timer expiries,
 * wake-ups): the simulator's unit of work. Their rate is measured over event-dense runs and
 * divided by the process's CPU time, which on a shared machine is the time the simulator
 * actually ran (on an idle one it equals the wall clock, also shown). Trace events (what the
 * UI draws) and the short catalog runs, dominated by setting a run up, are shown beside it
 * without a target.
 */
import { CATALOG, scenarioScript } from '../shared/catalog/index'
import {
  parseLabScript,
  PROFILE_IDS,
  type LabScript,
  type LabScriptInput,
} from '../shared/lab-script'
import type { LabResult } from '../shared/lab-result'
import { simulate } from '../main/sim/index'
import type { BenchRow } from './index'

function script(input: LabScriptInput): LabScript {
  const parsed = parseLabScript(input)
  if (!parsed.ok) throw new Error(`bench script invalid: ${parsed.message}`)
  return parsed.script
}

const connectedSteps: LabScriptInput['steps'] = [
  { actor: 'server', op: 'listen', port: 7001 },
  { actor: 'client', op: 'connect', port: 7001 },
  { actor: 'server', op: 'accept' },
]

/** Every SYN lost, default Linux timers: connect() gives up after about 131 s of virtual time. */
const CONNECT_TIMEOUT = script({
  labScript: 1,
  profile: 'linux',
  limitMs: 400_000,
  steps: [
    { actor: 'server', op: 'listen', port: 7001 },
    { actor: 'net', op: 'cut', dir: 'both' },
    { actor: 'client', op: 'connect', port: 7001 },
  ],
})

/** The cable is cut under a sender, default tcp_retries2: its data dies after about 15 min. */
const DATA_TIMEOUT = script({
  labScript: 1,
  profile: 'linux',
  limitMs: 2_000_000,
  steps: [
    ...connectedSteps,
    { actor: 'net', op: 'cut', dir: 'both', at: 100 },
    { actor: 'client', op: 'send', bytes: 1000, at: 200 },
    { actor: 'client', op: 'recv' },
  ],
})

/** Event-dense runs for the throughput figure: every segment of a bulk transfer is an event. */
const BULK = script({
  labScript: 1,
  profile: 'linux',
  limitMs: 600_000,
  steps: [
    ...connectedSteps,
    { actor: 'client', op: 'send', bytes: 4 * 1024 * 1024 },
    ...Array.from({ length: 900 }, () => ({
      actor: 'server' as const,
      op: 'recv' as const,
      bytes: 65536,
    })),
  ],
})

/** A stopped receiver: zero window, persist probes, then everything flows after SIGCONT. */
const STOPPED = script({
  labScript: 1,
  profile: 'linux',
  limitMs: 600_000,
  steps: [
    ...connectedSteps,
    { actor: 'server', op: 'freeze', at: 100 },
    { actor: 'client', op: 'send', bytes: 2_000_000, at: 200 },
    { actor: 'server', op: 'thaw', at: 300_000 },
    ...Array.from({ length: 600 }, () => ({
      actor: 'server' as const,
      op: 'recv' as const,
      bytes: 1_000_000,
    })),
  ],
})

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}

/** Median wall time of `reps` calls of `work`, in ms. */
function timeMs(work: () => void, reps: number): number {
  const samples: number[] = []
  for (let i = 0; i < reps; i++) {
    const t = performance.now()
    work()
    samples.push(performance.now() - t)
  }
  return median(samples)
}

function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Events per CPU second (and per wall second) over `scripts`, run round-robin for `ms`. */
function throughput(
  scripts: LabScript[],
  ms: number,
): { engine: number; trace: number; engineWall: number } {
  const stats = { engineEvents: 0 }
  let engine = 0
  let trace = 0
  const c = cpuMs()
  const t = performance.now()
  do {
    for (const s of scripts) {
      const r = simulate(s, { stats })
      engine += stats.engineEvents
      trace += r.events.length
    }
  } while (cpuMs() - c < ms)
  const cpuSeconds = (cpuMs() - c) / 1000
  const wallSeconds = (performance.now() - t) / 1000
  return {
    engine: engine / cpuSeconds,
    trace: trace / cpuSeconds,
    engineWall: engine / wallSeconds,
  }
}

function lastError(r: LabResult): string {
  const last = r.steps.filter((x) => x.outcome === 'returned' && x.errno).at(-1)
  return last ? `${last.errno} at ${(last.endMs / 1000).toFixed(1)} s virtual` : 'no error'
}

/** Runs the simulator bench. */
export async function runSimBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const cases = CATALOG.map((c) => scenarioScript(c.script.id)!)
  const all = cases.flatMap((s) => PROFILE_IDS.map((profile) => ({ ...s, profile })))
  // Warm the JIT so the figures are the steady state a user sees after the first run.
  for (let i = 0; i < 30; i++) for (const s of all) simulate(s)

  const catalogMs = timeMs(() => {
    for (const s of all) simulate(s)
  }, 9)
  rows.push({
    name: `catalog: ${cases.length} cases x ${PROFILE_IDS.length} profiles`,
    value: catalogMs,
    unit: 'ms',
    target: '< 200 ms',
    pass: catalogMs < 200,
  })
  for (const s of cases) {
    let worst = { profile: '', ms: 0 }
    for (const profile of PROFILE_IDS) {
      const ms = timeMs(() => simulate({ ...s, profile }), 15)
      if (ms > worst.ms) worst = { profile, ms }
    }
    rows.push({
      name: `  ${s.id} (slowest profile: ${worst.profile})`,
      value: worst.ms,
      unit: 'ms',
      target: '< 5 ms',
      pass: worst.ms < 5,
    })
  }

  for (const [name, s] of [
    ['Linux connect timeout, default timers', CONNECT_TIMEOUT],
    ['Linux tcp_retries2 data timeout, default timers', DATA_TIMEOUT],
  ] as const) {
    const r = simulate(s)
    rows.push({ name: `${name}: ${lastError(r)}`, value: timeMs(() => simulate(s), 9), unit: 'ms' })
  }

  const sustained = throughput([BULK, STOPPED, DATA_TIMEOUT, CONNECT_TIMEOUT], 1500)
  rows.push({
    name: 'engine events/s (CPU time): bulk, stopped peer, timeouts',
    value: sustained.engine,
    unit: 'ev/s',
    target: '>= 1,000,000',
    pass: sustained.engine >= 1e6,
  })
  rows.push({ name: '  same, per wall-clock second', value: sustained.engineWall, unit: 'ev/s' })
  rows.push({ name: '  trace events/s (what the UI draws)', value: sustained.trace, unit: 'ev/s' })
  const catalog = throughput(all, 1500)
  rows.push({
    name: 'engine events/s (CPU time): the catalog, setup-bound',
    value: catalog.engine,
    unit: 'ev/s',
  })
  rows.push({ name: '  trace events/s, same runs', value: catalog.trace, unit: 'ev/s' })
  return rows
}
