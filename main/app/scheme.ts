/**
 * The app's own URL scheme. The built renderer is served as `app://lab/...` instead of
 * `file://`: a standard, secure origin that the CSP's `'self'` and the IPC sender check can
 * name exactly, and that has none of `file://`'s extra privileges (reading any local file).
 * This module is the pure half (URL to file, MIME types); `protocol.ts` wires it to Electron.
 */
import { extname, normalize, resolve, sep } from 'node:path'

/** Scheme name, registered as privileged before the app is ready. */
export const APP_SCHEME = 'app'
/** The only host the scheme answers for. */
export const APP_HOST = 'lab'
/** Address of the renderer's page. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
}

/** Content-Type of a served file (unknown kinds are opaque bytes, and `nosniff` keeps them so). */
export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** Where a request goes: a file below the renderer folder, or an HTTP status. */
export type AppRequestTarget = { file: string; fallback: boolean } | { status: 400 | 404 }

/**
 * Maps an `app://lab/...` URL to a file below `root`. Other hosts, encoded NULs and paths that
 * would climb out of `root` are refused. A path without an extension is a deep link into the
 * single-page app and gets `index.html` (`fallback`), so a reload on any view still works.
 */
export function resolveAppRequest(root: string, requestUrl: string): AppRequestTarget {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return { status: 400 }
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 404 }
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return { status: 400 }
  }
  if (path.includes('\0')) return { status: 400 }
  const base = resolve(root)
  const relative = normalize(path === '/' || path === '' ? '/index.html' : path).replace(
    /^[/\\]+/,
    '',
  )
  const full = resolve(base, relative)
  if (!full.startsWith(base + sep)) return { status: 400 }
  if (!extname(full)) return { file: resolve(base, 'index.html'), fallback: true }
  return { file: full, fallback: false }
}
