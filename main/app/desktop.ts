/**
 * The desktop app: the Electron lifecycle from start to quit. It registers the privileged
 * `app:` scheme and the app-wide security guards, creates the lab service and its IPC
 * handlers, the one window, the menu and the remembered window state, and stops every run
 * before quitting. `index.ts` (the build entry) only tells it where the builds are.
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session } from 'electron'
import { EVENTS, type MenuCommand } from '../../shared/contract'
import { createLabService } from '../lab/service'
import { APP_VERSION } from '../lab/version'
import { aboutText } from './about'
import { contentSecurityPolicy } from './csp'
import {
  defaultLanguage,
  desktopStatePath,
  loadDesktopState,
  saveDesktopState,
  type DesktopState,
  type Language,
} from './desktop-state'
import { registerLabIpc } from './ipc'
import { PDF_OPTIONS, savePagePdf } from './pdf'
import { buildMenuTemplate } from './menu'
import { registerAppScheme, serveApp } from './protocol'
import { APP_INDEX_URL } from './scheme'
import { guardWebContents, lockSession } from './security'
import { APP_ORIGIN, createSenderCheck, devOrigin, type TrustedOrigin } from './sender'
import { createMainWindow } from './window'
import { placeWindow } from './window-state'

const APP_NAME = 'Socket Anomaly Lab'
/** Bounded wait for the lab to stop its runs at quit (kernel runs kill child processes). */
const DISPOSE_TIMEOUT_MS = 5_000

/** Where the builds are. */
export interface DesktopAppOptions {
  /** The `out/` folder: `renderer/` and `preload/index.cjs` are below it. */
  outDir: string
}

/**
 * Starts the app. Everything before `whenReady` runs synchronously, as Electron requires for
 * privileged schemes and the sandbox switch.
 */
export function startDesktopApp(options: DesktopAppOptions): void {
  // electron-vite dev sets ELECTRON_RENDERER_URL; a packaged app never honours it, so an
  // environment variable cannot point an installed app at some other page.
  const requested = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL
  const devTrusted = requested ? devOrigin(requested) : undefined
  const devUrl = devTrusted ? requested : undefined
  const trusted: TrustedOrigin[] = devTrusted ? [APP_ORIGIN, devTrusted] : [APP_ORIGIN]

  // These must happen before `ready`.
  app.setName(APP_NAME)
  // Tests (and anyone running from a checkout) can keep their state apart from a real install.
  if (!app.isPackaged && process.env.SOCKLAB_USER_DATA) {
    app.setPath('userData', process.env.SOCKLAB_USER_DATA)
  }
  app.enableSandbox()
  registerAppScheme()
  guardWebContents(app, trusted)

  if (!app.requestSingleInstanceLock()) {
    // A second start just brings the first window forward (see 'second-instance').
    app.quit()
  } else {
    void app.whenReady().then(
      () => start(options.outDir, devUrl, trusted),
      (error: unknown) => fatal(error),
    )
  }
}

function fatal(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
  console.error(message)
  dialog.showErrorBox(APP_NAME, message)
  app.exit(1)
}

