/**
 * The printable lab sheet in browser mode: opened from the Lab's Export row, printed (print
 * media emulated) on A4: two pages, every element inside the page's printable area, nothing
 * cut off, for every case of the catalog in both languages. Screenshots of the two pages of
 * one sheet go to /work/notes (outside the repository) for the teacher-facing note.
 */
import { mkdirSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { CATALOG } from '../../shared/catalog/index'
import { appPath } from './pages/app-url'
import { LabPage } from './pages/lab-page'

const NOTES = process.env.SOCKLAB_NOTES_DIR ?? '/work/notes'
/** A4 with the sheet's @page margins (12 mm top and bottom, 14 mm left and right), in CSS px. */
const MM = 96 / 25.4
const PRINTABLE = { width: (210 - 28) * MM, height: (297 - 24) * MM }

/** Pages of a PDF Chromium wrote: its page objects (`/Type /Page`, not `/Pages`). */
function pageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length
}

/** Each page's box, and any element that sticks out of its page. */
async function layout(page: Page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('.sheet-page')).map((p) => {
      const box = p.getBoundingClientRect()
      const out = Array.from(p.querySelectorAll<HTMLElement>('*'))
        .filter((el) => {
          const r = el.getBoundingClientRect()
          return r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5)
        })
        .map((el) => `${el.tagName}.${el.className}: ${el.textContent?.slice(0, 40)}`)
      return { width: box.width, height: box.height, out, scroll: p.scrollWidth - p.clientWidth }
    }),
  )
}

/** The cases with the most steps (7 or more): the sheets that come nearest to a third page. */
const LONGEST = new Set(CATALOG.filter((c) => c.script.steps.length >= 7).map((c) => c.script.id))

async function printView(page: Page): Promise<void> {
  await page.setViewportSize({ width: Math.floor(PRINTABLE.width), height: 1100 })
  await page.emulateMedia({ media: 'print' })
}

test('a case’s sheet opens from the Lab, prints on two A4 pages, and is screenshot', async ({
  page,
}) => {
  const lab = new LabPage(page)
  await lab.goto('peer.crash-fin')
  await page.getByTestId('open-sheet').click()
  await expect(page).toHaveURL(/#\/sheet\/peer\.crash-fin\?profile=linux$/)
  await expect(page.getByTestId('sheet-answers')).toBeVisible()
  // Page 1: a box pair per call; page 2: what the simulator returned.
  await expect(page.getByTestId('sheet-box-ret')).toHaveCount(6)
  await expect(page.getByTestId('sheet-errno').last()).toHaveText('EPIPE (32) +SIGPIPE')

  await printView(page)
  await expect(page.getByTestId('app-header')).toBeHidden()
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true })
  expect(pageCount(pdf)).toBe(2)
  for (const p of await layout(page)) {
    expect(p.height).toBeLessThanOrEqual(PRINTABLE.height)
    expect(p.width).toBeLessThanOrEqual(PRINTABLE.width + 1)
    expect(p.out).toEqual([])
    expect(p.scroll).toBe(0)
  }
  mkdirSync(NOTES, { recursive: true })
  await page.getByTestId('sheet-page-1').screenshot({ path: `${NOTES}/lab-sheet-page1.png` })
  await page.getByTestId('sheet-page-2').screenshot({ path: `${NOTES}/lab-sheet-page2.png` })
})

test('every case’s sheet, in both languages, fits two A4 pages (PDF of the longest ones)', async ({
  page,
}) => {
  test.setTimeout(300_000)
  const lab = new LabPage(page)
  await lab.goto('connect.ok')
  const failures: string[] = []
  for (const language of ['en', 'zh'] as const) {
    await page.emulateMedia({ media: 'screen' })
    await page.setViewportSize({ width: 1400, height: 900 })
    await page.goto(appPath('/lab/connect.ok'))
    await lab.setLanguage(language)
    for (const c of CATALOG) {
      const id = c.script.id
      await page.emulateMedia({ media: 'screen' })
      // The hash alone: the app stays loaded, the sheet runs the next case.
      await page.evaluate((hash) => (location.hash = hash), `#/sheet/${id}?profile=linux`)
      await expect(page.getByTestId('sheet-view')).toHaveAttribute('data-answered', `${id}:linux`)
      await printView(page)
      // Every sheet's two pages must fit the printable area; printing a PDF (the slow part)
      // is kept for the longest cases, the ones that could spill onto a third page.
      const pages = LONGEST.has(id)
        ? pageCount(await page.pdf({ format: 'A4', preferCSSPageSize: true }))
        : 2
      const boxes = await layout(page)
      const tall = boxes.filter((b) => b.height > PRINTABLE.height).map((b) => Math.round(b.height))
      const wide = boxes.flatMap((b) => b.out)
      if (pages !== 2 || tall.length > 0 || wide.length > 0)
        failures.push(`${id} (${language}): ${pages} pages, too tall ${tall}, outside ${wide}`)
    }
  }
  expect(failures).toEqual([])
})
