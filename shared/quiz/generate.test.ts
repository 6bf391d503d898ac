import { describe, expect, it } from 'vitest'
import { errnoOn, type ErrnoSystem } from '../errno'
import { SUMMARY_ROWS } from '../summary-tables'
import { generateQuiz, questionPool } from './generate'

// Without the simulator's runs (main/lab/quiz-proof.ts) the generator makes only the questions
// that need none: the errno tables'. The questions about results are tested in
// main/lab/quiz-generate.test.ts and main/lab/quiz-proof.test.ts.
const pool = questionPool(7)
const byId = new Map(pool.map((q) => [q.id, q]))

describe('question pool without runs', () => {
  it('has only errno questions: nothing about a result is asked unproved', () => {
    expect(new Set(pool.map((q) => q.type))).toEqual(new Set(['errno-number', 'errno-name']))
  })

  it('question ids are unique and options are distinct', () => {
    expect(new Set(pool.map((q) => q.id)).size).toBe(pool.length)
    for (const q of pool) {
      expect(new Set(q.options.map((o) => o.id)).size, q.id).toBe(q.options.length)
      expect(q.options.length, q.id).toBeGreaterThanOrEqual(3)
      for (const a of q.answer)
        expect(
          q.options.map((o) => o.id),
          q.id,
        ).toContain(a)
    }
  })

  it('puts the right answer in every position, not always the first', () => {
    const positions = new Set(pool.map((q) => q.options.findIndex((o) => o.id === q.answer[0])))
    expect([...positions].sort()).toEqual([0, 1, 2, 3])
  })

  it('errno questions agree with the errno tables on every system', () => {
    const names = new Set(SUMMARY_ROWS.flatMap((r) => (r.errno ? [r.errno] : [])))
    expect(pool.length).toBeGreaterThanOrEqual(names.size * 2)
    for (const q of pool) {
      const [, system, name] = q.id.split(':') as [string, ErrnoSystem, 'EPIPE']
      const entry = errnoOn(system, name)
      expect(entry, q.id).not.toBeNull()
      if (q.type === 'errno-number') {
        expect(q.answer).toEqual([String(entry?.number)])
        // No distractor has the same number (Windows spells EAGAIN and EINPROGRESS alike).
        expect(q.options.filter((o) => o.id === String(entry?.number))).toHaveLength(1)
      } else {
        expect(q.answer).toEqual([entry?.name])
        expect(q.prompt.en).toContain(String(entry?.number))
      }
    }
    // Windows has no EPIPE: no question may claim a number for it.
    expect(byId.has('errno-number:windows:EPIPE')).toBe(false)
    expect(byId.get('errno-number:macos:ECONNRESET')?.answer).toEqual(['54'])
    expect(byId.get('errno-name:windows:ECONNRESET')?.answer).toEqual(['WSAECONNRESET'])
  })
})

describe('generateQuiz', () => {
  it('is the same for the same seed, and asks about one errno of one system once', () => {
    const a = generateQuiz({ seed: 42 })
    expect(generateQuiz({ seed: 42 })).toEqual(a)
    expect(a.questions).toHaveLength(10)
    const rows = a.questions.map((q) => q.id.split(':').slice(1).join(':'))
    expect(new Set(rows).size).toBe(rows.length)
    expect(generateQuiz({ seed: 43 }).questions.map((q) => q.id)).not.toEqual(
      a.questions.map((q) => q.id),
    )
  })

  it('filters by type and stops at the pool size', () => {
    const quiz = generateQuiz({ seed: 1, count: 1000, types: ['errno-name'] })
    expect(quiz.questions.length).toBe(pool.filter((q) => q.type === 'errno-name').length)
  })
})