function start(outDir: string, devUrl: string | undefined, trusted: TrustedOrigin[]): void {
  const dev = devUrl !== undefined
  const rendererDir = join(outDir, 'renderer')
  const preload = join(outDir, 'preload', 'index.cjs')
  if (!dev && !existsSync(join(rendererDir, 'index.html'))) {
    fatal(new Error(`The UI is not built (${rendererDir} is missing): run "npm run build".`))
    return
  }

  const defaults = session.defaultSession
  lockSession(defaults, trusted)
  serveApp(defaults, rendererDir)
  if (devUrl) {
    const csp = contentSecurityPolicy({ kind: 'dev', devOrigin: new URL(devUrl).origin })
    defaults.webRequest.onHeadersReceived(
      { urls: [`${new URL(devUrl).origin}/*`] },
      (details, callback) =>
        callback({
          responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
        }),
    )
  }

  const statePath = desktopStatePath(app.getPath('userData'))
  const state: DesktopState = loadDesktopState(statePath)
  const save = (): void => {
    const problem = saveDesktopState(statePath, state)
    if (problem) console.warn(problem)
  }
  let language: Language = state.language ?? defaultLanguage(app.getPreferredSystemLanguages())

  const service = createLabService({
    shell: 'electron',
    version: APP_VERSION,
    // The quiz's SQLite file lives beside the window state, in Electron's per-user folder.
    dataDir: app.getPath('userData'),
    // A live class serves its student page from the built renderer (main/class).
    rendererDir,
    // The printable lab sheet as a PDF: the window's page printed by Chromium (main/app/pdf.ts).
    savePdf: (request) =>
      savePagePdf(
        {
          printToPdf:
            win && !win.isDestroyed()
              ? () => (win as BrowserWindow).webContents.printToPDF(PDF_OPTIONS)
              : undefined,
          askPath: async (defaultPath) => {
            const options = { defaultPath, filters: [{ name: 'PDF', extensions: ['pdf'] }] }
            const answer =
              win && !win.isDestroyed()
                ? await dialog.showSaveDialog(win, options)
                : await dialog.showSaveDialog(options)
            return answer.canceled ? undefined : answer.filePath
          },
          writeFile: (path, data) => writeFile(path, data),
          folder: app.getPath('documents'),
        },
        request,
      ),
    // The folder of students' submissions a program lab grades (the Classroom).
    pickFolder: async () => {
      const options = {
        title: 'Folder of submissions (one subfolder per student)',
        defaultPath: app.getPath('documents'),
        properties: ['openDirectory' as const],
      }
      const answer =
        win && !win.isDestroyed()
          ? await dialog.showOpenDialog(win, options)
          : await dialog.showOpenDialog(options)
      return answer.canceled ? null : (answer.filePaths[0] ?? null)
    },
  })
  let win: BrowserWindow | undefined
  const frameOk = createSenderCheck(trusted)
  const unregister = registerLabIpc(
    ipcMain,
    service,
    // The frame check, and the frame must belong to our one window's web contents.
    (event) => win !== undefined && event.sender === win.webContents && frameOk(event),
    (name) => console.warn(`Refused IPC call ${name} from a frame that is not the app's page.`),
  )
  const send = (channel: string, payload: unknown): void => {
    if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
  }
  const unsubscribeRuns = service.onRunUpdate((message) => send(EVENTS.onRunUpdate, message))
  const unsubscribeGrades = service.onGradeUpdate((message) => send(EVENTS.onGradeUpdate, message))
  const unsubscribe = (): void => {
    unsubscribeRuns()
    unsubscribeGrades()
  }
  const sendMenu = (command: MenuCommand): void => send(EVENTS.onMenuCommand, command)

  // The UI has its own About view (in the UI's language); the native dialog is for when
  // there is no window to show it in (macOS keeps the app running without one).
  const showAbout = (): void => {
    if (win && !win.isDestroyed()) return sendMenu({ command: 'about' })
    const text = aboutText(
      {
        appName: APP_NAME,
        version: APP_VERSION,
        electron: process.versions.electron ?? '?',
        chrome: process.versions.chrome ?? '?',
        node: process.versions.node,
        platform: process.platform,
        arch: process.arch,
      },
      language,
    )
    void dialog.showMessageBox({ type: 'info', ...text, buttons: ['OK'], noLink: true })
  }
  const setMenu = (): void => {
    const template = buildMenuTemplate({
      platform: process.platform,
      dev,
      language,
      appName: APP_NAME,
      actions: {
        send: sendMenu,
        setLanguage: (chosen) => {
          language = chosen
          state.language = chosen
          save()
          sendMenu({ command: 'set-language', language: chosen })
          setMenu()
        },
        about: showAbout,
      },
    })
    Menu.setApplicationMenu(Menu.buildFromTemplate(template))
  }
  setMenu()

  const openWindow = (): void => {
    const workAreas = [
      screen.getPrimaryDisplay().workArea,
      ...screen
        .getAllDisplays()
        .filter((d) => d.id !== screen.getPrimaryDisplay().id)
        .map((d) => d.workArea),
    ]
    win = createMainWindow({
      title: APP_NAME,
      preload,
      dev,
      placement: placeWindow(state.window, workAreas),
      saveState: (saved) => {
        state.window = saved
        save()
      },
    })
    win.on('closed', () => {
      win = undefined
    })
    void win.loadURL(devUrl ?? APP_INDEX_URL).catch((error: unknown) => {
      console.error(`Could not load the UI: ${String(error)}`)
    })
  }
  openWindow()

  app.on('second-instance', () => {
    if (!win) return openWindow()
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  // macOS keeps the app running without windows; the Dock icon brings the window back.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Quit only after every run has stopped and its processes and namespaces are gone.
  let disposed = false
  app.on('will-quit', (event) => {
    if (disposed) return
    event.preventDefault()
    disposed = true
    unsubscribe()
    unregister()
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, DISPOSE_TIMEOUT_MS))
    void Promise.race([service.dispose(), timeout])
      .catch((error: unknown) => console.error(`Cleaning up the lab failed: ${String(error)}`))
      .finally(() => app.quit())
  })
}
