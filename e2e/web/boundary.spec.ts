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

for (const backend of ['sim', 'kernel'] as const) {
  test(`listen.backlog-full on the ${backend}: three clients in three lanes, the third waits`, async ({
    page,
  }) => {
    const lab = await open(page, 'listen.backlog-full', backend)
    await expect(page.getByTestId('shown-section')).toContainText('Textbook UNP §4.5')
    // Three clients, each its own lifeline between the first client and the server.
    const lanes = page.getByTestId('seq-lanes').locator('.seq__lane-name')
    await expect(lanes).toHaveText(['Client', 'Client 2', 'Client 3', 'Server'])
    await expect(page.locator('.seq__lifeline[data-lane]')).toHaveCount(2)
    // The queue held two (Linux: backlog + 1); the server's host dropped client3's SYN (it
    // arrived, nothing on the path lost it) until the server accepted: client3 sent it again.
    await expect(lab.sequence).toHaveAttribute('data-dropped', '0')
    await lab.expectTraceLine(/client3 -> server SYN .*\(retransmission\)/)
    const lines = await lab.traceLines()
    expect(lines.filter((l) => /client2? -> server SYN .*retransmission/.test(l))).toEqual([])
    const connects = page
      .getByTestId('errno-card')
      .filter({ has: page.getByTestId('errno-call').filter({ hasText: /^connect\(/ }) })
    await expect(connects).toHaveCount(3)
    for (let i = 0; i < 3; i++)
      await expect(connects.nth(i).getByTestId('errno-call')).toHaveText(/^connect\(7035\) = 0$/)
    await lab.expectTraceLine(/server listen\(7035, backlog=1\)\s+= 0/)
    // Only client3's connect waited for the server's accepts at 2.5 s.
    const at = (who: string) =>
      Number(
        /\[\s*([\d.]+) ms/.exec(
          lines.find((l) => new RegExp(`\\] ${who} connect\\(`).test(l))!,
        )?.[1],
      )
    expect(at('client')).toBeLessThan(500)
    expect(at('client2')).toBeLessThan(500)
    expect(at('client3')).toBeGreaterThan(2500)
    await lab.expectTraceLine(
      /end: client ESTABLISHED, client2 ESTABLISHED, client3 ESTABLISHED, server ESTABLISHED/,
    )
    // The third client's state machine, on demand.
    await expect(page.getByTestId('sm-client3')).toHaveCount(0)
    await page.getByTestId('extra-machine').selectOption('client3')
    await expect(page.getByTestId('sm-client3')).toContainText('Client 3 TCP state')
    await expect(page.getByTestId('sm-client3').getByTestId('sm-now')).toContainText('ESTABLISHED')
    await expect(page.getByTestId('final-states')).toContainText('client 3 ESTABLISHED')
  })
}
