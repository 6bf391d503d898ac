/**
 * The generator's questions about results, made with the simulator's runs as the app and the
 * CLI make them (main/lab/quiz-proof.ts): what each type asks and answers. Whether each may be
 * asked at all is main/lab/quiz-proof.test.ts's.
 */
import { describe, expect, it } from 'vitest'
import { errnoOn, type ErrnoSystem } from '../../shared/errno'
import { OTHER_RESULTS, SUMMARY_ROWS, type SummaryRow } from '../../shared/summary-tables'
import { generateQuiz, questionPool } from '../../shared/quiz/generate'
import { defaultSource, type QuizSource } from '../../shared/quiz/generators'
import { classText, rowClass } from '../../shared/quiz/result-text'
import type { QuizQuestion } from '../../shared/quiz/types'
import { simulatorProof } from './quiz-proof'

const proof = simulatorProof()
const pool = questionPool(7, defaultSource(), proof)
const byId = new Map(pool.map((q) => [q.id, q]))
const rowOf = (q: QuizQuestion): SummaryRow => {
  const row = SUMMARY_ROWS.find((r) => r.id === q.rowId)
  if (!row) throw new Error(`no row for ${q.id}`)
  return row
}

describe('question pool', () => {
  it.each(SUMMARY_ROWS.map((r) => [r.id, r] as const))('row %s yields questions', (id, row) => {
    const fromRow = pool.filter((q) => q.rowId === id)
    expect(fromRow.map((q) => q.type)).toContain('cause-to-result')
    // "Why?" needs two wrong causes with other results: a table of fewer kinds of result (the
    // textbook's bind()) cannot offer them.
    const kinds = new Set(SUMMARY_ROWS.filter((r) => r.call === row.call).map(rowClass))
    if (kinds.size >= 3) expect(fromRow.map((q) => q.type)).toContain('result-to-cause')
  })

  it('question ids are unique and options are distinct', () => {
    expect(new Set(pool.map((q) => q.id)).size).toBe(pool.length)
    for (const q of pool) {
      expect(new Set(q.options.map((o) => o.id)).size, q.id).toBe(q.options.length)
      expect(q.options.length, q.id).toBeGreaterThanOrEqual(2)
      for (const a of q.answer)
        expect(
          q.options.map((o) => o.id),
          q.id,
        ).toContain(a)
    }
  })

  it('puts the right answer in every position, not always the first', () => {
    const choices = pool.filter((q) => q.kind === 'choice' && q.answer.length === 1)
    const positions = new Set(choices.map((q) => q.options.findIndex((o) => o.id === q.answer[0])))
    expect([...positions].sort()).toEqual([0, 1, 2, 3])
    const orders = pool.filter((q) => q.kind === 'order')
    for (const q of orders) expect(q.options.map((o) => o.id)).not.toEqual(q.answer)
  })

  it('cause to result: the answer is the row result and no distractor shares it', () => {
    const qs = pool.filter((q) => q.type === 'cause-to-result')
    expect(qs).toHaveLength(SUMMARY_ROWS.length)
    for (const q of qs) {
      const row = rowOf(q)
      expect(q.answer).toEqual([rowClass(row)])
      const text = q.options.find((o) => o.id === q.answer[0])?.text
      expect(text).toEqual(classText(rowClass(row)))
      // Each option is some row of the same call (or a result its man page lists where the
      // table is short), and only the answer is this row's result.
      const same = [
        ...SUMMARY_ROWS.filter((r) => r.call === row.call).map((r) => rowClass(r)),
        ...(OTHER_RESULTS[row.call] ?? []),
      ]
      for (const o of q.options) expect(same).toContain(o.id)
    }
  })

  it('result to cause: the answer row has the result, every distractor row has another', () => {
    for (const q of pool.filter((x) => x.type === 'result-to-cause')) {
      const row = rowOf(q)
      expect(q.answer).toEqual([row.id])
      for (const o of q.options.filter((x) => x.id !== row.id)) {
        const other = SUMMARY_ROWS.find((r) => r.id === o.id)
        expect(other?.call).toBe(row.call)
        expect(other && rowClass(other)).not.toBe(rowClass(row))
      }
    }
  })

  it('errno questions agree with the errno tables on every system', () => {
    const qs = pool.filter((q) => q.type === 'errno-number' || q.type === 'errno-name')
    const names = new Set(SUMMARY_ROWS.flatMap((r) => (r.errno ? [r.errno] : [])))
    expect(qs.length).toBeGreaterThanOrEqual(names.size * 2)
    for (const q of qs) {
      const [, system, name] = q.id.split(':') as [string, ErrnoSystem, 'EPIPE']
      const entry = errnoOn(system, name)
      expect(entry, q.id).not.toBeNull()
      if (q.type === 'errno-number') expect(q.answer).toEqual([String(entry?.number)])
      else {
        expect(q.answer).toEqual([entry?.name])
        expect(q.prompt.en).toContain(String(entry?.number))
      }
    }
    // Windows has no EPIPE: no question may claim a number for it.
    expect(byId.has('errno-number:windows:EPIPE')).toBe(false)
    expect(byId.get('errno-number:macos:ECONNRESET')?.answer).toEqual(['54'])
    expect(byId.get('errno-name:windows:ECONNRESET')?.answer).toEqual(['WSAECONNRESET'])
  })

  it('state questions answer the row state; order questions the wire order', () => {
    for (const q of pool.filter((x) => x.type === 'state')) {
      const side = q.id.split(':')[2] as 'client' | 'server'
      expect(q.answer).toEqual([rowOf(q).states?.[side]])
    }
    const orders = pool.filter((x) => x.type === 'order')
    expect(orders.length).toBeGreaterThan(0)
    for (const q of orders) {
      const wire = rowOf(q).wire ?? []
      expect(q.answer.map((id) => id.split(':').slice(1).join(':'))).toEqual(
        wire.map((s) => `${s.dir}:${s.what}`),
      )
      expect([...q.answer].sort()).toEqual(q.options.map((o) => o.id).sort())
    }
    expect(byId.get('order:connect.ok')?.answer).toEqual([
      '1:c2s:SYN',
      '2:s2c:SYN-ACK',
      '3:c2s:ACK',
    ])
  })

  it('predict-run questions exist for catalog cases, carry the table claim and leave the answer to the run', () => {
    const qs = pool.filter((q) => q.type === 'predict-run')
    expect(qs.length).toBeGreaterThan(0)
    for (const q of qs) {
      expect(q.answer).toEqual([])
      expect(q.run?.scenarioId).toBe(q.caseId)
      for (const c of q.claim ?? []) expect(q.options.map((o) => o.id)).toContain(c)
    }
    expect(byId.get('predict-run:connect.refused:connect')?.claim).toEqual(['error:ECONNREFUSED'])
  })

  it('a new table row its case bears out yields new questions; one it does not, none', () => {
    const base = defaultSource()
    const shown: SummaryRow = {
      id: 'recv.unread-reset',
      call: 'recv',
      returns: '-1',
      returnClass: 'error',
      errno: 'ECONNRESET',
      cause: {
        en: 'The peer closed while data of ours lay unread in its socket.',
        zh: '对端在我们发去的数据尚未读取时关闭了套接字。',
      },
      cases: ['peer.close-unread'],
      section: 'added',
      topic: 'rst',
      states: { client: 'CLOSED' },
    }
    // The article's EINVAL after a FIN (Linux 3.8): no run of the catalog shows it.
    const unshown: SummaryRow = {
      ...shown,
      id: 'recv.invalid',
      errno: 'EINVAL',
      cause: {
        en: 'A crashed peer sent FIN (Linux 3.8).',
        zh: '崩溃的对端发送了 FIN（Linux 3.8）。',
      },
      cases: ['peer.crash-fin'],
    }
    const source: QuizSource = { ...base, rows: [...base.rows, shown, unshown] }
    const more = questionPool(7, source, proof)
    const added = more.filter((q) => !byId.has(q.id)).map((q) => q.id)
    expect(added).toEqual(
      expect.arrayContaining([
        'cause-to-result:recv.unread-reset',
        'result-to-cause:recv.unread-reset',
        'state:recv.unread-reset:client',
        'errno-number:linux:EINVAL',
      ]),
    )
    expect(added.filter((id) => id.includes('recv.invalid'))).toEqual([])
  })
})

describe('generateQuiz', () => {
  it('is the same for the same seed and mixes types', () => {
    const a = generateQuiz({ seed: 42, proof })
    expect(generateQuiz({ seed: 42, proof })).toEqual(a)
    expect(a.questions).toHaveLength(10)
    expect(new Set(a.questions.map((q) => q.type)).size).toBeGreaterThanOrEqual(5)
    expect(generateQuiz({ seed: 43, proof }).questions.map((q) => q.id)).not.toEqual(
      a.questions.map((q) => q.id),
    )
  })

  it('filters by type and stops at the pool size', () => {
    const quiz = generateQuiz({ seed: 1, count: 1000, types: ['order'], proof })
    expect(quiz.questions.length).toBe(pool.filter((q) => q.type === 'order').length)
  })
})
