/**
 * Opens a URL in the user's default browser, where there is one. Best effort: on a machine
 * without a desktop (no DISPLAY on Linux, CI) it does nothing and says so.
 */
import { spawn } from 'node:child_process'

/** How the default browser is opened on each platform, or why it cannot be. */
export function browserCommand(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): { command: string; args: string[] } | { reason: string } {
  if (env.CI) return { reason: 'running under CI' }
  if (platform === 'darwin') return { command: 'open', args: [] }
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] }
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY)
    return { reason: 'no desktop session (DISPLAY is not set)' }
  return { command: 'xdg-open', args: [] }
}

/** Tries to open `url`; resolves with a sentence saying what happened. */
export function openBrowser(url: string): Promise<string> {
  const how = browserCommand(process.platform, process.env)
  if ('reason' in how)
    return Promise.resolve(`Open ${url} in a browser (not opened automatically: ${how.reason}).`)
  return new Promise((resolve) => {
    const child = spawn(how.command, [...how.args, url], { stdio: 'ignore', detached: true })
    child.once('error', () =>
      resolve(`Open ${url} in a browser (${how.command} is not available).`),
    )
    child.once('spawn', () => {
      child.unref()
      resolve(`Opened ${url} in the default browser.`)
    })
  })
}
