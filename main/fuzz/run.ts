/**
 * The differential fuzzer (docs/lab-script-format.md, "socklab fuzz"): random race-free lab
 * scripts, each run on the real kernel and then on the simulator with the kernel's own
 * profile, judged by the one agreement rule (shared/agreement.ts). Each disagreement is
 * shrunk to a minimal script that still disagrees and written out with both results, in the
 * format of the regression tests (main/lab/regressions/), so it can become one as it is.
 *
 * A kernel run the machine made late is repeated before a disagreement counts (main/lab/
 * check.ts). With `repeat` > 1 every script also runs that many times on the kernel: a script whose
 * kernel answers differ between runs depends on a race, which is a generator bug (robust.ts
 * should have rejected it), reported apart from disagreements.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { compareResults, formatDifferences } from '../../shared/agreement'
import type { LabResult } from '../../shared/lab-result'
import { parseLabScript, type LabScript } from '../../shared/lab-script'
import type { Backends } from '../backend/registry'
import { checkScript } from '../lab/check'
import { runScript } from '../lab/session'
import { generateScript } from './generate'
import { checkRobust } from './robust'

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  seed: number
  count: number
  backends: Backends
  /** Scripts run at once (each kernel run has its own namespace). Default 4. */
  jobs?: number
  /** Kernel runs per script (see the file's comment). Default 1. */
  repeat?: number
  /** Folder for the disagreements' files (created when needed). */
  out?: string
  /** Most kernel runs one shrink may take. Default 30. */
  shrinkRuns?: number
  signal?: AbortSignal
  /** Hears one line per finding, as it is found. */
  onLine?: (line: string) => void
}

/** A script the two backends (or two kernel runs) disagreed on. */
export interface FuzzFinding {
  kind: 'disagreement' | 'unstable'
  id: string
  index: number
  differences: string[]
  /** The shrunk script (the original when nothing could be removed). */
  script: LabScript
  original: LabScript
  sim: LabResult
  kernel: LabResult
  /** Where its file was written, when `out` was given. */
  file?: string
}

/** What a fuzz run found. */
export interface FuzzSummary {
  scripts: number
  findings: FuzzFinding[]
  /** Scripts the kernel backend refused on this host, with its reason. */
  refused: { id: string; why: string }[]
  /** Scripts whose run failed (backend error), with the message. */
  failed: { id: string; why: string }[]
  /** Kernel runs repeated because the machine made them late (LATE_MS). */
  rerunLate: number
  elapsedMs: number
  cancelled: boolean
}

function disagrees(pair: { sim: LabResult; kernel: LabResult }): boolean {
  return compareResults(pair.sim, pair.kernel).length > 0
}

/** The race-free script number `index` of `seed`. */
export function fuzzScript(seed: number, index: number): LabScript {
  return generateScript(seed, index, checkRobust)
}

type Pair =
  | { ok: true; sim: LabResult; kernel: LabResult; reruns: number }
  | { ok: false; why: string; refused: boolean }

async function runPair(script: LabScript, options: FuzzOptions): Promise<Pair> {
  const r = await checkScript(script, options.backends, { signal: options.signal })
  if (!r.ok) return { ok: false, why: r.error.message, refused: r.error.code === 'unsupported' }
  return { ok: true, sim: r.sim, kernel: r.kernel, reruns: r.reruns }
}

/**
 * Removes steps one at a time, last first, keeping each removal after which the script is
 * still valid, still race-free and still disagrees; stops when a whole pass removes nothing
 * or the budget of kernel runs is spent.
 */
export async function shrink(
  script: LabScript,
  first: { sim: LabResult; kernel: LabResult },
  options: FuzzOptions,
): Promise<{ script: LabScript; sim: LabResult; kernel: LabResult }> {
  let best = { script, ...first }
  let budget = options.shrinkRuns ?? 30
  for (let changed = true; changed && budget > 0;) {
    changed = false
    for (let i = best.script.steps.length - 1; i >= 0 && budget > 0; i--) {
      if (options.signal?.aborted) return best
      const steps = best.script.steps.filter((_, j) => j !== i)
      const parsed = parseLabScript({ ...best.script, steps })
      if (!parsed.ok || !checkRobust(parsed.script).ok) continue
      budget--
      const pair = await runPair(parsed.script, options)
      if (!pair.ok || compareResults(pair.sim, pair.kernel).length === 0) continue
      best = { script: parsed.script, sim: pair.sim, kernel: pair.kernel }
      changed = true
    }
  }
  return best
}

