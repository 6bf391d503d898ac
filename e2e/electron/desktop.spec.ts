/**
 * The desktop shell end to end, in a real Electron: the bridge is exactly the contract, a
 * simulator run comes back with ECONNREFUSED, and the window cannot be navigated away, open
 * windows, or reach Node. Skips with one line where no Electron binary (or display) exists.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'
import { CALLS, EVENTS, type LabApi, type Result } from '../../shared/contract'
import type { LabResult } from '../../shared/lab-result'
import { DesktopApp } from './desktop-app'
import { findElectronBinary } from './electron-binary'

const root = fileURLToPath(new URL('../..', import.meta.url))
const binary = findElectronBinary(root)

declare global {
  interface Window {
    lab: LabApi
  }
}

test.describe('desktop app', () => {
  test.describe.configure({ mode: 'serial' })
  let desktop: DesktopApp | undefined

  test.beforeAll(async () => {
    if ('skip' in binary) {
      console.log(binary.skip)
      test.skip(true, binary.skip)
      return
    }
    desktop = await DesktopApp.launch({ root, executablePath: binary.path })
  })

  test.afterAll(async () => {
    await desktop?.close()
    desktop?.removeUserData()
  })

  const running = (): DesktopApp => {
    if (!desktop) throw new Error('the app did not start')
    return desktop
  }

  test('window.lab has exactly the contract methods', async () => {
    const keys = await running().page.evaluate(() => Object.keys(window.lab).sort())
    expect(keys).toEqual([...Object.keys(CALLS), ...Object.keys(EVENTS)].sort())
  })

  test('the page has no Node and no raw IPC', async () => {
    const globals = await running().page.evaluate(() => {
      const g = globalThis as Record<string, unknown>
      return ['require', 'process', 'module', 'Buffer', 'ipcRenderer', 'electron'].map(
        (name) => `${name}:${typeof g[name]}`,
      )
    })
    expect(globals).toEqual([
      'require:undefined',
      'process:undefined',
      'module:undefined',
      'Buffer:undefined',
      'ipcRenderer:undefined',
      'electron:undefined',
    ])
  })

  test('connect.refused on the simulator returns ECONNREFUSED', async () => {
    const result = await running().page.evaluate(async () => {
      const lab = window.lab
      return new Promise<Result<LabResult>>((resolveRun, reject) => {
        const timer = setTimeout(() => reject(new Error('no result within 20 s')), 20_000)
        // The caller names the run and listens first, so even a run that ends before
        // startRun answers is heard.
        const runId = 'e2e-desktop-refused'
        const finish = (value: Result<LabResult>) => {
          clearTimeout(timer)
          stop()
          resolveRun(value)
        }
        const stop = lab.onRunUpdate((message) => {
          if (message.runId !== runId) return
          if (message.update.kind === 'done') finish({ ok: true, value: message.update.result })
          if (message.update.kind === 'failed') finish({ ok: false, error: message.update.error })
        })
        void lab
          .startRun({ runId, scenarioId: 'connect.refused', backend: 'sim' })
          .then((started) => {
            if (!started.ok) finish(started)
          })
      })
    })
    expect(result.ok, JSON.stringify(result)).toBe(true)
    if (!result.ok) return
    const connect = result.value.steps.find((s) => s.op === 'connect')
    expect(connect).toMatchObject({ ret: -1, errno: 'ECONNREFUSED' })
  })

  test('bad arguments come back as a bad-input error, not an exception', async () => {
    const result = await running().page.evaluate(() =>
      window.lab.getScenario(42 as unknown as string),
    )
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-input' } })
  })

  test('navigation away from the app is denied', async () => {
    const { app, page } = running()
    // Record, after the app's own guard ran, whether it cancelled the navigation.
    await app.evaluate(({ BrowserWindow }) => {
      const record: { url: string; prevented: boolean }[] = []
      Object.assign(globalThis, { navigationRecord: record })
      BrowserWindow.getAllWindows()[0]?.webContents.on('will-frame-navigate', (event) => {
        record.push({ url: event.url, prevented: event.defaultPrevented })
      })
    })
    const start = page.url()
    // Loopback discard port: even a broken guard would send nothing off the machine.
    await page.evaluate(() => {
      window.location.href = 'http://127.0.0.1:9/'
    })
    await expect
      .poll(() =>
        app.evaluate(
          () => (globalThis as unknown as { navigationRecord: unknown[] }).navigationRecord,
        ),
      )
      .toEqual([{ url: 'http://127.0.0.1:9/', prevented: true }])
    expect(page.url()).toBe(start)
    expect(await page.evaluate(() => typeof window.lab)).toBe('object')
  })

  test('new windows are denied', async () => {
    const { page } = running()
    const opened = await page.evaluate(() => window.open('http://127.0.0.1:9/', '_blank') === null)
    expect(opened).toBe(true)
    expect(await running().windowCount()).toBe(1)
  })

  test('the page is served with the strict CSP: inline scripts do not run', async () => {
    const { page } = running()
    expect(page.url()).toBe('app://lab/index.html')
    const csp = await page.evaluate(async () =>
      (await fetch('app://lab/index.html')).headers.get('content-security-policy'),
    )
    expect(csp).toContain("script-src 'self'")
    const ran = await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.inlineRan = true'
      document.head.append(script)
      return (window as unknown as { inlineRan?: boolean }).inlineRan === true
    })
    expect(ran).toBe(false)
  })

  test('the menu has the usual entries and no DevTools outside development', async () => {
    const roles = await running().app.evaluate(({ Menu }) => {
      const all: string[] = []
      const walk = (items: Electron.MenuItem[]) => {
        for (const item of items) {
          // Electron keeps roles in lower case, whatever the template said.
          all.push((item.role ?? item.id ?? '').toLowerCase())
          if (item.submenu) walk(item.submenu.items)
        }
      }
      walk(Menu.getApplicationMenu()?.items ?? [])
      return all
    })
    expect(roles).toEqual(expect.arrayContaining(['quit', 'zoomin', 'language-zh', 'language-en']))
    expect(roles).not.toContain('toggledevtools')
  })

  test('the window reopens where it was closed', async () => {
    const first = running()
    const placed = await first.app.evaluate(({ BrowserWindow, screen }) => {
      const area = screen.getPrimaryDisplay().workArea
      const win = BrowserWindow.getAllWindows()[0]!
      win.setBounds({ x: area.x + 20, y: area.y + 30, width: 980, height: 660 })
      return win.getNormalBounds()
    })
    // Saved shortly after the move (so a crash does not lose it), and again on close.
    const stateFile = join(first.userData, 'desktop-state.json')
    const savedBounds = () => {
      try {
        return JSON.parse(readFileSync(stateFile, 'utf8')).window?.bounds
      } catch {
        return undefined
      }
    }
    await expect.poll(savedBounds).toEqual(placed)
    await first.close()
    desktop = undefined
    expect(savedBounds()).toEqual(placed)
    if ('skip' in binary) return
    desktop = await DesktopApp.launch({
      root,
      executablePath: binary.path,
      userData: first.userData,
    })
    const restored = await desktop.app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows()[0]!.getNormalBounds(),
    )
    expect(restored).toEqual(placed)
  })
})
