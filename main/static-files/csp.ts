/**
 * The one Content-Security-Policy of the UI, for each way the page is delivered:
 *
 * - `desktop`: the header of every `app://lab` response (main/app/protocol.ts).
 * - `desktop-dev`: the header main/app adds to electron-vite's dev server in development.
 * - `browser`: the header of browser mode's HTTP server (main/web/static.ts).
 * - `meta`: the `<meta http-equiv>` in renderer/index.html (a test checks the file carries
 *   exactly this), the policy the page keeps wherever it is served without our header.
 *
 * A page under both a header and a meta policy must satisfy both, so the meta policy is the
 * header's directives with the widest `connect-src` any delivery needs, and without
 * `frame-ancestors` (browsers ignore it in a meta element). Each header then narrows
 * `connect-src` to what that delivery really talks to. Nothing else differs.
 */

/** How the page is delivered (see the file comment). */
export type CspDelivery =
  | { kind: 'desktop' }
  | { kind: 'desktop-dev'; devOrigin: string }
  | { kind: 'browser'; port: number }
  | { kind: 'meta' }

/** One directive: its name and its sources. */
export type CspDirective = readonly [name: string, sources: readonly string[]]

/**
 * Browser mode's hosts: the server listens on 127.0.0.1, and the page may have been opened as
 * `localhost` as well; its WebSocket goes to whichever the page's own address is
 * (renderer/api/web-lab.ts), and main/web/server.ts accepts sockets from these origins only.
 */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'] as const

function connectSources(delivery: CspDelivery): string[] {
  // 'self': the page may read its own files (the desktop e2e test reads its headers so).
  // Under CSP Level 3 'self' also covers a WebSocket to the page's own host and port, but
  // Level 2 browsers do not match ws: with 'self', so each WebSocket is named as well.
  switch (delivery.kind) {
    case 'desktop':
      // The window reaches main only through the preload's IPC bridge: no network at all.
      return ["'self'"]
    case 'desktop-dev':
      // Vite's hot-reload client keeps a WebSocket to the dev server.
      return ["'self'", delivery.devOrigin.replace(/^http/, 'ws')]
    case 'browser':
      // The contract travels over the WebSocket `/lab` of the server that served the page.
      return ["'self'", ...LOOPBACK_HOSTS.map((host) => `ws://${host}:${delivery.port}`)]
    case 'meta':
      // A static file cannot know the port: browser mode's (47100 or any with --port) or the
      // dev server's. The header of each delivery narrows this to one port.
      return ["'self'", ...LOOPBACK_HOSTS.map((host) => `ws://${host}:*`)]
  }
}

/** The policy's directives, in the order they are written. */
export function cspDirectives(delivery: CspDelivery): CspDirective[] {
  const directives: CspDirective[] = [
    // Anything not named below (media, manifests, fonts, prefetches...) is refused.
    ['default-src', ["'none'"]],
    // Vite builds every script into a file of the app's own origin: nothing inline, no eval.
    // (zod probes `new Function('')` once and falls back when it is refused: the console's
    // "script-src eval" reports on start-up are that probe, and expected.)
    ['script-src', ["'self'"]],
    // The built stylesheet, and the <style> elements xterm.js creates at run time.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    // The favicon and the PNG export (renderer/lib/export.ts) draw data: images; the UI has
    // no image files.
    ['img-src', ['data:']],
    ['connect-src', connectSources(delivery)],
    // Repeats default-src on purpose: plugins, frames and workers are the ways a page runs
    // code it did not ship as a script; naming them keeps a later, wider default-src from
    // opening them by accident.
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'none'"]],
    // These three do not fall back to default-src. No <base> may redirect the relative
    // script URLs; no form posts anywhere (the UI's forms are handled in script).
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ]
  // No other page may frame the UI (clickjacking in a browser). Header only: a meta element
  // cannot carry it.
  if (delivery.kind !== 'meta') directives.push(['frame-ancestors', ["'none'"]])
  return directives
}

/** The policy as a header (or meta `content`) value. */
export function contentSecurityPolicy(delivery: CspDelivery): string {
  return cspDirectives(delivery)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}
