/**
 * The app's own URL scheme. The built renderer is served as `app://lab/...` instead of
 * `file://`: a standard, secure origin that the CSP's `'self'` and the IPC sender check can
 * name exactly, and that has none of `file://`'s extra privileges (reading any local file).
 * This module is the pure half (URL to file); `protocol.ts` wires it to Electron. Which file
 * a path names is decided once for both servers of the UI, in main/static-files.
 */
import { contentType, resolveRendererPath } from '../static-files/renderer-files'

/** Scheme name, registered as privileged before the app is ready. */
export const APP_SCHEME = 'app'
/** The only host the scheme answers for. */
export const APP_HOST = 'lab'
/** Address of the renderer's page. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** Content-Type of a served file (the same table browser mode uses). */
export const mimeType = contentType

/** Where a request goes: a file below the renderer folder, or an HTTP status. */
export type AppRequestTarget = { file: string } | { status: 400 | 404 }

/**
 * Maps an `app://lab/...` URL to a file below `root`. Other schemes and hosts are 404; the
 * path follows main/static-files/renderer-files.ts (traversal refused with 400, no fallback
 * to index.html: a missing file is the handler's 404).
 */
export function resolveAppRequest(root: string, requestUrl: string): AppRequestTarget {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return { status: 400 }
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 404 }
  const target = resolveRendererPath(root, url.pathname)
  return target.kind === 'file' ? { file: target.file } : { status: target.status }
}
