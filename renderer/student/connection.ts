/**
 * The student page's answers channel: one WebSocket to `/<CODE>/ws` on the page's own server,
 * reopened with backoff when it drops (a phone that slept, a Wi-Fi hiccup) until the class
 * ends or the student opened it on another page.
 */
import { CLOSE_CODES } from '../../shared/class/limits'
import type { ServerMessage } from '../../shared/class/protocol'

/** What the page hears from the channel. */
export interface ChannelEvents {
  open(): void
  message(message: ServerMessage): void
  /** `final`: the class ended or moved to another page; no reconnect follows. */
  closed(why: 'ended' | 'replaced' | 'lost'): void
}

/** The channel. */
export interface Channel {
  send(message: unknown): boolean
  readonly open: boolean
  stop(): void
}

/** Opens the channel of the class whose page this is. */
export function openChannel(code: string, events: ChannelEvents): Channel {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/${code}/ws`
  let ws: WebSocket | undefined
  let delay = 500
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined

  const connect = (): void => {
    const socket = new WebSocket(url)
    ws = socket
    socket.onopen = () => {
      delay = 500
      events.open()
    }
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return
      try {
        const message = JSON.parse(event.data) as ServerMessage
        if (message && typeof message === 'object' && typeof message.type === 'string')
          events.message(message)
      } catch {
        // Not a message of the protocol: nothing to do with it.
      }
    }
    socket.onclose = (event) => {
      if (ws !== socket) return
      ws = undefined
      if (event.code === CLOSE_CODES.ended) {
        stopped = true
        events.closed('ended')
      } else if (event.code === CLOSE_CODES.replaced) {
        stopped = true
        events.closed('replaced')
      } else {
        events.closed('lost')
        if (!stopped) {
          timer = setTimeout(connect, delay)
          delay = Math.min(delay * 2, 5000)
        }
      }
    }
  }
  connect()

  return {
    send(message) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return false
      ws.send(JSON.stringify(message))
      return true
    },
    get open() {
      return ws?.readyState === WebSocket.OPEN
    },
    stop() {
      stopped = true
      clearTimeout(timer)
      ws?.close()
    },
  }
}
