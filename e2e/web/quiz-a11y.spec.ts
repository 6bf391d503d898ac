/**
 * Accessibility of the Summary, Quiz and Classroom views (axe, both themes): a summary table,
 * a question with its feedback, the result with a review, and the classroom with a gradebook.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { simulatorProof } from '../../main/lab/quiz-proof'
import { generateQuiz } from '../../shared/quiz/generate'
import { QuizPage, seriousViolations, startHost, type Host } from './pages/quiz-page'

test.describe('Summary, Quiz and Classroom accessibility', () => {
  let dataDir: string
  let host: Host | undefined
  test.beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'socklab-e2e-a11y-'))
  })
  test.afterEach(async () => {
    await host?.stop()
    host = undefined
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('has no serious violations, in both themes and in Chinese', async ({ page }) => {
    host = await startHost(dataDir)
    const found: string[] = []
    await page.goto(`${host.url}#/summary`)
    await expect(page.getByTestId('summary-send')).toBeVisible()
    found.push(...(await seriousViolations(page, 'summary')))

    const quiz = new QuizPage(page)
    await quiz.open(host.url)
    const questions = generateQuiz({ seed: 9, count: 5, proof: simulatorProof() }).questions
    await quiz.start(9, 5)
    found.push(...(await seriousViolations(page, 'question')))
    for (const q of questions) {
      await quiz.answer(q)
      if (q === questions[0]) found.push(...(await seriousViolations(page, 'feedback')))
      await quiz.next()
    }
    await expect(page.getByTestId('quiz-result')).toBeVisible()
    found.push(...(await seriousViolations(page, 'result')))

    await page.getByTestId('lang-zh').click()
    await page.goto(`${host.url}#/classroom`)
    await expect(page.getByTestId('classroom-view')).toContainText('老师：成绩册')
    found.push(...(await seriousViolations(page, 'classroom')))
    expect(found).toEqual([])
  })
})
