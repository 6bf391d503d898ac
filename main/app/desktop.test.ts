/**
 * The whole desktop composition in plain Node, against a recording fake of Electron's main
 * process API (no Electron binary exists on the project's machines). What it cannot show,
 * Chromium actually enforcing the CSP and sandbox, is the job of e2e/electron.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MenuItemConstructorOptions } from 'electron'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CALLS, EVENTS, type Result, type RunUpdateMessage } from '../../shared/contract'
import type { LabResult } from '../../shared/lab-result'
import { APP_INDEX_URL } from './scheme'
import {
  app,
  defaultSession,
  dialog,
  FakeBrowserWindow,
  ipcMain,
  log,
  Menu,
  protocol,
} from './testing/fake-electron'

vi.mock('electron', async () => {
  const fake = await import('./testing/fake-electron')
  return {
    app: fake.app,
    BrowserWindow: fake.FakeBrowserWindow,
    ipcMain: fake.ipcMain,
    protocol: fake.protocol,
    session: fake.session,
    Menu: fake.Menu,
    screen: fake.screen,
    dialog: fake.dialog,
  }
})

const { startDesktopApp } = await import('./desktop')

let dir: string
let outDir: string
let userData: string
let win: FakeBrowserWindow

/** An IPC event as Electron builds it for a call from `frameUrl` in `contents`. */
function eventFrom(frameUrl: string, contents = win.webContents, parent: unknown = null) {
  return { sender: contents, senderFrame: { url: frameUrl, parent, detached: false } }
}
const fromApp = () => eventFrom(APP_INDEX_URL)

function find(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  for (const item of items) {
    if (item.id === id) return item
    if (Array.isArray(item.submenu)) {
      const found = item.submenu.find((i) => i.id === id)
      if (found) return found
    }
  }
  throw new Error(`no menu item ${id}`)
}

// The app logs every refused navigation, window and IPC call; keep them to assert on.
const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'socklab-desktop-'))
  outDir = join(dir, 'out')
  userData = join(dir, 'user data')
  mkdirSync(join(outDir, 'renderer', 'assets'), { recursive: true })
  mkdirSync(join(outDir, 'preload'), { recursive: true })
  writeFileSync(join(outDir, 'renderer', 'index.html'), '<!doctype html><title>lab</title>')
  writeFileSync(join(outDir, 'renderer', 'assets', 'app.js'), 'export {}')
  writeFileSync(join(outDir, 'preload', 'index.cjs'), '')
  writeFileSync(join(dir, 'secret.txt'), 'not for the page')
  vi.stubEnv('SOCKLAB_USER_DATA', userData)
  vi.stubEnv('ELECTRON_RENDERER_URL', '')
  startDesktopApp({ outDir })
  await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1))
  win = FakeBrowserWindow.created[0]!
})

afterAll(() => {
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

describe('desktop app, before ready', () => {
  it('registers the app: scheme as privileged and turns the sandbox on before ready', () => {
    const ready = log.indexOf('ready')
    expect(log.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(ready)
    expect(log.indexOf('app.enableSandbox')).toBeLessThan(ready)
    expect(protocol.privileged).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }),
      }),
    ])
    expect(app.name).toBe('Socket Anomaly Lab')
    expect(app.getPath('userData')).toBe(userData)
  })
})

describe('desktop app, window', () => {
  it('opens one locked-down window on app://lab with the built preload', () => {
    expect(win.options.webPreferences).toMatchObject({
      preload: join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      devTools: false,
    })
    expect(win.loaded).toEqual([APP_INDEX_URL])
    expect(win.visible).toBe(false)
    win.emit('ready-to-show')
    expect(win.visible).toBe(true)
  })

  it('denies navigation to other origins and every new window', () => {
    const navigate = (url: string) => {
      const event = { url, defaultPrevented: false, preventDefault: vi.fn() }
      win.webContents.emit('will-frame-navigate', event)
      return event.preventDefault.mock.calls.length > 0
    }
    expect(navigate('https://example.com/')).toBe(true)
    expect(navigate('file:///etc/passwd')).toBe(true)
    expect(navigate('app://lab/quiz')).toBe(false)
    expect(win.webContents.windowOpenHandler?.({ url: 'app://lab/index.html' })).toEqual({
      action: 'deny',
    })
    expect(warnings).toHaveBeenCalledWith('Blocked navigation to https://example.com/')
  })

  it('denies every permission', () => {
    const granted: boolean[] = []
    defaultSession.permissionRequest?.(win.webContents, 'media', (g) => granted.push(g))
    expect(granted).toEqual([false])
    expect(defaultSession.permissionCheck?.()).toBe(false)
  })
})

