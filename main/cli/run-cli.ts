/**
 * `socklab`: the headless entry (docs/lab-script-format.md). Exit codes: 0 done, 1 `check` (or
 * `fuzz`) found a difference, 2 bad input, 3 the backend cannot run this script on this host,
 * 4 the backend failed (a bug: the message says where), 130 cancelled by Ctrl+C.
 * With `--json`, exactly one JSON document goes to stdout and nothing else.
 */
import { listScenarios } from '../../shared/catalog/index'
import type { LabError, LabResult } from '../../shared/lab-result'
import {
  BACKEND_IDS,
  PROFILE_IDS,
  type BackendId,
  type LabScript,
  type ProfileId,
} from '../../shared/lab-script'
import { formatTraceLines } from '../../shared/trace-text'
import { captureFrames, runToPcapng } from '../../shared/pcap/capture'
import { createBackends } from '../backend/registry'
import { probeKernel } from '../kernel/index'
import { programSupport } from '../kernel/program/index'
import { formatDifferences } from '../../shared/agreement'
import { checkScript, lateOf } from '../lab/check'
import { runScript } from '../lab/session'
import { APP_VERSION } from '../lab/version'
import { writeFile } from 'node:fs/promises'
import { loadScript } from './load-script'
import { runFuzzCli } from './fuzz'
import { runGradeCli } from './grade'
import { runProgramCli, wantsProgram } from './program'
import { runQuizCli } from './quiz'
import { runClassCli } from './class'

/** Where the CLI writes. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
}

/** Exit codes of docs/lab-script-format.md; a cancelled run exits 128 + the signal's number. */
export const EXIT = {
  done: 0,
  different: 1,
  badInput: 2,
  unsupported: 3,
  failed: 4,
  interrupted: 130,
} as const

