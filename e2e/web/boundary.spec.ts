/**
 * The textbook's boundary cases (issue 11) in browser mode, read the way a student reads
 * them: `peer.reboot` on the simulator and, where this host has the kernel lab, on the real
 * kernel; the picker's group of boundary cases in both languages.
 */
import { expect, test, type Page } from '@playwright/test'
import { LabPage } from './pages/lab-page'

async function open(page: Page, id: string, backend: 'sim' | 'kernel'): Promise<LabPage> {
  await page.addInitScript(() => {
    localStorage.setItem('sal.language', 'en')
    localStorage.setItem('sal.labView', JSON.stringify({ axis: 'broken', panel: 'diagrams' }))
  })
  const lab = new LabPage(page)
  await lab.goto(id)
  if (backend === 'kernel') {
    const kernel = await lab.kernelAvailable()
    test.skip(!kernel.available, `kernel lab unavailable on this host: ${kernel.reason}`)
  }
  await lab.chooseBackend(backend)
  expect(await lab.run()).toBe('done')
  return lab
}

for (const backend of ['sim', 'kernel'] as const) {
  test(`peer.reboot on the ${backend}: the rebooted host's RST, recv() = -1 ECONNRESET`, async ({
    page,
  }) => {
    const lab = await open(page, 'peer.reboot', backend)
    await expect(page.getByTestId('case-title')).toContainText('reboots')
    // The section is the textbook's, and says so.
    await expect(page.getByTestId('shown-section')).toContainText('Textbook UNP §5.15')
    // The server's host went down: its state machine ends CLOSED, the client's too (the RST).
    await expect(lab.machine('server')).toHaveAttribute('data-state', 'CLOSED')
    await expect(lab.machine('client')).toHaveAttribute('data-state', 'CLOSED')
    // The reboot step returned once the host was back, and the client's data drew an RST.
    await lab.expectTraceLine(/server reboot\s+\/\* down 1000 ms \*\/\s+= 0/)
    await lab.expectTraceLine(/server -> client (ACK\|)?RST/)
    await expect(lab.card('send').getByTestId('errno-call')).toHaveText(/^send\(100\) = 100$/)
    await expect(lab.card('recv').getByTestId('errno-call')).toHaveText(
      /^recv\(\d+\) = -1 ECONNRESET$/,
    )
    await expect(lab.card('recv').getByTestId('errno-message')).toContainText('ECONNRESET 104')
  })
}

test('the picker has a group of boundary cases, named in both languages', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
  const lab = new LabPage(page)
  await lab.goto('peer.reboot')
  const picker = page.getByTestId('case-picker')
  await expect(picker).toContainText('Boundary cases')
  for (const id of ['accept.reset', 'bind.time-wait', 'peer.reboot', 'call.eintr'])
    await expect(lab.caseButton(id)).toBeAttached()
  await lab.setLanguage('zh')
  await expect(picker).toContainText('边界情况')
})

test('listen.backlog-full on the simulator: two connects at once, the third after the accepts', async ({
  page,
}) => {
  const lab = await open(page, 'listen.backlog-full', 'sim')
  await expect(page.getByTestId('shown-section')).toContainText('Textbook UNP §4.5')
  // The queue held two (Linux: backlog + 1); the server's host dropped the third SYN (it
  // arrived, nothing on the path lost it) until the server accepted: the client sent it again.
  await expect(lab.sequence).toHaveAttribute('data-dropped', '0')
  await lab.expectTraceLine(/client -> server SYN .*\(retransmission\)/)
  const connects = page
    .getByTestId('errno-card')
    .filter({ has: page.getByTestId('errno-call').filter({ hasText: /^connect\(/ }) })
  await expect(connects).toHaveCount(3)
  for (let i = 0; i < 3; i++)
    await expect(connects.nth(i).getByTestId('errno-call')).toHaveText(/^connect\(7035\) = 0$/)
  await lab.expectTraceLine(/server listen\(7035, backlog=1\)\s+= 0/)
  // The third connect returned only after the server's accepts at 2.5 s.
  const third = (await lab.traceLines()).filter((l) => /client connect\(7035\)\s+= 0/.test(l))
  expect(third).toHaveLength(3)
  expect(Number(/\[\s*([\d.]+) (ms|s)/.exec(third[2]!)?.[1])).toBeGreaterThan(2500)
})
