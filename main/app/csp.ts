/**
 * The Content-Security-Policy of the desktop window. The renderer is plain Vue built by Vite:
 * every script is a file of the app's own origin, so nothing inline or evaluated is allowed.
 * The window talks to main only through the preload's IPC bridge, never through the network,
 * so `connect-src` allows only the app's own files (Vite's module preloads fetch them).
 */

/** Which policy to build: the packaged app, or electron-vite's dev server (hot reload). */
export type CspMode = { kind: 'app' } | { kind: 'dev'; devOrigin: string }

/** Builds the policy header value. */
export function contentSecurityPolicy(mode: CspMode): string {
  // Vite's dev client needs its WebSocket back to the dev server for hot reload; nothing else.
  const connect = mode.kind === 'dev' ? `'self' ${mode.devOrigin.replace(/^http/, 'ws')}` : "'self'"
  return [
    "default-src 'none'",
    "script-src 'self'",
    // xterm.js and Vue transitions inject <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "manifest-src 'self'",
    "worker-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
