/**
 * The Content-Security-Policy of the desktop window: the UI's one policy
 * (main/static-files/csp.ts, which says why each directive is there) as delivered by the
 * `app://lab` scheme, or in development by electron-vite's dev server (hot reload).
 */
import { contentSecurityPolicy as uiPolicy } from '../static-files/csp'

/** Which policy to build: the packaged app, or electron-vite's dev server (hot reload). */
export type CspMode = { kind: 'app' } | { kind: 'dev'; devOrigin: string }

/** Builds the policy header value. */
export function contentSecurityPolicy(mode: CspMode): string {
  return uiPolicy(
    mode.kind === 'dev' ? { kind: 'desktop-dev', devOrigin: mode.devOrigin } : { kind: 'desktop' },
  )
}
