// A program that hangs, forks, floods its output or ignores SIGTERM is contained: the run
// ends at its limit, the output is cut at PROGRAM_OUTPUT_LIMIT with a marker, and every
// process it started is gone afterwards, whatever it did to escape (a new session, a
// re-parented grandchild, SIGTERM ignored).
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { scenarioScript } from '../../../shared/catalog/index'
import { PROGRAM_OUTPUT_LIMIT } from '../../../shared/program-result'
import { leftovers } from '../test-util'
import { createProgramBackend } from './index'
import { PYTHON, programsUnavailable, pythonFile, runProgram } from './test-programs'

const why = await programsUnavailable()
if (why) console.log(`program containment skipped: ${why}`)

/** Live processes whose command line holds `token`. */
function holding(token: string): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(token)) out.push(Number(name))
    } catch {
      // Gone meanwhile.
    }
  }
  return out
}

const LIMIT = 1500

async function contained(source: string): Promise<{
  result: Awaited<ReturnType<typeof runProgram>>
  wallMs: number
}> {
  const token = `socklab-test-${randomUUID()}`
  const file = pythonFile('p.py', source)
  const started = performance.now()
  const result = await runProgram(
    scenarioScript('connect.ok')!,
    'client',
    [PYTHON!, file, token],
    LIMIT,
  )
  const wallMs = performance.now() - started
  expect(holding(token)).toEqual([])
  expect(leftovers()).toEqual([])
  return { result, wallMs }
}

describe.skipIf(why !== null)('a program is contained', () => {
  it('that hangs: ended at the limit by SIGTERM', async () => {
    const { result, wallMs } = await contained('import time\ntime.sleep(60)\n')
    const p = result.program!
    expect(p).toMatchObject({ killed: 'limit', exitSignal: 'SIGTERM', exitCode: null })
    expect(wallMs).toBeLessThan(LIMIT + 4000)
  })

  it('that ignores SIGTERM: SIGKILL after the grace period', async () => {
    const { result, wallMs } = await contained(
      'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("ignoring", flush=True)\ntime.sleep(60)\n',
    )
    const p = result.program!
    expect(p).toMatchObject({ killed: 'limit', exitSignal: 'SIGKILL' })
    expect(p.stdout).toBe('ignoring\n')
    expect(wallMs).toBeLessThan(LIMIT + 5000)
  })

  it('that forks children which leave its session and ignore SIGTERM, then exits', async () => {
    const { result } = await contained(
      [
        'import os, signal, sys, time',
        'for i in range(3):',
        '    if os.fork() == 0:',
        '        os.setsid()',
        '        signal.signal(signal.SIGTERM, signal.SIG_IGN)',
        '        if os.fork() == 0:',
        '            time.sleep(60)',
        '        time.sleep(60)',
        'print("parent done", flush=True)',
        '',
      ].join('\n'),
    )
    const p = result.program!
    expect(p.exitCode).toBe(0)
    expect(p.stdout).toBe('parent done\n')
    expect(p.killed).toBeUndefined()
  })

  it('that floods its output: each stream cut at the limit, with a marker', async () => {
    const { result } = await contained(
      'import sys\nwhile True:\n    sys.stdout.write("x" * 4096)\n    sys.stderr.write("y" * 4096)\n',
    )
    const p = result.program!
    expect(p.stdoutCut).toBe(true)
    expect(p.stderrCut).toBe(true)
    expect(p.stdout.startsWith('x'.repeat(PROGRAM_OUTPUT_LIMIT))).toBe(true)
    expect(p.stdout).toContain(`[socklab: output cut at ${PROGRAM_OUTPUT_LIMIT} bytes]`)
    expect(p.stdout.length).toBeLessThan(PROGRAM_OUTPUT_LIMIT + 100)
    expect(p.killed).toBe('limit')
  })
})

describe.skipIf(why !== null)('a cancelled run', () => {
  it('ends its program at once, says so, and leaves nothing', async () => {
    const token = `socklab-test-${randomUUID()}`
    const file = pythonFile('p.py', 'import time\nprint("up", flush=True)\ntime.sleep(60)\n')
    const controller = new AbortController()
    const backend = createProgramBackend({
      role: 'client',
      command: [PYTHON!, file, token],
      limitMs: 20_000,
    })
    const started = performance.now()
    const running = backend.run(scenarioScript('connect.ok')!, {
      signal: controller.signal,
      onEvent: () => undefined,
      onStep: () => undefined,
    })
    // Cancel once the program runs (it never connects: the run would wait for its limit).
    while (holding(token).length === 0 && performance.now() - started < 10_000)
      await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    const result = await running
    expect(result.cancelled).toBe(true)
    expect(result.program!.killed).toBe('cancelled')
    // SIGTERM; or SIGKILL when the cancel came while it was still being started.
    expect(['SIGTERM', 'SIGKILL']).toContain(result.program!.exitSignal)
    expect(performance.now() - started).toBeLessThan(15_000)
    expect(holding(token)).toEqual([])
    expect(leftovers()).toEqual([])
  })
})
