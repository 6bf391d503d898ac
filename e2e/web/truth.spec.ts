/**
 * Only true words (issue 16): a custom script and an opened trace show their own title,
 * profile and backend (never the case picked before them), a kernel run is explained from its
 * trace, and the middlebox is named as the sender of its segments.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { scenarioScript } from '../../shared/catalog/index'
import { simulate } from '../../main/sim/index'
import { appPath } from './pages/app-url'
import { LabPage } from './pages/lab-page'

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
})

test('a custom script shows its own title, profile and backend, and Run runs it', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.goto('connect.ok')
  await expect(page.getByTestId('case-title')).toContainText('Normal three-way handshake')
  await page.getByTestId('profile').locator('label', { hasText: 'Windows' }).click()
  await page.getByTestId('tab-script').click()
  await page
    .getByTestId('editor-text')
    .fill(
      [
        'labScript: 1',
        'id: week3.refused',
        'title: { en: "Week 3: nobody listens", zh: "第三周：没有人监听" }',
        'section: establish.2',
        'steps:',
        '  - { actor: client, op: connect, port: 7009 }',
        '',
      ].join('\n'),
    )
  await expect(page.getByTestId('editor-status')).toHaveAttribute('data-ok', 'true')
  await page.getByTestId('editor-run').click()
  await expect(lab.status).toHaveAttribute('data-status', 'done')
  const title = page.getByTestId('case-title')
  await expect(title).toContainText('Week 3: nobody listens')
  await expect(title).toContainText('week3.refused')
  await expect(title).not.toContainText('Normal three-way handshake')
  await expect(page.getByTestId('shown-kind')).toHaveText('Your script')
  await expect(page.getByTestId('shown-section')).toContainText('§2')
  await expect(page.getByTestId('ran-on')).toHaveText('Ran on the simulator, profile Windows')
  await page.getByTestId('tab-diagrams').click()
  await expect(lab.card('connect').getByTestId('errno-call')).toHaveText(
    'connect(7009) = -1 WSAECONNREFUSED',
  )
  // Run runs the script on screen again, not connect.ok.
  await lab.runButton.click()
  await expect(lab.status).toHaveAttribute('data-status', 'done')
  await lab.expectTraceLine(/lab> run script week3\.refused --backend sim --profile windows/)
})

test('an opened trace shows its own title, profile and backend', async ({ page }, info) => {
  // A macOS run of connect.timeout, saved as the app saves traces.
  const script = scenarioScript('connect.timeout')!
  const result = simulate({ ...script, profile: 'macos' })
  const path = info.outputPath('timeout.macos.trace.json')
  await writeFile(
    path,
    JSON.stringify({ socklabTrace: 1, exportedAt: new Date().toISOString(), script, result }),
  )
  const lab = new LabPage(page)
  await lab.goto('connect.ok')
  await page.getByTestId('trace-file').setInputFiles(path)
  await expect(page.getByTestId('imported-notice')).toBeVisible()
  const title = page.getByTestId('case-title')
  await expect(title).toContainText('The network is down: every SYN is lost')
  await expect(title).toContainText('connect.timeout')
  await expect(title).not.toContainText('Normal three-way handshake')
  await expect(page.getByTestId('shown-kind')).toHaveText('Saved trace')
  await expect(page.getByTestId('shown-section')).toContainText('timeout.macos.trace.json')
  await expect(page.getByTestId('ran-on')).toHaveText('Ran on the simulator, profile macOS')
  await expect(page.getByTestId('profile-macos')).toBeChecked()
  await expect(page.getByTestId('article-section')).toContainText('§3.2')
  await expect(page.getByTestId('article-on-system')).toBeAttached()
})

test('a kernel run is explained from its trace, by the simulator’s rules', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.goto('connect.timeout')
  const kernel = await lab.kernelAvailable()
  test.skip(!kernel.available, `no kernel lab on this host: ${kernel.reason}`)
  await lab.chooseBackend('kernel')
  expect(await lab.run()).toBe('done')
  await expect(page.getByTestId('ran-on')).toContainText('Ran on this host’s kernel')
  await expect(page.getByTestId('ran-on')).not.toContainText('profile')
  await expect(page.getByTestId('caption')).toContainText('the give-up rule fired')
  await expect(page.getByTestId('caption')).toContainText('ETIMEDOUT')
  await expect(
    page.locator('[data-testid="errno-card"][data-errno="ETIMEDOUT"] [data-testid="errno-notes"]'),
  ).toContainText('SYN retransmission')
})

test('send.nat-ack names the middlebox as the sender of its ACK in the trace', async ({ page }) => {
  const lab = new LabPage(page)
  await lab.goto('send.nat-ack')
  await lab.chooseBackend('sim')
  expect(await lab.run()).toBe('done')
  await lab.expectTraceLine(/middlebox -> client ACK/)
  const lines = await lab.traceLines()
  const segments = lines.filter((l) => / -> /.test(l) && /seq=/.test(l))
  expect(segments.some((l) => /server -> client ACK seq=1 ack=1001/.test(l))).toBe(false)
  // Each handshake segment once per hop, each hop named.
  expect(segments.filter((l) => /client -> middlebox SYN seq/.test(l))).toHaveLength(1)
  expect(segments.filter((l) => /middlebox -> server SYN seq/.test(l))).toHaveLength(1)
})

test('the exported figure carries its title, lane names, profile, backend and a legend', async ({
  page,
}, info) => {
  const lab = new LabPage(page)
  await page.goto(appPath('/lab/peer.abort?backend=sim&profile=windows'))
  await expect(lab.runButton).toBeEnabled()
  expect(await lab.run()).toBe('done')
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-svg').click(),
  ])
  const path = info.outputPath(file.suggestedFilename())
  await file.saveAs(path)
  const svg = await readFile(path, 'utf8')
  expect(svg).toContain('The server aborts')
  expect(svg).toContain('(peer.abort)')
  expect(svg).toContain('Ran on the simulator, profile Windows')
  expect(svg).toContain('Legend:')
  expect(svg).toMatch(/>\s*Client\s*</)
  expect(svg).toMatch(/>\s*Server\s*</)
  expect(svg).toContain('call: close() with SO_LINGER 0')
  expect(svg).not.toContain(')()')
})
