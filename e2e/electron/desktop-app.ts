/**
 * Page object of the desktop app: launches `out/main/index.js` in a real Electron with its own
 * user-data folder, and reads what the tests need from the page and from the main process.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron, type ElectronApplication, type Page } from '@playwright/test'

/** One running instance of the app. */
export class DesktopApp {
  private constructor(
    readonly app: ElectronApplication,
    readonly page: Page,
    readonly userData: string,
  ) {}

  /** Launches the app and waits until its window shows the page with `window.lab`. */
  static async launch(options: {
    root: string
    executablePath: string
    /** Reuse a user-data folder (window-state test); a fresh one otherwise. */
    userData?: string
  }): Promise<DesktopApp> {
    const userData = options.userData ?? mkdtempSync(join(tmpdir(), 'socklab-e2e-electron-'))
    const args = [join(options.root, 'out', 'main', 'index.js')]
    // Chromium refuses to start as root with its OS sandbox (CI containers); the window's
    // sandbox preference stays on and is what the tests check.
    if (process.getuid?.() === 0) args.unshift('--no-sandbox')
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && key !== 'ELECTRON_RENDERER_URL') env[key] = value
    }
    env.SOCKLAB_USER_DATA = userData
    const app = await _electron.launch({
      executablePath: options.executablePath,
      args,
      cwd: options.root,
      env,
      timeout: 30_000,
    })
    const page = await app.firstWindow({ timeout: 30_000 })
    await page.waitForFunction(() => 'lab' in window, undefined, { timeout: 15_000 })
    return new DesktopApp(app, page, userData)
  }

  /** Number of windows the main process has. */
  windowCount(): Promise<number> {
    return this.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)
  }

  /** Closes the app (which saves the window state). */
  async close(): Promise<void> {
    await this.app.close()
  }

  /** Removes the user-data folder. */
  removeUserData(): void {
    rmSync(this.userData, { recursive: true, force: true })
  }
}
