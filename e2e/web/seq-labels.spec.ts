/**
 * Readable sequence diagrams (issue 16): in the page itself, at classroom sizes and in
 * presentation mode, every text of the sequence diagram is measured as Chromium draws it. No
 * two labels touch, no label lies on a call's bar but its own, none is cut at the panel's edge
 * or hidden under the lane names, and the lane names stay in view wherever the diagram is
 * scrolled. The same rules are checked on the pure layout for every catalog case on every
 * profile (seq-labels-all.spec.ts and renderer/lib/sequence-labels.test.ts).
 */
import { expect, test, type Page } from '@playwright/test'
import { LabPage } from './pages/lab-page'

const CASES = [
  'handshake.synack-lost',
  'connect.timeout',
  'peer.crash-fin',
  'send.nat-ack',
  'peer.stopped',
] as const

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1024, height: 700 },
] as const

interface Box {
  left: number
  top: number
  right: number
  bottom: number
}

interface Drawn {
  labels: { text: string; box: Box; step: string | null }[]
  bars: { step: string; box: Box }[]
  scroller: Box
  svg: Box
  heads: { text: string; box: Box; hit: boolean }[]
}

/** Every text of the diagram and every call bar, in page pixels. */
async function drawn(page: Page): Promise<Drawn> {
  return page.getByTestId('sequence').evaluate((seq) => {
    const box = (r: DOMRect) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom })
    const svg = seq.querySelector('svg')!
    const labels = Array.from(svg.querySelectorAll('text'))
      .filter((t) => (t.textContent ?? '').trim() !== '')
      .map((t) => ({
        text: (t.textContent ?? '').replace(/\s+/g, ' ').trim(),
        box: box(t.getBoundingClientRect()),
        step: t.closest('[data-step]')?.getAttribute('data-step') ?? null,
      }))
    const bars = Array.from(svg.querySelectorAll('.seq__bar')).map((b) => ({
      step: b.closest('[data-step]')!.getAttribute('data-step')!,
      box: box(b.getBoundingClientRect()),
    }))
    const heads = Array.from(seq.querySelectorAll('[data-testid="seq-lanes"] span')).map((s) => {
      const r = s.getBoundingClientRect()
      const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)
      return { text: s.textContent ?? '', box: box(r), hit: hit === s || s.contains(hit) }
    })
    return {
      labels,
      bars,
      heads,
      scroller: box(seq.querySelector('.seq__scroll')!.getBoundingClientRect()),
      svg: box(svg.getBoundingClientRect()),
    }
  })
}

/** Overlap of two boxes, after taking `slack` pixels off each side (antialiasing). */
function meets(a: Box, b: Box, slack = 0.5): boolean {
  return (
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 * slack &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2 * slack
  )
}

function clip(a: Box, b: Box): Box | null {
  const c = {
    left: Math.max(a.left, b.left),
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
  }
  return c.right > c.left && c.bottom > c.top ? c : null
}

/** What is wrong with the diagram as drawn now. */
function problems(d: Drawn, where: string): string[] {
  const out: string[] = []
  const { labels, bars } = d
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i]!
    for (let j = i + 1; j < labels.length; j++)
      if (meets(a.box, labels[j]!.box))
        out.push(`${where}: "${a.text}" overlaps "${labels[j]!.text}"`)
    for (const bar of bars)
      if (bar.step !== a.step && meets(a.box, bar.box))
        out.push(`${where}: "${a.text}" lies on the bar of step ${bar.step}`)
    // Cut at the panel's sides or at the drawing's ends.
    if (a.box.left < d.scroller.left - 0.5 || a.box.right > d.scroller.right + 0.5)
      out.push(`${where}: "${a.text}" is cut at the panel's side`)
    if (a.box.top < d.svg.top - 0.5 || a.box.bottom > d.svg.bottom + 0.5)
      out.push(`${where}: "${a.text}" runs off the drawing`)
    // The part of it the panel shows must not be under the lane names.
    const seen = clip(a.box, d.scroller)
    if (seen)
      for (const h of d.heads)
        if (meets(seen, { ...h.box, left: d.scroller.left, right: d.scroller.right }, 0))
          out.push(`${where}: "${a.text}" is under the lane names`)
  }
  if (d.heads.length < 2) out.push(`${where}: lane names missing`)
  d.heads.forEach((h, i) => {
    for (const o of d.heads.slice(i + 1))
      if (meets(h.box, o.box)) out.push(`${where}: lane names "${h.text}" and "${o.text}" overlap`)
    if (h.box.left < d.scroller.left || h.box.right > d.scroller.right)
      out.push(`${where}: lane name "${h.text}" is cut`)
  })
  for (const h of d.heads)
    if (!h.hit || h.box.bottom <= h.box.top)
      out.push(`${where}: lane name "${h.text}" is not visible`)
  return out
}

/** Scrolls the diagram and waits until the rows for that position are drawn. */
async function scrollTo(page: Page, top: number): Promise<void> {
  await page.getByTestId('sequence').evaluate(async (seq, y) => {
    const el = seq.querySelector('.seq__scroll')!
    el.scrollTop = y
    el.dispatchEvent(new Event('scroll'))
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r))
  }, top)
}

/** Scroll positions that bring labels just under the top edge, and the two ends. */
async function scrollStops(page: Page): Promise<number[]> {
  return page.getByTestId('sequence').evaluate((seq) => {
    const el = seq.querySelector('.seq__scroll')!
    const max = el.scrollHeight - el.clientHeight
    if (max <= 0) return [0]
    const origin = el.getBoundingClientRect().top - el.scrollTop
    const tops = Array.from(seq.querySelectorAll('svg text')).map(
      (t) => t.getBoundingClientRect().top - origin,
    )
    const stops = new Set([0, max])
    for (const f of [0.2, 0.45, 0.7, 0.9]) {
      const y = tops[Math.floor(f * (tops.length - 1))]
      if (y !== undefined) stops.add(Math.max(0, Math.min(max, Math.round(y - 8))))
    }
    return [...stops]
  })
}

for (const size of SIZES)
  for (const presenting of [false, true])
    test(`sequence labels at ${size.width}x${size.height}${presenting ? ', presenting' : ''}: no overlap, nothing cut or hidden`, async ({
      page,
    }) => {
      test.setTimeout(180_000)
      await page.setViewportSize(size)
      await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
      const lab = new LabPage(page)
      const found: string[] = []
      let looked = 0
      for (const id of CASES) {
        await lab.goto(id)
        await lab.chooseBackend('sim')
        expect(await lab.run(), id).toBe('done')
        if (presenting) {
          await page.getByTestId('present-toggle').click()
          await expect(page.getByTestId('lab-view')).toHaveAttribute('data-presenting', 'true')
        }
        const total = Number(await page.getByTestId('pb-scrub').getAttribute('max'))
        // Half way (calls still pending: their labels sit where they were issued) and the end.
        for (const shown of [Math.ceil(total / 2), total]) {
          await page.getByTestId('pb-scrub').fill(String(shown))
          await expect(lab.playbackPosition).toHaveAttribute('data-shown', String(shown))
          for (const top of await scrollStops(page)) {
            await scrollTo(page, top)
            const d = await drawn(page)
            looked += d.labels.length
            found.push(...problems(d, `${id} ${shown}/${total} scrolled ${top}`))
          }
        }
        if (presenting) await page.keyboard.press('Escape')
      }
      expect(looked).toBeGreaterThan(100)
      expect(found, found.slice(0, 40).join('\n')).toEqual([])
    })
