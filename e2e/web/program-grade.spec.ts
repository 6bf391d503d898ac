/**
 * Program labs in the Classroom (issue 14), in browser mode: the teacher picks a program lab
 * and a folder of two submissions (the naive and the robust Python client of examples/), the
 * host grades them one after another on the real kernel, the panel follows it live, and the
 * gradebook shows one pass and one fail with the reasons. The lab is a small one written by
 * the test (two cases, seconds each), on a browser-mode host of its own (its own data folder).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { ClassroomPage, startHost, type Host } from './pages/quiz-page'

const LAB = `programLab: 1
id: two-faults
title: { en: Two broken servers, zh: 两个出故障的服务端 }
role: client
timeLimitMs: 8000
cases:
  - case: connect.refused
    expect: { exitCode: nonzero, notOutput: [Traceback] }
  - case: peer.crash-rst
    expect:
      exitCode: nonzero
      notOutput: [Traceback]
      calls: [{ op: recv, errno: ECONNRESET }]
`

test.describe('Grading a folder of program submissions', () => {
  let dir: string
  let host: Host | undefined

  test.beforeEach(async ({ page }) => {
    dir = mkdtempSync(join(tmpdir(), 'socklab-e2e-grade-'))
    await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
  })
  test.afterEach(async () => {
    await host?.stop()
    host = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  test('the teacher grades the naive and the robust client and reads the verdicts in the gradebook', async ({
    page,
  }) => {
    test.setTimeout(120_000)
    const lab = join(dir, 'two-faults.yaml')
    writeFileSync(lab, LAB)
    const folder = join(dir, 'week5')
    for (const [student, example] of [
      ['ann', 'robust_client.py'],
      ['bob', 'naive_client.py'],
    ] as const) {
      mkdirSync(join(folder, student), { recursive: true })
      copyFileSync(join('examples', 'python', example), join(folder, student, 'client.py'))
    }

    host = await startHost(join(dir, 'data'))
    await new ClassroomPage(page).open(host.url)
    const panel = page.getByTestId('grade-panel')
    await expect(panel).toBeVisible()
    // What the host can do arrives after the page: wait for the answer either way.
    await expect(panel).not.toHaveAttribute('data-programs', 'unknown')
    const unavailable = panel.getByTestId('grade-unavailable')
    const why = (await unavailable.count()) > 0 ? await unavailable.textContent() : null
    test.skip(why !== null, `programs cannot be graded here: ${why}`)

    await panel.getByTestId('grade-lab-file').setInputFiles(lab)
    await expect(panel.getByTestId('grade-lab')).toHaveText(
      'two-faults: Two broken servers, 2 cases, the program as the client',
    )
    // A path that is not a folder's full path is refused, naming it.
    await panel.getByTestId('grade-folder').fill('week5')
    await panel.getByTestId('grade-start').click()
    await expect(panel.getByTestId('grade-error')).toHaveText(
      'Not started: Give the folder\'s full path (like /home/teacher/week5), not "week5".',
    )

    await panel.getByTestId('grade-folder').fill(folder)
    await panel.getByTestId('grade-class').fill('NET101')
    await panel.getByTestId('grade-start').click()
    await expect(panel.getByTestId('grade-error')).toHaveCount(0)
    // Live: who is graded, then each result.
    await expect(panel.getByTestId('grade-progress')).toContainText(/Grading \d of 2: (ann|bob)/)
    const row = (s: string) => panel.locator(`[data-testid="grade-rows"] tr[data-student="${s}"]`)
    await expect(row('ann')).toHaveAttribute('data-state', 'graded', { timeout: 60_000 })
    await expect(row('ann')).toContainText('2 of 2 cases passed')
    await expect(row('bob')).toHaveAttribute('data-state', 'graded', { timeout: 60_000 })
    await expect(row('bob')).toContainText('0 of 2 cases passed')
    await expect(panel.getByTestId('grade-done')).toHaveText(
      'Done: 1 of 2 graded submissions passed every case. Their grades are in the gradebook.',
    )

    // The gradebook: one pass, one fail, with the reasons.
    const book = page.getByTestId('classroom-gradebook')
    const programs = book.getByTestId('gradebook-programs')
    await expect(programs.locator('tr[data-student="ann"]')).toHaveAttribute('data-passed', 'true')
    await expect(programs.locator('tr[data-student="bob"]')).toHaveAttribute('data-passed', 'false')
    await expect(programs.locator('tr[data-student="bob"]')).toContainText('graded here')
    await expect(
      book.getByTestId('gradebook-overview').locator('tr[data-student="bob"]'),
    ).toContainText('two-faults 0/2 cases')
    await programs.locator('tr[data-student="bob"]').getByTestId('program-student-open').click()
    const detail = programs.getByTestId('program-student-detail')
    await expect(detail.locator('[data-case="connect.refused"]')).toContainText(
      'its output contains "Traceback", which it must not',
    )
    await expect(detail.locator('[data-case="peer.crash-rst"]')).toHaveAttribute(
      'data-passed',
      'false',
    )
    const crash = book.getByTestId('gradebook-cases').locator('tr[data-case="peer.crash-rst"]')
    await expect(crash.getByTestId('case-passed')).toHaveText('1/2')
    await expect(crash.getByTestId('case-failures')).toContainText(
      'its output contains "Traceback", which it must not 1×',
    )

    // It is kept: a restart of the host shows the same grades.
    await host.stop()
    host = await startHost(join(dir, 'data'))
    await new ClassroomPage(page).open(host.url)
    await expect(page.getByTestId('gradebook-programs').locator('tr[data-student]')).toHaveCount(2)
  })
})