describe('desktop app, app: scheme', () => {
  const get = (url: string, method = 'GET') => {
    const handler = defaultSession.handlers.get('app')
    if (!handler) throw new Error('app: is not handled')
    return handler(new Request(url, { method }))
  }

  it('serves the built page with the CSP header', async () => {
    const response = await get(APP_INDEX_URL)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toContain('<title>lab</title>')
    const script = await get('app://lab/assets/app.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
  })

  it('serves nothing outside the renderer folder, and only GET', async () => {
    for (const url of ['app://lab/%2e%2e/%2e%2e/secret.txt', 'app://lab/..%2f..%2fsecret.txt']) {
      const response = await get(url)
      expect(await response.text()).not.toContain('not for the page')
    }
    expect((await get('app://lab/missing.js')).status).toBe(404)
    expect((await get('app://other/index.html')).status).toBe(404)
    expect((await get(APP_INDEX_URL, 'POST')).status).toBe(405)
  })
})

describe('desktop app, IPC', () => {
  it('handles every contract call', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      Object.values(CALLS)
        .map((c) => c.channel)
        .sort(),
    )
  })

  it('answers the app page and refuses other frames and other web contents', async () => {
    const list = (await ipcMain.invoke(CALLS.listScenarios.channel, fromApp())) as Result<
      { id: string }[]
    >
    expect(list.ok && list.value.map((s) => s.id)).toContain('connect.refused')
    const refused = [
      eventFrom('https://example.com/'),
      eventFrom(APP_INDEX_URL, win.webContents, {}),
      eventFrom(APP_INDEX_URL, new (win.webContents.constructor as new () => never)()),
      { sender: win.webContents, senderFrame: null },
    ]
    for (const event of refused) {
      const result = (await ipcMain.invoke(CALLS.listScenarios.channel, event)) as Result<unknown>
      expect(result).toMatchObject({ ok: false, error: { code: 'bad-input' } })
    }
  })

  it('runs connect.refused on the simulator and streams ECONNREFUSED to the window', async () => {
    const started = (await ipcMain.invoke(CALLS.startRun.channel, fromApp(), {
      runId: 'desktop-run-1',
      scenarioId: 'connect.refused',
      backend: 'sim',
    })) as Result<{ runId: string }>
    if (!started.ok) throw new Error(started.error.message)
    const done = await vi.waitFor(
      () => {
        const found = win.webContents.sent
          .filter((m) => m.channel === EVENTS.onRunUpdate)
          .map((m) => m.payload as RunUpdateMessage)
          .find((m) => m.runId === started.value.runId && m.update.kind === 'done')
        if (!found) throw new Error('not done yet')
        return found.update as { kind: 'done'; result: LabResult }
      },
      { timeout: 20_000, interval: 50 },
    )
    const connect = done.result.steps.find((s) => s.op === 'connect')
    expect(connect).toMatchObject({ ret: -1, errno: 'ECONNREFUSED' })
  })
})

describe('desktop app, menu and state', () => {
  it('builds the menu in the system language and switches it on request', async () => {
    expect(Menu.current?.map((i) => i.label)).toContain('语言')
    const english = find(Menu.current!, 'language-en')
    ;(english.click as () => void)()
    expect(win.webContents.sent).toContainEqual({
      channel: EVENTS.onMenuCommand,
      payload: { command: 'set-language', language: 'en' },
    })
    expect(Menu.current?.map((i) => i.label)).toContain('Language')
    const saved = JSON.parse(readFileSync(join(userData, 'desktop-state.json'), 'utf8'))
    expect(saved.language).toBe('en')
  })

  it('sends navigation and About to the UI', () => {
    ;(find(Menu.current!, 'navigate-quiz').click as () => void)()
    expect(win.webContents.sent.at(-1)).toEqual({
      channel: EVENTS.onMenuCommand,
      payload: { command: 'navigate', view: 'quiz' },
    })
    ;(find(Menu.current!, 'about').click as () => void)()
    expect(win.webContents.sent.at(-1)).toEqual({
      channel: EVENTS.onMenuCommand,
      payload: { command: 'about' },
    })
    expect(dialog.shown).toEqual([])
  })

  it('shows a native About dialog when there is no window', async () => {
    const other = FakeBrowserWindow.created[0]!
    other.destroyed = true
    ;(find(Menu.current!, 'about').click as () => void)()
    other.destroyed = false
    expect(dialog.shown.at(-1)).toMatchObject({
      message: expect.stringMatching(/^Socket Anomaly Lab \d/),
    })
  })

  it('saves the window bounds when the window closes', () => {
    win.setBounds({ x: 40, y: 50, width: 1000, height: 700 })
    win.close()
    const saved = JSON.parse(readFileSync(join(userData, 'desktop-state.json'), 'utf8'))
    expect(saved.window).toEqual({
      bounds: { x: 40, y: 50, width: 1000, height: 700 },
      maximized: false,
    })
  })

  it('stops the lab before quitting, then quits', async () => {
    const event = { preventDefault: vi.fn() }
    app.emit('will-quit', event)
    expect(event.preventDefault).toHaveBeenCalledOnce()
    expect(ipcMain.handlers.size).toBe(0)
    await vi.waitFor(() => expect(app.quitCalls).toBe(1), { timeout: 6_000 })
    // The second will-quit (from that quit) goes through.
    const second = { preventDefault: vi.fn() }
    app.emit('will-quit', second)
    expect(second.preventDefault).not.toHaveBeenCalled()
  })
})
