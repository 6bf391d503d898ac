/**
 * The Lab view's tools end to end in browser mode: playback and scrubbing, the socket shell
 * driving a lab on the simulator, the script editor, exports and reopening a saved trace,
 * compare, keyboard shortcuts, and an axe-core check of every panel in both themes.
 */
import AxeBuilder from '@axe-core/playwright'
import { readFile } from 'node:fs/promises'
import { expect, test, type Page } from '@playwright/test'
import { appPath } from './pages/app-url'
import { LabPage } from './pages/lab-page'

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('lab-view-spec')) {
      sessionStorage.setItem('lab-view-spec', '1')
      localStorage.setItem('sal.language', 'en')
      localStorage.setItem('sal.theme', 'light')
      localStorage.setItem('sal.labView', JSON.stringify({ axis: 'broken', panel: 'diagrams' }))
    }
  })
})

async function serious(page: Page, label: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).exclude('.xterm').analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

test('playback: step, scrub and replay move both state machines and the readout', async ({
  page,
}, info) => {
  const lab = new LabPage(page)
  await lab.goto('peer.crash-fin')
  await lab.run()
  const total = Number(await lab.playbackPosition.getAttribute('data-total'))
  expect(total).toBeGreaterThan(10)
  await page.getByTestId('pb-scrub').fill('0')
  await expect(lab.playbackPosition).toHaveAttribute('data-shown', '0')
  await expect(lab.machine('client')).toHaveAttribute('data-state', 'CLOSED')
  await expect(page.getByTestId('errno-card')).toHaveCount(0)
  // The keyboard steps too: "." forward, "," back.
  await page.getByTestId('case-title').click()
  await page.keyboard.press('.')
  await expect(lab.playbackPosition).toHaveAttribute('data-shown', '1')
  await page.keyboard.press('End')
  await expect(lab.playbackPosition).toHaveAttribute('data-shown', String(total))
  await expect(page.getByTestId('errno-card').filter({ hasText: 'EPIPE' })).toHaveCount(1)
  // Replay at ×10 ends where the run ended.
  await page
    .getByTestId('speed')
    .locator('label', { has: page.getByTestId('speed-x10') })
    .click()
  await page.getByTestId('pb-replay').click()
  await expect(lab.playbackPosition).toHaveAttribute('data-shown', String(total), {
    timeout: 10_000,
  })
  await expect(lab.machine('client')).toHaveAttribute('data-state', 'CLOSED')
  await info.attach('playback', { body: await page.screenshot(), contentType: 'image/png' })
})

test('the socket shell drives a lab: crash the server, then send twice', async ({ page }, info) => {
  const lab = new LabPage(page)
  await lab.goto('connect.ok')
  await lab.chooseBackend('sim')
  for (const line of ['listen 7100', 'connect', 'accept', 'server crash fin', 'recv', 'send 5']) {
    await lab.shell(line)
  }
  await lab.expectTraceLine(/client recv\(65536\)\s+= 0/)
  await lab.shell('send 5')
  const epipe = await lab.expectTraceLine(/client send\(5\)\s+= -1 EPIPE 32/)
  expect(epipe).toContain('SIGPIPE')
  // The diagrams show the shell's run.
  await expect(lab.machine('client')).toHaveAttribute('data-state', 'CLOSED')
  await lab.shell('help drop')
  await lab.expectTraceLine(/drop <SYN\|SYN-ACK\|ACK\|FIN\|RST\|data\|any>/)
  await lab.shell('sned 5')
  await lab.expectTraceLine(/error: Unknown command "sned"/)
  await info.attach('shell', { body: await page.screenshot(), contentType: 'image/png' })
})

test('the script editor checks as you type, points at the line, and runs the script', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.goto('connect.refused')
  await page.getByTestId('tab-script').click()
  const text = page.getByTestId('editor-text')
  await text.fill('labScript: 1\nsteps:\n  - { actor: client, op: connect, port: 70000 }\n')
  const problem = page.getByTestId('editor-problem')
  await expect(problem).toHaveCount(1)
  await expect(problem).toHaveAttribute('data-line', '3')
  await expect(problem).toContainText('step 0, port')
  await expect(page.getByTestId('editor-run')).toBeDisabled()
  await text.fill('labScript: 1\nsteps:\n  - { actor: client, op: connect, port: 7009 }\n')
  await expect(page.getByTestId('editor-status')).toHaveAttribute('data-ok', 'true')
  await page.getByTestId('format-json').locator('..').click()
  await expect(text).toHaveValue(/^\{\n {2}"labScript": 1/)
  await page.getByTestId('editor-run').click()
  await expect(lab.status).toHaveAttribute('data-status', 'done')
  await page.getByTestId('tab-diagrams').click()
  await expect(lab.card('connect').getByTestId('errno-call')).toHaveText(
    'connect(7009) = -1 ECONNREFUSED',
  )
})