/** The signals that cancel a run (it cleans up, says so, and exits with 128 + the number). */
const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** The exit code of a run cancelled by a signal (the shell's 128 + its number). */
export const SIGNAL_EXIT: Readonly<Partial<Record<NodeJS.Signals, number>>> = {
  SIGHUP: 129,
  SIGINT: EXIT.interrupted,
  SIGTERM: 143,
}

const USAGE = `Socket Anomaly Lab ${APP_VERSION}: cause TCP anomalies and see what connect(), recv() and send() return.

Usage:
  socklab list [--json]
  socklab run <scenario-id | script.json|.yaml> [--backend sim|kernel] [--profile P] [--json]
              [--pcap out.pcapng]
  socklab run <scenario-id | script> --backend kernel --client|--server [--limit MS] [--json] -- <command> [args]
  socklab check <scenario-id | script.json|.yaml> [--json]
  socklab grade <program-lab.yaml|.json> [--student NAME] [--class CODE] [--out FILE] [--lang zh|en]
              [--json] -- <command> [args]
  socklab grade <program-lab.yaml|.json> --folder DIR [--class CODE] [--out DIR] [--lang zh|en]
  socklab doctor [--json]
  socklab quiz [--seed N] [--lang zh|en] [--json | --format moodle|gift [--pack FILE]]
  socklab fuzz [--seed S] [--count N] [--out DIR] [--jobs J] [--repeat R]
  socklab class serve <pack.yaml|.json|.gift> [--port N] [--host 127.0.0.1|0.0.0.0|ADDRESS]
              [--paced] [--feedback immediate|reveal]

Profiles: ${PROFILE_IDS.join(', ')}.  Exit codes: 0 done, 1 check or fuzz found a difference,
2 bad input, 3 the backend cannot run this script on this host, 4 the backend failed,
130 cancelled by Ctrl+C.`

interface Flags {
  positional: string[]
  json: boolean
  backend: BackendId
  profile?: ProfileId
  /** `run --pcap FILE`: also write the run as a pcapng capture (docs/pcap-export.md). */
  pcap?: string
}

function parseFlags(argv: string[]): Flags | string {
  const flags: Flags = { positional: [], json: false, backend: 'sim' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? ''
    if (a === '--json') flags.json = true
    else if (a === '--backend') {
      const v = argv[++i] ?? ''
      if (!(BACKEND_IDS as readonly string[]).includes(v))
        return `--backend must be one of ${BACKEND_IDS.join(', ')}, got "${v}".`
      flags.backend = v as BackendId
    } else if (a === '--profile') {
      const v = argv[++i] ?? ''
      if (!(PROFILE_IDS as readonly string[]).includes(v))
        return `--profile must be one of ${PROFILE_IDS.join(', ')}, got "${v}".`
      flags.profile = v as ProfileId
    } else if (a === '--pcap') {
      const v = argv[++i] ?? ''
      if (v === '' || v.startsWith('--'))
        return '--pcap needs the file to write, e.g. --pcap run.pcapng.'
      flags.pcap = v
    } else if (a.startsWith('--')) return `Unknown option "${a}".`
    else flags.positional.push(a)
  }
  return flags
}

const backends = createBackends()

/** Runs the CLI; resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE)
    return command ? EXIT.done : EXIT.badInput
  }
  // The quiz has its own options (--seed, --lang): main/cli/quiz.ts reads them.
  if (command === 'quiz') return runQuizCli(rest, io)
  // Your own program as the client or server (main/cli/program.ts): its command follows `--`.
  if (command === 'run' && wantsProgram(rest)) return runProgramCli(rest, io)
  if (command === 'grade') return runGradeCli(rest, io)
  // A live class from a pack file (main/cli/class.ts): runs until the teacher ends it.
  if (command === 'class') return runClassCli(rest, io)
  if (command === 'fuzz') {
    const controller = interruptible()
    try {
      const code = await runFuzzCli(rest, io, controller.signal)
      return controller.cancelled(io) ?? code
    } finally {
      controller.release()
    }
  }
  const flags = parseFlags(rest)
  if (typeof flags === 'string') {
    io.err(flags)
    return EXIT.badInput
  }
  if (flags.pcap !== undefined && command !== 'run') {
    io.err(`--pcap belongs to "run" (it writes that run's capture), not to "${command}".`)
    return EXIT.badInput
  }
  switch (command) {
    case 'list':
      return list(flags, io)
    case 'run':
      return run(flags, io)
    case 'check':
      return check(flags, io)
    case 'doctor':
      return doctor(flags, io)
    default:
      io.err(`Unknown command "${command}".\n\n${USAGE}`)
      return EXIT.badInput
  }
}

function list(flags: Flags, io: CliIo): number {
  const scenarios = listScenarios()
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          scenarios: scenarios.map(({ id, title, section, backends }) => ({
            id,
            title,
            section,
            backends,
          })),
        },
        null,
        2,
      ),
    )
    return EXIT.done
  }
  for (const s of scenarios)
    io.out(`${s.id.padEnd(24)} ${s.backends.join(',').padEnd(11)} ${s.title.en} · ${s.title.zh}`)
  return EXIT.done
}

async function loadOne(flags: Flags, io: CliIo): Promise<LabScript | number> {
  const arg = flags.positional[0]
  if (!arg || flags.positional.length > 1) {
    io.err('Name exactly one scenario id or script file.')
    return EXIT.badInput
  }
  const loaded = await loadScript(arg)
  if (!loaded.ok) {
    io.err(loaded.message)
    return EXIT.badInput
  }
  return flags.profile ? { ...loaded.script, profile: flags.profile } : loaded.script
}

async function execute(
  script: LabScript,
  backend: BackendId,
  io: CliIo,
  signal: AbortSignal,
): Promise<LabResult | number> {
  const result = await runScript(script, backends[backend], { signal })
  if (result.ok) return result.value
  // A cancelled run is said once, by the caller (Interruptible.cancelled).
  if (signal.aborted) return EXIT.interrupted
  io.err(result.error.message)
  return exitOf(result.error)
}

/** The exit code of an error as data. */
function exitOf(error: LabError): number {
  return error.code === 'unsupported'
    ? EXIT.unsupported
    : error.code === 'bad-input'
      ? EXIT.badInput
      : EXIT.failed
}

function printText(result: LabResult, script: LabScript, io: CliIo): void {
  const host = result.host
    ? `, host ${result.host.platform} ${result.host.release} (${result.host.isolation})`
    : ''
  io.out(
    `# ${script.id ?? '(script)'} on ${result.backend === 'sim' ? 'the simulator' : 'the kernel'}, profile ${result.profile}${host}`,
  )
  if (result.timersShortened) {
    const t = result.timers
    io.out(
      `# timers shortened: synRetries=${t.synRetries} synackRetries=${t.synackRetries} retries2=${t.retries2} keepalive=${t.keepalive.idleS}/${t.keepalive.intervalS}/${t.keepalive.count}`,
    )
  }
  for (const line of formatTraceLines(result, script)) io.out(line)
}

async function run(flags: Flags, io: CliIo): Promise<number> {
  const script = await loadOne(flags, io)
  if (typeof script === 'number') return script
  const controller = interruptible()
  const result = await execute(script, flags.backend, io, controller.signal)
  controller.release()
  const cancelled = controller.cancelled(io)
  if (cancelled !== undefined) return cancelled
  if (typeof result === 'number') return result
  if (flags.pcap !== undefined) {
    try {
      await writeFile(flags.pcap, runToPcapng(result, { script }))
    } catch (error) {
      io.err(
        `Could not write the capture to ${flags.pcap}: ${error instanceof Error ? error.message : String(error)}`,
      )
      return EXIT.badInput
    }
  }
  if (flags.json) io.out(JSON.stringify(result, null, 2))
  else {
    printText(result, script, io)
    if (flags.pcap !== undefined)
      io.out(
        `# capture: ${captureFrames(result, { script }).length} frames written to ${flags.pcap}`,
      )
  }
  return EXIT.done
}

async function check(flags: Flags, io: CliIo): Promise<number> {
  const script = await loadOne(flags, io)
  if (typeof script === 'number') return script
  const controller = interruptible()
  try {
    // The kernel first, then the simulator on the kernel's own profile (main/lab/check.ts).
    const checked = await checkScript(script, backends, { signal: controller.signal })
    if (controller.signal.aborted) return controller.cancelled(io) ?? EXIT.interrupted
    if (!checked.ok) {
      io.err(checked.error.message)
      return exitOf(checked.error)
    }
    const { sim, kernel, differences, reruns } = checked
    if (flags.json)
      io.out(
        JSON.stringify(
          { id: script.id, agree: differences.length === 0, differences, sim, kernel },
          null,
          2,
        ),
      )
    else {
      io.out(
        `# check ${script.id ?? '(script)'}: simulator (${sim.profile}) against the kernel (${kernel.host?.platform ?? ''} ${kernel.host?.release ?? ''})`,
      )
      if (reruns > 0)
        io.out(
          `# the kernel run was repeated ${reruns} time${reruns > 1 ? 's' : ''}: this machine was too busy for it to keep time (its steps started up to ${lateOf(kernel)} ms late)`,
        )
      if (differences.length === 0)
        io.out(
          'agree: every step has the same outcome, return class, errno, value (poll revents, SO_ERROR) and timer timing, and every end the same final state',
        )
      for (const line of formatDifferences(differences)) io.out(line)
    }
    return differences.length === 0 ? EXIT.done : EXIT.different
  } finally {
    controller.release()
  }
}

async function doctor(flags: Flags, io: CliIo): Promise<number> {
  const probe = await probeKernel()
  // Your own program in the lab (run --client/--server, grade): strace on top of the kernel lab.
  const program = await programSupport(probe)
  if (flags.json) {
    io.out(JSON.stringify({ ...probe, program }, null, 2))
    return EXIT.done
  }
  io.out(
    `kernel lab: ${probe.available ? 'available' : 'not available'} (isolation: ${probe.isolation})`,
  )
  io.out(probe.detail)
  for (const c of probe.checks) io.out(`  ${c.ok ? 'ok  ' : 'no  '} ${c.name}: ${c.detail}`)
  const runnable = probe.cases.filter((c) => c.runnable)
  io.out(`cases on the real kernel here: ${runnable.length} of ${probe.cases.length}`)
  for (const c of probe.cases)
    io.out(`  ${c.runnable ? 'kernel+sim' : 'sim only  '} ${c.id}${c.why ? `: ${c.why}` : ''}`)
  io.out(
    `your own program (run --client|--server -- <command>, grade): ${program.available ? 'available' : 'not available'}`,
  )
  io.out(program.detail)
  for (const c of program.checks) io.out(`  ${c.ok ? 'ok  ' : 'no  '} ${c.name}: ${c.detail}`)
  return EXIT.done
}

/** A run's cancel switch, tied to the signals that stop the CLI. */
export interface Interruptible extends AbortController {
  /** Stops listening for the signals. */
  release(): void
  /**
   * When a signal cancelled the run: says so on stderr and gives the exit code (130 for
   * Ctrl+C); undefined when the run was not cancelled.
   */
  cancelled(io: CliIo): number | undefined
}

/**
 * Ctrl+C cancels the run (and its cleanup runs) instead of killing the process mid-way; the
 * run then ends with a line saying it was cancelled and exit code 130 (128 + SIGINT).
 */
export function interruptible(): Interruptible {
  const controller = new AbortController() as Interruptible
  let signal: NodeJS.Signals | undefined
  const onSignal = (name: NodeJS.Signals): void => {
    signal ??= name
    controller.abort()
  }
  // SIGHUP too: a closed terminal must not kill the CLI before its run has cleaned up.
  for (const name of CANCEL_SIGNALS) process.once(name, onSignal)
  controller.release = () => {
    for (const name of CANCEL_SIGNALS) process.off(name, onSignal)
  }
  let said = false
  controller.cancelled = (io) => {
    if (!signal) return undefined
    if (!said)
      io.err(
        `Cancelled by ${signal === 'SIGINT' ? 'Ctrl+C (SIGINT)' : signal}: the run was stopped before it ended, so there is no result.`,
      )
    said = true
    return SIGNAL_EXIT[signal] ?? EXIT.interrupted
  }
  return controller
}
