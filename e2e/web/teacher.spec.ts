/**
 * The teacher's workflow (issue 16): a pack written in the pack editor (template, form, YAML
 * with live validation, a preview of every question) is imported and a student takes it; the
 * gradebook drills down to the student's answers; clearing it asks first and can be undone;
 * leaving a timed lab asks and hands it in; a file picked in the wrong place is named for
 * what it is.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { simulatorProof } from '../../main/lab/quiz-proof'
import { packQuiz, parsePack } from '../../shared/quiz/pack'
import { ClassroomPage, QuizPage, seriousViolations, startHost, type Host } from './pages/quiz-page'

test.describe('Teacher workflow', () => {
  let dir: string
  let host: Host | undefined

  test.beforeEach(async ({ page }) => {
    dir = mkdtempSync(join(tmpdir(), 'socklab-e2e-teacher-'))
    await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
  })
  test.afterEach(async () => {
    await host?.stop()
    host = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  test('the pack editor builds a valid pack that the quiz runs; the gradebook drills down and asks before clearing', async ({
    page,
  }) => {
    host = await startHost(join(dir, 'data'))
    const classroom = new ClassroomPage(page)
    await classroom.open(host.url)
    await page.getByTestId('pack-write').click()
    const status = page.getByTestId('editor-pack-status')
    await expect(status).toHaveAttribute('data-ok', 'true')
    expect(await seriousViolations(page, 'pack editor')).toEqual([])
    // The form edits the YAML; a broken line is named as it is typed; the preview follows.
    await page.getByTestId('editor-id').fill('week9-editor')
    await page.getByTestId('editor-id').blur()
    await page.getByTestId('editor-title-en').fill('Week 9: written in the app')
    await page.getByTestId('editor-title-en').blur()
    const yaml = page.getByTestId('editor-yaml')
    await expect(yaml).toHaveValue(/id: week9-editor/)
    const good = await yaml.inputValue()
    await yaml.fill(good.replace('answer: kernel', 'answer: nobody'))
    await expect(status).toHaveAttribute('data-ok', 'false')
    await expect(page.getByTestId('editor-pack-problems')).toContainText('questions.0.answer')
    await expect(page.getByTestId('editor-import')).toBeDisabled()
    await yaml.fill(good)
    await expect(status).toHaveAttribute('data-ok', 'true')
    const parsed = parsePack(good)
    if (!parsed.ok) throw new Error(parsed.message)
    const questions = packQuiz(parsed.pack, undefined, simulatorProof()).questions
    await expect(page.getByTestId('pack-preview').first().locator(':scope > li')).toHaveCount(
      questions.length,
    )
    await page.getByTestId('editor-import').click()
    await expect(page.getByTestId('editor-imported')).toContainText('week9-editor')
    // The imported pack's questions are visible in the list too.
    const listed = page.locator('[data-testid="pack-list"] li[data-pack="week9-editor"]')
    await listed.getByTestId('pack-questions').locator('summary').click()
    await expect(listed.getByTestId('pack-preview').locator(':scope > li')).toHaveCount(
      questions.length,
    )

    // A student takes it: the quiz runs every question, the lab's run included.
    await page.getByTestId('student-pack').selectOption('week9-editor')
    await page.getByTestId('student-class').fill('C9')
    await page.getByTestId('student-name').fill('Ada')
    await page.getByTestId('student-start').click()
    await expect(page.getByTestId('quiz-student')).toContainText('Ada, class C9')
    const quiz = new QuizPage(page)
    for (const q of questions) {
      await quiz.answer(q)
      await quiz.next()
    }
    await expect(page.getByTestId('quiz-saved')).toBeVisible()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('quiz-export-result').click(),
    ])
    const mine = join(dir, 'ada.json')
    await download.saveAs(mine)

    // A result file picked as a pack is named for what it is.
    await classroom.open(host.url)
    await page.getByTestId('pack-file').setInputFiles(mine)
    await expect(page.getByTestId('pack-wrong-kind')).toHaveText(
      'ada.json is a student’s result file, not a question pack. Import it under “Teacher: gradebook”.',
    )

    // The gradebook: the student's answers, attempts, times and duration.
    await classroom.importResults([mine])
    await classroom.studentRow('Ada').getByTestId('student-open').click()
    const detail = page.getByTestId('student-detail')
    await expect(detail.getByTestId('student-facts')).toContainText('result files handed in: 1')
    await expect(detail.getByTestId('student-facts')).toContainText(/took \d+ min \d+ s/)
    await expect(detail.getByTestId('student-answers').locator('tbody tr')).toHaveCount(
      questions.length,
    )

    // Clearing asks first; keeping changes nothing; a clear can be undone.
    await page.getByTestId('gradebook-clear').click()
    const confirm = page.getByTestId('clear-confirm')
    await expect(confirm).toBeVisible()
    await expect(confirm).toContainText('Clear the gradebook?')
    await confirm.getByTestId('confirm-cancel').click()
    await expect(classroom.studentRow('Ada')).toBeVisible()
    await page.getByTestId('gradebook-clear').click()
    await confirm.getByTestId('confirm-ok').click()
    await expect(page.getByTestId('gradebook-students')).toHaveCount(0)
    await page.getByTestId('gradebook-undo').click()
    await expect(classroom.studentRow('Ada')).toBeVisible()
  })

  test('leaving a timed lab asks, then hands it in; one attempt per student holds', async ({
    page,
  }) => {
    host = await startHost(join(dir, 'data'))
    const classroom = new ClassroomPage(page)
    await classroom.open(host.url)
    await page.getByTestId('pack-write').click()
    await page.getByTestId('editor-import').click()
    await expect(page.getByTestId('editor-imported')).toBeVisible()
    await page.getByTestId('pack-one-attempt').check()
    await page.getByTestId('student-class').fill('C1')
    await page.getByTestId('student-name').fill('Bo')
    await page.getByTestId('student-start').click()
    await expect(page.getByTestId('quiz-timer')).toContainText('Time left')
    await page.getByTestId('quiz-abandon').click()
    const confirm = page.getByTestId('leave-confirm')
    await expect(confirm).toContainText('Hand in this lab now?')
    await confirm.getByTestId('confirm-cancel').click()
    await expect(page.getByTestId('question')).toBeVisible()
    await page.getByTestId('quiz-abandon').click()
    await confirm.getByTestId('confirm-ok').click()
    await expect(page.getByTestId('quiz-left-early')).toBeVisible()
    // The same student cannot start it again on this computer.
    await classroom.open(host.url)
    await page.getByTestId('student-class').fill('C1')
    await page.getByTestId('student-name').fill('bo')
    await page.getByTestId('student-start').click()
    await expect(page.getByTestId('student-problem')).toContainText('already taken this lab')
  })
})
