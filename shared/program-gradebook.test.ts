// The gradebook with program-lab grades beside the quiz's: one line per student with both
// scores, per student their latest grade of each lab, per case how many passed and the most
// common failure reasons, and the CSV with the labs' rows and case columns.
import { describe, expect, it } from 'vitest'
import { buildProgramBook } from './program-gradebook'
import { NAIVE_CASES, ROBUST_CASES, sampleReport } from './program-report.fixture'
import { buildGradebook, gradebookCsv } from './quiz/gradebook'
import type { ResultFile } from './quiz/result-file'

function quiz(student: string, score: number): ResultFile {
  const answers = [true, false].map((right, i) => ({
    questionId: `custom:p:q${i + 1}`,
    type: 'custom' as const,
    topic: 'rst',
    prompt: { en: `Q${i + 1}`, zh: `问${i + 1}` },
    response: [right && i < score ? 'a' : 'b'],
    responseText: 'x',
    correct: i < score,
    expected: ['a'],
    expectedText: 'A',
  }))
  return {
    socklabResult: 1,
    classCode: 'NET101',
    student,
    packId: 'p',
    seed: 1,
    lang: 'en',
    startedAt: '2026-03-01T09:00:00Z',
    finishedAt: '2026-03-01T09:10:00Z',
    score: answers.filter((a) => a.correct).length,
    total: 2,
    answers,
  }
}

const naive = sampleReport('Bob', NAIVE_CASES)
const robust = sampleReport('Ann', ROBUST_CASES)

describe('program labs in the gradebook', () => {
  it('shows each student once with their quiz score and their program-lab score', () => {
    const book = buildGradebook(
      [quiz('Ann', 2), quiz('Cy', 1)],
      [
        { report: robust, origin: 'folder' },
        { report: naive, origin: 'file' },
      ],
    )
    expect(book.overview).toEqual([
      {
        classCode: 'NET101',
        student: 'Ann',
        quizzes: [{ packId: 'p', score: 2, total: 2 }],
        programs: [{ lab: 'client-faults', passed: 3, total: 3 }],
      },
      {
        classCode: 'NET101',
        student: 'Bob',
        quizzes: [],
        programs: [{ lab: 'client-faults', passed: 0, total: 3 }],
      },
      {
        classCode: 'NET101',
        student: 'Cy',
        quizzes: [{ packId: 'p', score: 1, total: 2 }],
        programs: [],
      },
    ])
    expect(book.programs.students.map((s) => [s.student, s.passed, s.origin, s.cases])).toEqual([
      [
        'Ann',
        3,
        'folder',
        { 'connect.refused': true, 'peer.crash-rst': true, 'peer.host-down': true },
      ],
      [
        'Bob',
        0,
        'file',
        { 'connect.refused': false, 'peer.crash-rst': false, 'peer.host-down': false },
      ],
    ])
  })

  it('counts per case how many passed, the most common failure reason first', () => {
    const carol = sampleReport('Carol', [
      ROBUST_CASES[0]!,
      NAIVE_CASES[1]!,
      {
        case: 'peer.host-down',
        passed: false,
        checks: [],
        error: 'the kernel lab failed\n  at its second line',
      },
    ])
    const book = buildProgramBook([
      { report: robust, origin: 'folder' },
      { report: naive, origin: 'folder' },
      { report: carol, origin: 'folder' },
    ])
    expect(book.labs).toEqual([{ lab: 'client-faults', title: robust.title }])
    expect(
      book.cases.map((c) => [
        c.case,
        c.passed,
        c.graded,
        c.failures.map((f) => [f.reason.en, f.count]),
      ]),
    ).toEqual([
      [
        'connect.refused',
        2,
        3,
        [
          ['its output contains "Traceback", which it must not', 1],
          ['made 1 connect() attempt; the lab expects exactly 3', 1],
        ],
      ],
      ['peer.crash-rst', 1, 3, [['its output contains "Traceback", which it must not', 2]]],
      [
        'peer.host-down',
        1,
        3,
        [
          [
            'did not end by itself within 6000 ms: it was still running at the time limit and was stopped by the lab',
            1,
          ],
          ['the kernel lab failed', 1],
        ],
      ],
    ])
    expect(book.cases[1]!.failures[0]!.reason.zh).toBe('输出中出现了不应出现的 "Traceback"')
  })

  it('keeps a student’s latest report of a lab (names compared without case)', () => {
    const later = sampleReport('bob', ROBUST_CASES, { gradedAt: '2026-03-03T10:00:00.000Z' })
    const book = buildProgramBook([
      { report: later, origin: 'file' },
      { report: naive, origin: 'folder' },
    ])
    expect(book.replaced).toBe(1)
    expect(book.students).toHaveLength(1)
    expect(book.students[0]).toMatchObject({ student: 'bob', passed: 3, origin: 'file' })
  })

  it('exports the labs’ rows and a column per case; without labs the quiz CSV is unchanged', () => {
    const quizOnly = gradebookCsv(buildGradebook([quiz('Ann', 2)]))
    expect(quizOnly.split('\r\n')[0]).toBe(
      'class,student,pack,finished,score,total,percent,topic:rst,q:custom:p:q1,q:custom:p:q2',
    )
    const evil = sampleReport('=HYPERLINK("x")', NAIVE_CASES)
    const csv = gradebookCsv(
      buildGradebook(
        [quiz('Ann', 2)],
        [
          { report: robust, origin: 'folder' },
          { report: evil, origin: 'file' },
        ],
      ),
    )
    expect(csv.trimEnd().split('\r\n')).toEqual([
      'class,student,pack,finished,score,total,percent,topic:rst,q:custom:p:q1,q:custom:p:q2,lab,case:client-faults/connect.refused,case:client-faults/peer.crash-rst,case:client-faults/peer.host-down',
      'NET101,Ann,p,2026-03-01T09:10:00Z,2,2,100,100,1,1,,,,',
      `NET101,"'=HYPERLINK(""x"")",,2026-03-02T10:00:00.000Z,0,3,0,,,,client-faults,0,0,0`,
      'NET101,Ann,,2026-03-02T10:00:00.000Z,3,3,100,,,,client-faults,1,1,1',
    ])
  })
})