async function writeFinding(finding: FuzzFinding, out: string): Promise<string> {
  await mkdir(out, { recursive: true })
  const file = join(out, `${finding.id}.json`)
  const doc = {
    why: `${finding.kind === 'unstable' ? 'kernel runs differ' : 'simulator and kernel disagree'}: ${finding.differences.join('; ')}`,
    kind: finding.kind,
    differences: finding.differences,
    script: finding.script,
    original: finding.original,
    sim: finding.sim,
    kernel: finding.kernel,
  }
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`)
  return file
}

async function fuzzOne(index: number, options: FuzzOptions, summary: FuzzSummary): Promise<void> {
  const original = fuzzScript(options.seed, index)
  const id = original.id ?? `fuzz-${options.seed}-${index}`
  // A kernel run that could not keep time is repeated before it counts (main/lab/check.ts).
  const pair = await runPair(original, options)
  if (pair.ok) summary.rerunLate += pair.reruns
  summary.scripts++
  if (!pair.ok) {
    if (options.signal?.aborted) return
    ;(pair.refused ? summary.refused : summary.failed).push({ id, why: pair.why })
    if (!pair.refused) options.onLine?.(`FAILED ${id}: ${pair.why}`)
    return
  }
  let finding: FuzzFinding | null = null
  for (let r = 1; r < (options.repeat ?? 1) && !finding; r++) {
    const again = await runScript(original, options.backends.kernel, { signal: options.signal })
    if (!again.ok) break
    const differences = formatDifferences(compareResults(pair.kernel, again.value))
    if (differences.length)
      finding = {
        kind: 'unstable',
        id,
        index,
        differences,
        script: original,
        original,
        sim: again.value,
        kernel: pair.kernel,
      }
  }
  if (!finding && disagrees(pair)) {
    const small = await shrink(original, pair, options)
    finding = {
      kind: 'disagreement',
      id,
      index,
      differences: formatDifferences(compareResults(small.sim, small.kernel)),
      script: small.script,
      original,
      sim: small.sim,
      kernel: small.kernel,
    }
  }
  if (!finding) return
  if (options.out) finding.file = await writeFinding(finding, options.out)
  summary.findings.push(finding)
  const label = finding.kind === 'unstable' ? 'UNSTABLE' : 'DISAGREE'
  const more = finding.differences.length > 1 ? ` (+${finding.differences.length - 1} more)` : ''
  const where = finding.file ? ` -> ${finding.file}` : ''
  options.onLine?.(
    `${label} ${id}: ${finding.differences[0] ?? ''}${more}; ${finding.script.steps.length} of ${original.steps.length} steps${where}`,
  )
}

/** Runs the fuzzer; resolves with what it found (never throws for a disagreement). */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = performance.now()
  const summary: FuzzSummary = {
    scripts: 0,
    findings: [],
    refused: [],
    failed: [],
    rerunLate: 0,
    elapsedMs: 0,
    cancelled: false,
  }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < options.count && !options.signal?.aborted) await fuzzOne(next++, options, summary)
  }
  await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 4) }, worker))
  summary.cancelled = options.signal?.aborted ?? false
  summary.findings.sort((a, b) => a.index - b.index)
  summary.elapsedMs = performance.now() - started
  return summary
}

/** The closing line: `fuzz: N scripts, K disagreements` (and the unstable ones, if any). */
export function summaryLine(summary: FuzzSummary): string {
  const k = summary.findings.filter((f) => f.kind === 'disagreement').length
  const u = summary.findings.length - k
  const extra = [
    u ? `${u} unstable on the kernel (generator bugs)` : '',
    summary.failed.length ? `${summary.failed.length} failed` : '',
    summary.refused.length ? `${summary.refused.length} refused by the kernel backend` : '',
    summary.rerunLate ? `${summary.rerunLate} kernel runs repeated (the machine was busy)` : '',
    summary.cancelled ? 'cancelled' : '',
  ].filter(Boolean)
  return `fuzz: ${summary.scripts} scripts, ${k} disagreements${extra.length ? `, ${extra.join(', ')}` : ''}`
}
