/**
 * Who may call the lab over IPC: only the top frame of the app's own page. Any other frame
 * (an iframe, a page the window was somehow navigated to, a frame that is gone) is refused,
 * even though navigation is already denied: each IPC handler is a trust boundary by itself.
 */
import { APP_HOST, APP_SCHEME } from './scheme'

/** A page origin the shell trusts, as scheme and host (custom schemes have no WHATWG origin). */
export interface TrustedOrigin {
  /** With the colon, as `URL.protocol` gives it: `app:`, `http:`. */
  protocol: string
  /** `host` of `URL` (hostname plus port when there is one). */
  host: string
}

/** The packaged app's origin. */
export const APP_ORIGIN: TrustedOrigin = { protocol: `${APP_SCHEME}:`, host: APP_HOST }

/** The origin of electron-vite's dev server URL, or `undefined` when it is not http(s). */
export function devOrigin(rendererUrl: string): TrustedOrigin | undefined {
  try {
    const url = new URL(rendererUrl)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
    return { protocol: url.protocol, host: url.host }
  } catch {
    return undefined
  }
}

/** True when `frameUrl` is a page of one of the trusted origins. */
export function isTrustedUrl(frameUrl: string, trusted: readonly TrustedOrigin[]): boolean {
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  return trusted.some((t) => t.protocol === url.protocol && t.host === url.host)
}

/** The part of Electron's `WebFrameMain` the check reads. */
export interface FrameLike {
  url: string
  parent: unknown
  /** Set once the frame has navigated away or been removed. */
  detached?: boolean
}

/** The part of Electron's `IpcMainInvokeEvent` the check reads. */
export interface SenderEventLike {
  senderFrame: FrameLike | null
}

/**
 * Builds the check every IPC handler runs first: the sending frame still exists (not gone,
 * not detached), is a top frame (no parent) and shows a page of a trusted origin.
 */
export function createSenderCheck(
  trusted: readonly TrustedOrigin[],
): (event: SenderEventLike) => boolean {
  return (event) => {
    const frame = event.senderFrame
    if (!frame || frame.parent !== null || frame.detached === true) return false
    return isTrustedUrl(frame.url, trusted)
  }
}
