import { describe, expect, it } from 'vitest'
import type { LabResult } from './lab-result'
import type { ProgramCall, ProgramRun } from './program-result'
import { gradeCase, readProgramLab, type ProgramExpect } from './program-lab'

const LAB = `programLab: 1
id: demo
title: { en: Demo, zh: 演示 }
role: client
timeLimitMs: 4000
cases:
  - case: peer.crash-rst
    expect:
      exitCode: nonzero
      calls: [{ op: recv, errno: ECONNRESET }]
  - case: connect.refused
    timeLimitMs: 3000
    expect: { connects: { min: 2, max: 3 } }
`

describe('readProgramLab', () => {
  it('reads a lab and resolves its catalog cases with their time limits', () => {
    const read = readProgramLab(LAB, 'demo.yaml')
    if (!read.ok) throw new Error(read.problems.join('\n'))
    expect(read.lab.role).toBe('client')
    expect(read.cases.map((c) => [c.name, c.script.id, c.timeLimitMs])).toEqual([
      ['peer.crash-rst', 'peer.crash-rst', 4000],
      ['connect.refused', 'connect.refused', 3000],
    ])
  })

  it('names the file, the line and the field of every problem', () => {
    const bad = LAB.replace('op: recv', 'op: read')
      .replace('role: client', 'role: clinet')
      .replace('case: connect.refused', 'case: connect.nope')
    const read = readProgramLab(bad, 'demo.yaml')
    expect(read.ok).toBe(false)
    if (read.ok) return
    expect(read.problems).toEqual([
      expect.stringMatching(/^demo\.yaml:4: role: /),
      expect.stringMatching(/^demo\.yaml:10: cases\.0\.expect\.calls\.0\.op: /),
    ])
    const unknown = readProgramLab(
      LAB.replace('case: connect.refused', 'case: connect.nope'),
      'd.yaml',
    )
    expect(unknown.ok ? [] : unknown.problems).toEqual([
      'd.yaml:11: cases.1.case: there is no case "connect.nope" in the catalog',
    ])
    const typo = readProgramLab(LAB.replace('exitCode: nonzero', 'exitcode: 1'), 'd.yaml')
    expect(typo.ok ? [] : typo.problems).toEqual([
      expect.stringMatching(/^d\.yaml:9: cases\.0\.expect: unknown field "exitcode"/),
    ])
    const syntax = readProgramLab('programLab: 1\n  id: [', 'd.yaml')
    expect(syntax.ok ? [] : syntax.problems[0]).toMatch(/^d\.yaml: line 1, column 13: /)
  })

  it('takes an inline script, and refuses a case with both or neither', () => {
    const inline = readProgramLab(
      `programLab: 1
id: x
title: { en: X, zh: X }
role: server
cases:
  - script: { labScript: 1, id: mine, limitMs: 1000, steps: [{ actor: client, op: connect, port: 7100, at: 10 }] }
    expect: {}
  - case: connect.ok
    script: { labScript: 1 }
    expect: {}
`,
      'x.yaml',
    )
    expect(inline.ok ? [] : inline.problems).toEqual([
      expect.stringMatching(/^x\.yaml:8: cases\.1: give either "case"/),
    ])
  })
})

function call(op: ProgramCall['op'], extra: Partial<ProgramCall> = {}): ProgramCall {
  return {
    actor: 'client',
    pid: 1,
    syscall: op,
    op,
    fd: 3,
    startMs: 0,
    endMs: 1,
    outcome: 'returned',
    ret: 0,
    ...extra,
  }
}

function result(program: Partial<ProgramRun>): LabResult {
  const p: ProgramRun = {
    role: 'client',
    command: ['prog'],
    exitCode: 0,
    exitSignal: null,
    startMs: 10,
    endMs: 1010,
    stdout: '',
    stderr: '',
    stdoutCut: false,
    stderrCut: false,
    calls: [],
    callsCut: false,
    ...program,
  }
  return { program: p } as LabResult
}

function grade(expect: ProgramExpect, program: Partial<ProgramRun>, timeLimitMs = 5000) {
  return gradeCase({ expect, timeLimitMs }, result(program)).map((v) => [
    v.check,
    v.passed,
    v.reason.en,
  ])
}

