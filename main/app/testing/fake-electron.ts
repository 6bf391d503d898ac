/**
 * A stand-in for the parts of Electron's main-process API the desktop app uses, recording what
 * the app did with them. It lets `desktop.test.ts` run the whole composition (scheme, guards,
 * IPC, window, menu, state file, quit) in plain Node, where no Electron binary exists. It
 * models Electron's documented behaviour only as far as the app relies on it.
 */
import { EventEmitter } from 'node:events'
import type { MenuItemConstructorOptions } from 'electron'

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>

/** What the app asked for, in order. */
export const log: string[] = []

/** A fake `WebContents`. */
export class FakeWebContents extends EventEmitter {
  static nextId = 1
  readonly id = FakeWebContents.nextId++
  readonly sent: { channel: string; payload: unknown }[] = []
  windowOpenHandler?: (details: { url: string }) => { action: string }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
}

/** A fake `BrowserWindow`. */
export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = []
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created.filter((w) => !w.destroyed)
  }
  readonly webContents = new FakeWebContents()
  readonly loaded: string[] = []
  bounds: { x: number; y: number; width: number; height: number }
  visible = false
  destroyed = false
  constructor(readonly options: Record<string, unknown> & { width: number; height: number }) {
    super()
    this.bounds = {
      x: typeof options.x === 'number' ? options.x : 100,
      y: typeof options.y === 'number' ? options.y : 100,
      width: options.width,
      height: options.height,
    }
    FakeBrowserWindow.created.push(this)
    app.emit('web-contents-created', {}, this.webContents)
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url)
  }
  getNormalBounds() {
    return { ...this.bounds }
  }
  setBounds(bounds: FakeBrowserWindow['bounds']): void {
    this.bounds = { ...bounds }
    this.emit('move')
  }
  isMaximized = (): boolean => false
  isFullScreen = (): boolean => false
  isMinimized = (): boolean => false
  isDestroyed = (): boolean => this.destroyed
  isVisible = (): boolean => this.visible
  show(): void {
    this.visible = true
  }
  maximize(): void {}
  restore(): void {}
  focus(): void {}
  /** What Electron does when the user closes the window. */
  close(): void {
    this.emit('close', { preventDefault() {} })
    this.destroyed = true
    this.emit('closed')
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false
  name = 'Electron'
  paths = new Map<string, string>()
  quitCalls = 0
  setName(name: string): void {
    log.push('app.setName')
    this.name = name
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path)
  }
  getPath(name: string): string {
    const path = this.paths.get(name)
    if (!path) throw new Error(`fake app has no path ${name}`)
    return path
  }
  enableSandbox(): void {
    log.push('app.enableSandbox')
  }
  requestSingleInstanceLock(): boolean {
    return true
  }
  whenReady(): Promise<void> {
    log.push('app.whenReady')
    return Promise.resolve().then(() => {
      log.push('ready')
    })
  }
  getPreferredSystemLanguages(): string[] {
    return ['zh-CN', 'en-US']
  }
  quit(): void {
    this.quitCalls++
  }
  exit(code: number): void {
    throw new Error(`app.exit(${code})`)
  }
}

/** The fake `app`. */
export const app = new FakeApp()

/** The fake `ipcMain`: handlers by channel, invoked as Electron would. */
export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  },
  invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return handler(event, ...args)
  },
}

/** The fake `protocol` (module level: privileged schemes). */
export const protocol = {
  privileged: [] as unknown[],
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    log.push('protocol.registerSchemesAsPrivileged')
    this.privileged.push(...schemes)
  },
}

/** The fake default session. */
export const defaultSession = Object.assign(new EventEmitter(), {
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  permissionRequest: undefined as
    | undefined
    | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
  permissionCheck: undefined as undefined | (() => boolean),
  protocol: {
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
      log.push(`session.protocol.handle ${scheme}`)
      defaultSession.handlers.set(scheme, handler)
    },
  },
  webRequest: { onHeadersReceived: () => {} },
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void {
    defaultSession.permissionRequest = handler
  },
  setPermissionCheckHandler(handler: () => boolean): void {
    defaultSession.permissionCheck = handler
  },
  setDevicePermissionHandler(): void {},
})

/** The fake `session` module. */
export const session = { defaultSession }

/** The fake `Menu`: the application menu is kept as its template. */
export const Menu = {
  current: undefined as MenuItemConstructorOptions[] | undefined,
  buildFromTemplate(template: MenuItemConstructorOptions[]) {
    return template
  },
  setApplicationMenu(menu: MenuItemConstructorOptions[]): void {
    Menu.current = menu
  },
}

const workArea = { x: 0, y: 0, width: 1920, height: 1040 }
/** The fake `screen`: one 1920x1080 display. */
export const screen = {
  getPrimaryDisplay: () => ({ id: 1, workArea }),
  getAllDisplays: () => [{ id: 1, workArea }],
}

/** The fake `dialog`. */
export const dialog = {
  shown: [] as unknown[],
  showErrorBox(title: string, content: string): void {
    dialog.shown.push({ title, content })
  },
  async showMessageBox(...args: unknown[]) {
    dialog.shown.push(args.at(-1))
    return { response: 0 }
  },
}
