// The examples of issue 14 (examples/), graded by their program labs (examples/labs/) as
// `socklab grade` grades them: the robust clients and server pass every case; the naive ones
// fail, the clients on peer.crash-rst and peer.host-down among others, with reasons a student
// can read. Python and Node always; C where a C compiler is present (one skip line otherwise).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readProgramLab } from '../../shared/program-lab'
import { PYTHON, programsUnavailable } from '../kernel/program/test-programs'
import { gradeProgram, type GradeReport } from './program-grade'

const why = await programsUnavailable()
if (why) console.log(`program examples skipped: ${why}`)

const root = join(import.meta.dirname, '..', '..')

async function grade(lab: string, command: string[]): Promise<GradeReport> {
  const file = join(root, 'examples', 'labs', lab)
  const read = readProgramLab(readFileSync(file, 'utf8'), file)
  if (!read.ok) throw new Error(read.problems.join('\n'))
  const answer = await gradeProgram(read.lab, read.cases, command)
  if (!answer.ok) throw new Error(answer.unsupported)
  return answer.report
}

/** Each case's verdict and, for a failed one, the reasons of its failed checks. */
function verdicts(report: GradeReport): Record<string, string[]> {
  return Object.fromEntries(
    report.cases.map((c) => [
      c.case,
      c.passed
        ? ['pass']
        : [
            ...(c.error ? [c.error] : []),
            ...c.checks.filter((v) => !v.passed).map((v) => v.reason.en),
          ],
    ]),
  )
}

const py = (name: string): string[] => [
  PYTHON!,
  join(root, 'examples', 'python', name),
  '{host}',
  '{port}',
]

/** The C compiler, if there is one. */
const CC: string | null = (() => {
  for (const cc of ['cc', 'gcc', 'clang']) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' })
      return cc
    } catch {
      // Not this one.
    }
  }
  return null
})()
if (!why && !CC) console.log('C examples skipped: no C compiler (cc, gcc or clang) on this host')

const CLIENT_PASS = {
  'connect.refused': ['pass'],
  'peer.crash-rst': ['pass'],
  'peer.host-down': ['pass'],
}
const HOST_DOWN_FAIL = [
  'did not end by itself within 6000 ms: it was still running at the time limit and was stopped by the lab',
  'it was still running at the time limit and was stopped by the lab; the lab expects a non-zero status (reporting the failure)',
  'its output does not contain "no answer"',
]

describe.skipIf(why !== null)('the examples, graded by their program labs', () => {
  it('the robust Python client passes client-faults', { timeout: 90_000 }, async () => {
    const report = await grade('client-faults.yaml', py('robust_client.py'))
    expect(verdicts(report)).toEqual(CLIENT_PASS)
    expect(report).toMatchObject({ passed: true, score: { passed: 3, total: 3 }, role: 'client' })
  })

  it(
    'the naive Python client fails it, on peer.crash-rst and peer.host-down too',
    { timeout: 90_000 },
    async () => {
      const report = await grade('client-faults.yaml', py('naive_client.py'))
      expect(verdicts(report)).toEqual({
        'connect.refused': [
          'its output contains "Traceback", which it must not',
          'made 1 connect() attempt; the lab expects exactly 3',
        ],
        'peer.crash-rst': ['its output contains "Traceback", which it must not'],
        'peer.host-down': HOST_DOWN_FAIL,
      })
      expect(report.passed).toBe(false)
    },
  )

  it(
    'the robust Python server passes server-faults, the naive one fails it',
    { timeout: 90_000 },
    async () => {
      const robust = await grade('server-faults.yaml', py('robust_server.py'))
      expect(verdicts(robust)).toEqual({ 'accept.reset': ['pass'], 'connect.ok': ['pass'] })
      const naive = await grade('server-faults.yaml', py('naive_server.py'))
      expect(verdicts(naive)).toEqual({
        'accept.reset': [
          'it exited with status 1; the lab expects status 0',
          'its output contains "Traceback", which it must not',
        ],
        'connect.ok': [
          'did not end by itself within 6000 ms: it was still running at the time limit and was stopped by the lab',
          'it was still running at the time limit and was stopped by the lab; the lab expects status 0',
          'its output does not contain "idle"',
        ],
      })
    },
  )

  it(
    'the Node clients: the robust one passes, the naive one fails',
    { timeout: 90_000 },
    async () => {
      const node = (name: string): string[] => [
        process.execPath,
        join(root, 'examples', 'node', name),
        '{host}',
        '{port}',
      ]
      const robust = await grade('client-faults.yaml', node('robust_client.mjs'))
      expect(verdicts(robust)).toEqual(CLIENT_PASS)
      const naive = await grade('client-faults.yaml', node('naive_client.mjs'))
      expect(verdicts(naive)).toEqual({
        'connect.refused': [
          'its output does not contain "refused"',
          'made 1 connect() attempt; the lab expects exactly 3',
        ],
        'peer.crash-rst': ['its output does not contain "reset"'],
        'peer.host-down': HOST_DOWN_FAIL,
      })
    },
  )

  it.skipIf(!CC)(
    'the C clients: the robust one passes, the naive one fails',
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'socklab-c-'))
      const build = (name: string): string => {
        const out = join(dir, name)
        execFileSync(CC!, ['-O2', '-o', out, join(root, 'examples', 'c', `${name}.c`)])
        return out
      }
      const robust = await grade('client-faults.yaml', [build('robust_client'), '{host}', '{port}'])
      expect(verdicts(robust)).toEqual(CLIENT_PASS)
      const naive = await grade('client-faults.yaml', [build('naive_client'), '{host}', '{port}'])
      expect(verdicts(naive)).toEqual({
        'connect.refused': [
          'it exited with status 0; the lab expects a non-zero status (reporting the failure)',
          'its output does not contain "refused"',
          'made 1 connect() attempt; the lab expects exactly 3',
        ],
        'peer.crash-rst': [
          'it exited with status 0; the lab expects a non-zero status (reporting the failure)',
          'its output does not contain "reset"',
        ],
        'peer.host-down': HOST_DOWN_FAIL,
      })
    },
  )
})
