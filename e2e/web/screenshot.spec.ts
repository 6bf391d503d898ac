/**
 * The README screenshot (docs/screenshot.png): the Lab view after running connect.refused in
 * browser mode, light theme, 1400x900. It rewrites a file in the repository, so it runs only
 * when asked: `UPDATE_SCREENSHOT=1 npx playwright test --project=web screenshot`.
 */
import { expect, test } from '@playwright/test'
import { LabPage } from './pages/lab-page'

test('README screenshot of the Lab view', async ({ page }) => {
  test.skip(
    !process.env.UPDATE_SCREENSHOT,
    'set UPDATE_SCREENSHOT=1 to rewrite docs/screenshot.png',
  )
  await page.setViewportSize({ width: 1400, height: 900 })
  await page.addInitScript(() => {
    localStorage.setItem('sal.theme', 'light')
    localStorage.setItem('sal.language', 'en')
  })
  const lab = new LabPage(page)
  await lab.goto('connect.refused')
  await lab.chooseBackend('sim')
  expect(await lab.run()).toBe('done')
  await lab.expectTraceLine(/end: client/)
  await page.screenshot({ path: 'docs/screenshot.png' })
})
