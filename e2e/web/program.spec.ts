/**
 * Issue 14 in the browser: the Lab's "Your program" panel runs the robust Python example
 * client under peer.crash-rst on the real kernel; its recv() = -1 ECONNRESET reaches the errno
 * readout, its calls the sequence diagram, its output the panel and the terminal.
 */
import { expect, test } from '@playwright/test'
import { LabPage } from './pages/lab-page'

test('your program: the robust Python client under peer.crash-rst sees recv() = -1 ECONNRESET', async ({
  page,
}) => {
  test.setTimeout(90_000)
  await page.addInitScript(() => {
    localStorage.setItem('sal.language', 'en')
    localStorage.setItem('sal.labView', JSON.stringify({ axis: 'broken', panel: 'program' }))
  })
  const lab = new LabPage(page)
  await lab.goto('peer.crash-rst')
  const kernel = await lab.kernelAvailable()
  test.skip(!kernel.available, `kernel lab unavailable on this host: ${kernel.reason}`)
  const panel = page.getByTestId('program-panel')
  await expect(panel).toBeVisible()
  const unavailable = panel.getByTestId('program-unavailable')
  const why = (await unavailable.count()) > 0 ? await unavailable.textContent() : null
  test.skip(why !== null, `your own program cannot run here: ${why}`)
  await panel.getByTestId('program-role-client').check()
  await panel
    .getByTestId('program-command')
    .fill('python3 examples/python/robust_client.py {host} {port}')
  await panel.getByTestId('program-run').click()
  // The run starts on the kernel and the Lab shows the diagrams.
  await expect(lab.status).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(lab.backendRadio('kernel')).toBeChecked()
  const recv = page
    .getByTestId('errno-card')
    .filter({ has: page.getByTestId('errno-call').filter({ hasText: /^recv\(/ }) })
  await expect(recv.first().getByTestId('errno-call')).toHaveText(/= -1 ECONNRESET/)
  // Its calls are drawn as the client's, the RST on the wire before its recv returns.
  await expect(page.locator('[data-testid="seq-call"]').first()).toBeAttached()
  await lab.expectTraceLine(/client recvfrom\(3, .*\) = -1 ECONNRESET 104/)
  await lab.expectTraceLine(
    /# your client \(python3 examples\/python\/robust_client\.py 127\.0\.0\.1 7016\) exited with status 1/,
  )
  // The panel says how it ended and what it printed.
  await page.getByTestId('tab-program').click()
  await expect(page.getByTestId('program-end')).toContainText('exited with status 1')
  await expect(page.getByTestId('program-stdout')).toContainText('ECONNRESET')
})
