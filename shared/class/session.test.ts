import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseResultFile } from '../quiz/result-file'
import { serverMessageSchema } from './protocol'
import { ClassSession } from './session'
import { QUESTIONS, setup } from './session.fixture'

const AT = '2026-03-02T09:01:00.000Z'

function joined(session: ClassSession, name: string, token?: string) {
  const j = session.join({ name, lang: 'en', at: AT, ...(token ? { token } : {}) })
  if (!j.ok) throw new Error(j.detail)
  const w = j.welcome
  if (w.type !== 'welcome') throw new Error('no welcome')
  return { ...j, token: w.token }
}

describe('ClassSession', () => {
  it('grades answers, keeps the first one, and gives feedback at once in immediate mode', () => {
    const s = new ClassSession(setup())
    const ann = joined(s, 'Ann')
    const right = s.answer(ann.studentId, QUESTIONS[0]!.id, ['error:ECONNREFUSED'], AT)
    expect(right).toMatchObject({
      ok: true,
      duplicate: false,
      answer: { feedback: { correct: true } },
    })
    // A second, different answer does not replace the first.
    const again = s.answer(ann.studentId, QUESTIONS[0]!.id, ['zero'], AT)
    expect(again).toMatchObject({
      ok: true,
      duplicate: true,
      answer: { response: ['error:ECONNREFUSED'] },
    })
    const order = s.answer(ann.studentId, 'custom:p:order', ['syn', 'ack', 'synack'], AT)
    expect(order).toMatchObject({
      ok: true,
      answer: { feedback: { correct: false, expected: ['syn', 'synack', 'ack'] } },
    })
    const run = s.answer(ann.studentId, 'predict-run:p:lab', ['zero'], AT)
    expect(run).toMatchObject({
      ok: true,
      answer: {
        feedback: {
          correct: false,
          expected: ['error:ECONNREFUSED'],
          run: 'connect() = -1 ECONNREFUSED (111)',
        },
      },
    })
    for (const message of [ann.welcome, s.view(ann.studentId)])
      expect(serverMessageSchema.safeParse(message).success).toBe(true)
  })

  it('refuses answers that are not an answer to the question', () => {
    const s = new ClassSession(setup())
    const id = joined(s, 'Ann').studentId
    expect(s.answer(id, 'nope', ['x'], AT)).toMatchObject({ ok: false, reason: 'unknown-question' })
    expect(s.answer(id, QUESTIONS[0]!.id, ['nope'], AT)).toMatchObject({
      ok: false,
      reason: 'bad-answer',
    })
    expect(s.answer(id, QUESTIONS[0]!.id, ['zero', 'zero'], AT)).toMatchObject({
      ok: false,
      reason: 'bad-answer',
    })
    expect(s.answer(id, 'custom:p:order', ['syn', 'syn', 'ack'], AT)).toMatchObject({
      ok: false,
      reason: 'bad-answer',
    })
    expect(s.answer('s99', QUESTIONS[0]!.id, ['zero'], AT)).toMatchObject({
      ok: false,
      reason: 'not-joined',
    })
  })

  it('never sends the answer key before an answer, and feedback only when revealed in reveal mode', () => {
    const s = new ClassSession(setup({ feedback: 'reveal' }))
    const id = joined(s, 'Ann').studentId
    const view = JSON.stringify(s.view(id))
    expect(view).not.toContain('explanation')
    expect(view).not.toContain('"answer"')
    expect(view).not.toContain('The host answers RST.')
    const a = s.answer(id, QUESTIONS[0]!.id, ['zero'], AT)
    expect(a.ok && a.answer.feedback).toBeUndefined()
    s.reveal([QUESTIONS[0]!.id])
    const v = s.view(id)
    expect(v.type === 'view' && v.answers[0]?.feedback).toMatchObject({
      correct: false,
      expected: ['error:ECONNREFUSED'],
    })
  })

  it('teacher-paced: only the current question is shown and open', () => {
    const s = new ClassSession(setup({ pacing: 'teacher' }))
    const id = joined(s, 'Ann').studentId
    expect(s.view(id)).toMatchObject({ current: null, questions: [] })
    expect(s.answer(id, QUESTIONS[0]!.id, ['zero'], AT)).toMatchObject({
      ok: false,
      reason: 'closed',
    })
    s.goto(0)
    expect(s.view(id)).toMatchObject({ current: 0, questions: [{ id: QUESTIONS[0]!.id }] })
    expect(s.answer(id, QUESTIONS[1]!.id, ['syn', 'synack', 'ack'], AT)).toMatchObject({
      ok: false,
      reason: 'closed',
    })
    expect(s.answer(id, QUESTIONS[0]!.id, ['zero'], AT).ok).toBe(true)
    s.goto(99)
    expect(s.current).toBe(2)
    s.goto(-3)
    expect(s.current).toBe(0)
    s.setPacing('self')
    expect(s.view(id)).toMatchObject({ current: null, pacing: 'self' })
    expect(s.answer(id, QUESTIONS[1]!.id, ['syn', 'synack', 'ack'], AT).ok).toBe(true)
  })

  it('keeps names unique, rejoins with the token, and is full at its cap', () => {
    const s = new ClassSession(setup({ maxStudents: 2 }))
    const ann = joined(s, 'Ann')
    s.answer(ann.studentId, QUESTIONS[0]!.id, ['zero'], AT)
    expect(s.join({ name: 'ANN', lang: 'en', at: AT })).toMatchObject({
      ok: false,
      reason: 'name-taken',
    })
    expect(s.join({ name: 'ann', lang: 'en', at: AT, token: '0'.repeat(32) })).toMatchObject({
      ok: false,
      reason: 'name-taken',
    })
    const back = s.join({ name: 'ann', lang: 'zh', at: AT, token: ann.token })
    expect(back).toMatchObject({ ok: true, studentId: ann.studentId, replaced: ann.connection })
    const view = s.view(ann.studentId)
    expect(view.type === 'view' && view.answers.map((a) => a.response)).toEqual([['zero']])
    // The replaced connection's close does not mark the student gone.
    s.leave(ann.studentId, ann.connection)
    expect(s.status(NET, EXTRA).students[0]).toMatchObject({
      name: 'Ann',
      connected: true,
      lang: 'zh',
    })
    joined(s, 'Bob')
    expect(s.join({ name: 'Cy', lang: 'en', at: AT })).toMatchObject({ ok: false, reason: 'full' })
  })

  it('writes valid result files of the students whose answers changed', () => {
    const s = new ClassSession(setup())
    const ann = joined(s, 'Ann')
    joined(s, 'Bob')
    expect(s.takeDirty()).toEqual([])
    s.answer(ann.studentId, QUESTIONS[0]!.id, ['error:ECONNREFUSED'], '2026-03-02T09:02:00.000Z')
    s.answer(ann.studentId, 'predict-run:p:lab', ['error:ECONNREFUSED'], '2026-03-02T09:03:00.000Z')
    const [file, ...rest] = s.takeDirty()
    expect(rest).toEqual([])
    expect(file).toMatchObject({
      classCode: 'ABC234',
      student: 'Ann',
      packId: 'p',
      score: 2,
      total: 2,
      seed: 7,
    })
    expect(file?.finishedAt).toBe('2026-03-02T09:03:00.000Z')
    expect(parseResultFile(JSON.stringify(file)).ok).toBe(true)
    expect(s.takeDirty()).toEqual([])
    s.markDirty([s.studentIdOf('ann')!])
    expect(s.unsaved).toBe(1)
  })

  it('counts answers per option and builds the heatmap of wrong ones', () => {
    const s = new ClassSession(setup())
    for (const [name, pick] of [
      ['A', 'error:ETIMEDOUT'],
      ['B', 'error:ETIMEDOUT'],
      ['C', 'zero'],
      ['D', 'error:ECONNREFUSED'],
    ] as const)
      s.answer(joined(s, name).studentId, QUESTIONS[0]!.id, [pick], AT)
    const status = s.status(NET, EXTRA)
    expect(status.questions[0]).toMatchObject({
      answered: 4,
      correct: 1,
      counts: { 'error:ETIMEDOUT': 2, zero: 1, 'error:ECONNREFUSED': 1 },
    })
    const row = status.heatmap.find((r) => r.rowId === 'connect.refused')
    expect(row).toMatchObject({ caseId: 'connect.refused', answered: 4, wrong: 3 })
    expect(row?.label.en).toBe('connect() → -1 ECONNREFUSED')
    expect(row?.cells.map((c) => [c.response, c.count])).toEqual([
      [['error:ETIMEDOUT'], 2],
      [['zero'], 1],
    ])
  })

  it('accepts nothing after the end', () => {
    const s = new ClassSession(setup())
    const id = joined(s, 'Ann').studentId
    s.end()
    expect(s.answer(id, QUESTIONS[0]!.id, ['zero'], AT)).toMatchObject({
      ok: false,
      reason: 'closed',
    })
    expect(s.join({ name: 'Bob', lang: 'en', at: AT })).toMatchObject({
      ok: false,
      reason: 'closed',
    })
    expect(s.status(NET, EXTRA)).toMatchObject({ ended: true, students: [{ connected: false }] })
  })

  it('refuses a predict-then-run question without its run', () => {
    expect(() => new ClassSession(setup({ runs: {} }))).toThrow(/predict-run:p:lab/)
  })
})

