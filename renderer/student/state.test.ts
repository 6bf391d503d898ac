import { describe, expect, it } from 'vitest'
import type { StudentQuestion } from '../../shared/class/protocol'
import { applyMessage, initialState, screenOf } from './state'
import { langOf } from './texts'

const q = (index: number): StudentQuestion => ({
  id: `q${index}`,
  index,
  kind: 'choice',
  prompt: { en: `Q${index}`, zh: `题${index}` },
  options: [
    { id: 'a', text: { en: 'A', zh: '甲' } },
    { id: 'b', text: { en: 'B', zh: '乙' } },
  ],
})

function joined(pacing: 'self' | 'teacher', current: number | null, questions: StudentQuestion[]) {
  const s = initialState('ABC234', 'en')
  applyMessage(s, {
    v: 1,
    type: 'welcome',
    name: 'Ann',
    token: '0'.repeat(32),
    title: { en: 'T', zh: 'T' },
    total: 3,
    rejoined: false,
  })
  applyMessage(s, { v: 1, type: 'view', pacing, current, questions, answers: [] })
  return s
}

describe('the student page’s screens', () => {
  it('self-paced: the first unanswered question, its result until Next, then the rest', () => {
    const s = joined('self', null, [q(0), q(1)])
    expect(screenOf(s)).toMatchObject({ kind: 'question', question: { id: 'q0' } })
    s.pending.set('q0', ['a'])
    s.reviewing = 'q0'
    expect(screenOf(s)).toMatchObject({ kind: 'question', question: { id: 'q0' }, pending: true })
    applyMessage(s, { v: 1, type: 'ack', answer: { questionId: 'q0', response: ['a'] } })
    expect(s.pending.size).toBe(0)
    expect(screenOf(s)).toMatchObject({ kind: 'question', answer: { response: ['a'] } })
    s.reviewing = undefined
    expect(screenOf(s)).toMatchObject({ kind: 'question', question: { id: 'q1' } })
    applyMessage(s, { v: 1, type: 'ack', answer: { questionId: 'q1', response: ['b'] } })
    expect(screenOf(s)).toEqual({ kind: 'wait', why: 'done' })
  })

  it('teacher-paced: waits for the start, shows the current question, waits after answering', () => {
    const s = joined('teacher', null, [])
    expect(screenOf(s)).toEqual({ kind: 'wait', why: 'start' })
    applyMessage(s, {
      v: 1,
      type: 'view',
      pacing: 'teacher',
      current: 2,
      questions: [q(2)],
      answers: [],
    })
    expect(screenOf(s)).toMatchObject({ kind: 'question', question: { id: 'q2' } })
    applyMessage(s, { v: 1, type: 'ack', answer: { questionId: 'q2', response: ['a'] } })
    expect(screenOf(s)).toMatchObject({ kind: 'question', answer: {} })
  })

  it('a rejoin restores answers and drops what was pending for them; the end ends', () => {
    const s = joined('self', null, [q(0)])
    s.pending.set('q0', ['a'])
    applyMessage(s, {
      v: 1,
      type: 'view',
      pacing: 'self',
      current: null,
      questions: [q(0)],
      answers: [{ questionId: 'q0', response: ['a'] }],
    })
    expect(s.pending.size).toBe(0)
    applyMessage(s, { v: 1, type: 'ended' })
    expect(screenOf(s)).toEqual({ kind: 'ended' })
  })

  it('picks the language from the browser', () => {
    expect(langOf('zh-CN')).toBe('zh')
    expect(langOf('zh')).toBe('zh')
    expect(langOf('en-US')).toBe('en')
    expect(langOf(undefined)).toBe('en')
  })
})
