/**
 * Simulator bench: the whole catalog on every OS profile, each case's time, events per
 * second, and the two long default-timer runs of the article (a Linux connect timeout, about
 * 131 s virtual, and a tcp_retries2 data timeout, about 15 min virtual).
 * `npm run bench -- sim` prints the rows.
 */
import { CATALOG, scenarioScript } from '../shared/catalog/index'
import {
  parseLabScript,
  PROFILE_IDS,
  type LabScript,
  type LabScriptInput,
} from '../shared/lab-script'
import { simulate } from '../main/sim/index'
import type { BenchRow } from './index'

function script(input: LabScriptInput): LabScript {
  const parsed = parseLabScript(input)
  if (!parsed.ok) throw new Error(`bench script invalid: ${parsed.message}`)
  return parsed.script
}

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

/** The cable is cut under a sender, default tcp_retries2: send's data dies after about 15 min. */
const DATA_TIMEOUT = script({
  labScript: 1,
  profile: 'linux',
  limitMs: 2_000_000,
  steps: [
    { actor: 'server', op: 'listen', port: 7001 },
    { actor: 'client', op: 'connect', port: 7001 },
    { actor: 'server', op: 'accept' },
    { actor: 'net', op: 'cut', dir: 'both', at: 100 },
    { actor: 'client', op: 'send', bytes: 1000, at: 200 },
    { actor: 'client', op: 'recv' },
  ],
})

function time<T>(work: () => T): { ms: number; value: T } {
  const t = performance.now()
  const value = work()
  return { ms: performance.now() - t, value }
}

/** Runs the simulator bench. */
export async function runSimBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const cases = CATALOG.map((c) => scenarioScript(c.script.id)!)
  // Warm the JIT once so the figures are the steady state a user sees after the first run.
  for (const s of cases) simulate(s)
  let totalMs = 0
  let slowest = { id: '', ms: 0 }
  for (const profile of PROFILE_IDS) {
    for (const s of cases) {
      const { ms } = time(() => simulate({ ...s, profile }))
      totalMs += ms
      if (ms > slowest.ms) slowest = { id: `${s.id} (${profile})`, ms }
    }
  }
  rows.push({
    name: `catalog: ${cases.length} cases x ${PROFILE_IDS.length} profiles`,
    value: totalMs,
    unit: 'ms',
    target: '< 200 ms',
    pass: totalMs < 200,
  })
  rows.push({
    name: `slowest case: ${slowest.id}`,
    value: slowest.ms,
    unit: 'ms',
    target: '< 5 ms',
    pass: slowest.ms < 5,
  })
  for (const [name, s] of [
    ['Linux connect timeout, default timers', CONNECT_TIMEOUT],
    ['Linux tcp_retries2 data timeout, default timers', DATA_TIMEOUT],
  ] as const) {
    const { ms, value } = time(() => simulate(s))
    const last = value.steps.filter((r) => r.outcome === 'returned' && r.errno).at(-1)
    rows.push({
      name: `${name}: ${last ? `${last.errno} at ${(last.endMs / 1000).toFixed(1)} s virtual` : 'no error'}`,
      value: ms,
      unit: 'ms',
    })
  }
  // Throughput: repeat the long runs until a second of real time has passed.
  let n = 0
  const t = performance.now()
  while (performance.now() - t < 1000) {
    n += simulate(DATA_TIMEOUT).events.length + simulate(CONNECT_TIMEOUT).events.length
    for (const s of cases) n += simulate(s).events.length
  }
  const perS = n / ((performance.now() - t) / 1000)
  rows.push({
    name: 'trace events per second (emitted)',
    value: perS,
    unit: 'ev/s',
    target: '>= 1,000,000',
    pass: perS >= 1e6,
  })
  return rows
}
