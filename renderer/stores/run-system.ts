/** Which OS's errno numbering a run used, so the readout can mark that row. */
import type { ErrnoSystem } from '../../shared/errno'
import type { BackendId, ProfileId } from '../../shared/lab-script'

/** An errno system, or `null` when the kernel ran on a host the tables do not cover. */
export type ErrnoSystemOfRun = ErrnoSystem | null

/** The simulator numbers errors like its profile's OS; the kernel like the host it ran on. */
export function systemOfRun(
  backend: BackendId,
  profile: ProfileId,
  hostPlatform: string | undefined,
): ErrnoSystemOfRun {
  if (backend === 'sim') return profile === 'linux-legacy' ? 'linux' : profile
  if (hostPlatform === 'linux') return 'linux'
  if (hostPlatform === 'darwin') return 'macos'
  if (hostPlatform === 'win32') return 'windows'
  return null
}
