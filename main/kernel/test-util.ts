/**
 * Helpers for the kernel lab's tests: run a script and collect what it streamed, and list
 * what a run could have left behind (child processes, descriptors, listening ports).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import type { Backend } from '../backend/backend'
import type { LabResult, StepResult, TraceEvent } from '../../shared/lab-result'
import { parseLabScript, type LabScript, type LabScriptInput } from '../../shared/lab-script'
import { OWNER_ENV } from './netns'

/** Validates a script written in a test (throws on a mistake in the test itself). */
export function script(input: LabScriptInput): LabScript {
  const parsed = parseLabScript(input)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.script
}

/** Runs a script to its end, collecting the streamed events and steps too. */
export async function runCollect(
  backend: Backend,
  s: LabScript,
  signal: AbortSignal = new AbortController().signal,
): Promise<{ result: LabResult; streamed: TraceEvent[]; stepped: StepResult[] }> {
  const streamed: TraceEvent[] = []
  const stepped: StepResult[] = []
  const result = await backend.run(s, {
    signal,
    onEvent: (e) => streamed.push(e),
    onStep: (st) => stepped.push(st),
  })
  return { result, streamed, stepped }
}

/** Pids whose parent is this process (children a run failed to reap). */
export function childPids(): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // Field 4 is the ppid; the command name (field 2) may contain spaces, so split after ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid) out.push(Number(name))
    } catch {
      // The process went away while we looked.
    }
  }
  return out
}

/**
 * Every live process the kernel lab started for this process, wherever it ended up (peers,
 * helpers, nft, namespace holders): they carry OWNER_ENV in their environment. Zombies are
 * not counted (they hold nothing; their parent reaps them).
 */
export function leftovers(owner: number = process.pid): number[] {
  const tag = `${OWNER_ENV}=${owner}\0`
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(tag)) out.push(Number(name))
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return out
}

/** This process's open descriptors, by what they point at. */
export function openFds(): string[] {
  return readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      return 'gone'
    }
  })
}

/**
 * Runs `work` when fewer than `max` others run (per test process): kernel runs are mostly
 * waiting on the kernel's timers, but each starts processes, and on a loaded 2-core machine
 * too many at once stretch the latencies the scripts' timings assume.
 */
export function limiter(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0
  const queue: (() => void)[] = []
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((r) => queue.push(r))
    running++
    try {
      return await work()
    } finally {
      running--
      queue.shift()?.()
    }
  }
}
