/**
 * `socklab fuzz [--seed S] [--count N] [--out DIR] [--jobs J] [--repeat R]`: the differential
 * fuzzer (main/fuzz/run.ts). One line per disagreement as it is found, then
 * `fuzz: N scripts, K disagreements`. Exit 0 when there were none, 1 when there were (or a
 * kernel run was unstable, or failed), 2 for bad options, 3 where the kernel lab cannot run.
 */
import { createBackends, type Backends } from '../backend/registry'
import { probeKernel, type KernelProbe } from '../kernel/index'
import { runFuzz, summaryLine } from '../fuzz/run'
import type { CliIo } from './run-cli'

/** Options of `socklab fuzz`. */
export interface FuzzArgs {
  seed: number
  count: number
  jobs: number
  repeat: number
  out?: string
}

function positiveInt(name: string, value: string | undefined, max: number): number | string {
  const n = Number(value)
  if (value === undefined || !Number.isInteger(n) || n < 1 || n > max)
    return `${name} must be a whole number from 1 to ${max}, got "${value ?? ''}".`
  return n
}

/** Reads the fuzz command's options; a string is the message of a bad one. */
export function parseFuzzArgs(argv: readonly string[], now = Date.now()): FuzzArgs | string {
  const args: FuzzArgs = { seed: now % 1_000_000_000, count: 100, jobs: 4, repeat: 1 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = argv[i + 1]
    let n: number | string
    switch (a) {
      case '--seed':
        n = Number(value)
        if (value === undefined || !Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1)
          return `--seed must be a whole number from 0 to ${2 ** 32 - 1}, got "${value ?? ''}".`
        args.seed = n
        break
      case '--count':
        n = positiveInt('--count', value, 1_000_000)
        if (typeof n === 'string') return n
        args.count = n
        break
      case '--jobs':
        n = positiveInt('--jobs', value, 32)
        if (typeof n === 'string') return n
        args.jobs = n
        break
      case '--repeat':
        n = positiveInt('--repeat', value, 10)
        if (typeof n === 'string') return n
        args.repeat = n
        break
      case '--out':
        if (!value || value.startsWith('--')) return '--out needs a folder.'
        args.out = value
        break
      default:
        return `Unknown option "${a}" for fuzz (--seed, --count, --out, --jobs, --repeat).`
    }
    i++
  }
  return args
}

/** Runs `socklab fuzz`; resolves with the exit code. */
export async function runFuzzCli(
  argv: readonly string[],
  io: CliIo,
  signal: AbortSignal,
  deps: { probe?: () => Promise<KernelProbe>; backends?: Backends } = {},
): Promise<number> {
  const args = parseFuzzArgs(argv)
  if (typeof args === 'string') {
    io.err(args)
    return 2
  }
  const probe = await (deps.probe ?? probeKernel)()
  if (!probe.available) {
    io.err(`fuzz needs the kernel lab, which cannot run here: ${probe.detail}`)
    return 3
  }
  io.out(
    `# fuzz: seed ${args.seed}, ${args.count} scripts, ${args.jobs} at a time${args.repeat > 1 ? `, ${args.repeat} kernel runs each` : ''} (repeat with --seed ${args.seed})`,
  )
  const summary = await runFuzz({
    ...args,
    backends: deps.backends ?? createBackends(),
    signal,
    onLine: (line) => io.out(line),
  })
  for (const r of summary.refused.slice(0, 5)) io.out(`refused ${r.id}: ${r.why}`)
  const perMinute = summary.scripts / Math.max(summary.elapsedMs / 60_000, 1e-9)
  io.out(`# ${(summary.elapsedMs / 1000).toFixed(1)} s, ${perMinute.toFixed(0)} scripts per minute`)
  io.out(summaryLine(summary))
  return summary.findings.length > 0 || summary.failed.length > 0 ? 1 : 0
}