const NET = { host: '127.0.0.1', port: 1, urls: [], room: false }
const EXTRA = { skipped: [], saved: { students: 0 } }

describe('no answer lost (property)', () => {
  type Event =
    | { kind: 'answer'; student: number; question: number; pick: number }
    | { kind: 'drop'; student: number }

  it('whatever the order, repeats and rejoins, each student keeps exactly their first answer to each question', () => {
    const names = ['Ann', 'Bob', 'Cy', 'Dee']
    const event = fc.oneof(
      fc.record({
        kind: fc.constant('answer' as const),
        student: fc.nat(3),
        question: fc.nat(1),
        pick: fc.nat(2),
      }),
      fc.record({ kind: fc.constant('drop' as const), student: fc.nat(3) }),
    )
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events: Event[]) => {
        const s = new ClassSession(setup())
        const live = names.map((name) => joined(s, name))
        const first = new Map<string, string>()
        for (const e of events) {
          const who = live[e.student]!
          if (e.kind === 'drop') {
            s.leave(who.studentId, who.connection)
            live[e.student] = joined(s, names[e.student]!, who.token)
            continue
          }
          const q = QUESTIONS[e.question]!
          const pick = q.kind === 'choice' ? [q.options[e.pick]!.id] : [...q.answer].reverse()
          const out = s.answer(who.studentId, q.id, pick, AT)
          expect(out.ok).toBe(true)
          const key = `${e.student}:${q.id}`
          if (!first.has(key)) first.set(key, pick.join(','))
          if (out.ok) expect(out.answer.response.join(',')).toBe(first.get(key))
        }
        const status = s.status(NET, EXTRA)
        const total = status.questions.reduce((n, q) => n + q.answered, 0)
        expect(total).toBe(first.size)
        for (const [i, name] of names.entries()) {
          const file = s.resultFile(s.studentIdOf(name)!)
          const mine = [...first].filter(([k]) => k.startsWith(`${i}:`))
          expect(file?.answers.length ?? 0).toBe(mine.length)
        }
        const wrong = status.heatmap.reduce(
          (n, r) => n + r.cells.reduce((m, c) => m + c.count, 0),
          0,
        )
        expect(wrong).toBe(status.questions.reduce((n, q) => n + q.answered - q.correct, 0))
      }),
      { numRuns: 200 },
    )
  })
})
