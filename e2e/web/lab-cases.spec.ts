/**
 * The four cases the Lab view's issue names, run in browser mode on the simulator and read
 * the way a student reads them: the states lit in both state machines, the dropped segments
 * drawn on the sequence diagram, and the errno each call returned. A screenshot of each is
 * kept with the test's results.
 */
import { expect, test, type TestInfo } from '@playwright/test'
import { LabPage } from './pages/lab-page'

async function keep(lab: LabPage, info: TestInfo, name: string): Promise<void> {
  await info.attach(name, { body: await lab.page.screenshot(), contentType: 'image/png' })
}

async function open(page: LabPage['page'], id: string): Promise<LabPage> {
  await page.addInitScript(() => {
    localStorage.setItem('sal.language', 'en')
    localStorage.setItem('sal.labView', JSON.stringify({ axis: 'broken', panel: 'diagrams' }))
  })
  const lab = new LabPage(page)
  await lab.goto(id)
  await lab.chooseBackend('sim')
  expect(await lab.run()).toBe('done')
  return lab
}

test.describe('Lab view: the issue’s cases on the simulator', () => {
  test('connect.timeout: every SYN dropped, connect() = -1 ETIMEDOUT 110', async ({
    page,
  }, info) => {
    const lab = await open(page, 'connect.timeout')
    await expect(lab.machine('client')).toHaveAttribute('data-state', 'CLOSED')
    await expect(lab.machine('client')).toHaveAttribute('data-last', 'SYN_SENT->CLOSED')
    await expect(lab.machine('client').getByTestId('sm-cause')).toContainText('timer fired')
    await expect(lab.machine('server')).toHaveAttribute('data-state', 'LISTEN')
    // Every SYN, first and retransmitted, is drawn cut short where it died.
    const dropped = lab.sequence.locator('[data-testid="seq-segment"][data-fate="dropped"]')
    expect(await dropped.count()).toBeGreaterThanOrEqual(1)
    await expect(lab.sequence).toHaveAttribute('data-dropped-kinds', /^SYN=([3-9]|\d\d+)$/)
    expect(Number(await lab.sequence.getAttribute('data-dropped'))).toBe(
      Number(await lab.sequence.getAttribute('data-segments')),
    )
    const card = lab.card('connect')
    await expect(card.getByTestId('errno-call')).toHaveText(/^connect\(\d+\) = -1 ETIMEDOUT$/)
    await expect(card.getByTestId('errno-message')).toContainText('ETIMEDOUT 110')
    await expect(page.getByTestId('timers-notice')).toContainText('tcp_syn_retries')
    // Beside the shortened timer: the give-up with Linux's default timers.
    await expect(page.getByTestId('timers-notice')).toContainText(
      'With default timers: ETIMEDOUT after 131 s',
    )
    await lab.expectTraceLine(/client connect\(\d+\)\s+= -1 ETIMEDOUT 110/)
    await keep(lab, info, 'connect.timeout')
  })

  test('handshake.synack-lost: the server waits in SYN_RCVD, its accept() never returns', async ({
    page,
  }, info) => {
    const lab = await open(page, 'handshake.synack-lost')
    // The SYN-ACK and its retransmissions all die on the way back.
    const kinds = (await lab.sequence.getAttribute('data-dropped-kinds')) ?? ''
    expect(Number(/(?:^| )SYN\|ACK=(\d+)/.exec(kinds)?.[1] ?? 0)).toBeGreaterThanOrEqual(2)
    await expect(lab.card('connect').getByTestId('errno-call')).toHaveText(/= -1 ETIMEDOUT$/)
    await expect(lab.card('accept')).toHaveAttribute('data-outcome', 'blocked')
    // Step through the run to the moment the server sits half-open.
    await lab.stepUntil(
      async () => (await lab.machine('server').getAttribute('data-state')) === 'SYN_RCVD',
    )
    await expect(lab.machine('server').getByTestId('sm-cause')).toContainText(
      'segment received: SYN',
    )
    await expect(lab.machine('client')).toHaveAttribute('data-state', 'SYN_SENT')
    await keep(lab, info, 'handshake.synack-lost (server in SYN_RCVD)')
    await page.getByTestId('pb-end').click()
    await expect(lab.machine('server')).toHaveAttribute('data-state', 'LISTEN')
    await expect(lab.machine('client')).toHaveAttribute('data-state', 'CLOSED')
  })

  test('peer.crash-fin: recv() = 0, the first send succeeds, the second = -1 EPIPE', async ({
    page,
  }, info) => {
    const lab = await open(page, 'peer.crash-fin')
    const cards = page.getByTestId('errno-card')
    await expect(lab.card('recv').getByTestId('errno-call')).toHaveText(/^recv\(\d+\) = 0$/)
    const sends = cards.filter({
      has: page.getByTestId('errno-call').filter({ hasText: /^send\(/ }),
    })
    await expect(sends).toHaveCount(2)
    await expect(sends.nth(0).getByTestId('errno-call')).toHaveText(/^send\(\d+\) = \d+$/)
    await expect(sends.nth(1).getByTestId('errno-call')).toHaveText(/^send\(\d+\) = -1 EPIPE$/)
    await expect(sends.nth(1).getByTestId('errno-message')).toContainText('EPIPE 32')
    await expect(sends.nth(1).getByTestId('errno-signal')).toContainText('SIGPIPE')
    await expect(lab.machine('client')).toHaveAttribute('data-state', 'CLOSED')
    await expect(
      lab.sequence.locator('[data-testid="seq-segment"][data-flags*="RST"]'),
    ).toHaveCount(1)
    await lab.stepUntil(
      async () => (await lab.machine('client').getAttribute('data-state')) === 'CLOSE_WAIT',
    )
    await expect(lab.machine('client').getByTestId('sm-cause')).toContainText(
      'segment received: FIN',
    )
    await keep(lab, info, 'peer.crash-fin (client in CLOSE_WAIT)')
    await page.getByTestId('pb-end').click()
    await keep(lab, info, 'peer.crash-fin (EPIPE)')
  })

  test('send.nat-ack: the middlebox ACKs, send() succeeds, the data arrives only later', async ({
    page,
  }, info) => {
    const lab = await open(page, 'send.nat-ack')
    await expect(lab.sequence).toHaveAttribute('data-middlebox', 'true')
    await expect(lab.sequence).toHaveAttribute('data-dropped', '0')
    await expect(lab.card('send').getByTestId('errno-call')).toHaveText(/^send\(\d+\) = \d+$/)
    const recv = lab.card('recv')
    await expect(recv.getByTestId('errno-call')).toHaveText(/^recv\(\d+\) = \d+$/)
    await expect(recv).toContainText(/at 2\.00 s/)
    await expect(lab.machine('client')).toHaveAttribute('data-state', 'ESTABLISHED')
    await expect(lab.machine('server')).toHaveAttribute('data-state', 'ESTABLISHED')
    await keep(lab, info, 'send.nat-ack')
  })

  test('peer.crash-fin on the real kernel agrees: EPIPE on the second send', async ({
    page,
  }, info) => {
    await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
    const lab = new LabPage(page)
    await lab.goto('peer.crash-fin')
    const kernel = await lab.kernelAvailable()
    test.skip(!kernel.available, `kernel lab unavailable on this host: ${kernel.reason}`)
    await lab.chooseBackend('kernel')
    expect(await lab.run()).toBe('done')
    const sends = page
      .getByTestId('errno-card')
      .filter({ has: page.getByTestId('errno-call').filter({ hasText: /^send\(/ }) })
    await expect(sends).toHaveCount(2)
    await expect(sends.nth(0).getByTestId('errno-call')).toHaveText(/^send\(\d+\) = \d+$/)
    await expect(sends.nth(1).getByTestId('errno-call')).toHaveText(/^send\(\d+\) = -1 EPIPE$/)
    await expect(lab.machine('client')).toHaveAttribute('data-state', 'CLOSED')
    await expect(page.getByTestId('ran-on')).toContainText('this host’s kernel')
    await keep(lab, info, 'peer.crash-fin on the kernel')
  })
})
