/**
 * The Lab at the sizes a classroom has (issue 16): on a 1024x700 laptop and a 1280x720
 * projector the diagrams keep the screen after a run, the shell and the case list fold away
 * and remember it, and presentation mode fills the window with the diagrams in both themes.
 * The presentation screenshots are written to test-results/presentation-<theme>.png (and to
 * docs/ with UPDATE_SCREENSHOT=1).
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { LabPage } from './pages/lab-page'

/** The element's box, asserted to lie inside the viewport. */
async function onScreen(page: Page, locator: Locator, what: string) {
  const box = await locator.boundingBox()
  const view = page.viewportSize()!
  expect(box, `${what} is drawn`).not.toBeNull()
  expect(box!.y, `${what} starts on screen`).toBeGreaterThanOrEqual(0)
  expect(box!.x, `${what} starts on screen`).toBeGreaterThanOrEqual(0)
  expect(box!.y + box!.height, `${what} ends on screen`).toBeLessThanOrEqual(view.height + 0.5)
  expect(box!.x + box!.width, `${what} ends on screen`).toBeLessThanOrEqual(view.width + 0.5)
  return box!
}

for (const size of [
  { width: 1024, height: 700 },
  { width: 1280, height: 720 },
]) {
  test(`at ${size.width}x${size.height} the sequence and both state graphs stay on screen, at least 250 px tall`, async ({
    page,
  }) => {
    await page.setViewportSize(size)
    await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
    const lab = new LabPage(page)
    await lab.goto('handshake.synack-lost')
    await lab.chooseBackend('sim')
    expect(await lab.run()).toBe('done')
    await expect(lab.machine('server')).toHaveAttribute('data-state', 'LISTEN')
    for (const [what, locator] of [
      ['the sequence diagram', lab.sequence],
      ['the client state graph', lab.machine('client')],
      ['the server state graph', lab.machine('server')],
    ] as const) {
      const box = await onScreen(page, locator, what)
      expect(box.height, `${what} height`).toBeGreaterThanOrEqual(250)
    }
    // The drawings themselves, not only their frames: a state graph's SVG is most of it.
    for (const actor of ['client', 'server'] as const) {
      const svg = await lab.machine(actor).locator('svg').boundingBox()
      expect(svg!.height, `${actor} graph drawing`).toBeGreaterThanOrEqual(220)
    }
    // Nothing scrolls the page sideways, and the shell bar is there to open the shell.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    await onScreen(page, page.getByTestId('shell-toggle'), 'the shell toggle')
  })
}

test('at 1400 wide every state name is drawn at 11 px or more, in both diagrams', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1400, height: 900 })
  await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
  const lab = new LabPage(page)
  await lab.goto('handshake.synack-lost')
  await lab.chooseBackend('sim')
  expect(await lab.run()).toBe('done')
  // The size on screen: the text's font size times the SVG's scale at that text.
  const sizes = await page.evaluate(() => {
    const out: { where: string; text: string; px: number }[] = []
    const selectors = [
      ['state graph', '[data-testid^="sm-"] svg .sm__label'],
      ['sequence diagram', '[data-kind="state"]'],
    ] as const
    for (const [where, selector] of selectors)
      for (const el of Array.from(document.querySelectorAll<SVGTextElement>(selector))) {
        const ctm = el.getScreenCTM()
        const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1
        out.push({
          where,
          text: el.textContent ?? '',
          px: parseFloat(getComputedStyle(el).fontSize) * scale,
        })
      }
    return out
  })
  expect(sizes.filter((s) => s.where === 'state graph').length).toBeGreaterThanOrEqual(22)
  expect(sizes.filter((s) => s.where === 'sequence diagram').length).toBeGreaterThan(0)
  const small = sizes
    .filter((s) => s.px < 11 - 1e-6)
    .map((s) => `${s.where} ${s.text} ${s.px.toFixed(2)} px`)
  expect(small).toEqual([])
})

test('the shell and the case list fold away, and the choice survives a reload', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1400, height: 900 })
  await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
  const lab = new LabPage(page)
  await lab.goto('connect.refused')
  const toggle = page.getByTestId('shell-toggle')
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  await expect(page.getByTestId('trace-terminal')).toBeVisible()
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByTestId('trace-terminal')).toBeHidden()
  await page.getByTestId('cases-toggle').click()
  await expect(page.getByTestId('lab-side')).toBeHidden()
  await page.reload()
  await expect(page.getByTestId('shell-toggle')).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByTestId('lab-side')).toBeHidden()
  // The shell shortcut opens it again, with the keyboard in it.
  await page.keyboard.press('`')
  await expect(page.getByTestId('trace-terminal')).toBeVisible()
  await expect(page.getByTestId('shell-toggle')).toHaveAttribute('aria-expanded', 'true')
  await page.getByTestId('cases-toggle').click()
  await expect(page.getByTestId('lab-side')).toBeVisible()
})

for (const theme of ['light', 'dark'] as const) {
  test(`presentation mode in the ${theme} theme: diagrams fill the window, the keyboard steps`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.addInitScript((value) => {
      localStorage.setItem('sal.language', 'en')
      localStorage.setItem('sal.theme', value)
    }, theme)
    const lab = new LabPage(page)
    await lab.goto('handshake.synack-lost')
    await lab.chooseBackend('sim')
    expect(await lab.run()).toBe('done')
    await page.getByTestId('present-toggle').click()
    await expect(page.getByTestId('lab-view')).toHaveAttribute('data-presenting', 'true')
    await expect(page.getByTestId('app-header')).toBeHidden()
    await expect(page.getByTestId('lab-side')).toBeHidden()
    await expect(page.getByTestId('trace-pane')).toBeHidden()
    // The keyboard steps through the run: back to the start, then forward event by event.
    await page.keyboard.press('Home')
    await expect(lab.playbackPosition).toHaveAttribute('data-shown', '0')
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight')
    await expect(lab.playbackPosition).toHaveAttribute('data-shown', '9')
    for (const locator of [lab.sequence, lab.machine('client'), lab.machine('server')]) {
      const box = await onScreen(page, locator, 'a diagram')
      expect(box.height).toBeGreaterThanOrEqual(280)
    }
    // Larger type than the normal view: the caption.
    const size = await page
      .getByTestId('caption')
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
    expect(size).toBeGreaterThanOrEqual(16)
    await page.screenshot({ path: `test-results/presentation-${theme}.png` })
    if (process.env.UPDATE_SCREENSHOT)
      await page.screenshot({ path: `docs/presentation-${theme}.png` })
    // Esc ends it.
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('lab-view')).toHaveAttribute('data-presenting', 'false')
    await expect(page.getByTestId('app-header')).toBeVisible()
  })
}
