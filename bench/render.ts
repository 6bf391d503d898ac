/**
 * Render bench: the Lab view drawing a 10,000-event trace in Debian's Chromium, in browser
 * mode against the built page (`npm run build` first). The trace is real simulator output:
 * every catalog case on every OS profile, one after another on one clock, until it holds at
 * least 10,000 events. It is opened the way a teacher opens a saved trace (the file input),
 * then the timeline is scrubbed to random places.
 *
 * - time to first paint: from handing the file to the page until the frame after the
 *   diagrams and readout show the whole trace (target under 1 s);
 * - scrub latency: from moving the timeline to a random place until the frame that shows the
 *   state machines and the sequence diagram there has been produced, median and 95th
 *   percentile of 30 moves (target under 50 ms). The errno cards follow 60 ms after the
 *   cursor settles (ErrnoReadout), as a drag should not mount cards on every frame.
 *
 * `npm run bench -- render` prints the rows.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium } from '@playwright/test'
import { CATALOG, scenarioScript } from '../shared/catalog/index'
import { PROFILE_IDS } from '../shared/lab-script'
import type { LabResult, StepResult, TraceEvent } from '../shared/lab-result'
import { simulate } from '../main/sim/index'
import type { BenchRow } from './index'

const TARGET_EVENTS = 10_000

/** Simulator runs of the whole catalog, chained on one clock until the trace is long enough. */
export function longTrace(minEvents = TARGET_EVENTS): LabResult {
  const events: TraceEvent[] = []
  const steps: StepResult[] = []
  let offset = 0
  let last: LabResult | undefined
  while (events.length < minEvents) {
    for (const profile of PROFILE_IDS) {
      for (const c of CATALOG) {
        const script = scenarioScript(c.script.id)
        if (!script) continue
        const r = simulate({ ...script, profile })
        const base = steps.length
        for (const s of r.steps)
          steps.push({
            ...s,
            index: s.index + base,
            startMs: s.startMs + offset,
            endMs: s.endMs + offset,
          })
        for (const e of r.events) {
          const moved = { ...e, tMs: e.tMs + offset }
          if (moved.type === 'syscall') moved.step += base
          if (moved.type === 'note' && moved.step !== undefined) moved.step += base
          events.push(moved)
        }
        offset += r.durationMs + 100
        last = r
        if (events.length >= minEvents) break
      }
      if (events.length >= minEvents) break
    }
  }
  return { ...last!, id: 'bench.long-trace', durationMs: offset, steps, events }
}

function startHost(): Promise<{ url: string; child: ChildProcess }> {
  const entry = resolve('out/main/web.js')
  if (!existsSync(entry) || !existsSync(resolve('out/renderer/index.html'))) {
    return Promise.reject(
      new Error('the render bench needs the built app: run `npm run build` first'),
    )
  }
  const child = spawn(process.execPath, [entry, '--port', '0', '--no-open'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error('browser mode did not start within 20 s')),
      20_000,
    )
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1]
      if (url) {
        clearTimeout(timer)
        done({ url, child })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`browser mode exited (${code}) before it was ready`))
    })
  })
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

/** Runs the render bench. */
export async function runRenderBench(): Promise<BenchRow[]> {
  const trace = longTrace()
  const text = JSON.stringify({
    socklabTrace: 1,
    exportedAt: new Date().toISOString(),
    result: trace,
  })
  const { url, child } = await startHost()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await page.addInitScript(() => localStorage.setItem('sal.language', 'en'))
    await page.goto(`${url}#/lab/connect.ok`)
    await page.getByTestId('case-picker').locator('button[data-case]').first().waitFor()
    const segments = trace.events.filter((e) => e.type === 'segment').length
    // The page code is text: tsx would wrap named functions in a helper the page lacks.
    await page.evaluate(`window.__benchTrace = ${JSON.stringify(text)}`)
    const firstPaint = Number(
      await page.evaluate(`(async () => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)))
        const input = document.querySelector('[data-testid="trace-file"]')
        const files = new DataTransfer()
        files.items.add(new File([window.__benchTrace], 'bench.trace.json', { type: 'application/json' }))
        const t0 = performance.now()
        input.files = files.files
        input.dispatchEvent(new Event('change', { bubbles: true }))
        const seq = () => document.querySelector('[data-testid="sequence"]')
        while (Number(seq()?.getAttribute('data-segments')) !== ${segments}) await frame()
        await frame()
        await frame()
        return performance.now() - t0
      })()`),
    )
    // Scrub latency is measured in steady state: once the terminal has written the trace's
    // ten thousand lines (xterm parses them in chunks for a few seconds after the paint).
    await page.evaluate(
      `new Promise((r) => window.__labTerminal ? window.__labTerminal.write('', r) : r())`,
    )
    await page.waitForTimeout(300)
    const scrubs = (await page.evaluate(`(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)))
      const range = document.querySelector('[data-testid="pb-scrub"]')
      const times = []
      let seed = 7
      for (let i = 0; i < 30; i++) {
        seed = (seed * 48271) % 2147483647
        const target = seed % (${trace.events.length} + 1)
        const t0 = performance.now()
        range.value = String(target)
        range.dispatchEvent(new Event('input', { bubbles: true }))
        // Until the frame that shows the move has been produced (rAF, then the task after it).
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
        times.push(performance.now() - t0)
        // Let deferred work (the cards settling) finish, so each move is measured alone.
        await new Promise((r) => setTimeout(r, 200))
      }
      return times
    })()`)) as number[]
    const sorted = [...scrubs].sort((a, b) => a - b)
    const p95 = percentile(sorted, 0.95)
    return [
      {
        name: 'trace length (events, real simulator output)',
        value: trace.events.length,
        unit: 'events',
      },
      {
        name: 'time to first paint of a 10,000-event trace',
        value: firstPaint,
        unit: 'ms',
        target: '< 1000 ms',
        pass: firstPaint < 1000,
      },
      { name: 'scrub latency, median of 30 moves', value: percentile(sorted, 0.5), unit: 'ms' },
      {
        name: 'scrub latency, 95th percentile',
        value: p95,
        unit: 'ms',
        target: '< 50 ms',
        pass: p95 < 50,
      },
    ]
  } finally {
    await browser.close()
    child.kill('SIGTERM')
  }
}
