import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LabResult, StepResult } from '../../shared/lab-result'
import { generateQuiz } from '../../shared/quiz/generate'
import type { Quiz, QuizQuestion } from '../../shared/quiz/types'
import { QUIZ_PROOF } from '../lib/fixtures/index'
import { createFakeLab, errorResult, flush, refusedResult, storeContext } from '../testing/fake-lab'
import { useQuizStore } from './quiz'

afterEach(() => {
  vi.useRealTimers()
})

function setup(fake = createFakeLab()) {
  storeContext(fake)
  return { fake, quiz: useQuizStore() }
}

/** A result document whose step `index` is `call` returning -1 with `errno`. */
function resultWith(q: QuizQuestion, errno: string): LabResult {
  const step: StepResult = {
    index: q.run?.step ?? 0,
    actor: 'client',
    op: q.run?.call ?? 'connect',
    startMs: 0,
    endMs: 1,
    outcome: 'returned',
    ret: -1,
    errno,
    errnoNumber: 111,
  }
  return refusedResult({ steps: [step], events: [] })
}

/** Answers the current question right (predict-run: the first option). */
function answerRight(quiz: ReturnType<typeof useQuizStore>): void {
  const q = quiz.question
  if (!q) throw new Error('no question')
  if (q.kind === 'order') {
    // Put the items in the answer's order by moving them up one at a time.
    for (const [target, id] of q.answer.entries()) {
      let at = quiz.response.indexOf(id)
      while (at > target) quiz.move(at--, -1)
    }
  } else quiz.choose(q.type === 'predict-run' ? (q.options[0]?.id ?? '') : (q.answer[0] ?? ''))
}

