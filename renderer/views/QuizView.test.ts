import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateQuiz } from '../../shared/quiz/generate'
import type { QuizQuestion } from '../../shared/quiz/types'
import { useCatalogStore } from '../stores/catalog'
import { useQuizStore } from '../stores/quiz'
import { useSettingsStore } from '../stores/settings'
import { QUIZ_PROOF } from '../lib/fixtures/index'
import { createFakeLab, errorResult, flush, refusedResult, testGlobals } from '../testing/fake-lab'
import QuizView from './QuizView.vue'

beforeEach(() => {
  history.replaceState(null, '', '#/quiz')
})
afterEach(() => {
  document.body.innerHTML = ''
})

async function quizView(fake = createFakeLab()) {
  const { global } = testGlobals(fake)
  const w = mount(QuizView, { global, attachTo: document.body })
  await flush()
  return { w, fake, quiz: useQuizStore(), settings: useSettingsStore() }
}

describe('QuizView', () => {
  it('starts a seeded quiz, gives feedback with the explanation, and opens the case in the Lab', async () => {
    const { w, quiz, settings } = await quizView()
    expect(w.get('[data-testid="quiz-history"]').text()).toContain('No attempts yet')
    await w.get('[data-testid="quiz-seed"]').setValue('42')
    await w.get('form').trigger('submit')
    await flush()
    const expected = generateQuiz({ seed: 42, proof: QUIZ_PROOF }).questions
    expect(quiz.questions.map((q) => q.id)).toEqual(expected.map((q) => q.id))
    const q = expected.find((x) => x.kind === 'choice' && x.type !== 'predict-run' && x.caseId)
    if (!q) throw new Error('no plain choice question with a case')
    quiz.start({ seed: 42, questions: [q] })
    await flush()
    expect(w.get('[data-testid="quiz-submit"]').attributes('disabled')).toBeDefined()
    const wrong = q.options.find((o) => o.id !== q.answer[0])
    await w.get(`[data-option="${wrong?.id}"] input`).setValue(true)
    await w.get('[data-testid="quiz-submit"]').trigger('click')
    await flush()
    const feedback = w.get('[data-testid="quiz-feedback"]')
    expect(feedback.attributes('data-correct')).toBe('false')
    expect(feedback.text()).toContain('The answer:')
    expect(feedback.text()).toContain(q.explanation.en)
    expect(w.get(`[data-option="${q.answer[0]}"]`).classes()).toContain('is-right')
    await w.get('[data-testid="quiz-open-case"]').trigger('click')
    expect(settings.route).toEqual({ view: 'lab', caseId: q.caseId })
    w.unmount()
  })

  it('runs a prediction through startRun and shows what the run returned beside the claim', async () => {
    const { w, fake, quiz } = await quizView()
    const q = generateQuiz({
      seed: 2,
      count: 50,
      types: ['predict-run'],
      proof: QUIZ_PROOF,
    }).questions.find((x) => x.run?.scenarioId === 'connect.refused') as QuizQuestion
    quiz.start({ seed: 2, questions: [q] })
    await flush()
    expect(w.get('[data-testid="predict-steps"]').text()).toContain('connect(7002)')
    await w.get('[data-option="error:ECONNREFUSED"] input').setValue(true)
    fake.beforeReply.push({ kind: 'done', result: refusedResult() })
    await w.get('[data-testid="quiz-submit"]').trigger('click')
    await flush()
    expect(fake.requests).toEqual([
      { runId: fake.runId(1), scenarioId: 'connect.refused', backend: 'sim' },
    ])
    const feedback = w.get('[data-testid="quiz-feedback"]')
    expect(feedback.attributes('data-correct')).toBe('true')
    expect(w.get('[data-testid="quiz-ran"]').text()).toBe(
      'The Simulator returned: connect() = -1 ECONNREFUSED (111)',
    )
    expect(feedback.text()).toContain('The article’s table says: -1 with errno ECONNREFUSED (111)')
    // "Run this case in the Lab" opens the case there and runs it.
    await useCatalogStore().init()
    await w.get('[data-testid="quiz-open-case"]').trigger('click')
    await flush()
    expect(useSettingsStore().route).toEqual({ view: 'lab', caseId: 'connect.refused' })
    expect(fake.requests.at(-1)).toEqual({
      runId: fake.runId(2),
      scenarioId: 'connect.refused',
      backend: 'sim',
      profile: 'linux',
    })
    await w.get('[data-testid="quiz-next"]').trigger('click')
    await flush()
    expect(w.get('[data-testid="quiz-final-score"]').text()).toBe('1 of 1 right')
    expect(w.find('[data-testid="quiz-saved"]').exists()).toBe(true)
    expect(w.find('[data-testid="quiz-mistakes"]').exists()).toBe(false)
    w.unmount()
  })

  it('orders items with the move buttons', async () => {
    const { w, quiz } = await quizView()
    const [q] = generateQuiz({ seed: 4, count: 1, types: ['order'], proof: QUIZ_PROOF }).questions
    if (!q) throw new Error('no order question')
    quiz.start({ seed: 4, questions: [q] })
    await flush()
    for (const [target, id] of q.answer.entries()) {
      while (quiz.response.indexOf(id) > target) {
        const at = quiz.response.indexOf(id)
        await w
          .findAll('[data-testid="order-list"] li')
          [at]?.get('[data-move="up"]')
          .trigger('click')
      }
    }
    expect(quiz.response).toEqual(q.answer)
    await w.get('[data-testid="quiz-submit"]').trigger('click')
    await flush()
    expect(w.get('[data-testid="quiz-feedback"]').attributes('data-correct')).toBe('true')
    w.unmount()
  })

  it('refuses a seed that is not a whole number', async () => {
    const { w, quiz } = await quizView()
    await w.get('[data-testid="quiz-seed"]').setValue('12x')
    await w.get('form').trigger('submit')
    await flush()
    expect(quiz.phase).toBe('setup')
    expect(w.get('[role="alert"]').text()).toContain('whole number')
    w.unmount()
  })

  it('says why no quiz starts when the simulator’s runs did not load', async () => {
    const fake = createFakeLab({ quizProof: errorResult('internal', 'the lab server went away') })
    const { w, quiz } = await quizView(fake)
    await w.get('[data-testid="quiz-seed"]').setValue('42')
    await w.get('form').trigger('submit')
    await flush()
    expect(quiz.phase).toBe('setup')
    expect(w.get('[data-testid="quiz-proof-error"]').text()).toContain('the lab server went away')
    w.unmount()
  })

  it('retries the missed questions of a stored attempt, those about results too', async () => {
    const questions = generateQuiz({ seed: 11, count: 4, proof: QUIZ_PROOF }).questions
    const missed = questions.filter((q) => q.type !== 'errno-name' && q.type !== 'errno-number')
    if (missed.length === 0) throw new Error('seed 11 has no question about a result')
    const attempt = {
      id: 'a-1',
      startedAt: '2026-03-01T08:00:00.000Z',
      finishedAt: '2026-03-01T08:05:00.000Z',
      seed: 11,
      lang: 'en' as const,
      answers: questions.map((q) => ({
        questionId: q.id,
        type: q.type,
        topic: q.topic,
        response: [],
        correct: !missed.includes(q),
        expected: q.answer,
      })),
      score: questions.length - missed.length,
      total: questions.length,
    }
    const { w, quiz } = await quizView(createFakeLab({ quiz: { attempts: [attempt] } }))
    await w.get('[data-testid="history-retry"]').trigger('click')
    await flush()
    expect(quiz.phase).toBe('question')
    expect(quiz.questions.map((q) => q.id)).toEqual(missed.map((q) => q.id))
    w.unmount()
  })
})
