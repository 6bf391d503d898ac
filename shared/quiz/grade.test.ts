import { describe, expect, it } from 'vitest'
import { computeMastery, gradeResponse, masteryOf, missedQuestionIds, toAnswer } from './grade'
import { questionPool } from './generate'
import { classOfStep, describeStep } from './result-text'
import { createRng, shuffled } from './prng'

const pool = questionPool(3)
const find = (type: string) => {
  const q = pool.find((x) => x.type === type)
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