describe('useQuizStore', () => {
  it('takes a seeded quiz one question at a time, grades, saves, and shows the history', async () => {
    const { fake, quiz } = setup()
    expect(await quiz.startPractice({ seed: 42, count: 6 })).toBe(true)
    expect(fake.proofCalls).toBe(1)
    expect(quiz.questions).toEqual(
      generateQuiz({ seed: 42, count: 6, proof: QUIZ_PROOF }).questions,
    )
    expect(quiz.phase).toBe('question')
    for (let i = 0; i < 6; i++) {
      const q = quiz.question as QuizQuestion
      expect(quiz.canSubmit).toBe(q.kind === 'order')
      answerRight(quiz)
      if (q.type === 'predict-run')
        fake.beforeReply.push({ kind: 'done', result: resultWith(q, 'ECONNREFUSED') })
      await quiz.submit()
      expect(quiz.feedback, q.id).not.toBeNull()
      if (q.type !== 'predict-run') expect(quiz.feedback?.correct, q.id).toBe(true)
      else {
        expect(quiz.feedback?.run).toMatchObject({ actual: 'error:ECONNREFUSED', backend: 'sim' })
        expect(fake.requests.at(-1)).toEqual({ scenarioId: q.run?.scenarioId, backend: 'sim' })
      }
      await quiz.next()
    }
    expect(quiz.phase).toBe('finished')
    await flush()
    expect(quiz.saveState).toBe('saved')
    expect(fake.quiz.attempts).toHaveLength(1)
    expect(fake.quiz.attempts[0]).toMatchObject({ seed: 42, total: 6, score: quiz.score })
    expect(quiz.history.map((a) => a.id)).toEqual([quiz.attempt?.id])
    expect(quiz.mastery.some((m) => m.answered > 0)).toBe(true)
  })

  it('fetches the simulator’s runs once, and starts no quiz without them', async () => {
    const fake = createFakeLab({ quizProof: errorResult('internal', 'the lab server went away') })
    const { quiz } = setup(fake)
    expect(await quiz.startPractice({ seed: 42 })).toBe(false)
    expect(quiz.phase).toBe('setup')
    expect(quiz.proofError).toBe('the lab server went away')
    // A failure is not kept: the next start asks again, and from then on the proof is kept.
    fake.quizProof = async () => {
      fake.proofCalls++
      return { ok: true, value: QUIZ_PROOF }
    }
    await Promise.all([quiz.startPractice({ seed: 42 }), quiz.loadProof()])
    expect(await quiz.startPractice({ seed: 7, count: 5 })).toBe(true)
    expect(fake.proofCalls).toBe(2)
    expect(quiz.proofError).toBeNull()
    expect(quiz.questions.map((q) => q.id)).toEqual(
      generateQuiz({ seed: 7, count: 5, proof: QUIZ_PROOF }).questions.map((q) => q.id),
    )
    // Questions about results are there only because of the proof.
    expect(quiz.questions.some((q) => q.type !== 'errno-name' && q.type !== 'errno-number')).toBe(
      true,
    )
  })

  it('grades a prediction by the run, not by the article’s claim', async () => {
    const { fake, quiz } = setup()
    const [q] = generateQuiz({
      seed: 3,
      count: 1,
      types: ['predict-run'],
      proof: QUIZ_PROOF,
    }).questions
    if (!q) throw new Error('no predict question')
    quiz.start({ seed: 3, questions: [q] })
    const claim = q.claim?.[0] ?? ''
    quiz.choose(claim)
    quiz.setBackend('kernel')
    // The run returns something else than the claim: the claim is then wrong.
    const other =
      q.options.find((o) => o.id !== claim && o.id.startsWith('error:'))?.id ?? 'error:EPIPE'
    fake.beforeReply.push({ kind: 'done', result: resultWith(q, other.slice('error:'.length)) })
    await quiz.submit()
    expect(fake.requests.at(-1)?.backend).toBe('kernel')
    expect(quiz.feedback).toMatchObject({ correct: false, expected: [other] })
  })

  it('keeps the question open when the run fails, and lets the student try again', async () => {
    const fake = createFakeLab({ startRun: errorResult('unsupported', 'no kernel here') })
    const { quiz } = setup(fake)
    const [q] = generateQuiz({
      seed: 3,
      count: 1,
      types: ['predict-run'],
      proof: QUIZ_PROOF,
    }).questions
    quiz.start({ seed: 3, questions: [q as QuizQuestion] })
    quiz.choose(q?.options[0]?.id ?? '')
    await quiz.submit()
    expect(quiz.runState).toBe('failed')
    expect(quiz.runError).toBe('no kernel here')
    expect(quiz.feedback).toBeNull()
    expect(quiz.answers).toEqual([])
    expect(quiz.canSubmit).toBe(true)
  })

  it('keeps a finished attempt when saving fails, and saves it on retry', async () => {
    const { fake, quiz } = setup()
    quiz.start(generateQuiz({ seed: 8, count: 1, types: ['errno-number'], proof: QUIZ_PROOF }))
    fake.quiz.failWith = 'The data file is in use by another Socket Anomaly Lab process.'
    answerRight(quiz)
    await quiz.submit()
    await quiz.next()
    expect(quiz.saveState).toBe('failed')
    expect(quiz.saveError).toContain('in use')
    const attempt = quiz.attempt
    fake.quiz.failWith = undefined
    await quiz.save()
    expect(quiz.saveState).toBe('saved')
    expect(fake.quiz.attempts).toEqual([attempt])
  })

  it('reviews mistakes and retries only the missed questions', async () => {
    const { quiz } = setup()
    const base = generateQuiz({ seed: 5, count: 3, types: ['cause-to-result'], proof: QUIZ_PROOF })
    quiz.start(base)
    for (let i = 0; i < 3; i++) {
      const q = quiz.question as QuizQuestion
      quiz.choose(
        i === 1 ? (q.answer[0] ?? '') : (q.options.find((o) => o.id !== q.answer[0])?.id ?? ''),
      )
      await quiz.submit()
      await quiz.next()
    }
    expect(quiz.score).toBe(1)
    expect(quiz.mistakes.map((m) => m.question.id)).toEqual([
      base.questions[0]?.id,
      base.questions[2]?.id,
    ])
    quiz.retryMissed()
    expect(quiz.phase).toBe('question')
    expect(quiz.questions.map((q) => q.id)).toEqual([base.questions[0]?.id, base.questions[2]?.id])
    expect(quiz.mode.kind).toBe('practice')
  })

  it('ends a timed pack quiz when time is up; unanswered questions count as wrong', async () => {
    vi.useFakeTimers()
    const { fake, quiz } = setup()
    const pack: Quiz = {
      ...generateQuiz({ seed: 9, count: 3, types: ['errno-name'], proof: QUIZ_PROOF }),
      packId: 'wk',
      timeLimitMin: 1,
    }
    quiz.start(pack, {
      kind: 'pack',
      packId: 'wk',
      packTitle: { en: 'W', zh: '周' },
      classCode: 'C1',
      student: 'Ann',
    })
    answerRight(quiz)
    await quiz.submit()
    expect(quiz.remainingMs).toBeGreaterThan(0)
    await vi.advanceTimersByTimeAsync(61_000)
    expect(quiz.phase).toBe('finished')
    expect(quiz.timedOut).toBe(true)
    expect(quiz.answers.map((a) => a.correct)).toEqual([true, false, false])
    expect(quiz.answers.slice(1).every((a) => a.response.length === 0)).toBe(true)
    const file = quiz.resultFile()
    expect(file).toMatchObject({
      classCode: 'C1',
      student: 'Ann',
      packId: 'wk',
      score: 1,
      total: 3,
    })
    expect(fake.quiz.attempts[0]?.packId).toBe('wk')
  })
})
