/**
 * Every generated question is proved against the simulator before it is asked: for seeds 1 to
 * 500 each question of the quiz passes shared/quiz/check.ts (key right on Linux under the
 * stated condition, every distractor wrong in the runs, no giveaway in the prompt or the case
 * title it shows) and no quiz asks about one table row twice. The check itself must fail on
 * broken questions and rows.
 */
import { describe, expect, it } from 'vitest'
import { checkQuestion, rowsOf } from '../../shared/quiz/check'
import { generateQuiz, questionPool } from '../../shared/quiz/generate'
import { defaultSource } from '../../shared/quiz/generators'
import { rowProblems } from '../../shared/quiz/proof'
import { rowClass } from '../../shared/quiz/result-text'
import type { QuizQuestion } from '../../shared/quiz/types'
import { SUMMARY_ROWS, type SummaryRow } from '../../shared/summary-tables'
import { simulatorProof } from './quiz-proof'

const proof = simulatorProof()
const source = defaultSource()
const ctx = { source, proof }

describe('the summary tables against the simulator', () => {
  it.each(SUMMARY_ROWS.map((r) => [r.id, r] as const))(
    '%s: every case it names shows its result on Linux',
    (_id, row) => {
      expect(rowProblems(row, source, proof)).toEqual([])
    },
  )
})

describe('generated quizzes, seeds 1 to 500', () => {
  const seeds = Array.from({ length: 500 }, (_, i) => i + 1)

  it('every question passes the check and no quiz repeats a table row', () => {
    const problems: string[] = []
    let asked = 0
    for (const seed of seeds) {
      const quiz = generateQuiz({ seed, proof })
      if (quiz.questions.length !== 10)
        problems.push(`seed ${seed}: ${quiz.questions.length} questions`)
      const rows = new Map<string, string>()
      for (const q of quiz.questions) {
        asked++
        for (const p of checkQuestion(q, ctx)) problems.push(`seed ${seed} ${q.id}: ${p}`)
        for (const r of rowsOf(q)) {
          const before = rows.get(r)
          if (before) problems.push(`seed ${seed}: ${q.id} and ${before} both use ${r}`)
          rows.set(r, q.id)
        }
      }
    }
    expect(problems).toEqual([])
    expect(asked).toBe(5000)
  })

  it('every question of every pool passes the check (seeds 1 to 50)', () => {
    const problems = seeds
      .slice(0, 50)
      .flatMap((seed) =>
        questionPool(seed, source, proof).flatMap((q) =>
          checkQuestion(q, ctx).map((p) => `seed ${seed} ${q.id}: ${p}`),
        ),
      )
    expect(problems).toEqual([])
  })

  it('every row yields its questions, and the quiz mixes types', () => {
    const pool = questionPool(7, source, proof)
    for (const row of SUMMARY_ROWS) {
      const types = pool.filter((q) => q.rowId === row.id).map((q) => q.type)
      expect(types, row.id).toContain('cause-to-result')
      // "Why?" needs two wrong causes with other results (see quiz-generate.test.ts).
      const kinds = new Set(SUMMARY_ROWS.filter((r) => r.call === row.call).map(rowClass))
      if (kinds.size >= 3) expect(types, row.id).toContain('result-to-cause')
    }
    expect(
      new Set(generateQuiz({ seed: 42, proof }).questions.map((q) => q.type)).size,
    ).toBeGreaterThanOrEqual(5)
  })

  it('without the runs, only questions that need none are made', () => {
    const types = new Set(questionPool(7).map((q) => q.type))
    expect([...types].sort()).toEqual(['errno-name', 'errno-number'])
  })
})

describe('the check fails on broken questions', () => {
  const pool = questionPool(3, source, proof)
  const find = (id: string): QuizQuestion => {
    const q = pool.find((x) => x.id === id)
    if (!q) throw new Error(`no ${id}`)
    return structuredClone(q)
  }

  it('a distractor that a witness run gives', () => {
    // recv.blocks with peer.host-down as a witness: its recv() gets ETIMEDOUT there.
    const row: SummaryRow = {
      ...SUMMARY_ROWS.find((r) => r.id === 'recv.blocks')!,
      cases: ['recv.partition', 'peer.host-down'],
    }
    expect(rowProblems(row, source, proof)).toEqual([
      'recv.blocks says blocks; peer.host-down on linux gives error:ETIMEDOUT at step 6',
      'recv.blocks says blocks; peer.host-down on linux-legacy gives error:ETIMEDOUT at step 6',
    ])
  })

  it('a key the row says but the run does not show (peer.crash-rst for send ECONNRESET)', () => {
    const row: SummaryRow = {
      ...SUMMARY_ROWS.find((r) => r.id === 'send.reset')!,
      cases: ['peer.crash-rst'],
      steps: {},
    }
    expect(rowProblems(row, source, proof).join('\n')).toMatch(
      /peer\.crash-rst on linux gives error:EPIPE/,
    )
    const q = find('cause-to-result:send.reset')
    const broken = {
      ...ctx,
      source: { ...source, rows: [...source.rows.filter((r) => r.id !== row.id), row] },
    }
    expect(checkQuestion(q, broken).join('\n')).toMatch(/gives error:EPIPE/)
  })

  it('a state a run shows the same result in (TIME_WAIT for recv() = 0)', () => {
    const q = find('state:recv.fin:client')
    q.options[q.options.findIndex((o) => o.id !== q.answer[0])] = {
      id: 'TIME_WAIT',
      text: { en: 'TIME_WAIT', zh: 'TIME_WAIT' },
    }
    expect(checkQuestion(q, ctx).join('\n')).toMatch(
      /TIME_WAIT is defensible: recv\(\) gives the same in peer\.half-close/,
    )
  })

  it('half of a two-part key offered as wrong', () => {
    const q = find('cause-to-result:send.epipe')
    q.options[q.options.findIndex((o) => o.id !== q.answer[0])] = {
      id: 'positive',
      text: { en: 'returns n > 0', zh: '返回 n > 0' },
    }
    expect(checkQuestion(q, ctx)).toContain(
      'distractor positive is half of the key then-error:EPIPE',
    )
  })

  it('a prompt or a case title that gives the key away', () => {
    const q = find('state:connect.ack-lost:client')
    q.prompt = { ...q.prompt, en: `${q.prompt.en} (The client is ESTABLISHED.)` }
    expect(checkQuestion(q, ctx)).toContain('the prompt names TCP states (ESTABLISHED)')
    const p = find('predict-run:handshake.ack-lost:connect')
    p.prompt = {
      ...p.prompt,
      en: 'Case "The final ACK is lost, then the network breaks: connect() succeeded anyway": predict what connect() returns.',
    }
    expect(checkQuestion(p, ctx).join('\n')).toMatch(/gives zero away \("succeed"\)/)
  })

  it('one table row twice in a quiz is what rowsOf tells apart', () => {
    expect(rowsOf(find('errno-number:macos:EAGAIN'))).toEqual(
      rowsOf(find('errno-name:macos:EAGAIN')),
    )
    expect(rowsOf(find('cause-to-result:recv.rcvtimeo'))).toEqual(
      rowsOf(find('result-to-cause:recv.rcvtimeo')),
    )
  })
})
