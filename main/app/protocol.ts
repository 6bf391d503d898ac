/**
 * Serves the built renderer as `app://lab/...` with the CSP and other security headers on
 * every response. `registerAppScheme` must run before the app is ready (Electron's rule for
 * privileged schemes); `serveApp` after.
 */
import { readFile } from 'node:fs/promises'
import { protocol, type Session } from 'electron'
import { responseHeaders } from '../static-files/renderer-files'
import { contentSecurityPolicy } from './csp'
import { APP_SCHEME, mimeType, resolveAppRequest } from './scheme'

/**
 * Declares `app:` a standard, secure scheme: it gets a real origin (so `'self'`, relative URLs
 * and ES modules work) and counts as a secure context. It does not bypass CSP, is not
 * CORS-enabled for other origins, and gets no service workers.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        codeCache: true,
        bypassCSP: false,
        corsEnabled: false,
        allowServiceWorkers: false,
        stream: false,
      },
    },
  ])
}

/** Headers of every response of the scheme (the same as browser mode's but for the CSP). */
function securityHeaders(): Record<string, string> {
  return responseHeaders(contentSecurityPolicy({ kind: 'app' }))
}

/** Answers `app://lab/...` from `rendererDir` in `session`. Only GET (and HEAD) are served. */
export function serveApp(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const headers = securityHeaders()
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { ...headers, Allow: 'GET, HEAD' } })
    }
    const target = resolveAppRequest(rendererDir, request.url)
    if ('status' in target) return new Response(null, { status: target.status, headers })
    try {
      const body = await readFile(target.file)
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: { ...headers, 'Content-Type': mimeType(target.file) },
      })
    } catch {
      return new Response(null, { status: 404, headers })
    }
  })
}
