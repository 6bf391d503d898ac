import { describe, expect, it } from 'vitest'
import { computeMastery, gradeResponse, masteryOf, missedQuestionIds, toAnswer } from './grade'
import { classOfStep, classText, describeStep } from './result-text'
import { createRng, shuffled } from './prng'
import type { QuizQuestion } from './types'

// Questions as the generator shapes them (which ones it may ask is main/lab/quiz-proof.test.ts's
// business: generating them needs the simulator's runs).
const text = (s: string) => ({ en: s, zh: s })
const option = (id: string) => ({ id, text: classText(id) })
const QUESTIONS: Record<string, QuizQuestion> = {
  'cause-to-result': {
    id: 'cause-to-result:recv.fin',
    type: 'cause-to-result',
    topic: 'close',
    prompt: text('The peer sent FIN. What does recv() return on Linux?'),
    kind: 'choice',
    options: ['blocks', 'zero', 'error:ECONNRESET', 'positive'].map(option),
    answer: ['zero'],
    explanation: text('recv() returns 0.'),
    rowId: 'recv.fin',
  },
  order: {
    id: 'order:connect.ok',
    type: 'order',
    topic: 'handshake',
    prompt: text('Put these segments in order.'),
    kind: 'order',
    options: ['2:s2c:SYN-ACK', '3:c2s:ACK', '1:c2s:SYN'].map((id) => ({ id, text: text(id) })),
    answer: ['1:c2s:SYN', '2:s2c:SYN-ACK', '3:c2s:ACK'],
    explanation: text('SYN, SYN-ACK, ACK.'),
    rowId: 'connect.ok',
  },
  'predict-run': {
    id: 'predict-run:peer.close:send',
    type: 'predict-run',
    topic: 'close',
    prompt: text('Predict what send() returns, then run it.'),
    kind: 'choice',
    options: ['positive', 'error:EPIPE', 'blocks'].map(option),
    answer: [],
    claim: ['error:EPIPE'],
    explanation: text('The peer had closed.'),
    run: { scenarioId: 'peer.close', step: 7, call: 'send' },
  },
}
const find = (type: string): QuizQuestion => {
  const q = QUESTIONS[type]
  if (!q) throw new Error(type)
  return q
}

describe('grading', () => {
  it('a choice is right only with the answer option', () => {
    const q = find('cause-to-result')
    expect(gradeResponse(q, q.answer)).toEqual({
      status: 'graded',
      correct: true,
      expected: q.answer,
    })
    const wrong = q.options.find((o) => o.id !== q.answer[0])?.id ?? ''
    expect(gradeResponse(q, [wrong])).toMatchObject({ correct: false })
    expect(gradeResponse(q, [])).toMatchObject({ correct: false })
  })

  it('an order is right only with every item in place', () => {
    const q = find('order')
    expect(gradeResponse(q, q.answer)).toMatchObject({ correct: true })
    expect(gradeResponse(q, [...q.answer].reverse())).toMatchObject({ correct: false })
    expect(gradeResponse(q, q.answer.slice(1))).toMatchObject({ correct: false })
  })

  it('predict-run waits for the run and is graded against it, not against the claim', () => {
    const q = find('predict-run')
    expect(gradeResponse(q, ['zero'])).toEqual({ status: 'needs-run' })
    const run = { actual: 'blocks', backend: 'sim' as const, summary: 'x' }
    expect(gradeResponse(q, ['blocks'], run)).toMatchObject({ correct: true, expected: ['blocks'] })
    expect(gradeResponse(q, q.claim ?? [], run)).toMatchObject({ correct: false })
  })

  it('classifies steps as the options name them', () => {
    expect(classOfStep({ outcome: 'blocked' })).toBe('blocks')
    expect(classOfStep({ outcome: 'returned', ret: -1, errno: 'EPIPE' })).toBe('error:EPIPE')
    expect(classOfStep({ outcome: 'returned', ret: 0 })).toBe('zero')
    expect(classOfStep({ outcome: 'returned', ret: 5 })).toBe('positive')
    expect(
      describeStep('send', {
        outcome: 'returned',
        ret: -1,
        errno: 'EPIPE',
        errnoNumber: 32,
        signal: 'SIGPIPE',
      }),
    ).toBe('send() = -1 EPIPE (32) + SIGPIPE')
  })
})

describe('mastery', () => {
  it('needs three answers and 80 %', () => {
    expect(masteryOf('rst', 0, 0).level).toBe('new')
    expect(masteryOf('rst', 2, 2).level).toBe('learning')
    expect(masteryOf('rst', 5, 4).level).toBe('mastered')
    expect(masteryOf('rst', 5, 3).level).toBe('learning')
  })

  it('counts per topic and lists missed questions once', () => {
    const q = find('cause-to-result')
    const right = toAnswer(q, q.answer, { status: 'graded', correct: true, expected: q.answer })
    const wrong = toAnswer(q, ['x'], { status: 'graded', correct: false, expected: q.answer })
    const m = computeMastery([right, wrong, wrong])
    expect(m.find((t) => t.topic === q.topic)).toMatchObject({ answered: 3, correct: 1 })
    expect(m.find((t) => t.topic === 'errno')?.level).toBe('new')
    expect(missedQuestionIds([right, wrong, wrong])).toEqual([q.id])
  })
})

describe('prng', () => {
  it('is deterministic per seed and a permutation', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8]
    const a = shuffled(createRng(9), items)
    expect(shuffled(createRng(9), items)).toEqual(a)
    expect([...a].sort()).toEqual(items)
    expect(createRng(1)()).not.toBe(createRng(2)())
  })
})
