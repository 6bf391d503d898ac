/**
 * The Quiz in browser mode, against the real lab service and SQLite store: take a seeded
 * 10-question quiz (predictions really run on the simulator), restart the app on the same data
 * folder, and find the score in the history.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { simulatorProof } from '../../main/lab/quiz-proof'
import { generateQuiz } from '../../shared/quiz/generate'
import { QuizPage, startHost, type Host } from './pages/quiz-page'

const SEED = 4242

test.describe('Quiz in browser mode', () => {
  let dataDir: string
  let host: Host | undefined

  test.beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'socklab-e2e-quiz-'))
  })
  test.afterEach(async () => {
    await host?.stop()
    host = undefined
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('take a 10-question quiz, restart the app, see the score history', async ({ page }) => {
    const quiz = generateQuiz({ seed: SEED, count: 10, proof: simulatorProof() })
    const predictions = quiz.questions.filter((q) => q.type === 'predict-run').length
    host = await startHost(dataDir)
    const ui = new QuizPage(page)
    await ui.open(host.url)
    await expect(page.getByTestId('quiz-history')).toContainText(/No attempts yet/)
    await ui.start(SEED, 10)

    let right = 0
    for (const [i, q] of quiz.questions.entries()) {
      await expect(page.getByTestId('quiz-progress')).toHaveText(`Question ${i + 1} of 10`)
      if (q.type === 'predict-run')
        await expect(page.getByTestId('predict-steps')).toContainText('predict this call')
      if (await ui.answer(q)) right++
      await expect(page.getByTestId('quiz-explanation')).not.toBeEmpty()
      if (q.type === 'predict-run')
        await expect(page.getByTestId('quiz-ran')).toContainText(/The Simulator returned: \w+\(\)/)
      await ui.next()
    }
    expect(right).toBeGreaterThanOrEqual(10 - predictions)
    await expect(page.getByTestId('quiz-final-score')).toHaveText(`${right} of 10 right`)
    await expect(page.getByTestId('quiz-saved')).toBeVisible()
    await expect(page.getByTestId('quiz-attempt-mastery').locator('li')).not.toHaveCount(0)

    // Restart: a new host process on the same data folder, a fresh page.
    await host.stop()
    host = await startHost(dataDir)
    await ui.open(host.url)
    const rows = page.getByTestId('history-row')
    await expect(rows).toHaveCount(1)
    await expect(rows.first().getByTestId('history-score')).toHaveText(`${right}/10`)
    await expect(rows.first()).toContainText(String(SEED))
    const answered = page.getByTestId('quiz-mastery').locator('li:not([data-level="new"])')
    await expect(answered).not.toHaveCount(0)
  })

  test('a wrong answer shows the right one; the review lists it and the retry asks it again', async ({
    page,
  }) => {
    const quiz = generateQuiz({ seed: 7, count: 5, proof: simulatorProof() })
    const miss = quiz.questions.find((q) => q.kind === 'choice' && q.type !== 'predict-run')
    if (!miss) throw new Error('seed 7 has no plain choice question')
    host = await startHost(dataDir)
    const ui = new QuizPage(page)
    await ui.open(host.url)
    await ui.start(7, 5)
    for (const q of quiz.questions) {
      if (q === miss) {
        const wrong = q.options.find((o) => o.id !== q.answer[0])
        await ui.question.locator(`[data-option="${wrong?.id}"]`).click()
        await page.getByTestId('quiz-submit').click()
        const feedback = page.getByTestId('quiz-feedback')
        await expect(feedback).toHaveAttribute('data-correct', 'false')
        await expect(feedback).toContainText('The answer:')
        await expect(ui.question.locator(`[data-option="${q.answer[0]}"]`)).toHaveClass(/is-right/)
      } else await ui.answer(q)
      await ui.next()
    }
    const review = page.getByTestId('quiz-mistakes')
    await expect(review.locator(`li[data-question="${miss.id}"]`)).toContainText('Your answer:')
    await page.getByTestId('quiz-retry-missed').click()
    await expect(ui.question).toHaveAttribute('data-question', miss.id)
    await expect(page.getByTestId('quiz-progress')).toContainText(/of \d+$/)
  })
})
