/**
 * Where the app keeps its data when the caller does not say: `SOCKLAB_DATA_DIR`, else the
 * platform's per-user data folder (XDG on Linux). The Electron shell passes
 * `app.getPath('userData')` instead, which is the same folder on macOS and Windows.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

/** The folder name under the platform's data folder. */
export const APP_DIR_NAME = 'socket-anomaly-lab'
/** The display name macOS and Windows use for the folder. */
export const APP_DISPLAY_NAME = 'Socket Anomaly Lab'

/** The default data folder for an environment and platform. */
export function defaultDataDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.SOCKLAB_DATA_DIR) return env.SOCKLAB_DATA_DIR
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DISPLAY_NAME)
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DISPLAY_NAME)
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), APP_DIR_NAME)
}
