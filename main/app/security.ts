/**
 * App-wide guards that hold for every web contents Electron ever creates, not only the main
 * window: no navigation away from the app's own pages, no new windows, no <webview>, no
 * permission prompts (camera, notifications...), no downloads but the files the app's own page
 * builds (result files, the gradebook CSV; see downloads.ts). The lab needs nothing else.
 */
import type { App, Session } from 'electron'
import { isPageDownload } from './downloads'
import { isTrustedUrl, type TrustedOrigin } from './sender'

function shortUrl(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}...` : url
}

/** Installs the guards on every web contents as it is created. Call before the first window. */
export function guardWebContents(app: App, trusted: readonly TrustedOrigin[]): void {
  app.on('web-contents-created', (_event, contents) => {
    // Any frame, any cause (link, form, location=, drag and drop): only the app's own pages.
    contents.on('will-frame-navigate', (event) => {
      if (!isTrustedUrl(event.url, trusted)) {
        event.preventDefault()
        console.warn(`Blocked navigation to ${shortUrl(event.url)}`)
      }
    })
    contents.on('will-redirect', (event) => {
      if (!isTrustedUrl(event.url, trusted)) event.preventDefault()
    })
    // window.open, target=_blank, middle click: never a new window.
    contents.setWindowOpenHandler(({ url }) => {
      console.warn(`Blocked a new window for ${shortUrl(url)}`)
      return { action: 'deny' }
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

/**
 * Denies every permission request and check in `session`, and every download except a file the
 * page of a `trusted` origin built itself (it goes through the Save dialog).
 */
export function lockSession(session: Session, trusted: readonly TrustedOrigin[] = []): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
  session.on('will-download', (event, item) => {
    if (!isPageDownload(item.getURL(), trusted)) event.preventDefault()
  })
}
