/**
 * Grade reports as `socklab grade` writes them, for the tests of the report's reader and the
 * gradebook: the naive and the robust Python client of examples/ under client-faults, with
 * the reasons the graders write (their runs trimmed to what the checks read). Test support.
 */
import type { CaseGrade, GradeReport } from './program-report'

const ok = (en: string, zh = en) => ({
  check: 'timeLimit' as const,
  passed: true,
  reason: { en, zh },
})

function run(stdout: string, stderr: string, exitCode: number | null, calls: string[] = []) {
  return {
    exitCode,
    exitSignal: exitCode === null ? 'SIGKILL' : null,
    ...(exitCode === null ? { killed: 'limit' as const } : {}),
    startMs: 1.5,
    endMs: exitCode === null ? 6001 : 1130.7,
    stdout,
    stderr,
    stdoutCut: false,
    stderrCut: false,
    calls: calls.map((errno, i) => ({
      actor: 'client',
      pid: 4242,
      syscall: 'connect',
      op: 'connect' as const,
      fd: 3,
      startMs: 10 + i,
      endMs: 11 + i,
      outcome: 'returned' as const,
      ret: -1,
      errno,
      errnoNumber: 111,
      message: 'Connection refused',
    })),
    callsCut: false,
  }
}

/** The naive client's three cases: each fails, for the reasons the examples test reads. */
export const NAIVE_CASES: CaseGrade[] = [
  {
    case: 'connect.refused',
    passed: false,
    checks: [
      ok('ended after 1129 ms, within 8000 ms'),
      {
        check: 'notOutput',
        passed: false,
        reason: {
          en: 'its output contains "Traceback", which it must not',
          zh: '输出中出现了不应出现的 "Traceback"',
        },
      },
      {
        check: 'connects',
        passed: false,
        reason: {
          en: 'made 1 connect() attempt; the lab expects exactly 3',
          zh: '进行了 1 次 connect() 尝试；要求恰好 3 次',
        },
      },
    ],
    program: run('', 'Traceback (most recent call last):\nConnectionRefusedError\n', 1, [
      'ECONNREFUSED',
    ]),
  },
  {
    case: 'peer.crash-rst',
    passed: false,
    checks: [
      ok('ended after 1073 ms, within 8000 ms'),
      {
        check: 'notOutput',
        passed: false,
        reason: {
          en: 'its output contains "Traceback", which it must not',
          zh: '输出中出现了不应出现的 "Traceback"',
        },
      },
    ],
    program: run('', 'Traceback (most recent call last):\nConnectionResetError\n', 1),
  },
  {
    case: 'peer.host-down',
    passed: false,
    checks: [
      {
        check: 'timeLimit',
        passed: false,
        reason: {
          en: 'did not end by itself within 6000 ms: it was still running at the time limit and was stopped by the lab',
          zh: '没有在 6000 毫秒内自行结束：它到时间上限时仍在运行，被实验室终止',
        },
      },
    ],
    program: run('', '', null),
  },
]

/** The robust client's: every case passes. */
export const ROBUST_CASES: CaseGrade[] = [
  'connect.refused',
  'peer.crash-rst',
  'peer.host-down',
].map((id) => ({
  case: id,
  passed: true,
  checks: [ok('ended after 1258 ms, within 8000 ms')],
  program: run('refused after 3 attempts\n', '', 1),
}))

/** A report of `cases` for `student` (the verdicts add up). */
export function sampleReport(
  student: string | undefined,
  cases: CaseGrade[],
  extra: Partial<GradeReport> = {},
): GradeReport {
  const passed = cases.filter((c) => c.passed).length
  return {
    programLabResult: 1,
    ...(student ? { student } : {}),
    classCode: 'NET101',
    lab: 'client-faults',
    title: {
      en: 'A client that survives a broken server',
      zh: '在服务端出故障时仍能正常处理的客户端',
    },
    role: 'client',
    command: ['python3', 'client.py', '{host}', '{port}'],
    gradedAt: '2026-03-02T10:00:00.000Z',
    appVersion: '0.1.0',
    host: { platform: 'linux', release: '6.8.0', isolation: 'netns', lateMs: 0 },
    passed: passed === cases.length,
    score: { passed, total: cases.length },
    cases: structuredClone(cases),
    ...extra,
  }
}
