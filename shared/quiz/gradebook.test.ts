import { describe, expect, it } from 'vitest'
import { buildGradebook, csvField, gradebookCsv } from './gradebook'
import { buildResultFile, parseResultFile, type ResultFile } from './result-file'
import type { QuizAttempt, QuizQuestion } from './types'

const q1: QuizQuestion = {
  id: 'custom:p:q1',
  type: 'custom',
  topic: 'rst',
  prompt: { en: 'Q1', zh: '问1' },
  kind: 'choice',
  options: [
    { id: 'a', text: { en: 'A', zh: '甲' } },
    { id: 'b', text: { en: 'B', zh: '乙' } },
    { id: 'c', text: { en: 'C', zh: '丙' } },
  ],
  answer: ['a'],
  explanation: { en: 'x', zh: 'x' },
}
const q2: QuizQuestion = { ...q1, id: 'custom:p:q2', topic: 'errno' }

function file(
  student: string,
  r1: string,
  r2: string,
  finishedAt = '2026-01-01T10:00:00Z',
): ResultFile {
  const answers = [
    {
      questionId: q1.id,
      type: 'custom' as const,
      topic: 'rst',
      response: [r1],
      correct: r1 === 'a',
      expected: ['a'],
    },
    {
      questionId: q2.id,
      type: 'custom' as const,
      topic: 'errno',
      response: [r2],
      correct: r2 === 'a',
      expected: ['a'],
    },
  ]
  const attempt: QuizAttempt = {
    id: student,
    startedAt: '2026-01-01T09:50:00Z',
    finishedAt,
    seed: 1,
    packId: 'p',
    lang: 'en',
    answers,
    score: answers.filter((a) => a.correct).length,
    total: 2,
  }
  return buildResultFile({
    attempt,
    questions: [q1, q2],
    classCode: 'NET101',
    student,
    packId: 'p',
  })
}

describe('result files', () => {
  it('round-trip and refuse edited scores, other versions and junk', () => {
    const f = file('Ann', 'a', 'b')
    expect(f.answers[1]?.responseText).toBe('B')
    const text = JSON.stringify(f)
    expect(parseResultFile(text)).toEqual({ ok: true, result: f })
    expect(parseResultFile(JSON.stringify({ ...f, score: 2 }))).toMatchObject({ ok: false })
    expect(parseResultFile(JSON.stringify({ ...f, socklabResult: 2 }))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/version 2/),
    })
    expect(parseResultFile(JSON.stringify({ ...f, student: '' }))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/student/),
    })
    expect(parseResultFile('{oops')).toMatchObject({ ok: false })
  })
})

describe('gradebook', () => {
  const files = [
    file('Ann', 'a', 'b'),
    file('Bob', 'b', 'b'),
    file('Cy', 'c', 'a'),
    file('Bob', 'a', 'a', '2026-01-01T11:00:00Z'),
  ]
  const book = buildGradebook(files)

  it('keeps the latest file per student and aggregates per student, question, topic', () => {
    expect(book.replaced).toBe(1)
    expect(book.students.map((s) => [s.student, s.score])).toEqual([
      ['Ann', 1],
      ['Bob', 2],
      ['Cy', 1],
    ])
    const q2row = book.questions.find((q) => q.questionId === q2.id)
    expect(q2row).toMatchObject({ answered: 3, correct: 2 })
    expect(q2row?.wrong).toEqual([{ response: ['b'], text: 'B', count: 1 }])
    const q1row = book.questions.find((q) => q.questionId === q1.id)
    expect(q1row?.wrong.map((w) => w.text)).toEqual(['C'])
    expect(book.topics).toEqual([
      { topic: 'errno', answered: 3, correct: 2 },
      { topic: 'rst', answered: 3, correct: 2 },
    ])
  })

  it('most common wrong answer comes first', () => {
    const b = buildGradebook([file('A', 'b', 'a'), file('B', 'b', 'a'), file('C', 'c', 'a')])
    expect(b.questions[0]?.wrong.map((w) => [w.text, w.count])).toEqual([
      ['B', 2],
      ['C', 1],
    ])
  })

  it('exports CSV with one row per student', () => {
    const csv = gradebookCsv(book)
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'class,student,pack,finished,score,total,percent,topic:errno,topic:rst,q:custom:p:q1,q:custom:p:q2',
    )
    expect(lines[1]).toBe('NET101,Ann,p,2026-01-01T10:00:00Z,1,2,50,0,100,1,0')
    expect(lines).toHaveLength(4)
  })

  it('quotes and defuses CSV fields', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=1+2')).toBe("'=1+2")
    expect(csvField('-cmd')).toBe("'-cmd")
    // A leading minus and a digit is still a formula in a text field.
    expect(csvField("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0")
    expect(csvField('-1 EPIPE')).toBe("'-1 EPIPE")
    expect(csvField('+1')).toBe("'+1")
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField('\t=1')).toBe("'\t=1")
    expect(csvField('\r=1')).toBe('"\'\r=1"')
    expect(csvField('Ann-Marie')).toBe('Ann-Marie')
    // Numbers are numbers, negative ones too.
    expect(csvField(-1)).toBe('-1')
    expect(csvField(-2.5)).toBe('-2.5')
  })

  it('defuses every text cell a student controls in the exported CSV', () => {
    const evil = buildGradebook([
      { ...file('=HYPERLINK("x")', 'a', 'b'), classCode: "-2+3+cmd|' /C calc'!A0" },
    ])
    const row = gradebookCsv(evil).split('\r\n')[1] ?? ''
    expect(row.startsWith(`'-2+3+cmd|' /C calc'!A0,"'=HYPERLINK(""x"")",p,`)).toBe(true)
  })
})