describe('gradeCase', () => {
  it('passes a program that does what the case asks, saying so', () => {
    expect(
      grade(
        {
          exitCode: 'nonzero',
          output: ['reset'],
          notOutput: ['Traceback'],
          calls: [{ op: 'recv', errno: 'ECONNRESET' }],
          connects: 1,
        },
        {
          exitCode: 1,
          stdout: 'error: the server reset the connection\n',
          calls: [call('connect'), call('recv', { ret: -1, errno: 'ECONNRESET' })],
        },
      ),
    ).toEqual([
      ['timeLimit', true, 'ended after 1000 ms, within 5000 ms'],
      ['exitCode', true, 'exited with status 1, as required'],
      ['output', true, 'its output contains "reset"'],
      ['notOutput', true, 'its output does not contain "Traceback"'],
      ['calls', true, 'recv() returning -1 ECONNRESET: 1 time'],
      ['connects', true, 'made 1 connect() attempt'],
    ])
  })

  it('fails each requirement with a reason a student can read', () => {
    expect(
      grade(
        {
          exitCode: 0,
          output: ['no answer'],
          notOutput: ['Traceback'],
          calls: [
            { op: 'recv', errno: 'ECONNRESET' },
            { op: 'send', errno: 'EPIPE', max: 0 },
          ],
          connects: { min: 3 },
        },
        {
          exitCode: null,
          exitSignal: 'SIGTERM',
          killed: 'limit',
          endMs: 6010,
          stderr: 'Traceback (most recent call last):\n',
          calls: [
            call('connect'),
            call('recv', { ret: 5 }),
            call('recv', { outcome: 'blocked', ret: undefined }),
            call('send', { ret: -1, errno: 'EPIPE' }),
          ],
        },
      ),
    ).toEqual([
      [
        'timeLimit',
        false,
        'did not end by itself within 5000 ms: it was still running at the time limit, blocked in recv(), and was stopped by the lab',
      ],
      [
        'exitCode',
        false,
        'it was still running at the time limit, blocked in recv(), and was stopped by the lab; the lab expects status 0',
      ],
      ['output', false, 'its output does not contain "no answer"'],
      ['notOutput', false, 'its output contains "Traceback", which it must not'],
      [
        'calls',
        false,
        'recv() returning -1 ECONNRESET: 0 times, the lab expects at least 1 (its recv() calls returned 5, blocked)',
      ],
      [
        'calls',
        false,
        'send() returning -1 EPIPE: 1 time, the lab expects exactly 0 (its send() calls returned -1 EPIPE)',
      ],
      ['connects', false, 'made 1 connect() attempt; the lab expects at least 3'],
    ])
  })

  it('names a SIGPIPE death, and says descriptors are descriptors', () => {
    expect(
      grade(
        { exitCode: 0, calls: [{ op: 'accept', errno: 'none', min: 2 }] },
        {
          exitCode: null,
          exitSignal: 'SIGPIPE',
          endMs: 300,
          calls: [call('accept', { ret: 4 }), call('send', { ret: -1, errno: 'EPIPE' })],
        },
      ),
    ).toEqual([
      ['timeLimit', true, 'ended after 290 ms, within 5000 ms'],
      [
        'exitCode',
        false,
        'it was killed by SIGPIPE (a send() raises it when it fails with EPIPE: the connection was already reset or shut down); the lab expects status 0',
      ],
      [
        'calls',
        false,
        'accept() succeeding: 1 time, the lab expects at least 2 (its accept() calls returned fd 4)',
      ],
    ])
    // Stopped at the limit with no call waiting: no place to name.
    expect(
      grade({}, { exitCode: null, exitSignal: 'SIGTERM', killed: 'limit', endMs: 6010 })[0],
    ).toEqual([
      'timeLimit',
      false,
      'did not end by itself within 5000 ms: it was still running at the time limit and was stopped by the lab',
    ])
  })

  it('gives every reason in Chinese too', () => {
    const v = gradeCase(
      { expect: { exitCode: 0, connects: 3 }, timeLimitMs: 500 },
      result({ exitCode: 2 }),
    )
    for (const x of v) expect(x.reason.zh).toMatch(/[\u4e00-\u9fff]/)
  })
})