test('exports the trace, the SVG and the PNG, and reopens the saved trace', async ({
  page,
}, info) => {
  const lab = new LabPage(page)
  await lab.goto('peer.crash-fin')
  await lab.run()
  const download = async (id: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()])
    const path = info.outputPath(file.suggestedFilename())
    await file.saveAs(path)
    return { name: file.suggestedFilename(), path }
  }
  const json = await download('export-json')
  expect(json.name).toMatch(/^peer\.crash-fin-sim-linux\.trace\.json$/)
  const doc = JSON.parse(await readFile(json.path, 'utf8'))
  expect(doc.socklabTrace).toBe(1)
  expect(doc.result.steps.some((s: { errno?: string }) => s.errno === 'EPIPE')).toBe(true)
  const svg = await download('export-svg')
  const svgText = await readFile(svg.path, 'utf8')
  expect(svgText).toMatch(/^<\?xml/)
  expect(svgText).toContain('CLOSE_WAIT')
  expect(svgText).toContain('EPIPE')
  const png = await download('export-png')
  const bytes = await readFile(png.path)
  expect(bytes.subarray(1, 4).toString()).toBe('PNG')
  expect(bytes.length).toBeGreaterThan(5000)
  // Another case, then the saved trace comes back as it was.
  await lab.pickCase('connect.ok')
  await page.getByTestId('trace-file').setInputFiles(json.path)
  await expect(page.getByTestId('imported-notice')).toBeVisible()
  await expect(page.getByTestId('errno-card').filter({ hasText: 'EPIPE' })).toHaveCount(1)
  await lab.expectTraceLine(/lab> open peer\.crash-fin/)
})

test('compares the OS profiles side by side and marks what differs', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.goto('peer.crash-fin')
  await page.keyboard.press('c')
  await expect(page.getByTestId('compare')).toBeVisible()
  await page.getByTestId('compare-run').click()
  const table = page.getByTestId('compare-table')
  await expect(
    table.locator('td[data-col="sim:windows"]').filter({ hasText: 'WSAE' }).first(),
  ).toBeVisible({
    timeout: 20_000,
  })
  await expect(table.locator('tr.is-diff')).not.toHaveCount(0)
  await expect(
    table.locator('td[data-col="sim:linux"]').filter({ hasText: 'EPIPE 32' }),
  ).toHaveCount(1)
})

test('compares the kernel with the simulator by the agreement rule', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.goto('connect.refused')
  const kernel = await lab.kernelAvailable()
  test.skip(!kernel.available, `kernel lab unavailable on this host: ${kernel.reason}`)
  await page.keyboard.press('c')
  for (const profile of ['linux-legacy', 'windows', 'macos'])
    await page.getByTestId(`compare-col-sim:${profile}`).uncheck()
  await page.getByTestId('compare-col-kernel').check()
  await page.getByTestId('compare-run').click()
  // The verdict is socklab check's: a refused connect is the same story on both backends.
  const verdict = page.getByTestId('compare-verdict')
  await expect(verdict).toHaveAttribute('data-agree', 'true', { timeout: 30_000 })
  await expect(verdict).toHaveText('Simulator (linux) and kernel agree')
  await expect(
    page.getByTestId('compare-table').locator('td[data-col="kernel"]').filter({
      hasText: 'ECONNREFUSED',
    }),
  ).toHaveCount(1)
})

test('keyboard shortcuts are listed in both languages, and a deep link can run a case', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await page.goto(appPath('/lab/connect.refused?backend=sim&profile=windows&run'))
  await expect(lab.status).toHaveAttribute('data-status', 'done', { timeout: 30_000 })
  await expect(lab.card('connect').getByTestId('errno-message')).toContainText('10061')
  await page.keyboard.press('?')
  const dialog = page.getByTestId('shortcuts')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('Play or pause')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await lab.setLanguage('zh')
  await page.getByTestId('shortcuts-open').click()
  await expect(dialog).toContainText('播放或暂停')
})

test('has no serious accessibility violations on any panel, in both themes', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.goto('handshake.synack-lost')
  await lab.run()
  const found: string[] = []
  for (const theme of ['light', 'dark']) {
    if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) {
      await page.getByTestId('theme-toggle').click()
    }
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    for (const panel of ['diagrams', 'script', 'compare'] as const) {
      await page.getByTestId(`tab-${panel}`).click()
      found.push(...(await serious(page, `${theme}/${panel}`)))
    }
    await page.getByTestId('shortcuts-open').click()
    found.push(...(await serious(page, `${theme}/shortcuts`)))
    await page.keyboard.press('Escape')
    await page.getByTestId('tab-diagrams').click()
  }
  expect(found).toEqual([])
})
