/**
 * Browser mode end to end: the built UI against the real lab service (simulator and, where
 * this host allows it, the real kernel), read the way a student reads it.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { LabPage } from './pages/lab-page'

test.describe('Lab view in browser mode', () => {
  test('connect.refused on the simulator: ECONNREFUSED 111 in the readout and the trace', async ({
    page,
  }) => {
    const lab = new LabPage(page)
    await lab.goto()
    await lab.pickCase('connect.refused')
    await lab.chooseBackend('sim')
    expect(await lab.run()).toBe('done')
    const card = lab.card('connect')
    await expect(card.getByTestId('errno-call')).toHaveText('connect(7002) = -1 ECONNREFUSED')
    await expect(card.getByTestId('errno-message')).toContainText('ECONNREFUSED 111')
    await expect(card.locator('tr[data-os="linux"]')).toContainText('111')
    await expect(card.locator('tr[data-os="windows"]')).toContainText('WSAECONNREFUSED')
    await expect(card.getByTestId('errno-section')).toContainText('建立连接 §2')
    const line = await lab.expectTraceLine(/client connect\(7002\)\s+= -1 ECONNREFUSED/)
    expect(line).toContain('111')
    await lab.expectTraceLine(/end: client CLOSED/)
    await expect(lab.finalStates).toContainText('client CLOSED')
  })

  test('connect.refused on the real kernel', async ({ page }) => {
    const lab = new LabPage(page)
    await lab.goto('connect.refused')
    const kernel = await lab.kernelAvailable()
    test.skip(!kernel.available, `kernel lab unavailable on this host: ${kernel.reason}`)
    await lab.chooseBackend('kernel')
    expect(await lab.run()).toBe('done')
    const card = lab.card('connect')
    await expect(card.getByTestId('errno-call')).toHaveText('connect(7002) = -1 ECONNREFUSED')
    await expect(card.getByTestId('errno-message')).toContainText('ECONNREFUSED 111')
    const line = await lab.expectTraceLine(/client connect\(7002\)\s+= -1 ECONNREFUSED/)
    expect(line).toContain('111')
    await expect(page.getByTestId('ran-on')).toContainText(/this host’s kernel/)
  })

  test('connect.ok: the handshake completes and both calls succeed', async ({ page }) => {
    const lab = new LabPage(page)
    await lab.goto('connect.ok')
    await expect(lab.caseButton('connect.ok')).toHaveAttribute('aria-current', 'true')
    expect(await lab.run()).toBe('done')
    await expect(lab.card('connect').getByTestId('errno-call')).toHaveText('connect(7001) = 0')
    await expect(lab.card('accept').getByTestId('errno-call')).toHaveText(/^accept\(\) = \d+$/)
    await expect(page.getByTestId('errno-card').filter({ hasText: 'ECONN' })).toHaveCount(0)
    await lab.expectTraceLine(/client connect\(7001\)\s+= 0/)
    await expect(lab.finalStates).toContainText('client ESTABLISHED')
  })

  test('switching to Chinese translates the UI and survives a reload', async ({ page }) => {
    const lab = new LabPage(page)
    await lab.goto('connect.refused')
    await lab.setLanguage('zh')
    await expect(page.getByTestId('nav-lab')).toHaveText('实验')
    await expect(page.getByTestId('group-connect').locator('h2')).toHaveText('建立连接')
    await expect(page.getByTestId('case-title')).toContainText('连接服务端未监听的端口')
    await expect(lab.runButton).toContainText('运行')
    await page.reload()
    await expect(page.getByTestId('nav-lab')).toHaveText('实验')
    expect(await lab.run()).toBe('done')
    await expect(lab.card('connect')).toContainText('主机可达，但该端口没有程序监听')
  })

  test('the Lab keeps its run and its terminal while another view is open', async ({ page }) => {
    const lab = new LabPage(page)
    await lab.goto('connect.refused')
    expect(await lab.run()).toBe('done')
    await page.getByTestId('nav-summary').click()
    await expect(page.getByTestId('lab-view')).toBeHidden()
    await page.getByTestId('nav-lab').click()
    await expect(page.getByTestId('lab-view')).toBeVisible()
    await expect(lab.card('connect').getByTestId('errno-call')).toHaveText(
      'connect(7002) = -1 ECONNREFUSED',
    )
    await lab.expectTraceLine(/client connect\(7002\)\s+= -1 ECONNREFUSED/)
  })

  test('has no serious accessibility violations after a run, in both themes', async ({ page }) => {
    const lab = new LabPage(page)
    await lab.goto('connect.refused')
    await lab.run()
    for (const theme of ['light', 'dark']) {
      if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) {
        await page.getByTestId('theme-toggle').click()
      }
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
      const results = await new AxeBuilder({ page }).exclude('.xterm').analyze()
      const serious = results.violations.filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      )
      expect(
        serious.map(
          (v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        ),
      ).toEqual([])
    }
  })
})
