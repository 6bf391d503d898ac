/**
 * Helpers for the tests that run real programs in the lab: the Python to run them with, what
 * the host allows, and one call that runs a program as a role of a script and collects it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LabResult } from '../../../shared/lab-result'
import type { Endpoint, LabScript } from '../../../shared/lab-script'
import { probeKernel } from '../probe'
import { createProgramBackend } from './index'
import { programSupport } from './support'

/**
 * The Python interpreter itself (a version manager's shim for `python3` is a shell script
 * that starts several processes first); null where there is none.
 */
export const PYTHON: string | null = (() => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
    }).trim()
  } catch {
    return null
  }
})()

/** Why programs cannot run here (one line for the skip), or null. */
export async function programsUnavailable(): Promise<string | null> {
  if (!PYTHON) return 'no python3 on this host'
  const support = await programSupport(await probeKernel())
  return support.available ? null : support.detail
}

/** Writes a Python program into a fresh folder; returns its path. */
export function pythonFile(name: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-prog-'))
  const file = join(dir, name)
  writeFileSync(file, source)
  return file
}

/** Runs `command` as `role` of `script` on the kernel; throws when the run fails. */
export async function runProgram(
  script: LabScript,
  role: Endpoint,
  command: string[],
  limitMs?: number,
): Promise<LabResult> {
  const backend = createProgramBackend({ role, command, ...(limitMs ? { limitMs } : {}) })
  return backend.run(script, {
    signal: new AbortController().signal,
    onEvent: () => undefined,
    onStep: () => undefined,
  })
}
