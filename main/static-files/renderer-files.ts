/**
 * Which file of the built renderer (`out/renderer`) a request path names, for both servers of
 * the UI: the desktop app's `app://lab` scheme (main/app/scheme.ts) and browser mode's HTTP
 * server (main/web/static.ts). One set of rules, so the two cannot drift apart:
 *
 * - Only the path counts; a query or fragment is ignored. `/` is `/index.html`; empty
 *   segments are skipped.
 * - Refused with 400: a path that does not start with `/`, a bad percent-escape, and anything
 *   that could name a file outside the folder once decoded: a NUL, a backslash (a separator on
 *   Windows), a `.` or `..` segment (a browser removes literal ones before sending, so they
 *   come only from hand-made requests or encoded slashes such as `..%2f`), or a path that
 *   still resolves outside the folder.
 * - Everything else names the file at that path. If no such file exists the answer is 404,
 *   never `index.html`: the UI routes with the URL's hash (`#/lab/<case>`), so it has no path
 *   of its own to fall back for, and a missing script answered with HTML would hide a broken
 *   build behind a MIME-type error.
 *
 * Pure (no file system, no Electron): whether the file exists is the server's question.
 */
import { extname, resolve, sep } from 'node:path'

/** The page a bare `/` names. */
export const INDEX_FILE = 'index.html'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  // Browsers refuse to run a module script served with any other type.
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

/**
 * Content-Type of a served file. Unknown kinds are opaque bytes, and the servers' `nosniff`
 * header keeps the browser from guessing otherwise.
 */
export function contentType(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** A request path resolved: a file below the renderer folder, or why it is refused. */
export type RendererTarget =
  | { kind: 'file'; file: string; contentType: string }
  | { kind: 'refused'; status: 400; reason: string }

function refused(reason: string): RendererTarget {
  return { kind: 'refused', status: 400, reason }
}

/**
 * Resolves a request path (`/assets/index-abc.js?v=1`, still percent-encoded, as it appears
 * in an HTTP request line or a URL's `pathname`) to a file below `root`.
 */
export function resolveRendererPath(root: string, requestPath: string): RendererTarget {
  const path = requestPath.split(/[?#]/, 1)[0] ?? ''
  if (!path.startsWith('/')) return refused('the path must start with "/"')
  const segments: string[] = []
  for (const raw of path.slice(1).split('/')) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return refused('bad percent-escape')
    }
    if (segment.includes('\0')) return refused('NUL in the path')
    if (segment.includes('\\')) return refused('backslash in the path')
    // An encoded slash decodes to a separator inside one segment: check its parts too.
    if (segment.split('/').some((part) => part === '.' || part === '..'))
      return refused('dot segment in the path')
    // Empty segments (`//`, a trailing `/`) name nothing: `/assets//a.js` is `/assets/a.js`.
    if (segment !== '') segments.push(segment)
  }
  const relative = segments.join('/')
  const base = resolve(root)
  const file = resolve(base, relative === '' ? INDEX_FILE : relative)
  // Belt and braces (a drive letter on Windows, for one): the file must be inside the folder.
  if (!file.startsWith(base + sep)) return refused('outside the renderer folder')
  return { kind: 'file', file, contentType: contentType(file) }
}

/** The only methods the servers answer; anything else is 405 with `Allow: GET, HEAD`. */
export const ALLOWED_METHODS = ['GET', 'HEAD'] as const

/**
 * The headers of every response of either server, besides Content-Type and Content-Length.
 * `csp` is the policy of that server (./csp.ts).
 */
export function responseHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    // A file is what its extension says, never what its bytes look like.
    'X-Content-Type-Options': 'nosniff',
    // The UI links nowhere, and a lab script's name should not leak if it ever did.
    'Referrer-Policy': 'no-referrer',
    // No other page keeps a handle on this one (window.opener) or shares its process.
    'Cross-Origin-Opener-Policy': 'same-origin',
    // The files change with every build; the app is local, so asking again costs nothing.
    'Cache-Control': 'no-cache',
  }
}
