/**
 * Which downloads the desktop window may start. The app's own page offers files it built
 * itself (a student's result file, the gradebook CSV) as `blob:` URLs of its own origin; those
 * go through Electron's normal Save dialog, so the user picks where the file lands. Every other
 * download (a link to the network, a blob of a frame from elsewhere) is still cancelled.
 */
import { isTrustedUrl, type TrustedOrigin } from './sender'

/** True for a `blob:` URL created by a page of a trusted origin. */
export function isPageDownload(url: string, trusted: readonly TrustedOrigin[]): boolean {
  return url.startsWith('blob:') && isTrustedUrl(url.slice('blob:'.length), trusted)
}
