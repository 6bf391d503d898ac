// Issue 14's agreement: a traced program that makes exactly the scripted client's calls of a
// catalog case tells the same story as the scripted client, by the one agreement rule
// (shared/agreement.ts): the same outcome, return class, errno and value step by step, and
// the same final states, against the kernel's scripted run and against the simulator.
import { describe, expect, it } from 'vitest'
import { compareResults, formatDifferences } from '../../shared/agreement'
import { scenarioScript } from '../../shared/catalog/index'
import type { LabResult } from '../../shared/lab-result'
import { programSteps } from '../../shared/program-steps'
import { kernelBackend } from '../kernel/index'
import {
  PYTHON,
  programsUnavailable,
  pythonFile,
  runProgram,
} from '../kernel/program/test-programs'
import { simBackend } from '../sim/index'
import { runScript } from './session'

const why = await programsUnavailable()
if (why) console.log(`program agreement skipped: ${why}`)

/**
 * Python clients making the scripted client's calls, one system call each: connect() (after
 * socket()), recv() on 65536 bytes, send() of the scripted bytes, the scripted sleep; each
 * waits for its `at` as the script says, from the connect (which the script makes at 10 ms).
 * Errors are printed, not raised: the program goes on as the script does.
 */
const HEAD = `import socket, sys, time
def attempt(f):
    try:
        print(f())
    except OSError as e:
        print(e.errno)
s = socket.socket()
s.connect((sys.argv[1], int(sys.argv[2])))
t0 = time.monotonic() - 0.010
def at(ms):
    time.sleep(max(0, t0 + ms / 1000 - time.monotonic()))
`
const PROGRAMS: Record<string, string> = {
  'peer.crash-rst': `${HEAD}at(200)
attempt(lambda: s.recv(65536))
attempt(lambda: s.send(b"x" * 5))
`,
  'peer.close': `${HEAD}at(200)
attempt(lambda: s.recv(65536))
attempt(lambda: s.send(b"x" * 5))
time.sleep(0.05)
attempt(lambda: s.send(b"x" * 5))
`,
}

/** The scripted run with the program's calls in place of the client's steps. */
function asScripted(
  program: LabResult,
  role: 'client',
): { result: LabResult; unmatched: number[] } {
  const { steps, unmatched } = programSteps(
    scenarioScript(program.id!)!,
    role,
    program.program!.calls,
  )
  return { result: { ...program, steps: [...program.steps, ...steps] }, unmatched }
}

describe.skipIf(why !== null)(
  'a program making the scripted calls agrees with the scripted client',
  () => {
    it.each(Object.keys(PROGRAMS))('%s', async (id) => {
      const script = scenarioScript(id)!
      const file = pythonFile('client.py', PROGRAMS[id]!)
      const program = await runProgram(script, 'client', [PYTHON!, file, '{host}', '{port}'])
      const { result, unmatched } = asScripted(program, 'client')
      expect(unmatched).toEqual([])
      // The client's call steps (a sleep is the lab's own: no call to compare).
      const matched = new Set(result.steps.filter((s) => s.actor === 'client').map((s) => s.index))
      const clientSteps = (i: number): boolean => matched.has(i)

      const kernel = await runScript(script, kernelBackend)
      if (!kernel.ok) throw new Error(kernel.error.message)
      const againstKernel = compareResults(kernel.value, result, { steps: clientSteps })
      expect(formatDifferences(againstKernel)).toEqual([])

      const sim = await runScript({ ...script, profile: kernel.value.profile }, simBackend)
      if (!sim.ok) throw new Error(sim.error.message)
      const againstSim = compareResults(sim.value, result, { steps: clientSteps })
      expect(formatDifferences(againstSim)).toEqual([])
      // The rule compares something: every call step of the client was matched and compared.
      expect(matched.size).toBe(
        script.steps.filter((s) => s.actor === 'client' && s.op !== 'sleep').length,
      )
    })

    it('a program that makes other calls disagrees, by the same rule', async () => {
      const script = scenarioScript('peer.crash-rst')!
      // It connects to the wrong port (refused), then reads a socket that is not connected.
      const file = pythonFile(
        'wrong.py',
        `import socket, sys
s = socket.socket()
for f in (lambda: s.connect((sys.argv[1], int(sys.argv[2]) + 1)), lambda: s.recv(65536)):
    try:
        f()
    except OSError as e:
        print(e.errno)
`,
      )
      const program = await runProgram(script, 'client', [PYTHON!, file, '{host}', '{port}'], 1500)
      const { result } = asScripted(program, 'client')
      const sim = await runScript(script, simBackend)
      if (!sim.ok) throw new Error(sim.error.message)
      const differences = compareResults(sim.value, result, {
        steps: (i) => script.steps[i]?.actor === 'client',
        final: false,
      })
      expect(differences.map((d) => `${d.step}:${d.field}`)).toEqual([
        '1:ret',
        '1:errno',
        '4:errno',
        '5:missing',
      ])
    })
  },
)
