/**
 * Finds an Electron executable for the desktop end-to-end tests without ever downloading one
 * (requiring the `electron` package would try to). Where there is none, or no display to open
 * a window on, the reason is the one line the suite prints when it skips.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** An executable to launch, or the skip line. */
export type ElectronBinary = { path: string } | { skip: string }

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Looks at `ELECTRON_PATH`, then at a normal install in node_modules/electron. */
export function findElectronBinary(root: string, env = process.env): ElectronBinary {
  const noBinary = 'electron e2e: skipped — no Electron binary (set ELECTRON_PATH to run them)'
  let path: string | undefined
  if (env.ELECTRON_PATH) {
    if (!executable(env.ELECTRON_PATH)) {
      return {
        skip: `electron e2e: skipped — ELECTRON_PATH=${env.ELECTRON_PATH} is not an executable file`,
      }
    }
    path = env.ELECTRON_PATH
  } else {
    const pathFile = join(root, 'node_modules', 'electron', 'path.txt')
    if (!existsSync(pathFile)) return { skip: noBinary }
    const candidate = join(
      root,
      'node_modules',
      'electron',
      'dist',
      readFileSync(pathFile, 'utf8').trim(),
    )
    if (!executable(candidate)) return { skip: noBinary }
    path = candidate
  }
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { skip: 'electron e2e: skipped — no display (run them under xvfb-run)' }
  }
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
    return { skip: 'electron e2e: skipped — the app is not built (run npm run build first)' }
  }
  return { path }
}
