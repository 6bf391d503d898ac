/**
 * The window's locked-down `webPreferences`, as data so a test can read every switch.
 * Electron's defaults are already safe for most of these; they are written out anyway so a
 * future Electron default change, or a careless edit, shows up in review and in the test.
 */
import type { WebPreferences } from 'electron'

/** Builds the preferences of the main window. */
export function secureWebPreferences(options: {
  /** Absolute path of the CommonJS preload bundle. */
  preload: string
  /** DevTools only in development. */
  devTools: boolean
}): WebPreferences {
  return {
    preload: options.preload,
    // The page and the preload live in separate JavaScript worlds; only contextBridge crosses.
    contextIsolation: true,
    // The renderer process is an OS-sandboxed Chromium renderer; the preload gets only a
    // small require (electron's renderer modules), never Node.
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // Scenario ids and code are not prose; the spell checker would only add red lines.
    spellcheck: false,
    devTools: options.devTools,
  }
}
