/**
 * The one main window: locked-down preferences, placed where it was last time, shown only
 * once it has painted (no white flash), and its bounds saved as it moves and when it closes.
 */
import { BrowserWindow } from 'electron'
import { secureWebPreferences } from './web-preferences'
import { WINDOW_SIZING, type SavedWindow, type WindowPlacement } from './window-state'

/** Options of {@link createMainWindow}. */
export interface MainWindowOptions {
  title: string
  preload: string
  dev: boolean
  placement: WindowPlacement
  /** Called with the window's state after it moved or resized (debounced) and when it closes. */
  saveState: (state: SavedWindow) => void
}

/** What to save about `win` (its normal bounds even while maximized). */
export function windowSnapshot(win: BrowserWindow): SavedWindow {
  const b = win.getNormalBounds()
  return {
    bounds: {
      x: Math.round(b.x),
      y: Math.round(b.y),
      width: Math.round(b.width),
      height: Math.round(b.height),
    },
    maximized: win.isMaximized(),
  }
}

/** Creates the main window (not yet loaded). */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...options.placement.bounds,
    minWidth: WINDOW_SIZING.minWidth,
    minHeight: WINDOW_SIZING.minHeight,
    title: options.title,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences({ preload: options.preload, devTools: options.dev }),
  })
  win.once('ready-to-show', () => {
    if (options.placement.maximized) win.maximize()
    win.show()
  })
  // A page that cannot load never paints; show the window anyway so the error is visible.
  win.webContents.once('did-fail-load', () => {
    if (!win.isDestroyed() && !win.isVisible()) win.show()
  })

  let timer: NodeJS.Timeout | undefined
  const saveSoon = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      if (!win.isDestroyed() && !win.isFullScreen()) options.saveState(windowSnapshot(win))
    }, 500)
  }
  win.on('resize', saveSoon)
  win.on('move', saveSoon)
  win.on('maximize', saveSoon)
  win.on('unmaximize', saveSoon)
  win.on('close', () => {
    clearTimeout(timer)
    options.saveState(windowSnapshot(win))
  })
  return win
}
